"""The roll-ups compared with the stored responses: what `rollups check` and the tests use.

The stored cells are read, rebuilt from the responses inside a savepoint, read again and the
savepoint rolled back, so the check changes nothing and compares with exactly what a rebuild
would write.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models.rollup import VALUES, RollupCell, RollupItem, RollupProfile
from . import maintain

_KEY = [getattr(RollupCell, k) for k in maintain.KEY]
_CHILDREN: dict[str, tuple[Any, list[Any], list[Any]]] = {
    "rollup_items": (RollupItem, [RollupItem.item_code],
                     [*(getattr(RollupItem, f"n{v}") for v in VALUES), RollupItem.xt]),
    "rollup_profile": (RollupProfile, [RollupProfile.field, RollupProfile.code],
                       [RollupProfile.n]),
}


@dataclass(frozen=True)
class Difference:
    """One row whose stored roll-up differs from what the responses give (None: no row)."""

    table: str
    key: tuple[Any, ...]
    rollup: tuple[Any, ...] | None
    raw: tuple[Any, ...] | None


def snapshot(session: Session, unit_ids: list[int] | None
             ) -> dict[str, dict[tuple[Any, ...], tuple[Any, ...]]]:
    """Every non-zero roll-up row of the units (all when None), by its natural key."""
    place = [] if unit_ids is None else [RollupCell.unit_id.in_(unit_ids)]
    out: dict[str, dict[tuple[Any, ...], tuple[Any, ...]]] = {}
    cells = session.execute(select(*_KEY, RollupCell.complete, RollupCell.responses,
                                   RollupCell.score_sum, RollupCell.score_sq).where(*place))
    out["rollup_cells"] = {_norm(row[:len(_KEY)]): _norm(row[len(_KEY):]) for row in cells
                           if row[len(_KEY) + 1]}
    for table, (model, keys, values) in _CHILDREN.items():
        rows = session.execute(select(*_KEY, *keys, *values)
                               .join(RollupCell, RollupCell.id == model.cell_id).where(*place))
        split = len(_KEY) + len(keys)
        out[table] = {_norm(row[:split]): _norm(row[split:]) for row in rows
                      if any(v for v in row[split:])}
    return out


def _norm(row: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(str(v) if hasattr(v, "isoformat") else v for v in row)


def differences(session: Session, unit_ids: Iterable[int] | None = None) -> list[Difference]:
    """Rows where the stored roll-ups and a rebuild from the responses disagree."""
    ids = None if unit_ids is None else sorted({int(u) for u in unit_ids})
    stored = snapshot(session, ids)
    savepoint = session.begin_nested()
    try:
        maintain.rebuild(session, ids)
        fresh = snapshot(session, ids)
    finally:
        savepoint.rollback()
    found = []
    for table, rows in stored.items():
        other = fresh[table]
        for key in sorted(set(rows) | set(other), key=repr):
            if rows.get(key) != other.get(key):
                found.append(Difference(table, key, rows.get(key), other.get(key)))
    return found
