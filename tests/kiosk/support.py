"""Kiosk test helpers: enrol through the CLI link, send as the kiosk page does."""

from __future__ import annotations

from flask.testing import FlaskClient, FlaskCliRunner
from werkzeug.test import TestResponse

import instruments

IKM = instruments.latest("ikm")


def enrol_link(runner: FlaskCliRunner, counter: str = "L1", *extra: str) -> str:
    """`survey-app kiosk enroll U1 S1 <counter>`: the link on the last line."""
    result = runner.invoke(args=["kiosk", "enroll", "U1", "S1", counter, *extra])
    assert result.exit_code == 0, result.output
    return result.output.strip().splitlines()[-1]


def enrol(client: FlaskClient, runner: FlaskCliRunner, counter: str = "L1") -> str:
    """A kiosk credential, as the enrolment page gets it."""
    token = enrol_link(runner, counter).rsplit("/", 1)[1]
    response = client.post("/kiosk/api/enrol", json={"token": token})
    assert response.status_code == 200, response.get_data(as_text=True)
    return str(response.json["key"])  # type: ignore[index]


def ikm_answers(value: int = 4) -> dict[str, int]:
    """Every IKM element answered."""
    return {code: value for code in IKM.codes}


def send(client: FlaskClient, key: str, sid: str = "a" * 32, **body: object) -> TestResponse:
    """POST one finished survey as the kiosk page does."""
    payload: dict[str, object] = {"id": sid, "instrument": "ikm", "answers": ikm_answers(),
                                  "profile": {}, "answered_at": None}
    payload.update(body)
    return client.post("/kiosk/api/responses", json=payload,
                       headers={"Authorization": f"Kiosk {key}"})
