"""One scan, several surveys: IKM then IPK (skippable), each against its own instrument version."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from sqlalchemy import select

import instruments
from survey_app.models import InstrumentVersion, Response, Service
from tests.admin.test_admin import login, make_user
from tests.helpers import count_responses, full_answers, make_unit, open_form

URL = "/s/U1/S1/L1"
IPK = {code: "4" for code in instruments.latest("ipk").codes}


def with_flow(session, slugs="ikm,ipk"):
    unit = make_unit(session)
    session.scalars(select(Service)).one().instrument_slugs = slugs
    session.commit()
    return unit


def slugs_stored(session):
    rows = session.execute(select(InstrumentVersion.slug, InstrumentVersion.version)
                           .join(Response, Response.instrument_version_id == InstrumentVersion.id)
                           .order_by(Response.id)).all()
    return [tuple(r) for r in rows]


def test_ikm_then_ipk_then_thanks(client, session):
    with_flow(session)
    resp = client.post(URL, data={**full_answers(), **open_form(client, URL)})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(URL + "?instrument=ipk")
    page = client.get(URL + "?instrument=ipk").get_data(as_text=True)
    assert "Survei Persepsi Korupsi" in page and "terima-kasih" in page  # skip link
    assert 'name="jenis_kelamin"' not in page  # profile asked once, with IKM
    tokens = re.findall(r'name="(csrf_token|form_token)" value="([^"]*)"', page)
    resp = client.post(URL + "?instrument=ipk", data={**IPK, **dict(tokens)})
    assert urlsplit(resp.headers["Location"]).path == "/s/U1/terima-kasih"
    assert slugs_stored(session) == [("ikm", "2017.1"), ("ipk", "2024.1")]


def test_skipping_ipk_stores_ikm_only(client, session):
    with_flow(session)
    client.post(URL, data={**full_answers(), **open_form(client, URL)})
    assert client.get("/s/U1/terima-kasih").status_code == 200
    assert slugs_stored(session) == [("ikm", "2017.1")]


def test_token_of_one_survey_cannot_submit_another(client, session):
    with_flow(session)
    ikm_tokens = open_form(client, URL)
    resp = client.post(URL + "?instrument=ipk", data={**IPK, **ikm_tokens})
    assert resp.status_code == 400 and count_responses(session) == 0


def test_instrument_not_in_the_flow_is_404(client, session):
    with_flow(session, "ikm")
    assert client.get(URL + "?instrument=ipk").status_code == 404
    assert client.get(URL + "?instrument=nope").status_code == 404


def test_ipk_answers_validated_against_ipk(client, session):
    with_flow(session, "ipk")
    resp = client.post(URL, data={**IPK, "pungli": "5", **open_form(client, URL)})
    assert resp.status_code == 422 and count_responses(session) == 0


def test_admin_sets_flow_and_label_style(client, session):
    unit = with_flow(session, "ikm")
    make_user(session, unit=unit)
    login(client, "staf@u1.go.id")
    page = client.get("/admin/units/U1").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    resp = client.post("/admin/units/U1/instruments",
                       data={"csrf_token": token, "service": "S1", "slugs": ["ipk", "ikm"]})
    assert resp.status_code == 302
    session.expire_all()
    assert session.scalars(select(Service)).one().instrument_slugs == "ikm,ipk"
    # a counter can differ from its service, and follow it again
    client.post("/admin/units/U1/instruments",
                data={"csrf_token": token, "service": "S1", "counter": "L1", "slugs": ["ipk"]})
    assert "Survei Persepsi Korupsi" in client.get(URL).get_data(as_text=True)
    client.post("/admin/units/U1/instruments",
                data={"csrf_token": token, "service": "S1", "counter": "L1", "inherit": "1"})
    assert "Survei Kepuasan Masyarakat" in client.get(URL).get_data(as_text=True)
    client.post("/admin/units/U1/styles", data={"csrf_token": token, "ipk": "setuju"})
    ipk_page = client.get(URL + "?instrument=ipk").get_data(as_text=True)
    assert "Sangat setuju" in ipk_page and "Sebagian kecil ada" not in ipk_page
    bad = client.post("/admin/units/U1/instruments",
                      data={"csrf_token": token, "service": "S1", "slugs": ["nope"]})
    assert bad.status_code == 302
    page = client.get("/admin/units/U1").get_data(as_text=True)
    assert "survei tidak dikenal: nope" in page and "unknown instrument" not in page
    client.get("/admin/units/U1?lang=en")  # the language is remembered for the next request
    client.post("/admin/units/U1/styles", data={"csrf_token": token, "ipk": "nope"})
    page = client.get("/admin/units/U1").get_data(as_text=True)
    assert "unknown label style &#39;nope&#39; for ipk" in page  # worded in the page's language
    client.get("/admin/units/U1?lang=id")
    client.post("/admin/units/U1/styles", data={"csrf_token": token, "nope": "setuju"})
    assert "Survei tidak dikenal." in client.get("/admin/units/U1").get_data(as_text=True)


def test_analyst_cannot_change_flows(client, session):
    unit = with_flow(session, "ikm")
    make_user(session, unit=unit, role="analyst")
    login(client, "staf@u1.go.id")
    page = client.get("/admin/units/U1").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post("/admin/units/U1/instruments",
                       data={"csrf_token": token, "service": "S1", "slugs": ["ipk"]}
                       ).status_code == 403
