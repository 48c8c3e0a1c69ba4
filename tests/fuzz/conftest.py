"""Fuzz fixtures: an app holding data of every kind, a client per role, and a crash recorder."""

from __future__ import annotations

import os
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

import pytest
from flask import Flask, got_request_exception
from flask.testing import FlaskClient
from hypothesis import HealthCheck, settings
from sqlalchemy.orm import Session

from tests.admin.support import login, make_user
from tests.helpers import full_answers, make_unit, open_form
from tests.wbs.support import (
    configure_for_tests,
    jpeg_with_gps,
    login_officer,
    make_officer,
    purge_audit,
    report_data,
    submit,
)

# Bounded so the suite stays under a minute per database; FUZZ_EXAMPLES=2000 digs deeper locally.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "150"))
FUZZ = settings(
    max_examples=EXAMPLES, deadline=None, derandomize=not os.environ.get("FUZZ_RANDOM"),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.data_too_large, HealthCheck.filter_too_much],
    database=None)


@dataclass
class Crashes:
    """Every request that ended in an exception or a 5xx, with where it happened."""

    seen: list[str] = field(default_factory=list)

    def record(self, what: str) -> None:
        if what not in self.seen:
            self.seen.append(what)

    def check(self, response, what: str) -> None:  # type: ignore[no-untyped-def]
        if response.status_code >= 500:
            self.record(f"{response.status_code} {what}")


@dataclass
class World:
    """The app with data, a client per role and the ids fuzzing needs."""

    app: Flask
    clients: dict[str, FlaskClient]
    crashes: Crashes
    ids: dict[str, list[str]]


@pytest.fixture
def app(app: Flask, tmp_path) -> Iterator[Flask]:  # type: ignore[no-untyped-def]
    """The root app with fast Argon2id, generous limits (to reach deep code), crashes as 500s."""
    configure_for_tests(app, tmp_path / "wbs_files", submit_rate=(10**6, 60),
                        unlock_rate=(10**6, 60))
    app.config["SURVEY"] = replace(app.config["SURVEY"], survey_rate_limit=(10**6, 600),
                                   login_rate_limit=(10**6, 300))
    app.config["PROPAGATE_EXCEPTIONS"] = False
    yield app
    purge_audit(app)


def _publish(client: FlaskClient) -> None:
    from tests.fuzz.forms import forms_of

    page = client.get("/admin/units/U1/results/?period=2026").get_data(as_text=True)
    for form in forms_of(page, "/admin/units/U1/results/"):
        if form.action.rstrip("/").endswith("/publish"):
            client.post(form.action, data=form.defaults())
            return


@pytest.fixture
def world(app: Flask, session: Session) -> World:
    """Two units (one below the other), staff of every role, answers, a report, a publication."""
    unit = make_unit(session, "U1", {"S1": ["L1", "L2"], "S2": []})
    make_unit(session, "U2", {"S9": ["K1"]}, parent="U1")
    make_user(session, "admin@x.go.id", "admin", None)
    make_user(session, "ua@u1.go.id", "unit_admin", unit)
    make_user(session, "an@u1.go.id", "analyst", unit)
    _officer, totp = make_officer(app, session, "U1", create_unit=False)

    crashes = Crashes()

    def on_exception(_sender: Flask, exception: BaseException, **_kw: object) -> None:
        crashes.record("".join(traceback.format_exception(exception))[-1500:])

    got_request_exception.connect(on_exception, app, weak=False)
    clients = {role: app.test_client() for role in ("anon", "admin", "unit_admin", "analyst",
                                                    "officer")}
    for role, email in (("admin", "admin@x.go.id"), ("unit_admin", "ua@u1.go.id"),
                        ("analyst", "an@u1.go.id")):
        login(clients[role], email)
    login_officer(clients["officer"], session, "petugas@u1.go.id", totp)
    anon = clients["anon"]
    for value in (4, 3, 4, 2, 4, 3):
        tokens = open_form(anon, "/s/U1/S1/L1")
        anon.post("/s/U1/S1/L1", data={**full_answers(value), **tokens})
    submit(anon, report_data(), files=[(jpeg_with_gps(), "foto.jpg")])
    _publish(clients["unit_admin"])
    ids = {"code": ["U1", "U2"], "unit": ["U1", "U2"], "service": ["S1", "S2", "S9"],
           "counter": ["L1", "L2", "K1"], "pub_id": ["1", "2"], "report_id": ["1", "2"],
           "file_id": ["1"], "which": ["clean", "original"], "fmt": ["svg", "png", "pdf",
           "xlsx", "csv", "docx", "infographic-pdf"], "filename": ["style.css", "x/../../a"]}
    assert not crashes.seen, crashes.seen
    return World(app, clients, crashes, ids)
