"""The survey report as PDF: method, respondents, results, reliability and follow-up plan."""

from __future__ import annotations

import math

from sqlalchemy.orm import Session

import analysis

from ..basis import conversion_derived, conversion_text, derived_note, weights_note
from ..followup import PRIORITIES, plan_for
from ..queries import profile_counts
from ..report import IndexReport, reliability_for, selection
from ..smallgroups import MIN_GROUP
from .common import (
    OMITTED_NOTE,
    PROFILE_TITLES,
    Out,
    binary_out,
    breakdown,
    element_name,
    service_label,
)
from .fonts import ExportPDF

ALPHA_ID = {"excellent": "sangat baik", "good": "baik", "acceptable": "dapat diterima",
            "questionable": "diragukan", "poor": "buruk", "unacceptable": "tidak dapat diterima"}
NOT_FILLED = "(belum diisi)"


def _num(x: float | None, digits: int = 2) -> str:
    """Half-up rounded for display; "-" for nothing."""
    if x is None or not math.isfinite(x):
        return "-"
    return f"{analysis.round_half_up(x, digits):.{digits}f}"


def write_pdf_report(session: Session, report: IndexReport, out: Out) -> None:
    """Write the report (Bahasa Indonesia, short English glosses)."""
    pdf = ExportPDF(format="A4")
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    inst, r = report.instrument, report.result
    pdf.font(15, bold=True)
    pdf.multi_cell(0, 8, f"LAPORAN {inst.title.id.upper()} ({inst.index_name})", align="C",
                   new_x="LMARGIN", new_y="NEXT")
    pdf.font(11)
    for line in (f"{report.unit.name} ({report.unit.code})", f"Layanan: {service_label(report)}",
                 f"Periode: {report.period.label()}"):
        pdf.cell(0, 6, line, align="C", new_x="LMARGIN", new_y="NEXT")
    _method(pdf, report)
    _respondents(pdf, session, report)
    pdf.heading("3. Hasil per unsur (results per element)")
    pdf.grid(("No", "Kode", "Unsur", "n", "NRR", "NRR x bobot"), [
        (str(i), e.code, element_name(report, e.code), str(e.n), _num(e.nrr),
         _num(e.nrr_weighted, 4)) for i, e in enumerate(r.elements, start=1)
    ], (10, 28, 86, 18, 18, 28))
    ci = (f"{_num(report.ci95[0])} - {_num(report.ci95[1])}" if report.ci95
          else "tidak dapat dihitung (kurang dari 2 responden)")
    pdf.para(f"Indeks {inst.index_name} ({inst.scale_min}-{inst.scale_max}): {_num(r.index, 4)}; "
             f"nilai konversi: {_num(r.converted)}; mutu pelayanan: {r.category.mutu}; "
             f"kinerja unit: {r.category.kinerja_id} ({r.category.kinerja_en}). "
             f"Interval kepercayaan 95% nilai konversi (95% CI): {ci}.", bold=True)
    if conversion_derived(inst.scale_max):
        pdf.para("Nilai konversi dan kategori di atas adalah turunan (analogi batas IKM, tanpa "
                 "tabel resmi; derived by analogy).")
    if r.weights != "exact":
        pdf.para(weights_note(r.weights))
    if r.omitted:
        pdf.para(f"Tidak dijawab: {', '.join(r.omitted)}. {OMITTED_NOTE}")
    _reliability(pdf, session, report)
    _plan(pdf, session, report)
    with binary_out(out) as handle:
        handle.write(bytes(pdf.output()))


def _method(pdf: ExportPDF, report: IndexReport) -> None:
    inst, r, s = report.instrument, report.result, report.sample
    k = sum(1 for e in r.elements if e.n)
    weights = (f"Bobot setiap unsur 1/k = 1/{k} persis (k = jumlah unsur yang dijawab)."
               if r.weights == "exact" else weights_note(r.weights))
    derived = derived_note(inst.scale_max, inst.conversion_factor)
    pdf.heading("1. Metode (method)")
    pdf.para(f"Dasar instrumen: {inst.source} ({inst.title.id}, instrumen {inst.slug} "
             f"{inst.version}). Jawaban berskala {inst.scale_min}-{inst.scale_max}. NRR unsur = "
             "jumlah nilai jawaban / jumlah responden yang menjawab unsur itu. Indeks = jumlah "
             f"(NRR x bobot). Nilai konversi = "
             f"{conversion_text(inst.scale_max, inst.conversion_factor)}. {weights} "
             f"{OMITTED_NOTE} Dihitung tanpa pembulatan; pembulatan (2 desimal, half-up) hanya "
             "untuk tampilan.")
    if derived:
        pdf.para(derived, bold=True)
    table = sorted(inst.categories, key=lambda c: c.lower, reverse=True)
    upper = [inst.scale_max * inst.conversion_factor] + [c.lower - 0.01 for c in table[:-1]]
    if derived:
        pdf.para(f"Tabel kategori IKM (PermenPAN-RB 14/2017), dipakai untuk skala "
                 f"{inst.scale_min}-{inst.scale_max} secara analogi:")
    pdf.grid(("Mutu", "Nilai konversi", "Kinerja unit pelayanan"), [
        (c.letter, f"{_num(c.lower)} - {_num(top)}", f"{c.kinerja.id} ({c.kinerja.en})")
        for c, top in zip(table, upper, strict=True)
    ], (20, 40, 70))
    sample = f"Sampel: {s.collected} kuesioner terkumpul (collected)"
    if s.population is None:
        sample += "; jumlah pengguna layanan (populasi) belum diisi, kecukupan tidak dinilai."
    else:
        sample += (f"; minimal menurut Krejcie & Morgan untuk populasi {s.population}: "
                   f"{s.required} (required), {'cukup' if s.adequate else 'belum cukup'}.")
    pdf.para(sample)


def _respondents(pdf: ExportPDF, session: Session, report: IndexReport) -> None:
    pdf.heading("2. Responden (respondents)")
    if not report.instrument.profile:
        pdf.para(f"Jumlah responden: {report.n}. Kuesioner ini tidak menanyakan profil "
                 "responden (no respondent profile asked).")
        return
    counts = profile_counts(session, selection(report.unit, report.instrument.slug,
                                               report.period, report.service, report.counter))
    pdf.para(f"Jumlah responden: {report.n}. Kelompok dengan kurang dari {MIN_GROUP} responden "
             f"ditulis <{MIN_GROUP} (bila perlu kelompok lain ditulis ≥{MIN_GROUP}, atau "
             "rinciannya tidak ditampilkan) agar tidak ada responden yang dapat dikenali.")
    rows = [(PROFILE_TITLES[field] if i == 0 else "", label, shown)
            for field in ("jenis_kelamin", "pendidikan", "pekerjaan", "usia")
            for i, (label, shown) in enumerate(breakdown(field, counts.get(field, {})))]
    pdf.grid(("Profil", "Kelompok", "Jumlah"), rows, (40, 60, 25))


def _reliability(pdf: ExportPDF, session: Session, report: IndexReport) -> None:
    pdf.heading("4. Reliabilitas (reliability)")
    rel = reliability_for(session, report)
    if rel is None or not math.isfinite(rel.alpha):
        pdf.para("Cronbach's alpha tidak dapat dihitung (not computable): perlu minimal 2 "
                 "responden yang menjawab semua unsur, dengan jawaban yang bervariasi.")
        return
    reading = analysis.interpret_alpha(rel.alpha)
    pdf.para(f"Cronbach's alpha = {_num(rel.alpha, 3)} dari {rel.n} responden yang menjawab "
             f"semua {rel.k} unsur: konsistensi jawaban {ALPHA_ID[reading]} ({reading}). Alpha "
             "menunjukkan apakah responden menilai unsur-unsur secara konsisten; 0.70 ke atas "
             "umumnya dianggap memadai. Korelasi item-total yang rendah menandai unsur yang "
             "dinilai berbeda dari unsur lainnya.")
    pdf.grid(("Kode", "Unsur", "Korelasi item-total", "Alpha jika dihapus"), [
        (code, element_name(report, code), _num(rel.item_total[code], 3),
         _num(rel.alpha_if_deleted[code], 3)) for code in rel.item_total
    ], (26, 84, 35, 35))


def _plan(pdf: ExportPDF, session: Session, report: IndexReport) -> None:
    pdf.heading("5. Rencana tindak lanjut (follow-up plan)")
    nrr = {e.code: e.nrr for e in report.result.elements}
    rows = plan_for(session, report.unit, report.instrument.slug, report.period, report.service)
    plan = [(i.element_code, i.program, i.waktu, i.penanggung_jawab) for i in rows]
    if not plan:
        pdf.para("Belum ada rencana tersimpan untuk periode ini; usulan: unsur dengan NRR "
                 "terendah (no stored plan: the lowest elements are suggested).")
        lowest = analysis.follow_up_priorities(list(report.result.elements), PRIORITIES)
        plan = [(e.code, "", "", "") for e in lowest]
    pdf.grid(("No", "Prioritas unsur", "Program/kegiatan", "Waktu", "Penanggung jawab"), [
        (str(n), f"{element_name(report, code)} (NRR {_num(nrr.get(code))})",
         program or NOT_FILLED, waktu or NOT_FILLED, pj or NOT_FILLED)
        for n, (code, program, waktu, pj) in enumerate(plan, start=1)
    ], (10, 50, 60, 30, 30))
