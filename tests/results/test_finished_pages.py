"""Pages that look finished: warnings before publishing, success notices where the action was,
profile labels in a natural order, the counter's survey choice, the survey's error summary."""

from __future__ import annotations

import re

from sqlalchemy import select

from survey_app.models import Counter, FollowUpItem
from tests.results.test_dashboard import Q1, csrf, load, setup

DASH = f"/admin/units/U1/results/?{Q1}"


def _publish_box(page: str) -> str:
    return page[page.index('id="publish"'):]


def test_publishing_warns_about_an_empty_plan_and_an_unchecked_sample(runner, session, client,
                                                                        tmp_path):
    setup(runner, session, client, tmp_path)
    box = _publish_box(client.get(DASH).get_data(as_text=True))
    assert 'id="publish-warnings"' in box
    assert "Rencana tindak lanjut (RTL) masih kosong" in box
    assert "jumlah pengguna layanan (N) periode ini belum diisi" in box


def test_the_warnings_go_once_the_plan_is_filled_and_the_sample_is_enough(runner, session,
                                                                           client, tmp_path):
    setup(runner, session, client, tmp_path)
    rtl = client.get(f"/admin/units/U1/results/rtl?{Q1}").get_data(as_text=True)
    ids = re.findall(r'name="program-(\w+)"', rtl)
    assert ids
    client.post(f"/admin/units/U1/results/rtl?{Q1}", data={
        "csrf_token": csrf(rtl), **{f"program-{i}": "Papan informasi baru" for i in ids},
        **{f"waktu-{i}": "Januari" for i in ids},
        **{f"penanggung_jawab-{i}": "Kasubbag" for i in ids}})
    assert session.scalars(select(FollowUpItem.program)).first() == "Papan informasi baru"
    page = client.get(DASH).get_data(as_text=True)
    assert "masih kosong" not in _publish_box(page)
    # N = 7 service users: Krejcie & Morgan needs all 7, and 7 were collected
    client.post(f"/admin/units/U1/results/population?{Q1}",
                data={"csrf_token": csrf(page), "population": "7"})
    assert 'id="publish-warnings"' not in _publish_box(client.get(DASH).get_data(as_text=True))
    client.post(f"/admin/units/U1/results/population?{Q1}",
                data={"csrf_token": csrf(page), "population": "1000"})
    page = client.get(DASH).get_data(as_text=True)
    box = _publish_box(page)
    assert "di bawah batas minimum Krejcie & Morgan: 7 kuesioner dari 278" in box
    assert "N = 1.000" in box  # Indonesian thousands separator


def test_success_is_a_green_status_next_to_the_publish_form(runner, session, client, tmp_path):
    setup(runner, session, client, tmp_path)
    page = client.get(DASH).get_data(as_text=True)
    resp = client.post(f"/admin/units/U1/results/publish?{Q1}", data={"csrf_token": csrf(page)})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("#publish")
    page = client.get(DASH).get_data(as_text=True)
    box = _publish_box(page)
    assert '<p class="notice ok" role="status">Dipublikasikan sebagai revisi 1.</p>' in box
    top = page[:page.index('id="publish"')]
    assert "revisi 1" not in top.split("<main", 1)[1].split("</h1>", 1)[0]
    assert 'class="errors"' not in box
    # a refusal (second publication without a reason) is an error in the same place
    client.post(f"/admin/units/U1/results/publish?{Q1}", data={"csrf_token": csrf(page)})
    box = _publish_box(client.get(DASH).get_data(as_text=True))
    assert re.search(r'<p class="errors" role="alert">[^<]+</p>', box)


def test_profile_shows_labels_in_a_natural_order(runner, session, client, tmp_path):
    setup(runner, session, client, tmp_path)
    load(runner, tmp_path, ["2026-03-01,S1,P,SD,4,4,4,4,4,4,4,4,4,",
                            "2026-03-02,S1,L,D1-D3,4,4,4,4,4,4,4,4,4,"], name="more.csv")
    page = client.get(DASH).get_data(as_text=True)
    sex = re.search(r'data-profile="jenis_kelamin">(.*?)</p>', page, re.S).group(1)
    assert "Laki-laki: 5" in sex and "Perempuan: 4" in sex and "L:" not in sex
    edu = re.search(r'data-profile="pendidikan">(.*?)</p>', page, re.S).group(1)
    labels = re.findall(r'class="chip">([^<]+): \d+</span>', edu)
    assert labels == ["SD", "SMA/SMK", "Diploma (D1-D3)", "Doktor (S3)"]  # SD .. S3, not A-Z


def test_a_counter_never_silently_ignores_the_surveys_ticked(runner, session, client, tmp_path):
    setup(runner, session, client, tmp_path)
    page = client.get("/admin/units/U1").get_data(as_text=True)
    form = {"csrf_token": csrf(page), "service": "S1", "counter": "L1", "inherit": "1"}
    resp = client.post("/admin/units/U1/instruments", data={**form, "slugs": ["ikm", "ipk"]},
                       follow_redirects=True)
    text = resp.get_data(as_text=True)
    assert "Tidak ada yang diubah" in text
    counter = session.scalars(select(Counter).where(Counter.code == "L1")).one()
    session.refresh(counter)
    assert counter.instrument_slugs is None  # still the service's
    # ticking exactly the service's surveys with the box is the normal "same as service"
    resp = client.post("/admin/units/U1/instruments", data={**form, "slugs": ["ikm"]},
                       follow_redirects=True)
    assert "Tidak ada yang diubah" not in resp.get_data(as_text=True)
    resp = client.post("/admin/units/U1/instruments",
                       data={"csrf_token": csrf(page), "service": "S1", "counter": "L1",
                             "slugs": ["ikm", "ipk"]}, follow_redirects=True)
    assert 'class="notice ok"' in resp.get_data(as_text=True)
    session.refresh(counter)
    assert counter.instrument_slugs == "ikm,ipk"


def test_the_survey_error_summary_names_the_question_number_people_see(client, session):
    from tests.helpers import make_unit, open_form

    make_unit(session)
    tokens = open_form(client, "/s/U1/S1/L1")
    answers = {"persyaratan": "4", "prosedur": "4"}  # questions 3 to 9 left out
    page = client.post("/s/U1/S1/L1", data={**tokens, **answers}).get_data(as_text=True)
    summary = page[page.index('id="error-summary"'):page.index("</div>", page.index(
        'id="error-summary"'))]
    assert '<a href="#q-waktu">Pertanyaan 3</a>' in summary
    assert "Pertanyaan 9" in summary and "Pertanyaan 1<" not in summary
    assert "Waktu Penyelesaian" not in summary  # the regulation's element name is not shown
