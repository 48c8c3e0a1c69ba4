"""The printable QR poster of a survey page: the unit's logo and name, the service and counter,
the title of the surveys the page runs (one or several in a row), the QR code, short
instructions, and, when the unit has published results, the latest figure with its
verification code and a small QR code to the public verification page; at the foot, the
anonymous whistle-blowing form. In Bahasa Indonesia, with a short English line under each part.
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

import instruments

from . import formats
from .models import Counter, Publication, Service, Unit
from .models.results import SCOPE_UNIT
from .qr import INK, MUTED_RGB, NAVY_RGB, POSTER_SIZES, qr_png

if TYPE_CHECKING:
    from .results.exports.fonts import ExportPDF

SECONDS_PER_QUESTION = 6.5  # a question read and tapped on a phone; profile included
NUMBER_WORDS = {2: "dua", 3: "tiga", 4: "empat"}
PALE = (236, 241, 250)


@dataclass(frozen=True)
class PublishedFigure:
    """The latest published figure a poster shows, and its verification stamp."""

    headline: str  # "IKM 86,45 · B (Baik)"
    period: str  # "1 Juli – 30 September 2026 · 1.234 responden"
    code: str
    url: str


@dataclass(frozen=True)
class Wording:
    """The poster's title and instructions for a flow of instruments."""

    title: str
    title_en: str
    instructions: str
    instructions_en: str


def _join(parts: Sequence[str], conjunction: str) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + ("," if len(parts) > 2 else "") + f" {conjunction} " + parts[-1]


def wording(flow: Sequence[str]) -> Wording:
    """Title and instructions for the instruments a QR code's page runs, first to last:
    one survey is named as it is ("Survei Kepuasan Masyarakat"); several share one "Survei"
    ("Survei Kepuasan Masyarakat dan Persepsi Korupsi"), and the instructions say that the
    surveys come one after the other and how long all of them take."""
    found = [instruments.latest(slug) for slug in flow] or [instruments.latest("ikm")]
    names = [i.title.id.removeprefix("Survei ") for i in found]
    names_en = [i.title.en.removesuffix(" Survey") for i in found]
    questions = sum(len(i.codes) for i in found)
    minutes = max(1, math.ceil(questions * SECONDS_PER_QUESTION / 60))
    title = "Survei " + _join(names, "dan")
    title_en = _join(names_en, "and") + " Survey"
    if len(found) == 1:
        what = f"lalu jawab beberapa pertanyaan singkat (sekitar {minutes} menit)"
        what_en = f"and answer a few short questions (about {_minutes_en(minutes)})"
    else:
        count = NUMBER_WORDS.get(len(found), str(len(found)))
        what = (f"lalu jawab {count} survei singkat berturut-turut (seluruhnya sekitar "
                f"{minutes} menit)")
        what_en = (f"and answer {len(found)} short surveys, one after the other (about "
                   f"{_minutes_en(minutes)} in all)")
    return Wording(title.upper(), title_en,
                   f"Pindai kode QR dengan kamera ponsel, {what}. Tanpa nama, tanpa nomor "
                   "telepon.",
                   f"Scan the QR code with your phone camera {what_en}. Anonymous.")


def _minutes_en(minutes: int) -> str:
    return "one minute" if minutes == 1 else f"{minutes} minutes"


def flow_of(unit: Unit, service: Service | None, counter: Counter | None) -> list[str]:
    """The instruments the poster's page runs: the counter's or service's flow; for a whole
    unit, every instrument any of its services runs, in the respondents' order."""
    from .survey.flow import ORDER, flow_for
    from .survey.services import Target

    if service is not None:
        return flow_for(Target.of(unit, service, counter))
    slugs = {s for svc in unit.services for s in flow_for(Target.of(unit, svc, None))}
    return [s for s in ORDER if s in slugs] + sorted(slugs - set(ORDER)) or ["ikm"]


def published_figure(session: Session, unit: Unit, service: Service | None,
                     flow: Sequence[str]) -> PublishedFigure | None:
    """The latest current publication of the flow's first instrument, for the service when it
    has one, else for the whole unit; None when there is none or it has no digest."""
    from .integrity.stamp import stamp_for_publication

    slug = flow[0] if flow else "ikm"
    scopes = [service.id, None] if service is not None else [None]
    for service_id in scopes:
        pub = session.scalar(select(Publication).where(
            Publication.unit_id == unit.id, Publication.scope == SCOPE_UNIT,
            Publication.instrument_slug == slug, Publication.is_current.is_(True),
            Publication.service_id.is_(None) if service_id is None
            else Publication.service_id == service_id,
        ).order_by(Publication.period_to.desc(), Publication.id.desc()).limit(1))
        stamp = stamp_for_publication(pub) if pub is not None else None
        if pub is None or stamp is None:
            continue
        index = json.loads(pub.figures).get("index") or {}
        try:
            headline = (f"{instruments.latest(slug).index_name} "
                        f"{formats.number(index['converted'], 2, locale='id')} · "
                        f"{index['mutu']} ({index['kinerja']})")
        except KeyError:
            continue
        period = formats.period(pub.period_from, pub.period_to, locale="id")
        n = formats.integer(int(index.get("n") or 0), locale="id")
        return PublishedFigure(headline, f"Periode {period} · {n} responden", stamp.code,
                               stamp.url)
    return None


def poster_pdf(url: str, unit_name: str, service_name: str | None, counter_name: str | None,
               size: str = "A4", *, logo: bytes | None = None, wbs_url: str | None = None,
               flow: Sequence[str] = ("ikm",), figure: PublishedFigure | None = None) -> bytes:
    """The poster as PDF bytes (A4 or A5; everything scales with the page)."""
    from .results.exports.fonts import ExportPDF  # the exports' fonts (DejaVu when installed)

    if size not in POSTER_SIZES:
        raise ValueError(f"poster size must be one of {', '.join(POSTER_SIZES)}")
    words = wording(flow)
    pdf = ExportPDF(format=POSTER_SIZES[size])
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.set_title(f"{words.title.title()} - {unit_name}")
    pdf.set_lang("id-ID")
    pdf.add_page()
    k = 1.0 if size == "A4" else 0.705
    width = pdf.w - 36 * k
    band = 27 * k if wbs_url else 0.0
    small = max(k, 0.85)  # the figure box's fine print stays readable on A5
    box = 30 * small if figure else 0.0

    def height(text: str, points: float, bold: bool = False, gap: float = 1.5) -> float:
        pdf.font(points * k, bold)
        lines = cast(list[str], pdf.multi_cell(width, points * k * 0.45, text, dry_run=True,
                                               output="LINES"))
        return len(lines) * points * k * 0.45 + gap * k

    def line(text: str, points: float, bold: bool = False, colour: tuple[int, int, int] = INK,
             gap: float = 1.5) -> None:
        pdf.font(points * k, bold)
        pdf.set_text_color(*colour)
        pdf.set_x(18 * k)
        pdf.multi_cell(width, points * k * 0.45, text, align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap * k)

    pdf.set_y(14 * k)
    if logo:
        side = 26 * k
        pdf.image(io.BytesIO(logo), x=(pdf.w - side) / 2, y=pdf.get_y(), w=side, h=side,
                  keep_aspect_ratio=True)
        pdf.set_y(pdf.get_y() + side + 4 * k)
    line(unit_name.upper(), 19, True, NAVY_RGB)
    for text in (service_name, counter_name):
        if text:
            line(text, 14, gap=0.5)
    pdf.ln(4 * k)
    line(words.title, 25 if len(words.title) <= 32 else 21 if len(words.title) <= 64 else 18,
         True)
    line(words.title_en, 12, colour=MUTED_RGB, gap=3)
    below = (height(words.instructions, 14, True) + height(words.instructions_en, 11, gap=3)
             + height("Tidak bisa memindai? Buka alamat ini / Cannot scan? Open:", 10.5, gap=0.5)
             + height(url, 12.5, True))
    # The survey's QR code takes the room the text leaves (the smaller code of a published
    # figure, below, stays a third of its size at most).
    free = pdf.h - band - box - pdf.get_y() - below - 17 * k
    side = max(60 * k, min((104 if wbs_url else 112) * k, free))
    x, y = (pdf.w - side) / 2, pdf.get_y() + 2 * k
    pdf.set_draw_color(*NAVY_RGB)
    pdf.set_line_width(0.8 * k)
    pdf.rect(x - 3 * k, y - 3 * k, side + 6 * k, side + 6 * k, style="D", round_corners=True,
             corner_radius=5 * k)
    pdf.image(io.BytesIO(qr_png(url, box_size=20)), x=x, y=y, w=side, h=side)
    pdf.set_y(y + side + 9 * k)
    line(words.instructions, 14, True)
    line(words.instructions_en, 11, colour=MUTED_RGB, gap=3)
    line("Tidak bisa memindai? Buka alamat ini / Cannot scan? Open:", 10.5, gap=0.5)
    line(url, 12.5, True, NAVY_RGB)
    if figure:
        _figure_box(pdf, figure, small, pdf.h - band - box - 3 * k, box - 2 * k)
    if wbs_url:
        pdf.set_fill_color(*NAVY_RGB)
        pdf.rect(0, pdf.h - band, pdf.w, band, style="F")
        pdf.set_y(pdf.h - band + 5 * k)
        line("Mengetahui pungutan liar, suap, atau penyalahgunaan wewenang? Laporkan tanpa nama: "
             f"{wbs_url}", 11.5, True, (255, 255, 255), gap=0.5)
        line(f"Seen bribery or illegal fees? Report anonymously: {wbs_url}", 9.5,
             colour=(220, 228, 245))
    return bytes(pdf.output())


def _figure_box(pdf: ExportPDF, figure: PublishedFigure, k: float, top: float,
                tall: float) -> None:
    """The latest published figure in a pale box: a small QR code of its verification page on
    the left, the figure, its period and how to check it on the right."""
    left, right = 18 * k, pdf.w - 18 * k
    pdf.set_fill_color(*PALE)
    pdf.rect(left, top, right - left, tall, style="F", round_corners=True, corner_radius=3 * k)
    qr_side = tall - 4 * k
    pdf.image(io.BytesIO(qr_png(figure.url, box_size=8)), x=left + 2 * k, y=top + 2 * k,
              w=qr_side, h=qr_side)
    x = left + qr_side + 6 * k
    text_width = right - x - 3 * k
    rows = (
        ("Hasil survei terakhir yang dipublikasikan", 9, False, MUTED_RGB),
        (figure.headline, 13, True, NAVY_RGB),
        (figure.period, 9.5, False, INK),
        (f"Kode verifikasi {figure.code}. Pindai kode kecil ini, atau buka "
         f"{figure.url.rsplit('/', 1)[0]} dan ketik kodenya, untuk memeriksa angka ini.", 8.5,
         False, INK),
    )
    y = top + 2.5 * k
    for text, points, bold, colour in rows:
        pdf.font(points * k, bold)
        pdf.set_text_color(*colour)
        pdf.set_xy(x, y)
        pdf.multi_cell(text_width, points * k * 0.42, text, align="L")
        y = pdf.get_y() + 0.8 * k


def extras(session: Session, unit: Unit, service: Service | None,
           counter: Counter | None) -> dict[str, object]:
    """What `qr.render` passes to the poster beyond its names: the flow and the figure."""
    flow = flow_of(unit, service, counter)
    return {"flow": flow, "figure": published_figure(session, unit, service, flow)}
