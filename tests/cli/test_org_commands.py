"""Unit, service, counter, user, item reword, init-db and demo commands."""

from __future__ import annotations

import io

from sqlalchemy import select

from survey_app.models import ItemOverride, Unit, User
from tests.helpers import make_unit


def test_unit_service_counter_add(runner, session):
    assert runner.invoke(args=["unit", "add", "KEMEN", "--name", "Kementerian"]).exit_code == 0
    result = runner.invoke(args=["unit", "add", "POLRES1", "--name", "Polres Satu",
                                 "--parent", "KEMEN", "--tz", "Asia/Makassar"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["service", "add", "POLRES1", "SKCK", "--name", "SKCK"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["counter", "add", "POLRES1", "SKCK", "L1", "--name", "Loket 1"])
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == "http://survey.test/s/POLRES1/SKCK/L1"
    unit = session.scalars(select(Unit).where(Unit.code == "POLRES1")).one()
    assert unit.tz == "Asia/Makassar" and unit.parent.code == "KEMEN"
    assert unit.services[0].counters[0].name == "Loket 1"


def test_org_errors_are_one_line(runner, session):
    runner.invoke(args=["unit", "add", "U1", "--name", "Satu"])
    cases = [
        (["unit", "add", "U1", "--name", "Again"], "already exists"),
        (["unit", "add", "U2", "--name", "X", "--tz", "Mars/Base"], "unknown time zone"),
        (["unit", "add", "U3", "--name", "X", "--parent", "NOPE"], "unknown unit 'NOPE'"),
        (["unit", "add", "bad code!", "--name", "X"], "must be 1-32 letters"),
        (["service", "add", "NOPE", "S1", "--name", "X"], "unknown unit"),
        (["counter", "add", "U1", "NOPE", "L1"], "unknown service"),
    ]
    for args, message in cases:
        result = runner.invoke(args=args)
        assert result.exit_code == 1, args
        assert message in result.output and len(result.output.strip().splitlines()) == 1, args


def test_user_add_hashes_with_argon2(runner, session):
    runner.invoke(args=["unit", "add", "U1", "--name", "Satu"])
    result = runner.invoke(args=["user", "add", "Staf@Unit.go.id", "--role", "analyst",
                                 "--unit", "U1", "--password-stdin"],
                           input="correct horse battery\n")
    assert result.exit_code == 0, result.output
    user = session.scalars(select(User)).one()
    assert user.email == "staf@unit.go.id" and user.password_hash.startswith("$argon2id$")
    assert "correct horse" not in user.password_hash


def test_user_add_errors(runner, session):
    runner.invoke(args=["unit", "add", "U1", "--name", "Satu"])
    base = ["user", "add", "a@b.id", "--password-stdin"]
    assert "needs --unit" in runner.invoke(args=[*base, "--role", "analyst"], input="x" * 12).output
    assert "role must be" in runner.invoke(args=[*base, "--role", "boss", "--unit", "U1"],
                                           input="x" * 12).output
    assert "at least 10" in runner.invoke(args=[*base, "--role", "admin"], input="short").output
    assert "--password-stdin" in runner.invoke(args=["user", "add", "a@b.id", "--role",
                                                     "admin"]).output


def test_init_db_is_repeatable_and_demo_prints_urls(runner, session):
    assert runner.invoke(args=["init-db"]).exit_code == 0
    assert runner.invoke(args=["init-db"]).exit_code == 0
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert "http://survey.test/s/DEMO/SKCK/L1" in first.output
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0
    password = [ln for ln in second.output.splitlines() if "password:" in ln][0].split()[1]
    assert password not in first.output  # a fresh one-time password each run
    assert len(session.scalars(select(Unit)).all()) == 1


def test_main_entry_point_runs_outside_flask(monkeypatch, tmp_path):
    from click.testing import CliRunner

    from survey_app.cli import main

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.sqlite3'}")
    monkeypatch.setenv("SECRET_KEY", "k")
    result = CliRunner().invoke(main, ["init-db"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert io  # imported for parity with other CLI tests


def reworded(session) -> list[tuple[str, str, str, str]]:
    session.expire_all()
    return [(o.instrument_slug, o.item_code, o.text_id, o.text_en)
            for o in session.scalars(select(ItemOverride))]


def test_item_reword_sets_changes_and_removes(runner, session):
    make_unit(session)
    base = ["item", "reword", "U1", "S1", "persyaratan"]
    result = runner.invoke(args=[*base, "--text-id", "Syarat SKCK?", "--text-en", "SKCK terms?"])
    assert result.exit_code == 0, result.output
    assert reworded(session) == [("ikm", "persyaratan", "Syarat SKCK?", "SKCK terms?")]
    result = runner.invoke(args=[*base, "--text-id", "Syarat?", "--text-en", "Terms?"])
    assert result.exit_code == 0 and reworded(session) == [("ikm", "persyaratan", "Syarat?",
                                                            "Terms?")]
    result = runner.invoke(args=["item", "reword", "U1", "S1", "calo", "--instrument", "ipk",
                                 "--text-id", "Ada calo?", "--text-en", "Brokers?"])
    assert result.exit_code == 0, result.output
    assert runner.invoke(args=[*base, "--remove"]).exit_code == 0
    assert reworded(session) == [("ipk", "calo", "Ada calo?", "Brokers?")]


def test_item_reword_errors_are_one_line(runner, session):
    make_unit(session)
    texts = ["--text-id", "Teks", "--text-en", "Text"]
    cases = [
        (["NOPE", "S1", "persyaratan", *texts], "unknown unit 'NOPE'"),
        (["U1", "NOPE", "persyaratan", *texts], "unknown service 'NOPE'"),
        (["U1", "S1", "nope", *texts], "unknown item 'nope' in instrument ikm"),
        (["U1", "S1", "calo", *texts], "unknown item 'calo' in instrument ikm"),
        (["U1", "S1", "persyaratan", "--instrument", "xyz", *texts], "unknown instrument 'xyz'"),
        (["U1", "S1", "persyaratan", "--text-id", "Teks"], "give both --text-id and --text-en"),
        (["U1", "S1", "persyaratan", "--text-id", " ", "--text-en", "x"], "must not be empty"),
        (["U1", "S1", "persyaratan", "--text-id", "x" * 501, "--text-en", "x"], "at most 500"),
        (["U1", "S1", "persyaratan", "--remove"], "has no own wording"),
        (["U1", "S1", "persyaratan", "--remove", *texts], "--remove takes no"),
    ]
    for args, message in cases:
        result = runner.invoke(args=["item", "reword", *args])
        assert result.exit_code == 1, args
        assert message in result.output and len(result.output.strip().splitlines()) == 1, args
    assert reworded(session) == []
