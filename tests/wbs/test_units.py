"""Pure pieces: working days, the status machine, file detection, image cleaning, crypto."""

from __future__ import annotations

import io
from datetime import date

import pytest
from PIL import Image

from survey_app.models.wbs import CATEGORIES, STATUSES
from survey_app.wbs import crypto, evidence, filetypes
from survey_app.wbs.config import WbsConfig
from survey_app.wbs.deadlines import (
    Due,
    add_working_days,
    due_dates,
    is_working_day,
    next_due,
    overdue,
    working_days_between,
)
from survey_app.wbs.states import (
    CATEGORY_LABELS,
    CLOSED,
    STATUS_LABELS,
    TRANSITIONS,
    TransitionError,
    check_transition,
)
from tests.wbs.support import jpeg_with_gps


def test_working_days_skip_weekends_and_indonesian_holidays():
    assert not is_working_day(date(2026, 8, 17))  # Hari Kemerdekaan, a Monday
    assert not is_working_day(date(2026, 8, 15))  # Saturday
    assert is_working_day(date(2026, 8, 18))
    # Received Friday 14 August 2026: Mon 17 is a holiday, so 3 working days end Thu 20.
    assert add_working_days(date(2026, 8, 14), 3) == date(2026, 8, 20)
    assert add_working_days(date(2026, 8, 14), 0) == date(2026, 8, 14)
    assert working_days_between(date(2026, 8, 14), date(2026, 8, 20)) == 3
    assert working_days_between(date(2026, 8, 20), date(2026, 8, 14)) == 0
    with pytest.raises(ValueError):
        add_working_days(date(2026, 1, 1), -1)


def test_default_deadlines_and_cuti_bersama_option():
    due = due_dates(date(2026, 3, 2), 3, 14, 60)
    assert due.acknowledge == date(2026, 3, 5)
    assert due.verify > due.acknowledge and due.resolve > due.verify
    # Tue 17 March 2026: Wed 18, Fri 20, Mon 23 and Tue 24 are cuti bersama (Nyepi on Thu 19,
    # Idul Fitri on Sat-Sun 21-22), skipped by default; without them the deadline is Mon 23.
    assert due_dates(date(2026, 3, 17), 3, 14, 60).acknowledge == date(2026, 3, 27)
    assert add_working_days(date(2026, 3, 17), 3, cuti_bersama=False) == date(2026, 3, 23)
    assert not is_working_day(date(2026, 3, 18)) and is_working_day(date(2026, 3, 18), False)
    assert working_days_between(date(2026, 3, 17), date(2026, 3, 27)) == 3
    assert working_days_between(date(2026, 3, 17), date(2026, 3, 27), cuti_bersama=False) == 7


@pytest.mark.parametrize(("env", "expected"), [(None, True), ("", True), ("1", True),
                                               ("0", False), ("false", False)])
def test_cuti_bersama_is_skipped_unless_turned_off(tmp_path, monkeypatch, env, expected):
    if env is None:
        monkeypatch.delenv("WBS_CUTI_BERSAMA", raising=False)
    else:
        monkeypatch.setenv("WBS_CUTI_BERSAMA", env)
    assert WbsConfig.from_env(tmp_path).cuti_bersama is expected


def test_overdue_flags():
    due = Due(date(2026, 3, 5), date(2026, 3, 20), date(2026, 6, 1))
    assert overdue("new", False, due, date(2026, 3, 5)) == []
    assert overdue("new", False, due, date(2026, 3, 6)) == ["acknowledge"]
    assert overdue("need_info", True, due, date(2026, 3, 23)) == ["verify"]
    assert overdue("investigation", True, due, date(2026, 6, 2)) == ["resolve"]
    assert overdue("closed_proven", True, due, date(2027, 1, 1)) == []


def test_next_deadline_that_falls_due():
    due = Due(date(2026, 3, 5), date(2026, 3, 20), date(2026, 6, 1))
    assert next_due("new", False, due, date(2026, 3, 2)) == ("acknowledge", date(2026, 3, 5))
    assert next_due("new", False, due, date(2026, 3, 5)) == ("acknowledge", date(2026, 3, 5))
    # The response is late: what falls due next is the verification.
    assert next_due("new", False, due, date(2026, 3, 6)) == ("verify", date(2026, 3, 20))
    assert next_due("verification", True, due, date(2026, 3, 2)) == ("verify", date(2026, 3, 20))
    assert next_due("investigation", True, due, date(2026, 3, 2)) == ("resolve", date(2026, 6, 1))
    assert next_due("need_info", True, due, date(2026, 3, 21)) == ("resolve", date(2026, 6, 1))
    assert next_due("investigation", True, due, date(2026, 6, 2)) is None  # all passed
    assert next_due("closed_proven", True, due, date(2026, 3, 2)) is None


def test_status_machine():
    assert set(STATUS_LABELS) == set(STATUSES) and set(CATEGORY_LABELS) == set(CATEGORIES)
    assert len(CATEGORIES) == 12
    for status in STATUSES:
        assert (TRANSITIONS[status] == ()) == (status in CLOSED)
    check_transition("new", "verification")
    check_transition("investigation", "forwarded_kpk")
    for bad in (("new", "closed_proven"), ("closed_proven", "new"), ("new", "new"),
                ("verification", "bogus")):
        with pytest.raises(TransitionError):
            check_transition(*bad)


@pytest.mark.parametrize(("data", "kind"), [
    (b"\xff\xd8\xff\xe0rest", filetypes.JPEG),
    (b"\x89PNG\r\n\x1a\nrest", filetypes.PNG),
    (b"%PDF-1.7\n", filetypes.PDF),
    (b"ID3\x04\x00\x00\x00\x00\x00\x00\x00", filetypes.MP3),
    (b"\xff\xfb\x90\x64" + bytes(10), filetypes.MP3),
    (b"\x00\x00\x00\x20ftypM4A \x00", filetypes.M4A),
    (b"\x00\x00\x00\x20ftypisom\x00", filetypes.MP4),
    (b"\x00\x00\x00\x14ftypqt  \x00", filetypes.MOV),
    (b"OggS\x00\x02", filetypes.OGG),
    (b"RIFF\x24\x00\x00\x00WAVEfmt ", filetypes.WAV),
    ("Catatan: pukul 10.00\r\n\tuang Rp500.000 – tunai".encode(), filetypes.TEXT),
])
def test_detection_by_content(data, kind):
    assert filetypes.detect(data) is kind


@pytest.mark.parametrize("data", [b"MZ\x90\x00", b"PK\x03\x04", b"\x7fELF", b"text\x00nul",
                                  b"\xff\xfe\x00\x00", b"GIF89a\x01\x00\x01\x00\x80\x00\x00",
                                  b"<svg\x01>"])
def test_detection_refuses_the_rest(data):
    with pytest.raises(filetypes.UnsupportedType):
        filetypes.detect(data)


def test_heif_is_named_so_the_reporter_can_convert():
    with pytest.raises(filetypes.UnsupportedType) as info:
        filetypes.detect(b"\x00\x00\x00\x18ftypheic\x00")
    assert info.value.heif


def test_image_cleaning_drops_exif_and_keeps_pixels():
    original = jpeg_with_gps("Budi Santoso")
    checked = evidence.check(original, 50_000_000)
    assert checked.original == original and checked.working is not None
    clean = Image.open(io.BytesIO(checked.working))
    assert clean.size == (64, 48) and dict(clean.getexif()) == {}
    assert b"Budi" not in checked.working and b"Exif" not in checked.working
    png = io.BytesIO()
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Budi Santoso")
    Image.new("RGB", (8, 8)).save(png, format="PNG", pnginfo=info)
    cleaned = evidence.check(png.getvalue(), 50_000_000).working
    assert cleaned is not None and b"Budi" not in cleaned


def test_image_too_many_pixels_is_refused():
    with pytest.raises(evidence.EvidenceError) as info:
        evidence.check(jpeg_with_gps(size=(300, 300)), 10_000)
    assert (info.value.reason, info.value.size) == ("too_many_pixels", (300, 300))


def test_crypto_roundtrips_and_refuses_wrong_keys():
    pair, key = crypto.new_keypair(), crypto.random_bytes()
    assert crypto.unseal(pair.secret, crypto.seal(pair.public, b"isi")) == b"isi"
    blob = crypto.encrypt(key, b"isi")
    assert crypto.decrypt(key, blob) == b"isi" and b"isi" not in blob
    with pytest.raises(crypto.CryptoError):
        crypto.decrypt(crypto.random_bytes(), blob)
    with pytest.raises(crypto.CryptoError):
        crypto.unseal(crypto.new_keypair().secret, crypto.seal(pair.public, b"isi"))
    a = crypto.receipt_keys("ABCDEFGHJKMNPQRS", 1, 8192)
    b = crypto.receipt_keys("ABCDEFGHJKMNPQRT", 1, 8192)
    assert a == crypto.receipt_keys("ABCDEFGHJKMNPQRS", 1, 8192)
    assert a.lookup_id != b.lookup_id and a.wrap_key != b.wrap_key
    assert a.wrap_key.hex() not in a.lookup_id
    assert len(crypto.fingerprint(pair.public).replace(" ", "")) == 20


@pytest.mark.parametrize(("name", "value"), [("WBS_ACK_DAYS", "-1"), ("WBS_VERIFY_DAYS", "²"),
                                             ("WBS_MAX_FILES", "3 files"),
                                             ("WBS_MAX_FILE_MB", "9" * 30)])
def test_settings_that_are_no_whole_number_are_named(tmp_path, monkeypatch, name, value):
    from survey_app.config import ConfigError

    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=name):
        WbsConfig.from_env(tmp_path)
