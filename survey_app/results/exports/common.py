"""What every export shares: decoded raw rows, labels, small-group suppression, safe files."""

from __future__ import annotations

import errno
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import BinaryIO
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from ...profile import EDUCATION, OCCUPATION, SEX
from ..queries import AGE_BANDS, raw_answers
from ..report import IndexReport, selection
from ..smallgroups import suppress_small

Out = str | os.PathLike[str] | BinaryIO
ALL_SERVICES = "Semua layanan"
WITHHELD = "Tidak ditampilkan: terlalu sedikit responden"
OMITTED_NOTE = ("Unsur yang tidak dijawab oleh responden mana pun tidak dihitung, dan bobotnya "
                "dibagikan ke unsur lain.")
GROUP_LABELS = {"L": "Laki-laki", "P": "Perempuan", "tidak_sekolah": "Tidak sekolah",
                "-": "Tidak diisi"}
PROFILE_TITLES = {"jenis_kelamin": "Jenis kelamin", "pendidikan": "Pendidikan",
                  "pekerjaan": "Pekerjaan", "usia": "Usia (tahun)"}
GROUP_ORDER = {"jenis_kelamin": list(SEX), "pendidikan": list(EDUCATION),
               "pekerjaan": list(OCCUPATION), "usia": ["<20", "20-29", "30-39", "40-49", "50-59",
                                                       "60+"]}


# OWASP CSV injection: a cell starting with one of these is a formula (or becomes one) in
# Excel, LibreOffice and Google Sheets; a leading "'" makes the spreadsheet show it as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(value: str) -> str:
    """`value` made inert for a spreadsheet: "'" before a formula-starting character."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def age_band(usia: int | None) -> str | None:
    """The profile's age band of an exact age (what raw exports show)."""
    if usia is None:
        return None
    return next(label for label, upper in AGE_BANDS if upper is None or usia < upper)


@dataclass(frozen=True)
class RawRow:
    """One response as the raw exports print it: local date, codes, profile, saran, answers.

    Only the date and the age band: with a quiet counter's queue log, the minute of a
    response and an exact age can point to one person. Figures use the exact values.
    """

    submitted_on: date
    service: str
    counter: str
    source: str
    jenis_kelamin: str | None
    usia: str | None
    pendidikan: str | None
    pekerjaan: str | None
    saran: str
    answers: tuple[int | None, ...]


def raw_rows(session: Session, report: IndexReport) -> Iterator[RawRow]:
    """Stream the report's responses in time order (one query, rows fetched in batches)."""
    zone = ZoneInfo(report.unit.tz)
    services = {s.id: s.code for s in report.unit.services}
    counters = {c.id: c.code for s in report.unit.services for c in s.counters}
    sel = selection(report.unit, report.instrument.slug, report.period, report.service,
                    report.counter)
    for row in raw_answers(session, sel, report.instrument.codes):
        yield RawRow(
            row[1].astimezone(zone).date(), services.get(row[2], ""), counters.get(row[3], ""),
            row[4], row[5], age_band(row[6]), row[7], row[8], row[9] or "",
            tuple(None if v is None else int(v) for v in row[10:]),
        )


def service_label(report: IndexReport) -> str:
    """The service name, or "Semua layanan" for the whole unit."""
    return report.service.name if report.service else ALL_SERVICES


def element_name(report: IndexReport, code: str) -> str:
    """An element's Bahasa Indonesia name (the code if the instrument no longer has it)."""
    try:
        return report.instrument.item(code).name.id
    except KeyError:
        return code


def group_label(code: str) -> str:
    """A profile code as printed."""
    return GROUP_LABELS.get(code, code)


def breakdown(field: str, counts: dict[str, int]) -> list[tuple[str, str]]:
    """(label, count as printed) in the usual order, "not filled" last, small groups hidden."""
    order = GROUP_ORDER.get(field, [])
    keys = sorted(counts, key=lambda k: (k == "-", order.index(k) if k in order else len(order),
                                         k))
    shown = suppress_small(counts)
    if counts and not shown:  # even hiding every group would single someone out
        return [(WITHHELD, "-")]
    return [(group_label(k), shown[k]) for k in keys]


@contextmanager
def binary_out(out: Out) -> Iterator[BinaryIO]:
    """A binary file to write: `out` itself if it is one, else the path opened for writing."""
    if not isinstance(out, str | os.PathLike):
        yield out
        return
    with open(out, "wb") as handle:
        yield handle


@contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """A new file beside `path`, renamed onto it only if the block succeeds: no half files."""
    target = Path(path)
    if target.is_dir():
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(target))
    temp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
    try:
        temp.open("xb").close()  # the usual permissions (umask), unlike mkstemp's 0600
    except OSError as exc:  # name the file the user asked for, not the temporary one
        raise OSError(exc.errno, exc.strerror, str(target)) from None
    try:
        yield temp
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)
