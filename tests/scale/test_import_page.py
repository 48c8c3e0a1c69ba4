"""The staff import page: upload, the guessed mapping shown, saved, first rows, confirm."""

from __future__ import annotations

import io
import re

from sqlalchemy import func, select

from survey_app.models import ImportBatch, ImportUpload
from tests.admin.support import csrf_of, login, make_user
from tests.helpers import count_responses, make_unit
from tests.scale.test_form_import import ROWS, export


def upload(client, code: str, text: str):
    page = client.get(f"/admin/units/{code}/import/").get_data(as_text=True)
    return client.post(f"/admin/units/{code}/import/", data={
        "csrf_token": csrf_of(page), "instrument": "ikm",
        "file": (io.BytesIO(text.encode("utf-8")), "responses.csv")},
        content_type="multipart/form-data")


def chosen(page: str) -> dict[str, str]:
    """Each select's selected option, as the browser would send it."""
    out = {}
    for name, body in re.findall(r'<select id="[^"]+" name="([^"]+)">(.*?)</select>', page, re.S):
        found = re.search(r'<option value="([^"]*)" selected>', body)
        out[name] = found.group(1) if found else ""
    return out


def test_upload_check_save_and_import(client, session):
    unit = make_unit(session, services={"SKCK": [], "SIM": []}, tz="Asia/Makassar")
    make_user(session, unit=unit)
    login(client, "staf@u1.go.id")
    sent = upload(client, "U1", export(ROWS))
    assert sent.status_code == 302
    review = sent.headers["Location"]
    page = client.get(review).get_data(as_text=True)
    assert "Stempel waktu" in page and "data-import-confirm" not in page  # not saved yet
    assert "submitted_at=2026-03-12 14:05:33" in page
    values = chosen(page)
    assert values["col-0"] == "submitted_at" and values["col-1"] == ""  # e-mail ignored
    saved = client.post(review + "/mapping", data={"csrf_token": csrf_of(page), **values})
    assert saved.status_code == 302
    page = client.get(review).get_data(as_text=True)
    assert "data-import-confirm" in page
    assert count_responses(session) == 0  # nothing stored before the confirmation
    done = client.post(review + "/store", data={"csrf_token": csrf_of(page)})
    assert done.status_code == 302 and "/results" in done.headers["Location"]
    assert count_responses(session) == 3
    batch = session.scalars(select(ImportBatch)).one()
    assert batch.imported_by == "staf@u1.go.id" and batch.kind == "form"
    assert session.scalar(select(func.count()).select_from(ImportUpload)) == 0
    assert client.get(review).status_code == 404  # the upload is gone once imported


def test_bad_rows_block_the_import_and_roles_are_checked(client, session):
    unit = make_unit(session, services={"SKCK": [], "SIM": []})
    other = make_unit(session, "U2")
    make_user(session, unit=unit)
    make_user(session, "analis@u1.go.id", role="analyst", unit=unit)
    login(client, "staf@u1.go.id")
    bad = [list(r) for r in ROWS]
    bad[0][8] = "Lumayan"
    review = upload(client, "U1", export(bad)).headers["Location"]
    page = client.get(review).get_data(as_text=True)
    client.post(review + "/mapping", data={"csrf_token": csrf_of(page), **chosen(page)})
    page = client.get(review).get_data(as_text=True)
    assert "Lumayan" in page and "data-import-confirm" not in page
    refused = client.post(review + "/store", data={"csrf_token": csrf_of(page)})
    assert refused.status_code == 302 and count_responses(session) == 0
    key = review.rsplit("/", 1)[1]
    assert client.get(f"/admin/units/{other.code}/import/{key}").status_code == 404
    assert client.post(review + "/store").status_code == 400  # no CSRF token
    latin = upload(client, "U1", "")
    assert latin.status_code == 422
    client.get("/admin/logout")
    login(client, "analis@u1.go.id")
    assert client.get("/admin/units/U1/import/").status_code == 403
