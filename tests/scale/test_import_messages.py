"""Import problems are message ids: the page words each line in its language, the CLI in English."""

from __future__ import annotations

import re

import pytest

from survey_app.survey.formimport import FormMapping, check_form
from survey_app.survey.importer import ImportFailed, check_rows
from tests.admin.support import csrf_of, login, make_user
from tests.helpers import make_unit
from tests.scale.test_form_import import HEADER, IKM, ROWS, export, form_row
from tests.scale.test_import_page import chosen, upload
from tests.test_translations_complete import missing  # noqa: F401 - the fixture
from tests.text_language import html_blocks, is_english, is_indonesian

BAD = [
    form_row("12/03/2026 14.05.33", "Layanan SKCK", [4, 3, 3, 4, 4, 3, 4, 2, 3]),
    form_row("31/02/2026 10.00.00", "Layanan SKCK", [4, 3, 3, 4, 4, 3, 4, 2, 3]),  # line 3
    form_row("13/03/2026 08:10:00", "Layanan Paspor", [3, 3, 2, 4, 3, 3, 3, 1, 4]),  # line 4
    form_row("13/03/2026 08:10:00", "Layanan SIM", [3, 3, 2, 4, 3, 3, 3, 1, 4], age="7",
             edu="Pesantren"),  # line 5
    ["13/03/2026 08:10:00", "too", "short"],  # line 6
]


def problems_on_page(client, review: str, lang: str) -> list[str]:
    page = client.get(f"{review}?lang={lang}").get_data(as_text=True)
    listed = re.search(r'<ul class="errors">(.*?)</ul>', page, re.S)
    assert listed, page
    return html_blocks(listed.group(1))


@pytest.fixture
def review(client, session):
    unit = make_unit(session, services={"SKCK": [], "SIM": []})
    make_user(session, unit=unit)
    login(client, "staf@u1.go.id")
    rows = [list(r) for r in BAD]
    rows[0][7 + 1] = "Lumayan"  # line 2: not a label of the second element
    where = upload(client, "U1", export(rows)).headers["Location"]
    page = client.get(where).get_data(as_text=True)
    client.post(where + "/mapping", data={"csrf_token": csrf_of(page), **chosen(page)})
    return where


def test_every_import_problem_reads_in_bahasa_indonesia(client, review, missing):  # noqa: F811
    lines = problems_on_page(client, review, "id")
    assert [line.split(":")[0] for line in lines] == [f"baris {n}" for n in (2, 3, 4, 5, 5, 6)]
    second = IKM.items[1]  # an element is named as the staff know it, not by its code
    assert lines[0] == (f"baris 2: {second.name.id}: jawaban 'Lumayan' bukan salah satu pilihan "
                        "jawaban unsur ini (tambahkan ke pemetaan)")
    assert lines[1] == ("baris 3: Tanggal dan waktu '31/02/2026 10.00.00' bukan tanggal dengan "
                        "urutan hari/bulan/tahun")
    assert lines[2] == "baris 4: Layanan: layanan 'Layanan Paspor' tidak dikenal di unit U1"
    assert lines[3].startswith("baris 5: Usia: Usia harus")
    assert lines[4] == "baris 5: Pendidikan: Pilihan 'Pesantren' tidak dikenal."
    assert lines[5] == "baris 6: jumlah kolom tidak sesuai (3, baris judul berisi 17)"
    assert not [line for line in lines if is_english(line)]
    assert not missing, sorted(missing)


def test_every_import_problem_reads_in_english(client, review):
    lines = problems_on_page(client, review, "en")
    assert lines[0].startswith(f"line 2: {IKM.items[1].name.en}: answer 'Lumayan' is not one")
    assert lines[1] == ("line 3: Date and time '31/02/2026 10.00.00' is not a date in the order "
                        "day/month/year")
    assert lines[2] == "line 4: Service: unknown service 'Layanan Paspor' for unit U1"
    assert not [line for line in lines if is_indonesian(line)]


def test_header_and_mapping_problems_are_worded_too(client, session, missing):  # noqa: F811
    unit = make_unit(session, services={"SKCK": [], "SIM": []})
    make_user(session, unit=unit)
    login(client, "staf@u1.go.id")
    no_date = export(ROWS, ["Kolom A", *HEADER[1:]])  # no timestamp heading to guess from
    where = upload(client, "U1", no_date).headers["Location"]
    lines = problems_on_page(client, where, "id")
    assert "baris 1: tidak ada kolom untuk: Tanggal dan waktu" in lines
    lines = problems_on_page(client, where, "en")
    assert "line 1: no column for: Date and time" in lines
    assert not missing, sorted(missing)


def test_the_cli_text_of_a_problem_is_english_with_the_contract_columns(session):
    unit = make_unit(session, services={"SKCK": [], "SIM": []})
    header = ["submitted_at", "service", "usia", *IKM.codes]
    text = export([["2026-03-02", "XX", "7", *["4"] * len(IKM.codes)],
                   ["kemarin", "SKCK", "30", *["9"] * len(IKM.codes)]], header)
    with pytest.raises(ImportFailed) as failed:
        check_rows(unit, IKM, text, 500)
    shown = [str(p) for p in failed.value.problems]
    assert "line 2: service: unknown service 'XX' for unit U1" in shown
    assert "line 2: usia: Age must be a whole number from 10 to 120." in shown
    assert "line 3: submitted_at 'kemarin' is not an ISO date or datetime" in shown
    assert f"line 3: {IKM.codes[0]}: Answer must be from 1 to 4." in shown
    mapping = FormMapping({h: "" for h in HEADER})
    _, preview = check_form(unit, IKM, export(ROWS), mapping, 500, preview=True)
    assert [str(p) for p in preview.problems] == [
        "line 1: no column for: submitted_at, service",
        "line 1: no column is mapped to an element"]
