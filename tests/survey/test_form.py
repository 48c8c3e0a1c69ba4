"""The respondent's form: render, submit, and every way a submit can go wrong."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import select

from survey_app.models import Answer, InstrumentVersion, Response
from tests.helpers import count_answers, count_responses, full_answers, make_unit, open_form

URL = "/s/U1/S1/L1"
CSS = Path(__file__).resolve().parents[2] / "survey_app/static/app.css"


class Fields(HTMLParser):
    """Form controls of a page: attributes by id, checked radios, selected options, ids."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.by_id: dict[str, dict[str, str | None]] = {}
        self.radios: dict[str, list[str]] = {}
        self.radio_attrs: dict[str, list[dict[str, str | None]]] = {}
        self.checked: dict[str, str] = {}
        self.selected: dict[str, str] = {}
        self._select: str | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.by_id[str(a["id"])] = {"tag": tag, **a}
        if tag == "input" and a.get("type") == "radio":
            self.radios.setdefault(str(a["name"]), []).append(str(a["value"]))
            self.radio_attrs.setdefault(str(a["name"]), []).append(a)
            if "checked" in a:
                self.checked[str(a["name"])] = str(a["value"])
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and "selected" in a:
            self.selected[self._select] = str(a["value"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


def test_form_renders_all_elements_in_bahasa_indonesia(client, session):
    make_unit(session)
    page = client.get(URL).get_data(as_text=True)
    assert '<html lang="id">' in page
    assert "Bagaimana pendapat Saudara tentang kesesuaian persyaratan" in page
    for code in ("persyaratan", "prosedur", "sarana", "pengaduan"):
        assert f'name="{code}" value="4"' in page
    assert 'name="jenis_kelamin"' in page and 'name="saran"' in page


def test_english_switch(client, session):
    make_unit(session)
    page = client.get(URL + "?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "How well do the service requirements fit" in page
    # remembered for the next page
    assert '<html lang="en">' in client.get(URL).get_data(as_text=True)


def test_submit_stores_one_response_with_answers_and_version(client, session):
    make_unit(session)
    tokens = open_form(client, URL)
    data = {**full_answers(3), **tokens, "saran": "Antrean perlu nomor."}
    resp = client.post(URL, data=data)
    assert resp.status_code == 302
    assert urlsplit(resp.headers["Location"]).path == "/s/U1/terima-kasih"
    stored = session.scalars(select(Response)).one()
    assert stored.source == "web" and stored.saran == "Antrean perlu nomor."
    assert stored.jenis_kelamin == "P" and stored.usia == 34 and stored.pendidikan == "S1"
    version = session.get(InstrumentVersion, stored.instrument_version_id)
    assert (version.slug, version.version) == ("ikm", "2017.1")
    answers = session.scalars(select(Answer).where(Answer.response_id == stored.id)).all()
    assert {a.item_code: a.value for a in answers} == {code: 3 for code in tokens_codes()}
    assert client.get("/s/U1/terima-kasih").status_code == 200


def tokens_codes():
    from tests.helpers import IKM_CODES

    return IKM_CODES


def test_double_tap_stores_once(app, client, session):
    make_unit(session)
    data = {**full_answers(), **open_form(client, URL)}
    page_cookie = client.get_cookie("session")
    assert page_cookie is not None
    first = client.post(URL, data=data)
    tap = app.test_client()  # the second tap went out with the page's cookie, before any answer
    tap.set_cookie("session", page_cookie.value)
    second = tap.post(URL, data=data)
    assert first.status_code == second.status_code == 302
    page = tap.get(second.headers["Location"]).get_data(as_text=True)
    assert "sudah tercatat" in page
    assert count_responses(session) == 1
    assert count_answers(session) == 9


def test_replayed_token_from_another_client_stores_nothing_more(app, client, session):
    make_unit(session)
    data = {**full_answers(), **open_form(client, URL)}
    assert client.post(URL, data=data).status_code == 302
    other = app.test_client()
    fresh = open_form(other, URL)
    replay = {**data, "csrf_token": fresh["csrf_token"]}  # valid CSRF, spent form token
    again = other.post(URL, data=replay)
    assert again.status_code == 302
    assert "sudah tercatat" in other.get(again.headers["Location"]).get_data(as_text=True)
    assert count_responses(session) == 1


def test_forged_token_is_refused(client, session):
    make_unit(session)
    tokens = open_form(client, URL)
    resp = client.post(URL, data={**full_answers(), **tokens, "form_token": "forged"})
    assert resp.status_code == 400
    assert "kedaluwarsa" in resp.get_data(as_text=True) or "expired" in resp.get_data(as_text=True)
    assert count_responses(session) == 0


def test_token_of_another_counter_is_refused(client, session):
    make_unit(session, services={"S1": ["L1", "L2"]})
    tokens = open_form(client, "/s/U1/S1/L2")
    assert client.post(URL, data={**full_answers(), **tokens}).status_code == 400
    assert count_responses(session) == 0


def test_missing_csrf_is_refused(client, session):
    make_unit(session)
    tokens = open_form(client, URL)
    resp = client.post(URL, data={**full_answers(), "form_token": tokens["form_token"]})
    assert resp.status_code == 400
    assert "Traceback" not in resp.get_data(as_text=True)
    assert count_responses(session) == 0


def test_out_of_range_answer_is_refused_and_form_kept(client, session):
    make_unit(session)
    tokens = open_form(client, URL)
    data = {**full_answers(), **tokens, "waktu": "5", "biaya": "abc"}
    resp = client.post(URL, data=data)
    assert resp.status_code == 422
    page = resp.get_data(as_text=True)
    assert 'id="e-waktu"' in page and 'id="e-biaya"' in page
    fields = Fields(page)
    kept = {code: value for code, value in full_answers().items()
            if code in fields.radios and code not in ("waktu", "biaya")}
    assert {k: v for k, v in fields.checked.items() if k in kept} == kept  # every answer kept
    assert "waktu" not in fields.checked and "biaya" not in fields.checked
    assert fields.selected == {"pendidikan": "S1", "pekerjaan": "Swasta"}
    assert fields.by_id["usia"]["value"] == "34"
    assert count_responses(session) == 0
    # the same token still works once the answers are fixed
    assert client.post(URL, data={**full_answers(), **tokens}).status_code == 302
    assert count_responses(session) == 1


def test_missing_answer_is_refused(client, session):
    make_unit(session)
    data = {**full_answers(), **open_form(client, URL)}
    del data["sarana"]
    assert client.post(URL, data=data).status_code == 422
    assert count_responses(session) == 0


def test_bad_profile_values_are_refused(client, session):
    make_unit(session)
    data = {**full_answers(), **open_form(client, URL), "usia": "7", "jenis_kelamin": "X",
            "pendidikan": "SMA<script>"}
    resp = client.post(URL, data=data)
    assert resp.status_code == 422
    assert "<script>" not in resp.get_data(as_text=True)
    assert count_responses(session) == 0


def test_oversized_saran_is_refused(client, session):
    make_unit(session)
    data = {**full_answers(), **open_form(client, URL), "saran": "x" * 1001}
    resp = client.post(URL, data=data)
    assert resp.status_code == 422 and 'id="e-saran"' in resp.get_data(as_text=True)
    assert count_responses(session) == 0


def test_huge_body_gets_413_page(client, session):
    make_unit(session)
    data = {**full_answers(), **open_form(client, URL), "saran": "x" * 200_000}
    resp = client.post(URL, data=data)
    assert resp.status_code == 413
    assert count_responses(session) == 0


def test_unknown_unit_service_counter_are_404(client, session):
    make_unit(session)
    for url in ("/s/NOPE/S1/L1", "/s/U1/NOPE/L1", "/s/U1/S1/NOPE", "/s/NOPE"):
        resp = client.get(url)
        assert resp.status_code == 404, url
        assert "QR" in resp.get_data(as_text=True)
    assert client.post("/s/U1/S1/NOPE", data=full_answers()).status_code in (400, 404)
    assert count_responses(session) == 0


def test_service_level_survey_has_no_counter(client, session):
    make_unit(session)
    data = {**full_answers(), **open_form(client, "/s/U1/S1")}
    assert client.post("/s/U1/S1", data=data).status_code == 302
    assert session.scalars(select(Response)).one().counter_id is None


def test_unit_page_lists_services(client, session):
    make_unit(session, services={"S1": [], "S2": []})
    page = client.get("/s/U1").get_data(as_text=True)
    assert "/s/U1/S1" in page and "/s/U1/S2" in page


def test_rate_limit_per_client_and_counter(app, client, session):
    make_unit(session)
    limit = app.config["SURVEY"].survey_rate_limit[0]
    statuses = []
    for _ in range(limit + 1):
        statuses.append(client.post(URL, data={**full_answers(), **open_form(client, URL)})
                        .status_code)
    assert statuses[:limit] == [302] * limit
    assert statuses[-1] == 429
    assert count_responses(session) == limit


def test_no_client_address_or_agent_is_stored(client, session):
    make_unit(session)
    data = {**full_answers(), **open_form(client, URL)}
    client.post(URL, data=data, environ_base={"REMOTE_ADDR": "203.0.113.77"},
                headers={"User-Agent": "Marker-Agent/9.9"})
    row = session.scalars(select(Response)).one()
    values = [str(getattr(row, c.key)) for c in Response.__table__.columns]
    assert not any("203.0.113.77" in v or "Marker-Agent" in v for v in values)


def test_invalid_profile_and_saran_fields_point_at_their_errors(client, session):
    make_unit(session)
    data = {**full_answers(), **open_form(client, URL), "usia": "7", "jenis_kelamin": "X",
            "pendidikan": "zz", "pekerjaan": "yy", "saran": "x" * 1001}
    page = client.post(URL, data=data).get_data(as_text=True)
    fields = Fields(page)
    for name in ("usia", "pendidikan", "pekerjaan", "saran"):
        control = fields.by_id[name]
        assert control["aria-invalid"] == "true", name
        described = str(control["aria-describedby"]).split()
        assert f"e-{name}" in described and fields.by_id[f"e-{name}"]["tag"] == "p", name
        assert all(ref in fields.by_id for ref in described), name
    assert fields.by_id["h-saran"]["tag"] == "p"  # the "no names" hint is read out too
    assert fields.by_id["e-jenis_kelamin"]["tag"] == "p"
    assert [r["aria-describedby"] for r in fields.radio_attrs["jenis_kelamin"]] == [
        "e-jenis_kelamin"] * 3
    fresh = Fields(client.get(URL).get_data(as_text=True))
    assert "aria-invalid" not in fresh.by_id["usia"] and "aria-invalid" not in fresh.by_id["saran"]
    assert fresh.by_id["saran"]["aria-describedby"] == "h-saran"


def test_error_summary_names_profile_fields_in_the_page_language(client, session):
    make_unit(session)
    bad = {"usia": "7", "jenis_kelamin": "X", "pendidikan": "zz", "saran": "x" * 1001}
    en = client.post(URL, data={**full_answers(), **open_form(client, URL + "?lang=en"), **bad})
    summary = en.get_data(as_text=True).split('id="error-summary"')[1].split("</div>")[0]
    for name in ('">Sex</a>', '">Age (years)</a>', '">Education</a>',
                 '">Suggestion (optional)</a>'):
        assert name in summary, name
    assert "Jenis kelamin" not in summary and "Usia" not in summary
    client.get(URL + "?lang=id")
    page = client.post(URL, data={**full_answers(), **open_form(client, URL), **bad})
    summary = page.get_data(as_text=True).split('id="error-summary"')[1].split("</div>")[0]
    assert '">Jenis kelamin</a>' in summary and '">Usia (tahun)</a>' in summary


def test_sex_can_be_taken_back_like_the_other_profile_fields(client, session):
    make_unit(session)
    fields = Fields(client.get(URL).get_data(as_text=True))
    assert fields.radios["jenis_kelamin"] == ["", "L", "P"]
    assert fields.checked["jenis_kelamin"] == ""  # as the selects start on "Prefer not to say"
    data = {**full_answers(), **open_form(client, URL), "jenis_kelamin": ""}
    assert client.post(URL, data=data).status_code == 302
    assert session.scalars(select(Response)).one().jenis_kelamin is None


def test_survey_page_stays_light(client, session):
    make_unit(session)
    data = {**full_answers(), **open_form(client, URL), "usia": "7", "biaya": ""}
    with_errors = client.post(URL, data=data).data  # the largest page a respondent gets
    css = CSS.read_bytes()
    assert len(client.get(URL).data) + len(css) < 20 * 1024
    assert len(with_errors) + len(css) < 20 * 1024
