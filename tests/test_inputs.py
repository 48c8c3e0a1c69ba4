"""What users can type: strict numbers and dates, NUL characters, nameless parts, long ids."""

from __future__ import annotations

from datetime import date

import pytest
from werkzeug.datastructures import MultiDict

from survey_app.inputs import CleanMultiDict, parse_date, parse_int
from tests.helpers import count_responses, full_answers, make_unit, open_form

URL = "/s/U1/S1/L1"


@pytest.mark.parametrize(("raw", "expected"), [
    ("4", 4), (" 17 ", 17), ("0", 0), ("120", 120),
    ("\u00b2", None), ("\u0663", None), ("\uff14", None),  # superscript, Arabic-Indic, fullwidth
    ("-1", None), ("+3", None), ("3.0", None), ("", None), (None, None), (4, None),
    ("9" * 5000, None), ("121", None),
])
def test_parse_int_takes_ascii_digits_within_bounds(raw, expected):
    assert parse_int(raw, 0, 120) == expected


@pytest.mark.parametrize("raw", ["20260101", "2026-W01-1", "2026-1-5", "2026-02-30", "", "x",
                                 "２０２６-01-01"])
def test_parse_date_is_strict(raw):
    with pytest.raises(ValueError, match="is not a date"):
        parse_date(raw)


def test_parse_date_accepts_the_contract_form():
    assert parse_date(" 2026-03-31 ") == date(2026, 3, 31)


def test_clean_multidict_drops_nul_and_nameless_entries():
    cleaned = CleanMultiDict([("a\x00", "x\x00y"), (None, "v"), ("", "w"), ("\x00", "z"),
                              ("b", "1"), ("b", "2")])
    assert list(cleaned.items(multi=True)) == [("a", "xy"), ("b", "1"), ("b", "2")]
    assert CleanMultiDict(MultiDict({"k": ["1", "2"]})).getlist("k") == ["1", "2"]
    assert CleanMultiDict({"k": "v\x00"})["k"] == "v"


def test_unicode_digits_and_huge_numbers_are_a_form_error(client, session):
    make_unit(session)
    for field, value in (("persyaratan", "\u00b2"), ("usia", "\u00b2"), ("usia", "9" * 5000)):
        data = {**full_answers(), **open_form(client, URL), field: value}
        resp = client.post(URL, data=data)
        assert resp.status_code == 422, (field, value)
    assert count_responses(session) == 0


def test_nul_in_saran_is_removed_not_a_crash(client, session):
    """PostgreSQL refuses NUL in text; the app removes it from every field first."""
    make_unit(session)
    data = {**full_answers(), **open_form(client, URL), "saran": "ruang\x00 tunggu"}
    assert client.post(URL, data=data).status_code == 302
    from sqlalchemy import select

    from survey_app.models import Response

    assert session.scalar(select(Response.saran)) == "ruang tunggu"


def test_nameless_multipart_part_is_ignored(client, session):
    make_unit(session)
    body = (b"--B\r\nContent-Disposition: form-data\r\n\r\nno name\r\n--B--\r\n")
    resp = client.post(URL, data=body, content_type="multipart/form-data; boundary=B")
    assert resp.status_code == 400  # no CSRF token: the usual clear page, not a crash
    assert "Traceback" not in resp.get_data(as_text=True)


def test_oversized_integer_in_a_url_is_not_found(client, session, app):
    make_unit(session)
    rules = [r for r in app.url_map.iter_rules() if "<int:" in r.rule and "GET" in r.methods]
    assert rules, "expected routes with integer parts"
    for rule in rules:
        url = rule.rule
        for name in rule.arguments:
            url = url.replace(f"<int:{name}>", "9" * 25).replace(f"<{name}>", "U1")
        assert client.get(url).status_code == 404, url  # refused by routing, before any view
