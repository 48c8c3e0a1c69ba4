"""The ZI team's page: save inputs, see the result against targets, download the XLSX."""

from __future__ import annotations

import io
import re
import zipfile

from sqlalchemy import select

from survey_app.models import HasilInput
from tests.admin.test_admin import login, make_user
from tests.helpers import IKM_CODES, make_unit
from tests.zi.test_hasil import IPK_CODES, load


def setup(runner, session, client, tmp_path, role="unit_admin"):
    unit = make_unit(session)
    load(runner, tmp_path, "ikm", IKM_CODES, ["2026-02-01,S1," + ",".join(["4"] * 9)])
    load(runner, tmp_path, "ipk", IPK_CODES, ["2026-02-01,S1,4,4,4,4,3"])
    make_user(session, unit=unit, role=role)
    login(client, "staf@u1.go.id")


def test_save_inputs_and_see_targets(runner, session, client, tmp_path):
    setup(runner, session, client, tmp_path)
    page = client.get("/admin/units/U1/zi/?year=2026").get_data(as_text=True)
    assert "16,63" in page  # IPK 3.8/4 x 17.5 = 16.625 -> 16,63 rounded half-up (id format)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    resp = client.post("/admin/units/U1/zi/?year=2026", data={
        "csrf_token": token, "rule": "permenpanrb-90-2021", "ipak_source": "ipk",
        "ipkp_source": "ikm", "from": "2026-01-01", "to": "2026-12-31", "kinerja": "4,5",
        "area-manajemen_perubahan": "7", "area-tatalaksana": "6", "area-sdm": "9",
        "area-akuntabilitas": "9", "area-pengawasan": "14", "area-pelayanan_publik": "9"})
    assert resp.status_code == 302
    saved = session.scalars(select(HasilInput)).one()
    assert saved.kinerja == 4.5 and '"total": 54.0' in saved.pengungkit
    page = client.get("/admin/units/U1/zi/?year=2026").get_data(as_text=True)
    # hasil 16.625 + 17.5 + 4.5 = 38.625; total 92.625: WBK and WBBM (bases 3.8 and 4.0) met
    # met, but "on paper": one IPK respondent and no N to check the sample against
    assert "92,63" in page and page.count("<strong>tercapai di atas kertas</strong>") == 2
    xlsx = client.get("/admin/units/U1/zi/hasil.xlsx?year=2026")
    assert xlsx.status_code == 200
    with zipfile.ZipFile(io.BytesIO(xlsx.data)) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>D5/4*E5</f>" in sheet and "<f>SUM(F5:F7)</f>" in sheet


def test_year_without_data_is_a_message(runner, session, client, tmp_path):
    setup(runner, session, client, tmp_path)
    page = client.get("/admin/units/U1/zi/?year=2024").get_data(as_text=True)
    # the reason, worded in the page's language (id), with the nested "no answers" part too
    assert "IPAK tidak dapat dihitung untuk tahun 2024: tidak ada jawaban ipk untuk U1" in page
    page = client.get("/admin/units/U1/zi/?year=2024&lang=en").get_data(as_text=True)
    assert "IPAK cannot be computed for 2024: no ipk answers for U1" in page
    resp = client.get("/admin/units/U1/zi/hasil.xlsx?year=2024")
    assert resp.status_code == 302


def test_bad_inputs_are_refused_with_a_message(runner, session, client, tmp_path):
    setup(runner, session, client, tmp_path)
    page = client.get("/admin/units/U1/zi/?year=2026").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    resp = client.post("/admin/units/U1/zi/?year=2026", data={
        "csrf_token": token, "rule": "permenpanrb-90-2021", "ipak_source": "ikm",
        "ipkp_source": "ikm", "from": "2026-01-01", "to": "2026-12-31"})
    assert resp.status_code == 422
    assert session.scalars(select(HasilInput)).all() == []
    assert "IPAK dari: pilih IPK / SPAK" in resp.get_data(as_text=True)


def test_analyst_can_view_not_save(runner, session, client, tmp_path):
    setup(runner, session, client, tmp_path, role="analyst")
    page = client.get("/admin/units/U1/zi/?year=2026").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post("/admin/units/U1/zi/?year=2026", data={"csrf_token": token}
                       ).status_code == 403


def test_dashboard_shows_ipk_beside_ikm(runner, session, client, tmp_path):
    setup(runner, session, client, tmp_path)
    page = client.get("/admin/units/U1/results/?period=2026").get_data(as_text=True)
    assert "instrument=ipk" in page and "95,00" in page  # IPK 3.8 x 25
    ipk = client.get("/admin/units/U1/results/?period=2026&instrument=ipk").get_data(as_text=True)
    assert 'class="big">95,00' in ipk
