"""Analysis by channel: the dashboard compares web, kiosk and paper; the index counts all."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from tests.admin.support import login, make_user
from tests.helpers import IKM_CODES, full_answers, make_unit, open_form
from tests.kiosk.support import enrol, ikm_answers, send


def test_dashboard_splits_by_channel_and_the_index_counts_every_one(client, runner, session,
                                                                   tmp_path):
    unit = make_unit(session)
    today = datetime.now(ZoneInfo(unit.tz)).date().isoformat()
    csv = tmp_path / "paper.csv"
    row = f"{today},S1," + ",".join("1" for _ in IKM_CODES)
    csv.write_text("submitted_at,service," + ",".join(IKM_CODES) + f"\n{row}\n{row}\n")
    assert runner.invoke(args=["responses", "import", "U1", str(csv)]).exit_code == 0
    key = enrol(client, runner)
    assert send(client, key, answers=ikm_answers(3)).status_code == 201
    tokens = open_form(client, "/s/U1/S1/L1")
    assert client.post("/s/U1/S1/L1", data={**full_answers(4), **tokens}).status_code == 302
    make_user(session, unit=unit)
    login(client, "staf@u1.go.id")
    page = client.get(f"/admin/units/U1/results/?from={today}&to={today}&lang=en")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "4 questionnaires" in html  # every channel in the index
    table = html.split('id="channels"')[1].split("</section>")[0]
    rows = re.findall(r"<tr><td>([^<]+)</td><td>(\d+)</td><td>([\d.,]+)</td>", table)
    assert rows == [("Phone (web form)", "1", "100.00"), ("Counter kiosk", "1", "75.00"),
                    ("Paper", "2", "25.00")]
