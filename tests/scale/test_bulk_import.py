"""The bulk paper import: what it stores equals the file, its batch, and SQLite's size rule."""

from __future__ import annotations

import hashlib
import json
import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from survey_app.models import Answer, ImportBatch, IntegrityAudit, Response
from survey_app.survey import bulk
from tests.helpers import IKM_CODES, count_responses, make_unit

HEADER = "submitted_at,service,jenis_kelamin,usia,pendidikan,pekerjaan," + ",".join(IKM_CODES) \
    + ",saran"


def random_file(rows: int, seed: int = 3) -> tuple[str, list[dict]]:
    rng = random.Random(seed)
    lines, expected = [HEADER], []
    start = datetime(2025, 6, 1, tzinfo=UTC)
    for i in range(rows):
        when = start + timedelta(seconds=rng.randrange(200 * 86400))
        values = {c: rng.randint(1, 4) for c in IKM_CODES if rng.random() > 0.15}
        if not values:
            values = {IKM_CODES[0]: 2}
        sex = rng.choice(["L", "P", ""])
        age = rng.choice(["", str(rng.randint(17, 80))])
        saran = rng.choice(["", "Bagus", '"Antre\tlama, ""panas"",\nkursi kurang"', "a\\b"])
        cells = [str(values.get(c, "")) for c in IKM_CODES]
        lines.append(f"{when:%Y-%m-%dT%H:%M:%S}+00:00,S{1 + i % 2},{sex},{age},SMA,PNS,"
                     + ",".join(cells) + f",{saran}")
        text = {'"Antre\tlama, ""panas"",\nkursi kurang"': 'Antre\tlama, "panas",\nkursi kurang',
                "": None}.get(saran, saran)
        expected.append({"when": when, "values": values, "sex": sex or None,
                         "age": int(age) if age else None, "saran": text,
                         "service": f"S{1 + i % 2}"})
    return "\n".join(lines) + "\n", expected


def test_stored_rows_equal_the_file(runner, session, tmp_path):
    unit = make_unit(session, services={"S1": [], "S2": []})
    text, expected = random_file(1500)
    path = tmp_path / "big.csv"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(args=["responses", "import", "U1", str(path)])
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == "imported 1500"
    services = {s.id: s.code for s in unit.services}
    stored = session.scalars(select(Response).order_by(Response.id)).all()
    answers: dict[int, dict[str, int]] = {}
    for rid, code, value in session.execute(select(Answer.response_id, Answer.item_code,
                                                   Answer.value)):
        answers.setdefault(rid, {})[code] = value
    assert len(stored) == len(expected)
    for response, want in zip(stored, expected, strict=True):  # ids follow the file's order
        assert response.submitted_at == want["when"]
        assert answers[response.id] == want["values"]
        assert (response.answer_count, response.answer_sum) == (len(want["values"]),
                                                                sum(want["values"].values()))
        assert (response.jenis_kelamin, response.usia, response.saran) == (
            want["sex"], want["age"], want["saran"])
        assert services[response.service_id] == want["service"]
        assert response.source == "paper" and response.pendidikan == "SMA"
    batch = session.scalars(select(ImportBatch)).one()
    assert batch.file_sha256 == hashlib.sha256(text.encode()).hexdigest()
    assert batch.rows == 1500 and batch.kind == "paper" and batch.imported_by.startswith("cli")
    assert {r.import_batch_id for r in stored} == {batch.id}
    assert {r.import_batch for r in stored} == {batch.batch_key}
    audit = session.scalars(select(IntegrityAudit).where(IntegrityAudit.action == "import")).one()
    assert json.loads(audit.detail)["batch"] == batch.id
    # the same file again: imported again (a second batch), with a note on stderr
    again = runner.invoke(args=["responses", "import", "U1", str(path)])
    assert again.exit_code == 0 and "already imported" in again.output
    assert count_responses(session) == 3000


def test_later_imports_and_web_rows_keep_distinct_ids(runner, session, tmp_path, client):
    make_unit(session, services={"S1": ["L1"], "S2": []})
    for seed in (1, 2):
        text, _ = random_file(40, seed)
        path = tmp_path / f"f{seed}.csv"
        path.write_text(text)
        assert runner.invoke(args=["responses", "import", "U1", str(path)]).exit_code == 0
        from tests.helpers import full_answers, open_form
        tokens = open_form(client, "/s/U1/S1/L1")
        assert client.post("/s/U1/S1/L1", data={**full_answers(), **tokens}).status_code in (
            200, 302, 303)
    assert count_responses(session) == 82
    ids = session.scalars(select(Response.id)).all()
    assert len(set(ids)) == 82


def test_sqlite_refuses_a_long_write_lock_unless_offline(runner, session, tmp_path,
                                                         monkeypatch):
    """The README rule: on SQLite at most SQLITE_MAX_ROWS rows per import (here 5), else
    nothing is stored and the message says how to proceed; PostgreSQL has no such limit."""
    make_unit(session, services={"S1": [], "S2": []})
    monkeypatch.setattr(bulk, "SQLITE_MAX_ROWS", 5)
    text, _ = random_file(6)
    path = tmp_path / "six.csv"
    path.write_text(text)
    result = runner.invoke(args=["responses", "import", "U1", str(path)])
    sqlite = session.get_bind().dialect.name == "sqlite"
    if sqlite:
        assert result.exit_code == 1
        assert "at most 5 rows" in result.output and "--offline" in result.output
        assert count_responses(session) == 0
        result = runner.invoke(args=["responses", "import", "U1", str(path), "--offline"])
    assert result.exit_code == 0, result.output
    assert count_responses(session) == 6


def test_postgresql_without_superuser_keeps_the_row_checks(app, session, database_url):
    """The app's database user is often no superuser: the COPY then runs with its per-row
    foreign key triggers, and stores the same rows."""
    import uuid

    import pytest
    from sqlalchemy import make_url, text

    import instruments
    from survey_app.db import make_engine
    from survey_app.survey.importer import import_csv

    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only")
    unit = make_unit(session, services={"S1": [], "S2": []})
    role = f"scale_{uuid.uuid4().hex[:8]}"
    schema = make_url(database_url).query["options"].split("=", 1)[1]
    session.execute(text(f'CREATE ROLE "{role}" LOGIN NOSUPERUSER'))
    session.execute(text(f'GRANT USAGE ON SCHEMA "{schema}" TO "{role}"'))
    session.execute(text(f'GRANT ALL ON ALL TABLES IN SCHEMA "{schema}" TO "{role}"'))
    session.execute(text(f'GRANT ALL ON ALL SEQUENCES IN SCHEMA "{schema}" TO "{role}"'))
    session.commit()
    engine = make_engine(make_url(database_url).set(username=role).render_as_string(False))
    try:
        from sqlalchemy.orm import Session

        with app.app_context(), Session(engine) as own:
            mine = own.get_one(type(unit), unit.id)
            text_csv, _ = random_file(30)
            result = import_csv(own, mine, instruments.latest("ikm"), text_csv, 2000)
            assert result.count == 30
            role_now = own.execute(text("SHOW session_replication_role")).scalar()
            assert role_now == "origin"
        assert count_responses(session) == 30
    finally:
        engine.dispose()
        session.execute(text(f'DROP OWNED BY "{role}"'))
        session.execute(text(f'DROP ROLE "{role}"'))
        session.commit()
