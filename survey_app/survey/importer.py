"""Paper questionnaire import (interface contract CSV): all rows or none."""

from __future__ import annotations

import csv
import io
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from instruments import Instrument

from ..models import Service, Unit, utcnow
from ..profile import PROFILE_FIELDS
from .services import Target, instrument_version, new_response
from .validation import Submission, check_submission

MAX_ROWS = 200_000


class ImportFailed(ValueError):
    """The file was refused; `problems` lists each one with its line number."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class _Row:
    line: int
    service: Service
    submitted_at: datetime
    submission: Submission


def parse_timestamp(raw: str, tz: ZoneInfo) -> datetime:
    """ISO date or datetime; without an offset it is the unit's local time. Returns UTC."""
    raw = raw.strip()
    if not raw:
        raise ValueError("submitted_at is empty")
    try:
        if len(raw) == 10:
            value = datetime.combine(date.fromisoformat(raw), time(0, 0))
        else:
            value = datetime.fromisoformat(raw)
        if value.tzinfo is None:
            value = value.replace(tzinfo=tz)
        return value.astimezone(UTC)
    except (ValueError, OverflowError):
        raise ValueError(f"submitted_at {raw[:40]!r} is not an ISO date or datetime") from None


def _records(text: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and every non-blank record with the physical line it starts on (a quoted
    saran may span lines, so a record's number is not its position)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader, [])]
        records: list[tuple[int, list[str]]] = []
        while True:
            start = reader.line_num + 1
            fields = next(reader, None)
            if fields is None:
                break
            if fields:  # a blank line is no record
                records.append((start, fields))
            if len(records) > MAX_ROWS:
                raise ImportFailed([f"the file has more than {MAX_ROWS} rows; split it"])
    except csv.Error as exc:
        raise ImportFailed([f"line {reader.line_num}: not readable as CSV ({exc})"]) from None
    return header, records


def _read(text: str, instrument: Instrument
          ) -> tuple[list[tuple[int, dict[str, str]]], list[tuple[int, str]]]:
    """Rows by line number, and the problems of records that are not rows at all."""
    header, records = _records(text)
    if not any(header):
        raise ImportFailed(["line 1: the file is empty or has no header row"])
    allowed = {"submitted_at", "service", "saran", *PROFILE_FIELDS, *instrument.codes}
    problems = []
    unknown = [h for h in header if h not in allowed]
    if unknown:
        problems.append(f"line 1: unknown column(s): {', '.join(unknown)}")
    dupes = sorted({h for h in header if header.count(h) > 1})
    if dupes:
        problems.append(f"line 1: duplicate column(s): {', '.join(dupes)}")
    missing = [c for c in ("submitted_at", "service", *instrument.codes) if c not in header]
    if missing:
        problems.append(f"line 1: missing column(s): {', '.join(missing)}")
    if problems:
        raise ImportFailed(problems)
    rows, bad = [], []
    for line, fields in records:
        if len(fields) != len(header):
            bad.append((line, f"wrong number of fields ({len(fields)}, the header has "
                              f"{len(header)})"))
        elif any("\x00" in value for value in fields):
            bad.append((line, "contains a NUL character"))
        else:
            rows.append((line, dict(zip(header, fields, strict=True))))
    return rows, bad


def check_rows(unit: Unit, instrument: Instrument, text: str,
               saran_max: int) -> list[_Row]:
    """Validate every row; raise ImportFailed listing all problems."""
    rows, problems = _read(text, instrument)  # (line, message)
    services = {s.code.upper(): s for s in unit.services}
    tz = ZoneInfo(unit.tz)
    latest = utcnow() + timedelta(days=1)
    checked: list[_Row] = []
    for n, row in rows:
        here: list[str] = []
        service = services.get((row.get("service") or "").strip().upper())
        if service is None:
            here.append(f"service: unknown service {row.get('service')!r} for unit {unit.code}")
        try:
            when = parse_timestamp(row.get("submitted_at", ""), tz)
            if when > latest:
                here.append("submitted_at: is in the future")
        except ValueError as exc:
            here.append(str(exc))
        sub, errors = check_submission(instrument, row, require_all=False, saran_max=saran_max)
        here.extend(f"{field.lstrip('_') or 'row'}: {msg}" for field, msg in errors.items())
        if here or service is None:
            problems.extend((n, msg) for msg in here)
            continue
        checked.append(_Row(n, service, when, sub))
    if not rows and not problems:
        problems.append((2, "no data rows"))
    if problems:
        raise ImportFailed([f"line {n}: {msg}" for n, msg in sorted(problems,
                                                                   key=lambda p: p[0])])
    return checked


def import_csv(session: Session, unit: Unit, instrument: Instrument, text: str,
               saran_max: int) -> int:
    """Store every row in one transaction, or raise ImportFailed and store nothing."""
    rows = check_rows(unit, instrument, text, saran_max)
    version = instrument_version(session, instrument)
    batch = str(uuid.uuid4())
    try:
        for row in rows:
            target = Target.of(unit, row.service, None)
            session.add(new_response(target, version, row.submission, source="paper",
                                     submitted_at=row.submitted_at, import_batch=batch))
        session.commit()
    except Exception:
        session.rollback()
        raise
    return len(rows)
