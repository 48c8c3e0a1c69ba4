"""publication scopes (unit, unit with sub-units, unit group) and group owners

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 17:00:00

`publications.scope` says what a publication covers: "unit" (every row published before this
migration: one unit, or one of its services), "subtree" (a unit's combined index over it and every
unit below it) or "group" (a unit group's combined index; `group_id` names the group and
`unit_id` is NULL). The partial unique indexes of migration 0009 (one row per revision, one
current revision per scope) take the scope in: the whole-unit pair gains the `scope` column and
leaves group rows out, and a pair keyed on `group_id` covers groups. `unit_groups.owner_unit_id`
names the unit that runs a group.
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

PERIOD = ["instrument_slug", "period_from", "period_to"]
OLD = {"_unit": (["unit_id"], "service_id IS NULL")}
NEW = {"_unit": (["unit_id", "scope"], "service_id IS NULL AND scope <> 'group'"),
       "_group": (["group_id"], "scope = 'group'")}


def _indexes(keys: dict[str, tuple[list[str], str]], create: bool) -> None:
    for name, extra, flag in (("uq_publications_revision", ["revision"], None),
                              ("uq_publications_current", [], "is_current")):
        for suffix, (owner, where) in keys.items():
            if not create:
                op.drop_index(name + suffix, table_name="publications")
                continue
            condition = sa.text(f"{where} AND {flag}" if flag else where)
            op.create_index(name + suffix, "publications", [*owner, *PERIOD, *extra],
                            unique=True, sqlite_where=condition, postgresql_where=condition)


def upgrade() -> None:
    _indexes(OLD, create=False)
    with op.batch_alter_table("unit_groups", schema=None) as batch_op:
        batch_op.add_column(sa.Column("owner_unit_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_unit_groups_owner_unit_id_units"), "units",
                                    ["owner_unit_id"], ["id"], ondelete="SET NULL")
        batch_op.create_index(batch_op.f("ix_unit_groups_owner_unit_id"), ["owner_unit_id"])
    with op.batch_alter_table("publications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("scope", sa.String(length=8), nullable=False,
                                      server_default="unit"))
        batch_op.add_column(sa.Column("group_id", sa.Integer(), nullable=True))
        batch_op.alter_column("unit_id", existing_type=sa.Integer(), nullable=True)
        batch_op.create_foreign_key(batch_op.f("fk_publications_group_id_unit_groups"),
                                    "unit_groups", ["group_id"], ["id"], ondelete="RESTRICT")
        batch_op.create_index(batch_op.f("ix_publications_group_id"), ["group_id"])
        batch_op.create_check_constraint(
            op.f("ck_publications_scope"), "scope IN ('unit', 'subtree', 'group')")
        batch_op.create_check_constraint(
            op.f("ck_publications_scope_owner"),
            "(scope = 'group' AND group_id IS NOT NULL AND unit_id IS NULL) OR "
            "(scope <> 'group' AND group_id IS NULL AND unit_id IS NOT NULL)")
        batch_op.create_check_constraint(op.f("ck_publications_scope_service"),
                                         "scope = 'unit' OR service_id IS NULL")
    _indexes(NEW, create=True)


def downgrade() -> None:
    _indexes(NEW, create=False)
    # Combined publications have no place in the older schema.
    op.execute("DELETE FROM publications WHERE scope <> 'unit'")
    with op.batch_alter_table("publications", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_publications_scope_service"), type_="check")
        batch_op.drop_constraint(op.f("ck_publications_scope_owner"), type_="check")
        batch_op.drop_constraint(op.f("ck_publications_scope"), type_="check")
        batch_op.drop_index(batch_op.f("ix_publications_group_id"))
        batch_op.drop_constraint(batch_op.f("fk_publications_group_id_unit_groups"),
                                 type_="foreignkey")
        batch_op.alter_column("unit_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("group_id")
        batch_op.drop_column("scope")
    with op.batch_alter_table("unit_groups", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_unit_groups_owner_unit_id"))
        batch_op.drop_constraint(batch_op.f("fk_unit_groups_owner_unit_id_units"),
                                 type_="foreignkey")
        batch_op.drop_column("owner_unit_id")
    _indexes(OLD, create=True)
