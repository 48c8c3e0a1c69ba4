"""Survey integrity: signals that figures were inflated, over plain response records.

Each signal takes :class:`Response` records (or a :class:`ResponseTable` built from them once)
and returns :class:`Flag` objects with a stable ``kind``, the service and counter, the first and
last covered response time, the covered ids and a machine-readable ``detail``:

========================== =================================================================
kind                       flagged when (defaults)
========================== =================================================================
``burst``                  > 18 responses in 15 min at a counter (one a minute + 25 %) AND
                           Poisson tail at its busy-hour rate (90th percentile of its
                           active hours) < 1e-6
``outside_hours``          >= 10 web/kiosk responses at a counter in one night or closed day
                           (15 min grace after closing, 5 h for web answers)
``near_duplicates``        a counter-day's cluster of >= 5 responses differing in <= 1 of the
                           answers + profile fields, binomial tail against the service's own
                           pattern frequency x n < 1e-6
``straight_lining``        a counter-day's >= 5 all-same rows, binomial tail against the
                           service's own straight-line share < 1e-6
``fast_completion``        >= 3 responses at a counter in a day faster than web 15 s / kiosk 10 s
``bulk_import``            a paper batch whose value distribution differs from web/kiosk
                           (chi-square per respondent p < 1e-6 AND Cramér's V >= 0.3), or with
                           more rows on a service-day than open minutes x counters x 1.25
``rate_above_transactions`` responses on a service-day > services delivered that day
``nrr_jump``               a counter-week's mean score >= 0.3 above its own history, one-sided
                           Welch p x weeks tested < 0.001
========================== =================================================================

False-positive rate on clean synthetic data (:mod:`analysis.integrity.synthetic`): 0 of 50,000
responses under any flag (5,000 responses, 4 counters, 5 weeks, seeds 1-5, a liked and an
average unit; ``tests/analysis/test_integrity_clean.py`` requires at least 98 % unflagged), and
0 of 200,000 and of 1,000,000 in ``benchmarks/integrity_signals.py`` (16 and 78 counters, one
year). The closest clean data came to a threshold, over the ten 5,000-response sets: straight
lines p = 0.0017 and near-duplicates p = 0.0048 (threshold 1e-6), the Poisson part of a burst
p = 8e-6 with the capacity part switched off (11 responses in the busiest 15-minute window,
capacity 18), NRR jump p = 0.039 even with no minimum effect (threshold 0.001), Cramér's V of a
paper batch 0.062 (threshold 0.3), at most one fast response per counter-day (threshold 3) and
one outside-hours response per counter-night (threshold 10).

The app loads a unit's responses for a period, calls :func:`check_all` and
:func:`integrity_summary`, and words each flag's ``kind`` and ``detail`` in the reader's
language.
"""

from .drift import nrr_jump
from .model import (
    CHANNELS,
    DEFAULT_WEEK,
    DURATION_BUCKETS,
    KINDS,
    Flag,
    OpeningHours,
    Response,
    duration_bucket,
)
from .paper import BatchSummary, batch_summaries, bulk_import
from .patterns import fast_completion, near_duplicates, straight_lining
from .summary import IntegritySummary, check_all, flag_json, integrity_summary
from .table import ResponseTable, build_table, table_from_columns
from .volume import bursts, outside_hours, rate_above_transactions

__all__ = [
    "CHANNELS",
    "DEFAULT_WEEK",
    "DURATION_BUCKETS",
    "KINDS",
    "BatchSummary",
    "Flag",
    "IntegritySummary",
    "OpeningHours",
    "Response",
    "ResponseTable",
    "batch_summaries",
    "build_table",
    "bulk_import",
    "bursts",
    "check_all",
    "duration_bucket",
    "fast_completion",
    "flag_json",
    "integrity_summary",
    "near_duplicates",
    "nrr_jump",
    "outside_hours",
    "rate_above_transactions",
    "straight_lining",
    "table_from_columns",
]
