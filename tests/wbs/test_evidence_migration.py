"""Revision 0011 moves evidence files into the database, byte for byte, and leaves nothing."""

from __future__ import annotations

import os
import secrets
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, text

from survey_app.db import make_engine
from survey_app.migrations import alembic_config, downgrade, upgrade

HOUR = datetime(2026, 3, 2, 8, tzinfo=UTC)


def _before_0011(engine: Engine) -> str:
    """The revision 0011 applies to (whatever the chain before it is)."""
    down = ScriptDirectory.from_config(alembic_config(engine)).get_revision("0011").down_revision
    assert isinstance(down, str)
    return down


def _old_install(engine: Engine, folder: Path) -> dict[str, bytes]:
    """A report with two evidence rows whose ciphertext sits in files, as before 0011."""
    upgrade(engine, _before_0011(engine))
    names = {secrets.token_hex(16): secrets.token_bytes(n) for n in (5000, 300, 70)}
    original, working, text_file = names
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO units (id, code, name, tz, created_at) "
                          "VALUES (1, 'U1', 'U', 'Asia/Jakarta', '2026-01-01')"))
        conn.execute(text("INSERT INTO wbs_channels (id, unit_id, created_at) "
                          "VALUES (1, 1, '2026-01-01')"))
        conn.execute(text(
            "INSERT INTO wbs_reports (id, unit_id, channel_id, category, status, lookup_id, "
            "receipt_key, channel_key, body, created_at, updated_at, ack_due, verify_due, "
            "resolve_due, sealed) VALUES (77, 1, 1, 'pungli', 'new', 'x', :b, :b, :b, :t, :t, "
            "'2026-03-05', '2026-03-20', '2026-05-29', :f)"),
            {"b": b"ciphertext", "t": HOUR.replace(tzinfo=None), "f": False})
        for file_id, seq, first, second in ((5, 1, original, working), (9, 2, text_file, None)):
            conn.execute(text(
                "INSERT INTO wbs_files (id, report_id, original_name, working_name, meta, "
                "created_at, seq, sealed) VALUES (:id, 77, :o, :w, :m, :t, :s, :f)"),
                {"id": file_id, "o": first, "w": second, "m": b"meta", "t": HOUR.replace(
                    tzinfo=None), "s": seq, "f": True})
    folder.mkdir()
    for name, data in names.items():
        (folder / name).write_bytes(data)
    (folder / f".{secrets.token_hex(16)}.tmp").write_bytes(b"an upload cut short")
    return names


def _blobs(engine: Engine) -> dict[str, tuple[int, bytes]]:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT name, file_id, data FROM wbs_blobs")).all()
    return {name: (file_id, bytes(data)) for name, file_id, data in rows}


@pytest.fixture
def engine(fresh_database_url) -> Engine:  # type: ignore[no-untyped-def]
    engine = make_engine(fresh_database_url())
    yield engine
    engine.dispose()


def test_files_move_into_the_database_and_leave_nothing_on_disk(engine, tmp_path, monkeypatch):
    folder = tmp_path / "wbs_files"
    names = _old_install(engine, folder)
    monkeypatch.setenv("WBS_FILES_DIR", str(folder))
    upgrade(engine, "0011")
    original, working, text_file = names
    assert _blobs(engine) == {original: (5, names[original]), working: (5, names[working]),
                              text_file: (9, names[text_file])}
    assert not folder.exists()  # the files, the leftover and the folder are gone

    downgrade(engine, _before_0011(engine))  # and back: files again, dated by their hour
    assert "wbs_blobs" not in inspect(engine).get_table_names()
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == names
    assert {p.stat().st_mtime for p in folder.iterdir()} == {HOUR.timestamp()}


def test_a_missing_file_stops_the_upgrade_and_changes_nothing(engine, tmp_path, monkeypatch):
    folder = tmp_path / "wbs_files"
    names = _old_install(engine, folder)
    lost = next(iter(names))
    (folder / lost).unlink()
    monkeypatch.setenv("WBS_FILES_DIR", str(folder))
    with pytest.raises(RuntimeError, match=f"{lost} of wbs_files row 5 is missing"):
        upgrade(engine, "0011")
    assert "wbs_blobs" not in inspect(engine).get_table_names()
    assert len(os.listdir(folder)) == len(names)  # what was there is still there


def test_without_a_known_folder_rows_are_not_orphaned(engine, tmp_path, monkeypatch):
    _old_install(engine, tmp_path / "wbs_files")
    monkeypatch.delenv("WBS_FILES_DIR", raising=False)
    with pytest.raises(RuntimeError, match="set WBS_FILES_DIR"):
        upgrade(engine, "0011")


def test_init_db_finds_the_apps_own_folder(app, engine, tmp_path, monkeypatch):
    """Run by `survey-app init-db` (an app context), the folder is the app's setting."""
    monkeypatch.delenv("WBS_FILES_DIR", raising=False)
    folder = app.extensions["wbs"].files_dir
    names = _old_install(engine, folder)
    with app.app_context():
        upgrade(engine, "0011")
    assert {name: data for name, (_id, data) in _blobs(engine).items()} == names
    assert not folder.exists()
