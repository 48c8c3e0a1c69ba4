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
    # whose item cross-products (rollup_cross) Cronbach's alpha reads.
    complete: Mapped[bool] = mapped_column(Boolean)
    responses: Mapped[int] = mapped_column(BigInteger)
    score_sum: Mapped[int] = mapped_column(BigInteger)  # sum of answer_sum
    score_sq: Mapped[int] = mapped_column(BigInteger)  # sum of answer_sum squared

    __table_args__ = (
        Index("uq_rollup_cells_key", "unit_id", "grain", "day", "service_id", "counter_id",
              "version_id", "source", "quarantined", "answer_count", unique=True),
    )


class RollupAnswer(Base):
    """Answers per element and value in a cell."""

    __tablename__ = "rollup_answers"

    cell_id: Mapped[int] = mapped_column(primary_key=True)  # rollup_cells.id
    item_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    n: Mapped[int] = mapped_column(BigInteger)


class RollupProfile(Base):
    """Respondents per profile field and code (age as its band; '-' for not given)."""

    __tablename__ = "rollup_profile"

    cell_id: Mapped[int] = mapped_column(primary_key=True)  # rollup_cells.id
    field: Mapped[str] = mapped_column(String(16), primary_key=True)
    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    n: Mapped[int] = mapped_column(BigInteger)


class RollupCross(Base):
    """In a complete month cell: the sum of x_a * x_b over its responses for each pair of
    elements (a <= b), and on the diagonal (a == b) also the sum of x_a: what alpha needs.
    Kept per month only (45 rows per cell for nine elements would outnumber a day's answers);
    alpha over a range with loose days reads the answers."""

    __tablename__ = "rollup_cross"

    cell_id: Mapped[int] = mapped_column(primary_key=True)  # rollup_cells.id
    item_a: Mapped[str] = mapped_column(String(40), primary_key=True)
    item_b: Mapped[str] = mapped_column(String(40), primary_key=True)
    sum_a: Mapped[int] = mapped_column(BigInteger)
    sum_ab: Mapped[int] = mapped_column(BigInteger)
