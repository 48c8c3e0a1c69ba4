"""Roll-ups equal the raw answers, exactly, after random streams of every kind of write.

Each stream mixes web and kiosk submits (the hot path), paper imports (the bulk path),
quarantines and releases, deletions of responses and of whole imports, responses written through
the ORM, and time-zone changes, over two units under one parent in different zones. After every
step, every aggregate a result is computed from (answer counts, respondent moments, the groups
by service, counter, channel and unit, alpha's cross-products, the profile) and the figures
themselves (index, NRRs, CI, change test, alpha) are read from the roll-ups and from the
answers, and must be identical; `rollups check` must find nothing.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

import instruments
from survey_app import orgs
from survey_app.domain_errors import NoData
from survey_app.integrity import deletion
from survey_app.integrity.quarantine import quarantine, release
from survey_app.models import Answer, ImportBatch, Quarantine, Response, Unit
from survey_app.results import queries
from survey_app.results.combined import combined_selection
from survey_app.results.period import Period
from survey_app.results.report import build_report, reliability_for, selection
from survey_app.results.services import change_since
from survey_app.rollups import check
from survey_app.survey import services
from survey_app.survey.importer import import_csv
from survey_app.survey.validation import Submission
from tests.helpers import IKM_CODES, make_unit

START = datetime(2026, 1, 1, tzinfo=UTC)
SPAN_DAYS = 120
ZONES = ("Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura", "Europe/London")
HEADER = "submitted_at,service,jenis_kelamin,usia,pendidikan,pekerjaan," + ",".join(IKM_CODES) \
    + ",saran"
PERIODS = (Period(date(2026, 1, 1), date(2026, 1, 31)),  # a month
           Period(date(2026, 1, 17), date(2026, 3, 9)),  # a range: days, months, days
           Period(date(2026, 2, 3), date(2026, 2, 20)),  # days inside one month
           Period(date(2026, 1, 1), date(2026, 12, 31)))  # the year


def _answers(rng: random.Random) -> dict[str, int]:
    if rng.random() < 0.7:
        return {c: rng.randint(1, 4) for c in IKM_CODES}
    found = {c: rng.randint(1, 4) for c in IKM_CODES if rng.random() < 0.7}
    return found or {IKM_CODES[0]: rng.randint(1, 4)}


def _profile(rng: random.Random) -> dict[str, object]:
    return {"jenis_kelamin": rng.choice(["L", "P", None]),
            "usia": rng.choice([None, rng.randint(10, 120)]),
            "pendidikan": rng.choice([None, "SD", "SMA", "S1", "S3"]),
            "pekerjaan": rng.choice([None, "PNS", "Swasta", "Lainnya"])}


def _when(rng: random.Random) -> datetime:
    return START + timedelta(minutes=rng.randrange(SPAN_DAYS * 24 * 60))


class Stream:
    """Random writes on a small tree: P (parent) > U1, U2."""

    def __init__(self, session, rng: random.Random) -> None:  # type: ignore[no-untyped-def]
        self.session, self.rng = session, rng
        make_unit(session, "P", services={"S1": []})
        self.units = [make_unit(session, "U1", services={"S1": ["L1", "L2"], "S2": []},
                                parent="P"),
                      make_unit(session, "U2", services={"S1": ["L1"]}, tz="Asia/Makassar",
                                parent="P")]
        self.instrument = instruments.latest("ikm")
        self.version = services.recorded_version_id(session, self.instrument)
        self.nonce = 0

    def unit(self) -> Unit:
        return self.rng.choice(self.units)

    def ids(self, unit: Unit) -> list[int]:
        return list(self.session.scalars(select(Response.id).where(Response.unit_id == unit.id)
                                         .order_by(Response.id)))

    def submit(self) -> None:
        unit = self.unit()
        service = self.rng.choice(unit.services)
        counter = self.rng.choice([None, *service.counters])
        sub = Submission(answers=_answers(self.rng), **_profile(self.rng))  # type: ignore[arg-type]
        self.nonce += 1
        services.store_web_response(
            self.session, services.Target.of(unit, service, counter), self.version, sub,
            f"nonce-{self.nonce}", channel=self.rng.choice(["web", "kiosk"]),
            answered_at=_when(self.rng))

    def import_file(self) -> None:
        unit = self.unit()
        lines = [HEADER]
        for _ in range(self.rng.randint(1, 40)):
            values = _answers(self.rng)
            p = _profile(self.rng)
            cells = ",".join(str(values.get(c, "")) for c in IKM_CODES)
            lines.append(f"{_when(self.rng):%Y-%m-%dT%H:%M:%S}+00:00,"
                         f"{self.rng.choice(unit.services).code},{p['jenis_kelamin'] or ''},"
                         f"{p['usia'] or ''},{p['pendidikan'] or ''},{p['pekerjaan'] or ''},"
                         f"{cells},")
        import_csv(self.session, unit, self.instrument, "\n".join(lines) + "\n", 500,
                   actor="test")

    def quarantine(self) -> None:
        unit = self.unit()
        ids = self.ids(unit)
        if ids:
            quarantine(self.session, unit, self.rng.sample(ids, min(len(ids), 7)), "burst",
                       actor="test")
            self.session.commit()

    def release(self) -> None:
        unit = self.unit()
        held = list(self.session.scalars(select(Quarantine.response_id).join(Response)
                                         .where(Response.unit_id == unit.id)))
        if held:
            release(self.session, unit, self.rng.sample(held, min(len(held), 4)), actor="test")
            self.session.commit()

    def delete(self) -> None:
        unit = self.unit()
        ids = self.ids(unit)
        if ids:
            deletion.delete_responses(self.session, unit, self.rng.sample(ids, min(len(ids), 3)),
                                      "duplicate entry", actor="test")
            self.session.commit()

    def delete_batch(self) -> None:
        unit = self.unit()
        batches = list(self.session.scalars(select(ImportBatch.id)
                                            .where(ImportBatch.unit_id == unit.id)))
        if batches:
            deletion.delete_batch(self.session, unit, self.rng.choice(batches), "wrong file",
                                  actor="test")
            self.session.commit()

    def orm_write(self) -> None:
        """A response added, and another one's answer changed, through the ORM."""
        unit = self.unit()
        service = unit.services[0]
        answers = _answers(self.rng)
        response = Response(unit_id=unit.id, service_id=service.id,
                            instrument_version_id=self.version, submitted_at=_when(self.rng),
                            source="web", answer_count=len(answers),
                            answer_sum=sum(answers.values()), **_profile(self.rng))
        response.answers = [Answer(item_code=c, value=v) for c, v in answers.items()]
        self.session.add(response)
        self.session.commit()
        other = self.session.scalars(select(Answer).where(Answer.value < 4).limit(1)).first()
        if other is not None:
            owner = self.session.get(Response, other.response_id)
            assert owner is not None
            other.value += 1
            owner.answer_sum += 1
            self.session.commit()

    def move_zone(self) -> None:
        unit = self.unit()
        orgs.set_unit_tz(self.session, unit, self.rng.choice([z for z in ZONES if z != unit.tz]))
        self.session.commit()

    def step(self) -> str:
        name = self.rng.choices(
            ["submit", "import_file", "quarantine", "release", "delete", "delete_batch",
             "orm_write", "move_zone"], weights=[10, 3, 2, 2, 2, 1, 1, 1])[0]
        getattr(self, name)()
        return name


def _selections(session, stream: Stream) -> list[queries.Selection]:  # type: ignore[no-untyped-def]
    """Per period: each unit, a service, a counter with its quarantined responses, and both
    units pooled with and without them."""
    out = []
    for period in PERIODS:
        for unit in stream.units:
            session.refresh(unit)
            service = unit.services[0]
            out.append(selection(unit, "ikm", period) if period.kind() != "month"
                       else selection(unit, "ikm", period, service))
            if service.counters:
                out.append(selection(unit, "ikm", period, service, service.counters[0],
                                     include_quarantined=True))
        pooled = combined_selection(stream.units, "ikm", period)
        out += [pooled, replace(pooled, include_quarantined=True)]
    return out


def _assert_same(session, stream: Stream, monkeypatch, step: str) -> None:  # type: ignore[no-untyped-def]
    for sel in _selections(session, stream):
        raw = queries.raw(sel)
        assert queries.element_counts(session, sel) == queries.element_counts(session, raw), step
        assert queries.respondents(session, sel) == queries.respondents(session, raw), step
        for by in ("service_id", "counter_id", "source", "unit_id"):
            assert queries.grouped(session, sel, by) == queries.grouped(session, raw, by), step
        assert queries.item_moments(session, sel, IKM_CODES) == \
            queries.item_moments(session, raw, IKM_CODES), step
        assert queries.profile_counts(session, sel) == queries.profile_counts(session, raw), step
    if step in ("import_file", "delete_batch", "move_zone"):  # the set-based paths
        assert check.differences(session) == [], step
    # The figures themselves, through the report code, with the roll-ups switched off.
    unit, period = stream.units[0], PERIODS[3]
    figures = _figures(session, unit, period)
    monkeypatch.setattr(queries, "ROLLUPS", False)
    assert _figures(session, unit, period) == figures, step
    monkeypatch.setattr(queries, "ROLLUPS", True)


def _figures(session, unit: Unit, period: Period) -> object:  # type: ignore[no-untyped-def]
    try:
        report = build_report(session, unit, "ikm", period, by="service_id")
        previous = build_report(session, unit, "ikm", PERIODS[0])
    except NoData as exc:  # nothing answered yet: the same on both paths
        return exc.args
    alpha = reliability_for(session, report)
    return (report.to_json(), report.moments, change_since(previous, report),
            alpha and (alpha.alpha, alpha.item_total))


@pytest.mark.parametrize("seed", [1, 2])
def test_rollups_equal_the_answers_after_random_writes(session, monkeypatch, seed):
    rng = random.Random(seed)
    stream = Stream(session, rng)
    for _ in range(6):  # something to start from
        stream.submit()
    stream.import_file()
    for _ in range(14):
        step = stream.step()
        _assert_same(session, stream, monkeypatch, step)
    assert check.differences(session) == []
    assert session.scalar(select(Response.id).limit(1)) is not None
