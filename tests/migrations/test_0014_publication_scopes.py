"""Migration 0014: publications gain a scope; rows published before it are a unit's."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from survey_app.db import make_engine
from survey_app.migrations import downgrade, upgrade

ROW = ("INSERT INTO publications (id, unit_id, instrument_slug, period_from, period_to, "
       "revision, figures, is_current, published_at, excludes_quarantined{extra}) VALUES "
       "({id}, 1, 'ikm', '2026-01-01', '2026-03-31', {rev}, '{{}}', {cur}, '2026-04-01', "
       "false{values})")


def test_existing_publications_become_unit_scoped_and_keep_one_current(fresh_database_url):
    engine = make_engine(fresh_database_url())
    upgrade(engine, "0012")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO units (id, code, name, tz, created_at) "
                          "VALUES (1, 'U1', 'U', 'Asia/Jakarta', '2026-01-01')"))
        conn.execute(text(ROW.format(id=1, rev=1, cur="false", extra="", values="")))
        conn.execute(text(ROW.format(id=2, rev=2, cur="true", extra="", values="")))
    upgrade(engine, "0014")
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id, scope, group_id FROM publications ORDER BY id"))
        assert [tuple(r) for r in rows] == [(1, "unit", None), (2, "unit", None)]
    # The unit's whole-unit figure and its combined figure are two scopes ...
    with engine.begin() as conn:
        conn.execute(text(ROW.format(id=3, rev=1, cur="true", extra=", scope",
                                     values=", 'subtree'")))
    # ... each with one current revision.
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(text(ROW.format(id=4, rev=3, cur="true", extra="", values="")))
    downgrade(engine, "0012")  # combined publications have no place there: removed
    with engine.connect() as conn:
        assert [r[0] for r in conn.execute(text("SELECT id FROM publications ORDER BY id"))] \
            == [1, 2]
    engine.dispose()
