"""The one QR code maker. Every QR code of the project (the check-in code shown in the room,
the audience vote's code, the verification code printed on each document) comes from here:

- :func:`qr_svg` for web pages: an inline SVG element, sized by the page's CSS;
- :func:`qr_png` for PDFs: a 1-bit PNG with one pixel a module, and :func:`qr_image`, the
  ``<img>`` element with that PNG inline as a ``data:`` URL that the document templates print.

The markup is built here from numbers and base64 only: no user input reaches it, so it is
safe to print unescaped.
"""

from __future__ import annotations

import base64
import io

import qrcode
from django.utils.safestring import SafeString, mark_safe
from PIL import Image

# The blank margin readers need around a code on a screen, in modules (the standard's four).
PAGE_QUIET_ZONE = 4


def qr_matrix(url: str) -> list[list[bool]]:
    """The modules of the QR code of ``url``, without margin. The mask pattern is fixed:
    qrcode otherwise encodes the code eight times to score each mask (about 5 ms of pure
    Python a document); every mask gives a valid code that readers decode."""
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0, mask_pattern=0)
    qr.add_data(url)
    qr.make(fit=True)
    return qr.get_matrix()


def qr_svg(url: str, *, quiet_zone: int = PAGE_QUIET_ZONE) -> SafeString:
    """The QR code of ``url`` as an inline SVG element, for web pages: no size and no style
    attribute (the page's CSS sizes it), a ``quiet_zone`` of blank modules around it. Each
    row's runs of dark modules make one rectangle of a single path."""
    matrix = qr_matrix(url)
    size = len(matrix)
    commands = []
    for y, row in enumerate(matrix):
        x = 0
        while x < size:
            if row[x]:
                start = x
                while x < size and row[x]:
                    x += 1
                commands.append(f"M{start} {y}h{x - start}v1h{start - x}z")
            else:
                x += 1
    q = quiet_zone
    box = size + 2 * q
    return mark_safe(  # noqa: S308 - numbers only, built here
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{-q} {-q} {box} {box}" '
        f'shape-rendering="crispEdges"><rect x="{-q}" y="{-q}" width="{box}" height="{box}" '
        f'fill="#fff"/><path fill="#000" d="{"".join(commands)}"/></svg>'
    )


def qr_png(url: str) -> bytes:
    """The QR code of ``url`` as a 1-bit PNG with one pixel a module and no margin."""
    return _png(qr_matrix(url))


def _png(matrix: list[list[bool]]) -> bytes:
    size = len(matrix)
    image = Image.new("1", (size, size), 1)
    image.putdata([0 if dark else 1 for row in matrix for dark in row])
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def qr_image(url: str) -> SafeString:
    """The QR code of ``url`` for a PDF: :func:`qr_png` inline as a ``data:`` URL in an
    ``<img class="qr-code">`` that the document's CSS scales without interpolation
    (``image-rendering: pixelated``), so it prints as sharp as a vector. Measured with
    WeasyPrint 70: parsing and drawing an SVG path cost ~10 ms a document, this ~1 ms."""
    matrix = qr_matrix(url)
    size = len(matrix)
    data = base64.b64encode(_png(matrix)).decode("ascii")
    return mark_safe(  # noqa: S308 - base64 only, built here
        f'<img class="qr-code" alt="" width="{size}" height="{size}" '
        f'src="data:image/png;base64,{data}">'
    )
