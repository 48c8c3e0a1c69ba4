"""The kept serializers sign exactly as the stock itsdangerous, Flask and Flask-WTF ones do."""

from __future__ import annotations

import pytest
from flask import Flask, g, session
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import generate_csrf, validate_csrf
from itsdangerous import URLSafeTimedSerializer
from wtforms import ValidationError

from survey_app import signing


def test_serializer_output_is_the_stock_one_and_reads_it_back():
    ours = signing.Serializer("key", salt="s")
    stock = URLSafeTimedSerializer("key", salt="s")
    token = ours.dumps({"n": "abc", "s": "1:-:ikm"})
    assert stock.loads(token) == {"n": "abc", "s": "1:-:ikm"}
    assert ours.loads(stock.dumps([1, 2])) == [1, 2]
    assert ours.dumps("x").rsplit(".", 2)[0] == stock.dumps("x").rsplit(".", 2)[0]


def test_a_kept_signer_still_refuses_another_key_and_salt():
    token = signing.Serializer("key", salt="s").dumps("x")
    for other in (signing.Serializer("other", salt="s"), signing.Serializer("key", salt="t")):
        with pytest.raises(Exception, match="Signature"):
            other.loads(token)


def test_session_cookie_is_read_by_flask_and_the_reverse(app: Flask):
    ours = signing.SessionInterface().get_signing_serializer(app)
    stock = SecureCookieSessionInterface().get_signing_serializer(app)
    assert ours is not None and stock is not None
    assert stock.loads(ours.dumps({"csrf_token": "abc"})) == {"csrf_token": "abc"}
    assert ours.loads(stock.dumps({"lang": "en"})) == {"lang": "en"}
    assert signing.SessionInterface().get_signing_serializer(app) is not ours  # per instance
    interface = signing.SessionInterface()
    assert interface.get_signing_serializer(app) is interface.get_signing_serializer(app)


def test_csrf_token_is_flask_wtf_s_token(app: Flask):
    with app.test_request_context("/"):
        token = signing.csrf_token()
        assert generate_csrf() == token  # the same request: the same token, from `g`
        validate_csrf(token)
        g.pop("csrf_token")
        again = signing.csrf_token()  # signed again: the same secret inside
        assert again.split(".")[0] == token.split(".")[0]
        validate_csrf(again)
        validate_csrf(token)


def test_renewing_the_csrf_secret_voids_the_old_token(app: Flask):
    with app.test_request_context("/"):
        token = signing.csrf_token()
        old_secret = session["csrf_token"]
        signing.renew_csrf()
        assert session["csrf_token"] != old_secret and "csrf_token" not in g
        with pytest.raises(ValidationError):
            validate_csrf(token)
        validate_csrf(signing.csrf_token())


def test_a_session_value_that_is_not_a_secret_is_replaced(app: Flask):
    with app.test_request_context("/"):
        session["csrf_token"] = 12345
        validate_csrf(signing.csrf_token())
        assert isinstance(session["csrf_token"], str)
