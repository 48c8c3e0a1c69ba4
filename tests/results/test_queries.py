"""The aggregate queries behind every figure, against counts made by hand."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import update

from survey_app.models import Response
from survey_app.results.queries import Selection, profile_counts, respondents
from survey_app.rollups import maintain as rollups
from tests.helpers import IKM_CODES, make_unit

HEADER = ("submitted_at,service,jenis_kelamin,usia,pendidikan,pekerjaan,"
          + ",".join(IKM_CODES))
ROWS = [
    "2026-01-10,S1,L,19,SMA,Swasta,4,4,4,4,4,4,4,4,4",
    "2026-01-11,S1,P,20,S1,PNS,3,3,3,3,3,3,3,3,3",
    "2026-01-12,S1,P,29,S1,PNS,2,2,2,2,2,2,2,2,",
    "2026-01-13,S1,,60,,Lainnya,1,1,1,1,1,1,1,1,1",
    "2026-01-14,S1,,,,,,,,,,,,,4",
]


def load(runner, tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text("\n".join([HEADER, *ROWS]) + "\n")
    assert runner.invoke(args=["responses", "import", "U1", str(path)]).exit_code == 0


def year(unit) -> Selection:
    return Selection(unit.id, "ikm", datetime(2025, 12, 1, tzinfo=UTC),
                     datetime(2027, 1, 1, tzinfo=UTC))


def test_profile_counts_by_hand(runner, session, tmp_path):
    unit = make_unit(session)
    load(runner, tmp_path)
    assert profile_counts(session, year(unit)) == {
        "jenis_kelamin": {"L": 1, "P": 2, "-": 2},
        "pendidikan": {"SMA": 1, "S1": 2, "-": 2},
        "pekerjaan": {"Swasta": 1, "PNS": 2, "Lainnya": 1, "-": 1},
        "usia": {"<20": 1, "20-29": 2, "60+": 1, "-": 1},
    }


def test_a_stored_code_outside_the_list_is_still_counted(runner, session, tmp_path):
    unit = make_unit(session)
    load(runner, tmp_path)
    changed = "r.pendidikan = 'SMA'"
    rollups.remove(session, changed)  # a Core UPDATE keeps its own roll-ups
    session.execute(update(Response).where(Response.pendidikan == "SMA")
                    .values(pendidikan="Pesantren"))
    rollups.add(session, "r.pendidikan = 'Pesantren'")
    session.commit()
    assert profile_counts(session, year(unit))["pendidikan"] == {"Pesantren": 1, "S1": 2, "-": 2}


def test_respondents_in_one_pass(runner, session, tmp_path):
    unit = make_unit(session)
    load(runner, tmp_path)
    people = respondents(session, year(unit))
    # scores: 4, 3, 2 (eight answers of 2), 1, 4 (one answer): sum 14, squares 16+9+4+1+16
    assert (people.responses, people.answered) == (5, 5)
    assert people.total == 14.0 and people.total_sq == 46.0


def test_report_from_grouped_aggregates_equals_the_direct_one(runner, session, tmp_path):
    """The dashboard sums the per-service (or per-counter) aggregates instead of a second pass:
    the same figures as the report computed directly."""
    from datetime import date

    from survey_app.models import Service
    from survey_app.results.period import Period
    from survey_app.results.report import build_report

    unit = make_unit(session, services={"S1": ["L1", "L2"], "S2": []})
    path = tmp_path / "rows.csv"
    path.write_text("\n".join([HEADER, *ROWS, "2026-02-01,S2,L,33,SMA,PNS,4,3,2,1,4,3,2,1,4"])
                    + "\n")
    assert runner.invoke(args=["responses", "import", "U1", str(path)]).exit_code == 0
    s1 = session.query(Service).filter_by(code="S1").one()
    year = Period(date(2026, 1, 1), date(2026, 12, 31))
    for service, by in ((None, "service_id"), (s1, "counter_id")):
        direct = build_report(session, unit, "ikm", year, service)
        summed = build_report(session, unit, "ikm", year, service, by=by)
        assert summed.groups is not None and summed.groups.by == by
        assert (summed.n, summed.result) == (direct.n, direct.result)
        assert summed.moments[0] == direct.moments[0]
        assert summed.moments[1:] == pytest.approx(direct.moments[1:], rel=1e-12)
        assert summed.ci95 == pytest.approx(direct.ci95, rel=1e-12)
