"""roll-up answers as one row per element, and no pair cross-products

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 20:00:00

`rollup_items` (cell, element; how many gave each value 0..9, and the sum of value x the
respondent's total) replaces `rollup_answers` (one row per value) and `rollup_cross` (one row
per pair of elements, 45 for the IKM): alpha and the item-total correlations need only each
element's cross-product with the total (analysis.reliability_from_item_totals), so a complete
response now writes 9 child rows instead of 54, a month cell is read as 9 rows instead of 81, and
alpha comes from the cells for any range, not only whole months. The roll-ups are then rebuilt
from the stored responses (this is where a database gets them filled, see migration 0013).
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

COUNTS = [f"n{v}" for v in range(10)]


def upgrade() -> None:
    op.drop_table("rollup_cross")
    op.drop_table("rollup_answers")
    op.create_table(
        "rollup_items",
        sa.Column("cell_id", sa.Integer(), nullable=False),
        sa.Column("item_code", sa.String(length=40), nullable=False),
        *(sa.Column(name, sa.BigInteger(), server_default="0", nullable=False)
          for name in [*COUNTS, "xt"]),
        sa.PrimaryKeyConstraint("cell_id", "item_code", name=op.f("pk_rollup_items")),
    )
    from survey_app.rollups import maintain

    maintain.rebuild(Session(bind=op.get_bind()))


def downgrade() -> None:
    op.drop_table("rollup_items")
    op.create_table(
        "rollup_answers",
        sa.Column("cell_id", sa.Integer(), nullable=False),
        sa.Column("item_code", sa.String(length=40), nullable=False),
        sa.Column("value", sa.SmallInteger(), nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("cell_id", "item_code", "value", name=op.f("pk_rollup_answers")),
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
    # The old tables come back empty: `survey-app rollups rebuild` of the older code fills them.
