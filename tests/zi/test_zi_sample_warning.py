"""A ZI verdict resting on fewer IPAK/IPKP respondents than the sample needs says so."""

from __future__ import annotations

import re
from datetime import date

from survey_app import orgs
from survey_app.models import ServicePopulation
from tests.zi.test_zi_page import setup

URL = "/admin/units/U1/zi/?year=2026"
AREAS = {"area-manajemen_perubahan": "7", "area-tatalaksana": "6", "area-sdm": "9",
         "area-akuntabilitas": "9", "area-pengawasan": "14", "area-pelayanan_publik": "9"}


def saved_inputs(runner, session, client, tmp_path):
    setup(runner, session, client, tmp_path)  # one IKM and one IPK respondent
    page = client.get(URL).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.post(URL, data={"csrf_token": token, "rule": "permenpanrb-90-2021",
                           "ipak_source": "ipk", "ipkp_source": "ikm", "from": "2026-01-01",
                           "to": "2026-12-31", "kinerja": "4,5", **AREAS})


def population(session, n):
    unit = orgs.find_unit(session, "U1")
    session.add(ServicePopulation(unit_id=unit.id, service_id=None, period_from=date(2026, 1, 1),
                                  period_to=date(2026, 12, 31), population=n))
    session.commit()


def targets(page: str) -> str:
    return page[page.index("<h2>Target</h2>"):page.index('id="sources"')]


def test_without_n_the_targets_are_met_only_on_paper(runner, session, client, tmp_path):
    saved_inputs(runner, session, client, tmp_path)
    page = client.get(URL).get_data(as_text=True)
    warning = page[page.index('id="zi-sample-warning"'):page.index("<h2>Target</h2>")]
    assert "terlalu sedikit responden" in warning
    assert warning.count("jumlah pengguna layanan (N) periode ini belum diisi") == 2  # IPK, IKM
    assert targets(page).count("<strong>tercapai di atas kertas</strong>") == 2
    assert "<strong>tercapai</strong>" not in targets(page)


def test_a_sample_below_krejcie_morgan_is_named_with_its_numbers(runner, session, client,
                                                                  tmp_path):
    saved_inputs(runner, session, client, tmp_path)
    population(session, 1000)
    page = client.get(URL).get_data(as_text=True)
    assert "1 responden; menurut Krejcie & Morgan diperlukan 278 untuk N = 1.000" in page
    assert targets(page).count("tercapai di atas kertas") == 2


def test_an_adequate_sample_gives_a_plain_verdict(runner, session, client, tmp_path):
    saved_inputs(runner, session, client, tmp_path)
    population(session, 1)  # Krejcie & Morgan: N = 1 needs 1 respondent, and 1 answered
    page = client.get(URL).get_data(as_text=True)
    assert 'id="zi-sample-warning"' not in page
    assert targets(page).count("<strong>tercapai</strong>") == 2
    assert "di atas kertas" not in page
