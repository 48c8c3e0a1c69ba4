"""Inflation scenarios through the app, over a clean stored history: each is flagged with the
right kind, place and window by `survey-app integrity --json`, and the history is not."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from survey_app.models import Response
from tests.helpers import IKM_CODES
from tests.integrity.support import (
    clean_history,
    import_paper,
    integrity_json,
    make_integrity_unit,
    submit_web,
)

WIB = ZoneInfo("Asia/Jakarta")
START = date(2026, 10, 5)  # a Monday; four weeks of history
DAYS = 28
END = START + timedelta(days=DAYS - 1)


def _flags(data: dict, kind: str) -> list[dict]:  # type: ignore[type-arg]
    return [f for f in data["flags"] if f["kind"] == kind]


def _ids_since(session, first_new: int) -> set[int]:  # type: ignore[no-untyped-def]
    session.expire_all()
    return set(session.scalars(select(Response.id).where(Response.id >= first_new)))


def _clean(session):  # type: ignore[no-untyped-def]
    unit = make_integrity_unit(session)
    ids = clean_history(session, unit, START, DAYS)
    return unit, max(ids) + 1


def test_clean_history_alone_is_not_flagged(runner, session):
    # 5,000 clean responses with realistic profiles, answers and channels, stored and checked
    # through the app: at least 98 % carry no flag (measured: 0 flagged, both databases).
    unit = make_integrity_unit(session)
    clean_history(session, unit, START, DAYS, n=5000, seed=5)
    data = integrity_json(runner, "U1", START, END)
    assert data["checked"] == 5000
    assert data["flagged"] / data["checked"] <= 0.02, data["flags"][:3]
    print(f"clean: {data['flagged']} of {data['checked']} flagged")


def test_sixty_identical_perfect_web_answers_at_one_counter(client, runner, session, monkeypatch):
    _unit, first_new = _clean(session)
    at = datetime(2026, 10, 21, 10, 0, tzinfo=WIB)  # a Wednesday morning
    times = [at + timedelta(seconds=15 * i) for i in range(60)]  # 60 within 15 minutes
    submit_web(client, monkeypatch, "/s/U1/SKCK/L1", times)
    fraud = _ids_since(session, first_new)
    assert len(fraud) == 60
    data = integrity_json(runner, "U1", START, END)
    bursts = _flags(data, "burst")
    assert len(bursts) == 1
    burst = bursts[0]
    assert (burst["service"], burst["counter"]) == ("SKCK", "L1")
    assert set(burst["response_ids"]) <= fraud and burst["responses"] >= 50
    assert burst["start"].startswith("2026-10-21T10:0") and burst["end"] <= "2026-10-21T10:15"
    assert burst["detail"] and burst["parameters"]["window_minutes"] == 15
    # The same answers sixty times: the pattern checks see the counter-day too.
    for kind in ("near_duplicates", "straight_lining"):
        found = [f for f in _flags(data, kind) if (f["service"], f["counter"]) == ("SKCK", "L1")]
        assert found and set(found[0]["response_ids"]) >= fraud
        assert found[0]["start"][:10] == "2026-10-21"
    # Nothing of the clean history is under a flag.
    flagged = {i for f in data["flags"] for i in f["response_ids"]}
    assert flagged <= fraud


def test_thirty_web_answers_at_night(client, runner, session, monkeypatch):
    _unit, first_new = _clean(session)
    at = datetime(2026, 10, 14, 23, 10, tzinfo=WIB)  # Wednesday night
    times = [at + timedelta(minutes=2 * i) for i in range(30)]  # until 00:08
    submit_web(client, monkeypatch, "/s/U1/SIM/L1", times, value=3)
    night = _ids_since(session, first_new)
    data = integrity_json(runner, "U1", START, END)
    found = _flags(data, "outside_hours")
    assert len(found) == 1
    flag = found[0]
    assert (flag["service"], flag["counter"]) == ("SIM", "L1")
    assert set(flag["response_ids"]) == night
    assert flag["start"] == "2026-10-14T23:10:00+07:00"
    assert flag["end"] == "2026-10-15T00:08:00+07:00"


def test_a_paper_file_of_300_perfect_rows_dated_one_day(runner, session, tmp_path):
    _unit, first_new = _clean(session)
    row = {"submitted_at": "2026-10-20", "service": "LAPOR", **dict.fromkeys(IKM_CODES, "4")}
    import_paper(runner, tmp_path, "U1", [row] * 300)
    paper = _ids_since(session, first_new)
    assert len(paper) == 300
    data = integrity_json(runner, "U1", START, END)
    found = [f for f in _flags(data, "bulk_import") if set(f["response_ids"]) & paper]
    assert found
    flag = found[0]
    assert (flag["service"], flag["counter"]) == ("LAPOR", None)
    assert set(flag["response_ids"]) == paper
    assert flag["start"][:10] == flag["end"][:10] == "2026-10-20"
    assert flag["parameters"]["reason"] == "distribution"
    flagged = {i for f in data["flags"] for i in f["response_ids"]}
    assert flagged <= paper


def test_a_counter_whose_scores_jump(app, client, runner, session, monkeypatch):
    _unit, first_new = _clean(session)
    # Answers over days from one test client: lift the per-client limit of ten minutes.
    app.config["SURVEY"] = replace(app.config["SURVEY"], survey_rate_limit=(1000, 600))
    # The last week: SKCK/L2 also gets 25 perfect answers a day, spread over opening hours.
    times = [datetime(2026, 10, 26 + d, 8, 0, tzinfo=WIB) + timedelta(minutes=19 * i)
             for d in range(5) for i in range(25)]
    submit_web(client, monkeypatch, "/s/U1/SKCK/L2", times)
    jumped = _ids_since(session, first_new)
    data = integrity_json(runner, "U1", START, END)
    found = [f for f in _flags(data, "nrr_jump") if (f["service"], f["counter"]) == ("SKCK", "L2")]
    assert len(found) == 1
    flag = found[0]
    assert set(flag["response_ids"]) >= jumped
    assert flag["start"][:10] >= "2026-10-26" and flag["end"][:10] <= "2026-11-01"
    assert flag["parameters"]["observed"] > flag["parameters"]["expected"] + 0.3
