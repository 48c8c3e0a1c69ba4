"""ZI hasil component: hand-computed sub-scores for each rule set, 6-point conversion, targets."""

from __future__ import annotations

import json

import pytest

import instruments
from analysis.hasil import compute_hasil
from survey_app.zi.rules import get_rule_set, rule_sets
from tests.helpers import IKM_CODES, make_unit

IPK_CODES = instruments.latest("ipk").codes
SPKP_CODES = instruments.latest("spkp").codes


def load(runner, tmp_path, slug, codes, rows):
    path = tmp_path / f"{slug}.csv"
    path.write_text("\n".join(["submitted_at,service," + ",".join(codes), *rows]) + "\n")
    result = runner.invoke(args=["responses", "import", "U1", str(path), "--instrument", slug])
    assert result.exit_code == 0, result.output


def hasil(runner, *args):
    result = runner.invoke(args=["hasil", "U1", "--year", "2026", "--json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.fixture
def surveys(runner, session, tmp_path):
    make_unit(session)
    # IKM: every element 3 twice and 4 twice -> index 3.5; IPK: all 4 and all 3 -> 3.5... vary:
    load(runner, tmp_path, "ikm", IKM_CODES, ["2026-02-01,S1," + ",".join([v] * 9)
                                              for v in ("3", "3", "4", "4")])
    load(runner, tmp_path, "ipk", IPK_CODES, ["2026-02-01,S1,4,4,4,4,4", "2026-03-01,S1,3,3,3,3,3",
                                              "2026-03-02,S1,4,4,4,4,4", "2026-03-03,S1,4,4,4,4,4"])
    return tmp_path


def test_90_2021_hand_computed(runner, surveys):
    out = hasil(runner, "--kinerja", "4", "--pengungkit", "50")
    comps = {c["code"]: c for c in out["components"]}
    # IPK index 3.75 -> 3.75/4 x 17.5 = 16.40625; IKM 3.5 -> 15.3125; kinerja 4
    assert comps["ipak"]["score"] == pytest.approx(16.40625)
    assert comps["ipak"]["source"] == "ipk" and comps["ipak"]["basis_derived"] is False
    assert comps["ipkp"]["score"] == pytest.approx(15.3125)
    assert comps["kinerja"]["score"] == 4
    assert out["hasil"] == pytest.approx(35.71875) and out["hasil_max"] == 40
    assert out["total"] == pytest.approx(85.71875)
    met = {t["name"]: t["met"] for t in out["targets"]}
    # WBK >= 75 met; WBBM total >= 85 met but IPKP basis 3.5 < 3.60 -> not met
    assert met == {"WBK": True, "WBBM": False}
    assert out["complete"] is True


def test_without_pengungkit_targets_are_unknown_and_missing_kinerja_is_flagged(runner, surveys):
    out = hasil(runner)
    assert out["total"] is None and all(t["met"] is None for t in out["targets"])
    assert out["complete"] is False
    assert out["hasil"] == pytest.approx(16.40625 + 15.3125)


def test_52_2014_rule_set(runner, surveys):
    out = hasil(runner, "--rules", "permenpanrb-52-2014", "--pengungkit", "40")
    # bersih dan bebas KKN: IPK 3.75/4 x 15 = 14.0625 + TLHP not entered (0);
    # kualitas pelayanan: IKM 3.5/4 x 20 = 17.5 -> 31.5625; total 71.5625
    assert out["hasil"] == pytest.approx(31.5625) and out["total"] == pytest.approx(71.5625)
    assert out["rule"]["confidence"] == "L" and out["complete"] is False
    assert {t["name"]: t["met"] for t in out["targets"]} == {"WBK": False, "WBBM": False}
    # TLHP 80% of 5 = 4 -> hasil 35.5625, total 75.5625: WBK met
    out = hasil(runner, "--rules", "permenpanrb-52-2014", "--pengungkit", "40", "--tlhp", "80")
    assert out["hasil"] == pytest.approx(35.5625) and out["complete"] is True
    assert {t["name"]: t["met"] for t in out["targets"]} == {"WBK": True, "WBBM": False}


def test_10_2019_rule_set(runner, surveys):
    out = hasil(runner, "--rules", "permenpanrb-10-2019", "--kinerja", "5")
    assert out["hasil"] == pytest.approx(16.40625 + 15.3125 + 5)


def test_10_2019_targets(runner, surveys, tmp_path):
    # hasil 16.40625 + 15.3125 + 5 = 36.71875; pengungkit 48.28125 -> total exactly 85.00:
    # WBK (>= 75) met; WBBM total met but IKM basis 3.5 < 3.60 -> not met
    out = hasil(runner, "--rules", "permenpanrb-10-2019", "--kinerja", "5",
                "--pengungkit", "48.28125")
    assert out["rule"]["slug"] == "permenpanrb-10-2019" and out["total"] == 85.0
    assert [(t["name"], t["total"], t["bases"]) for t in out["targets"]] == [
        ("WBK", 75, {}), ("WBBM", 85, {"ipak": 3.6, "ipkp": 3.6})]
    assert {t["name"]: t["met"] for t in out["targets"]} == {"WBK": True, "WBBM": False}
    # pengungkit 38.28 -> total 75.00 - 0.00125 = 74.99875 -> 75.00: WBK met on the rounded total
    out = hasil(runner, "--rules", "permenpanrb-10-2019", "--kinerja", "5",
                "--pengungkit", "38.28")
    assert {t["name"]: t["met"] for t in out["targets"]} == {"WBK": True, "WBBM": False}
    # with SPKP (5s and 6s: 5.5/6 x 4 = 3.6667 >= 3.60) as IPKP, WBBM can be met:
    # hasil 16.40625 + 5 + 3.6667/4 x 17.5 (= 16.041667) = 37.447917
    load(runner, tmp_path, "spkp", SPKP_CODES, ["2026-04-01,S1," + ",".join([v] * 24)
                                                for v in ("5", "6")])
    args = ["--rules", "permenpanrb-10-2019", "--kinerja", "5", "--ipkp-source", "spkp"]
    # + 47.56 = 85.007917 -> 85.01: met; + 47.54 = 84.987917 -> 84.99: not met
    out = hasil(runner, *args, "--pengungkit", "47.56")
    assert {t["name"]: t["met"] for t in out["targets"]} == {"WBK": True, "WBBM": True}
    out = hasil(runner, *args, "--pengungkit", "47.54")
    assert {t["name"]: t["met"] for t in out["targets"]} == {"WBK": True, "WBBM": False}


def test_six_point_spkp_is_converted_and_labelled_derived(runner, surveys):
    # SPKP: all 5s and all 6s -> index 5.5 on 1..6 -> basis 5.5/6 x 4 = 3.6667
    load(runner, surveys, "spkp", SPKP_CODES, ["2026-04-01,S1," + ",".join([v] * 24)
                                               for v in ("5", "6")])
    out = hasil(runner, "--ipkp-source", "spkp", "--kinerja", "5", "--pengungkit", "50")
    ipkp = {c["code"]: c for c in out["components"]}["ipkp"]
    assert ipkp["source"] == "spkp" and ipkp["scale"] == [1, 6] and ipkp["basis_derived"]
    assert ipkp["basis"] == pytest.approx(5.5 / 6 * 4)
    assert ipkp["score"] == pytest.approx(5.5 / 6 * 4 / 4 * 17.5)
    # IPAK basis 3.75 and IPKP 3.667 >= 3.60, total 16.40625 + 16.0417 + 5 + 50 = 87.4 >= 85
    assert {t["name"]: t["met"] for t in out["targets"]}["WBBM"] is True


def test_exactly_on_the_wbk_threshold(runner, surveys):
    # hasil 31.71875 without kinerja; pengungkit 43.28125 makes the total exactly 75
    out = hasil(runner, "--pengungkit", "43.28125")
    assert out["total"] == 75.0
    assert {t["name"]: t["met"] for t in out["targets"]}["WBK"] is True
    out = hasil(runner, "--pengungkit", "43.27")  # 74.98875 -> 74.99: not met
    assert {t["name"]: t["met"] for t in out["targets"]}["WBK"] is False


def test_targets_are_judged_on_the_total_rounded_half_up(runner, surveys):
    # 31.71875 + 43.27625 = 74.995 -> rounds half-up to 75.00: met, and printed as 75.00
    out = hasil(runner, "--pengungkit", "43.27625")
    assert out["total"] == pytest.approx(74.995) and out["total_rounded"] == 75.0
    assert out["targets_rounded_to"] == 2
    assert {t["name"]: t["met"] for t in out["targets"]}["WBK"] is True
    # 31.71875 + 43.27624 = 74.99499 -> 74.99: not met
    out = hasil(runner, "--pengungkit", "43.27624")
    assert out["total_rounded"] == 74.99
    assert {t["name"]: t["met"] for t in out["targets"]}["WBK"] is False
    text = runner.invoke(args=["hasil", "U1", "--year", "2026", "--pengungkit", "43.27625"])
    assert "total 75.00" in text.output and "target WBK: met" in text.output
    assert "rounded half-up to 2 decimals" in text.output
    text = runner.invoke(args=["hasil", "U1", "--year", "2026", "--pengungkit", "43.27624"])
    assert "total 74.99" in text.output and "target WBK: not met" in text.output


@pytest.mark.parametrize(("args", "message"), [
    (["--year", "2025"], "IPAK cannot be computed for 2025: no ipk answers for U1"),
    (["--year", "2026", "--kinerja", "7"],
     "Performance score (kinerja) must be between 0 and 5, not 7"),
    (["--year", "2026", "--kinerja", "nan"],
     "Performance score (kinerja) must be between 0 and 5, not nan"),
    (["--year", "2026", "--pengungkit", "61"],
     "Levers total (pengungkit) must be between 0 and 60, not 61"),
    (["--year", "2026", "--rules", "nope"], "unknown rule set 'nope'"),
    (["--year", "2026", "--rules", "permenpanrb-52-2014", "--kinerja", "3"],
     "Performance score (kinerja): PermenPAN-RB 52/2014 has no such component, "
     "so it cannot be entered"),
    (["--year", "1999"], "year 1999 is out of range (2000..2100)"),
])
def test_errors_are_one_line(runner, surveys, args, message):
    result = runner.invoke(args=["hasil", "U1", *args])
    assert result.exit_code == 1 and message in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_missing_ipkp_source_data_names_it(runner, session, tmp_path):
    make_unit(session)
    load(runner, tmp_path, "ipk", IPK_CODES, ["2026-02-01,S1,4,4,4,4,4"])
    result = runner.invoke(args=["hasil", "U1", "--year", "2026"])
    assert result.exit_code == 1 and "IPKP cannot be computed for 2026" in result.output


def test_rule_sets_are_consistent_data():
    assert set(rule_sets()) == {"permenpanrb-90-2021", "permenpanrb-10-2019",
                                "permenpanrb-52-2014"}
    rs = get_rule_set(None)
    assert [a[2] for a in rs.areas] == [8, 7, 10, 10, 15, 10]
    assert [(c.code, c.weight) for c in rs.rule.components] == [
        ("ipak", 17.5), ("kinerja", 5.0), ("ipkp", 17.5)]


def test_compute_hasil_pure_boundary():
    rule = get_rule_set(None).rule
    out = compute_hasil(rule, {"ipak": 3.6, "ipkp": 3.6}, {"kinerja": 5}, 60 - 0.75)
    # 3.6/4 x 17.5 x 2 = 31.5; + 5 + 59.25 = 95.75; bases exactly 3.60 meet the WBBM target
    assert out.total == pytest.approx(95.75) and dict(out.targets)["WBBM"] is True
    with pytest.raises(ValueError, match="ipak: no value given"):
        compute_hasil(rule, {"ipkp": 3.6}, {}, None)


def test_bases_meet_a_target_on_their_value_rounded_half_up():
    rule = get_rule_set(None).rule
    # IPAK basis 3.595 -> 3.60 meets ">= 3.60"; 3.5949 -> 3.59 does not. Total well above 85:
    # 3.595/4 x 17.5 (15.728125) + 4/4 x 17.5 + 5 + 60 = 98.228125
    out = compute_hasil(rule, {"ipak": 3.595, "ipkp": 4.0}, {"kinerja": 5}, 60)
    assert out.total == pytest.approx(98.228125) and dict(out.targets)["WBBM"] is True
    out = compute_hasil(rule, {"ipak": 3.5949, "ipkp": 4.0}, {"kinerja": 5}, 60)
    assert dict(out.targets)["WBBM"] is False


def test_an_input_the_rule_set_lacks_is_refused_not_ignored():
    rule = get_rule_set("permenpanrb-52-2014").rule
    with pytest.raises(ValueError, match="kinerja: PermenPAN-RB 52/2014 has no such component"):
        compute_hasil(rule, {"ipak": 3.0, "ipkp": 3.0}, {"kinerja": 3}, None)
    # not entered is fine: 3/4 x 15 + 0 (TLHP) + 3/4 x 20 = 26.25
    assert compute_hasil(rule, {"ipak": 3.0, "ipkp": 3.0}, {"kinerja": None}).hasil == 26.25


def test_stored_areas_are_listed_and_checked_against_the_rule_set_used(runner, surveys, session):
    from datetime import date

    from survey_app import orgs
    from survey_app.results.period import Period
    from survey_app.zi import services

    areas = {"manajemen_perubahan": 8, "tatalaksana": 7, "sdm": 10, "akuntabilitas": 10,
             "pengawasan": 15, "pelayanan_publik": 5}
    services.save_input(session, orgs.find_unit(session, "U1"), 2026, services.HasilInputs(
        "permenpanrb-90-2021", "ipk", "ikm", Period(date(2026, 1, 1), date(2026, 12, 31)),
        None, areas))
    session.commit()  # services flush; the caller owns the transaction
    out = hasil(runner)
    # 8 + 7 + 10 + 10 + 15 + 5 = 55; total 31.71875 + 55 = 86.71875
    assert out["pengungkit"] == 55 and out["total"] == pytest.approx(86.71875)
    assert [(a["code"], a["max"], a["value"]) for a in out["pengungkit_areas"]] == [
        ("manajemen_perubahan", 8, 8), ("tatalaksana", 7, 7), ("sdm", 10, 10),
        ("akuntabilitas", 10, 10), ("pengawasan", 15, 15), ("pelayanan_publik", 10, 5)]
    text = runner.invoke(args=["hasil", "U1", "--year", "2026"]).output
    assert "pengungkit Manajemen Perubahan: 8 / 8" in text
    # 52/2014 allows manajemen perubahan 5 and tatalaksana 5: one line, exit 1
    result = runner.invoke(args=["hasil", "U1", "--year", "2026", "--rules",
                                 "permenpanrb-52-2014"])
    assert result.exit_code == 1 and len(result.output.strip().splitlines()) == 1
    assert "Manajemen Perubahan must be between 0 and 5, not 8; " \
        "Penataan Tatalaksana must be between 0 and 5, not 7" in result.output
    # an explicit total replaces the stored areas
    out = hasil(runner, "--rules", "permenpanrb-52-2014", "--pengungkit", "40")
    assert out["pengungkit_areas"] == [] and out["total"] == pytest.approx(71.5625)
