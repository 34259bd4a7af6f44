"""QR codes of the campaigns' public links (segno), pure: no database, no request.

- ``qr_svg_inline(url)``: an ``<svg>`` element to put into a page. segno draws it from
  the bits of the code only (paths, sizes, a class): nothing of ``url`` is copied into
  the markup, so it is safe to render unescaped — and only this module's output is.
- ``qr_svg_file(url, title=…)``: a standalone SVG file (for the download), its title
  escaped by segno.
- ``qr_png(url)``: PNG bytes for the printed Word sheets.

Error correction "M" (15 % of the code may be lost): a printed sheet pinned on a board
survives a fold or a smudge, and a short link still makes a small code.
"""

from __future__ import annotations

import io

import segno

ERROR_LEVEL = "m"


def _code(url: str) -> segno.QRCode:
    return segno.make(url, error=ERROR_LEVEL, micro=False)


def qr_svg_inline(url: str, *, scale: int = 4) -> str:
    """The QR code of ``url`` as an inline ``<svg>`` element (a ``viewBox``, no fixed
    size: the page's box sizes it), with the class ``qf-qr``."""
    return _code(url).svg_inline(scale=scale, border=2, omitsize=True, svgclass="qf-qr")


def qr_svg_file(url: str, *, title: str = "") -> bytes:
    """The QR code of ``url`` as a standalone SVG file (UTF-8), with ``title``."""
    buffer = io.BytesIO()
    _code(url).save(buffer, kind="svg", scale=10, border=4, title=title or None)
    return buffer.getvalue()


def qr_png(url: str, *, scale: int = 12) -> bytes:
    """The QR code of ``url`` as PNG bytes (black on white, a quiet zone of four
    modules), for a printed sheet."""
    buffer = io.BytesIO()
    _code(url).save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()
