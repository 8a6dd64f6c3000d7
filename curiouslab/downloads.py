"""The one responder for stored files. Every file a person uploaded or the workers produced
(attachments, deliverables, session material, logos, PDFs, archives, exports) is served by
:func:`serve_stored_file` or :func:`serve_bytes`, so every download carries the same headers:

- ``Content-Disposition: attachment`` unless the type is on the inline allow-list (raster
  images and PDF), with the file name encoded for every browser;
- ``X-Content-Type-Options: nosniff``: the browser keeps the type decided at upload;
- ``Content-Security-Policy: sandbox; default-src 'none'``: a file rendered anyway runs nothing;
- ``Cross-Origin-Resource-Policy: same-origin`` and ``Cache-Control: private, no-store``:
  nothing private is kept by a shared cache or embedded by another site.

A file missing from the storage is a 404, never a 500."""

from __future__ import annotations

import os

from django.core.files.storage import Storage, default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.utils.http import content_disposition_header

INLINE_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp"})


def _secure(response: HttpResponse, *, filename: str, content_type: str, inline: bool | None):
    show_inline = content_type in INLINE_TYPES if inline is None else inline
    if show_inline and content_type not in INLINE_TYPES:
        show_inline = False
    response["Content-Disposition"] = content_disposition_header(
        not show_inline, os.path.basename(filename) or "download"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "private, no-store"
    return response


def serve_stored_file(
    path: str,
    *,
    filename: str,
    content_type: str,
    inline: bool | None = None,
    storage: Storage | None = None,
) -> FileResponse:
    """Stream ``path`` from the storage. ``inline=None`` lets the allow-list decide; ``False``
    forces a download; ``True`` is honoured only for an allow-listed type."""
    try:
        handle = (storage or default_storage).open(path, "rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=content_type)
    return _secure(response, filename=filename, content_type=content_type, inline=inline)


def serve_bytes(
    content: bytes | str, *, filename: str, content_type: str, inline: bool | None = None
) -> HttpResponse:
    """The same headers for content produced by the request (a CSV export, a PDF rendered on
    demand, a calendar file)."""
    response = HttpResponse(content, content_type=content_type)
    return _secure(response, filename=filename, content_type=content_type, inline=inline)
