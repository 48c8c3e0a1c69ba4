"""Roll-up upkeep beyond the random streams: a time-zone change moves responses across days,
`rollups check` finds a row changed behind the app's back and `rollups rebuild` repairs it,
`responses delete` takes an import back with an audit row, and the results really read the
roll-ups (a cell changed by hand changes the figure)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import func, select, text, update

import instruments
from survey_app.models import Answer, IntegrityAudit, Response, RollupCell, RollupItem
from survey_app.results.period import parse_period
from survey_app.results.queries import element_counts, raw
from survey_app.results.report import build_report, selection
from survey_app.rollups import check
from survey_app.survey import services
from survey_app.survey.validation import Submission
from tests.helpers import IKM_CODES, make_unit


def _submit(session, unit, when: datetime, value: int = 4, nonce: str = "n1") -> None:  # type: ignore[no-untyped-def]
    version = services.recorded_version_id(session, instruments.latest("ikm"))
    service = unit.services[0]
    services.store_web_response(session, services.Target.of(unit, service, None), version,
                                Submission(answers={c: value for c in IKM_CODES}), nonce,
                                answered_at=when)


def _n(session, unit, period: str) -> int:  # type: ignore[no-untyped-def]
    try:
        return build_report(session, unit, "ikm", parse_period(period)).n
    except Exception:  # noqa: BLE001 - NoData: nobody in that period
        return 0


def test_a_time_zone_change_moves_responses_to_their_new_local_day(runner, session):
    unit = make_unit(session)  # Asia/Jakarta, UTC+7
    _submit(session, unit, datetime(2026, 1, 31, 20, 0, tzinfo=UTC))  # 1 February, 03:00 WIB
    assert (_n(session, unit, "2026-01"), _n(session, unit, "2026-02")) == (0, 1)
    result = runner.invoke(args=["unit", "set-tz", "U1", "Europe/London"])
    assert result.exit_code == 0, result.output
    session.expire_all()
    assert (_n(session, unit, "2026-01"), _n(session, unit, "2026-02")) == (1, 0)
    assert check.differences(session) == []
    result = runner.invoke(args=["unit", "set-tz", "U1", "Mars/Olympus"])
    assert result.exit_code != 0 and "unknown time zone" in result.output


def test_results_read_the_rollups_and_check_and_rebuild_repair_a_drift(runner, session):
    unit = make_unit(session)
    _submit(session, unit, datetime(2026, 3, 3, 3, 0, tzinfo=UTC))
    sel = selection(unit, "ikm", parse_period("2026-03"))
    assert element_counts(session, sel) == element_counts(session, raw(sel))
    # A row changed behind the app's back (no upkeep): the answers say 1, the roll-ups 4.
    session.execute(update(Answer).where(Answer.item_code == IKM_CODES[0]).values(value=1))
    session.commit()
    assert element_counts(session, sel)[IKM_CODES[0]] == {4: 1}  # read from the roll-ups
    assert element_counts(session, raw(sel))[IKM_CODES[0]] == {1: 1}
    result = runner.invoke(args=["rollups", "check", "--unit", "U1", "--json"])
    assert result.exit_code == 1
    tables = {d["table"] for d in json.loads(result.output)}
    assert "rollup_items" in tables
    result = runner.invoke(args=["rollups", "rebuild", "--unit", "U1"])
    assert result.exit_code == 0, result.output
    session.expire_all()
    assert element_counts(session, sel) == element_counts(session, raw(sel))
    result = runner.invoke(args=["rollups", "check"])
    assert result.exit_code == 0 and "match" in result.output


def test_a_rollup_cell_changed_by_hand_changes_the_figure(session):
    """Proof that results come from the roll-ups, not from the answers."""
    unit = make_unit(session)
    _submit(session, unit, datetime(2026, 3, 3, 3, 0, tzinfo=UTC))
    session.execute(update(RollupItem).where(RollupItem.item_code == IKM_CODES[0])
                    .values(n2=RollupItem.n4, n4=0))
    session.commit()
    report = build_report(session, unit, "ikm", parse_period("2026"))
    assert report.result.elements[0].nrr == 2.0


def test_deleting_an_import_takes_it_out_and_is_audited(runner, session, tmp_path):
    unit = make_unit(session)
    _submit(session, unit, datetime(2026, 5, 5, 3, 0, tzinfo=UTC))
    header = "submitted_at,service,jenis_kelamin,usia,pendidikan,pekerjaan," + \
        ",".join(IKM_CODES) + ",saran"
    rows = [f"2026-05-0{d}T02:00:00+07:00,S1,L,30,SMA,PNS," + ",".join(["1"] * 9) + ","
            for d in range(1, 6)]
    path = tmp_path / "kertas.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    assert runner.invoke(args=["responses", "import", "U1", str(path)]).exit_code == 0
    assert _n(session, unit, "2026-05") == 6
    batch = session.scalar(select(Response.import_batch_id).where(
        Response.import_batch_id.is_not(None)).limit(1))
    result = runner.invoke(args=["responses", "delete", "U1", "--batch", str(batch)])
    assert result.exit_code != 0  # a reason is required
    result = runner.invoke(args=["responses", "delete", "U1", "--batch", str(batch),
                                 "--reason", "file of the wrong unit"])
    assert result.exit_code == 0 and "deleted 5" in result.output
    session.expire_all()
    assert _n(session, unit, "2026-05") == 1
    assert session.scalar(select(func.count()).select_from(Response)) == 1
    logged = session.scalars(select(IntegrityAudit).where(IntegrityAudit.action == "delete")).one()
    assert json.loads(logged.detail)["rows"] == 5
    assert check.differences(session) == []
    other = make_unit(session, "U2")
    mine = session.scalar(select(Response.id))
    result = runner.invoke(args=["responses", "delete", "U2", "--ids", str(mine), "--reason", "x"])
    assert result.exit_code != 0 and _n(session, unit, "2026-05") == 1
    assert other.id != unit.id


def test_empty_cells_are_dropped_after_a_removal(runner, session):
    unit = make_unit(session)
    _submit(session, unit, datetime(2026, 7, 7, 3, 0, tzinfo=UTC))
    rid = session.scalar(select(Response.id))
    result = runner.invoke(args=["responses", "delete", "U1", "--ids", str(rid),
                                 "--reason", "test"])
    assert result.exit_code == 0, result.output
    assert session.scalar(select(func.count()).select_from(RollupCell)) == 0
    assert session.execute(text("SELECT COUNT(*) FROM rollup_items")).scalar() == 0
