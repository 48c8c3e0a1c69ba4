"""The ZI page's form: pre-filled from what was saved, pengungkit per area checked against each
area's maximum and kept unless cleared, per-field messages, nothing saved on bad input."""

from __future__ import annotations

import io
import json
import re
import zipfile
from html.parser import HTMLParser

import pytest
from sqlalchemy import func, select

from survey_app.models import HasilInput
from tests.zi.test_zi_page import setup

URL = "/admin/units/U1/zi/?year=2026"
# 90/2021 maxima: manajemen_perubahan 8, tatalaksana 7, sdm 10, akuntabilitas 10,
# pengawasan 15, pelayanan_publik 10 (sum 60)
AREAS = {"area-manajemen_perubahan": "7", "area-tatalaksana": "6", "area-sdm": "9",
         "area-akuntabilitas": "9", "area-pengawasan": "14", "area-pelayanan_publik": "9"}


class FormFields(HTMLParser):
    """What a browser would send for the page's POST form, unchanged."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self._in_post, self._select = False, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._in_post = a.get("method") == "post"
        elif self._in_post and tag == "input":
            self.fields[a["name"]] = a.get("value") or ""
        elif self._in_post and tag == "select":
            self._select = a["name"]
        elif self._in_post and tag == "option" and self._select and "selected" in a:
            self.fields[self._select] = a["value"]

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_post = False
        elif tag == "select":
            self._select = None


def form_of(html: str) -> dict[str, str]:
    parser = FormFields()
    parser.feed(html)
    return parser.fields


def page(client, lang="id"):
    return client.get(f"{URL}&lang={lang}").get_data(as_text=True)


def post(client, changes, lang="id", base=None):
    data = (base if base is not None else form_of(page(client, lang))) | changes
    return client.post(URL, data=data)


def saved(session):
    session.expire_all()
    return session.scalars(select(HasilInput)).one_or_none()


def count(session):
    return session.scalar(select(func.count()).select_from(HasilInput))


@pytest.fixture
def zi(runner, session, client, tmp_path):
    # IKM all 4 -> basis 4.0, score 17.5; IPK 4,4,4,4,3 -> 3.8, score 3.8/4 x 17.5 = 16.625
    setup(runner, session, client, tmp_path)
    return client


def test_form_is_prefilled_and_resaving_kinerja_keeps_the_areas(zi, session):
    assert post(zi, {"kinerja": "4", **AREAS}).status_code == 302
    fields = form_of(page(zi))
    assert {k: fields[k] for k in AREAS} == AREAS and fields["kinerja"] == "4"
    assert fields["pengungkit_total"] == ""  # with areas, the total is their sum
    # only the kinerja changed, everything else as the page showed it
    assert post(zi, {"kinerja": "4.5"}).status_code == 302
    stored = json.loads(saved(session).pengungkit)
    # 7 + 6 + 9 + 9 + 14 + 9 = 54
    assert stored == {"total": 54.0, "manajemen_perubahan": 7.0, "tatalaksana": 6.0, "sdm": 9.0,
                      "akuntabilitas": 9.0, "pengawasan": 14.0, "pelayanan_publik": 9.0}
    assert saved(session).kinerja == 4.5


def test_a_post_without_the_area_fields_keeps_them_and_an_emptied_field_clears_it(zi, session):
    post(zi, {"kinerja": "4", **AREAS})
    token = form_of(page(zi))["csrf_token"]
    assert zi.post(URL, data={"csrf_token": token, "kinerja": "3"}).status_code == 302
    assert json.loads(saved(session).pengungkit)["total"] == 54.0 and saved(session).kinerja == 3
    assert saved(session).rule_set == "permenpanrb-90-2021"
    # the user empties pengawasan: 54 - 14 = 40, the area no longer stored
    assert post(zi, {"area-pengawasan": ""}).status_code == 302
    stored = json.loads(saved(session).pengungkit)
    assert stored["total"] == 40.0 and "pengawasan" not in stored
    # every area emptied: no pengungkit at all
    assert post(zi, dict.fromkeys(AREAS, "")).status_code == 302
    assert saved(session).pengungkit is None


def test_an_area_above_its_maximum_is_refused_naming_the_area(zi, session):
    resp = post(zi, {"kinerja": "4", **AREAS, "area-manajemen_perubahan": "20"})
    assert resp.status_code == 422 and count(session) == 0
    html = resp.get_data(as_text=True)
    assert "Manajemen Perubahan harus antara 0 dan 8, bukan 20" in html
    assert "Tidak ada yang disimpan" in html
    fields = form_of(html)  # what was typed stays in the form
    assert fields["area-manajemen_perubahan"] == "20" and fields["kinerja"] == "4"
    assert fields["area-sdm"] == "9"
    # exactly the maximum is accepted: 8 + 6 + 9 + 9 + 14 + 9 = 55
    assert post(zi, {**AREAS, "area-manajemen_perubahan": "8"}).status_code == 302
    assert json.loads(saved(session).pengungkit)["total"] == 55.0
    # the same 8 under 52/2014 (manajemen perubahan max 5) is refused
    resp = post(zi, {"rule": "permenpanrb-52-2014", "kinerja": ""})
    assert resp.status_code == 422
    assert "Manajemen Perubahan harus antara 0 dan 5, bukan 8" in resp.get_data(as_text=True)
    assert saved(session).rule_set == "permenpanrb-90-2021"


def test_areas_are_shown_with_their_maxima_and_exported(zi, session):
    post(zi, {"kinerja": "4", **AREAS, "area-pelayanan_publik": ""})
    html = page(zi, "en")
    section = html.split("Levers component per area")[1].split("</table>")[0]
    assert "<td>Manajemen Perubahan</td><td>7.00</td><td>8</td>" in section
    assert "<td>Penguatan Pengawasan</td><td>14.00</td><td>15</td>" in section
    assert "Peningkatan Kualitas Pelayanan Publik</td><td>not entered (counts as 0)" in section
    assert "<strong>45.00</strong></td><td>60</td>" in section  # 7 + 6 + 9 + 9 + 14 = 45
    xlsx = zi.get("/admin/units/U1/zi/hasil.xlsx?year=2026")
    with zipfile.ZipFile(io.BytesIO(xlsx.data)) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
        strings = book.read("xl/sharedStrings.xml").decode()
    assert "Manajemen Perubahan" in strings and "belum diisi" in strings
    # hasil total in F8; areas in F11..F16 under the header in row 10; their sum (F17) is
    # the pengungkit, and F18 the grand total
    assert "<f>SUM(F11:F16)</f>" in sheet and "<f>F8+F17</f>" in sheet


@pytest.mark.parametrize(("lang", "message"), [
    ("id", "Nilai capaian kinerja: “abc” bukan angka; tulis dengan angka, mis. 4,5"),
    ("en", "Performance score (kinerja): “abc” is not a number; write digits, e.g. 4.5"),
])
def test_a_word_for_a_number_gets_a_message_naming_the_field(zi, session, lang, message):
    post(zi, {"kinerja": "4", **AREAS})
    before = (saved(session).kinerja, saved(session).pengungkit)
    resp = post(zi, {"kinerja": "abc", "area-sdm": "5"}, lang)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and message in html
    assert "could not convert" not in html
    assert (saved(session).kinerja, saved(session).pengungkit) == before  # nothing saved
    fields = form_of(html)
    assert fields["kinerja"] == "abc" and fields["area-sdm"] == "5"


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"kinerja": "7"}, "kinerja", "Nilai capaian kinerja harus antara 0 dan 5, bukan 7"),
    ({"kinerja": "-1"}, "kinerja", "Nilai capaian kinerja harus antara 0 dan 5, bukan -1"),
    ({"kinerja": "1e3"}, "kinerja", "bukan angka"),
    ({"kinerja": "²"}, "kinerja", "bukan angka"),
    ({"rule": "permenpanrb-52-2014", "kinerja": "3"}, "kinerja",
     "Nilai capaian kinerja: PermenPAN-RB 52/2014 tidak memiliki komponen ini"),
    ({"pengungkit_total": "61"}, "pengungkit_total",
     "Total pengungkit harus antara 0 dan 60, bukan 61"),
    ({"area-sdm": "9", "pengungkit_total": "10"}, "pengungkit_total",
     "Total pengungkit: 10 bukan jumlah nilai area (9)"),
    ({"from": "2026-02-30"}, "from", "Periode survei dari: “2026-02-30” bukan tanggal"),
    ({"from": "2026-06-01", "to": "2026-05-01"}, "to", "periode berakhir (2026-05-01)"),
    ({"ipak_source": "ikm"}, "ipak_source", "IPAK dari: pilih IPK / SPAK"),
    ({"rule": "nope"}, "rule", "Aturan: aturan “nope” tidak dikenal"),
])
def test_each_bad_field_gets_its_own_message_and_nothing_is_saved(zi, session, changes, field,
                                                                  message):
    resp = post(zi, changes)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and count(session) == 0
    err = html.split(f'id="e-{field}">')[1].split("</p>")[0]
    assert message in err, err
    for name, value in changes.items():
        if name not in ("rule", "ipak_source"):  # a select shows only values it offers
            assert form_of(html)[name] == value


def test_several_bad_fields_are_reported_together(zi, session):
    resp = post(zi, {"kinerja": "abc", "area-manajemen_perubahan": "20", "to": "x"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and count(session) == 0
    assert all(f'id="e-{f}"' in html for f in ("kinerja", "area-manajemen_perubahan", "to"))


def test_a_bad_year_is_a_message_not_an_error(zi):
    resp = zi.get("/admin/units/U1/zi/?year=%C2%B2")  # '²' passes str.isdigit
    assert resp.status_code == 200
    assert "Tahun evaluasi harus bilangan bulat" in resp.get_data(as_text=True)


def test_the_page_judges_targets_on_the_rounded_total_and_says_so(zi):
    # hasil 16.625 + 17.5 = 34.125 (no kinerja); + 40.87 = 74.995 -> 75.00: WBK met
    assert post(zi, {"pengungkit_total": "40.87"}).status_code == 302
    html = page(zi, "en")
    assert "<strong>75.00</strong> / 100" in html
    # met, flagged "on paper" because the survey components rest on one respondent each
    assert re.search(r"WBK: total at least 75 —\s*<strong>met on paper</strong>", html)
    assert "after rounding half-up to 2 decimals" in html
    # + 40.869 = 74.994 -> 74.99: not met
    assert post(zi, {"pengungkit_total": "40.869"}).status_code == 302
    html = page(zi, "en")
    assert "<strong>74.99</strong> / 100" in html
    assert re.search(r"WBK: total at least 75 —\s*<strong>not met</strong>", html)


def test_a_stored_value_outside_its_rule_set_is_shown_as_a_message(zi, session):
    # a row saved before the areas were checked: manajemen perubahan 20 of at most 8
    post(zi, {**AREAS})
    row = saved(session)
    row.pengungkit = json.dumps({"total": 67.0, **{k[5:]: float(v) for k, v in AREAS.items()},
                                 "manajemen_perubahan": 20.0})
    session.commit()
    html = page(zi)
    assert "Manajemen Perubahan harus antara 0 dan 8, bukan 20" in html
    assert form_of(html)["area-manajemen_perubahan"] == "20"


def test_a_post_with_a_bad_year_saves_nothing(zi, session):
    fields = form_of(page(zi)) | {"year": "20x6", "kinerja": "4"}
    resp = zi.post("/admin/units/U1/zi/", data=fields)
    assert resp.status_code == 422 and count(session) == 0
    assert "Tahun evaluasi harus bilangan bulat" in resp.get_data(as_text=True)
