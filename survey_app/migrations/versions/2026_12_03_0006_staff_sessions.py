"""staff sessions kept on the server

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 10:20:00

A staff login is a `staff_sessions` row (BLAKE2b of a random token held in the signed session
cookie, the account, an absolute expiry 8 hours after login), looked up on every request and
deleted at logout. Before this revision the cookie alone was the login, valid for 31 days even
after logout. Staff logged in before the upgrade must log in again.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "staff_sessions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_staff_sessions_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_sessions")),
    )
    op.create_index(op.f("ix_staff_sessions_user_id"), "staff_sessions", ["user_id"])


def downgrade() -> None:
    op.drop_table("staff_sessions")  # dropping a table drops its index
