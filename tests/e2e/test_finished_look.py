"""What a designer checked by eye, measured in Chromium: readable NRR bars on a phone, the ZI
inputs using a desktop row, the WBS queue and the ZI sources readable on a phone."""

from __future__ import annotations

import pytest
from flask import Flask
from playwright.sync_api import Browser
from sqlalchemy.orm import Session

from tests import site as S
from tests.e2e.test_overflow import _contexts, _open

pytestmark = pytest.mark.e2e

BARS = """() => [...document.querySelectorAll('.bars .bar-row')].map(row => {
  const label = row.querySelector('.bar-label').getBoundingClientRect();
  const bar = row.querySelector('.bar').getBoundingClientRect();
  return {font: parseFloat(getComputedStyle(row.querySelector('.bar-label')).fontSize),
          labelBottom: label.bottom, labelRight: label.right, barTop: bar.top, barLeft: bar.left,
          barWidth: bar.width};
})"""


@pytest.fixture
def built(app: Flask, session: Session):  # type: ignore[no-untyped-def]
    from tests.wbs.support import purge_audit

    yield S.build(app, session)
    purge_audit(app)


def test_nrr_bars_stay_readable_from_phone_to_desktop(browser: Browser, app: Flask,
                                                      session: Session, built: S.Site,
                                                      live_server: str) -> None:
    context = _open(browser, [], 360)
    tab = context.new_page()
    tab.goto(f"{live_server}/hasil/{S.DEMO_UNIT}/{built.pub_id}")
    rows = tab.evaluate(BARS)
    assert len(rows) == 9
    for row in rows:
        assert row["font"] >= 13  # the old SVG chart scaled its labels down to about 6 px
        assert row["labelBottom"] <= row["barTop"] + 0.5  # on a phone the label is above
        assert row["barWidth"] >= 200
    tab.set_viewport_size({"width": 1366, "height": 900})
    for row in tab.evaluate(BARS):
        assert row["labelRight"] <= row["barLeft"]  # on a desktop: label | bar | value
        assert abs(row["labelBottom"] - row["barTop"]) < 30
    context.close()


def test_zi_inputs_share_rows_on_a_desktop(browser: Browser, app: Flask, session: Session,
                                           built: S.Site, live_server: str) -> None:
    cookies = _contexts(browser, app, session, built, live_server)
    context = _open(browser, cookies["unit_admin"], 1366)
    tab = context.new_page()
    tab.goto(f"{live_server}/admin/units/{S.DEMO_UNIT}/zi/?year=2026")
    tops = tab.evaluate("""() => [...document.querySelectorAll('#inputs .field input, '
        + '#inputs .field select')].map(e => Math.round(e.getBoundingClientRect().top))""")
    assert len(tops) > 10 and len(set(tops)) <= len(tops) / 2  # at least two fields a row
    tab.set_viewport_size({"width": 360, "height": 900})
    tab.reload()
    widths = tab.evaluate("""() => [document.documentElement.scrollWidth, window.innerWidth,
        document.querySelector('#sources').scrollWidth,
        document.querySelector('#sources').clientWidth]""")
    assert widths[0] <= widths[1] and widths[2] <= widths[3]  # the sources table stacks
    context.close()


def test_wbs_queue_fits_a_phone(browser: Browser, app: Flask, session: Session, built: S.Site,
                                live_server: str) -> None:
    cookies = _contexts(browser, app, session, built, live_server)
    context = _open(browser, cookies["officer"], 360)
    tab = context.new_page()
    tab.goto(f"{live_server}/wbs/officer/")
    scroll, inner = tab.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll <= inner
    lang = tab.evaluate("""() => { const r = [...document.querySelectorAll('.lang > *')]
        .map(e => e.getBoundingClientRect().top); return r[0] === r[1]; }""")
    assert lang  # ID and EN on one line beside a long title
    context.close()
