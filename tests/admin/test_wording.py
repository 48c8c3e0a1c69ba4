"""A service's own wording of a question, set on the admin unit page."""

from __future__ import annotations

from sqlalchemy import select

from survey_app.models import ItemOverride
from tests.admin.support import csrf_of, login, make_user
from tests.helpers import make_unit

PAGE = "/admin/units/U1"
SAVE = "/admin/units/U1/wording"
REMOVE = "/admin/units/U1/wording/remove"
TEXT_ID = "Bagaimana pendapat Saudara tentang persyaratan pembuatan SKCK?"
TEXT_EN = "What do you think of the requirements for a police certificate?"


def overrides(session) -> list[tuple[str, str, str, str]]:
    session.expire_all()
    return [(o.instrument_slug, o.item_code, o.text_id, o.text_en)
            for o in session.scalars(select(ItemOverride).order_by(ItemOverride.item_code))]


def logged_in(client, session, role="unit_admin"):
    unit = make_unit(session)
    make_user(session, role=role, unit=unit)
    assert login(client, "staf@u1.go.id").status_code == 302
    return csrf_of(client.get(PAGE).get_data(as_text=True))


def reword(client, csrf, item="ikm:persyaratan", text_id=TEXT_ID, text_en=TEXT_EN, service="S1"):
    return client.post(SAVE, data={"csrf_token": csrf, "service": service, "item": item,
                                   "text_id": text_id, "text_en": text_en})


def test_unit_admin_creates_changes_and_removes_a_wording(client, session):
    csrf = logged_in(client, session)
    page = client.get(PAGE).get_data(as_text=True)
    assert 'action="/admin/units/U1/wording"' in page
    assert '<option value="ikm:persyaratan">' in page
    resp = reword(client, csrf)
    assert resp.status_code == 302
    assert resp.headers["Location"].endswith("/admin/units/U1#wording-S1")
    assert overrides(session) == [("ikm", "persyaratan", TEXT_ID, TEXT_EN)]
    page = client.get(PAGE).get_data(as_text=True)
    assert TEXT_ID in page and TEXT_EN in page
    assert reword(client, csrf, text_id="  Persyaratan SKCK?  ", text_en="SKCK requirements?") \
        .status_code == 302
    assert overrides(session) == [("ikm", "persyaratan", "Persyaratan SKCK?", "SKCK requirements?")]
    resp = client.post(REMOVE, data={"csrf_token": csrf, "service": "S1",
                                     "item": "ikm:persyaratan"})
    assert resp.status_code == 302 and overrides(session) == []


def test_analyst_sees_the_wording_but_cannot_change_it(app, client, session):
    unit = make_unit(session)
    make_user(session, email="admin@u1.go.id", unit=unit)
    admin = app.test_client()
    login(admin, "admin@u1.go.id")
    reword(admin, csrf_of(admin.get(PAGE).get_data(as_text=True)))
    make_user(session, role="analyst", unit=unit)
    login(client, "staf@u1.go.id")
    page = client.get(PAGE).get_data(as_text=True)
    assert TEXT_ID in page and TEXT_EN in page
    assert 'action="/admin/units/U1/wording' not in page
    csrf = csrf_of(page)
    assert reword(client, csrf, text_id="Diubah analis", text_en="Changed").status_code == 403
    assert client.post(REMOVE, data={"csrf_token": csrf, "service": "S1",
                                     "item": "ikm:persyaratan"}).status_code == 403
    assert overrides(session) == [("ikm", "persyaratan", TEXT_ID, TEXT_EN)]


def test_unknown_item_instrument_or_service_is_refused(client, session):
    csrf = logged_in(client, session)
    for item in ("ikm:nope", "nope:persyaratan", "persyaratan", "ipk:persyaratan", ""):
        resp = reword(client, csrf, item=item)
        assert resp.status_code == 422, item
        assert "Pilih pertanyaan dari salah satu survei." in resp.get_data(as_text=True)
    assert reword(client, csrf, service="NOPE").status_code == 404
    assert client.post(REMOVE, data={"csrf_token": csrf, "service": "S1",
                                     "item": "ikm:persyaratan"}).status_code == 422
    assert overrides(session) == []


def test_both_texts_are_required_and_bounded_and_typing_is_kept(client, session):
    csrf = logged_in(client, session)
    assert reword(client, csrf).status_code == 302
    resp = reword(client, csrf, item="ikm:prosedur", text_id="Prosedur kami?", text_en="  ")
    assert resp.status_code == 422
    page = resp.get_data(as_text=True)
    assert "Isi pertanyaan dalam Bahasa Indonesia dan bahasa Inggris." in page
    assert ">Prosedur kami?</textarea>" in page  # what was typed is shown again
    assert '<option value="ikm:prosedur" selected>' in page
    resp = reword(client, csrf, item="ikm:prosedur", text_id="x" * 501, text_en="ok")
    assert resp.status_code == 422 and "paling banyak 500 karakter" in resp.get_data(as_text=True)
    assert reword(client, csrf, item="ikm:prosedur", text_id="x" * 500, text_en="y\x00es") \
        .status_code == 302
    assert overrides(session) == [("ikm", "persyaratan", TEXT_ID, TEXT_EN),
                                  ("ikm", "prosedur", "x" * 500, "yes")]


def test_wording_needs_csrf(client, session):
    logged_in(client, session)
    resp = client.post(SAVE, data={"service": "S1", "item": "ikm:persyaratan",
                                   "text_id": TEXT_ID, "text_en": TEXT_EN})
    assert resp.status_code == 400 and overrides(session) == []


def test_unit_admin_of_another_unit_cannot_reword(app, client, session):
    make_unit(session)
    other = make_unit(session, code="U2")
    make_user(session, unit=other)
    login(client, "staf@u1.go.id")
    csrf = csrf_of(client.get("/admin/units/U2").get_data(as_text=True))
    assert reword(client, csrf).status_code == 404
    assert overrides(session) == []
