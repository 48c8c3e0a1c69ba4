"""survey integrity: audit log, opening hours, services delivered, quarantine, publication digests

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 14:00:00

`responses.duration_bucket` holds the completion time (form shown -> form sent) as the lower
bound of its coarse bucket, never the exact time. `integrity_audit` is append-only: triggers
refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL); a later batch_alter_table on SQLite
copies the table and drops them, so such a migration must create them again (AUDIT_TRIGGERS).
Publications get a digest chained to the previous revision, whether quarantined responses were
left out, and unique partial indexes: one row per scope and revision, one current revision per
scope (a NULL service, the whole unit, is a scope of its own).
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

AUDIT_TRIGGERS = {
    "sqlite": [
        "CREATE TRIGGER integrity_audit_no_update BEFORE UPDATE ON integrity_audit "
        "BEGIN SELECT RAISE(ABORT, 'integrity_audit is append-only'); END",
        "CREATE TRIGGER integrity_audit_no_delete BEFORE DELETE ON integrity_audit "
        "BEGIN SELECT RAISE(ABORT, 'integrity_audit is append-only'); END",
    ],
    "postgresql": [
        "CREATE FUNCTION integrity_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'integrity_audit is append-only'; END $$",
        "CREATE TRIGGER integrity_audit_append_only BEFORE UPDATE OR DELETE ON integrity_audit "
        "FOR EACH ROW EXECUTE FUNCTION integrity_audit_append_only()",
        "CREATE TRIGGER integrity_audit_no_truncate BEFORE TRUNCATE ON integrity_audit "
        "FOR EACH STATEMENT EXECUTE FUNCTION integrity_audit_append_only()",
    ],
}
SCOPE = ["unit_id", "instrument_slug", "period_from", "period_to"]


def _partial(name: str, columns: list[str], where: str) -> None:
    condition = sa.text(where)
    op.create_index(name, "publications", columns, unique=True,
                    sqlite_where=condition, postgresql_where=condition)


def upgrade() -> None:
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("duration_bucket", sa.SmallInteger(), nullable=True))

    op.create_table(
        "integrity_audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=254), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_integrity_audit")),
    )
    op.create_index(op.f("ix_integrity_audit_unit_id"), "integrity_audit", ["unit_id"])
    for statement in AUDIT_TRIGGERS.get(op.get_bind().dialect.name, []):
        op.execute(statement)

    op.create_table(
        "unit_opening_hours",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.SmallInteger(), nullable=False),
        sa.Column("opens", sa.SmallInteger(), nullable=False),
        sa.Column("closes", sa.SmallInteger(), nullable=False),
        sa.CheckConstraint("weekday >= 0 AND weekday <= 6",
                           name=op.f("ck_unit_opening_hours_weekday")),
        sa.CheckConstraint("opens >= 0 AND opens < closes AND closes <= 1440",
                           name=op.f("ck_unit_opening_hours_interval")),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"],
                                name=op.f("fk_unit_opening_hours_unit_id_units"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit_opening_hours")),
    )
    op.create_index(op.f("ix_unit_opening_hours_unit_id"), "unit_opening_hours", ["unit_id"])

    op.create_table(
        "service_transactions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("delivered", sa.Integer(), nullable=False),
        sa.CheckConstraint("delivered >= 0", name=op.f("ck_service_transactions_delivered")),
        sa.ForeignKeyConstraint(["service_id"], ["services.id"],
                                name=op.f("fk_service_transactions_service_id_services"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_transactions")),
        sa.UniqueConstraint("service_id", "day", name="uq_service_transactions_service_day"),
    )

    op.create_table(
        "response_quarantine",
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=True),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["response_id"], ["responses.id"],
                                name=op.f("fk_response_quarantine_response_id_responses"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["by_id"], ["users.id"],
                                name=op.f("fk_response_quarantine_by_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("response_id", name=op.f("pk_response_quarantine")),
    )

    with op.batch_alter_table("publications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("digest", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("prev_digest", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("excludes_quarantined", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.create_unique_constraint(op.f("uq_publications_digest"), ["digest"])
    _partial("uq_publications_revision_unit", [*SCOPE, "revision"], "service_id IS NULL")
    _partial("uq_publications_revision_service", [*SCOPE, "service_id", "revision"],
             "service_id IS NOT NULL")
    _partial("uq_publications_current_unit", SCOPE, "service_id IS NULL AND is_current")
    _partial("uq_publications_current_service", [*SCOPE, "service_id"],
             "service_id IS NOT NULL AND is_current")


def downgrade() -> None:
    for name in ("uq_publications_current_service", "uq_publications_current_unit",
                 "uq_publications_revision_service", "uq_publications_revision_unit"):
        op.drop_index(name, table_name="publications")
    with op.batch_alter_table("publications", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("uq_publications_digest"), type_="unique")
        batch_op.drop_column("excludes_quarantined")
        batch_op.drop_column("prev_digest")
        batch_op.drop_column("digest")
    op.drop_table("response_quarantine")
    op.drop_table("service_transactions")
    op.drop_index(op.f("ix_unit_opening_hours_unit_id"), table_name="unit_opening_hours")
    op.drop_table("unit_opening_hours")
    op.drop_table("integrity_audit")  # dropping a table drops its indexes and triggers
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS integrity_audit_append_only()")
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.drop_column("duration_bucket")
