"""The cached skeleton of a fresh survey page: rendered once, each visitor's tokens filled in."""

from __future__ import annotations

from survey_app.survey.cache import TTLCache
from survey_app.survey.page import CSRF_MARK, TOKEN_MARK, fill, fresh_page, is_shared
from tests.helpers import form_tokens, make_unit

URL = "/s/U1/S1/L1"


def test_fill_puts_each_token_in_its_place():
    skeleton = f'<input name="csrf_token" value="{CSRF_MARK}"><input value="{TOKEN_MARK}">'
    assert fill(skeleton, "C1", "T1") == '<input name="csrf_token" value="C1"><input value="T1">'
    assert CSRF_MARK not in fill(skeleton, "C2", "T2") and TOKEN_MARK not in fill(skeleton, "", "")


def test_the_page_is_rendered_once_and_each_visitor_gets_their_own_tokens():
    cache, calls = TTLCache(), []

    def render(csrf: str, token: str) -> str:
        calls.append((csrf, token))
        return f"<p>{csrf}|{token}</p>"

    first = fresh_page(cache, ("scope", "id"), render, "csrf-a", "token-a")
    second = fresh_page(cache, ("scope", "id"), render, "csrf-b", "token-b")
    assert (first, second) == ("<p>csrf-a|token-a</p>", "<p>csrf-b|token-b</p>")
    assert calls == [(CSRF_MARK, TOKEN_MARK)]  # rendered once, with the marks
    fresh_page(cache, ("scope", "en"), render, "c", "t")  # another language: its own skeleton
    assert len(calls) == 2


def test_only_plain_requests_share_the_skeleton():
    assert is_shared(set(), False) and is_shared({"instrument", "lang"}, False)
    assert not is_shared(set(), True)  # a flash message is for one visitor
    assert not is_shared({"utm"}, False)


def test_two_visitors_of_the_cached_page_get_different_tokens(app, session):
    make_unit(session)
    first = form_tokens(app.test_client().get(URL).get_data(as_text=True))
    second = form_tokens(app.test_client().get(URL).get_data(as_text=True))
    assert first["form_token"] != second["form_token"]
    assert first["csrf_token"] != second["csrf_token"]
    assert CSRF_MARK not in str(first) and TOKEN_MARK not in str(second)
