"""response label style; answers WITHOUT ROWID on SQLite

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 07:30:00

`responses.label_style` records the label wording a web respondent saw (IPK: occurrence or
agreement); NULL for paper imports and responses stored before this revision.

On SQLite `answers` becomes a WITHOUT ROWID table: its primary key (response_id, item_code) is
then the table itself instead of a second b-tree beside a rowid table, so every submit writes one
b-tree less and the index aggregates read each answer once. PostgreSQL is unchanged.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

ANSWERS_DDL = """CREATE TABLE answers_new (
    response_id INTEGER NOT NULL,
    item_code VARCHAR(40) NOT NULL,
    value SMALLINT NOT NULL,
    CONSTRAINT pk_answers PRIMARY KEY (response_id, item_code),
    CONSTRAINT ck_answers_value_range CHECK (value >= 1 AND value <= 9),
    CONSTRAINT fk_answers_response_id_responses FOREIGN KEY(response_id)
        REFERENCES responses (id) ON DELETE CASCADE
){suffix}"""


def _rebuild_answers(suffix: str) -> None:
    # env.py turns foreign keys off on SQLite while migrating: dropping the old table must not
    # cascade, and nothing references answers.
    op.execute(ANSWERS_DDL.format(suffix=suffix))
    op.execute("INSERT INTO answers_new (response_id, item_code, value) "
               "SELECT response_id, item_code, value FROM answers")
    op.execute("DROP TABLE answers")
    op.execute("ALTER TABLE answers_new RENAME TO answers")


def upgrade() -> None:
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("label_style", sa.String(length=32), nullable=True))
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_answers(" WITHOUT ROWID")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_answers("")
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.drop_column("label_style")
