"""The letterhead page: roles and CSRF on the server, the logo re-encoded into the database."""

from __future__ import annotations

import io

from PIL import Image

from survey_app import orgs
from survey_app.models import Letterhead
from tests.admin.support import csrf_of, login, make_user
from tests.helpers import make_unit

URL = "/admin/units/U1/letterhead"
FIELDS = {"agency": "Kementerian Contoh", "address": "Jl. Merdeka 1\nMakassar",
          "place": "Makassar", "head_title": "Kepala Kantor", "head_name": "Dra. Siti Rahma",
          "head_nip": "19750312 200003 2 001"}


def jpeg_with_exif(size=(2000, 1000)) -> bytes:
    image = Image.new("RGB", size, (11, 61, 145))
    exif = Image.Exif()
    exif[0x010F] = "Camera maker that must not survive"  # Make
    buf = io.BytesIO()
    image.save(buf, format="JPEG", exif=exif)
    return buf.getvalue()


def transparent_png() -> bytes:
    image = Image.new("RGBA", (300, 200), (0, 0, 0, 0))
    image.putpixel((10, 10), (200, 0, 0, 255))
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return buf.getvalue()


def staff(session, client, role="unit_admin"):
    unit = make_unit(session)
    make_user(session, unit=unit, role=role)
    login(client, "staf@u1.go.id")
    return unit


def post(client, data, logo=None, token=True):
    form = dict(data)
    if token:
        form["csrf_token"] = csrf_of(client.get(URL).get_data(as_text=True))
    if logo is not None:
        form["logo"] = (io.BytesIO(logo[0]), logo[1])
    return client.post(URL, data=form, content_type="multipart/form-data")


def stored(session):
    session.expire_all()
    return session.get(Letterhead, orgs.find_unit(session, "U1").id)


def test_unit_admin_saves_the_letterhead_and_the_logo_is_re_encoded(session, client):
    staff(session, client)
    resp = post(client, FIELDS, (jpeg_with_exif(), "logo.jpg"))
    assert resp.status_code == 302
    row = stored(session)
    assert (row.head_name, row.head_nip, row.address) == (
        "Dra. Siti Rahma", "19750312 200003 2 001", "Jl. Merdeka 1\nMakassar")
    assert row.logo_type == "image/jpeg"
    with Image.open(io.BytesIO(row.logo)) as logo:
        assert max(logo.size) == 600 and logo.size == (600, 300)
        assert not logo.getexif()  # the camera's metadata is gone
    page = client.get(URL).get_data(as_text=True)
    assert "Dra. Siti Rahma" in page and 'role="status"' in page
    served = client.get(URL + "/logo")
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert served.data == row.logo


def test_a_transparent_png_stays_a_png_and_can_be_removed(session, client):
    staff(session, client)
    assert post(client, FIELDS, (transparent_png(), "logo.png")).status_code == 302
    row = stored(session)
    assert row.logo_type == "image/png"
    with Image.open(io.BytesIO(row.logo)) as logo:
        assert logo.mode == "RGBA" and logo.getpixel((10, 10))[3] == 255
        assert logo.getpixel((0, 0))[3] == 0
    assert post(client, {**FIELDS, "remove_logo": "1"}).status_code == 302
    row = stored(session)
    assert row.logo is None and row.logo_type is None and row.head_name == "Dra. Siti Rahma"
    assert client.get(URL + "/logo").status_code == 404


def test_analyst_may_look_but_not_change(session, client):
    staff(session, client, role="analyst")
    page = client.get(URL)
    assert page.status_code == 200 and 'type="file"' not in page.get_data(as_text=True)
    token = csrf_of(client.get("/admin/units/U1").get_data(as_text=True))
    resp = client.post(URL, data={**FIELDS, "csrf_token": token})
    assert resp.status_code == 403
    assert stored(session) is None


def test_without_csrf_token_nothing_is_saved(session, client):
    staff(session, client)
    assert post(client, FIELDS, token=False).status_code == 400
    assert stored(session) is None


def test_another_units_admin_gets_a_404(session, client):
    make_unit(session, "U2")
    staff(session, client)
    assert client.get("/admin/units/U2/letterhead").status_code == 404


def test_bad_values_get_messages_in_indonesian_and_nothing_is_saved(session, client):
    staff(session, client)
    resp = post(client, {**FIELDS, "head_nip": "1975-03-12", "place": "x" * 101},
                (b"GIF89a not a logo", "logo.png"))
    assert resp.status_code == 422
    page = resp.get_data(as_text=True)
    assert "PNG atau JPEG" in page and "NIP hanya" in page and "terlalu panjang" in page
    assert stored(session) is None


def test_a_logo_over_the_limit_is_refused_with_a_message(session, client):
    staff(session, client)
    noise = Image.frombytes("RGB", (1100, 1100), bytes(range(256)) * (1100 * 1100 * 3 // 256)
                            + bytes(1100 * 1100 * 3 % 256))
    buf = io.BytesIO()
    noise.save(buf, format="PNG", compress_level=0)
    assert len(buf.getvalue()) > 2 * 1024 * 1024 + 64 * 1024
    resp = post(client, FIELDS, (buf.getvalue(), "big.png"))
    assert resp.status_code == 413 and "2 MB" in resp.get_data(as_text=True)
    assert stored(session) is None
