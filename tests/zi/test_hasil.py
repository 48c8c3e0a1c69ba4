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
    # 3.75/4 x 20 + 3.5/4 x 20 = 18.75 + 17.5
    assert out["hasil"] == pytest.approx(36.25) and out["total"] == pytest.approx(76.25)
    assert out["rule"]["confidence"] == "L"
    assert {t["name"]: t["met"] for t in out["targets"]} == {"WBK": True, "WBBM": False}


def test_10_2019_rule_set(runner, surveys):
    out = hasil(runner, "--rules", "permenpanrb-10-2019", "--kinerja", "5")
    assert out["hasil"] == pytest.approx(16.40625 + 15.3125 + 5)


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
    out = hasil(runner, "--pengungkit", "43.28")
    assert {t["name"]: t["met"] for t in out["targets"]}["WBK"] is False


@pytest.mark.parametrize(("args", "message"), [
    (["--year", "2025"], "IPAK cannot be computed for 2025: no ipk answers for U1"),
    (["--year", "2026", "--kinerja", "7"], "kinerja: score (0..5) out of range: 7"),
    (["--year", "2026", "--pengungkit", "61"], "pengungkit must be between 0 and 60"),
    (["--year", "2026", "--rules", "nope"], "unknown rule set 'nope'"),
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
