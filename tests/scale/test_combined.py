"""Combined (pooled) index of a parent unit's subtree and of a unit group, against a direct
computation from the answers generated here."""

from __future__ import annotations

import csv
import io
import json
import random
import re
from datetime import UTC, datetime

import pytest

import instruments
from survey_app.models import Answer, InstrumentVersion, Response, Unit
from survey_app.rollups.maintain import rebuild
from survey_app.survey.services import instrument_version
from tests.helpers import make_unit

IKM = instruments.latest("ikm")
CODES = IKM.codes


def store(session, unit: Unit, when: datetime, values: dict[str, int]) -> None:
    version = session.query(InstrumentVersion).filter_by(slug="ikm").one_or_none() \
        or instrument_version(session, IKM)
    response = Response(unit_id=unit.id, service_id=unit.services[0].id,
                        instrument_version_id=version.id, submitted_at=when, source="paper",
                        answer_count=len(values), answer_sum=sum(values.values()))
    response.answers = [Answer(item_code=c, value=v) for c, v in values.items()]
    session.add(response)


def expected(answer_sets: list[dict[str, int]]) -> tuple[float, dict[str, float]]:
    """Pooled converted index: NRR per element over every answer, their mean, x25."""
    nrr = {}
    for code in CODES:
        vals = [a[code] for a in answer_sets if code in a]
        if vals:
            nrr[code] = sum(vals) / len(vals)
    return sum(nrr.values()) / len(nrr) * 25, nrr


@pytest.fixture
def tree(session):
    """P > A (Jakarta) > C; P > B (Makassar); X outside; random answers in Q1 2026."""
    rng = random.Random(7)
    units = {"P": make_unit(session, "P")}
    units["A"] = make_unit(session, "A", parent="P")
    units["B"] = make_unit(session, "B", parent="P", tz="Asia/Makassar")
    units["C"] = make_unit(session, "C", parent="A")
    units["X"] = make_unit(session, "X")
    answers: dict[str, list[dict[str, int]]] = {k: [] for k in units}
    sizes = {"P": 3, "A": 40, "B": 7, "C": 25, "X": 30}
    for code, size in sizes.items():
        for i in range(size):
            values = {c: rng.randint(1, 4) for c in CODES if rng.random() > 0.1 or c == CODES[0]}
            store(session, units[code], datetime(2026, 2, 1 + i % 27, 3, tzinfo=UTC), values)
            answers[code].append(values)
    # 2026-03-31 23:30 in Makassar (UTC+8) is in Q1 there; 00:30 on 1 April in Jakarta is not.
    late = {c: 4 for c in CODES}
    store(session, units["B"], datetime(2026, 3, 31, 15, 30, tzinfo=UTC), late)
    answers["B"].append(late)
    store(session, units["A"], datetime(2026, 3, 31, 17, 30, tzinfo=UTC), {c: 1 for c in CODES})
    session.commit()
    refresh_rollups(session)
    return units, answers


def refresh_rollups(session) -> None:
    """Responses stored here bypass the write paths: rebuild the roll-ups the results read."""
    rebuild(session)
    session.commit()


def run_json(runner, *args):
    result = runner.invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_parent_index_is_pooled_over_the_subtree(runner, tree):
    _, answers = tree
    data = run_json(runner, "ikm", "P", "--from", "2026-01-01", "--to", "2026-03-31",
                    "--with-subunits", "--json")
    pooled = [a for code in "PABC" for a in answers[code]]
    converted, nrr = expected(pooled)
    assert data["unit"] == "P" and data["n"] == len(pooled)
    assert data["converted"] == pytest.approx(converted, abs=1e-9)
    assert {e["code"]: e["nrr"] for e in data["elements"]} == pytest.approx(nrr, abs=1e-12)
    units = {u["code"]: u for u in data["units"]}
    assert list(units) == ["P", "A", "B", "C"]  # the unit first, then its subtree; X is not in
    for code in "PABC":
        assert units[code]["n"] == len(answers[code])
        assert units[code]["converted"] == pytest.approx(expected(answers[code])[0], abs=1e-9)
    mean = sum(expected(answers[c])[0] for c in "PABC") / 4
    assert data["combined"]["mean_of_units"] == pytest.approx(mean, abs=1e-9)
    assert data["combined"]["method"] == "pooled"
    assert data["converted"] != pytest.approx(mean, abs=1e-6)  # the two really differ here


def test_a_middle_unit_covers_only_its_own_subtree(runner, tree):
    _, answers = tree
    data = run_json(runner, "index", "A", "--instrument", "ikm", "--from", "2026-01-01",
                    "--to", "2026-03-31", "--with-subunits", "--json")
    assert [u["code"] for u in data["units"]] == ["A", "C"]
    assert data["converted"] == pytest.approx(expected(answers["A"] + answers["C"])[0])
    plain = run_json(runner, "ikm", "A", "--from", "2026-01-01", "--to", "2026-03-31", "--json")
    assert plain["n"] == len(answers["A"]) and "units" not in plain


def test_group_of_units_outside_one_subtree(runner, tree):
    _, answers = tree
    result = runner.invoke(args=["group", "add", "MPP", "B", "X", "--name", "Mal Pelayanan"])
    assert result.exit_code == 0, result.output
    data = run_json(runner, "group", "index", "MPP", "--from", "2026-01-01", "--to",
                    "2026-03-31", "--json")
    assert [u["code"] for u in data["units"]] == ["B", "X"]
    assert data["converted"] == pytest.approx(expected(answers["B"] + answers["X"])[0])
    assert data["combined"]["kind"] == "group"
    members = runner.invoke(args=["group", "members", "MPP", "--add", "C", "--remove", "X"])
    assert [line.split("\t")[0] for line in members.output.splitlines()] == ["B", "C"]
    data = run_json(runner, "group", "index", "MPP", "--from", "2026-01-01", "--to",
                    "2026-03-31", "--json")
    assert data["converted"] == pytest.approx(expected(answers["B"] + answers["C"])[0])
    bad = runner.invoke(args=["group", "add", "G2", "NOPE", "--name", "x"])
    assert bad.exit_code == 1 and "unknown unit" in bad.output


def test_combined_export_table(runner, tree, tmp_path):
    _, answers = tree
    out = tmp_path / "p.csv"
    result = runner.invoke(args=["export", "P", "--from", "2026-01-01", "--to", "2026-03-31",
                                 "--format", "csv", "--out", str(out), "--with-subunits"])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(out.open(encoding="utf-8-sig")))
    assert rows[0][:3] == ["kode_unit", "unit", "n"]
    by_code = {r[0]: r for r in rows[1:5]}  # row 5: the pooled row, also coded P
    assert int(by_code["C"][2]) == len(answers["C"])
    pooled = [a for code in "PABC" for a in answers[code]]
    assert float(by_code["P"][4]) == pytest.approx(expected(answers["P"])[0])
    assert float(rows[5][4]) == pytest.approx(expected(pooled)[0])
    png = runner.invoke(args=["export", "P", "--from", "2026-01-01", "--to", "2026-03-31",
                              "--format", "png", "--out", str(tmp_path / "p.png"),
                              "--with-subunits"])  # pdf, docx: test_combined_documents.py
    assert png.exit_code == 1 and "csv, xlsx, json, pdf or docx" in png.output
    as_json = tmp_path / "p.json"
    result = runner.invoke(args=["export", "P", "--from", "2026-01-01", "--to", "2026-03-31",
                                 "--format", "json", "--out", str(as_json), "--with-subunits"])
    assert result.exit_code == 0, result.output
    data = json.loads(as_json.read_text(encoding="utf-8"))
    assert data["converted"] == pytest.approx(expected(pooled)[0])
    assert [u["code"] for u in data["units"]] == ["P", "A", "B", "C"]


def test_dashboard_shows_the_combined_index_beside_each_unit(client, session, tree):
    from survey_app import formats
    from tests.admin.support import login, make_user

    units, answers = tree
    make_user(session, "staf@p.go.id", unit=units["P"])
    login(client, "staf@p.go.id")
    page = client.get("/admin/units/P/results/?period=2026-Q1").get_data(as_text=True)
    section = page.split('id="subunits"', 1)[1].split("</section>", 1)[0]
    pooled = expected([a for code in "PABC" for a in answers[code]])[0]
    assert formats.number(pooled) in section
    for code in "ABC":
        assert f"<td>{code} · Unit {code}</td>" in section
        assert formats.number(expected(answers[code])[0]) in section
    assert "<td>X" not in section
    link = re.search(r'href="([^"]+/combined/export/csv[^"]*)"', section).group(1)
    download = client.get(link.replace("&amp;", "&"))
    assert download.status_code == 200 and download.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(download.get_data(as_text=True).lstrip("\ufeff"))))
    assert float(rows[5][4]) == pytest.approx(pooled)
    assert client.get("/admin/units/C/combined/export/csv?period=2026-Q1").status_code == 302
    assert client.get("/admin/units/P/combined/export/png?period=2026-Q1").status_code == 404
    # a leaf unit, or one service, shows no combined section
    page = client.get("/admin/units/P/results/?period=2026-Q1&service=S1").get_data(as_text=True)
    assert 'id="subunits"' not in page


def test_group_page_for_the_instance_admin(client, session, tree):
    from tests.admin.support import csrf_of, login, make_user

    units, answers = tree
    make_user(session, "root@example.go.id", role="admin")
    make_user(session, "staf@b.go.id", unit=units["B"])
    login(client, "root@example.go.id")
    assert "/admin/groups/" in client.get("/admin/").get_data(as_text=True)
    page = client.get("/admin/groups/").get_data(as_text=True)
    made = client.post("/admin/groups/", data={"csrf_token": csrf_of(page), "code": "MPP",
                                               "name": "Mal Pelayanan", "units": "B, X"})
    assert made.status_code == 302
    page = client.get("/admin/groups/").get_data(as_text=True)
    assert "B, X" in page
    bad = client.post("/admin/groups/", data={"csrf_token": csrf_of(page), "code": "G2",
                                              "name": "x", "units": "NOPE"})
    assert bad.status_code == 422
    client.post("/admin/groups/MPP/members", data={"csrf_token": csrf_of(page), "add": "C",
                                                   "remove": "X"})
    reply = client.get("/admin/groups/MPP/export/csv?period=2026-Q1")
    assert reply.status_code == 200
    rows = list(csv.reader(io.StringIO(reply.get_data(as_text=True).lstrip("\ufeff"))))
    assert [r[0] for r in rows[1:3]] == ["B", "C"]
    assert float(rows[3][4]) == pytest.approx(expected(answers["B"] + answers["C"])[0])
    assert client.get("/admin/groups/MPP/export/csv?period=nonsense").status_code == 302
    assert client.get("/admin/groups/NOPE/export/csv?period=2026").status_code == 404
    client.post("/admin/logout", data={"csrf_token": csrf_of(page)})
    login(client, "staf@b.go.id")
    assert client.get("/admin/groups/").status_code == 403
