"""Staff login, roles checked on the server, the unit page and its QR downloads."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser

import pytest
import zxingcpp
from PIL import Image

from survey_app.admin.services import create_user
from tests.admin.support import PASSWORD, login, make_user
from tests.helpers import full_answers, make_unit, open_form


def test_pages_need_login(client, session):
    make_unit(session)
    resp = client.get("/admin/units/U1")
    assert resp.status_code == 302 and "/admin/login" in resp.headers["Location"]


def test_login_with_wrong_password_fails_politely(client, session):
    unit = make_unit(session)
    make_user(session, unit=unit)
    resp = login(client, "staf@u1.go.id", "wrong password here")
    assert resp.status_code == 401
    assert client.get("/admin/").status_code == 302
    assert login(client, "nobody@u1.go.id").status_code == 401


def test_login_without_csrf_is_refused(client, session):
    make_user(session, role="admin")
    resp = client.post("/admin/login", data={"email": "staf@u1.go.id", "password": PASSWORD})
    assert resp.status_code == 400
    assert "kedaluwarsa" in resp.get_data(as_text=True)  # the CSRF page, not the login form
    assert client.get("/admin/").status_code == 302


def test_unit_admin_sees_own_unit_and_counts(client, session):
    unit = make_unit(session)
    make_unit(session, code="U2")
    data = {**full_answers(), **open_form(client, "/s/U1/S1/L1")}
    client.post("/s/U1/S1/L1", data=data)
    make_user(session, unit=unit)
    assert login(client, "staf@u1.go.id").status_code == 302
    page = client.get("/admin/units/U1").get_data(as_text=True)
    assert "http://survey.test/s/U1/S1/L1" in page
    assert re.search(r"<td rowspan=\"2\">1</td>", page)
    assert client.get("/admin/units/U2").status_code == 404
    listing = client.get("/admin/").get_data(as_text=True)  # (a CSRF token may contain "U2")
    assert 'href="/admin/units/U1"' in listing and 'href="/admin/units/U2"' not in listing


def test_parent_unit_sees_sub_units_and_admin_sees_all(app, client, session):
    parent = make_unit(session, code="P1", services={})
    make_unit(session, code="C1", parent="P1")
    make_unit(session, code="X1")
    make_user(session, unit=parent)
    login(client, "staf@u1.go.id")
    assert client.get("/admin/units/C1").status_code == 200
    assert client.get("/admin/units/X1").status_code == 404
    make_user(session, email="root@ops.id", role="admin")
    other = app.test_client()
    login(other, "root@ops.id")
    assert other.get("/admin/units/X1").status_code == 200


def decoded(data: bytes) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(data)))]


def test_qr_downloads(client, session):
    unit = make_unit(session)
    make_user(session, unit=unit)
    login(client, "staf@u1.go.id")
    png = client.get("/admin/units/U1/qr.png?service=S1&counter=L1")
    assert png.status_code == 200 and png.mimetype == "image/png"
    assert decoded(png.data) == ["http://survey.test/s/U1/S1/L1"]
    assert decoded(client.get("/admin/units/U1/qr.png?service=s1").data) == [
        "http://survey.test/s/U1/S1"]
    assert client.get("/admin/units/U1/qr.pdf").data.startswith(b"%PDF")
    assert client.get("/admin/units/U1/qr.gif").status_code == 404


def test_qr_with_an_unknown_code_is_404_not_another_code(client, session):
    unit = make_unit(session)
    make_user(session, unit=unit)
    login(client, "staf@u1.go.id")
    for query in ("service=NOPE", "service=NOPE&counter=L1", "service=S1&counter=ZZ",
                  "counter=L1", "service="):
        for fmt in ("svg", "png", "pdf"):
            resp = client.get(f"/admin/units/U1/qr.{fmt}?{query}")
            assert resp.status_code == 404, (fmt, query)


def pdf_page_size_mm(data: bytes) -> tuple[int, int]:
    box = re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", data)
    assert box is not None
    return round(float(box.group(1)) / 72 * 25.4), round(float(box.group(2)) / 72 * 25.4)


def test_poster_in_a4_by_default_and_a5_on_request(client, session):
    unit = make_unit(session)
    make_user(session, role="analyst", unit=unit)
    login(client, "staf@u1.go.id")
    page = client.get("/admin/units/U1").get_data(as_text=True)
    assert 'href="/admin/units/U1/qr.pdf?service=S1&amp;counter=L1&amp;size=A5"' in page
    a4 = client.get("/admin/units/U1/qr.pdf?service=S1&counter=L1")
    a5 = client.get("/admin/units/U1/qr.pdf?service=S1&counter=L1&size=A5")
    assert pdf_page_size_mm(a4.data) == (210, 297)
    assert pdf_page_size_mm(a5.data) == (148, 210)
    assert 'filename="qr-U1-S1-L1-A5.pdf"' in a5.headers["Content-Disposition"]
    assert client.get("/admin/units/U1/qr.pdf?size=A3").status_code == 404
    assert client.get("/admin/units/U1/qr.pdf?size=").status_code == 404


class _Title(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.inside, self.text, self.tags = False, "", []

    def handle_starttag(self, tag, attrs):
        if tag == "title":
            self.inside = True
        elif self.inside:
            self.tags.append(tag)

    def handle_endtag(self, tag):
        if tag == "title":
            self.inside = False

    def handle_data(self, data):
        if self.inside:
            self.text += data


def test_unit_page_title_is_plain_text(client, session):
    unit = make_unit(session)
    make_user(session, unit=unit)  # unit_admin: the page shows the wording forms
    login(client, "staf@u1.go.id")
    page = client.get("/admin/units/U1").get_data(as_text=True)
    raw = re.search(r"<title>(.*?)</title>", page, re.S)
    assert raw is not None and raw.group(1) == "Unit U1"
    parsed = _Title()
    parsed.feed(page)
    assert parsed.text == "Unit U1" and parsed.tags == []
    assert page.count('action="/admin/units/U1/styles"') == 1  # the wording form, once


def test_logout_needs_post_with_csrf(client, session):
    unit = make_unit(session)
    make_user(session, unit=unit)
    login(client, "staf@u1.go.id")
    assert client.get("/admin/logout").status_code == 405
    assert client.post("/admin/logout").status_code == 400
    assert client.get("/admin/").status_code == 200


def test_login_is_rate_limited(app, client, session):
    make_user(session, role="admin")
    limit = app.config["SURVEY"].login_rate_limit[0]
    codes = [login(client, "staf@u1.go.id", "wrong password x").status_code
             for _ in range(limit + 1)]
    assert codes[-1] == 429 and codes[0] == 401


def test_open_redirect_is_ignored(client, session):
    make_user(session, role="admin")
    page = client.get("/admin/login?next=//evil.example/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    resp = client.post("/admin/login?next=//evil.example/",
                       data={"email": "staf@u1.go.id", "password": PASSWORD, "csrf_token": token})
    assert resp.headers["Location"] == "/admin/"


def test_wbs_officer_cannot_use_the_staff_login(client, session):
    unit = make_unit(session)
    from survey_app.admin.services import AccountError

    with pytest.raises(AccountError, match="wbs officer add"):
        create_user(session, "o@u1.go.id", PASSWORD, "wbs_officer", unit)
    create_user(session, "o@u1.go.id", PASSWORD, "wbs_officer", unit, allow_officer=True)
    session.commit()
    assert login(client, "o@u1.go.id").status_code == 401
