"""The confidence interval in the index JSON: against an independent t computation, in the
0.111 mode, and clipped to the range the converted index can take."""

from __future__ import annotations

import json
import math

import pytest
from scipy import stats

from tests.helpers import IKM_CODES, make_unit

HEADER = "submitted_at,service," + ",".join(IKM_CODES)


def index_json(runner, tmp_path, rows, *extra):
    path = tmp_path / "rows.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n")
    assert runner.invoke(args=["responses", "import", "U1", str(path)]).exit_code == 0
    result = runner.invoke(args=["ikm", "U1", "--from", "2026-01-01", "--to", "2026-03-31",
                                 "--json", *extra])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_ci_equals_an_independent_t_interval(runner, session, tmp_path):
    make_unit(session)
    # respondent means 3.5, 3.625, 3.75 on 1..4: mean 3.625, sd 0.125
    out = index_json(runner, tmp_path, [
        "2026-01-10,S1,4,4,4,4,3,3,3,3,4",  # 32/9
        "2026-01-11,S1,4,4,4,4,4,3,3,3,4",  # 33/9
        "2026-01-12,S1,4,4,4,4,4,4,3,3,4",  # 34/9
    ])
    scores = [32 / 9 * 25, 33 / 9 * 25, 34 / 9 * 25]
    mean = sum(scores) / 3
    sd = math.sqrt(sum((x - mean) ** 2 for x in scores) / 2)
    half = stats.t.ppf(0.975, 2) * sd / math.sqrt(3)
    assert out["ci95"] == pytest.approx([mean - half, mean + half], abs=1e-9)


def test_compat_mode_scales_the_interval_like_the_index(runner, session, tmp_path):
    make_unit(session)
    out = index_json(runner, tmp_path, ["2026-01-10,S1," + ",".join(["4"] * 9)] * 3,
                     "--weights", "compat-0.111")
    assert out["converted"] == pytest.approx(99.9, abs=1e-9)
    assert out["ci95"] == pytest.approx([99.9, 99.9], abs=1e-9)


def test_interval_is_clipped_to_the_scale(runner, session, tmp_path):
    make_unit(session)
    # scores 4 and 1: mean 2.5, sd 2.12, t(0.975, 1) = 12.7 -> 2.5 +- 19.1 on 1..4, far beyond
    out = index_json(runner, tmp_path, ["2026-01-10,S1," + ",".join(["4"] * 9),
                                        "2026-01-11,S1," + ",".join(["1"] * 9)])
    assert out["ci95"] == [25.0, 100.0]
