"""letterheads (logo in the database); hasil inputs gain TLHP and the survey conversion

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 14:10:00

`letterheads` holds a unit's kop surat and signatory; the logo is stored in the row (re-encoded
PNG or JPEG) so that every app server prints the same one. `hasil_inputs.tlhp` is the percentage
of audit findings followed up (PermenPAN-RB 52/2014's "bersih dan bebas KKN" indicator) and
`hasil_inputs.conversion` the chosen conversion of a 1..4 survey index to its points.
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "letterheads",
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("agency", sa.String(length=200), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("place", sa.String(length=100), nullable=False),
        sa.Column("head_title", sa.String(length=200), nullable=False),
        sa.Column("head_name", sa.String(length=200), nullable=False),
        sa.Column("head_nip", sa.String(length=32), nullable=False),
        sa.Column("logo", sa.LargeBinary(), nullable=True),
        sa.Column("logo_type", sa.String(length=16), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("(logo IS NULL) = (logo_type IS NULL)",
                           name=op.f("ck_letterheads_logo_with_type")),
        sa.CheckConstraint("logo_type IS NULL OR logo_type IN ('image/png', 'image/jpeg')",
                           name=op.f("ck_letterheads_logo_type")),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"],
                                name=op.f("fk_letterheads_unit_id_units"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("unit_id", name=op.f("pk_letterheads")),
    )
    with op.batch_alter_table("hasil_inputs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("tlhp", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("conversion", sa.String(length=16), nullable=True))
        batch_op.create_check_constraint("tlhp_percent",
                                         "tlhp IS NULL OR (tlhp >= 0 AND tlhp <= 100)")


def downgrade() -> None:
    with op.batch_alter_table("hasil_inputs", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_hasil_inputs_tlhp_percent"), type_="check")
        batch_op.drop_column("conversion")
        batch_op.drop_column("tlhp")
    op.drop_table("letterheads")
