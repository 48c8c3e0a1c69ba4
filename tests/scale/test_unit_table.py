"""The table of member units beside a combined figure comes a page at a time, in code order or
lowest index first, on the dashboard and on a group's page; the pooled figure is over all."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from survey_app import formats
from survey_app.models import Publication
from survey_app.results import unit_table
from survey_app.results.unit_table import table_page
from tests.admin.support import login, make_user
from tests.scale import test_combined as base
from tests.scale.test_combined import expected

tree = base.tree  # P > A > C, P > B; X outside
Q1 = "period=2026-Q1"


def _rows(page: str) -> list[str]:
    section = page.split('id="subunits"', 1)[1].split("</section>", 1)[0]
    return re.findall(r'<tr data-unit="([^"]+)"', section)


def _index(answer_sets: list[dict[str, int]]) -> float:
    return expected(answer_sets)[0]


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(unit_table, "PAGE_SIZE", 2)


def test_dashboard_pages_through_the_units(client, session, tree, small_pages):
    units, answers = tree
    make_user(session, "staf@p.go.id", unit=units["P"])
    login(client, "staf@p.go.id")
    page = client.get(f"/admin/units/P/results/?{Q1}").get_data(as_text=True)
    assert _rows(page) == ["P", "A"]  # the parent first, then by code
    assert "Unit 1–2 dari 4" in page and "Halaman 1 dari 2" in page
    pooled = [a for code in "PABC" for a in answers[code]]
    assert formats.number(_index(pooled)) in page  # the pooled figure covers every unit
    second = client.get(f"/admin/units/P/results/?{Q1}&units_page=2").get_data(as_text=True)
    assert _rows(second) == ["B", "C"] and 'rel="prev"' in second
    # Lowest index first: the order the figures give, computed here from the answers.
    by_index = sorted("PABC", key=lambda c: (_index(answers[c]), c))
    low = client.get(f"/admin/units/P/results/?{Q1}&units_order=index").get_data(as_text=True)
    low2 = client.get(f"/admin/units/P/results/?{Q1}&units_order=index&units_page=2"
                      ).get_data(as_text=True)
    assert _rows(low) + _rows(low2) == by_index
    next_link = re.search(r'rel="next" href="([^"]+)"', low).group(1).replace("&amp;", "&")
    assert "units_order=index" in next_link and "units_page=2" in next_link
    assert _rows(client.get(next_link).get_data(as_text=True)) == by_index[2:]


@pytest.mark.parametrize("asked", ["0", "-1", "99", "x", "١", "9" * 30, ""])
def test_any_page_number_gives_a_page(client, session, tree, small_pages, asked):
    units, _answers = tree
    make_user(session, "staf@p.go.id", unit=units["P"])
    login(client, "staf@p.go.id")
    reply = client.get(f"/admin/units/P/results/?{Q1}&units_page={asked}&units_order=zz")
    assert reply.status_code == 200
    assert _rows(reply.get_data(as_text=True)) in (["P", "A"], ["B", "C"])


def test_table_page_positions_and_units_without_answers_last(tree):
    units, _answers = tree

    class Figure:  # the shape of combined.UnitFigure the page reads
        def __init__(self, code: str, converted: float | None) -> None:
            self.unit = units[code]
            self.result = None if converted is None else type("R", (), {"converted": converted})

    figures = [Figure("A", 80.0), Figure("B", None), Figure("C", 70.0), Figure("P", 80.0)]
    page = table_page(figures, {"units_order": "index"})  # type: ignore[arg-type]
    assert [f.unit.code for f in page.rows] == ["C", "A", "P", "B"]
    assert (page.first, page.last, page.pages, page.total) == (1, 4, 1, 4)
    kept = table_page(figures, {}, keep=lambda f: f.unit.code != "A")  # type: ignore[arg-type]
    assert [f.unit.code for f in kept.rows] == ["B", "C", "P"]  # as given


def test_public_page_of_a_combined_publication_pages_its_units(client, runner, session, tree,
                                                               small_pages):
    result = runner.invoke(args=["publish", "P", "--from", "2026-01-01", "--to", "2026-03-31",
                                 "--with-subunits"])
    assert result.exit_code == 0, result.output
    pub = session.scalars(select(Publication).where(Publication.scope == "subtree")).one()
    url = f"/hasil/P/{pub.id}"
    first = client.get(url).get_data(as_text=True)
    rows = re.findall(r'<tr data-unit="([^"]+)"', first)
    assert rows == ["P", "A"] and "Halaman 1 dari 2" in first
    second = client.get(f"{url}?units_page=2").get_data(as_text=True)
    assert re.findall(r'<tr data-unit="([^"]+)"', second) == ["B", "C"]
    frozen = json.loads(pub.figures)["index"]["units"]
    low = sorted(frozen, key=lambda u: (u["converted"] is None, u["converted"] or 0, u["code"]))
    shown = client.get(f"{url}?units_order=index").get_data(as_text=True)
    assert re.findall(r'<tr data-unit="([^"]+)"', shown) == [u["code"] for u in low[:2]]
    assert client.get(f"{url}?units_page=x&units_order=%00").status_code == 200
