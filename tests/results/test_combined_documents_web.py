"""The combined document's download links on the dashboard's combined card and the group page,
and who may fetch it: the server refuses whom the page does not offer it to."""

from __future__ import annotations

import io
import re
from datetime import date

from docx import Document

from survey_app.results.combined import build_combined, subtree
from survey_app.results.period import Period
from survey_app.unitgroups import find_group, members
from tests.admin.support import csrf_of, login, make_user
from tests.results.test_combined_documents import docx_text, n, pdf_text, rows_of, tree
from tests.scale.test_combined_web import _section, group

__all__ = ["group", "tree"]  # the fixtures, shared with the CLI tests
Q1 = "period=2026-Q1"
PERIOD = Period(date(2026, 1, 1), date(2026, 3, 31))


def _links(section: str) -> dict[str, str]:
    """The document links of a section, by format."""
    found = re.search(r"<p data-documents>(.*?)</p>", section, re.S)
    assert found is not None, "no document links"
    return {m[2]: m[1].replace("&amp;", "&") for m in
            re.finditer(r'href="([^"]+/export/(pdf|docx)[^"]*)"', found[1])}


def test_parent_staff_download_the_documents_from_the_combined_card(client, session, tmp_path,
                                                                     tree):
    units, _answers = tree
    make_user(session, "analis@p.go.id", role="analyst", unit=units["P"])
    login(client, "analis@p.go.id")  # reading is enough: the document is not a publication
    page = client.get(f"/admin/units/P/results/?{Q1}").get_data(as_text=True)
    card = _section(page, 'id="subunits"')
    assert re.findall(r"data-small>\*<", card) == ["data-small>*<"] * 3  # P, B and C
    links = _links(card)
    combined = build_combined(session, units["P"], subtree(session, units["P"]), "ikm", PERIOD)
    reply = client.get(links["pdf"])
    assert reply.status_code == 200 and reply.mimetype == "application/pdf"
    assert "gabungan-P-2026-01-01-2026-03-31-laporan.pdf" in reply.headers["Content-Disposition"]
    out = tmp_path / "p.pdf"
    out.write_bytes(reply.data)
    text = pdf_text(out)
    assert f"Nilai IKM gabungan Unit P adalah {n(combined.report.result.converted)}" in text
    assert rows_of(text, combined) == ["P", "A", "B", "C"]
    reply = client.get(links["docx"])
    assert reply.mimetype.endswith("wordprocessingml.document")
    assert rows_of(docx_text(reply.data), combined) == ["P", "A", "B", "C"]


def test_a_sub_units_staff_cannot_fetch_the_parents_document(client, session, tree):
    units, _answers = tree
    make_user(session, "staf@a.go.id", unit=units["A"])
    assert client.get(f"/admin/units/P/combined/export/pdf?{Q1}").status_code == 302  # login
    login(client, "staf@a.go.id")
    assert client.get(f"/admin/units/P/combined/export/pdf?{Q1}").status_code == 404
    assert client.get(f"/admin/units/P/combined/export/docx?{Q1}").status_code == 404
    # A's own subtree (A and C) is its to download, and holds only A and C.
    reply = client.get(f"/admin/units/A/combined/export/docx?{Q1}")
    assert reply.status_code == 200
    text = docx_text(reply.data)
    assert " 1 A Unit A " in f" {text} " and "2 C Unit C" in text and "Unit P" not in text
    assert client.get(f"/admin/units/A/combined/export/odt?{Q1}").status_code == 404


def test_only_who_runs_the_group_downloads_its_document(client, session, tmp_path, group):
    units, _answers = group
    make_user(session, "staf@b.go.id", unit=units["B"])
    make_user(session, "staf@x.go.id", unit=units["X"])
    login(client, "staf@b.go.id")  # a member unit: the pooled figure, no document
    page = client.get(f"/admin/groups/MPP/?{Q1}").get_data(as_text=True)
    assert "data-documents" not in page and "/export/pdf" not in page
    for fmt in ("pdf", "docx"):
        assert client.get(f"/admin/groups/MPP/export/{fmt}?{Q1}").status_code == 404
    client.post("/admin/logout", data={"csrf_token": csrf_of(page)})
    login(client, "staf@x.go.id")  # runs the group
    page = client.get(f"/admin/groups/MPP/?{Q1}").get_data(as_text=True)
    links = _links(_section(page, 'id="combined"'))
    group_ = find_group(session, "MPP")
    combined = build_combined(session, group_, members(session, group_), "ikm", PERIOD)
    out = tmp_path / "mpp.pdf"
    out.write_bytes(client.get(links["pdf"]).data)
    text = pdf_text(out)
    assert f"adalah {n(combined.report.result.converted)}" in text
    assert rows_of(text, combined) == ["B", "X"]
    document = Document(io.BytesIO(client.get(links["docx"]).data))
    assert rows_of(docx_text(client.get(links["docx"]).data), combined) == ["B", "X"]
    assert document.core_properties.language == "id-ID"


def test_nothing_answered_is_a_message_not_an_error(client, session, group):
    units, _answers = group
    make_user(session, "staf@x.go.id", unit=units["X"])
    make_user(session, "staf@p.go.id", unit=units["P"])
    login(client, "staf@x.go.id")
    reply = client.get("/admin/groups/MPP/export/pdf?period=2020-Q1")
    assert reply.status_code == 302 and reply.headers["Location"].endswith("/admin/groups/MPP/")
    reply = client.get("/admin/groups/MPP/export/pdf?period=not-a-period")
    assert reply.status_code == 302
