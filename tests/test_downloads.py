"""The one responder for stored files (curiouslab/downloads.py): the headers every download
carries, the inline allow-list, and a missing file answered with a 404."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404

from curiouslab.downloads import serve_bytes, serve_stored_file

pytestmark = pytest.mark.usefixtures("media")


def _stored(name: str, content: bytes) -> str:
    return default_storage.save(name, ContentFile(content))


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_a_stored_file_is_an_attachment_with_the_safe_headers():
    path = _stored("x/page.html", b"<script>alert(1)</script>")
    response = serve_stored_file(path, filename="page.html", content_type="text/html")
    assert response["Content-Disposition"] == 'attachment; filename="page.html"'
    assert response["Content-Type"] == "text/html"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert response["Cache-Control"] == "private, no-store"
    assert _body(response) == b"<script>alert(1)</script>"


def test_only_allow_listed_types_are_shown_inline():
    path = _stored("x/diplome.pdf", b"%PDF-1.7 x")
    assert serve_stored_file(path, filename="diplome.pdf", content_type="application/pdf")[
        "Content-Disposition"
    ].startswith("inline;")
    forced = serve_stored_file(
        path, filename="diplome.pdf", content_type="application/pdf", inline=False
    )
    assert forced["Content-Disposition"].startswith("attachment;")
    svg = serve_bytes(b"<svg/>", filename="a.svg", content_type="image/svg+xml", inline=True)
    assert svg["Content-Disposition"].startswith("attachment;")


def test_a_french_file_name_is_encoded_for_every_browser():
    response = serve_bytes(b"a;b", filename="élèves 2026.csv", content_type="text/csv")
    assert (
        response["Content-Disposition"]
        == "attachment; filename*=utf-8''%C3%A9l%C3%A8ves%202026.csv"
    )
    assert response.content == b"a;b"


def test_a_missing_file_is_a_404():
    with pytest.raises(Http404):
        serve_stored_file("x/absent.pdf", filename="absent.pdf", content_type="application/pdf")
