"""The standard index infographic (1080x1350 PNG, or that image as a one-page PDF)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from typing import Any

from PIL import Image, ImageDraw, ImageFont
from sqlalchemy.orm import Session

import instruments
from analysis.index import Weights
from instruments import Instrument

from ... import formats
from ..basis import COMPAT, COMPAT_SHORT, conversion_derived, derived_short
from ..queries import profile_counts
from ..report import IndexReport, selection
from .common import ALL_SERVICES, Out, binary_out, breakdown, element_name, service_label
from .fonts import image_font

LOCALE = "id"  # the infographic is published in Bahasa Indonesia

SIZE = (1080, 1350)
NAVY, INK, MUTED, TRACK, PAPER = "#0b3d91", "#1f2933", "#52606d", "#e4e7eb", "#ffffff"
GRADE = ("#1b8a3a", "#1565c0", "#ef6c00", "#c62828")  # best category first
WARN = "#8a4b00"
NOTES_TOP, NOTE_STEP = 572, 30  # labels between the value box and the respondents


@dataclass(frozen=True)
class Figures:
    """What the infographic shows, from a live report or from a publication's frozen figures."""

    title: str
    unit_name: str
    service: str
    index_name: str
    converted: float
    mutu: str
    kinerja: str
    rank: int  # 0 = best category
    n: int
    profile: dict[str, dict[str, int]] | None  # raw counts; None when not asked
    period: str
    elements: tuple[tuple[str, float | None], ...]  # (name, NRR)
    scale: tuple[int, int]
    omitted: tuple[str, ...]
    weights: str = Weights.EXACT
    conversion_factor: float = 25.0

    def notes(self) -> list[str]:
        """Labels printed under the value: compatibility weights, a derived conversion."""
        out = []
        if self.weights == COMPAT:
            out.append(COMPAT_SHORT)
        if conversion_derived(self.scale[1]):
            out.append(derived_short(self.scale[1], self.conversion_factor))
        return out


def title_of(instrument: Instrument) -> str:
    """"INDEKS KEPUASAN MASYARAKAT (IKM)" from the instrument's title and index name."""
    name = instrument.title.id.upper().removeprefix("SURVEI ")
    return f"INDEKS {name} ({instrument.index_name})"


def _rank(instrument: Instrument, letter: str) -> int:
    table = sorted(instrument.categories, key=lambda c: c.lower, reverse=True)
    return next((i for i, c in enumerate(table) if c.letter == letter), 0)


def figures_of(session: Session, report: IndexReport) -> Figures:
    """Figures of a live report."""
    r, inst = report.result, report.instrument
    profile = profile_counts(session, selection(report.unit, inst.slug, report.period,
                                                report.service, report.counter)) \
        if inst.profile else None
    return Figures(
        title_of(inst), report.unit.name, service_label(report), inst.index_name, r.converted,
        r.category.mutu, r.category.kinerja_id, _rank(inst, r.category.letter), report.n,
        profile, formats.period(report.period.start, report.period.end, locale=LOCALE),
        tuple((element_name(report, e.code), e.nrr) for e in r.elements),
        (inst.scale_min, inst.scale_max), r.omitted, r.weights, inst.conversion_factor)


def figures_frozen(fig: dict[str, Any]) -> Figures:
    """Figures of a publication, exactly as published."""
    ix = fig["index"]
    inst = instruments.latest(ix["instrument"])
    names = fig.get("element_names", {})
    return Figures(
        title_of(inst), fig["unit_name"], fig.get("service_name") or ALL_SERVICES,
        inst.index_name, ix["converted"], ix["mutu"], ix["kinerja"], _rank(inst, ix["mutu"]),
        ix["n"], fig.get("profile_raw"), _period_words(ix, fig["period_label"]),
        tuple((names.get(e["code"], {}).get("id", e["code"]), e["nrr"]) for e in ix["elements"]),
        (ix["scale"]["min"], ix["scale"]["max"]), tuple(ix.get("omitted", [])),
        ix.get("weights", Weights.EXACT),
        float(ix["scale"].get("conversion_factor") or 100 / ix["scale"]["max"]))


def _fit(draw: ImageDraw.ImageDraw, text: str, width: int, size: int,
         bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """The largest font up to `size` in which `text` fits `width` pixels."""
    while size > 12 and draw.textlength(text, font=image_font(size, bold)) > width:
        size -= 2
    return image_font(size, bold)


def render_png(f: Figures) -> bytes:
    """The infographic as PNG bytes."""
    img = Image.new("RGB", SIZE, PAPER)
    d = ImageDraw.Draw(img)
    w, mid = SIZE[0], SIZE[0] // 2
    d.rectangle((0, 0, w, 190), fill=NAVY)
    d.text((mid, 62), f.title, font=_fit(d, f.title, 1000, 44, True), fill=PAPER, anchor="mm")
    d.text((mid, 128), f.unit_name, font=_fit(d, f.unit_name, 1000, 36), fill=PAPER,
           anchor="mm")
    service = f"Layanan: {f.service}"
    d.text((mid, 232), service, font=_fit(d, service, 1000, 30, True), fill=INK, anchor="mm")

    colour = GRADE[min(f.rank, len(GRADE) - 1)]
    d.rounded_rectangle((90, 268, w - 90, 548), radius=36, outline=colour, width=6)
    value = formats.number(f.converted, 2, locale=LOCALE)
    d.text((365, 380), value, font=_fit(d, value, 480, 140, True), fill=colour, anchor="mm")
    d.text((365, 495), f"Nilai {f.index_name}", font=image_font(30), fill=MUTED, anchor="mm")
    d.ellipse((735, 295, 895, 455), fill=colour)
    d.text((815, 375), f.mutu, font=image_font(110, True), fill=PAPER, anchor="mm")
    kinerja = f"Kinerja: {f.kinerja}"
    d.text((815, 495), kinerja, font=_fit(d, kinerja, 300, 30, True), fill=INK, anchor="mm")

    notes = f.notes()
    for i, note in enumerate(notes):
        d.text((mid, NOTES_TOP + i * NOTE_STEP), note, font=_fit(d, note, 940, 24, True),
               fill=WARN, anchor="mm")
    top = _respondents(d, f, 590 + NOTE_STEP * len(notes))
    period = f"Periode survei: {f.period}"
    d.text((90, top), period, font=_fit(d, period, 900, 28, True), fill=INK)
    _bars(d, f, top + 60, 1215 if f.omitted else 1240)
    if f.omitted:
        note = f"- {', '.join(f.omitted)}: tidak dijawab, bobotnya dibagi ke unsur lain"
        d.text((90, 1222), note, font=_fit(d, note, 900, 22), fill=MUTED)
    d.rectangle((0, 1260, w, SIZE[1]), fill=NAVY)
    d.text((mid, 1305), "Terima kasih atas partisipasi Anda", font=image_font(38, True),
           fill=PAPER, anchor="mm")
    buffer = io.BytesIO()
    img.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _respondents(d: ImageDraw.ImageDraw, f: Figures, top: int) -> int:
    """Total, by sex and by education (small groups hidden); return the next free y."""
    d.text((90, top), f"RESPONDEN: {f.n}", font=image_font(34, True), fill=NAVY)
    if f.profile is None:  # this questionnaire does not ask for a profile
        return top + 60
    counts = f.profile
    sex = "   ".join(f"{label}: {n}" for label, n in breakdown("jenis_kelamin",
                                                                counts.get("jenis_kelamin", {})))
    d.text((90, top + 50), sex, font=_fit(d, sex, 900, 28), fill=INK)
    education = breakdown("pendidikan", counts.get("pendidikan", {}))
    for i, (label, n) in enumerate(education):
        x, y = 90 + (i % 3) * 300, top + 100 + (i // 3) * 38
        d.text((x, y), f"{label}: {n}", font=_fit(d, f"{label}: {n}", 290, 26), fill=INK)
    return top + 100 + ((len(education) + 2) // 3) * 38 + 12


def _bars(d: ImageDraw.ImageDraw, f: Figures, top: int, bottom: int) -> None:
    """NRR per element as horizontal bars on the answer scale."""
    lo, hi = f.scale
    d.text((90, top), "Nilai rata-rata per unsur (NRR)", font=image_font(28, True), fill=NAVY)
    top += 44
    step = min(44, (bottom - top) // max(len(f.elements), 1))
    names = [name for name, _ in f.elements]
    size = max(12, min(24, int(step * 0.7)))
    while size > 16 and max(d.textlength(n, font=image_font(size)) for n in names) > 470:
        size -= 1
    font = image_font(size)
    widest = max(d.textlength(n, font=font) for n in names)
    x0, x1 = min(580, max(380, 130 + int(widest))), 910  # bars start just after the names
    for i, (_, nrr) in enumerate(f.elements):
        y = top + i * step + step // 2
        name = names[i]
        while d.textlength(name, font=font) > x0 - 110 and len(name) > 4:
            name = name[:-2].rstrip() + "…"
        d.text((90, y), name, font=font, fill=INK, anchor="lm")
        d.rounded_rectangle((x0, y - step // 4, x1, y + step // 4), radius=6, fill=TRACK)
        if nrr is not None:
            share = (nrr - lo) / (hi - lo)
            d.rounded_rectangle((x0, y - step // 4, x0 + max(12, int(share * (x1 - x0))),
                                 y + step // 4), radius=6, fill=NAVY)
        value = "-" if nrr is None else formats.number(nrr, 2, locale=LOCALE)
        d.text((x1 + 20, y), value, font=font, fill=INK, anchor="lm")


def write_png(session: Session, report: IndexReport, out: Out) -> None:
    """Write the 1080x1350 PNG (published figures with their verification code and QR)."""
    from ...integrity.stamp import stamp_for_report, stamped_png

    png = stamped_png(render_png(figures_of(session, report)), stamp_for_report(session, report))
    with binary_out(out) as handle:
        handle.write(png)


def write_infographic_pdf(session: Session, report: IndexReport, out: Out) -> None:
    """Write the infographic as a vector A4 PDF (text and shapes, not the PNG)."""
    from ...integrity.stamp import stamp_for_report
    from .infographic_pdf import period_text, render_pdf  # it builds on this module

    figures = figures_of(session, report)
    stamp = stamp_for_report(session, report)  # only when the figures are a publication's
    with binary_out(out) as handle:
        handle.write(render_pdf(figures, period_text(report.period.start, report.period.end),
                                stamp))


def _period_words(ix: dict[str, Any], label: str) -> str:
    """The published period in words (1 Oktober – 31 Desember 2026); the frozen label when the
    index carries no dates (publications older than the contract's `period` key)."""
    period = ix.get("period") or {}
    try:
        start, end = date.fromisoformat(period["from"]), date.fromisoformat(period["to"])
    except (KeyError, TypeError, ValueError):
        return label
    return formats.period(start, end, locale=LOCALE)
