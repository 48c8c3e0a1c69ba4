"""wbs: channels, officers, encrypted reports, messages, files, append-only audit

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 22:22:54.545930

Adds role 'wbs_officer' to the users role check. The audit table gets triggers that refuse UPDATE
and DELETE (and TRUNCATE on PostgreSQL). On SQLite a later batch_alter_table("wbs_audit") copies
the table and drops its triggers: such a migration must create them again (see AUDIT_TRIGGERS).
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

OLD_ROLES = "role IN ('admin', 'unit_admin', 'analyst')"
NEW_ROLES = "role IN ('admin', 'unit_admin', 'analyst', 'wbs_officer')"
CATEGORIES = (
    "category IN ('korupsi', 'suap', 'gratifikasi', 'pungli', 'penggelapan', 'kecurangan', "
    "'benturan_kepentingan', 'penyalahgunaan_wewenang', 'disiplin', 'percaloan', 'kkn', "
    "'lainnya')"
)
STATUSES = (
    "status IN ('new', 'verification', 'need_info', 'investigation', 'closed_proven', "
    "'closed_not_proven', 'closed_not_eligible', 'forwarded_apip', 'forwarded_aph', "
    "'forwarded_kpk', 'forwarded_ombudsman')"
)
AUDIT_TRIGGERS = {
    "sqlite": [
        "CREATE TRIGGER wbs_audit_no_update BEFORE UPDATE ON wbs_audit "
        "BEGIN SELECT RAISE(ABORT, 'wbs_audit is append-only'); END",
        "CREATE TRIGGER wbs_audit_no_delete BEFORE DELETE ON wbs_audit "
        "BEGIN SELECT RAISE(ABORT, 'wbs_audit is append-only'); END",
    ],
    "postgresql": [
        "CREATE FUNCTION wbs_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'wbs_audit is append-only'; END $$",
        "CREATE TRIGGER wbs_audit_append_only BEFORE UPDATE OR DELETE ON wbs_audit "
        "FOR EACH ROW EXECUTE FUNCTION wbs_audit_append_only()",
        "CREATE TRIGGER wbs_audit_no_truncate BEFORE TRUNCATE ON wbs_audit "
        "FOR EACH STATEMENT EXECUTE FUNCTION wbs_audit_append_only()",
    ],
}


def _id() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column("id", sa.Integer(), nullable=False)


def _fk(column: str, target: str, table: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_users_role"), type_="check")
        batch_op.create_check_constraint(op.f("ck_users_role"), NEW_ROLES)

    op.create_table(
        "wbs_audit",
        _id(),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=True),
        sa.Column("channel_id", sa.Integer(), nullable=True),
        sa.Column("report_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("detail", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wbs_audit")),
    )
    op.create_index(op.f("ix_wbs_audit_channel_id"), "wbs_audit", ["channel_id"])
    op.create_index(op.f("ix_wbs_audit_report_id"), "wbs_audit", ["report_id"])
    for statement in AUDIT_TRIGGERS.get(op.get_bind().dialect.name, []):
        op.execute(statement)

    op.create_table(
        "wbs_channels",
        _id(),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("public_key", sa.LargeBinary(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        _fk("unit_id", "units", "wbs_channels", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wbs_channels")),
        sa.UniqueConstraint("unit_id", name=op.f("uq_wbs_channels_unit_id")),
    )
    op.create_table(
        "wbs_officers",
        _id(),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("key_salt", sa.LargeBinary(length=16), nullable=False),
        sa.Column("wrapped_key", sa.LargeBinary(length=128), nullable=False),
        sa.Column("totp_secret", sa.LargeBinary(length=128), nullable=False),
        sa.Column("totp_last_step", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        _fk("channel_id", "wbs_channels", "wbs_officers", "CASCADE"),
        _fk("user_id", "users", "wbs_officers", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wbs_officers")),
        sa.UniqueConstraint("user_id", name=op.f("uq_wbs_officers_user_id")),
    )
    op.create_index(op.f("ix_wbs_officers_channel_id"), "wbs_officers", ["channel_id"])

    op.create_table(
        "wbs_reports",
        _id(),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("lookup_id", sa.String(length=64), nullable=False),
        sa.Column("receipt_key", sa.LargeBinary(length=128), nullable=False),
        sa.Column("channel_key", sa.LargeBinary(length=128), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("contact", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(), nullable=True),
        sa.Column("verified_at", sa.DateTime(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("ack_due", sa.Date(), nullable=False),
        sa.Column("verify_due", sa.Date(), nullable=False),
        sa.Column("resolve_due", sa.Date(), nullable=False),
        sa.CheckConstraint(CATEGORIES, name=op.f("ck_wbs_reports_category")),
        sa.CheckConstraint(STATUSES, name=op.f("ck_wbs_reports_status")),
        _fk("assignee_id", "wbs_officers", "wbs_reports", "SET NULL"),
        _fk("channel_id", "wbs_channels", "wbs_reports", "CASCADE"),
        _fk("unit_id", "units", "wbs_reports", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wbs_reports")),
        sa.UniqueConstraint("lookup_id", name=op.f("uq_wbs_reports_lookup_id")),
    )
    op.create_index("ix_wbs_reports_queue", "wbs_reports", ["channel_id", "status", "created_at"])
    op.create_index(op.f("ix_wbs_reports_unit_id"), "wbs_reports", ["unit_id"])

    op.create_table(
        "wbs_sessions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=False),
        sa.Column("sealed_key", sa.LargeBinary(length=128), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        _fk("officer_id", "wbs_officers", "wbs_sessions", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wbs_sessions")),
    )
    op.create_index(op.f("ix_wbs_sessions_officer_id"), "wbs_sessions", ["officer_id"])

    op.create_table(
        "wbs_files",
        _id(),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("original_name", sa.String(length=64), nullable=False),
        sa.Column("working_name", sa.String(length=64), nullable=True),
        sa.Column("meta", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        _fk("report_id", "wbs_reports", "wbs_files", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wbs_files")),
    )
    op.create_index(op.f("ix_wbs_files_report_id"), "wbs_files", ["report_id"])

    op.create_table(
        "wbs_messages",
        _id(),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(length=16), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=True),
        sa.Column("is_internal", sa.Boolean(), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "author = 'officer' OR NOT is_internal",
            name=op.f("ck_wbs_messages_internal_by_officer"),
        ),
        sa.CheckConstraint(
            "author IN ('reporter', 'officer')", name=op.f("ck_wbs_messages_author")
        ),
        _fk("officer_id", "wbs_officers", "wbs_messages", "SET NULL"),
        _fk("report_id", "wbs_reports", "wbs_messages", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wbs_messages")),
    )
    op.create_index(op.f("ix_wbs_messages_report_id"), "wbs_messages", ["report_id"])


def downgrade() -> None:
    for table in ("wbs_messages", "wbs_files", "wbs_sessions", "wbs_reports", "wbs_officers",
                  "wbs_channels", "wbs_audit"):
        op.drop_table(table)  # dropping a table drops its indexes and triggers
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS wbs_audit_append_only()")
    op.execute("DELETE FROM users WHERE role = 'wbs_officer'")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_users_role"), type_="check")
        batch_op.create_check_constraint(op.f("ck_users_role"), OLD_ROLES)
