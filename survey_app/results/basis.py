"""How a result was computed, as the CLI and the exports label it: weights and conversion.

PermenPAN-RB 14/2017 converts a 1..4 index by x 25 and classifies it with its own table. For the
6-point instruments (SPAK, SPKP) no official rule was found: the converted value is
index / 6 x 100 and the IKM bounds are used by analogy, so both are labelled as derived wherever
they are shown. The 0.111 weights are a compatibility mode for reproducing old reports.
Exports print Bahasa Indonesia with short English glosses; pages use gettext.
"""

from __future__ import annotations

import math

from analysis import Weights

OFFICIAL_SCALE_MAX = 4  # the regulation's scale; anything else is converted by analogy
COMPAT = Weights.COMPAT  # the exports' name for it

COMPAT_NOTE = ("Bobot 0,111 per unsur: mode kompatibilitas, hanya untuk mereproduksi laporan "
               "lama; nilai sempurna menjadi 99,90 (compatibility weights 0.111, for reproducing "
               "old reports only).")
DECLARED_NOTE = ("Bobot unsur dari berkas instrumen, dinormalkan ulang atas unsur yang dijawab "
                 "(weights declared by the instrument, renormalised over the answered elements).")
COMPAT_SHORT = "Bobot 0,111: mode kompatibilitas laporan lama (nilai maks. 99,90)"


def conversion_derived(scale_max: int) -> bool:
    """True when the converted value and its category have no official basis (not 1..4)."""
    return scale_max != OFFICIAL_SCALE_MAX


def _is_ratio(scale_max: int, factor: float) -> bool:
    return math.isclose(factor, 100 / scale_max, rel_tol=0.0, abs_tol=1e-12)


def _number(x: float) -> str:
    return f"{x:g}" if float(x).is_integer() else repr(float(x))


def conversion_formula(index_cell: str, scale_max: int, factor: float) -> str:
    """The converted value as a spreadsheet formula: `=B2*25`, `=B2/6*100` for 100/6."""
    if conversion_derived(scale_max) and _is_ratio(scale_max, factor):
        return f"={index_cell}/{scale_max}*100"
    return f"={index_cell}*{_number(factor)}"


def conversion_text(scale_max: int, factor: float, index: str = "indeks") -> str:
    """The conversion as printed: "indeks x 25" or "indeks / 6 x 100"."""
    if conversion_derived(scale_max) and _is_ratio(scale_max, factor):
        return f"{index} / {scale_max} x 100"
    return f"{index} x {_number(factor)}"


def derived_note(scale_max: int, factor: float) -> str:
    """The label of a derived conversion and category (empty for the official 1..4 scale)."""
    if not conversion_derived(scale_max):
        return ""
    return (f"Turunan (derived): nilai konversi = {conversion_text(scale_max, factor)}, "
            f"kategori mutu dan kinerja memakai batas IKM secara analogi; tidak ada tabel resmi "
            f"untuk skala 1-{scale_max} (by analogy, no official table).")


def derived_short(scale_max: int, factor: float) -> str:
    """A one-line form for the infographic."""
    return (f"Konversi turunan ({conversion_text(scale_max, factor)}); kategori memakai batas "
            "IKM secara analogi, tanpa tabel resmi")


def weights_note(weights: str) -> str:
    """The label of a non-default weights mode (empty for exact equal weights)."""
    notes: dict[str, str] = {Weights.COMPAT: COMPAT_NOTE, Weights.DECLARED: DECLARED_NOTE}
    return notes.get(weights, "")
