"""Evidence images and uploads that must cost little and never fail (review issue 9, findings
5, 16 and 17): malformed EXIF, pixel bombs, plaintext spooled to disk."""

from __future__ import annotations

import io
import struct
import tempfile

import pytest
from PIL import Image, ImageFile
from sqlalchemy import func, select

from survey_app.models import WbsBlob, WbsFile, WbsMessage, WbsReport
from survey_app.wbs import evidence, storage
from survey_app.wbs.reporter import services as followup
from tests.wbs.support import (
    csrf_token,
    jpeg_with_gps,
    make_officer,
    png_header,
    receipt_of,
    report_data,
    report_receipt,
    submit,
)

KEEP = "Kronologi yang tidak boleh hilang"
ORIENTATION_6 = (0x0112, 3, 1, b"\x06\x00\x00\x00")  # SHORT 6: turn 90 degrees clockwise


def _exif(entries: list[tuple[int, int, int, bytes]], extra: bytes = b"") -> bytes:
    """An APP1 EXIF payload: little-endian TIFF header and one IFD of raw entries."""
    ifd = struct.pack("<H", len(entries)) + b"".join(
        struct.pack("<HHI4s", *entry) for entry in entries) + struct.pack("<I", 0)
    return b"Exif\x00\x00II*\x00" + struct.pack("<I", 8) + ifd + extra


def jpeg_with_exif(payload: bytes, size: tuple[int, int] = (64, 48)) -> bytes:
    """A valid JPEG whose APP1 segment is exactly `payload`."""
    out = io.BytesIO()
    Image.new("RGB", size, (20, 120, 200)).save(out, format="JPEG")
    raw = out.getvalue()
    return raw[:2] + b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload + raw[2:]


# Each made Pillow's exif_transpose raise inside the cleaning (a 500, the text lost).
MALFORMED_EXIF = {
    # XResolution must be a RATIONAL: written back as one, "abc" raises TypeError.
    "rational tag holding text": _exif([ORIENTATION_6, (0x011A, 2, 4, b"abc\x00")]),
    # ResolutionUnit must be a SHORT: struct.error when written back.
    "short tag holding text": _exif([ORIENTATION_6, (0x0128, 2, 4, b"ab\x00\x00")]),
    "short tag holding a float": _exif([ORIENTATION_6, (0x0128, 11, 1, struct.pack("<f", 2.5))]),
    "short tag holding a rational": _exif([ORIENTATION_6, (0x0128, 5, 1, struct.pack("<I", 26))],
                                          struct.pack("<II", 1, 3)),
}
ODD_ORIENTATION = {
    "orientation as text": _exif([(0x0112, 2, 4, b"6\x00\x00\x00")]),
    "orientation as two shorts": _exif([(0x0112, 3, 2, b"\x06\x00\x06\x00")]),
    "orientation out of range": _exif([(0x0112, 3, 1, b"\x63\x00\x00\x00")]),
    "truncated IFD": _exif([ORIENTATION_6])[:18],
    "IFD offset beyond the segment": b"Exif\x00\x00II*\x00" + struct.pack("<I", 5000),
}


def _answer(client, receipt: str, message: str, files: list[tuple[bytes, str]]):  # type: ignore[no-untyped-def]
    return client.post("/wbs/follow-up/answer", content_type="multipart/form-data", data={
        "receipt": receipt, "message": message, "csrf_token": csrf_token(client, "/wbs/follow-up"),
        "evidence": [(io.BytesIO(content), name) for content, name in files]})


@pytest.mark.parametrize("case", sorted(MALFORMED_EXIF) + sorted(ODD_ORIENTATION))
def test_malformed_exif_is_cleaned_on_the_report_form(app, client, session, case):
    make_officer(app, session)
    photo = jpeg_with_exif({**MALFORMED_EXIF, **ODD_ORIENTATION}[case])
    resp = submit(client, report_data(bagaimana=KEEP), files=[(photo, "IMG_0001.jpg")])
    assert resp.status_code == 200, resp.get_data(as_text=True)[:500]
    row = session.scalars(select(WbsFile)).one()
    assert row.working_name  # cleaned, orientation or not
    stored = session.scalars(select(WbsBlob.data)).all()
    assert len(stored) == 2 and all(b"Exif" not in blob for blob in stored)


@pytest.mark.parametrize("case", sorted(MALFORMED_EXIF))
def test_malformed_exif_in_an_answer_is_cleaned_and_the_text_kept(app, client, session, case):
    make_officer(app, session)
    receipt = report_receipt(client)
    resp = _answer(client, receipt, KEEP, [(jpeg_with_exif(MALFORMED_EXIF[case]), "foto.jpg")])
    assert resp.status_code == 200, resp.get_data(as_text=True)[:500]
    assert session.scalar(select(func.count()).select_from(WbsMessage)) == 1
    assert session.scalar(select(func.count()).select_from(WbsFile)) == 1


def test_working_copy_still_follows_a_readable_orientation(app, client, session):
    make_officer(app, session)
    photo = jpeg_with_exif(_exif([ORIENTATION_6]), size=(64, 48))
    resp = submit(client, report_data(), files=[(photo, "IMG_0002.jpg")])
    cfg = app.extensions["wbs"]
    opened = followup.unlock(session, cfg, receipt_of(resp.get_data(as_text=True)))
    assert opened is not None
    row = session.scalars(select(WbsFile)).one()
    working = storage.load(session, opened.data_key, row, str(row.working_name))
    assert Image.open(io.BytesIO(working)).size == (48, 64)  # upright, as the camera showed


def test_an_image_that_cannot_be_decoded_is_named_and_the_text_kept(app, client, session):
    make_officer(app, session)
    photo = jpeg_with_gps(size=(640, 480))
    truncated = photo[:len(photo) // 2]  # the header passes; the pixels do not
    resp = submit(client, report_data(bagaimana=KEEP), files=[(truncated, "potong.jpg")])
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "potong.jpg" in page and "rusak" in page and KEEP in page
    assert session.scalar(select(func.count()).select_from(WbsReport)) == 0


@pytest.fixture
def decoded(monkeypatch):  # type: ignore[no-untyped-def]
    """Counts Image.open calls and pixel decodes while a test runs."""
    calls = {"open": 0, "decode": 0}
    real_open, real_load = Image.open, ImageFile.ImageFile.load

    def counting_open(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls["open"] += 1
        return real_open(*args, **kwargs)

    def counting_load(self):  # type: ignore[no-untyped-def]
        calls["decode"] += 1
        return real_load(self)

    monkeypatch.setattr(Image, "open", counting_open)
    monkeypatch.setattr(ImageFile.ImageFile, "load", counting_load)
    return calls


def test_pixel_dimensions_are_checked_from_the_header_before_decoding(app, client, session,
                                                                     decoded):
    make_officer(app, session)
    bomb = png_header(7000, 7000)  # 49 megapixels in under 100 bytes
    resp = submit(client, report_data(bagaimana=KEEP), files=[(bomb, "layar.png")])
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422 and KEEP in page
    assert "layar.png" in page and "7000 × 7000" in page and "40 megapiksel" in page
    assert decoded["decode"] == 0
    assert session.scalar(select(func.count()).select_from(WbsReport)) == 0


def test_pillows_own_bomb_limit_gets_the_same_named_message(app, client, session, decoded):
    make_officer(app, session)
    bomb = png_header(20_000, 20_000)  # over Pillow's DecompressionBombError bound
    resp = submit(client, report_data(bagaimana=KEEP), files=[(bomb, "besar.png")])
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "besar.png" in page and "40 megapiksel" in page
    assert decoded["decode"] == 0


def test_text_fields_are_checked_before_any_file_is_opened(app, client, session, decoded):
    make_officer(app, session)
    files = [(png_header(6000, 6000), f"b{i}.png") for i in range(3)]
    resp = submit(client, report_data(apa="", category="nope"), files=files)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "Jelaskan apa yang terjadi" in page
    assert decoded == {"open": 0, "decode": 0}


@pytest.fixture
def no_temporary_files(monkeypatch):  # type: ignore[no-untyped-def]
    """Any temporary file made while the test runs is recorded and refused."""
    made: list[str] = []

    def refuse(name: str):  # type: ignore[no-untyped-def]
        def make(*_args, **_kwargs):  # type: ignore[no-untyped-def]
            made.append(name)
            raise AssertionError(f"{name} would put plaintext on disk")
        return make

    for name in ("TemporaryFile", "NamedTemporaryFile", "mkstemp"):
        monkeypatch.setattr(tempfile, name, refuse(name))
    return made


def test_report_uploads_stay_in_memory(app, client, session, no_temporary_files, monkeypatch):
    make_officer(app, session)
    streams: list[type] = []
    real_read = evidence.read_limited
    monkeypatch.setattr(evidence, "read_limited",
                        lambda stream, limit: streams.append(type(stream)) or real_read(stream,
                                                                                         limit))
    big = b"%PDF-1.7\n" + b"rahasia " * 400_000  # 3.2 MB: werkzeug spools parts over 500 KB
    resp = submit(client, report_data(), files=[(big, "surat.pdf"), (jpeg_with_gps(), "a.jpg")])
    assert resp.status_code == 200
    assert no_temporary_files == [] and streams == [io.BytesIO, io.BytesIO]


def test_answer_uploads_stay_in_memory(app, client, session, no_temporary_files):
    make_officer(app, session)
    receipt = report_receipt(client)
    big = b"%PDF-1.7\n" + b"rahasia " * 400_000
    assert _answer(client, receipt, "Bukti tambahan", [(big, "surat.pdf")]).status_code == 200
    assert no_temporary_files == []
    assert session.scalar(select(func.count()).select_from(WbsFile)) == 1
