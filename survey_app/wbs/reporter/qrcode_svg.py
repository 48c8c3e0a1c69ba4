"""The receipt as an inline SVG QR code (no image request, nothing leaves the page)."""

from __future__ import annotations

import io

import qrcode
import qrcode.image.svg
from markupsafe import Markup


def inline_svg(text: str) -> Markup:
    """An <svg> element encoding `text`, sized by CSS, labelled for screen readers."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2)
    code.add_data(text)
    code.make(fit=True)
    buf = io.BytesIO()
    code.make_image(image_factory=qrcode.image.svg.SvgPathImage).save(buf)
    svg = buf.getvalue().decode()
    svg = svg[svg.index("<svg"):]
    svg = svg.replace("<svg ", '<svg class="qr" aria-hidden="true" focusable="false" ',
                      1)
    return Markup(svg)  # noqa: S704 - produced by qrcode from our own receipt text
