"""The verification stamp every rendering of a publication carries: the short code, the public
verification URL and its QR code (drawn locally by survey_app/qr.py, no external service).

For the exports (PDF report, infographic, poster): `stamp_for_report` gives the stamp of the
current publication whose frozen index equals the report's (None when the figures shown are not
published as they are), `stamp_for_publication` the stamp of one publication.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import quote

from flask import current_app, has_app_context
from sqlalchemy.orm import Session

from ..models import Publication
from ..qr import qr_png, qr_svg
from ..results.report import IndexReport
from .publications import index_differences, verification_code

VERIFY_PATH = "/verifikasi/"


@dataclass(frozen=True)
class Stamp:
    """What a rendering prints: the code, the URL, and the QR code as PNG or SVG bytes."""

    code: str
    url: str

    def png(self, box_size: int = 6) -> bytes:
        """The QR code of the URL as PNG."""
        return qr_png(self.url, box_size)

    def svg(self) -> bytes:
        """The QR code of the URL as SVG."""
        return qr_svg(self.url)


def verify_url(code: str, base_url: str | None = None) -> str:
    """The public verification page of a code."""
    if base_url is None:
        base_url = current_app.config["SURVEY"].base_url if has_app_context() else ""
    return base_url.rstrip("/") + VERIFY_PATH + quote(code, safe="-")


def stamp_for_publication(pub: Publication, base_url: str | None = None) -> Stamp | None:
    """The stamp of a publication (None for one published before digests existed)."""
    if not pub.digest:
        return None
    code = verification_code(pub.digest)
    return Stamp(code, verify_url(code, base_url))


def publication_of(session: Session, report: IndexReport) -> Publication | None:
    """The current publication of the report's scope, when its frozen index is exactly the
    report's (a rendering of unpublished or changed figures has none)."""
    from ..results.services import publications_for

    if report.counter is not None:
        return None
    current = [p for p in publications_for(session, report.unit, report.instrument.slug,
                                           report.period, report.service) if p.is_current]
    if not current:
        return None
    frozen = json.loads(current[-1].figures).get("index") or {}
    # The same figures (n, index, converted, every NRR; float noise of another summation
    # order aside), as verification compares them.
    if index_differences(frozen, report.to_json()):
        return None
    return current[-1]


def stamp_for_report(session: Session, report: IndexReport,
                     base_url: str | None = None) -> Stamp | None:
    """The stamp of the publication whose figures the report shows (see `publication_of`)."""
    pub = publication_of(session, report)
    return stamp_for_publication(pub, base_url) if pub is not None else None


def integrity_for_report(session: Session, report: IndexReport) -> dict[str, object] | None:
    """The integrity summary frozen with the publication the report shows: checked, flagged,
    quarantined, flags_by_kind, responses_by_channel, flagged_share_by_channel,
    excludes_quarantined (None when the figures are not published as they are)."""
    pub = publication_of(session, report)
    if pub is None:
        return None
    summary = json.loads(pub.figures).get("integrity")
    return summary if isinstance(summary, dict) else None


def stamped_png(png: bytes, stamp: Stamp | None, label: str = "Kode verifikasi") -> bytes:
    """The image, its size kept (1080x1350 stays the 4:5 a social post needs), with a band at
    the foot: the QR code of the verification page, the code and the URL. The drawing above is
    scaled down to make room. An unpublished rendering (stamp None) is returned as it is."""
    if stamp is None:
        return png
    import io

    from PIL import Image, ImageDraw, ImageFont

    image = Image.open(io.BytesIO(png)).convert("RGB")
    width, height = image.size
    # Whole pixels per module (no resampling), about a seventh of the image wide.
    modules = Image.open(io.BytesIO(stamp.png(box_size=1))).width
    qr = Image.open(io.BytesIO(stamp.png(box_size=max(2, width // 7 // modules)))
                    ).convert("RGB")
    side = qr.width
    band = side + 16
    inner = image.resize((round(width * (height - band) / height), height - band),
                         Image.Resampling.LANCZOS)
    background = image.getpixel((0, 0))
    out = Image.new("RGB", (width, height), background)
    out.paste(inner, ((width - inner.width) // 2, 0))
    draw = ImageDraw.Draw(out)
    draw.rectangle((0, height - band, width, height), fill="white")
    out.paste(qr, (8, height - band + 8))
    big = ImageFont.load_default(size=max(14, side // 5))
    small = ImageFont.load_default(size=max(10, side // 9))
    x = side + 24
    draw.text((x, height - band + 12), f"{label}: {stamp.code}", fill="black", font=big)
    draw.text((x, height - band + 16 + side // 3), stamp.url, fill="#333333", font=small)
    buf = io.BytesIO()
    out.save(buf, format="PNG")
    return buf.getvalue()
