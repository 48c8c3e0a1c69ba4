"""A kiosk survey's shown -> sent time is stored only as its bucket's lower bound."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from analysis.integrity import DURATION_BUCKETS
from survey_app.models import Response
from tests.helpers import make_unit
from tests.kiosk.support import enrol, send


@pytest.mark.parametrize(("sent", "stored"), [
    (7, 5), (7.9, 5), (0, 0), (44.99, 30), (3600, 600), (None, None), ("12", None),
    (-3, None), (True, None),
])
def test_kiosk_duration_is_bucketed(client, runner, session, sent, stored):
    make_unit(session)
    key = enrol(client, runner)
    assert send(client, key, duration=sent).status_code == 201
    assert session.scalars(select(Response.duration_bucket)).one() == stored


def test_the_kiosk_page_gets_the_buckets_to_bucket_on_the_device(client, runner, session):
    make_unit(session)
    key = enrol(client, runner)
    config = client.post("/kiosk/api/hello", json={},
                         headers={"Authorization": f"Kiosk {key}"}).json["config"]
    assert config["duration_buckets"] == list(DURATION_BUCKETS)
