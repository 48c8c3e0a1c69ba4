"""What a web submit stores beside the answers: time to the minute, the label style shown; and
where a skipped survey leads."""

from __future__ import annotations

import re

from sqlalchemy import select

import instruments
from survey_app.models import InstrumentOption, Response, Service
from tests.helpers import full_answers, make_unit, open_form

URL = "/s/U1/S1/L1"


def test_time_is_kept_to_the_minute_and_the_label_style_is_recorded(client, session):
    unit = make_unit(session)
    session.scalars(select(Service)).one().instrument_slugs = "ikm,ipk"
    session.add(InstrumentOption(unit_id=unit.id, instrument_slug="ipk", label_style="setuju"))
    session.commit()
    assert client.post(URL, data={**full_answers(), **open_form(client, URL)}).status_code == 302
    page = client.get(URL + "?instrument=ipk").get_data(as_text=True)
    assert "Sangat setuju" in page
    tokens = dict(re.findall(r'name="(csrf_token|form_token)" value="([^"]*)"', page))
    ipk = {code: "3" for code in instruments.latest("ipk").codes}
    assert client.post(URL + "?instrument=ipk", data={**ipk, **tokens}).status_code == 302
    rows = session.scalars(select(Response).order_by(Response.id)).all()
    assert [r.label_style for r in rows] == ["kepuasan", "setuju"]
    for row in rows:
        assert (row.submitted_at.second, row.submitted_at.microsecond) == (0, 0)


def test_skip_leads_to_the_next_survey_not_past_all_of_them(client, session):
    make_unit(session)
    session.scalars(select(Service)).one().instrument_slugs = "ikm,ipk,spak"
    session.commit()
    ipk_page = client.get(URL + "?instrument=ipk").get_data(as_text=True)
    skip = re.search(r'href="([^"]+)"[^>]*>[^<]*(?:Lewati|Skip)', ipk_page)
    assert skip and skip.group(1).endswith("/s/U1/S1/L1?instrument=spak"), ipk_page[-2000:]
    spak_page = client.get(URL + "?instrument=spak").get_data(as_text=True)
    assert "/s/U1/terima-kasih" in spak_page  # the last one's skip ends the flow
