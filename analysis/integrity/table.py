"""Records as columns: one pass over the Python objects, then every signal works on arrays."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from operator import attrgetter

import numpy as np

from .model import CHANNELS, DURATION_BUCKETS, Flag, OpeningHours, Response

__all__ = ["ResponseTable", "as_table", "build_table", "day_date", "group", "make_flag",
           "table_from_columns"]

# 1970-01-01, day 0 of local epoch minutes, was a Thursday (weekday 3, Monday = 0).
EPOCH_WEEKDAY = 3


def _factorize(values: Sequence[Hashable]) -> tuple[np.ndarray, tuple[Hashable, ...]]:
    """Integer code per value (first seen = 0) and the distinct values in code order."""
    distinct = tuple(dict.fromkeys(values))
    lookup = {v: i for i, v in enumerate(distinct)}
    return np.fromiter(map(lookup.__getitem__, values), np.int64, len(values)), distinct


@dataclass(frozen=True, eq=False)
class ResponseTable:
    """Columns of a list of :class:`~analysis.integrity.Response` (row ``i`` = ``records[i]``).

    ``minute`` is UTC epoch minutes, ``local`` the same instant as epoch minutes of the unit's
    wall clock, ``day`` its local day number (days since 1970-01-01 on that clock);
    ``answers`` is (n, k) int8 with 0 for unanswered; ``profile`` (n, p) codes with 0 for not
    given; ``duration`` -1 when unknown; ``batch`` -1 when not imported.
    """

    ids: tuple[Hashable, ...]
    hours: OpeningHours
    minute: np.ndarray
    local: np.ndarray
    day: np.ndarray
    service: np.ndarray
    services: tuple[str, ...]
    station: np.ndarray
    stations: tuple[tuple[str, str | None], ...]
    channel: np.ndarray
    answers: np.ndarray
    profile: np.ndarray
    duration: np.ndarray
    batch: np.ndarray
    batches: tuple[Hashable, ...]
    scale_max: int

    @property
    def n(self) -> int:
        """Number of responses."""
        return len(self.ids)


    def channel_mask(self, channels: Sequence[str]) -> np.ndarray:
        """Rows whose channel is one of ``channels``."""
        return np.isin(self.channel, [CHANNELS.index(c) for c in channels])

    def span(self, rows: np.ndarray) -> tuple[datetime, datetime]:
        """First and last time of ``rows``, aware in the unit's zone."""
        zone = self.hours.zone
        minutes = self.minute[rows]
        epoch = datetime(1970, 1, 1, tzinfo=UTC)
        first = epoch + timedelta(minutes=int(minutes.min()))
        last = epoch + timedelta(minutes=int(minutes.max()))
        return first.astimezone(zone), last.astimezone(zone)

    def station_names(self, station: int) -> tuple[str, str | None]:
        """(service, counter) of a station code."""
        return self.stations[station]

    def ids_of(self, rows: np.ndarray) -> tuple[Hashable, ...]:
        """Response ids of ``rows``, in time order."""
        order = np.asarray(rows)[np.argsort(self.minute[rows], kind="stable")]
        return tuple(self.ids[i] for i in order)


def _local_minutes(epoch_sec: np.ndarray, hours: OpeningHours) -> np.ndarray:
    """Epoch minutes of the unit's wall clock: the zone's offset looked up once per UTC hour."""
    if epoch_sec.size == 0:
        return epoch_sec.astype(np.int64)
    zone = hours.zone
    hour = epoch_sec // 3600
    uniq, inverse = np.unique(hour, return_inverse=True)
    offsets = np.array(
        [
            (datetime.fromtimestamp(int(h) * 3600, zone).utcoffset() or timedelta(0))
            // timedelta(seconds=1)
            for h in uniq
        ],
        dtype=np.int64,
    )
    return (epoch_sec + offsets[inverse]) // 60


def build_table(
    records: Sequence[Response], hours: OpeningHours | None = None, scale_max: int = 4
) -> ResponseTable:
    """Validate ``records`` and turn them into a :class:`ResponseTable`.

    Raises
    ------
    ValueError
        Duplicate ids, an unknown channel, a naive ``submitted_at``, answer tuples of different
        lengths or values outside ``1..scale_max``, or a duration that is not a bucket bound.
    """
    hours = hours or OpeningHours()
    n = len(records)
    ids = tuple(map(attrgetter("id"), records))
    if len(set(ids)) != n:
        raise ValueError("response ids must be unique")
    times = list(map(attrgetter("submitted_at"), records))
    if any(z is None or datetime(2000, 1, 1, tzinfo=z).utcoffset() is None
           for z in set(map(attrgetter("tzinfo"), times))):
        raise ValueError("submitted_at must be timezone-aware")
    epoch_sec = np.floor(np.fromiter(map(datetime.timestamp, times), np.float64, n))
    epoch_sec = epoch_sec.astype(np.int64)

    channel, seen = _factorize(list(map(attrgetter("channel"), records)))
    unknown = [c for c in seen if c not in CHANNELS]
    if unknown:
        raise ValueError(f"unknown channel(s) {unknown!r}; use one of {CHANNELS}")
    channel = np.array([CHANNELS.index(c) for c in seen], dtype=np.int64)[channel] if n else channel

    service, services = _factorize(list(map(attrgetter("service"), records)))
    counter, counters = _factorize(list(map(attrgetter("counter"), records)))
    batch, batches = _factorize(list(map(attrgetter("batch"), records)))
    if None in batches:
        none_code = batches.index(None)
        batches = batches[:none_code] + batches[none_code + 1:]
        batch = np.where(batch == none_code, -1, np.where(batch > none_code, batch - 1, batch))

    k = len(records[0].answers) if n else 0
    try:
        raw = np.array(list(map(attrgetter("answers"), records)), dtype=np.float64).reshape(n, k)
    except (ValueError, TypeError) as exc:
        raise ValueError("answers must be tuples of equal length of integers or None") from exc
    values = raw[~np.isnan(raw)]
    if values.size and (
        (values != np.round(values)).any() or values.min() < 1 or values.max() > scale_max
    ):
        raise ValueError(f"answers must be integers in 1..{scale_max} or None")
    answers = np.nan_to_num(raw, nan=0.0).astype(np.int8)

    profiles = list(map(attrgetter("profile"), records))
    widths = set(map(len, profiles))
    width = max(widths, default=0)
    if len(widths) > 1:  # pad the short ones with "not given"
        profiles = [p + (None,) * (width - len(p)) for p in profiles]
    # Whole profiles first (a few thousand distinct ones), then each field of those.
    whole, distinct = _factorize(profiles)
    profile = np.zeros((len(distinct), width), dtype=np.int64)
    for j, column in enumerate(zip(*distinct, strict=True)):
        codes, values_seen = _factorize(column)
        # Code 0 is reserved for "not given" so that two blanks compare equal whatever came first.
        remap = np.array([0 if v is None else i + 1 for i, v in enumerate(values_seen)])
        profile[:, j] = remap[codes]
    profile = profile[whole] if n else np.zeros((0, width), dtype=np.int64)

    duration = np.array(list(map(attrgetter("duration"), records)), dtype=np.float64)
    duration = np.nan_to_num(duration.reshape(n), nan=-1.0).astype(np.int64)
    return _assemble(ids, hours, epoch_sec, service, tuple(str(s) for s in services), counter,
                     tuple(None if c is None else str(c) for c in counters), channel, answers,
                     profile, duration, batch, batches, scale_max)


def table_from_columns(
    ids: Sequence[Hashable],
    epoch_seconds: np.ndarray,
    service: np.ndarray,
    services: Sequence[str],
    counter: np.ndarray,
    counters: Sequence[str | None],
    channel: np.ndarray,
    answers: np.ndarray,
    profile: np.ndarray | None = None,
    duration: np.ndarray | None = None,
    batch: np.ndarray | None = None,
    batches: Sequence[Hashable] = (),
    hours: OpeningHours | None = None,
    scale_max: int = 4,
) -> ResponseTable:
    """A :class:`ResponseTable` straight from columns (e.g. as a database hands them), without
    one Python object per response.

    ``epoch_seconds`` are UTC seconds; ``service`` and ``counter`` index ``services`` and
    ``counters`` (a counter code may be None: paper); ``channel`` indexes :data:`CHANNELS`;
    ``answers`` is (n, k) with 0 for unanswered; ``profile`` (n, p) non-negative codes with 0 for
    not given; ``duration`` bucket bounds with -1 for unknown; ``batch`` indexes ``batches``
    with -1 for not imported. Validated as :func:`build_table` validates records.

    Raises
    ------
    ValueError
        Duplicate ids, columns of different lengths, codes out of range, answers outside
        ``0..scale_max``, or a duration that is not a bucket bound.
    """
    hours = hours or OpeningHours()
    ids = tuple(ids)
    n = len(ids)
    if len(set(ids)) != n:
        raise ValueError("response ids must be unique")
    cols = {"epoch_seconds": epoch_seconds, "service": service, "counter": counter,
            "channel": channel, "answers": answers}
    if profile is None:
        profile = np.zeros((n, 0), dtype=np.int64)
    if duration is None:
        duration = np.full(n, -1, dtype=np.int64)
    if batch is None:
        batch = np.full(n, -1, dtype=np.int64)
    cols.update(profile=profile, duration=duration, batch=batch)
    arrays = {name: np.asarray(col) for name, col in cols.items()}
    short = [name for name, col in arrays.items() if col.shape[:1] != (n,)]
    if short or arrays["answers"].ndim != 2 or arrays["profile"].ndim != 2:
        raise ValueError(f"columns must have one row per id: {short or ['answers/profile']}")
    for name, labels in (("service", services), ("counter", counters), ("channel", CHANNELS)):
        col = arrays[name]
        if n and (col.min() < 0 or col.max() >= len(labels)):
            raise ValueError(f"{name} codes must index its {len(labels)} labels")
    if n and (arrays["batch"].min() < -1 or arrays["batch"].max() >= len(batches)):
        raise ValueError("batch codes must be -1 or index the batches")
    a = arrays["answers"]
    if a.size and (a.min() < 0 or a.max() > scale_max):
        raise ValueError(f"answers must be 0 (unanswered) or in 1..{scale_max}")
    if arrays["profile"].size and arrays["profile"].min() < 0:
        raise ValueError("profile codes must be >= 0 (0: not given)")
    return _assemble(ids, hours, arrays["epoch_seconds"].astype(np.int64),
                     arrays["service"].astype(np.int64), tuple(services),
                     arrays["counter"].astype(np.int64), tuple(counters),
                     arrays["channel"].astype(np.int64), a.astype(np.int8),
                     arrays["profile"].astype(np.int64), arrays["duration"].astype(np.int64),
                     arrays["batch"].astype(np.int64), tuple(batches), scale_max)


def _assemble(ids: tuple[Hashable, ...], hours: OpeningHours, epoch_sec: np.ndarray,
              service: np.ndarray, services: tuple[str, ...], counter: np.ndarray,
              counters: tuple[str | None, ...], channel: np.ndarray, answers: np.ndarray,
              profile: np.ndarray, duration: np.ndarray, batch: np.ndarray,
              batches: tuple[Hashable, ...], scale_max: int) -> ResponseTable:
    """The table from validated columns: stations, local clock, checked durations."""
    if len(ids) and not np.isin(duration, (-1, *DURATION_BUCKETS)).all():
        raise ValueError(f"durations must be None or one of {DURATION_BUCKETS}")
    # A station is a (service, counter) pair; numbered in order of first appearance.
    pair = service * max(len(counters), 1) + counter
    _, first_row, station = np.unique(pair, return_index=True, return_inverse=True)
    by_first = np.argsort(first_row, kind="stable")
    renumber = np.empty_like(by_first)
    renumber[by_first] = np.arange(len(by_first))
    station = renumber[station.reshape(-1)]
    stations = tuple(
        (services[service[first_row[i]]], counters[counter[first_row[i]]]) for i in by_first
    )
    local = _local_minutes(epoch_sec, hours)
    return ResponseTable(
        ids=ids,
        hours=hours,
        minute=epoch_sec // 60,
        local=local,
        day=local // 1440,
        service=service,
        services=services,
        station=station,
        stations=stations,
        channel=channel,
        answers=answers,
        profile=profile,
        duration=duration,
        batch=batch,
        batches=batches,
        scale_max=scale_max,
    )


def as_table(
    data: Sequence[Response] | ResponseTable, hours: OpeningHours | None = None
) -> ResponseTable:
    """``data`` if it is already a table (its hours win), else :func:`build_table` of it."""
    if isinstance(data, ResponseTable):
        return data
    return build_table(data, hours)


def group(*cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Group code of each row for the combination of integer columns, and the group sizes.

    Columns are packed into one int64 key (compressed to ranks first when the product of their
    ranges would overflow), then grouped by one sort.
    """
    n = len(cols[0])
    key = np.zeros(n, dtype=np.int64)
    span = 1
    for col in cols:
        c = np.asarray(col, dtype=np.int64)
        if n == 0:
            break
        c = c - c.min()
        width = int(c.max()) + 1
        if width * span >= 2**62:
            c = np.unique(c, return_inverse=True)[1].reshape(-1)
            width = int(c.max()) + 1
            if width * span >= 2**62:
                key = np.unique(key, return_inverse=True)[1].reshape(-1)
                span = int(key.max()) + 1
        key = key * width + c
        span *= width
    uniq, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
    return inverse.reshape(-1), counts


def day_date(day: int) -> date:
    """Calendar date of a local day number."""
    return date(1970, 1, 1) + timedelta(days=int(day))


def _plain(value: object) -> object:
    """NumPy scalars as Python numbers, so a detail serialises as JSON as is."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, tuple | list):
        return tuple(_plain(v) for v in value)
    return value


def make_flag(t: ResponseTable, kind: str, rows: np.ndarray, detail: dict[str, object]) -> Flag:
    """A :class:`Flag` over ``rows``; service and counter are set when all rows share them."""
    rows = np.asarray(rows, dtype=np.int64)
    services = np.unique(t.service[rows])
    stations = np.unique(t.station[rows])
    start, end = t.span(rows)
    ids = t.ids_of(rows)
    return Flag(
        kind=kind,
        service=t.services[int(services[0])] if len(services) == 1 else None,
        counter=t.stations[int(stations[0])][1] if len(stations) == 1 else None,
        start=start,
        end=end,
        ids=ids,
        count=len(ids),
        detail={key: _plain(v) for key, v in detail.items()},
    )
