"""Roll-ups: per-day and per-month aggregates of the responses, kept in the same transaction as
every write that changes responses (survey_app/rollups/), so results read a few thousand rows
instead of every answer.

A cell is one combination of the dimensions a result filters or groups by: grain (day or month
of the unit's local calendar), unit, service, counter (0: none), instrument version, channel,
quarantined or not, and the number of answered elements (so the respondent-score moments stay
exact integers: a respondent's score is answer_sum / answer_count). Every measure is an integer
count or sum, so any set of cells adds up to exactly what the raw answers give.

The child tables name their cell without a foreign key: a rebuild writes tens of millions of
child rows, and a per-row key check doubled its time. Cells and children are written and
deleted only by survey_app/rollups/, which deletes a cell's children with it.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, Index, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base

DAY, MONTH = 1, 2  # RollupCell.grain
NO_COUNTER = 0  # RollupCell.counter_id of a response without a counter (a key cannot be NULL)


class RollupCell(Base):
    """Counts and score sums of the responses of one cell."""

    __tablename__ = "rollup_cells"

    id: Mapped[int] = mapped_column(primary_key=True)
    grain: Mapped[int] = mapped_column(SmallInteger)
    day: Mapped[date] = mapped_column(Date)  # the local day, or the month's first day
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    service_id: Mapped[int] = mapped_column(BigInteger)
    counter_id: Mapped[int] = mapped_column(BigInteger)
    version_id: Mapped[int] = mapped_column(BigInteger)
    source: Mapped[str] = mapped_column(String(8))
    quarantined: Mapped[bool] = mapped_column(Boolean)
    answer_count: Mapped[int] = mapped_column(SmallInteger)
    # Whether these responses answered every element of their instrument version: the cells
    # Cronbach's alpha reads.
    complete: Mapped[bool] = mapped_column(Boolean)
    responses: Mapped[int] = mapped_column(BigInteger)
    score_sum: Mapped[int] = mapped_column(BigInteger)  # sum of answer_sum
    score_sq: Mapped[int] = mapped_column(BigInteger)  # sum of answer_sum squared

    __table_args__ = (
        Index("uq_rollup_cells_key", "unit_id", "grain", "day", "service_id", "counter_id",
              "version_id", "source", "quarantined", "answer_count", unique=True),
    )


VALUES = range(10)  # every value an instrument scale can hold (instruments.schema: 0..9)


class RollupItem(Base):
    """Answers to one element in a cell: how many gave each value (n0..n9), and the sum over
    them of value x the respondent's answer_sum (`xt`). In a complete cell `xt` is the
    element's cross-product with the total score, which with the counts (item sums and squares)
    and the cell's score moments is all Cronbach's alpha and the item-total correlations need
    (analysis.reliability_from_item_totals): nine rows a cell, not 45 pairs."""

    __tablename__ = "rollup_items"

    cell_id: Mapped[int] = mapped_column(primary_key=True)  # rollup_cells.id
    item_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    n0: Mapped[int] = mapped_column(BigInteger, server_default="0")
    n1: Mapped[int] = mapped_column(BigInteger, server_default="0")
    n2: Mapped[int] = mapped_column(BigInteger, server_default="0")
    n3: Mapped[int] = mapped_column(BigInteger, server_default="0")
    n4: Mapped[int] = mapped_column(BigInteger, server_default="0")
    n5: Mapped[int] = mapped_column(BigInteger, server_default="0")
    n6: Mapped[int] = mapped_column(BigInteger, server_default="0")
    n7: Mapped[int] = mapped_column(BigInteger, server_default="0")
    n8: Mapped[int] = mapped_column(BigInteger, server_default="0")
    n9: Mapped[int] = mapped_column(BigInteger, server_default="0")
    xt: Mapped[int] = mapped_column(BigInteger, server_default="0")


class RollupProfile(Base):
    """Respondents per profile field and code (age as its band; '-' for not given)."""

    __tablename__ = "rollup_profile"

    cell_id: Mapped[int] = mapped_column(primary_key=True)  # rollup_cells.id
    field: Mapped[str] = mapped_column(String(16), primary_key=True)
    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    n: Mapped[int] = mapped_column(BigInteger)
