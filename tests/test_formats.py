"""Numbers, dates, times and time zones for people, in Bahasa Indonesia and English."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from flask import render_template_string

from survey_app import formats

AT = datetime(2026, 12, 3, 7, 5, tzinfo=UTC)


@pytest.mark.parametrize(("value", "places", "id_", "en"), [
    (80.565, 2, "80,57", "80.57"),        # half up on the printed decimal, not half to even
    (86.875, 2, "86,88", "86.88"),
    (1250.5, 1, "1.250,5", "1,250.5"),
    (1250, 0, "1.250", "1,250"),
    (3.41025, 4, "3,4103", "3.4103"),
    (0.1, 3, "0,100", "0.100"),
    (-2.345, 2, "-2,35", "-2.35"),         # half away from zero
    (1234567.891, 2, "1.234.567,89", "1,234,567.89"),
])
def test_decimals_in_both_languages(value, places, id_, en):
    assert formats.number(value, places, locale="id") == id_
    assert formats.number(value, places, locale="en") == en


def test_counts_signs_and_missing_values():
    assert formats.integer(1250, locale="id") == "1.250"
    assert formats.integer(1250, locale="en") == "1,250"
    assert formats.integer(7, locale="id") == "7"
    assert formats.signed(1.254, locale="id") == "+1,25"
    assert formats.signed(-0.4, locale="en") == "-0.40"
    assert formats.number(None) == formats.DASH
    assert formats.number(float("nan"), 3) == formats.DASH
    assert formats.integer(None) == formats.DASH
    assert formats.plain(4.5, locale="id") == "4,5"
    assert formats.plain(20.0, locale="id") == "20"
    assert formats.plain(1250.125, locale="en") == "1,250.125"


def test_dates_in_words():
    assert formats.day(date(2026, 12, 3), locale="id") == "3 Desember 2026"
    assert formats.day(date(2026, 12, 3), locale="en") == "December 3, 2026"
    assert formats.day(date(2026, 8, 17), locale="id") == "17 Agustus 2026"


def test_a_late_evening_utc_time_is_dated_in_the_units_zone():
    late = datetime(2026, 12, 2, 18, 30, tzinfo=UTC)  # 01.30 on 3 December in Jakarta
    assert formats.day(late, tz="Asia/Jakarta", locale="id") == "3 Desember 2026"
    assert formats.day(late, locale="id") == "2 Desember 2026"


@pytest.mark.parametrize(("tz", "id_", "en"), [
    ("Asia/Jakarta", "3 Desember 2026 14.05 WIB", "December 3, 2026, 2:05\u00a0PM WIB"),
    ("Asia/Pontianak", "3 Desember 2026 14.05 WIB", "December 3, 2026, 2:05\u00a0PM WIB"),
    ("Asia/Makassar", "3 Desember 2026 15.05 WITA", "December 3, 2026, 3:05\u00a0PM WITA"),
    ("Asia/Jayapura", "3 Desember 2026 16.05 WIT", "December 3, 2026, 4:05\u00a0PM WIT"),
])
def test_times_carry_the_indonesian_zone(tz, id_, en):
    assert formats.moment(AT, tz, locale="id") == id_
    assert formats.moment(AT, tz, locale="en") == en


def test_naive_datetimes_are_utc_as_stored():
    naive = AT.replace(tzinfo=None)
    assert formats.moment(naive, "Asia/Makassar", locale="id") == "3 Desember 2026 15.05 WITA"
    assert formats.time(naive, "Asia/Jakarta", locale="id") == "14.05 WIB"


def test_periods():
    assert formats.period(date(2026, 10, 1), date(2026, 12, 31), locale="id") == \
        "1 Oktober – 31 Desember 2026"
    assert formats.period(date(2026, 10, 1), date(2026, 12, 31), locale="en") == \
        "October 1 – December 31, 2026"
    assert formats.period(date(2025, 12, 1), date(2026, 1, 31), locale="id") == \
        "1 Desember 2025 – 31 Januari 2026"
    assert formats.period(date(2026, 5, 4), date(2026, 5, 4), locale="id") == "4 Mei 2026"


def test_outside_a_request_the_default_is_bahasa_indonesia():
    assert formats.number(80.5) == "80,50"
    assert formats.day(date(2026, 1, 2)) == "2 Januari 2026"


TEMPLATE = ("{{ x|number }} {{ n|integer }} {{ d|day }} {{ at|moment('Asia/Makassar') }} "
            "{{ c|signed }} {{ x|number(4) }}")


@pytest.mark.parametrize(("query", "expected"), [
    ("", "80,57 1.250 3 Desember 2026 3 Desember 2026 15.05 WITA +0,30 80,5650"),
    ("?lang=en", "80.57 1,250 December 3, 2026 December 3, 2026, 3:05\u00a0PM WITA +0.30 80.5650"),
])
def test_template_filters_follow_the_pages_language(app, query, expected):
    with app.test_request_context("/" + query):
        out = render_template_string(TEMPLATE, x=80.565, n=1250, d=date(2026, 12, 3), at=AT, c=0.3)
    assert out == expected


def test_machine_outputs_keep_dot_decimals_and_iso_dates(runner, session, tmp_path, client):
    """The CLI's --json and the CSV export are for programs: no Indonesian number or date."""
    import json
    import re

    from tests.admin.support import login, make_user
    from tests.helpers import make_unit
    from tests.results.test_ikm_cli import ikm, load

    unit = make_unit(session)
    load(runner, tmp_path, ["2026-01-10,S1,4,3,3,2,4,4,4,3,3", "2026-02-10,S1,3,3,4,2,4,3,4,2,3"])
    out = runner.invoke(args=["ikm", "U1", "--from", "2026-01-01", "--to", "2026-03-31",
                              "--json"]).output
    assert not re.search(r"\d,\d", out) and "Januari" not in out
    data = ikm(runner)
    assert isinstance(data["converted"], float) and data["converted"] % 1  # a real decimal
    assert json.loads(out) == data and str(data["converted"]) in out
    assert "2026-01-01" in out and "2026-03-31" in out
    make_user(session, unit=unit, role="analyst")
    login(client, "staf@u1.go.id")
    client.get("/admin/login?lang=id")
    csv_text = client.get("/admin/units/U1/results/export/csv?from=2026-01-01&to=2026-03-31"
                          ).get_data(as_text=True)
    rows = csv_text.splitlines()[1:]
    assert [r.split(",")[0] for r in rows] == ["2026-01-10", "2026-02-10"]


def test_a_constant_in_a_cached_template_follows_each_pages_language(app):
    # Jinja folds filters of constant arguments at compile time: the language of the first page
    # rendered would stay in the cached template for every later page.
    template = app.jinja_env.from_string("{{ 75|number }} {{ 1250|integer }}")
    with app.test_request_context("/?lang=id"):
        assert template.render() == "75,00 1.250"
    with app.test_request_context("/?lang=en"):
        assert template.render() == "75.00 1,250"
