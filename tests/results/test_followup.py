"""The follow-up plan (RTL) page: a GET only shows, a POST stores (rows keyed by element code),
publishing freezes the plan."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey_app.db import db
from survey_app.models import Base, FollowUpItem, Publication, Unit
from survey_app.results import services
from survey_app.results.period import parse_period
from survey_app.results.report import build_report
from tests.results.test_dashboard import Q1, csrf, load, setup

RTL = f"/admin/units/U1/results/rtl?{Q1}"


def row_counts(session: Session) -> dict[str, int]:
    """Rows per table of the whole schema."""
    session.expire_all()
    return {table.name: int(session.scalar(select(func.count()).select_from(table)) or 0)
            for table in Base.metadata.sorted_tables}


def plan(session: Session) -> list[tuple[int, str, str, str, str]]:
    """The stored plan rows, by priority."""
    session.expire_all()
    return [(p.priority, p.element_code, p.program, p.waktu, p.penanggung_jawab)
            for p in session.scalars(select(FollowUpItem).order_by(FollowUpItem.priority))]


def shown(page: str) -> dict[str, tuple[str, str, str]]:
    """The plan fields a page shows, per element code, in page order."""
    rows = {}
    for code in re.findall(r'name="program-(\w+)"', page):
        program = re.search(rf'name="program-{code}"[^>]*>([^<]*)</textarea>', page)
        waktu = re.search(rf'name="waktu-{code}" value="([^"]*)"', page)
        pj = re.search(rf'name="penanggung_jawab-{code}" value="([^"]*)"', page)
        assert program and waktu and pj
        rows[code] = (program.group(1), waktu.group(1), pj.group(1))
    return rows


def test_showing_the_plan_writes_nothing(runner, session, client, tmp_path):
    setup(runner, session, client, tmp_path)
    before = row_counts(session)
    page = client.get(RTL).get_data(as_text=True)
    again = client.get(RTL).get_data(as_text=True)
    assert row_counts(session) == before
    assert before["follow_up_items"] == 0
    # the pre-filled plan is shown all the same, and said to be unsaved
    assert list(shown(page)) == ["pengaduan", "biaya"] == list(shown(again))
    assert 'id="plan-not-saved"' in page


def test_a_viewer_showing_the_plan_writes_nothing(runner, session, client, tmp_path):
    setup(runner, session, client, tmp_path, role="analyst")
    before = row_counts(session)
    page = client.get(RTL).get_data(as_text=True)
    assert list(shown(page)) == ["pengaduan", "biaya"] and "readonly" in page
    assert row_counts(session) == before


def test_saved_values_come_back_on_reload(runner, session, client, tmp_path):
    setup(runner, session, client, tmp_path)
    page = client.get(RTL).get_data(as_text=True)
    assert client.post(RTL, data={
        "csrf_token": csrf(page), "program-pengaduan": "Kotak saran di loket",
        "waktu-pengaduan": "April 2026", "penanggung_jawab-pengaduan": "Kasubbag Umum",
        "program-biaya": "Papan tarif", "waktu-biaya": "Mei 2026",
        "penanggung_jawab-biaya": "Kepala Seksi"}).status_code == 302
    assert plan(session) == [
        (1, "pengaduan", "Kotak saran di loket", "April 2026", "Kasubbag Umum"),
        (2, "biaya", "Papan tarif", "Mei 2026", "Kepala Seksi")]
    reloaded = client.get(RTL).get_data(as_text=True)
    assert shown(reloaded) == {
        "pengaduan": ("Kotak saran di loket", "April 2026", "Kasubbag Umum"),
        "biaya": ("Papan tarif", "Mei 2026", "Kepala Seksi")}
    assert 'id="plan-not-saved"' not in reloaded
    # a second save updates the same rows instead of adding a plan
    assert client.post(RTL, data={"csrf_token": csrf(reloaded),
                                  "program-biaya": "Papan tarif baru"}).status_code == 302
    assert [row[:3] for row in plan(session)] == [(1, "pengaduan", "Kotak saran di loket"),
                                                  (2, "biaya", "Papan tarif baru")]


def test_a_row_never_lands_on_another_element(runner, session, client, tmp_path):
    setup(runner, session, client, tmp_path)
    page = client.get(RTL).get_data(as_text=True)
    assert list(shown(page)) == ["pengaduan", "biaya"]
    # answers arrive between showing and saving: waktu is now second lowest, biaya is not
    load(runner, tmp_path, [f"2026-03-0{i},S1,L,SMA,4,4,1,4,4,4,4,1,4,"
                            for i in range(1, 7)], name="late.csv")
    assert client.post(RTL, data={"csrf_token": csrf(page), "program-pengaduan": "A",
                                  "program-biaya": "B"}).status_code == 302
    assert [row[:3] for row in plan(session)] == [(1, "pengaduan", "A"), (2, "waktu", "")]


def test_publishing_freezes_the_plan_saved_or_prefilled(runner, session, client, tmp_path):
    setup(runner, session, client, tmp_path)
    page = client.get(f"/admin/units/U1/results/?{Q1}").get_data(as_text=True)
    assert client.post(f"/admin/units/U1/results/publish?{Q1}",
                       data={"csrf_token": csrf(page)}).status_code == 302
    # nothing was saved: publishing stores the pre-filled plan and freezes it
    assert plan(session) == [(1, "pengaduan", "", "", ""), (2, "biaya", "", "", "")]
    first = json.loads(session.scalars(select(Publication)).one().figures)["plan"]
    assert [(p["priority"], p["element"], p["program"]) for p in first] == [
        (1, "pengaduan", ""), (2, "biaya", "")]
    rtl = client.get(RTL).get_data(as_text=True)
    client.post(RTL, data={"csrf_token": csrf(rtl), "program-biaya": "Papan tarif"})
    client.post(f"/admin/units/U1/results/publish?{Q1}",
                data={"csrf_token": csrf(page), "reason": "RTL diisi"})
    session.expire_all()
    latest = session.scalars(select(Publication).where(Publication.is_current.is_(True))).one()
    assert [(p["element"], p["program"]) for p in json.loads(latest.figures)["plan"]] == [
        ("pengaduan", ""), ("biaya", "Papan tarif")]


def test_storing_the_plan_while_publishing_commits_nothing_itself(app, runner, session, client,
                                                                  tmp_path):
    """The plan rows, publication and audit row of a publish are one transaction: when a second
    call fails and the request rolls back, nothing of the first is left."""
    setup(runner, session, client, tmp_path)
    before = row_counts(session)
    with app.test_request_context():
        unit = db.session.scalars(select(Unit)).one()
        report = build_report(db.session, unit, "ikm", parse_period("2026-Q1"))
        services.publish(db.session, report, None, actor="test")
        assert db.session.scalar(select(func.count()).select_from(FollowUpItem)) == 2
        with pytest.raises(services.PublishError):  # again, without a reason
            services.publish(db.session, report, None, actor="test")
        db.session.rollback()
    assert row_counts(session) == before
    assert before["follow_up_items"] == before["publications"] == 0
