"""The anonymous report form, the receipt page and routing to the right channel."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image, ImageDraw
from sqlalchemy import func, select, update

from survey_app.models import WbsBlob, WbsFile, WbsMessage, WbsReport
from survey_app.wbs import cases
from survey_app.wbs.config import WbsConfig
from survey_app.wbs.receipt import is_wellformed, normalise
from survey_app.wbs.reporter import services as followup
from tests.helpers import make_unit
from tests.wbs.support import (
    configure_for_tests,
    csrf_token,
    follow,
    login_officer,
    make_officer,
    only_report,
    receipt_of,
    report_data,
    report_receipt,
    submit,
)


def test_form_is_anonymous_bilingual_and_self_contained(app, client, session):
    make_officer(app, session)
    resp = client.get("/wbs?unit=U1")
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "Laporkan pelanggaran" in page and 'lang="id"' in page
    for name in ("apa", "siapa", "di_mana", "kapan", "bagaimana", "category", "contact",
                 "evidence", "head_involved"):
        assert f'name="{name}"' in page
        if name not in ("head_involved",):
            assert f'for="{name}"' in page, f"{name} has no label"
    assert '<option value="U1" selected>' in page
    assert not re.search(r'(src|href)="(https?:)?//', page), "external resource on a WBS page"
    assert resp.headers["Referrer-Policy"] == "no-referrer"
    assert resp.headers["Cache-Control"] == "no-store"
    assert "Report a violation" in client.get("/wbs?lang=en").get_data(as_text=True)


def _svg_to_image(svg: str) -> Image.Image:
    """Rasterise qrcode's path SVG (unit squares 'Mx,yH..V..H..z') for the decoder."""
    size = int(re.search(r'viewBox="0 0 (\d+) \d+"', svg).group(1))
    img = Image.new("L", (size * 8, size * 8), 255)
    draw = ImageDraw.Draw(img)
    for x, y in re.findall(r"M(\d+),(\d+)H", svg):
        draw.rectangle([int(x) * 8, int(y) * 8, int(x) * 8 + 7, int(y) * 8 + 7], fill=0)
    return img


def test_receipt_page_shows_grouped_code_and_qr(app, client, session):
    make_officer(app, session)
    resp = submit(client, report_data())
    page = resp.get_data(as_text=True)
    receipt = receipt_of(page)
    assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", receipt)
    assert is_wellformed(normalise(receipt))
    svg = re.search(r"<svg class=\"qr\".*?</svg>", page, re.S).group(0)
    assert [r.text for r in zxingcpp.read_barcodes(_svg_to_image(svg))] == [receipt]
    assert 'name="typed"' in page
    report = only_report(session)
    assert report.status == "new" and report.category == "pungli"
    assert normalise(receipt) not in str(vars(report))


def test_retyping_the_receipt_is_checked(app, client, session):
    make_officer(app, session)
    receipt = report_receipt(client)
    token = csrf_token(client, "/wbs/follow-up")
    wrong = receipt[:-1] + ("0" if receipt[-1] != "0" else "1")
    resp = client.post("/wbs/receipt", data={"receipt": receipt, "typed": wrong,
                                            "csrf_token": token})
    assert resp.status_code == 422 and receipt in resp.get_data(as_text=True)
    typed = receipt.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    resp = client.post("/wbs/receipt", data={"receipt": receipt, "typed": typed,
                                            "csrf_token": token})
    assert resp.status_code == 200
    assert "Benar" in resp.get_data(as_text=True)


def test_receipt_reopens_the_report(app, client, session):
    make_officer(app, session)
    receipt = report_receipt(client, apa="Uang pelicin untuk izin usaha")
    page = follow(client, receipt.lower()).get_data(as_text=True)
    assert "Uang pelicin untuk izin usaha" in page and "Diterima" in page
    opened = followup.unlock(session, app.extensions["wbs"], receipt)
    assert opened is not None
    assert cases.report_text(opened)["apa"] == "Uang pelicin untuk izin usaha"


def test_head_of_unit_reports_go_to_the_parent_channel(app, client, session):
    make_officer(app, session, "INSP")
    make_officer(app, session, "U1", parent="INSP")
    report_receipt(client, head_involved="yes")
    report_receipt(client, head_involved="no")
    session.expire_all()
    rows = session.execute(select(WbsReport.unit_id, WbsReport.channel_id)
                           .order_by(WbsReport.id)).all()
    (unit_a, channel_a), (unit_b, channel_b) = rows
    assert unit_a == unit_b and channel_a != channel_b


def test_head_report_without_a_channel_above_is_refused_with_text_kept(app, client, session):
    make_officer(app, session)
    resp = submit(client, report_data(head_involved="yes", apa="Kepala unit menerima suap"))
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "inspektorat" in page.lower()
    assert "Kepala unit menerima suap" in page
    assert session.scalar(select(func.count()).select_from(WbsReport)) == 0


def test_unit_without_channel_is_served_by_its_parent(app, client, session):
    make_officer(app, session, "KANWIL")
    make_unit(session, "U2", parent="KANWIL")
    report_receipt(client, unit="U2")
    report = only_report(session)
    assert report.unit.code == "U2" and report.channel.unit.code == "KANWIL"


def test_honeypot_stores_nothing(app, client, session):
    make_officer(app, session)
    resp = submit(client, report_data(situs_web="http://spam.example"))
    assert resp.status_code == 422
    assert session.scalar(select(func.count()).select_from(WbsReport)) == 0


def test_submissions_are_rate_limited_globally_with_text_kept(app, client, session):
    from tests.wbs.support import configure_for_tests

    configure_for_tests(app, app.extensions["wbs"].files_dir, submit_rate=(2, 60))
    make_officer(app, session)
    for _ in range(2):
        report_receipt(client)
    other = app.test_client()  # another browser, another address: the bucket is global
    resp = submit(other, report_data(apa="Teks yang tidak boleh hilang"),
                  environ_base={"REMOTE_ADDR": "198.51.100.9"})
    assert resp.status_code == 429
    assert "Teks yang tidak boleh hilang" in resp.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(WbsReport)) == 2


def test_files_are_stored_encrypted_with_a_clean_working_copy(app, client, session):
    from tests.wbs.support import jpeg_with_gps

    make_officer(app, session)
    resp = submit(client, report_data(), files=[(jpeg_with_gps(), "IMG_0001.jpg"),
                                                (b"%PDF-1.4\n%%EOF\n", "surat.pdf")])
    assert resp.status_code == 200
    rows = session.scalars(select(WbsFile).order_by(WbsFile.seq)).all()
    assert len(rows) == 2 and rows[0].working_name and rows[1].working_name is None
    blobs = session.scalars(select(WbsBlob)).all()
    assert sorted(b.name for b in blobs) == sorted(
        [rows[0].original_name, rows[0].working_name, rows[1].original_name])
    for blob in blobs:
        assert b"%PDF" not in blob.data and b"Exif" not in blob.data
    assert not app.extensions["wbs"].files_dir.exists()


def test_pages_show_dates_in_the_units_time_zone(app, client, session):
    _officer, totp = make_officer(app, session)  # U1 keeps Asia/Jakarta (WIB, UTC+7)
    receipt = report_receipt(client)
    resp = client.post("/wbs/follow-up/answer", data={
        "receipt": receipt, "message": "Tambahan", "csrf_token": csrf_token(client, "/wbs")})
    assert resp.status_code == 200
    # 03:00 WIB on 2 March is still 1 March in UTC; 01:00 WIB on 4 March is 3 March in UTC.
    session.execute(update(WbsReport).values(created_at=datetime(2026, 3, 1, 20, tzinfo=UTC)))
    session.execute(update(WbsMessage).values(created_at=datetime(2026, 3, 3, 18, tzinfo=UTC)))
    session.commit()
    page = follow(client, receipt).get_data(as_text=True)
    assert "Diterima pada 2 Maret 2026." in page
    assert '<span class="muted">4 Maret 2026</span>' in page
    assert "2026-03-01" not in page and "2026-03-03" not in page
    officer = app.test_client()
    assert login_officer(officer, session, "petugas@u1.go.id", totp).status_code == 302
    queue = officer.get("/wbs/officer/").get_data(as_text=True)
    assert '<td data-label="Diterima">2 Maret 2026</td>' in queue
    rid = only_report(session).id
    assert "Diterima 2 Maret 2026" in officer.get(f"/wbs/officer/cases/{rid}").get_data(
        as_text=True)


@pytest.mark.parametrize(("env", "due"), [(None, date(2026, 3, 27)), ("1", date(2026, 3, 27)),
                                          ("0", date(2026, 3, 23))])
def test_acknowledge_deadline_skips_cuti_bersama_unless_turned_off(app, client, session,
                                                                   monkeypatch, env, due):
    # Tue 17 March 2026; public holidays Thu 19 (Nyepi), Sat-Sun 21-22 (Idul Fitri); cuti
    # bersama Wed 18, Fri 20, Mon 23, Tue 24 (checked against the holidays package).
    if env is None:
        monkeypatch.delenv("WBS_CUTI_BERSAMA", raising=False)
    else:
        monkeypatch.setenv("WBS_CUTI_BERSAMA", env)
    from_env = WbsConfig.from_env(Path(app.instance_path))
    configure_for_tests(app, app.extensions["wbs"].files_dir,
                        cuti_bersama=from_env.cuti_bersama)
    monkeypatch.setattr(followup, "coarse_now", lambda: datetime(2026, 3, 17, 3, tzinfo=UTC))
    make_officer(app, session)
    report_receipt(client)
    assert only_report(session).ack_due == due
