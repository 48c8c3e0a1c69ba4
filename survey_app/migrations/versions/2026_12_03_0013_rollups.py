"""roll-ups: per-day and per-month aggregates of the responses

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 17:00:00

`rollup_cells` (one row per grain, local day or month, unit, service, counter, instrument version,
channel, quarantine state and number of answered elements) with its answer counts
(`rollup_answers`), profile counts (`rollup_profile`) and item cross-products of complete
responses (`rollup_cross`). Migration 0015 replaces answers and cross-products with
`rollup_items` and fills them all.
`instrument_versions.items` (its number of elements) tells a complete response in SQL.
"""

import tomllib

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

CHILD = ("rollup_answers", "rollup_profile", "rollup_cross")


def upgrade() -> None:
    with op.batch_alter_table("instrument_versions") as batch:
        batch.add_column(sa.Column("items", sa.SmallInteger(), server_default="0",
                                   nullable=False))
    conn = op.get_bind()
    for vid, definition in conn.execute(sa.text("SELECT id, definition FROM instrument_versions")):
        count = len(tomllib.loads(definition).get("items", []))
        conn.execute(sa.text("UPDATE instrument_versions SET items = :n WHERE id = :i"),
                     {"n": count, "i": vid})
    op.create_table(
        "rollup_cells",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("grain", sa.SmallInteger(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.BigInteger(), nullable=False),
        sa.Column("counter_id", sa.BigInteger(), nullable=False),
        sa.Column("version_id", sa.BigInteger(), nullable=False),
        sa.Column("source", sa.String(length=8), nullable=False),
        sa.Column("quarantined", sa.Boolean(), nullable=False),
        sa.Column("answer_count", sa.SmallInteger(), nullable=False),
        sa.Column("complete", sa.Boolean(), nullable=False),
        sa.Column("responses", sa.BigInteger(), nullable=False),
        sa.Column("score_sum", sa.BigInteger(), nullable=False),
        sa.Column("score_sq", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"],
                                name=op.f("fk_rollup_cells_unit_id_units"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rollup_cells")),
    )
    op.create_index("uq_rollup_cells_key", "rollup_cells",
                    ["unit_id", "grain", "day", "service_id", "counter_id", "version_id",
                     "source", "quarantined", "answer_count"], unique=True)
    op.create_table(
        "rollup_answers",
        sa.Column("cell_id", sa.Integer(), nullable=False),
        sa.Column("item_code", sa.String(length=40), nullable=False),
        sa.Column("value", sa.SmallInteger(), nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("cell_id", "item_code", "value", name=op.f("pk_rollup_answers")),
    )
    op.create_table(
        "rollup_profile",
        sa.Column("cell_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=16), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("cell_id", "field", "code", name=op.f("pk_rollup_profile")),
    )
    op.create_table(
        "rollup_cross",
        sa.Column("cell_id", sa.Integer(), nullable=False),
        sa.Column("item_a", sa.String(length=40), nullable=False),
        sa.Column("item_b", sa.String(length=40), nullable=False),
        sa.Column("sum_a", sa.BigInteger(), nullable=False),
        sa.Column("sum_ab", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("cell_id", "item_a", "item_b", name=op.f("pk_rollup_cross")),
    )
    # Filled from the stored responses by migration 0015, which gives the roll-ups their
    # present shape (the code that fills them writes that shape).


def downgrade() -> None:
    for table in CHILD:
        op.drop_table(table)
    op.drop_index("uq_rollup_cells_key", table_name="rollup_cells")
    op.drop_table("rollup_cells")
    with op.batch_alter_table("instrument_versions") as batch:
        batch.drop_column("items")
