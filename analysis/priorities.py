"""Follow-up priorities (rencana tindak lanjut): the elements with the lowest NRR come first.

References
----------
PermenPAN-RB No. 14 Tahun 2017, Lampiran (tindak lanjut hasil survei); the ZI monitoring asks for
the two lowest elements.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

from .index import ElementStat

__all__ = ["follow_up_priorities"]


def follow_up_priorities(elements: Sequence[ElementStat], count: int = 2) -> list[ElementStat]:
    """The ``count`` answered elements with the lowest NRR, lowest first.

    Ties keep the display order of ``elements`` (the sort is stable); elements nobody answered
    (``nrr is None``) are skipped, so fewer than ``count`` may come back. NRRs are compared
    unrounded: two elements that both display as 3.10 may still be ranked.

    Parameters
    ----------
    elements : sequence of ElementStat
        Usually ``IndexResult.elements``, in display order.
    count : int
        How many to return (>= 0); 2 by default.
    """
    if isinstance(count, bool) or not isinstance(count, numbers.Integral) or count < 0:
        raise ValueError(f"count must be a whole number >= 0, got {count!r}")
    answered = [e for e in elements if e.nrr is not None]
    return sorted(answered, key=lambda e: e.nrr if e.nrr is not None else 0.0)[: int(count)]
