"""reporter rows without order: random ids, per-report seq, sealed flags

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 11:00:00

Sequential ids of WBS reports, messages and files ordered a report among rows with exact times;
from now on the app gives them random ids (survey_app/models/wbs.py), so on PostgreSQL their
id sequences are dropped. Rows stored before this revision keep their ids (the audit log, which
cannot be updated, names them). Messages and files get `seq`, their order within the report,
numbered from the old ids. `sealed` marks rows the hourly reseal has rewritten
(survey_app/wbs/reseal.py); every existing row starts unsealed, so the first reseal rewrites them
all in one transaction.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

RANDOM_IDS = ("wbs_reports", "wbs_messages", "wbs_files")
NUMBERED = ("wbs_messages", "wbs_files")


def _sealed() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column("sealed", sa.Boolean(), nullable=False, server_default=sa.false())


def upgrade() -> None:
    with op.batch_alter_table("wbs_reports") as batch_op:
        batch_op.add_column(_sealed())
    for table in NUMBERED:
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column("seq", sa.Integer(), nullable=True))
            batch_op.add_column(_sealed())
        # Table names are the constants above, never input.
        numbering = (f"UPDATE {table} SET seq = (SELECT COUNT(*) FROM {table} AS earlier "  # noqa: S608
                     f"WHERE earlier.report_id = {table}.report_id AND earlier.id <= {table}.id)")
        op.execute(numbering)
        with op.batch_alter_table(table) as batch_op:
            batch_op.alter_column("seq", existing_type=sa.Integer(), nullable=False)
    if op.get_bind().dialect.name == "postgresql":
        for table in RANDOM_IDS:
            op.execute(f"ALTER TABLE {table} ALTER COLUMN id DROP DEFAULT")
            op.execute(f"DROP SEQUENCE IF EXISTS {table}_id_seq")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in RANDOM_IDS:
            op.execute(f"CREATE SEQUENCE {table}_id_seq OWNED BY {table}.id")
            op.execute(f"SELECT setval('{table}_id_seq', "  # noqa: S608 - constant names
                       f"COALESCE(MAX(id), 0) + 1, false) FROM {table}")
            op.execute(f"ALTER TABLE {table} ALTER COLUMN id "
                       f"SET DEFAULT nextval('{table}_id_seq')")
    for table in NUMBERED:
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column("sealed")
            batch_op.drop_column("seq")
    with op.batch_alter_table("wbs_reports") as batch_op:
        batch_op.drop_column("sealed")
