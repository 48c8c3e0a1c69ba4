"""Staff dashboard, sample entry, follow-up plan, publishing and the public results page."""

from __future__ import annotations

import re

from sqlalchemy import select

from survey_app.models import FollowUpItem, Publication, ServicePopulation
from tests.admin.test_admin import login, make_user
from tests.helpers import IKM_CODES, make_unit

HEADER = "submitted_at,service,jenis_kelamin,pendidikan," + ",".join(IKM_CODES) + ",saran"
Q1 = "period=2026-Q1"


def load(runner, tmp_path, rows, name="rows.csv"):
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *rows]) + "\n")
    result = runner.invoke(args=["responses", "import", "U1", str(path)])
    assert result.exit_code == 0, result.output


def setup(runner, session, client, tmp_path, role="unit_admin"):
    unit = make_unit(session, services={"S1": ["L1"], "S2": []})
    rows = [f"2026-01-1{i % 9},S1,{'L' if i % 2 else 'P'},SMA,4,4,3,2,4,4,3,1,3,"
            for i in range(6)]
    rows.append("2026-02-01,S2,L,S3,3,3,3,3,3,3,3,3,3,Kursi ruang tunggu kurang")
    load(runner, tmp_path, rows)
    make_user(session, unit=unit, role=role)
    login(client, "staf@u1.go.id")
    return unit


def csrf(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_dashboard_shows_index_elements_and_comparisons(runner, session, client, tmp_path):
    setup(runner, session, client, tmp_path)
    page = client.get(f"/admin/units/U1/results/?{Q1}").get_data(as_text=True)
    # NRR: S1 rows (x6) 4,4,3,2,4,4,3,1,3 and one S2 row of 3s -> e.g. persyaratan (24+3)/7
    assert "1 Januari – 31 Maret 2026" in page
    assert "7 kuesioner" in page or "7 questionnaires" in page
    assert "Layanan S1" in page and "Layanan S2" in page  # services compared
    assert "Kursi ruang tunggu kurang" in page
    assert "<svg" in page
    assert "reliability=1" in page  # alpha on request: it reads every answer
    alpha = client.get(f"/admin/units/U1/results/?{Q1}&reliability=1").get_data(as_text=True)
    assert "Alpha Cronbach = <strong>" in alpha


def test_comparison_per_service_matches_each_service_alone(runner, session, client, tmp_path):
    setup(runner, session, client, tmp_path)
    page = client.get(f"/admin/units/U1/results/?{Q1}").get_data(as_text=True)
    alone = client.get(f"/admin/units/U1/results/?{Q1}&service=S2").get_data(as_text=True)
    s2 = re.search(r'class="big">([0-9.,]+)', alone).group(1)
    assert s2 == "75,00"  # one questionnaire of all 3s
    assert re.search(r"<td>Layanan S2</td><td>1</td><td>75,00</td><td>C</td>", page)


def test_dashboard_bad_input_gives_messages_not_errors(runner, session, client, tmp_path):
    setup(runner, session, client, tmp_path)
    for query, text, english in [
        ("period=2025-Q1", "tidak ada jawaban ikm untuk U1", "no ikm answers for U1"),
        ("from=2026-03-01&to=2026-01-01", "tanggal awal 2026-03-01 jatuh setelah tanggal akhir",
         "--from 2026-03-01 is after --to 2026-01-01"),
        ("period=2026-Q9", "periode &#39;2026-Q9&#39; tidak dikenal", "unknown period"),
        ("period=2026-Q1&service=NOPE", "layanan &#39;NOPE&#39; tidak dikenal di unit U1",
         "unknown service"),
        ("period=2026-Q1&instrument=nope", "survei &#39;nope&#39; tidak dikenal",
         "unknown instrument"),
    ]:
        resp = client.get(f"/admin/units/U1/results/?{query}&lang=id")
        assert resp.status_code == 200, query
        assert text in resp.get_data(as_text=True), query  # in the page's language
        resp = client.get(f"/admin/units/U1/results/?{query}&lang=en")
        assert english in resp.get_data(as_text=True), query
    assert client.get("/admin/units/NOPE/results/").status_code == 404


def test_saran_search(runner, session, client, tmp_path):
    setup(runner, session, client, tmp_path)
    page = client.get(f"/admin/units/U1/results/?{Q1}&q=KURSI").get_data(as_text=True)
    assert "Kursi ruang tunggu kurang" in page
    page = client.get(f"/admin/units/U1/results/?{Q1}&q=parkir").get_data(as_text=True)
    assert "Kursi ruang tunggu kurang" not in page


def test_population_entry_drives_the_sample_check(runner, session, client, tmp_path):
    setup(runner, session, client, tmp_path)
    page = client.get(f"/admin/units/U1/results/?{Q1}").get_data(as_text=True)
    resp = client.post(f"/admin/units/U1/results/population?{Q1}",
                       data={"population": "100", "csrf_token": csrf(page)})
    assert resp.status_code == 302
    page = client.get(f"/admin/units/U1/results/?{Q1}").get_data(as_text=True)
    assert "<strong>80</strong>" in page  # Krejcie & Morgan for N = 100
    bad = client.post(f"/admin/units/U1/results/population?{Q1}",
                      data={"population": "-3", "csrf_token": csrf(page)})
    assert bad.status_code == 302
    assert session.scalars(select(ServicePopulation.population)).all() == [100]


def test_analyst_cannot_change_anything(runner, session, client, tmp_path):
    setup(runner, session, client, tmp_path, role="analyst")
    page = client.get(f"/admin/units/U1/results/?{Q1}").get_data(as_text=True)
    assert "Publish this period" not in page and "Terbitkan" not in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post(f"/admin/units/U1/results/publish?{Q1}",
                       data={"csrf_token": token}).status_code == 403
    assert client.post(f"/admin/units/U1/results/population?{Q1}",
                       data={"population": "5", "csrf_token": token}).status_code == 403


def test_follow_up_plan_prefilled_with_two_lowest_and_saved(runner, session, client, tmp_path):
    setup(runner, session, client, tmp_path)
    page = client.get(f"/admin/units/U1/results/rtl?{Q1}").get_data(as_text=True)
    codes = re.findall(r'name="program-(\w+)"', page)
    # lowest NRR: pengaduan (6*1+3)/7, then biaya (6*2+3)/7
    assert codes == ["pengaduan", "biaya"]
    data = {"csrf_token": csrf(page)}
    for code in codes:
        data |= {f"program-{code}": f"Program {code}",
                 f"waktu-{code}": "April 2026", f"penanggung_jawab-{code}": "Kasubag"}
    assert client.post(f"/admin/units/U1/results/rtl?{Q1}", data=data).status_code == 302
    session.expire_all()
    plan = session.scalars(select(FollowUpItem).order_by(FollowUpItem.priority)).all()
    assert [(p.priority, p.element_code, p.program) for p in plan] == [
        (1, "pengaduan", "Program pengaduan"), (2, "biaya", "Program biaya")]


def save_plan(client, query: str, **programs: str) -> None:
    """Post the RTL form of `query` with a program per element code."""
    page = client.get(f"/admin/units/U1/results/rtl?{query}").get_data(as_text=True)
    data = {"csrf_token": csrf(page)} | {f"program-{c}": p for c, p in programs.items()}
    assert client.post(f"/admin/units/U1/results/rtl?{query}", data=data).status_code == 302


def test_next_period_shows_whether_planned_elements_improved(runner, session, client, tmp_path):
    setup(runner, session, client, tmp_path)
    save_plan(client, Q1, pengaduan="Kotak saran")  # stores the Q1 plan, both rows
    load(runner, tmp_path, ["2026-04-10,S1,L,SMA,4,4,4,4,4,4,4,4,4,"], name="q2.csv")
    page = client.get("/admin/units/U1/results/rtl?period=2026-Q2").get_data(as_text=True)
    assert page.count("membaik") + page.count("improved") == 2


def test_publish_freezes_figures_and_republish_needs_reason(runner, session, client, tmp_path):
    setup(runner, session, client, tmp_path)
    page = client.get(f"/admin/units/U1/results/?{Q1}").get_data(as_text=True)
    token = csrf(page)
    assert client.post(f"/admin/units/U1/results/publish?{Q1}",
                       data={"csrf_token": token}).status_code == 302
    pub = session.scalars(select(Publication)).one()
    public = client.get(f"/hasil/U1/{pub.id}").get_data(as_text=True)
    frozen = re.search(r'class="big">([0-9.,]+)', public).group(1)
    # a late paper import changes the live figures but not the published ones
    load(runner, tmp_path, ["2026-03-30,S1,L,SMA,1,1,1,1,1,1,1,1,1,"], name="late.csv")
    assert re.search(r'class="big">([0-9.,]+)', client.get(f"/hasil/U1/{pub.id}")
                     .get_data(as_text=True)).group(1) == frozen
    live = client.get(f"/admin/units/U1/results/?{Q1}").get_data(as_text=True)
    assert re.search(r'class="big">([0-9.,]+)', live).group(1) != frozen
    # publishing again without a reason is refused and recorded nowhere
    client.post(f"/admin/units/U1/results/publish?{Q1}", data={"csrf_token": token})
    assert len(session.scalars(select(Publication)).all()) == 1
    client.post(f"/admin/units/U1/results/publish?{Q1}",
                data={"csrf_token": token, "reason": "Kuesioner kertas terlambat"})
    session.expire_all()
    pubs = session.scalars(select(Publication).order_by(Publication.revision)).all()
    assert [(p.revision, p.is_current) for p in pubs] == [(1, False), (2, True)]
    assert pubs[1].reason == "Kuesioner kertas terlambat"
    listing = client.get("/hasil/U1").get_data(as_text=True)
    assert f"/hasil/U1/{pubs[1].id}" in listing and f"/hasil/U1/{pubs[0].id}\"" not in listing


def test_public_page_hides_small_groups(runner, session, client, tmp_path):
    setup(runner, session, client, tmp_path)
    page = client.get(f"/admin/units/U1/results/?{Q1}").get_data(as_text=True)
    client.post(f"/admin/units/U1/results/publish?{Q1}", data={"csrf_token": csrf(page)})
    pub = session.scalars(select(Publication)).one()
    anonymous = client.application.test_client()
    public = anonymous.get(f"/hasil/U1/{pub.id}").get_data(as_text=True)
    # 7 respondents: L 4, P 3 -> both under 5; S3 1 hidden, and SMA 6 hidden too, else the
    # total 7 would give S3 away (7 - 6 = 1)
    assert "Laki-laki: &lt;5" in public and "Perempuan: &lt;5" in public
    assert "SMA/SMK: ≥5" in public and "Doktor (S3): &lt;5" in public
    assert "SMA/SMK: 6" not in public
    assert anonymous.get("/hasil/NOPE").status_code == 404
    assert anonymous.get(f"/hasil/U1/{pub.id + 99}").status_code == 404


def test_public_infographic_is_drawn_from_frozen_figures(runner, session, client, tmp_path):
    import io

    from PIL import Image

    setup(runner, session, client, tmp_path)
    page = client.get(f"/admin/units/U1/results/?{Q1}").get_data(as_text=True)
    client.post(f"/admin/units/U1/results/publish?{Q1}", data={"csrf_token": csrf(page)})
    pub = session.scalars(select(Publication)).one()
    first = client.get(f"/hasil/U1/{pub.id}/infografis.png")
    assert first.status_code == 200 and first.mimetype == "image/png"
    assert Image.open(io.BytesIO(first.data)).size == (1080, 1350)
    load(runner, tmp_path, ["2026-03-30,S1,L,SMA,1,1,1,1,1,1,1,1,1,"], name="late.csv")
    assert client.get(f"/hasil/U1/{pub.id}/infografis.png").data == first.data
    assert "infografis.png" in client.get(f"/hasil/U1/{pub.id}").get_data(as_text=True)
