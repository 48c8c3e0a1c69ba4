"""kiosks; responses may come from a kiosk

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 12:00:00

`kiosks` holds counter tablets: the digest of a one-time enrolment token, then the digest of the
credential the enrolled browser keeps, the counter it is bound to, its last contact and the
answers it said were waiting on the device. `responses.source` (the channel) gains `kiosk`.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def _source_check(channels: str) -> None:
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_responses_source"), type_="check")
        batch_op.create_check_constraint("source", f"source IN ({channels})")


def upgrade() -> None:
    op.create_table(
        "kiosks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("counter_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("enrol_hash", sa.String(length=64), nullable=True),
        sa.Column("enrol_expires_at", sa.DateTime(), nullable=True),
        sa.Column("key_hash", sa.String(length=64), nullable=True),
        sa.Column("idle_seconds", sa.SmallInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("enrolled_at", sa.DateTime(), nullable=True),
        sa.Column("last_seen_at", sa.DateTime(), nullable=True),
        sa.Column("queued", sa.Integer(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("idle_seconds >= 15 AND idle_seconds <= 3600",
                           name=op.f("ck_kiosks_idle_seconds")),
        sa.CheckConstraint("queued >= 0", name=op.f("ck_kiosks_queued")),
        sa.ForeignKeyConstraint(["counter_id"], ["counters.id"],
                                name=op.f("fk_kiosks_counter_id_counters"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kiosks")),
        sa.UniqueConstraint("enrol_hash", name=op.f("uq_kiosks_enrol_hash")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_kiosks_key_hash")),
    )
    op.create_index(op.f("ix_kiosks_counter_id"), "kiosks", ["counter_id"], unique=False)
    _source_check("'web', 'kiosk', 'paper'")


def downgrade() -> None:
    # The older schema cannot hold a kiosk response: going back drops them (with their answers).
    op.execute("DELETE FROM responses WHERE source = 'kiosk'")
    _source_check("'web', 'paper'")
    op.drop_index(op.f("ix_kiosks_counter_id"), table_name="kiosks")
    op.drop_table("kiosks")
