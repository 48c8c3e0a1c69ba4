"""`survey-app ikm/index --json` against hand-computed values, and its error messages."""

from __future__ import annotations

import json

import pytest

from survey_app.models import ServicePopulation
from tests.helpers import IKM_CODES, make_unit

HEADER = "submitted_at,service," + ",".join(IKM_CODES)


def load(runner, tmp_path, rows, unit="U1"):
    path = tmp_path / "rows.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n")
    result = runner.invoke(args=["responses", "import", unit, str(path)])
    assert result.exit_code == 0, result.output


def ikm(runner, *extra):
    result = runner.invoke(args=["ikm", "U1", "--from", "2026-01-01", "--to", "2026-03-31",
                                 "--json", *extra])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_hand_computed_index_with_an_unanswered_element(runner, session, tmp_path):
    make_unit(session, services={"S1": [], "S2": []})
    load(runner, tmp_path, [
        "2026-01-10,S1,4,3,3,2,4,4,4,,3",
        "2026-02-10,S1,3,3,4,2,4,3,4,,3",
        "2026-03-31 23:59,S2,4,4,2,3,4,4,3,,4",
        "2026-04-01 00:00,S1,1,1,1,1,1,1,1,1,1",  # next quarter in Asia/Jakarta: excluded
    ])
    out = ikm(runner)
    # NRR: persyaratan 11/3, prosedur 10/3, waktu 9/3, biaya 7/3, produk 12/3, kompetensi 11/3,
    # perilaku 11/3, sarana 10/3; pengaduan unanswered -> k = 8.
    # index = (11+10+9+7+12+11+11+10)/3/8 = 81/24 = 3.375; converted 84.375 -> B
    nrr = {e["code"]: e["nrr"] for e in out["elements"]}
    assert nrr["persyaratan"] == pytest.approx(11 / 3, abs=1e-12)
    assert nrr["pengaduan"] is None and out["omitted"] == ["pengaduan"]
    assert out["n"] == 3
    assert out["index"] == pytest.approx(3.375, abs=1e-12)
    assert out["converted"] == pytest.approx(84.375, abs=1e-9)
    assert (out["mutu"], out["kinerja"]) == ("B", "Baik")
    assert [e["code"] for e in out["elements"]] == list(IKM_CODES)
    assert out["elements"][0]["nrr_weighted"] == pytest.approx(11 / 3 / 8, abs=1e-12)
    assert out["weights"] == "exact"
    assert out["period"] == {"from": "2026-01-01", "to": "2026-03-31"}
    assert out["sample"]["population"] is None and out["sample"]["required"] is None
    # respondent scores: 29/8, 30/8, 28/8 on 1..4 -> x25 -> mean 90.625, t-interval
    lo, hi = out["ci95"]
    assert lo < 87.5 < 90.625 < hi
    assert ikm(runner, "--service", "S2")["n"] == 1


def test_perfect_score_is_100_exact_and_99_9_compat(runner, session, tmp_path):
    make_unit(session)
    load(runner, tmp_path, ["2026-01-10,S1," + ",".join(["4"] * 9)] * 3)
    exact = ikm(runner)
    assert exact["converted"] == 100.0 and exact["index"] == 4.0 and exact["mutu"] == "A"
    compat = ikm(runner, "--weights", "compat-0.111")
    assert compat["converted"] == pytest.approx(99.9, abs=1e-9)
    assert compat["weights"] == "compat-0.111"


def rows_with_total(n: int, total: int) -> list[str]:
    """n respondents answering all nine elements with answers summing to `total`."""
    values = [4] * (9 * n)
    deficit = 9 * n * 4 - total
    i = 0
    while deficit:
        step = min(3, deficit)
        values[i] -= step
        deficit -= step
        i += 1
    return ["2026-02-01,S1," + ",".join(map(str, values[r * 9:(r + 1) * 9])) for r in range(n)]


@pytest.mark.parametrize(("total", "converted", "mutu"), [
    # converted = 25 * total / (9 * 2500): each step of the total moves it by 1/900
    (79479, 88.31, "A"), (79470, 88.30, "B"),
    (68949, 76.61, "B"), (68940, 76.60, "C"),
    (58500, 65.00, "C"), (58491, 64.99, "D"),
])
def test_category_boundaries_through_the_database(runner, session, tmp_path, total, converted,
                                                   mutu):
    make_unit(session)
    load(runner, tmp_path, rows_with_total(2500, total))
    out = ikm(runner)
    assert out["converted"] == pytest.approx(converted, abs=1e-9)
    assert out["mutu"] == mutu


def test_sample_check_uses_entered_population(runner, session, tmp_path):
    unit = make_unit(session)
    load(runner, tmp_path, ["2026-01-10,S1," + ",".join(["3"] * 9)] * 2)
    from datetime import date

    session.add(ServicePopulation(unit_id=unit.id, service_id=None, period_from=date(2026, 1, 1),
                                  period_to=date(2026, 3, 31), population=100))
    session.commit()
    sample = ikm(runner)["sample"]
    assert sample == {"population": 100, "required": 80, "collected": 2, "adequate": False}


@pytest.mark.parametrize(("args", "message"), [
    (["ikm", "NOPE", "--from", "2026-01-01", "--to", "2026-03-31"], "unknown unit 'NOPE'"),
    (["ikm", "U1", "--from", "2026-03-01", "--to", "2026-01-01"], "is after --to"),
    (["ikm", "U1", "--from", "2026-02-30", "--to", "2026-03-01"], "is not a date"),
    (["ikm", "U1", "--from", "2025-01-01", "--to", "2025-12-31"], "no ikm answers for U1"),
    (["ikm", "U1", "--from", "2026-01-01", "--to", "2026-12-31", "--service", "S2"],
     "no ikm answers for U1 service S2"),
    (["index", "U1", "--instrument", "nope", "--from", "2026-01-01", "--to", "2026-12-31"],
     "unknown instrument 'nope'"),
])
def test_errors_are_one_line(runner, session, tmp_path, args, message):
    make_unit(session, services={"S1": [], "S2": []})
    load(runner, tmp_path, ["2026-01-10,S1," + ",".join(["3"] * 9)])
    result = runner.invoke(args=args)
    assert result.exit_code == 1
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_index_command_equals_ikm(runner, session, tmp_path):
    make_unit(session)
    load(runner, tmp_path, ["2026-01-10,S1,4,3,2,1,4,3,2,1,4"])
    a = runner.invoke(args=["index", "U1", "--instrument", "ikm", "--from", "2026-01-01",
                            "--to", "2026-03-31", "--json"]).output
    assert json.loads(a) == ikm(runner)


@pytest.mark.parametrize(("n", "s"), [(100, 80), (1000, 278), (10000, 370), (1000000, 384)])
def test_sample_size_command(runner, n, s):
    result = runner.invoke(args=["sample-size", str(n)])
    assert result.exit_code == 0 and result.output.strip() == str(s)
