"""wbs evidence in the database: wbs_blobs (moved from the files folder), wbs_answer_tokens

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 14:10:00

Evidence ciphertext moves from files in WBS_FILES_DIR (default instance/wbs_files) into
`wbs_blobs`, byte for byte (the same SecretBox ciphertext under the same report data keys), so
that every app server opens what any other stored and one database dump is the whole backup.
The folder is found as the app would (WBS_FILES_DIR, or the app's instance folder when run by
`survey-app init-db`); file rows whose file is missing stop the upgrade with the folder named.
The files, and the folder once empty, are deleted only after the upgrade has committed
(env.py's `after_commit`), so a failed upgrade leaves them where they were. Spent answer-form
tokens, kept until now in the rate store of one process, get `wbs_answer_tokens`.
Downgrade writes the blobs back as files dated by their hour.
"""

from __future__ import annotations

import contextlib
import os
from datetime import UTC
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def _sealed() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column("sealed", sa.Boolean(), nullable=False, server_default=sa.false())


def _folder() -> Path | None:
    """The evidence folder the app used: WBS_FILES_DIR, else the running app's setting."""
    if os.environ.get("WBS_FILES_DIR"):
        return Path(os.environ["WBS_FILES_DIR"])
    from flask import current_app, has_app_context

    if has_app_context() and "wbs" in current_app.extensions:
        folder: Path = current_app.extensions["wbs"].files_dir
        return folder
    return None


_BLOBS = sa.table("wbs_blobs", sa.column("name", sa.String()), sa.column("file_id", sa.Integer()),
                  sa.column("data", sa.LargeBinary()), sa.column("created_at", sa.DateTime()),
                  sa.column("sealed", sa.Boolean()))
_FILES = sa.table("wbs_files", sa.column("id", sa.Integer()),
                  sa.column("original_name", sa.String()), sa.column("working_name", sa.String()),
                  sa.column("created_at", sa.DateTime()))


def _stored_files(bind: sa.Connection) -> list[tuple[int, str, object]]:
    rows = bind.execute(sa.select(_FILES.c.id, _FILES.c.original_name, _FILES.c.working_name,
                                  _FILES.c.created_at)).all()
    named = []
    for file_id, original, working, created in rows:
        named.append((file_id, original, created))
        if working is not None:
            named.append((file_id, working, created))
    return named


def _checked_name(name: str) -> str:
    if not (name.isascii() and name.isalnum()):
        raise RuntimeError(f"wbs_files names {name!r}, which is not a storage name")
    return name


def upgrade() -> None:
    bind = op.get_bind()
    folder, named = _folder(), _stored_files(bind)
    paths = _checked_paths(folder, named)  # before any change: a missing file changes nothing
    op.create_table(
        "wbs_blobs",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("file_id", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        _sealed(),
        sa.ForeignKeyConstraint(["file_id"], ["wbs_files.id"],
                                name=op.f("fk_wbs_blobs_file_id_wbs_files"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_wbs_blobs")),
    )
    op.create_index(op.f("ix_wbs_blobs_file_id"), "wbs_blobs", ["file_id"])
    op.create_table(
        "wbs_answer_tokens",
        sa.Column("digest", sa.String(length=32), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        _sealed(),
        sa.ForeignKeyConstraint(["report_id"], ["wbs_reports.id"],
                                name=op.f("fk_wbs_answer_tokens_report_id_wbs_reports"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("digest", name=op.f("pk_wbs_answer_tokens")),
    )
    op.create_index(op.f("ix_wbs_answer_tokens_report_id"), "wbs_answer_tokens", ["report_id"])
    if bind.dialect.name == "postgresql":
        # Ciphertext does not compress: store it out of line without trying.
        op.execute("ALTER TABLE wbs_blobs ALTER COLUMN data SET STORAGE EXTERNAL")
    for (file_id, name, created), path in zip(named, paths, strict=True):
        # One transaction (this one) writes every row: sealed, as reseal would leave them.
        bind.execute(_BLOBS.insert().values(name=name, file_id=file_id, data=path.read_bytes(),
                                            created_at=created, sealed=True))
    if folder is not None:
        config = op.get_context().config
        assert config is not None  # env.py runs every migration with its Config
        after_commit = config.attributes.setdefault("after_commit", [])
        after_commit.append(lambda: _remove_files(folder, paths))


def _checked_paths(folder: Path | None, named: list[tuple[int, str, object]]) -> list[Path]:
    """The file of every stored name; RuntimeError naming what is missing."""
    if named and folder is None:
        raise RuntimeError("wbs_files has rows but the evidence folder is unknown: set "
                           "WBS_FILES_DIR, or run `survey-app init-db`")
    paths = []
    for file_id, name, _created in named:
        assert folder is not None
        path = folder / _checked_name(name)
        if not path.is_file():
            raise RuntimeError(f"evidence file {name} of wbs_files row {file_id} is missing "
                               f"from {folder}: nothing was changed")
        paths.append(path)
    return paths


def _remove_files(folder: Path, moved: list[Path]) -> None:
    """Delete what was moved into the database, leftover temporary files, then the folder."""
    for path in moved:
        path.unlink(missing_ok=True)
    if folder.is_dir():
        for path in folder.glob(".*.tmp"):  # an upload interrupted before 0011
            path.unlink(missing_ok=True)
        with contextlib.suppress(OSError):  # not empty: files no row names stay for a human
            folder.rmdir()


def downgrade() -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.select(_BLOBS.c.name, _BLOBS.c.data, _BLOBS.c.created_at)).all()
    folder = _folder()
    if rows and folder is None:
        raise RuntimeError("set WBS_FILES_DIR: the evidence must be written back as files")
    for name, data, created in rows:
        assert folder is not None
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = folder / _checked_name(name)
        path.write_bytes(bytes(data))
        path.chmod(0o600)
        stamp = created.replace(tzinfo=created.tzinfo or UTC).timestamp()
        os.utime(path, (stamp, stamp))
    op.drop_index(op.f("ix_wbs_answer_tokens_report_id"), table_name="wbs_answer_tokens")
    op.drop_table("wbs_answer_tokens")
    op.drop_index(op.f("ix_wbs_blobs_file_id"), table_name="wbs_blobs")
    op.drop_table("wbs_blobs")
