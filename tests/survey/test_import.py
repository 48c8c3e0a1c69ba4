"""Paper import: the interface contract's CSV, all rows or none."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from survey_app.models import Answer, Response
from tests.helpers import IKM_CODES, count_answers, count_responses, make_unit

HEADER = "submitted_at,service,jenis_kelamin,usia,pendidikan,pekerjaan," + ",".join(IKM_CODES) \
    + ",saran"


def write(tmp_path, *rows: str, header: str = HEADER):
    path = tmp_path / "paper.csv"
    path.write_text("\n".join((header, *rows)) + "\n", encoding="utf-8")
    return str(path)


def row(when="2026-03-02 09:30", service="S1", values="4,4,3,3,4,4,4,3,2", saran=""):
    return f"{when},{service},L,40,SMA,Swasta,{values},{saran}"


def test_import_stores_every_row(runner, session, tmp_path):
    make_unit(session, tz="Asia/Makassar")
    path = write(tmp_path, row(), row(when="2026-03-03", values="3,3,3,3,3,3,3,,3",
                                      saran='"Ruang tunggu panas, tambah kipas"'))
    result = runner.invoke(args=["responses", "import", "U1", path])
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == "imported 2"
    rows = session.scalars(select(Response).order_by(Response.submitted_at)).all()
    assert [r.source for r in rows] == ["paper", "paper"]
    # local time in Asia/Makassar (UTC+8) stored as UTC
    assert rows[0].submitted_at == datetime(2026, 3, 2, 1, 30, tzinfo=UTC)
    assert rows[1].saran == "Ruang tunggu panas, tambah kipas"
    # an empty cell is an unanswered element: no row for it
    codes = session.scalars(select(Answer.item_code).where(Answer.response_id == rows[1].id))
    assert "pengaduan" not in set(codes)
    assert count_answers(session) == 17


def test_bad_rows_store_nothing_and_name_each_line(runner, session, tmp_path):
    make_unit(session)
    path = write(
        tmp_path,
        row(),
        row(values="4,4,5,3,4,4,4,3,2"),
        row(service="XX"),
        row(when="2026-02-30"),
        row(values=",,,,,,,,"),
    )
    result = runner.invoke(args=["responses", "import", "U1", path])
    assert result.exit_code == 1
    out = result.output
    assert "line 3: waktu:" in out
    assert "line 4: service: unknown service 'XX'" in out
    assert "line 5: submitted_at" in out
    assert "line 6:" in out
    assert "line 2" not in out
    assert "Traceback" not in out
    assert count_responses(session) == 0


def test_unknown_and_missing_columns(runner, session, tmp_path):
    make_unit(session)
    path = write(tmp_path, row() + ",x", header=HEADER + ",nik")
    result = runner.invoke(args=["responses", "import", "U1", path])
    assert result.exit_code == 1 and "unknown column(s): nik" in result.output
    path = write(tmp_path, "2026-03-02,S1,4", header="submitted_at,service,persyaratan")
    result = runner.invoke(args=["responses", "import", "U1", path])
    assert result.exit_code == 1 and "missing column(s): prosedur" in result.output
    assert count_responses(session) == 0


def test_wrong_field_count_and_empty_file(runner, session, tmp_path):
    make_unit(session)
    result = runner.invoke(args=["responses", "import", "U1", write(tmp_path, "2026-03-02,S1")])
    assert result.exit_code == 1 and "line 2: wrong number of fields" in result.output
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    result = runner.invoke(args=["responses", "import", "U1", str(empty)])
    assert result.exit_code == 1 and "line 1:" in result.output


def test_unreadable_file_and_unknown_unit(runner, session, tmp_path):
    make_unit(session)
    result = runner.invoke(args=["responses", "import", "U1", str(tmp_path / "none.csv")])
    assert result.exit_code == 1 and "No such file" in result.output
    latin = tmp_path / "latin.csv"
    latin.write_bytes(HEADER.encode() + b"\n" + row(saran="caf\xe9").encode("latin-1"))
    result = runner.invoke(args=["responses", "import", "U1", str(latin)])
    assert result.exit_code == 1 and "not UTF-8" in result.output
    result = runner.invoke(args=["responses", "import", "NOPE", write(tmp_path, row())])
    assert result.exit_code == 1 and "unknown unit" in result.output
    assert count_responses(session) == 0


def test_bom_and_profile_aliases_accepted(runner, session, tmp_path):
    make_unit(session)
    path = tmp_path / "bom.csv"
    line = "2026-03-02T08:00:00+07:00,s1,p,,tidak sekolah,pns," + "4,4,4,4,4,4,4,4,4,"
    path.write_bytes(("\ufeff" + HEADER + "\n" + line + "\n").encode("utf-8"))
    result = runner.invoke(args=["responses", "import", "U1", str(path)])
    assert result.exit_code == 0, result.output
    stored = session.scalars(select(Response)).one()
    assert (stored.jenis_kelamin, stored.pendidikan, stored.pekerjaan, stored.usia) == (
        "P", "tidak_sekolah", "PNS", None)


def test_line_numbers_are_physical_lines(runner, session, tmp_path):
    """A blank line and a saran spanning two lines do not shift the numbers of later rows."""
    make_unit(session)
    path = write(
        tmp_path,
        row(saran='"Antrean panjang,\nmohon tambah loket"'),  # lines 2-3
        "",  # line 4: blank, no record
        row(service="XX"),  # line 5
        row(values="4,4,9,3,4,4,4,3,2"),  # line 6
    )
    result = runner.invoke(args=["responses", "import", "U1", path])
    assert result.exit_code == 1
    assert "line 5: service: unknown service 'XX'" in result.output
    assert "line 6: waktu:" in result.output
    assert "line 2" not in result.output and "line 3" not in result.output
    assert count_responses(session) == 0


def test_odd_values_are_reported_on_their_line_with_the_rest(runner, session, tmp_path):
    """Unicode digits, huge numbers, out-of-range dates and NUL are row problems, not crashes,
    and do not hide the problems of other rows."""
    make_unit(session)
    path = write(
        tmp_path,
        "2026-03-02,S1,L,\u00b2,SMA,Swasta,4,4,3,3,4,4,4,3,2,",  # line 2: usia '²'
        row(values="4,4,\u0663,3,4,4,4,3,2"),  # line 3: Arabic-Indic digit three
        "2026-03-02,S1,L," + "9" * 5000 + ",SMA,Swasta,4,4,3,3,4,4,4,3,2,",  # line 4
        row(when="9999-12-31T23:59:59-10:00"),  # line 5: beyond datetime's range in UTC
        row(when="0001-01-01"),  # line 6
        row(saran="nul\x00here"),  # line 7
        row(service="XX"),  # line 8
    )
    result = runner.invoke(args=["responses", "import", "U1", path])
    assert result.exit_code == 1, result.output
    out = result.output
    for line in range(2, 9):
        assert f"line {line}:" in out, (line, out)
    assert "line 2: usia:" in out and "line 3: waktu:" in out and "line 4: usia:" in out
    assert "line 7: contains a NUL character" in out
    assert "Traceback" not in out and "unexpected error" not in out
    assert count_responses(session) == 0
