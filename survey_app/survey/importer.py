"""Paper questionnaire import (interface contract CSV): all rows or none.

Every row is checked first, with no write lock held; then all rows go in with one short write
transaction of bulk statements (`survey.bulk`): executemany on SQLite, COPY on PostgreSQL.

Every problem is a `Msg` (a message id with parameters, `domain_errors`): the CLI prints its
English text, the import page translates it, so no English sentence reaches an Indonesian page.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from instruments import Instrument

from ..domain_errors import N_, DomainError, Msg
from ..i18n import current_lang
from ..models import Unit, utcnow
from ..profile import PROFILE_FIELDS
from .bulk import BatchInfo, ImportResult, store_rows
from .validation import check_submission

MAX_ROWS = 2_000_000
PROFILE_COLUMNS = ("jenis_kelamin", "usia", "pendidikan", "pekerjaan")


# How a column is named on a page (the CLI names the contract's column itself).
COLUMN_LABELS = {
    "submitted_at": N_("Date and time"), "service": N_("Service"), "jenis_kelamin": N_("Sex"),
    "usia": N_("Age"), "pendidikan": N_("Education"), "pekerjaan": N_("Occupation"),
    "saran": N_("Suggestion"), "form": N_("Row"), "row": N_("Row"),
}


class Coded(Msg):
    """A code named in a problem: the code itself in English text, its label on a page."""

    def __init__(self, code: str, label: str | None = None) -> None:
        super().__init__(code)
        self.label = label

    def __str__(self) -> str:
        return self.msgid

    def message(self) -> str:
        """The label in the request's language; the code when it has none (an element)."""
        return Msg(self.label).message() if self.label else self.msgid


class Column(Coded):
    """A column of the import named in a problem: an element by its name on a page."""

    def __init__(self, code: str, instrument: Instrument | None = None) -> None:
        super().__init__(code, COLUMN_LABELS.get(code))
        item = next((i for i in instrument.items if i.code == code), None) if instrument else None
        self.name = item.name if item else None

    def message(self) -> str:
        """The label or element name in the request's language."""
        return self.name.get(current_lang()) if self.name else super().message()


def at_column(column: str, problem: Msg, instrument: Instrument | None = None) -> Msg:
    """A problem of one column of a row (an element column named from `instrument`)."""
    return Msg(N_("%(column)s: %(problem)s"), column=Column(column, instrument),
               problem=problem)


def at_line(line: int, problem: Msg) -> Msg:
    """A problem with the line of the file it is on."""
    return Msg(N_("line %(line)d: %(problem)s"), line=line, problem=problem)


class BadValue(DomainError):
    """A value in a row that cannot be read (a date, a number); its message names it."""


class ImportFailed(ValueError):
    """The file was refused; `problems` lists each one (a `Msg`) with its line number."""

    def __init__(self, problems: list[Msg]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class CheckedRow:
    """One valid row, compact: answers as one byte per element in display order (0: none)."""

    service_id: int
    submitted_at: datetime  # aware UTC
    profile: tuple[str | None, int | None, str | None, str | None]
    saran: str | None
    answers: bytes


def parse_timestamp(raw: str, tz: ZoneInfo) -> datetime:
    """ISO date or datetime; without an offset it is the unit's local time. Returns UTC."""
    raw = raw.strip()
    if not raw:
        raise BadValue(N_("%(column)s is empty"), column=Column("submitted_at"))
    try:
        if len(raw) == 10:
            value = datetime.combine(date.fromisoformat(raw), time(0, 0))
        else:
            value = datetime.fromisoformat(raw)
        if value.tzinfo is None:
            value = value.replace(tzinfo=tz)
        return value.astimezone(UTC)
    except (ValueError, OverflowError):
        raise BadValue(N_("%(column)s %(value)s is not an ISO date or datetime"),
                       column=Column("submitted_at"), value=repr(raw[:40])) from None


def _blank_line(fields: list[str]) -> bool:
    return not fields


def read_csv(text: str, delimiter: str = ",", *, max_rows: int | None = MAX_ROWS,
             skip: Callable[[list[str]], bool] = _blank_line
             ) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The header, and every record not skipped (by default a blank line) with the physical
    line it starts on (a quoted saran may span lines, so a record's number is not its
    position), read lazily. ImportFailed for an unreadable line or more than `max_rows`."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [h.strip() for h in next(reader, [])]
    except csv.Error as exc:
        raise ImportFailed([unreadable(reader.line_num, exc)]) from None

    def records() -> Iterator[tuple[int, list[str]]]:
        count = 0
        try:
            while True:
                start = reader.line_num + 1
                fields = next(reader, None)
                if fields is None:
                    return
                if not skip(fields):
                    count += 1
                    if max_rows is not None and count > max_rows:
                        raise ImportFailed([Msg(N_("the file has more than %(n)d rows; split "
                                                   "it"), n=max_rows)])
                    yield start, fields
        except csv.Error as exc:
            raise ImportFailed([unreadable(reader.line_num, exc)]) from None

    return header, records()


def unreadable(line: int, exc: csv.Error) -> Msg:
    """A line the CSV reader cannot read (the reader's own reason is a technical detail)."""
    return at_line(line, Msg(N_("not readable as CSV (%(reason)s)"), reason=str(exc)))


def check_header(header: Sequence[str], instrument: Instrument) -> None:
    """The contract's columns: none unknown, none twice, every required one there."""
    if not any(header):
        raise ImportFailed([at_line(1, Msg(N_("the file is empty or has no header row")))])
    allowed = {"submitted_at", "service", "saran", *PROFILE_FIELDS, *instrument.codes}
    problems = []
    unknown = [h for h in header if h not in allowed]
    if unknown:
        problems.append(at_line(1, Msg(N_("unknown column(s): %(names)s"),
                                       names=", ".join(unknown))))
    dupes = sorted({h for h in header if list(header).count(h) > 1})
    if dupes:
        problems.append(at_line(1, Msg(N_("duplicate column(s): %(names)s"),
                                       names=", ".join(dupes))))
    missing = [c for c in ("submitted_at", "service", *instrument.codes) if c not in header]
    if missing:
        problems.append(at_line(1, Msg(N_("missing column(s): %(names)s"),
                                       names=", ".join(missing))))
    if problems:
        raise ImportFailed(problems)


class RowChecker:
    """Checks contract-shaped rows (a dict per row) against a unit and instrument.

    Well-formed values take a fast path of dictionary look-ups (answers "1".."4" and memoised
    profile tuples); anything else goes through `check_submission`, the web form's own check, so
    the messages and the accepted spellings are exactly the web form's."""

    def __init__(self, unit: Unit, instrument: Instrument, saran_max: int) -> None:
        self.instrument, self.saran_max = instrument, saran_max
        self.codes = instrument.codes  # a property that builds a tuple: once, not per row
        self.unit_code = unit.code
        self.services = {s.code.upper(): s.id for s in unit.services}
        self.tz = ZoneInfo(unit.tz)
        self.latest = utcnow() + timedelta(days=1)
        self.values = {str(v): v for v in range(instrument.scale_min, instrument.scale_max + 1)}
        self.values[""] = 0
        self.profiles: dict[tuple[str, ...], tuple[tuple, list[Msg]]] = {}  # type: ignore[type-arg]

    def _profile(self, raw: tuple[str, ...]) -> tuple[tuple, list[Msg]]:  # type: ignore[type-arg]
        found = self.profiles.get(raw)
        if found is None:
            data = dict(zip(PROFILE_COLUMNS, raw, strict=True))
            sub, errors = check_submission(self.instrument, data, require_all=False,
                                           saran_max=self.saran_max)
            found = ((sub.jenis_kelamin, sub.usia, sub.pendidikan, sub.pekerjaan),
                     [at_column(f, m) for f, m in errors.items() if f in PROFILE_COLUMNS])
            if len(self.profiles) < 100_000:
                self.profiles[raw] = found
        return found

    def check(self, row: dict[str, str]) -> tuple[CheckedRow | None, list[Msg]]:
        """The checked row, or None and its problems."""
        here: list[Msg] = []
        service_raw = row.get("service") or ""
        service = self.services.get(service_raw.strip().upper())
        if service is None:
            here.append(at_column("service", Msg(N_("unknown service %(value)s for unit "
                                                    "%(unit)s"), value=repr(service_raw),
                                                 unit=self.unit_code)))
        try:
            when = parse_timestamp(row.get("submitted_at", ""), self.tz)
            if when > self.latest:
                here.append(at_column("submitted_at", Msg(N_("is in the future"))))
        except BadValue as exc:
            here.append(exc.msg)
        answers = self._fast_answers(row)
        saran = (row.get("saran") or "").strip()
        if answers is None or (saran and len(saran) > self.saran_max):
            sub, errors = check_submission(self.instrument, row, require_all=False,
                                           saran_max=self.saran_max)
            here.extend(at_column(field.lstrip("_") or "row", msg, self.instrument)
                        for field, msg in errors.items())
            answers = bytes(sub.answers.get(c, 0) for c in self.codes)
            profile: tuple = (sub.jenis_kelamin, sub.usia, sub.pendidikan,  # type: ignore[type-arg]
                              sub.pekerjaan)
        else:
            profile, problems = self._profile(tuple(row.get(c) or "" for c in PROFILE_COLUMNS))
            here.extend(problems)
        if here or service is None:
            return None, here
        return CheckedRow(service, when, profile, saran or None, answers), []  # type: ignore[arg-type]

    def bind(self, header: Sequence[str]) -> None:
        """Column positions of a contract header, for `check_fields` (absent: a trailing "")."""
        self.header = list(header)
        where = {name: i for i, name in enumerate(header)}
        blank = len(header)
        self.at_service = where.get("service", blank)
        self.at_time = where.get("submitted_at", blank)
        self.at_saran = where.get("saran", blank)
        self.at_items = [where.get(c, blank) for c in self.codes]
        self.at_profile = [where.get(c, blank) for c in PROFILE_COLUMNS]

    def check_fields(self, fields: list[str]) -> tuple[CheckedRow | None, list[Msg]]:
        """`check` of one record of the bound header: list look-ups for a well-formed row,
        `check` itself (the same messages) for anything else."""
        fields.append("")
        values = self.values
        answers = [values.get(fields[i]) for i in self.at_items]
        service = self.services.get(fields[self.at_service].strip().upper())
        saran = fields[self.at_saran].strip()
        if (service is not None and None not in answers and any(answers)  # type: ignore[arg-type]
                and len(saran) <= self.saran_max):
            profile, problems = self._profile(tuple(fields[i] for i in self.at_profile))
            if not problems:
                try:
                    when = parse_timestamp(fields[self.at_time], self.tz)
                except ValueError:
                    when = None
                if when is not None and when <= self.latest:
                    return CheckedRow(service, when, profile, saran or None,
                                      bytes(answers)), []  # type: ignore[arg-type]
        fields.pop()
        return self.check(dict(zip(self.header, fields, strict=True)))

    def _fast_answers(self, row: dict[str, str]) -> bytes | None:
        values = self.values
        out = [values.get(row.get(code) or "") for code in self.codes]
        if None in out or not any(out):
            return None
        return bytes(out)  # type: ignore[arg-type]


def check_records(checker: RowChecker, rows: Iterable[tuple[int, dict[str, str]]],
                  problems: list[tuple[int, Msg]]) -> list[CheckedRow]:
    """Check every row; collect (line, message) problems and return the good rows."""
    checked: list[CheckedRow] = []
    for line, row in rows:
        good, here = checker.check(row)
        if good is None:
            problems.extend((line, msg) for msg in here)
        elif not problems:  # once a row failed nothing will be stored: keep memory for messages
            checked.append(good)
    return checked


def raise_problems(problems: list[tuple[int, Msg]], any_rows: bool) -> None:
    """ImportFailed listing every problem sorted by line, or nothing when there are none."""
    if not any_rows and not problems:
        problems.append((2, Msg(N_("no data rows"))))
    if problems:
        raise ImportFailed([at_line(n, msg) for n, msg in sorted(problems,
                                                                key=lambda p: p[0])])


def check_rows(unit: Unit, instrument: Instrument, text: str,
               saran_max: int) -> list[CheckedRow]:
    """Validate every row of the contract's CSV; raise ImportFailed listing all problems."""
    header, records = read_csv(text)
    check_header(header, instrument)
    width = len(header)
    has_nul = "\x00" in text
    problems: list[tuple[int, Msg]] = []
    seen = [False]

    checker = RowChecker(unit, instrument, saran_max)
    checker.bind(header)
    checked: list[CheckedRow] = []
    for line, fields in records:
        seen[0] = True
        if len(fields) != width:
            problems.append((line, wrong_width(len(fields), width)))
            continue
        if has_nul and any("\x00" in value for value in fields):
            problems.append((line, Msg(N_("contains a NUL character"))))
            continue
        good, here = checker.check_fields(fields)
        if good is None:
            problems.extend((line, msg) for msg in here)
        elif not problems:  # once a row failed nothing is stored: keep memory for messages
            checked.append(good)
    raise_problems(problems, seen[0])
    return checked


def wrong_width(n: int, width: int) -> Msg:
    """A record with a different number of fields than the header."""
    return Msg(N_("wrong number of fields (%(n)d, the header has %(width)d)"), n=n, width=width)


def import_csv(session: Session, unit: Unit, instrument: Instrument, text: str,
               saran_max: int, *, actor: str = "cli", file_sha256: str | None = None,
               offline: bool = False) -> ImportResult:
    """Store every row in one transaction, or raise ImportFailed (or LongLock) and store
    nothing."""
    rows = check_rows(unit, instrument, text, saran_max)
    info = BatchInfo(unit, instrument, actor, file_sha256 or sha256_text(text), "paper")
    return store_rows(session, info, rows, offline=offline)


def sha256_text(text: str) -> str:
    """SHA-256 of a text's UTF-8 bytes (when the file's own bytes are not at hand)."""
    import hashlib

    return hashlib.sha256(text.encode("utf-8")).hexdigest()
