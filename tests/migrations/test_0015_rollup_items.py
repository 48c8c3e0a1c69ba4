"""Migration 0015: roll-ups become one row per element (value counts and the cross-product with
the respondent's total), and a database that had responses gets them filled from those."""

from __future__ import annotations

from sqlalchemy import inspect, text
from sqlalchemy.orm import Session

from survey_app.db import make_engine
from survey_app.migrations import upgrade
from survey_app.rollups import check

DEFINITION = '[[items]]\ncode = "a"\n[[items]]\ncode = "b"\n'


def test_existing_responses_are_rolled_up_in_the_new_shape(fresh_database_url):
    engine = make_engine(fresh_database_url())
    upgrade(engine, "0014")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO units (id, code, name, tz, created_at) "
                          "VALUES (1, 'U1', 'U', 'Asia/Jakarta', '2026-01-01')"))
        conn.execute(text("INSERT INTO services (id, unit_id, code, name, created_at, "
                          "instrument_slugs) VALUES (1, 1, 'S1', 'S', '2026-01-01', 'ikm')"))
        conn.execute(text("INSERT INTO instrument_versions (id, slug, version, checksum, "
                          "definition, created_at, items) "
                          "VALUES (1, 'ikm', '1', 'x', :d, '2026-01-01', 2)"), {"d": DEFINITION})
        for rid, (a, b) in enumerate([(4, 3), (2, 3), (4, 1)], start=1):
            conn.execute(text("INSERT INTO responses (id, unit_id, service_id, "
                              "instrument_version_id, submitted_at, source, answer_count, "
                              "answer_sum) VALUES (:i, 1, 1, 1, '2026-01-02 03:00', 'paper', 2, "
                              ":s)"), {"i": rid, "s": a + b})
            conn.execute(text("INSERT INTO answers (response_id, item_code, value) VALUES "
                              "(:i, 'a', :a), (:i, 'b', :b)"), {"i": rid, "a": a, "b": b})
    upgrade(engine)
    tables = inspect(engine).get_table_names()
    assert "rollup_items" in tables
    assert "rollup_answers" not in tables and "rollup_cross" not in tables
    with engine.connect() as conn:
        rows = {tuple(r) for r in conn.execute(text(
            "SELECT c.grain, i.item_code, i.n1, i.n2, i.n3, i.n4, i.xt FROM rollup_items i "
            "JOIN rollup_cells c ON c.id = i.cell_id"))}
    # Totals 7, 5, 5: a = 4, 2, 4 -> xt 4*7 + 2*5 + 4*5 = 58; b = 3, 3, 1 -> 21 + 15 + 5 = 41.
    for grain in (1, 2):  # the day and its month
        assert (grain, "a", 0, 1, 0, 2, 58) in rows and (grain, "b", 1, 0, 2, 0, 41) in rows
    with Session(engine) as session:
        assert check.differences(session) == []
    engine.dispose()
