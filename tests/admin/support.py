"""Staff accounts and login for the admin tests."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from survey_app.admin.services import create_user
from survey_app.models import Unit, User

PASSWORD = "a long enough password"


def make_user(session: Session, email: str = "staf@u1.go.id", role: str = "unit_admin",
              unit: Unit | None = None) -> User:
    """A staff account with PASSWORD."""
    user = create_user(session, email, PASSWORD, role, unit)
    session.commit()
    return user


def login(client: FlaskClient, email: str, password: str = PASSWORD) -> TestResponse:
    """Log in through the form, as a browser does."""
    page = client.get("/admin/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert token is not None
    return client.post("/admin/login", data={"email": email, "password": password,
                                             "csrf_token": token.group(1)})


def csrf_of(html: str) -> str:
    """The CSRF token of the first form on an admin page."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found is not None, "no CSRF token on the page"
    return found.group(1)
