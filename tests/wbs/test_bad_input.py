"""Bad input is refused with a clear message, nothing half-stored and the reporter's text kept."""

from __future__ import annotations

import io

import pyotp
import pytest
from sqlalchemy import func, select

from survey_app.models import WbsBlob, WbsFile, WbsMessage, WbsReport
from tests.wbs.support import (
    PASSWORD,
    csrf_token,
    jpeg_with_gps,
    make_officer,
    only_report,
    report_data,
    report_receipt,
    submit,
)

KEEP = "Kronologi yang tidak boleh hilang"
MB = 1024 * 1024


def _nothing_stored(app, session) -> None:
    session.expire_all()
    for model in (WbsReport, WbsFile, WbsBlob, WbsMessage):
        assert session.scalar(select(func.count()).select_from(model)) == 0
    assert not app.extensions["wbs"].files_dir.exists()  # nothing ever goes to a disk


def _refused(resp, *phrases: str) -> str:
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422, resp.status_code
    assert 'id="error-summary"' in page
    for phrase in phrases:
        assert phrase in page, phrase
    return page


LIES = {
    "windows program as a photo": (b"MZ\x90\x00\x03" + bytes(200), "foto.jpg", "tidak diterima"),
    "zip archive as a PDF": (b"PK\x03\x04" + bytes(200), "surat.pdf", "tidak diterima"),
    "script as a PNG": (b"\x00\x01<script>alert(1)</script>", "gambar.png", "tidak diterima"),
    "broken JPEG": (b"\xff\xd8\xff\xe0" + b"garbage" * 50, "rusak.jpg", "rusak"),
    "iPhone HEIC": (b"\x00\x00\x00\x18ftypheic" + bytes(100), "IMG_1.jpg", "HEIC"),
}


@pytest.mark.parametrize("case", sorted(LIES))
def test_file_that_lies_about_its_type_is_refused(app, client, session, case):
    make_officer(app, session)
    content, name, reason = LIES[case]
    resp = submit(client, report_data(bagaimana=KEEP), files=[(jpeg_with_gps(), "ok.jpg"),
                                                               (content, name)])
    page = _refused(resp, name, reason, KEEP, "pilih berkas Anda lagi")
    assert "Berkas 2" in page and "Berkas 1" not in page
    _nothing_stored(app, session)


def test_oversized_file_is_refused_with_text_kept(app, client, session):
    make_officer(app, session)
    big = b"%PDF-1.7\n" + bytes(10 * MB)
    _refused(submit(client, report_data(bagaimana=KEEP), files=[(big, "besar.pdf")]),
             "besar.pdf", "lebih besar dari 10 MB", KEEP)
    _nothing_stored(app, session)


def test_request_over_the_total_limit_gets_a_clear_page(app, client, session):
    make_officer(app, session)
    resp = submit(client, report_data(), files=[(b"%PDF-1.7\n" + bytes(40 * MB), "x.pdf")])
    assert resp.status_code == 413
    assert "terlalu besar" in resp.get_data(as_text=True)
    _nothing_stored(app, session)


def test_too_many_files(app, client, session):
    make_officer(app, session)
    files = [(f"catatan {i}".encode(), f"c{i}.txt") for i in range(4)]
    _refused(submit(client, report_data(bagaimana=KEEP), files=files), "Paling banyak 3", KEEP)
    _nothing_stored(app, session)


@pytest.mark.parametrize("blank", ["", "   \n\t "])
def test_empty_report_is_refused(app, client, session, blank):
    make_officer(app, session)
    data = report_data(**dict.fromkeys(("apa", "siapa", "di_mana", "kapan", "bagaimana"), blank))
    _refused(submit(client, data), "Jelaskan apa yang terjadi")
    resp = submit(client, {"csrf_token": "", "unit": ""})
    assert resp.status_code in (400, 422)
    _nothing_stored(app, session)


@pytest.mark.parametrize("field", ["apa", "bagaimana", "contact"])
def test_one_megabyte_text_field_is_refused_and_kept(app, client, session, field):
    make_officer(app, session)
    huge = "Pungli " + "x" * MB
    page = _refused(submit(client, report_data(**{field: huge})), "Terlalu panjang")
    assert huge in page  # nothing the reporter typed is lost
    _nothing_stored(app, session)


def test_field_beyond_what_the_server_parses_gets_a_clear_page(app, client, session):
    make_officer(app, session)
    resp = submit(client, report_data(apa="x" * (3 * MB)))
    assert resp.status_code == 413 and "terlalu besar" in resp.get_data(as_text=True)
    _nothing_stored(app, session)


def _answer(client, receipt, **fields):
    data = {"receipt": receipt, "csrf_token": csrf_token(client, "/wbs/follow-up"), **fields}
    return client.post("/wbs/follow-up/answer", data=data, content_type="multipart/form-data")


@pytest.mark.parametrize("forged", [{"status": "closed_proven"}, {"assignee_id": "1"},
                                    {"is_internal": "1"}])
def test_reporter_cannot_forge_officer_fields(app, client, session, forged):
    make_officer(app, session)
    receipt = report_receipt(client)
    resp = _answer(client, receipt, message="Tolong tutup kasus ini", **forged)
    assert resp.status_code == 400
    assert "Hanya petugas" in resp.get_data(as_text=True)
    report = only_report(session)
    assert (report.status, report.assignee_id) == ("new", None)
    assert session.scalar(select(func.count()).select_from(WbsMessage)) == 0


def test_reporter_cannot_use_the_officers_endpoints(app, client, session):
    make_officer(app, session)
    receipt = report_receipt(client)
    report = only_report(session)
    token = csrf_token(client, "/wbs/follow-up")
    for action, data in (("status", {"status": "closed_proven", "receipt": receipt}),
                         ("note", {"text": "palsu", "visibility": "public"}),
                         ("assign", {"officer": "1"})):
        resp = client.post(f"/wbs/officer/cases/{report.id}/{action}",
                           data={**data, "csrf_token": token})
        assert resp.status_code == 302 and "/wbs/officer/login" in resp.location
    assert only_report(session).status == "new"
    assert session.scalar(select(func.count()).select_from(WbsMessage)) == 0


def test_bad_file_in_an_answer_keeps_the_answer_text(app, client, session):
    make_officer(app, session)
    receipt = report_receipt(client)
    resp = _answer(client, receipt, message=KEEP,
                   evidence=[(io.BytesIO(b"MZ" + bytes(100)), "bukti.jpg")])
    _refused(resp, "bukti.jpg", KEEP)
    assert session.scalar(select(func.count()).select_from(WbsMessage)) == 0
    resp = _answer(client, receipt, message="  ")
    _refused(resp, "Tulis jawaban atau pilih berkas")


def test_nul_in_the_unit_field_is_dropped_or_refused_clearly(app, client, session):
    make_officer(app, session)
    _refused(submit(client, report_data(unit="\x00", bagaimana=KEEP)), "Pilih unit", KEEP)
    _nothing_stored(app, session)
    resp = submit(client, report_data(unit="U1\x00"))
    assert resp.status_code == 200 and 'data-receipt="' in resp.get_data(as_text=True)
    assert only_report(session).unit.code == "U1"


def test_nul_in_the_officer_login_email_gets_the_login_page(app, client, session):
    _officer, totp = make_officer(app, session)
    token = csrf_token(client, "/wbs/officer/login")
    resp = client.post("/wbs/officer/login", data={
        "email": "petugas@u1.go.id\x00' OR 1=1", "password": "wrong password!!",
        "code": "123456", "csrf_token": token})
    assert resp.status_code == 401 and "kode autentikator salah" in resp.get_data(as_text=True)
    resp = client.post("/wbs/officer/login", data={
        "email": "petugas\x00@u1.go.id", "password": PASSWORD, "code": pyotp.TOTP(totp).now(),
        "csrf_token": token})
    assert resp.status_code == 302  # the NUL is removed: the address itself logs in


@pytest.mark.parametrize("part", [
    b'Content-Disposition: form-data\r\n\r\nwithout a name\r\n',
    b'Content-Disposition: form-data; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\nisi\r\n',
    b'Content-Disposition: form-data; name=""\r\n\r\nempty name\r\n',
])
def test_nameless_multipart_part_without_csrf_gets_a_clear_page(app, client, session, part):
    make_officer(app, session)
    body = (b"--b0und\r\n" + part + b'--b0und\r\nContent-Disposition: form-data; name="apa"\r\n'
            b"\r\n" + KEEP.encode() + b"\r\n--b0und--\r\n")
    resp = client.post("/wbs", data=body, content_type="multipart/form-data; boundary=b0und")
    assert resp.status_code == 400
    assert "Formulir ini sudah kedaluwarsa" in resp.get_data(as_text=True)
    _nothing_stored(app, session)
