"""ZI rule sets name their sources; the survey conversion is selectable; TLHP under 52/2014."""

from __future__ import annotations

import re
import tomllib
import zipfile

import pytest
from markupsafe import escape
from sqlalchemy import select

from analysis.hasil import survey_points
from survey_app.models import HasilInput
from survey_app.zi.rules import RULES_DIR, _parse, rule_sets
from tests.admin.support import login, make_user
from tests.text_language import is_english, is_indonesian
from tests.zi.test_hasil import hasil, surveys  # noqa: F401 - the fixture

URL = "/admin/units/U1/zi/?year=2026"


def raw_rule_files():
    return {p.name: tomllib.loads(p.read_text("utf-8")) for p in sorted(RULES_DIR.glob("*.toml"))}


def test_every_number_in_every_rule_file_cites_a_source():
    files = raw_rule_files()
    assert len(files) == 3
    for name, data in files.items():
        entries = [data["pengungkit"], *data["areas"], *data["hasil"], *data["targets"],
                   data["conversion"]]
        for entry in entries:
            assert isinstance(entry["source"], str) and len(entry["source"]) > 20, (name, entry)
            # the same note in English, for the English page (the rule files are data)
            assert entry["source_en"] != entry["source"], entry
            assert not is_indonesian(entry["source_en"]) and not is_english(entry["source"]), entry
            assert isinstance(entry["confirmed"], bool), (name, entry)
        # 1 pengungkit + 6 areas + components + targets + the conversion
        assert len(rule_sets()[data["slug"]].sources) == len(entries)


def test_a_number_without_a_source_is_refused():
    data = raw_rule_files()["permenpanrb-90-2021.toml"]
    del data["areas"][2]["source"]
    with pytest.raises(ValueError, match="invalid rule set"):
        _parse(data, "broken.toml")
    data = raw_rule_files()["permenpanrb-90-2021.toml"]
    data["targets"][0]["source_en"] = " "
    with pytest.raises(ValueError, match="source_en"):
        _parse(data, "broken.toml")


def test_the_page_shows_each_source_in_its_language(session, client, surveys):  # noqa: F811
    from survey_app import orgs

    make_user(session, unit=orgs.find_unit(session, "U1"), role="unit_admin")
    login(client, "staf@u1.go.id")
    wbk = next(s for s in rule_sets()["permenpanrb-90-2021"].sources if s.what == "WBK")
    english = client.get(URL + "&lang=en").get_data(as_text=True)
    assert escape(wbk.source_en) in english
    assert escape(wbk.source) not in english
    indonesian = client.get(URL + "&lang=id").get_data(as_text=True)
    assert escape(wbk.source) in indonesian
    assert escape(wbk.source_en) not in indonesian


def test_only_the_2021_weights_are_marked_confirmed():
    sets = rule_sets()
    confirmed = {s.what for s in sets["permenpanrb-90-2021"].sources if s.confirmed}
    assert "WBK" not in confirmed and "conversion" not in confirmed
    assert "Indeks Persepsi Anti Korupsi (IPAK)" in confirmed
    assert all(not s.confirmed for s in sets["permenpanrb-52-2014"].sources)
    assert all(not s.confirmed for s in sets["permenpanrb-10-2019"].sources)


def test_the_two_conversions_as_the_review_states_them():
    # (x-1)/3: 4 -> 1.00, 3 -> 0.67, 1 -> 0; x/4: 4 -> 1, 3 -> 0.75
    assert survey_points(4, 1, "(x-1)/3") == 1
    assert round(survey_points(3, 1, "(x-1)/3"), 2) == 0.67
    assert survey_points(1, 17.5, "(x-1)/3") == 0
    assert survey_points(0.8, 17.5, "(x-1)/3") == 0  # a derived 6-point basis below 1
    assert survey_points(3, 1) == 0.75 and survey_points(4, 17.5) == 17.5
    with pytest.raises(ValueError):
        survey_points(3, 1, "x/3")


def test_conversion_is_selectable_and_reported(runner, surveys):  # noqa: F811
    default = hasil(runner, "--kinerja", "4")
    assert default["conversion"] == {"used": "x/4", "default": "x/4",
                                     "options": ["x/4", "(x-1)/3"]}
    out = hasil(runner, "--kinerja", "4", "--conversion", "(x-1)/3")
    comps = {c["code"]: c for c in out["components"]}
    # IPK 3.75: (3.75 - 1) / 3 x 17.5 = 16.041667; IKM 3.5: 2.5 / 3 x 17.5 = 14.583333
    assert comps["ipak"]["score"] == pytest.approx(2.75 / 3 * 17.5)
    assert comps["ipkp"]["score"] == pytest.approx(2.5 / 3 * 17.5)
    assert out["hasil"] == pytest.approx(16.0416667 + 14.5833333 + 4, abs=1e-6)
    assert out["conversion"]["used"] == "(x-1)/3"
    assert comps["ipak"]["formula"] == "(3.7500 - 1) / 3 x 17.5"


def test_tlhp_is_refused_where_the_rule_set_has_no_such_component(runner, surveys):  # noqa: F811
    result = runner.invoke(args=["hasil", "U1", "--year", "2026", "--tlhp", "80"])
    assert result.exit_code == 1 and "has no such component" in result.output
    result = runner.invoke(args=["hasil", "U1", "--year", "2026", "--rules",
                                 "permenpanrb-52-2014", "--tlhp", "120"])
    assert result.exit_code == 1 and "between 0 and 100, not 120" in result.output


def test_page_saves_tlhp_and_conversion_and_shows_what_was_used(runner, session, client,
                                                               surveys):  # noqa: F811
    from survey_app import orgs

    make_user(session, unit=orgs.find_unit(session, "U1"), role="unit_admin")
    login(client, "staf@u1.go.id")
    page = client.get(URL).get_data(as_text=True)
    assert 'id="sources"' in page and 'id="conversion-used"' in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    resp = client.post(URL, data={
        "csrf_token": token, "rule": "permenpanrb-52-2014", "ipak_source": "ipk",
        "ipkp_source": "ikm", "from": "2026-01-01", "to": "2026-12-31", "tlhp": "62,5",
        "conversion": "(x-1)/3", "pengungkit_total": "40"})
    assert resp.status_code == 302
    saved = session.scalars(select(HasilInput)).one()
    assert (saved.tlhp, saved.conversion) == (62.5, "(x-1)/3")
    page = client.get(URL).get_data(as_text=True)
    # 52/2014 with (x-1)/3: IPK (3.75-1)/3 x 15 = 13.75; TLHP 62.5% x 5 = 3.125;
    # IKM (3.5-1)/3 x 20 = 16.666667 -> hasil 33.541667
    out = hasil(runner)
    assert out["hasil"] == pytest.approx(13.75 + 3.125 + 50 / 3)
    assert "dengan (x-1)/3" in page and "62,5% × 5" in page and "(3,7500 − 1) / 3 × 15" in page
    assert 'id="unconfirmed"' in page
    bad = client.post(URL, data={"csrf_token": token, "rule": "permenpanrb-52-2014",
                                 "tlhp": "150", "conversion": "x/9"})
    assert bad.status_code == 422
    assert stored_unchanged(session)
    # the XLSX carries the conversion and the TLHP row as formulas
    book = client.get("/admin/units/U1/zi/hasil.xlsx?year=2026")
    with zipfile.ZipFile(__import__("io").BytesIO(book.data)) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "MAX(0,(D5-1)/3)*E5" in sheet and "C6/100*E6" in sheet


def stored_unchanged(session):
    session.expire_all()
    saved = session.scalars(select(HasilInput)).one()
    return (saved.tlhp, saved.conversion) == (62.5, "(x-1)/3")
