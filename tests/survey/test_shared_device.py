"""A survey on a shared device: what the next person can get back after a submission."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

import instruments
from survey_app.models import Service
from survey_app.survey import tokens
from tests.helpers import (
    IKM_CODES,
    count_responses,
    form_tokens,
    full_answers,
    make_unit,
    open_form,
)

URL = "/s/U1/S1/L1"
THANKS = "/s/U1/terima-kasih"
SECRET = "RAHASIA-saran-orang-sebelumnya"
IPK = {code: "4" for code in instruments.latest("ipk").codes}


class Controls(HTMLParser):
    """The form tags and the visible form controls of a page, with their attributes."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.forms: list[dict[str, str | None]] = []
        self.fields: list[dict[str, str | None]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {"tag": tag, **dict(attrs)}
        if tag == "form":
            self.forms.append(a)
        elif tag in ("select", "textarea") or (tag == "input" and a.get("type") != "hidden"):
            self.fields.append(a)


def session_cookie(client: FlaskClient) -> str | None:
    """The value of the client's session cookie, if it has one."""
    cookie = client.get_cookie("session")
    return cookie.value if cookie is not None else None


def with_ipk(session) -> None:  # type: ignore[no-untyped-def]
    make_unit(session)
    session.scalars(select(Service)).one().instrument_slugs = "ikm,ipk"
    session.commit()


@pytest.mark.parametrize("query", ["", "?instrument=ipk"])
def test_form_and_every_field_ask_the_browser_not_to_refill(client, session, query):
    with_ipk(session)
    page = Controls(client.get(URL + query).get_data(as_text=True))
    assert [f.get("autocomplete") for f in page.forms] == ["off"]
    assert len(page.fields) >= len(IPK)
    assert [f for f in page.fields if f.get("autocomplete") != "off"] == []


def test_submission_redirects_to_a_thanks_page_that_needs_no_answers(app: Flask, client, session):
    make_unit(session)
    data = {**full_answers(), **open_form(client, URL), "saran": SECRET}
    location = client.post(URL, data=data).headers["Location"]
    assert urlsplit(location).path == THANKS and SECRET not in location
    stranger = app.test_client()  # no cookie, no form data: only the URL
    page = stranger.get(location).get_data(as_text=True)
    assert SECRET not in page and "Jawaban Anda telah tercatat" in page
    assert re.search(rf'<a class="btn" href="{URL}" data-new-survey>Isi survei baru</a>', page)
    assert count_responses(session) == 1


@pytest.mark.parametrize("marker", ["", "forged", "other-unit", "expired"])
def test_thanks_page_without_a_good_marker_links_to_the_unit(app, client, session, monkeypatch,
                                                              marker):
    make_unit(session)
    key = app.config["SURVEY"].secret_key
    value = {"": "", "forged": tokens.thanks_marker("another key", "U1", "S1", "L1"),
             "other-unit": tokens.thanks_marker(key, "U2", "S1", "L1"),
             "expired": tokens.thanks_marker(key, "U1", "S1", "L1")}[marker]
    if marker == "expired":
        monkeypatch.setattr(tokens, "THANKS_MAX_AGE", -1)
    resp = client.get(THANKS, query_string={"t": value})
    assert resp.status_code == 200
    assert 'href="/s/U1" data-new-survey' in resp.get_data(as_text=True)


def test_a_repeat_is_told_on_the_thanks_page(app, client, session):
    make_unit(session)
    data = {**full_answers(), **open_form(client, URL)}
    client.post(URL, data=data)
    other = app.test_client()  # the same answers and token, sent again with a valid CSRF token
    again = other.post(URL, data={**data, "csrf_token": open_form(other, URL)["csrf_token"]})
    assert again.status_code == 302 and urlsplit(again.headers["Location"]).path == THANKS
    assert "sudah tercatat" in other.get(again.headers["Location"]).get_data(as_text=True)
    assert count_responses(session) == 1


def test_each_submission_gives_the_device_a_new_session_and_csrf_token(client, session):
    with_ipk(session)
    first_page = open_form(client, URL)
    before = session_cookie(client)
    assert client.post(URL, data={**full_answers(), **first_page}).status_code == 302
    assert session_cookie(client) != before  # Chromium drops no-store pages on a cookie change
    ipk_page = open_form(client, URL + "?instrument=ipk")
    assert ipk_page["csrf_token"] != first_page["csrf_token"]
    before = session_cookie(client)
    assert client.post(URL + "?instrument=ipk", data={**IPK, **ipk_page}).status_code == 302
    assert session_cookie(client) != before
    assert count_responses(session) == 2


def test_resending_after_the_answer_came_back_stores_and_shows_nothing(client, session):
    make_unit(session)
    data = {**full_answers(), **open_form(client, URL), "saran": SECRET}
    assert client.post(URL, data=data).status_code == 302
    again = client.post(URL, data=data)  # Back and send on this browser: its CSRF token is gone
    assert again.status_code == 400 and SECRET not in again.get_data(as_text=True)
    assert count_responses(session) == 1


def test_an_earlier_invalid_post_sent_again_after_the_form_was_stored_shows_nothing(
    app, client, session
):
    make_unit(session)
    page_tokens = open_form(client, URL)
    page_cookie = session_cookie(client)
    invalid = {**full_answers(), **page_tokens, "saran": SECRET, IKM_CODES[-1]: ""}
    shown = client.post(URL, data=invalid)
    assert shown.status_code == 422 and SECRET in shown.get_data(as_text=True)  # same person
    assert client.post(URL, data={**invalid, IKM_CODES[-1]: "4"}).status_code == 302
    # The browser re-posts the invalid entry of its history, with the cookie that page had.
    replay = app.test_client()
    assert page_cookie is not None
    replay.set_cookie("session", page_cookie)
    resent = replay.post(URL, data=invalid)
    assert resent.status_code == 302 and urlsplit(resent.headers["Location"]).path == THANKS
    assert SECRET not in replay.get(resent.headers["Location"]).get_data(as_text=True)
    assert count_responses(session) == 1


def test_form_pages_load_the_fresh_form_script_from_our_origin(client, session):
    make_unit(session)
    page = client.get(URL).get_data(as_text=True)
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, re.DOTALL)
    assert scripts == [(' src="/static/survey-fresh.js" defer', "")]  # no inline script (CSP)
    script = client.get("/static/survey-fresh.js")
    assert script.status_code == 200 and "javascript" in script.content_type
    assert b"pageshow" in script.data and b"persisted" in script.data


def test_ipk_skip_link_leads_to_a_thanks_page_that_starts_over(client, session):
    with_ipk(session)
    client.post(URL, data={**full_answers(), **open_form(client, URL)})
    page = client.get(URL + "?instrument=ipk").get_data(as_text=True)
    skip = re.search(r'class="skip-link" href="([^"]+)"', page)
    assert skip is not None
    href = skip.group(1).replace("&amp;", "&")
    assert urlsplit(href).path == THANKS and "t" in parse_qs(urlsplit(href).query)
    thanks = client.get(href).get_data(as_text=True)
    assert f'href="{URL}" data-new-survey' in thanks
    assert form_tokens(client.get(URL).get_data(as_text=True))  # a new, working form
