"""Pure survey computations: indices, sampling, intervals, reliability, change, priorities.

Nothing here imports Flask, SQLAlchemy or the app (``tests/analysis/test_purity.py`` enforces
it): inputs are plain aggregates a query can return, outputs small frozen dataclasses.
"""

from . import integrity as integrity  # survey integrity signals: analysis.integrity.check_all
from .change import ChangeTest, change_test, change_test_from_sums
from .index import (
    IKM_CATEGORIES,
    Category,
    ElementStat,
    IndexResult,
    Weights,
    classify,
    compute_index,
    round_half_up,
    zi_basis,
)
from .intervals import mean_ci, mean_sd
from .priorities import follow_up_priorities
from .reliability import (
    Reliability,
    interpret_alpha,
    reliability_from_item_totals,
    reliability_from_moments,
    reliability_from_rows,
)
from .sampling import SampleCheck, krejcie_morgan, sample_check

__all__ = [
    "IKM_CATEGORIES",
    "Category",
    "ChangeTest",
    "ElementStat",
    "IndexResult",
    "Reliability",
    "SampleCheck",
    "Weights",
    "change_test",
    "change_test_from_sums",
    "classify",
    "compute_index",
    "follow_up_priorities",
    "interpret_alpha",
    "krejcie_morgan",
    "mean_ci",
    "mean_sd",
    "reliability_from_item_totals",
    "reliability_from_moments",
    "reliability_from_rows",
    "round_half_up",
    "sample_check",
    "zi_basis",
]
