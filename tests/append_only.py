"""Emptying append-only tables in tests: their triggers refuse DELETE, so go round them."""

from __future__ import annotations

from sqlalchemy import Connection, text

# Tables whose triggers refuse UPDATE and DELETE (migrations 0004 and 0009).
APPEND_ONLY = ("integrity_audit",)


def purge(conn: Connection, table: str) -> None:
    """Delete every row of an append-only table, its triggers restored afterwards (tests only)."""
    if conn.dialect.name == "sqlite":
        triggers = conn.execute(text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :t"),
            {"t": table}).all()
        for name, _sql in triggers:
            conn.execute(text(f'DROP TRIGGER "{name}"'))
        conn.execute(text(f"DELETE FROM {table}"))
        for _name, sql in triggers:
            conn.execute(text(sql))
    else:
        conn.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
        conn.execute(text(f"DELETE FROM {table}"))
        conn.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER USER"))
