"""Small groups on the public page: no hidden group can be worked out from the total."""

from __future__ import annotations

import itertools
import json
import re
from html import unescape

from sqlalchemy import select

from survey_app.models import Publication
from survey_app.results.exports.common import breakdown
from survey_app.results.smallgroups import suppress_small
from tests.admin.support import login, make_user
from tests.helpers import make_unit
from tests.results.test_exports import load

Q1 = "period=2026-Q1"
ANSWERS = ",".join(["3"] * 9)


def possible_values(shown: list[str], total: int) -> list[set[int]]:
    """For each printed cell, every value it can have given the total: a number is itself,
    "<5" is 1..4, "≥5" is 5 or more; together they add up to the total. Worked out by
    enumerating reachable sums (independent of how the app decides what to hide)."""
    ranges = [range(int(v), int(v) + 1) if v.isdigit() else
              range(1, 5) if v == "<5" else range(5, total + 1) for v in shown]
    result = []
    for i, own in enumerate(ranges):
        sums = {0}
        for j, other in enumerate(ranges):
            if j != i:
                sums = {s + v for s in sums for v in other if s + v <= total}
        result.append({v for v in own if total - v in sums})
    return result


def assert_nothing_recoverable(shown: list[str], total: int) -> None:
    for value, options in zip(shown, possible_values(shown, total), strict=True):
        if value == "<5":
            assert len(options) >= 2, (shown, total, options)


def test_suppression_never_leaves_a_small_group_recoverable():
    for size in (1, 2, 3, 4):
        for counts in itertools.product(range(1, 9), repeat=size):
            cells = {f"g{i}": n for i, n in enumerate(counts)}
            shown = suppress_small(cells)
            if not shown:  # withheld: hiding every group would still give one away
                everything = ["<5" if n < 5 else "≥5" for n in counts]
                assert any(len(o) == 1 and v == "<5" for v, o in zip(
                    everything, possible_values(everything, sum(counts)), strict=True))
                continue
            assert_nothing_recoverable([shown[k] for k in cells], sum(counts))
            for k, n in cells.items():  # a shown number is the true count
                assert shown[k] in (str(n), "<5" if n < 5 else "≥5")


def test_the_reviewers_case_and_a_pinned_breakdown():
    bands = {"<20": 1, "20-29": 15, "30-39": 15, "40-49": 15, "50-59": 15, "60+": 15}
    shown = suppress_small(bands)
    assert shown["<20"] == "<5" and shown["20-29"] == "≥5"
    assert_nothing_recoverable(list(shown.values()), 76)
    assert suppress_small({"L": 4, "P": 4}) == {}  # 8 = 4 + 4 whatever is hidden
    assert breakdown("jenis_kelamin", {"L": 4, "P": 4})[0][1] == "-"


def publish_76(runner, session, client, tmp_path):
    """76 respondents: age bands 1 + 5 x 15 (75), education 72 SMA + 4 S3, all Swasta."""
    unit = make_unit(session)
    ages = [18] + [25] * 15 + [35] * 15 + [45] * 15 + [55] * 15 + [65] * 15
    rows = [f"2026-02-{1 + i % 28:02d},S1,{'L' if i % 2 else 'P'},{age},"
            f"{'S3' if i < 4 else 'SMA'},Swasta,{ANSWERS}," for i, age in enumerate(ages)]
    load(runner, tmp_path, rows)
    make_user(session, unit=unit, role="unit_admin")
    login(client, "staf@u1.go.id")
    page = client.get(f"/admin/units/U1/results/?{Q1}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post(f"/admin/units/U1/results/publish?{Q1}",
                       data={"csrf_token": token}).status_code == 302
    return session.scalars(select(Publication)).one()


def public_breakdowns(html: str) -> tuple[int, dict[str, dict[str, str]]]:
    total = int(re.search(r"(\d+) respond", html).group(1))
    found = {}
    for name, body in re.findall(r'<p data-profile="(\w+)">(.*?)</p>', html, re.S):
        found[name] = dict(re.findall(r'<span class="chip">([^:<]+): ([^<]+)</span>', body))
    return total, {k: {unescape(g): unescape(v) for g, v in cells.items()}
                   for k, cells in found.items()}


def test_public_page_reveals_no_group_through_the_total(runner, session, client, tmp_path):
    pub = publish_76(runner, session, client, tmp_path)
    html = client.application.test_client().get(f"/hasil/U1/{pub.id}").get_data(as_text=True)
    total, fields = public_breakdowns(html)
    assert total == 76
    assert set(fields) == {"jenis_kelamin", "pendidikan", "pekerjaan", "usia"}
    # hiding only the small cell would print 20-29..60+ as 15 and let 76 - 75 = 1 through;
    # one more band is hidden as "≥5"
    assert fields["usia"]["di bawah 20"] == "<5"  # the band's label, in the page's language
    assert sorted(fields["usia"].values()) == ["15", "15", "15", "15", "<5", "≥5"]
    assert fields["pendidikan"] == {"Doktor (S3)": "<5", "SMA/SMK": "≥5"}
    for cells in fields.values():
        assert_nothing_recoverable(list(cells.values()), total)
    # the page and the infographic follow one rule: the PNG's breakdown shows the same cells
    raw = json.loads(pub.figures)["profile_raw"]
    for name, cells in fields.items():
        assert sorted(v for _, v in breakdown(name, raw[name])) == sorted(cells.values())


def test_publication_frozen_under_the_old_rule_is_shown_safely(runner, session, client,
                                                               tmp_path):
    pub = publish_76(runner, session, client, tmp_path)
    fig = json.loads(pub.figures)
    fig["profile"]["usia"] = {"<20": "<5", "20-29": 15, "30-39": 15, "40-49": 15, "50-59": 15,
                              "60+": 15}  # what the old per-cell rule stored
    pub.figures = json.dumps(fig)
    session.commit()
    html = client.application.test_client().get(f"/hasil/U1/{pub.id}").get_data(as_text=True)
    total, fields = public_breakdowns(html)
    assert_nothing_recoverable(list(fields["usia"].values()), total)


def test_a_breakdown_that_would_single_someone_out_is_withheld(runner, session, client,
                                                               tmp_path):
    unit = make_unit(session)
    load(runner, tmp_path, [f"2026-02-0{1 + i},S1,{'L' if i < 4 else 'P'},30,SMA,Swasta,"
                            f"{ANSWERS}," for i in range(8)])
    make_user(session, unit=unit, role="unit_admin")
    login(client, "staf@u1.go.id")
    page = client.get(f"/admin/units/U1/results/?{Q1}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.post(f"/admin/units/U1/results/publish?{Q1}", data={"csrf_token": token})
    pub = session.scalars(select(Publication)).one()
    html = client.application.test_client().get(f"/hasil/U1/{pub.id}").get_data(as_text=True)
    _, fields = public_breakdowns(html)
    assert "jenis_kelamin" not in fields  # L 4 + P 4 = 8: withheld, not "<5" twice
    assert 'data-profile="jenis_kelamin">' in html.replace('class="muted" ', "")
    assert fields["pendidikan"] == {"SMA/SMK": "8"}
