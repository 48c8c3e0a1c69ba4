"""The integrity panel on the dashboard, quarantine and release through it (roles, CSRF, audit),
the settings page, and the public page's stamp and verification page."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from io import BytesIO
from zoneinfo import ZoneInfo

from sqlalchemy import select, text

from survey_app.integrity import audit, publications
from survey_app.models import OpeningInterval, Publication, Quarantine, ServiceTransactions
from tests.admin.support import login, make_user
from tests.integrity.support import clean_history, make_integrity_unit, submit_web

WIB = ZoneInfo("Asia/Jakarta")
DASH = "/admin/units/U1/results/?instrument=ikm&period=2026-10-05..2026-11-01"
Q = "/admin/units/U1/integrity/quarantine?instrument=ikm&period=2026-10-05..2026-11-01"
R = "/admin/units/U1/integrity/release?instrument=ikm&period=2026-10-05..2026-11-01"


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found
    return found.group(1)


def _kpi(html: str) -> str:
    found = re.search(r'<p class="big">([0-9.,]+)', html)
    assert found
    return found.group(1)


def _setup(session, client, monkeypatch, role="unit_admin"):  # type: ignore[no-untyped-def]
    unit = make_integrity_unit(session)
    clean_history(session, unit, datetime(2026, 10, 5).date(), 28, n=600)
    at = datetime(2026, 10, 21, 10, 0, tzinfo=WIB)
    submit_web(client, monkeypatch, "/s/U1/SKCK/L1", [at + timedelta(seconds=15 * i)
                                                      for i in range(60)])
    make_user(session, unit=unit, role=role)
    login(client, "staf@u1.go.id")
    return unit


def test_panel_shows_flags_and_quarantine_changes_the_index(client, session, monkeypatch):
    unit = _setup(session, client, monkeypatch)
    page = client.get(DASH).get_data(as_text=True)
    assert 'id="integrity"' in page and 'data-kind="burst"' in page
    assert "SKCK / L1" in page
    before = _kpi(page)
    ids = re.search(r'name="kind" value="burst"', page) and re.findall(
        r'<input type="hidden" name="ids" value="([0-9 ]+)">\s*<input type="hidden" '
        r'name="kind" value="burst">', page)[0]
    response = client.post(Q, data={"csrf_token": _csrf(page), "ids": ids, "kind": "burst",
                                    "reason": "burst at SKCK/L1"})
    assert response.status_code == 302
    held = set(session.scalars(select(Quarantine.response_id)))
    assert held == {int(i) for i in ids.split()}
    page = client.get(DASH).get_data(as_text=True)
    assert _kpi(page) != before and "data-index-with-quarantined" in page
    assert before in re.search(r"data-index-with-quarantined>.*?</p>", page, re.S).group(0)
    response = client.post(R, data={"csrf_token": _csrf(page), "ids": ids, "reason": "checked"})
    assert response.status_code == 302
    assert _kpi(client.get(DASH).get_data(as_text=True)) == before
    assert [r.action for r in audit.entries(session, unit.id)] == ["release", "quarantine"]


def test_analyst_and_missing_csrf_cannot_quarantine(client, session, monkeypatch):
    _setup(session, client, monkeypatch, role="analyst")
    page = client.get(DASH).get_data(as_text=True)
    assert 'data-kind="burst"' in page and 'name="reason"' not in page.split('id="integrity"')[1]
    ids = " ".join(str(i) for i in range(1, 10))
    assert client.post(Q, data={"csrf_token": _csrf(page), "ids": ids,
                                "reason": "x"}).status_code == 403
    assert session.scalars(select(Quarantine)).all() == []


def test_quarantine_without_csrf_is_refused(client, session, monkeypatch):
    _setup(session, client, monkeypatch)
    response = client.post(Q, data={"ids": "1 2 3", "reason": "x"})
    assert response.status_code == 400
    assert session.scalars(select(Quarantine)).all() == []


def test_bad_quarantine_input_is_a_message_not_an_error(client, session, monkeypatch):
    _setup(session, client, monkeypatch)
    page = client.get(DASH).get_data(as_text=True)
    for data in ({"ids": "1 2", "reason": " "}, {"ids": "abc", "reason": "r"},
                 {"ids": "999999999", "reason": "r"}):
        response = client.post(Q, data={"csrf_token": _csrf(page), **data},
                               follow_redirects=True)
        assert response.status_code == 200
        assert 'role="alert"' in response.get_data(as_text=True)
    assert session.scalars(select(Quarantine)).all() == []


def test_settings_page_saves_hours_and_transactions(client, session, monkeypatch):
    unit = _setup(session, client, monkeypatch)
    url = "/admin/units/U1/integrity/settings"
    token = _csrf(client.get(url).get_data(as_text=True))
    week = {f"open_{d}": "08:00" for d in range(6)} | {f"close_{d}": "14:00" for d in range(6)}
    assert client.post(url, data={"csrf_token": token, "form": "hours", **week}).status_code == 302
    rows = session.scalars(select(OpeningInterval).order_by(OpeningInterval.weekday)).all()
    assert [(r.weekday, r.opens, r.closes) for r in rows] == [(d, 480, 840) for d in range(6)]
    client.post(url, data={"csrf_token": token, "form": "transactions", "service": "SKCK",
                           "date": "2026-10-21", "delivered": "40"})
    csv = b"service,date,delivered\nSIM,2026-10-21,12\nSKCK,2026-10-22,30\n"
    client.post(url, data={"csrf_token": token, "form": "transactions",
                           "file": (BytesIO(csv), "t.csv")}, content_type="multipart/form-data")
    stored = {(t.day.isoformat(), t.delivered)
              for t in session.scalars(select(ServiceTransactions))}
    assert stored == {("2026-10-21", 40), ("2026-10-21", 12), ("2026-10-22", 30)}
    bad = client.post(url, data={"csrf_token": token, "form": "hours", "open_0": "25:00",
                                 "close_0": "10:00"}, follow_redirects=True)
    assert bad.status_code == 200 and 'role="alert"' in bad.get_data(as_text=True)
    actions = [r.action for r in audit.entries(session, unit.id)]
    assert actions == ["transactions", "transactions", "hours"]


def test_public_page_carries_stamp_and_verification_page_reports_tampering(
        client, runner, session, monkeypatch):
    _setup(session, client, monkeypatch)
    result = runner.invoke(args=["publish", "U1", "--from", "2026-10-05", "--to", "2026-11-01"])
    assert result.exit_code == 0, result.output
    pub = session.get(Publication, int(result.output.split()[-1]))
    page = client.get(f"/hasil/U1/{pub.id}").get_data(as_text=True)
    code = re.search(r"data-verification-code>([0-9A-F-]+)<", page).group(1)
    assert "data-integrity-summary" in page
    assert client.get(f"/verifikasi/{code}/qr.svg").mimetype == "image/svg+xml"
    ok = client.get(f"/verifikasi/{code}").get_data(as_text=True)
    assert 'data-verify="ok"' in ok
    session.execute(text("UPDATE publications SET figures = REPLACE(figures, '\"n\": 660', "
                         "'\"n\": 990')"))
    session.commit()
    bad = client.get(f"/verifikasi/{code}").get_data(as_text=True)
    assert 'data-difference="tampered"' in bad
    assert client.get("/verifikasi/ZZZZ-0000-1111").status_code == 404


def test_public_infographic_carries_the_verification_stamp(client, runner, session,
                                                           monkeypatch):
    from PIL import Image

    _setup(session, client, monkeypatch)
    result = runner.invoke(args=["publish", "U1", "--from", "2026-10-05", "--to", "2026-11-01"])
    pub_id = int(result.output.split()[-1])
    png = client.get(f"/hasil/U1/{pub_id}/infografis.png")
    assert png.status_code == 200 and png.mimetype == "image/png"
    import json

    from survey_app.results.exports.infographic import figures_frozen, render_png
    plain = Image.open(BytesIO(render_png(figures_frozen(json.loads(
        session.get(Publication, pub_id).figures)))))
    stamped = Image.open(BytesIO(png.data))
    assert stamped.size == plain.size == (1080, 1350)  # the 4:5 post size is kept
    import zxingcpp

    code = publications.verification_code(session.get(Publication, pub_id).digest)
    found = [r.text for r in zxingcpp.read_barcodes(stamped)]
    assert found == [f"http://survey.test/verifikasi/{code}"]


def test_dashboard_png_of_published_figures_carries_the_stamp(client, runner, session,
                                                              monkeypatch):
    import zxingcpp
    from PIL import Image

    _setup(session, client, monkeypatch)
    url = "/admin/units/U1/results/export/png?instrument=ikm&period=2026-10-05..2026-11-01"
    before = Image.open(BytesIO(client.get(url).data))
    assert not [r.text for r in zxingcpp.read_barcodes(before) if "verifikasi" in r.text]
    result = runner.invoke(args=["publish", "U1", "--from", "2026-10-05", "--to", "2026-11-01"])
    pub = session.get(Publication, int(result.output.split()[-1]))
    after = Image.open(BytesIO(client.get(url).data))
    code = publications.verification_code(pub.digest)
    assert [r.text for r in zxingcpp.read_barcodes(after)] == [
        f"http://survey.test/verifikasi/{code}"]


def test_a_publish_racing_another_is_a_message_not_an_error(client, runner, session,
                                                            monkeypatch):
    from survey_app.results import services as result_services

    _setup(session, client, monkeypatch)
    first = runner.invoke(args=["publish", "U1", "--from", "2026-10-05", "--to", "2026-11-01"])
    assert first.exit_code == 0
    # The second request read the revisions before the first one committed: it saw none.
    monkeypatch.setattr(result_services, "publications_for", lambda *a, **k: [])
    page = client.get(DASH).get_data(as_text=True)
    response = client.post("/admin/units/U1/results/publish?instrument=ikm"
                           "&period=2026-10-05..2026-11-01",
                           data={"csrf_token": _csrf(page)}, follow_redirects=True)
    assert response.status_code == 200
    assert "baru saja dipublikasikan" in response.get_data(as_text=True)
    assert len(session.scalars(select(Publication)).all()) == 1
