"""Checking and storing uploaded files. The type is decided on the bytes (``filetype``),
never on the name or the content type the browser sent; the two must agree with the bytes.
Files are streamed to the default storage in chunks under a name we choose; nothing reads a
whole upload into memory."""

from __future__ import annotations

import os
import re
import unicodedata
import uuid
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from curiouslab.errors import DomainError
from curiouslab.uploads import ZIP_CONTAINERS, check_zip_container

MAX_UPLOAD_BYTES = 100 * 1024 * 1024
# Allowed kinds: detected MIME type → extensions that may name it.
ALLOWED: dict[str, set[str]] = {
    "application/pdf": {"pdf"},
    "image/png": {"png"},
    "image/jpeg": {"jpg", "jpeg"},
    "image/gif": {"gif"},
    "image/webp": {"webp"},
    "video/mp4": {"mp4"},
    "video/webm": {"webm"},
    "application/zip": {"zip"},
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {"docx"},
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {"xlsx"},
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": {"pptx"},
    "application/vnd.oasis.opendocument.text": {"odt"},
    "application/vnd.oasis.opendocument.spreadsheet": {"ods"},
    "application/vnd.oasis.opendocument.presentation": {"odp"},
    "text/plain": {"txt", "md", "csv"},
}
# Served inline (everything else is an attachment).
INLINE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf"}
# Declared content types browsers commonly send for the same kind.
_DECLARED_ALIASES = {
    "application/zip": {"application/x-zip-compressed", "application/x-zip"},
    "text/plain": {"text/csv", "text/markdown", "text/x-markdown"},
}
_MARKUP = re.compile(rb"<\s*(!doctype|html|script|svg|body|iframe|\?xml|head|object)", re.I)
_HEAD = 8192


def max_upload_bytes() -> int:
    return getattr(settings, "COHORTS_MAX_UPLOAD_BYTES", MAX_UPLOAD_BYTES)


@dataclass(frozen=True)
class CheckedUpload:
    upload: object  # django UploadedFile
    name: str
    content_type: str
    size: int
    extension: str


def safe_name(raw: str) -> str:
    """Refuse names with a path, control characters or nothing left once cleaned."""
    if (
        not raw
        or "/" in raw
        or "\\" in raw
        or "\x00" in raw
        or raw.strip(". ") == ""
        or ".." in raw
    ):
        raise DomainError(_("The file name “%(name)s” is not allowed.") % {"name": raw[:80]})
    name = unicodedata.normalize("NFC", raw).strip()
    if any(unicodedata.category(ch).startswith("C") for ch in name):
        raise DomainError(_("The file name “%(name)s” is not allowed.") % {"name": raw[:80]})
    if len(name) > 150:
        stem, ext = os.path.splitext(name)
        name = stem[: 150 - len(ext)] + ext
    return name


def _head(upload) -> bytes:
    upload.seek(0)
    head = upload.read(_HEAD)
    upload.seek(0)
    return head


def _detect(upload, head: bytes) -> str:
    kind = filetype.guess(head)
    if kind is not None:
        mime = kind.mime
        if mime == "application/x-zip-compressed":
            mime = "application/zip"
        return mime
    # No magic number: accept plain UTF-8 text that is not markup.
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        try:  # a multi-byte character cut at the end of the head
            head[:-4].decode("utf-8")
        except UnicodeDecodeError:
            return "application/octet-stream"
    if _MARKUP.search(head) or b"\x00" in head:
        return "text/html"
    return "text/plain"


def check_upload(upload) -> CheckedUpload:
    """Check one uploaded file; raise DomainError with a message naming the file."""
    name = safe_name(upload.name or "")
    size = upload.size
    if size is None or size > max_upload_bytes():
        raise DomainError(
            _("“%(name)s” is larger than the %(mb)d MB allowed.")
            % {"name": name, "mb": max_upload_bytes() // (1024 * 1024)}
        )
    if size == 0:
        raise DomainError(_("“%(name)s” is empty.") % {"name": name})
    extension = os.path.splitext(name)[1].lower().lstrip(".")
    mime = _detect(upload, _head(upload))
    if mime not in ALLOWED:
        raise DomainError(
            _(
                "“%(name)s” is not an accepted kind of file (PDF, images, office documents, "
                "text, video or zip)."
            )
            % {"name": name}
        )
    if extension not in ALLOWED[mime]:
        raise DomainError(_("The content of “%(name)s” does not match its name.") % {"name": name})
    declared = (getattr(upload, "content_type", "") or "").split(";")[0].strip().lower()
    loose_office = mime in ZIP_CONTAINERS and declared.startswith("application/")
    if (
        declared
        and declared not in ("application/octet-stream", mime)
        and declared not in _DECLARED_ALIASES.get(mime, set())
        and not loose_office  # office formats are often declared loosely
    ):
        raise DomainError(
            _("The type announced for “%(name)s” does not match its content.") % {"name": name}
        )
    if mime in ZIP_CONTAINERS:
        check_zip_container(upload, size)
    return CheckedUpload(upload, name, mime, size, extension)


def store(checked: CheckedUpload, *, folder: str) -> str:
    """Stream the file to the default storage under a random name; return the path."""
    checked.upload.seek(0)
    path = f"{folder}/{uuid.uuid4().hex}.{checked.extension}"
    return default_storage.save(path, checked.upload)
