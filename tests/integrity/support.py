"""Helpers of the integrity tests: clean synthetic history stored in the database, web and
kiosk submissions through the app at a chosen time, paper files through the import command."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

import instruments
from analysis.integrity import Response as Record
from analysis.integrity.synthetic import clean_responses
from survey_app.models import Answer, Counter, InstrumentVersion, Response, Service, Unit
from survey_app.rollups import maintain as rollups
from survey_app.survey import services as survey_services
from tests.helpers import IKM_CODES, full_answers, make_unit, open_form

SERVICES = {"SKCK": ["L1", "L2"], "SIM": ["L1"], "LAPOR": ["L1"]}


def make_integrity_unit(session: Session, code: str = "U1") -> Unit:
    """A unit with the synthetic generator's services and counters."""
    return make_unit(session, code, services=SERVICES)


def ikm_version_id(session: Session) -> int:
    """The recorded IKM instrument version (created on first use)."""
    return survey_services.recorded_version_id(session, instruments.latest("ikm"))


def store_records(session: Session, unit: Unit, records: Sequence[Record]) -> list[int]:
    """Store synthetic records as responses of `unit` (Core inserts); their new ids in order."""
    version = ikm_version_id(session)
    services = {s.code: s for s in session.scalars(select(Service).where(
        Service.unit_id == unit.id))}
    counters = {(c.service.code, c.code): c.id for c in session.scalars(select(Counter).join(
        Service).where(Service.unit_id == unit.id))}
    rows, answer_sets = [], []
    for record in records:
        answers = {code: v for code, v in zip(IKM_CODES, record.answers, strict=True)
                   if v is not None}
        sex, age, edu, job = record.profile or (None, None, None, None)
        rows.append({
            "unit_id": unit.id, "service_id": services[record.service].id,
            "counter_id": counters.get((record.service, record.counter)),
            "instrument_version_id": version,
            "submitted_at": record.submitted_at.astimezone(UTC), "source": record.channel,
            "jenis_kelamin": sex, "usia": age, "pendidikan": edu, "pekerjaan": job,
            "duration_bucket": record.duration,
            "import_batch": str(record.batch) if record.batch is not None else None,
            "answer_count": len(answers), "answer_sum": sum(answers.values()),
        })
        answer_sets.append(answers)
    # One multi-row INSERT ... RETURNING for the responses, one for the answers.
    ids = list(session.scalars(insert(Response).returning(Response.id,
                                                          sort_by_parameter_order=True), rows))
    answer_rows = [{"response_id": rid, "item_code": c, "value": v}
                   for rid, answers in zip(ids, answer_sets, strict=True)
                   for c, v in answers.items()]
    if answer_rows:
        session.execute(insert(Answer), answer_rows)
    rollups.add(session, rollups.for_ids(ids))  # Core inserts: the roll-ups are ours to keep
    session.commit()
    return ids


def clean_history(session: Session, unit: Unit, start: date, days: int, n: int = 2500,
                  seed: int = 11) -> list[int]:
    """Clean synthetic responses over `days` days from `start` (paper piles included)."""
    return store_records(session, unit, clean_responses(n, seed=seed, start=start, days=days))


def submit_web(client: FlaskClient, monkeypatch: pytest.MonkeyPatch, url: str,
               times: Sequence[datetime], value: int = 4) -> None:
    """One full web survey per time through the form, each stored at that minute."""
    for when in times:
        monkeypatch.setattr(survey_services, "utcnow", lambda when=when: when.astimezone(UTC))
        tokens = open_form(client, url)
        data = {**full_answers(value), **tokens}
        response = client.post(url, data=data)
        assert response.status_code == 302, response.get_data(as_text=True)[:300]


def import_paper(runner: FlaskCliRunner, tmp_path: Path, unit: str, rows: Sequence[dict[str, str]],
                 name: str = "kertas.csv") -> None:
    """Import paper rows (the contract's CSV) with the import command."""
    columns = ["submitted_at", "service", "jenis_kelamin", "usia", "pendidikan", "pekerjaan",
               *IKM_CODES, "saran"]
    lines = [",".join(columns)]
    for row in rows:
        lines.append(",".join(row.get(c, "") for c in columns))
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runner.invoke(args=["responses", "import", unit, str(path)])
    assert result.exit_code == 0, result.output


def integrity_json(runner: FlaskCliRunner, unit: str, start: date, end: date,
                   *extra: str) -> dict:  # type: ignore[type-arg]
    """The `survey-app integrity ... --json` output."""
    result = runner.invoke(args=["integrity", unit, "--from", start.isoformat(),
                                 "--to", end.isoformat(), "--json", *extra])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)  # type: ignore[no-any-return]


def week_ago_monday(today: date) -> date:
    """A Monday at least four weeks before `today` (a period with history)."""
    start = today - timedelta(days=35)
    return start - timedelta(days=start.weekday())


def count_versions(session: Session) -> int:
    """Instrument versions recorded (sanity)."""
    return len(session.scalars(select(InstrumentVersion)).all())
