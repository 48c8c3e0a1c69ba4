"""Combined figures on the web: a parent unit publishes its subtree's pooled index from its
dashboard; a group's figure shows on the dashboards of its units and of the unit that runs it,
links to the group's page, is published there and has a public page and a verification page."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from survey_app import formats
from survey_app.models import Publication
from tests.admin.support import csrf_of, login, make_user
from tests.scale import test_combined as base
from tests.scale.test_combined import expected

tree = base.tree  # the fixture: P > A > C, P > B (another time zone), X outside
Q1 = "period=2026-Q1"


def _section(page: str, marker: str) -> str:
    return page.split(marker, 1)[1].split("</section>", 1)[0]


def test_parent_publishes_its_combined_figure_from_the_dashboard(client, session, tree):
    units, answers = tree
    make_user(session, "staf@p.go.id", unit=units["P"])
    login(client, "staf@p.go.id")
    page = client.get(f"/admin/units/P/results/?{Q1}").get_data(as_text=True)
    section = _section(page, 'id="subunits"')
    action = re.search(r'action="([^"]+/combined/publish[^"]*)"', section).group(1)
    reply = client.post(action.replace("&amp;", "&"), data={"csrf_token": csrf_of(page)})
    assert reply.status_code == 302
    pub = session.scalars(select(Publication)).one()
    assert (pub.scope, pub.unit_id, pub.revision) == ("subtree", units["P"].id, 1)
    page = client.get(f"/admin/units/P/results/?{Q1}").get_data(as_text=True)
    section = _section(page, 'id="subunits"')
    assert 'class="notice ok" role="status"' in section  # the outcome, beside its form
    assert re.findall(r'data-revision="(\d+)"', section) == ["1"]
    assert 'name="reason"' in section  # publishing again needs a reason
    # The unit's own Publish form still publishes the unit alone, as revision 1 of its scope.
    own = client.post(f"/admin/units/P/results/publish?{Q1}", data={"csrf_token": csrf_of(page)})
    assert own.status_code == 302
    scopes = sorted(p.scope for p in session.scalars(select(Publication)))
    assert scopes == ["subtree", "unit"]
    # The public page of the combined figure: pooled index, each unit's own, verification.
    public = client.get(f"/hasil/P/{pub.id}").get_data(as_text=True)
    pooled = [a for code in "PABC" for a in answers[code]]
    assert formats.number(expected(pooled)[0]) in public
    assert [m for m in re.findall(r'data-unit="([^"]+)"', public)] == ["P", "A", "B", "C"]
    code = re.search(r"data-verification-code>([0-9A-F-]+)<", public).group(1)
    verify = client.get(f"/verifikasi/{code}").get_data(as_text=True)
    assert 'data-verify="ok"' in verify and f"/hasil/P/{pub.id}" in verify
    assert client.get(f"/hasil/P/{pub.id}/infografis.png").mimetype == "image/png"
    assert f"/hasil/P/{pub.id}" in client.get("/hasil/P").get_data(as_text=True)


def test_analyst_sees_no_publish_form_and_may_not_post(client, session, tree):
    units, _answers = tree
    make_user(session, "analis@p.go.id", role="analyst", unit=units["P"])
    login(client, "analis@p.go.id")
    page = client.get(f"/admin/units/P/results/?{Q1}").get_data(as_text=True)
    assert "/combined/publish" not in _section(page, 'id="subunits"')
    reply = client.post(f"/admin/units/P/combined/publish?{Q1}",
                        data={"csrf_token": csrf_of(page)})
    assert reply.status_code == 403
    assert session.scalars(select(Publication)).first() is None


@pytest.fixture
def group(runner, tree):
    """MPP: B and X, run by X."""
    result = runner.invoke(args=["group", "add", "MPP", "B", "X", "--name", "Mal Pelayanan",
                                 "--owner", "X"])
    assert result.exit_code == 0, result.output
    return tree


def test_group_card_on_member_and_owner_dashboards(client, session, group):
    units, answers = group
    figure = formats.number(expected(answers["B"] + answers["X"])[0])
    make_user(session, "staf@b.go.id", unit=units["B"])
    make_user(session, "staf@x.go.id", unit=units["X"])
    make_user(session, "staf@a.go.id", unit=units["A"])
    for email in ("staf@b.go.id", "staf@x.go.id"):
        login(client, email)
        code = email.split("@")[1][0].upper()
        page = client.get(f"/admin/units/{code}/results/?{Q1}").get_data(as_text=True)
        card = _section(page, 'data-group="MPP"')
        assert figure in card
        link = re.search(r'href="(/admin/groups/MPP/[^"]*)"', card).group(1)
        assert client.get(link.replace("&amp;", "&")).status_code == 200
        client.post("/admin/logout", data={"csrf_token": csrf_of(page)})
    login(client, "staf@a.go.id")  # A is neither in the group nor runs it
    page = client.get(f"/admin/units/A/results/?{Q1}").get_data(as_text=True)
    assert 'data-group="MPP"' not in page
    assert client.get(f"/admin/groups/MPP/?{Q1}").status_code == 404


def test_group_page_rows_and_publishing_by_who_runs_it(client, session, group):
    units, answers = group
    make_user(session, "staf@b.go.id", unit=units["B"])
    make_user(session, "staf@x.go.id", unit=units["X"])
    login(client, "staf@b.go.id")  # a member: the pooled figure and its own row only
    page = client.get(f"/admin/groups/MPP/?{Q1}").get_data(as_text=True)
    assert re.findall(r'data-unit="([^"]+)"', page) == ["B"]
    assert "/admin/groups/MPP/publish" not in page
    assert client.get(f"/admin/groups/MPP/export/csv?{Q1}").status_code == 404
    assert client.post(f"/admin/groups/MPP/publish?{Q1}",
                       data={"csrf_token": csrf_of(page)}).status_code == 403
    client.post("/admin/logout", data={"csrf_token": csrf_of(page)})
    login(client, "staf@x.go.id")  # runs the group: every row, downloads, publishing
    page = client.get(f"/admin/groups/MPP/?{Q1}").get_data(as_text=True)
    assert re.findall(r'data-unit="([^"]+)"', page) == ["B", "X"]
    reply = client.get(f"/admin/groups/MPP/export/json?{Q1}")
    assert json.loads(reply.get_data(as_text=True))["combined"]["kind"] == "group"
    action = re.search(r'action="(/admin/groups/MPP/publish[^"]*)"', page).group(1)
    assert client.post(action.replace("&amp;", "&"),
                       data={"csrf_token": csrf_of(page)}).status_code == 302
    pub = session.scalars(select(Publication)).one()
    assert (pub.scope, pub.unit_id, pub.group_id is not None) == ("group", None, True)
    again = client.post(action.replace("&amp;", "&"), data={"csrf_token": csrf_of(page)})
    assert again.status_code == 302 and session.scalars(select(Publication)).one().id == pub.id
    public = client.get(f"/kelompok/MPP/hasil/{pub.id}").get_data(as_text=True)
    assert "Mal Pelayanan" in public
    assert formats.number(expected(answers["B"] + answers["X"])[0]) in public
    assert f"/kelompok/MPP/hasil/{pub.id}" in client.get("/kelompok/MPP/hasil/").get_data(
        as_text=True)
    assert client.get(f"/kelompok/MPP/hasil/{pub.id}/infografis.png").status_code == 200
    assert client.get(f"/hasil/X/{pub.id}").status_code == 404  # not a unit's publication
    assert client.get("/kelompok/NOPE/hasil/").status_code == 404
    code = re.search(r"data-verification-code>([0-9A-F-]+)<", public).group(1)
    verify = client.get(f"/verifikasi/{code}").get_data(as_text=True)
    assert 'data-verify="ok"' in verify and "Mal Pelayanan" in verify
