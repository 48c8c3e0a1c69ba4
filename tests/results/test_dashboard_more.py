"""Dashboard: the publication box per service, counters, saran paging, instruments without a
profile."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

import instruments
from survey_app.models import Publication
from survey_app.survey.services import instrument_version, new_response, resolve_target
from survey_app.survey.validation import Submission
from tests.admin.support import csrf_of, login, make_user
from tests.helpers import IKM_CODES, make_unit
from tests.results.test_dashboard import Q1, setup

BASE = "/admin/units/U1/results/"
PUBLISH_BUTTONS = ("Publikasikan periode ini", "Publikasikan ulang")


def publish_box(html: str) -> str:
    return html.split('id="publish"', 1)[1]


def test_publication_box_shows_only_the_selected_services_publications(runner, session, client,
                                                                       tmp_path):
    setup(runner, session, client, tmp_path)
    page = client.get(f"{BASE}?{Q1}&service=S1").get_data(as_text=True)
    assert client.post(f"{BASE}publish?{Q1}&service=S1",
                       data={"csrf_token": csrf_of(page)}).status_code == 302
    service = publish_box(client.get(f"{BASE}?{Q1}&service=S1").get_data(as_text=True))
    assert "Revisi 1 dipublikasikan" in service and "Publikasikan ulang" in service
    whole = publish_box(client.get(f"{BASE}?{Q1}").get_data(as_text=True))
    assert "Revisi 1 dipublikasikan" not in whole and "Publikasikan ulang" not in whole
    assert "Publikasikan periode ini" in whole and 'name="reason"' not in whole
    other = publish_box(client.get(f"{BASE}?{Q1}&service=S2").get_data(as_text=True))
    assert "Revisi 1" not in other
    # the whole unit is published on its own, without a reason: it is not a re-publication
    client.post(f"{BASE}publish?{Q1}", data={"csrf_token": csrf_of(page)})
    pubs = session.scalars(select(Publication).order_by(Publication.id)).all()
    assert [(p.service_id is None, p.revision) for p in pubs] == [(False, 1), (True, 1)]


def counter_response(session, when):
    target = resolve_target(session, "U1", "S1", "L1")
    version = instrument_version(session, instruments.latest("ikm"))
    session.add(new_response(target, version, Submission(answers={c: 2 for c in IKM_CODES}),
                             source="web", submitted_at=when))
    session.commit()


def test_a_counter_selection_is_not_published(runner, session, client, tmp_path):
    setup(runner, session, client, tmp_path)
    counter_response(session, datetime(2026, 2, 3, 2, 0, tzinfo=UTC))
    url = f"{BASE}?{Q1}&service=S1&counter=L1"
    page = client.get(url).get_data(as_text=True)
    box = publish_box(page)
    assert not any(b in box for b in PUBLISH_BUTTONS) and "<form" not in box
    assert "loket tidak dipublikasikan" in box
    resp = client.post(f"{BASE}publish?{Q1}&service=S1&counter=L1",
                       data={"csrf_token": csrf_of(page)}, follow_redirects=True)
    assert "loket tidak dipublikasikan" in resp.get_data(as_text=True)
    assert session.scalars(select(Publication)).all() == []
    # the service itself, all counters together, can be
    service = publish_box(client.get(f"{BASE}?{Q1}&service=S1").get_data(as_text=True))
    assert "Publikasikan periode ini" in service


def test_compatibility_weights_are_not_published(runner, session, client, tmp_path):
    setup(runner, session, client, tmp_path)
    page = client.get(f"{BASE}?{Q1}&weights=compat-0.111").get_data(as_text=True)
    assert "0,111" in publish_box(page) and "<form" not in publish_box(page)
    client.post(f"{BASE}publish?{Q1}&weights=compat-0.111", data={"csrf_token": csrf_of(page)})
    assert session.scalars(select(Publication)).all() == []


def saran_rows(session, n):
    target = resolve_target(session, "U1", "S1", None)
    version = instrument_version(session, instruments.latest("ikm"))
    start = datetime(2026, 1, 5, 1, 0, tzinfo=UTC)
    for i in range(n):
        text = f"Saran nomor {i:03d}" + (" antrean" if i % 2 else "")
        session.add(new_response(target, version,
                                 Submission(answers={c: 3 for c in IKM_CODES}, saran=text),
                                 source="web", submitted_at=start + timedelta(hours=i)))
    session.commit()


def shown_saran(html: str) -> list[str]:
    return re.findall(r"Saran nomor (\d{3})", html.split('id="saran"', 1)[1].split("</ul>")[0])


def pager_links(html: str) -> dict[str, str]:
    nav = html.split('id="saran"', 1)[1].split("</section>")[0]
    return {rel: href.replace("&amp;", "&")
            for rel, href in re.findall(r'<a rel="(prev|next)" href="([^"]+)"', nav)}


def test_suggestions_page_by_fifty_keeping_search_and_filters(session, client):
    unit = make_unit(session)
    make_user(session, unit=unit, role="analyst")
    login(client, "staf@u1.go.id")
    saran_rows(session, 120)
    first = client.get(f"{BASE}?{Q1}&service=S1").get_data(as_text=True)
    assert shown_saran(first) == [f"{i:03d}" for i in range(119, 69, -1)]  # newest 50
    links = pager_links(first)
    assert set(links) == {"next"} and "service=S1" in links["next"]
    second = client.get(links["next"]).get_data(as_text=True)
    assert shown_saran(second) == [f"{i:03d}" for i in range(69, 19, -1)]
    third = client.get(pager_links(second)["next"]).get_data(as_text=True)
    assert shown_saran(third) == [f"{i:03d}" for i in range(19, -1, -1)]
    assert set(pager_links(third)) == {"prev"}
    assert shown_saran(client.get(pager_links(third)["prev"]).get_data(as_text=True)) == \
        shown_saran(second)
    # searching: 60 match, two pages; the search and the filters stay in the links
    found = client.get(f"{BASE}?{Q1}&service=S1&q=ANTREAN").get_data(as_text=True)
    assert "(60)" in found and len(shown_saran(found)) == 50
    nxt = pager_links(found)["next"]
    assert "q=ANTREAN" in nxt and "service=S1" in nxt and "period=2026-01-01..2026-03-31" in nxt
    rest = shown_saran(client.get(nxt).get_data(as_text=True))
    assert rest == [f"{i:03d}" for i in range(19, 0, -2)]
    # a page past the end or not a number: the last page, or the first
    assert shown_saran(client.get(f"{BASE}?{Q1}&page=99").get_data(as_text=True)) == \
        shown_saran(third)
    for bad in ("abc", "-1", "²", "9" * 40):
        assert shown_saran(client.get(f"{BASE}?{Q1}&page={bad}").get_data(as_text=True)) == \
            shown_saran(first)


def test_ipk_dashboard_has_no_respondent_section(runner, session, client, tmp_path):
    setup(runner, session, client, tmp_path)
    target = resolve_target(session, "U1", "S1", None)
    ipk = instruments.latest("ipk")
    version = instrument_version(session, ipk)
    for i in range(3):
        session.add(new_response(target, version, Submission(answers={c: 4 for c in ipk.codes}),
                                 source="web", submitted_at=datetime(2026, 2, 1, i, tzinfo=UTC)))
    session.commit()
    ipk_page = client.get(f"{BASE}?{Q1}&instrument=ipk").get_data(as_text=True)
    assert 'class="big">' in ipk_page and 'id="respondents"' not in ipk_page
    assert "<h2>Responden</h2>" not in ipk_page
    ikm_page = client.get(f"{BASE}?{Q1}").get_data(as_text=True)
    assert 'id="respondents"' in ikm_page and "<h2>Responden</h2>" in ikm_page
    # five IPK items cannot take the nine 0.111 weights: a message, on the page and for exports
    compat = client.get(f"{BASE}?{Q1}&instrument=ipk&weights=compat-0.111")
    assert compat.status_code == 200
    assert "memerlukan tepat 9 unsur yang dijawab, yang ada 5" in compat.get_data(as_text=True)
    export = client.get(f"{BASE}export/pdf?{Q1}&instrument=ipk&weights=compat-0.111",
                        follow_redirects=True)
    assert export.status_code == 200
    assert "memerlukan tepat 9 unsur yang dijawab, yang ada 5" in export.get_data(as_text=True)
