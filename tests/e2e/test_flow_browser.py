"""One scan in a real browser: IKM, then the optional IPK, then thanks; or IKM and skip."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import instruments
from survey_app.models import Answer, InstrumentVersion, Response, Service
from tests.e2e.test_survey_browser import (
    PATH,
    THANKS,
    THANKS_URL,
    answer_by_label,
    origin,
    phone_context,
)
from tests.helpers import IKM_CODES, make_unit

pytestmark = pytest.mark.e2e

IPK = instruments.latest("ipk")


def ikm_then_ipk(session: Session) -> None:
    make_unit(session)
    session.scalars(select(Service)).one().instrument_slugs = "ikm,ipk"
    session.commit()


def stored(session: Session) -> list[tuple[str, dict[str, int]]]:
    session.expire_all()
    out = []
    for response in session.scalars(select(Response).order_by(Response.id)):
        slug = session.get(InstrumentVersion, response.instrument_version_id).slug
        answers = session.scalars(select(Answer).where(Answer.response_id == response.id))
        out.append((slug, {a.item_code: a.value for a in answers}))
    return out


def test_ikm_then_ipk_then_thanks(browser: Browser, live_server: str, session: Session) -> None:
    ikm_then_ipk(session)
    context = phone_context(browser)
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(live_server + PATH)
    answer_by_label(page, tap=True)
    page.locator('form button[type="submit"]').click()
    page.wait_for_url("**instrument=ipk")
    expect(page.locator("h1")).to_have_text("Survei Persepsi Korupsi")
    for item in IPK.items:  # the best answer, "Tidak ada", for every item
        page.locator(f"#q-{item.code}").get_by_text(item.labels[3].id, exact=True).tap()
    page.locator('form button[type="submit"]').click()
    page.wait_for_url(THANKS_URL)
    expect(page.locator("h1")).to_have_text(THANKS)
    context.close()
    rows = stored(session)
    assert [slug for slug, _ in rows] == ["ikm", "ipk"]
    assert rows[1][1] == {code: 4 for code in IPK.codes}
    assert {origin(url) for url in requests} == {live_server}


def test_skipping_ipk_stores_ikm_only(browser: Browser, live_server: str,
                                      session: Session) -> None:
    ikm_then_ipk(session)
    context = phone_context(browser)
    page = context.new_page()
    page.goto(live_server + PATH)
    answer_by_label(page, tap=True)
    page.locator('form button[type="submit"]').click()
    page.wait_for_url("**instrument=ipk")
    page.get_by_role("link", name="Lewati survei ini").tap()
    expect(page.locator("h1")).to_have_text(THANKS)
    context.close()
    rows = stored(session)
    assert [slug for slug, _ in rows] == ["ikm"]
    # answer_by_label picks 4, 3, 2, 1, 4, 3, 2, 1, 4 for the nine IKM elements in order
    assert rows[0][1] == dict(zip(IKM_CODES, [4, 3, 2, 1, 4, 3, 2, 1, 4], strict=True))
    assert len(IKM_CODES) == 9
    ipk_version = select(InstrumentVersion.id).where(InstrumentVersion.slug == "ipk")
    assert session.scalar(select(func.count()).select_from(Response).where(
        Response.instrument_version_id.in_(ipk_version))) == 0
    assert session.scalar(select(func.count()).select_from(Answer)) == 9
