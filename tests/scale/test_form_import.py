"""Google Forms / spreadsheet exports: a saved mapping, a preview, then all rows or none."""

from __future__ import annotations

import csv
import hashlib
import io
from datetime import UTC, datetime

from sqlalchemy import func, select

import instruments
from survey_app.models import Answer, ImportBatch, ImportMapping, Response
from tests.helpers import count_responses, make_unit

IKM = instruments.latest("ikm")
QUESTIONS = [f"{i}. {item.text.id}" for i, item in enumerate(IKM.items, 1)]
HEADER = ["Stempel waktu", "Alamat email", "Jenis Layanan", "Jenis Kelamin", "Usia",
          "Pendidikan Terakhir", "Pekerjaan", *QUESTIONS, "Saran dan masukan"]
# Label text per element for values 4, 3, 2, 1 (as Google Forms writes the chosen option).
LABELS = {item.code: {i + 1: label.id for i, label in enumerate(item.labels)}
          for item in IKM.items}


def export(rows: list[list[str]], header: list[str] = HEADER, delimiter: str = ",") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def form_row(when: str, service: str, values: list[int], sex: str = "Laki-laki",
             age: str = "34", edu: str = "SMA/SMK", job: str = "Pegawai swasta",
             saran: str = "") -> list[str]:
    answers = [LABELS[code][v] if v else "" for code, v in zip(IKM.codes, values, strict=True)]
    return [when, "warga@example.com", service, sex, age, edu, job, *answers, saran]


ROWS = [
    form_row("12/03/2026 14.05.33", "Layanan SKCK", [4, 3, 3, 4, 4, 3, 4, 2, 3],
             saran="Ruang tunggu panas,\nmohon tambah kipas"),
    form_row("13/03/2026 08:10:00", "Layanan SIM", [3, 3, 2, 4, 3, 3, 3, 1, 4], sex="Perempuan",
             age="41 tahun", edu="S1/D4", job="Wiraswasta"),
    form_row("14/03/2026 09.00.01", "layanan skck", [1, 2, 0, 3, 2, 2, 1, 1, 2], age=""),
]


def write(tmp_path, text: str, name: str = "form.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def setup(session):
    return make_unit(session, services={"SKCK": [], "SIM": []}, tz="Asia/Makassar")


def test_mapping_is_guessed_shown_and_saved_only_when_asked(runner, session, tmp_path):
    setup(session)
    path = write(tmp_path, export(ROWS))
    result = runner.invoke(args=["responses", "import-form", "U1", path])
    assert result.exit_code == 1 and "no saved mapping" in result.output
    shown = runner.invoke(args=["responses", "form-mapping", "U1", path])
    assert shown.exit_code == 0, shown.output
    out = shown.output
    assert "'Stempel waktu' -> submitted_at" in out
    assert "'Alamat email' -> (ignored)" in out
    assert "'Jenis Layanan' -> service" in out
    assert "'Saran dan masukan' -> saran" in out
    for question, code in zip(QUESTIONS, IKM.codes, strict=True):
        assert f"{question[:70]!r} -> {code}" in out
    assert "line 2: submitted_at=2026-03-12 14:05:33, service=SKCK, jenis_kelamin=L" in out
    assert "nothing saved" in out
    assert session.scalar(select(func.count()).select_from(ImportMapping)) == 0
    saved = runner.invoke(args=["responses", "form-mapping", "U1", path, "--save"])
    assert saved.exit_code == 0 and "mapping saved" in saved.output
    assert session.scalar(select(func.count()).select_from(ImportMapping)) == 1
    assert count_responses(session) == 0


def test_saved_mapping_imports_the_export_as_it_is(runner, session, tmp_path):
    unit = setup(session)
    text = export(ROWS)
    path = write(tmp_path, text)
    assert runner.invoke(args=["responses", "form-mapping", "U1", path, "--save"]).exit_code == 0
    dry = runner.invoke(args=["responses", "import-form", "U1", path, "--dry-run"])
    assert dry.exit_code == 0 and "3 rows would be imported" in dry.output
    assert count_responses(session) == 0
    result = runner.invoke(args=["responses", "import-form", "U1", path])
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == "imported 3"
    stored = session.scalars(select(Response).order_by(Response.submitted_at)).all()
    services = {s.id: s.code for s in unit.services}
    assert [services[r.service_id] for r in stored] == ["SKCK", "SIM", "SKCK"]
    # the form's local time (Asia/Makassar, UTC+8), day first, dots or colons
    assert stored[0].submitted_at == datetime(2026, 3, 12, 6, 5, 33, tzinfo=UTC)
    assert stored[1].submitted_at == datetime(2026, 3, 13, 0, 10, tzinfo=UTC)
    assert (stored[1].jenis_kelamin, stored[1].usia, stored[1].pendidikan,
            stored[1].pekerjaan) == ("P", 41, "S1", "Wirausaha")
    assert stored[0].saran == "Ruang tunggu panas,\nmohon tambah kipas"
    assert stored[2].usia is None
    for response, row in zip(stored, ROWS, strict=True):
        answers = dict(session.execute(select(Answer.item_code, Answer.value)
                                       .where(Answer.response_id == response.id)).all())
        expected = {code: value for code, value in zip(IKM.codes, [
            next((v for v, label in LABELS[code].items() if label == cell), 0)
            for code, cell in zip(IKM.codes, row[7:16], strict=True)], strict=True) if value}
        assert answers == expected
        assert response.answer_sum == sum(expected.values())
        assert response.source == "paper"
    batch = session.scalars(select(ImportBatch)).one()
    assert batch.kind == "form" and batch.rows == 3 and batch.unit_id == unit.id
    assert batch.file_sha256 == hashlib.sha256(text.encode()).hexdigest()
    assert {r.import_batch_id for r in stored} == {batch.id}


def test_a_bad_row_stores_nothing_and_is_named(runner, session, tmp_path):
    setup(session)
    good = write(tmp_path, export(ROWS))
    assert runner.invoke(args=["responses", "form-mapping", "U1", good, "--save"]).exit_code == 0
    bad = [*ROWS, form_row("31/02/2026 10.00.00", "Layanan SKCK", [4] * 9)]
    bad[1] = list(bad[1])
    bad[1][8] = "Lumayan"  # not a label of 'prosedur'
    bad.append(form_row("15/03/2026 10.00.00", "Layanan Paspor", [4] * 9))
    path = write(tmp_path, export(bad), "bad.csv")
    result = runner.invoke(args=["responses", "import-form", "U1", path])
    assert result.exit_code == 1
    out = result.output
    # line 2's saran spans two physical lines: the second row starts on line 4
    assert "line 4: prosedur: answer 'Lumayan'" in out
    assert "line 6: submitted_at '31/02/2026 10.00.00'" in out
    assert "line 7: service: unknown service 'Layanan Paspor'" in out
    assert count_responses(session) == 0
    assert session.scalar(select(func.count()).select_from(ImportBatch)) == 0


def test_english_export_with_month_first_and_semicolons(runner, session, tmp_path):
    setup(session)
    header = ["Timestamp", *HEADER[2:]]
    rows = [["3/12/2026 14:05:33", *ROWS[0][2:]], ["12/3/2026 9:05:00", *ROWS[1][2:]]]
    path = write(tmp_path, export(rows, header, delimiter=";"))
    result = runner.invoke(args=["responses", "form-mapping", "U1", path, "--save"])
    assert "date order mdy" in result.output and result.exit_code == 0, result.output
    result = runner.invoke(args=["responses", "import-form", "U1", path])
    assert result.exit_code == 0, result.output
    times = session.scalars(select(Response.submitted_at).order_by(Response.submitted_at)).all()
    assert times == [datetime(2026, 3, 12, 6, 5, 33, tzinfo=UTC),
                     datetime(2026, 12, 3, 1, 5, tzinfo=UTC)]


def test_mapping_options_override_the_guess(runner, session, tmp_path):
    setup(session)
    rows = [form_row("12/03/2026 14.05.33", "x", [4] * 9)]
    rows[0][7] = "Sangat Setuju"  # a unit's own wording for 'persyaratan' 4
    header = [*HEADER[:2], "Loket", *HEADER[3:]]
    path = write(tmp_path, export(rows, header))
    result = runner.invoke(args=["responses", "form-mapping", "U1", path, "--map", "Loket=",
                                 "--service", "SIM", "--value",
                                 "persyaratan:Sangat setuju=4", "--save"])
    assert result.exit_code == 0, result.output
    assert "'Loket' -> (ignored)" in result.output
    result = runner.invoke(args=["responses", "import-form", "U1", path])
    assert result.exit_code == 0, result.output
    stored = session.scalars(select(Response)).one()
    assert stored.answer_sum == 36
    bad = runner.invoke(args=["responses", "form-mapping", "U1", path, "--map", "Nope=usia"])
    assert bad.exit_code == 1 and "no column 'Nope'" in bad.output


def test_forms_download_timestamps_with_am_pm_and_offset(runner, session, tmp_path):
    """Google Forms' own "Download responses (.csv)": 2026/03/12 2:05:33 PM GMT+7; the offset
    given wins over the unit's zone (Asia/Makassar here)."""
    setup(session)
    rows = [["2026/03/12 2:05:33 PM GMT+7", *ROWS[0][1:]],
            ["2026/03/13 12:10:00 AM GMT+7", *ROWS[1][1:]]]
    path = write(tmp_path, export(rows))
    assert runner.invoke(args=["responses", "form-mapping", "U1", path, "--save"]).exit_code == 0
    result = runner.invoke(args=["responses", "import-form", "U1", path])
    assert result.exit_code == 0, result.output
    times = session.scalars(select(Response.submitted_at).order_by(Response.submitted_at)).all()
    assert times == [datetime(2026, 3, 12, 7, 5, 33, tzinfo=UTC),
                     datetime(2026, 3, 12, 17, 10, tzinfo=UTC)]
