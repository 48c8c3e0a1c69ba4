"""import batches, saved form-export mappings, unit groups

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 14:00:00

`import_batches` records every imported file (its SHA-256, who imported it, when, how many rows,
for which unit) and `responses.import_batch_id` links each imported response to it.
`import_mappings` keeps a unit's column-to-element mapping of a Google Forms or spreadsheet export,
saved once per unit and instrument; `import_uploads` holds a file uploaded on the staff
import page between its preview and the confirmation. `unit_groups` / `unit_group_members`
define sets of units that are not a subtree (a Mal Pelayanan Publik's tenants), reported
together.
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "import_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("instrument_slug", sa.String(length=32), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("imported_by", sa.String(length=254), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("batch_key", sa.String(length=36), nullable=False),
        sa.CheckConstraint("rows >= 0", name=op.f("ck_import_batches_rows")),
        sa.CheckConstraint("kind IN ('paper', 'form')", name=op.f("ck_import_batches_kind")),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"],
                                name=op.f("fk_import_batches_unit_id_units"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_batches")),
        sa.UniqueConstraint("batch_key", name=op.f("uq_import_batches_batch_key")),
    )
    op.create_index(op.f("ix_import_batches_unit_id"), "import_batches", ["unit_id"])
    op.create_index(op.f("ix_import_batches_file_sha256"), "import_batches", ["file_sha256"])
    op.create_table(
        "import_mappings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("instrument_slug", sa.String(length=32), nullable=False),
        sa.Column("mapping", sa.Text(), nullable=False),
        sa.Column("updated_by", sa.String(length=254), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"],
                                name=op.f("fk_import_mappings_unit_id_units"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_mappings")),
        sa.UniqueConstraint("unit_id", "instrument_slug",
                            name="uq_import_mappings_unit_instrument"),
    )
    op.create_table(
        "import_uploads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=36), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("instrument_slug", sa.String(length=32), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("uploaded_by", sa.String(length=254), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"],
                                name=op.f("fk_import_uploads_unit_id_units"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_uploads")),
        sa.UniqueConstraint("key", name=op.f("uq_import_uploads_key")),
    )
    op.create_index(op.f("ix_import_uploads_unit_id"), "import_uploads", ["unit_id"])
    op.create_table(
        "unit_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit_groups")),
        sa.UniqueConstraint("code", name=op.f("uq_unit_groups_code")),
    )
    op.create_table(
        "unit_group_members",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["group_id"], ["unit_groups.id"],
                                name=op.f("fk_unit_group_members_group_id_unit_groups"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"],
                                name=op.f("fk_unit_group_members_unit_id_units"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("group_id", "unit_id", name=op.f("pk_unit_group_members")),
    )
    op.create_index(op.f("ix_unit_group_members_unit_id"), "unit_group_members", ["unit_id"])
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("import_batch_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_responses_import_batch_id_import_batches"), "import_batches",
            ["import_batch_id"], ["id"], ondelete="SET NULL")
        batch_op.create_index(batch_op.f("ix_responses_import_batch_id"), ["import_batch_id"])


def downgrade() -> None:
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_responses_import_batch_id"))
        batch_op.drop_constraint(batch_op.f("fk_responses_import_batch_id_import_batches"),
                                 type_="foreignkey")
        batch_op.drop_column("import_batch_id")
    op.drop_index(op.f("ix_unit_group_members_unit_id"), table_name="unit_group_members")
    op.drop_table("unit_group_members")
    op.drop_table("unit_groups")
    op.drop_index(op.f("ix_import_uploads_unit_id"), table_name="import_uploads")
    op.drop_table("import_uploads")
    op.drop_table("import_mappings")
    op.drop_index(op.f("ix_import_batches_file_sha256"), table_name="import_batches")
    op.drop_index(op.f("ix_import_batches_unit_id"), table_name="import_batches")
    op.drop_table("import_batches")
