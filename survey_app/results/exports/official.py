"""The official survey report (Laporan Hasil SKM) as content, written to DOCX and PDF alike.

The outline follows the report format of PermenPAN-RB 14/2017: I Pendahuluan, II Pengumpulan
Data, III Hasil Pengolahan Data, IV Analisis, V Kesimpulan dan Rencana Tindak Lanjut, then the
signature of the head of unit and the annexes (kuesioner, tabel NRR, rekap saran). The text is
Bahasa Indonesia (the document a unit files); numbers and dates go through `survey_app.formats`
with the document's locale, set in one place (LOCALE below).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

import analysis
from analysis.index import Weights

from ... import formats
from ...letterheads import Kop, kop_of
from ...models import Publication
from ..basis import COMPAT, conversion_derived, conversion_text, weights_note
from ..followup import PRIORITIES, plan_for
from ..queries import profile_counts, suggestions
from ..report import IndexReport, reliability_for, selection
from ..smallgroups import MIN_GROUP
from .common import OMITTED_NOTE, PROFILE_TITLES, breakdown, element_name, service_label

LOCALE = "id"  # the official report is filed in Bahasa Indonesia
SARAN_LIMIT = 300  # the newest suggestions printed in the annex; the dashboard lists them all
NOT_FILLED = "(belum diisi)"
ALPHA_ID = {"excellent": "sangat baik", "good": "baik", "acceptable": "dapat diterima",
            "questionable": "diragukan", "poor": "buruk", "unacceptable": "tidak dapat diterima"}
LEGAL_BASIS = (
    "Undang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik;",
    "Peraturan Pemerintah Nomor 96 Tahun 2012 tentang Pelaksanaan Undang-Undang Nomor 25 Tahun "
    "2009 tentang Pelayanan Publik;",
    "Peraturan Menteri Pendayagunaan Aparatur Negara dan Reformasi Birokrasi Nomor 14 Tahun 2017 "
    "tentang Pedoman Penyusunan Survei Kepuasan Masyarakat Unit Penyelenggara Pelayanan Publik;",
)
ZI_BASIS = ("Peraturan Menteri Pendayagunaan Aparatur Negara dan Reformasi Birokrasi Nomor 90 "
            "Tahun 2021 tentang Pembangunan dan Evaluasi Zona Integritas Menuju Wilayah Bebas "
            "dari Korupsi dan Wilayah Birokrasi Bersih dan Melayani di Instansi Pemerintah.")


def num(x: float | None, places: int = 2) -> str:
    """A decimal in the document's locale (80,57), rounded half up; a dash for nothing."""
    if x is None or not math.isfinite(x):
        return formats.DASH
    return formats.number(x, places, locale=LOCALE)


def whole(n: int | None) -> str:
    """A count in the document's locale (1.250)."""
    return formats.integer(n, locale=LOCALE)


@dataclass(frozen=True)
class Heading:
    """A chapter (level 1) or section (level 2) title."""

    text: str
    level: int = 1


@dataclass(frozen=True)
class Para:
    """A paragraph; `items` makes it a numbered list instead."""

    text: str = ""
    bold: bool = False
    note: bool = False  # a label the reader must not miss (derived, compatibility)
    items: tuple[str, ...] = ()


@dataclass(frozen=True)
class Table:
    """A bordered table; widths in millimetres (the text block is 160 mm wide)."""

    head: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]
    right: tuple[int, ...] = ()  # columns of numbers, right-aligned
    total: int = 0  # how many last rows sum up the table (printed bold)


@dataclass(frozen=True)
class PageBreak:
    """Start the next block on a new page."""


Block = Heading | Para | Table | PageBreak


@dataclass(frozen=True)
class Verification:
    """The publication's verification stamp: the short code, its public page and a QR code."""

    code: str
    url: str
    qr_png: bytes


@dataclass(frozen=True)
class OfficialReport:
    """Everything both writers print, in order."""

    kop: Kop
    title: str
    subtitle: tuple[str, ...]
    body: tuple[Block, ...]
    signed_at: str  # "Makassar, 3 Desember 2026"
    annex: tuple[Block, ...] = field(default=())
    verification: Verification | None = None  # only when the figures are a publication's

    @property
    def signatory(self) -> tuple[str, str, str]:
        """Title, name and NIP line of the head of unit (dotted lines to fill in by hand)."""
        k = self.kop
        return (k.head_title or f"Kepala {k.unit_name}",
                k.head_name or "(" + "." * 40 + ")",
                f"NIP. {k.head_nip}" if k.head_nip else "NIP. " + "." * 30)


def build(session: Session, report: IndexReport, signed_on: date | None = None) -> OfficialReport:
    """The report's content, from the live figures."""
    kop = kop_of(session, report.unit)
    inst = report.instrument
    day = signed_on or datetime.now(ZoneInfo(report.unit.tz)).date()
    place = kop.place or "." * 20
    subtitle = [report.unit.name, f"Layanan: {service_label(report)}"]
    if report.counter:
        subtitle.append(f"Loket: {report.counter.name}")
    subtitle.append(f"Periode {_period(report)}")
    body = (*_introduction(report), *_collection(report), *_results(session, report),
            *_analysis(session, report), *_conclusion(session, report))
    annex = (*_questionnaire(report), *_nrr_table(report), *_saran(session, report))
    verification, integrity = _published(session, report)
    if integrity:  # before the closing sentence of BAB V
        body = (*body[:-1], *integrity, body[-1])
    return OfficialReport(kop, f"LAPORAN HASIL {inst.title.id.upper()}", tuple(subtitle), body,
                          f"{place}, {formats.day(day, locale=LOCALE)}", annex, verification)


CHANNEL_NAMES = {"web": "formulir web", "kiosk": "kios", "paper": "kertas"}


def _published(session: Session, report: IndexReport) -> tuple[Verification | None, list[Block]]:
    """The verification stamp and the frozen integrity summary, when the report's figures are
    exactly a current publication's (a draft of unpublished figures carries neither)."""
    from ...integrity.stamp import publication_of

    verification, text = published_parts(publication_of(session, report))
    return verification, [Heading("C. Integritas Data dan Verifikasi", 2), Para(text)] if text \
        else []


def published_parts(pub: Publication | None) -> tuple[Verification | None, str]:
    """A publication's stamp, and the sentence on its frozen integrity summary ending with the
    verification code ("" when no summary was frozen); (None, "") for no publication."""
    from ...integrity.stamp import stamp_for_publication

    if pub is None:
        return None, ""
    stamp = stamp_for_publication(pub)
    verification = (Verification(stamp.code, stamp.url, stamp.png(box_size=4))
                    if stamp is not None else None)
    summary = json.loads(pub.figures).get("integrity")
    if not isinstance(summary, dict) or not summary:
        return verification, ""
    channels = summary.get("responses_by_channel")
    if not isinstance(channels, dict):
        channels = {}
    total = sum(int(n) for n in channels.values())
    shares = ", ".join(f"{CHANNEL_NAMES.get(str(ch), str(ch))} {num(100 * int(n) / total, 1)}%"
                       for ch, n in sorted(channels.items())) if total else ""
    counted = ("tidak dihitung" if summary.get("excludes_quarantined")
               else "tetap dihitung")
    text = (f"Pemeriksaan integritas data: {whole(_int(summary, 'checked'))} respons diperiksa, "
            f"{whole(_int(summary, 'flagged'))} ditandai untuk ditelaah, "
            f"{whole(_int(summary, 'quarantined'))} dikarantina (respons yang dikarantina "
            f"{counted} dalam nilai di atas).")
    if shares:
        text += f" Respons menurut kanal: {shares}."
    if verification is not None:
        text += (f" Angka dalam laporan ini dapat diperiksa siapa pun dengan kode verifikasi "
                 f"{verification.code} di {verification.url}.")
    return verification, text


def _int(summary: dict[str, object], key: str) -> int:
    value = summary.get(key)
    return int(value) if isinstance(value, int | float) else 0


def _introduction(report: IndexReport) -> list[Block]:
    inst, unit = report.instrument, report.unit.name
    basis = list(LEGAL_BASIS)
    if inst.slug != "ikm":
        basis.append(ZI_BASIS)
    return [
        Heading("BAB I PENDAHULUAN"),
        Heading("A. Latar Belakang", 2),
        Para("Undang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik mewajibkan "
             "penyelenggara pelayanan publik mengikutsertakan masyarakat dalam penyelenggaraan "
             f"pelayanan. {inst.title.id} ({inst.index_name}) adalah pengukuran tingkat "
             "pendapat masyarakat atas pelayanan yang mereka terima, yang hasilnya menjadi "
             f"bahan evaluasi dan perbaikan mutu pelayanan. {unit} melaksanakan survei ini "
             f"secara berkala dengan instrumen menurut {inst.source}."),
        Heading("B. Dasar Hukum", 2),
        Para(items=tuple(basis)),
        Heading("C. Maksud dan Tujuan", 2),
        Para(items=(f"mengetahui nilai {inst.index_name} {unit} pada periode survei;",
                    "mengetahui kelemahan dan kelebihan setiap unsur pelayanan;",
                    "menjadi dasar penyusunan rencana tindak lanjut perbaikan pelayanan.")),
    ]


def _collection(report: IndexReport) -> list[Block]:
    inst, s = report.instrument, report.sample
    k = len(report.result.elements)
    if s.population is None:
        sample = (f"Jumlah kuesioner yang terkumpul {whole(s.collected)}. Jumlah pengguna "
                  "layanan (populasi) pada periode ini belum diisi, sehingga kecukupan sampel "
                  "belum dapat dinilai.")
    else:
        verdict = "sudah mencukupi" if s.adequate else "belum mencukupi"
        sample = (f"Dengan jumlah pengguna layanan (populasi) {whole(s.population)} orang, "
                  f"sampel minimal menurut tabel Krejcie dan Morgan adalah {whole(s.required)} "
                  f"responden. Kuesioner yang terkumpul {whole(s.collected)}, sehingga jumlah "
                  f"responden {verdict}.")
    return [
        Heading("BAB II PENGUMPULAN DATA"),
        Heading("A. Pelaksana Survei", 2),
        Para(f"Survei dilaksanakan secara mandiri oleh {report.unit.name}."),
        Heading("B. Metode Pengumpulan Data", 2),
        Para(f"Kuesioner berisi {k} unsur pelayanan menurut {inst.source}, masing-masing dengan "
             f"pilihan jawaban bernilai {inst.scale_min} sampai {inst.scale_max}. Responden "
             "mengisi sendiri tanpa mencantumkan nama, melalui formulir daring (memindai kode "
             "QR), perangkat di loket, atau kuesioner kertas yang kemudian dimasukkan ke "
             "aplikasi. Kuesioner terlampir (Lampiran 1)."),
        Heading("C. Lokasi dan Waktu Pengumpulan Data", 2),
        Para(f"Lokasi: {report.unit.name} ({_scope(report)}). Waktu: "
             f"{_period(report)}."),
        Heading("D. Penentuan Jumlah Responden", 2),
        Para(sample),
    ]


def _results(session: Session, report: IndexReport) -> list[Block]:
    inst, r = report.instrument, report.result
    blocks: list[Block] = [Heading("BAB III HASIL PENGOLAHAN DATA"),
                           Heading("A. Jumlah Responden", 2)]
    if not inst.profile:
        blocks.append(Para(f"Jumlah responden {whole(report.n)} orang. Kuesioner ini tidak "
                           "menanyakan profil responden."))
    else:
        counts = profile_counts(session, selection(report.unit, inst.slug, report.period,
                                                   report.service, report.counter))
        blocks.append(Para(
            f"Jumlah responden {whole(report.n)} orang, dengan rincian berikut. Kelompok "
            f"dengan kurang dari {MIN_GROUP} responden ditulis <{MIN_GROUP} (bila perlu "
            f"kelompok lain ditulis ≥{MIN_GROUP}) agar tidak ada responden yang dapat "
            "dikenali."))
        groups = tuple((PROFILE_TITLES[name] if i == 0 else "", label, shown)
                       for name in ("jenis_kelamin", "usia", "pendidikan", "pekerjaan")
                       for i, (label, shown) in enumerate(breakdown(name, counts.get(name, {}))))
        blocks.append(Table(("Karakteristik", "Kelompok", "Jumlah"), groups, (45, 75, 30),
                            right=(2,)))
    blocks += [Heading(f"B. Indeks {inst.title.id.removeprefix('Survei ')}", 2),
               Para(_method_text(report))]
    if conversion_derived(inst.scale_max):
        blocks.append(Para(derived_text(report), note=True))
    if r.weights != Weights.EXACT:
        blocks.append(Para(_id_only(weights_note(r.weights)), note=True))
    blocks.append(element_table(report))
    ci = (f"Interval kepercayaan 95% nilai {inst.index_name}: {num(report.ci95[0])} sampai "
          f"{num(report.ci95[1])}." if report.ci95 else
          "Interval kepercayaan 95% tidak dapat dihitung (kurang dari 2 responden).")
    blocks.append(Para(f"Nilai {inst.index_name} {report.unit.name} adalah {num(r.converted)} "
                       f"dengan mutu pelayanan {r.category.mutu} dan kinerja unit pelayanan "
                       f"{r.category.kinerja_id}. {ci}", bold=True))
    if r.omitted:
        names = ", ".join(element_name(report, c) for c in r.omitted)
        blocks.append(Para(f"Tidak dijawab oleh responden mana pun: {names}. "
                           f"{_id_only(OMITTED_NOTE)}"))
    blocks += _category_table(report)
    return blocks


def element_table(report: IndexReport) -> Table:
    """Each element's NRR, weight and weighted NRR, then the index and its converted value."""
    inst, r = report.instrument, report.result
    rows: tuple[tuple[str, ...], ...] = tuple(
        (str(i), element_name(report, e.code), num(e.nrr), _weight(report, e),
         num(e.nrr_weighted, 4)) for i, e in enumerate(r.elements, start=1))
    rows += (("", f"Indeks {inst.index_name} (jumlah NRR tertimbang)", "", "", num(r.index, 4)),
             ("", f"Nilai {inst.index_name} (nilai konversi)", "", "", num(r.converted)))
    return Table(("No", "Unsur pelayanan", "NRR", "Bobot", "NRR tertimbang"), rows,
                 (12, 78, 22, 20, 28), right=(2, 3, 4), total=2)


def _method_text(report: IndexReport) -> str:
    inst, r = report.instrument, report.result
    k = sum(1 for e in r.elements if e.n)
    weights = (f"Setiap unsur berbobot sama, 1/{k} (k = jumlah unsur yang dijawab)."
               if r.weights == Weights.EXACT else "")
    return (f"Nilai rata-rata unsur (NRR) = jumlah nilai jawaban unsur dibagi jumlah responden "
            f"yang menjawab unsur itu. Indeks = jumlah NRR x bobot. {weights} Nilai "
            f"{inst.index_name} = {conversion_text(inst.scale_max, inst.conversion_factor)}. "
            "Perhitungan memakai nilai tanpa pembulatan; pembulatan (2 desimal, 0,005 dibulatkan "
            "ke atas) hanya untuk penyajian.").replace("  ", " ")


def _weight(report: IndexReport, e: analysis.ElementStat) -> str:
    if not e.n:
        return formats.DASH
    if report.result.weights == COMPAT:
        return num(analysis.index.COMPAT_WEIGHT, 3)
    if report.result.weights == Weights.EXACT:
        return f"1/{sum(1 for x in report.result.elements if x.n)}"
    if not e.nrr or e.nrr_weighted is None:
        return formats.DASH
    return num(e.nrr_weighted / e.nrr, 4)


def _category_table(report: IndexReport) -> list[Block]:
    inst = report.instrument
    table = sorted(inst.categories, key=lambda c: c.lower, reverse=True)
    upper = [inst.scale_max * inst.conversion_factor] + [c.lower - 0.01 for c in table[:-1]]
    lead = ("Kategori mutu pelayanan menurut PermenPAN-RB 14/2017"
            + (f", dipakai untuk skala {inst.scale_min}-{inst.scale_max} secara analogi:"
               if conversion_derived(inst.scale_max) else ":"))
    return [Para(lead), Table(("Mutu pelayanan", f"Nilai {inst.index_name}", "Kinerja unit"),
                              tuple((c.letter, f"{num(c.lower)} – {num(top)}", c.kinerja.id)
                                    for c, top in zip(table, upper, strict=True)),
                              (35, 55, 60))]


def _analysis(session: Session, report: IndexReport) -> list[Block]:
    answered = [e for e in report.result.elements if e.nrr is not None]
    lowest = analysis.follow_up_priorities(answered, PRIORITIES)
    highest = sorted(answered, key=lambda e: -e.nrr)[:PRIORITIES]  # type: ignore[operator]

    def listed(elements: list[analysis.ElementStat]) -> str:
        return "; ".join(f"{element_name(report, e.code)} (NRR {num(e.nrr)})" for e in elements)

    blocks: list[Block] = [
        Heading("BAB IV ANALISIS HASIL SURVEI"),
        Heading("A. Kelemahan dan Kelebihan Unsur Pelayanan", 2),
        Para(f"Unsur dengan nilai terendah, yang menjadi prioritas perbaikan: {listed(lowest)}. "
             f"Unsur dengan nilai tertinggi, yang perlu dipertahankan: {listed(highest)}."),
        Heading("B. Konsistensi Jawaban", 2),
    ]
    rel = reliability_for(session, report)
    if rel is None or not math.isfinite(rel.alpha):
        blocks.append(Para("Koefisien Cronbach's alpha tidak dapat dihitung: diperlukan "
                           "sedikitnya 2 responden yang menjawab semua unsur dengan jawaban "
                           "yang bervariasi."))
    else:
        reading = ALPHA_ID[analysis.interpret_alpha(rel.alpha)]
        blocks.append(Para(
            f"Koefisien Cronbach's alpha = {num(rel.alpha, 3)} dari {whole(rel.n)} responden "
            f"yang menjawab semua {rel.k} unsur: konsistensi jawaban {reading}. Nilai 0,70 ke "
            "atas umumnya dianggap memadai; korelasi item-total yang rendah menandai unsur "
            "yang dinilai berbeda dari unsur lainnya."))
        blocks.append(Table(("Unsur", "Korelasi item-total", "Alpha jika unsur dihapus"),
                            tuple((element_name(report, c), num(rel.item_total[c], 3),
                                   num(rel.alpha_if_deleted[c], 3)) for c in rel.item_total),
                            (80, 40, 40), right=(1, 2)))
    return blocks


def _conclusion(session: Session, report: IndexReport) -> list[Block]:
    inst, r = report.instrument, report.result
    nrr = {e.code: e.nrr for e in r.elements}
    stored = plan_for(session, report.unit, inst.slug, report.period, report.service)
    plan = [(i.element_code, i.program, i.waktu, i.penanggung_jawab) for i in stored]
    blocks: list[Block] = [
        Heading("BAB V KESIMPULAN DAN RENCANA TINDAK LANJUT"),
        Heading("A. Kesimpulan", 2),
        Para(f"Berdasarkan {whole(report.n)} responden pada periode "
             f"{_period(report)}, nilai "
             f"{inst.index_name} {report.unit.name} adalah {num(r.converted)} (mutu pelayanan "
             f"{r.category.mutu}, kinerja {r.category.kinerja_id})."
             + (" Nilai ini turunan (lihat BAB III)." if conversion_derived(inst.scale_max)
                else "")),
        Heading("B. Rencana Tindak Lanjut", 2),
    ]
    if not plan:
        blocks.append(Para("Rencana tindak lanjut belum diisi di aplikasi. Unsur dengan NRR "
                           "terendah diusulkan sebagai prioritas; program, waktu dan "
                           "penanggung jawab perlu dilengkapi.", note=True))
        plan = [(e.code, "", "", "") for e in
                analysis.follow_up_priorities(list(r.elements), PRIORITIES)]
    blocks.append(Table(("No", "Prioritas unsur", "Program/kegiatan", "Waktu", "Penanggung jawab"),
                        tuple((str(n), f"{element_name(report, code)} (NRR {num(nrr.get(code))})",
                               program or NOT_FILLED, waktu or NOT_FILLED, pj or NOT_FILLED)
                              for n, (code, program, waktu, pj) in enumerate(plan, start=1)),
                        (10, 42, 52, 24, 32)))
    blocks.append(Para("Demikian laporan ini disusun sebagai bahan evaluasi dan perbaikan "
                       "mutu pelayanan."))
    return blocks


def _questionnaire(report: IndexReport) -> list[Block]:
    inst = report.instrument
    rows = tuple((str(i), item.name.id, item.text.id,
                  "\n".join(f"{v}. {label.id}" for v, label in
                            enumerate(item.labels, start=inst.scale_min)))
                 for i, item in enumerate(inst.items, start=1))
    return [Heading("Lampiran 1. Kuesioner"),
            Para(f"{inst.title.id}, instrumen {inst.slug} versi {inst.version} ({inst.source})."),
            Table(("No", "Unsur", "Pertanyaan", "Pilihan jawaban (nilai)"), rows,
                  (10, 34, 66, 50))]


def _nrr_table(report: IndexReport) -> list[Block]:
    r, inst = report.result, report.instrument
    rows = tuple((str(i), element_name(report, e.code), whole(e.n),
                  whole(round(e.nrr * e.n)) if e.nrr is not None else formats.DASH,
                  num(e.nrr, 3), _weight(report, e), num(e.nrr_weighted, 4))
                 for i, e in enumerate(r.elements, start=1))
    rows += (("", "Jumlah (indeks)", "", "", "", "", num(r.index, 4)),)
    return [PageBreak(), Heading("Lampiran 2. Tabel Nilai Rata-rata Unsur (NRR)"),
            Table(("No", "Unsur", "Jawaban", "Jumlah nilai", "NRR", "Bobot", "NRR tertimbang"),
                  rows, (10, 50, 19, 19, 17, 16, 29), right=(2, 3, 4, 5, 6), total=1),
            Para(f"Nilai {inst.index_name} = "
                 f"{conversion_text(inst.scale_max, inst.conversion_factor)} = "
                 f"{num(r.converted)}; mutu pelayanan {r.category.mutu}.")]


def _saran(session: Session, report: IndexReport) -> list[Block]:
    blocks: list[Block] = [PageBreak(), Heading("Lampiran 3. Rekapitulasi Saran")]
    if not report.instrument.saran:
        return [*blocks, Para("Kuesioner ini tidak menanyakan saran.")]
    sel = selection(report.unit, report.instrument.slug, report.period, report.service,
                    report.counter)
    total, rows = suggestions(session, sel, limit=SARAN_LIMIT)
    if not total:
        return [*blocks, Para("Tidak ada saran pada periode ini.")]
    zone = ZoneInfo(report.unit.tz)
    lead = f"Saran responden ({whole(total)}), terbaru di atas, ditulis apa adanya."
    if total > SARAN_LIMIT:
        lead += f" Dicetak {whole(SARAN_LIMIT)} saran terbaru; selengkapnya di dasbor."
    return [*blocks, Para(lead), Table(
        ("No", "Tanggal", "Saran"),
        tuple((str(i), formats.day(when.astimezone(zone).date(), locale=LOCALE), text.strip())
              for i, (when, text) in enumerate(rows, start=1)), (10, 36, 114))]


def _id_only(text: str) -> str:
    """A bilingual note without its trailing English gloss: "... lain (an element ...)." """
    head, sep, _ = text.rpartition(" (")
    return head.rstrip(".") + "." if sep else text


def _period(report: IndexReport) -> str:
    return formats.period(report.period.start, report.period.end, locale=LOCALE)


def _scope(report: IndexReport) -> str:
    if report.service is None:
        return "semua layanan"
    scope = f"layanan {report.service.name}"
    return scope + (f", loket {report.counter.name}" if report.counter else "")


def derived_text(report: IndexReport) -> str:
    """The label of a derived conversion and category, in Bahasa Indonesia only."""
    inst = report.instrument
    return (f"Nilai turunan: nilai {inst.index_name} = "
            f"{conversion_text(inst.scale_max, inst.conversion_factor)}, dan kategori mutu serta "
            "kinerja memakai batas IKM secara analogi, karena tidak ada tabel resmi untuk skala "
            f"{inst.scale_min}-{inst.scale_max}.")
