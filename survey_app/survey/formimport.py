"""Google Forms / spreadsheet exports, imported as they are through a saved column mapping.

An export has the form's own headings (the question texts, "Stempel waktu" or "Timestamp"),
answers as label text ("Sangat sesuai") and a timestamp in the form's own format ("3/12/2026
14:05:33", or "12/03/2026 14.05.33" from an Indonesian-locale sheet). A `FormMapping` says which
column is which: `submitted_at`, `service`, a profile field, an element code, `saran`, or nothing.
Rows are turned into the contract's row shape and then checked exactly as the paper CSV is.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from instruments import Instrument

from ..domain_errors import N_, Msg
from ..models import Unit
from ..profile import PROFILE_FIELDS
from .importer import (
    BadValue,
    CheckedRow,
    Coded,
    Column,
    ImportFailed,
    RowChecker,
    at_column,
    at_line,
    check_records,
    raise_problems,
    read_csv,
    wrong_width,
)

DATE_ORDERS = ("dmy", "mdy", "ymd")
DATE_ORDER_LABELS = {"dmy": N_("day/month/year"), "mdy": N_("month/day/year"),
                     "ymd": N_("year-month-day")}
TARGETS_FIXED = ("submitted_at", "service", "saran", *PROFILE_FIELDS)
PREVIEW_ROWS = 5
_SPACES = re.compile(r"\s+")
# 12/03/2026 14.05.33, 3/12/2026 14:05:33, and the Forms download's 2026/03/12 2:05:33 PM GMT+7
_STAMP = re.compile(r"^(\d{1,4})[/.-](\d{1,2})[/.-](\d{1,4})(?:[ T](\d{1,2})[:.](\d{2})"
                    r"(?:[:.](\d{2}))?(?:\s*([AaPp])\.?[Mm]\.?)?)?"
                    r"(?:\s*(?:GMT|UTC)\s*([+-])(\d{1,2})(?::?(\d{2}))?)?$")
_TIMESTAMP_HEADINGS = ("stempel waktu", "timestamp", "cap waktu", "waktu pengisian", "tanggal")
# Answers a form writes for the profile questions, beside the codes the contract takes.
PROFILE_WORDS = {
    "jenis_kelamin": {"laki-laki": "L", "laki laki": "L", "pria": "L", "perempuan": "P",
                      "wanita": "P", "male": "L", "female": "P"},
    "pendidikan": {"sma/smk": "SMA", "sma/smk/sederajat": "SMA", "d1/d2/d3": "D1-D3",
                   "diploma": "D1-D3", "s1/d4": "S1", "d4/s1": "S1", "sarjana": "S1",
                   "s2/magister": "S2", "s3/doktor": "S3", "tidak sekolah": "tidak_sekolah"},
    "pekerjaan": {"wiraswasta": "Wirausaha", "pegawai swasta": "Swasta",
                  "karyawan swasta": "Swasta", "tni": "TNI", "polri": "POLRI",
                  "lainnya": "Lainnya", "pelajar/mahasiswa": "Lainnya",
                  "pelajar": "Lainnya", "mahasiswa": "Lainnya"},
}
_AGE = re.compile(r"^\s*(\d{1,3})\s*(tahun|thn|th)?\.?\s*$", re.I)


def fold(text: str) -> str:
    """Compare-form of a heading or label: case-folded, spaces collapsed."""
    return _SPACES.sub(" ", text.strip()).casefold()


@dataclass
class FormMapping:
    """Column heading -> target ("" ignores the column), plus how to read the values."""

    columns: dict[str, str]
    date_order: str = "dmy"
    service: str | None = None  # the service code when the export has no service column
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # target -> text -> value

    def to_json(self) -> str:
        """Stored form (import_mappings.mapping)."""
        return json.dumps({"columns": self.columns, "date_order": self.date_order,
                           "service": self.service, "values": self.values},
                          ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> FormMapping:
        """Read a stored mapping."""
        data = json.loads(text)
        return cls(dict(data["columns"]), data.get("date_order", "dmy"), data.get("service"),
                   {k: dict(v) for k, v in (data.get("values") or {}).items()})

    def problems(self, header: Sequence[str], instrument: Instrument) -> list[Msg]:
        """What makes this mapping unusable for this header, as line-1 problems."""
        allowed = {*TARGETS_FIXED, *instrument.codes, ""}
        out = []

        def names(values: Sequence[str]) -> str:
            return ", ".join(values)

        missing = [h for h in header if h not in self.columns]
        if missing:
            out.append(at_line(1, Msg(N_("column(s) not in the mapping: %(names)s"),
                                      names=names(missing))))
        bad = sorted({t for t in self.columns.values() if t not in allowed})
        if bad:
            out.append(at_line(1, Msg(N_("unknown target(s): %(names)s"), names=names(bad))))
        targets = [self.columns.get(h, "") for h in header]
        twice = sorted({t for t in targets if t and targets.count(t) > 1})
        if twice:
            out.append(at_line(1, Msg(N_("mapped from more than one column: %(names)s"),
                                      names=ColumnList(twice))))
        need = ["submitted_at", *([] if self.service else ["service"])]
        lacking = [t for t in need if t not in targets]
        if lacking:
            out.append(at_line(1, Msg(N_("no column for: %(names)s"),
                                      names=ColumnList(lacking))))
        if not any(t in instrument.codes for t in targets):
            out.append(at_line(1, Msg(N_("no column is mapped to an element"))))
        if self.date_order not in DATE_ORDERS:
            out.append(Msg(N_("date order must be one of %(names)s"), names=names(DATE_ORDERS)))
        return out


class ColumnList(Msg):
    """Several columns named in one problem, each as `Column` words it."""

    def __init__(self, codes: Sequence[str]) -> None:
        super().__init__(", ".join(codes))
        self.codes = list(codes)

    def message(self) -> str:
        """The columns' labels in the request's language."""
        return ", ".join(Column(c).message() for c in self.codes)


def read_table(text: str) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """Header and records (with their physical line) of a CSV, `;` CSV or TSV export."""
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    # A form export's trailing rows of empty cells are no records.
    header, records = read_csv(text, delimiter, max_rows=None,
                               skip=lambda fields: not any(f.strip() for f in fields))
    if not any(header):
        raise ImportFailed([at_line(1, Msg(N_("the file is empty or has no header row")))])
    return header, records


def guess_mapping(header: Sequence[str], instrument: Instrument, unit: Unit) -> FormMapping:
    """A first mapping from the headings: timestamp, service, profile, elements by their
    question text or name, saran; anything else ignored. Shown for checking, never trusted."""
    columns: dict[str, str] = {}
    taken: set[str] = set()
    words = {
        "service": ("jenis layanan", "layanan", "service"),
        "jenis_kelamin": ("jenis kelamin", "kelamin", "gender", "sex"),
        "usia": ("usia", "umur", "age"),
        "pendidikan": ("pendidikan", "education"),
        "pekerjaan": ("pekerjaan", "occupation", "job"),
        "saran": ("saran", "masukan", "suggestion", "kritik"),
    }
    for heading in header:
        h = fold(heading)
        target = ""
        if "submitted_at" not in taken and any(h.startswith(t) for t in _TIMESTAMP_HEADINGS):
            target = "submitted_at"
        else:
            target = _element_for(h, instrument, taken)
            if not target:
                target = next((t for t, ws in words.items()
                               if t not in taken and any(w in h for w in ws)), "")
        if target:
            taken.add(target)
        columns[heading] = target
    english = any(fold(h) == "timestamp" for h in header)
    service = None if "service" in taken or len(unit.services) != 1 else unit.services[0].code
    return FormMapping(columns, "mdy" if english else "dmy", service)


def _element_for(h: str, instrument: Instrument, taken: set[str]) -> str:
    for item in instrument.items:
        if item.code in taken:
            continue
        texts = [item.text.id, item.text.en, item.name.id, item.name.en,
                 *(t.id for _, t in item.style_texts)]
        if any(fold(t) == h or (len(fold(t)) > 12 and fold(t) in h) for t in texts):
            return item.code
    for item in instrument.items:  # then the element's name or code as a word of the heading
        if item.code not in taken and re.search(rf"\b{re.escape(item.code)}\b", h):
            return item.code
    return ""


def label_values(instrument: Instrument) -> dict[str, dict[str, int]]:
    """Per element: every label text (each language and wording style) -> its value."""
    styles = [instrument, *(instrument.with_style(s) for s in instrument.style_names[1:])]
    out: dict[str, dict[str, int]] = {}
    for inst in styles:
        for item in inst.items:
            mine = out.setdefault(item.code, {})
            for i, label in enumerate(item.labels):
                value = inst.scale_min + i
                for text in (label.id, label.en):
                    mine.setdefault(fold(text), value)
                    mine.setdefault(fold(f"{value}. {text}"), value)
                    mine.setdefault(fold(f"{value} - {text}"), value)
            for v in range(inst.scale_min, inst.scale_max + 1):
                mine.setdefault(str(v), v)
    return out


def _order(order: str) -> Coded:
    return Coded(order, DATE_ORDER_LABELS.get(order))


def parse_form_time(raw: str, order: str) -> str:
    """The form's timestamp as the contract's ISO text (local time); ValueError naming it."""
    text = raw.strip()
    found = _STAMP.match(text)
    if not found:
        try:
            return datetime.fromisoformat(text).isoformat()
        except ValueError:
            raise BadValue(N_("%(column)s %(value)s is not a date and time in the form's "
                              "format (%(order)s)"), column=Column("submitted_at"),
                           value=repr(text[:40]), order=_order(order)) from None
    a, b, c, hh, mm, ss, ampm, sign, oh, om = found.groups()
    if order == "ymd" or len(a) == 4:
        y, m, d = a, b, c
    elif order == "mdy":
        m, d, y = a, b, c
    else:
        d, m, y = a, b, c
    hour = int(hh or 0)
    if ampm and 1 <= hour <= 12:
        hour = hour % 12 + (12 if ampm in "Pp" else 0)
    try:
        value = datetime(int(y), int(m), int(d), hour, int(mm or 0), int(ss or 0))
        if sign:
            offset = timedelta(hours=int(oh), minutes=int(om or 0))
            value = value.replace(tzinfo=timezone(offset if sign == "+" else -offset))
    except ValueError:
        raise BadValue(N_("%(column)s %(value)s is not a date in the order %(order)s"),
                       column=Column("submitted_at"), value=repr(text[:40]),
                       order=_order(order)) from None
    return value.isoformat(sep=" ")


class RowConverter:
    """Turns one export record into the contract's row shape, or says what is wrong."""

    def __init__(self, mapping: FormMapping, header: Sequence[str], instrument: Instrument,
                 unit: Unit) -> None:
        self.mapping, self.header, self.instrument = mapping, list(header), instrument
        self.targets = [mapping.columns.get(h, "") for h in header]
        self.labels = label_values(instrument)
        for target, extra in mapping.values.items():
            if target in self.labels:
                self.labels[target].update({fold(k): int(v) for k, v in extra.items()
                                            if str(v).isdigit()})
        self.profile = {k: {**v, **{fold(a): b for a, b in mapping.values.get(k, {}).items()}}
                        for k, v in PROFILE_WORDS.items()}
        names = {fold(s.name): s.code for s in unit.services}
        names.update({fold(s.code): s.code for s in unit.services})
        names.update({fold(k): v for k, v in mapping.values.get("service", {}).items()})
        self.services = names

    def convert(self, fields: Sequence[str]) -> tuple[dict[str, str], list[Msg]]:
        """The contract row and the problems of converting it."""
        row: dict[str, str] = {}
        problems: list[Msg] = []
        if len(fields) != len(self.header):
            return row, [wrong_width(len(fields), len(self.header))]
        if self.mapping.service:
            row["service"] = self.mapping.service
        for target, raw in zip(self.targets, fields, strict=True):
            if not target:
                continue
            if "\x00" in raw:
                return row, [Msg(N_("contains a NUL character"))]
            value = raw.strip()
            if target == "submitted_at":
                try:
                    row[target] = parse_form_time(value, self.mapping.date_order)
                except BadValue as exc:
                    problems.append(exc.msg)
            elif target in self.labels:
                if value and fold(value) not in self.labels[target]:
                    problems.append(at_column(target, Msg(N_(
                        "answer %(value)s is not one of the element's labels (add it to the "
                        "mapping)"), value=repr(value[:40])), self.instrument))
                row[target] = str(self.labels[target].get(fold(value), "")) if value else ""
            elif target == "service":
                row[target] = self.services.get(fold(value), value)
            elif target in self.profile:
                row[target] = self.profile[target].get(fold(value), value)
            elif target == "usia":
                found = _AGE.match(value)
                row[target] = found.group(1) if found else value
            else:
                row[target] = value
        return row, problems


@dataclass
class Preview:
    """What the mapping makes of a file: the first rows converted, and every problem."""

    header: list[str]
    mapping: FormMapping
    rows: list[tuple[int, dict[str, str]]]
    problems: list[Msg]
    count: int


def check_form(unit: Unit, instrument: Instrument, text: str, mapping: FormMapping,
               saran_max: int, *, preview: bool = False
               ) -> tuple[list[CheckedRow], Preview]:
    """Convert and check every row; ImportFailed (unless `preview`) listing every problem."""
    header, records = read_table(text)
    head_problems = mapping.problems(header, instrument)
    if head_problems:
        if preview:
            return [], Preview(header, mapping, [], head_problems, 0)
        raise ImportFailed(head_problems)
    converter = RowConverter(mapping, header, instrument, unit)
    problems: list[tuple[int, Msg]] = []
    shown: list[tuple[int, dict[str, str]]] = []
    count = [0]

    def rows() -> Iterator[tuple[int, Mapping[str, str]]]:
        for line, fields in records:
            count[0] += 1
            row, here = converter.convert(fields)
            if len(shown) < PREVIEW_ROWS:
                shown.append((line, row))
            if here:
                problems.extend((line, p) for p in here)
            else:
                yield line, row

    checked = check_records(RowChecker(unit, instrument, saran_max), rows(),  # type: ignore[arg-type]
                            problems)
    try:
        raise_problems(problems, count[0] > 0)
    except ImportFailed as exc:
        if not preview:
            raise
        return [], Preview(header, mapping, shown, exc.problems, count[0])
    return checked, Preview(header, mapping, shown, [], count[0])
