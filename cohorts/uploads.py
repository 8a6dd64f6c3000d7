"""Checking and storing the files of scenarios and deliverables. The checks are the project's
one upload policy (curiouslab/uploads.py): the type is decided on the bytes, the name and the
announced type must agree with them, zips and images are opened. Files are streamed to the
default storage in chunks under a name we choose."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from curiouslab import storedfiles as stored_files
from curiouslab.uploads import CheckedUpload, UploadPolicy, safe_name
from curiouslab.uploads import check_upload as check_with_policy

__all__ = ["CheckedUpload", "check_upload", "safe_name", "store"]

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
ACCEPTED = _("PDF, images, office documents, text, video or zip")


def max_upload_bytes() -> int:
    return getattr(settings, "COHORTS_MAX_UPLOAD_BYTES", MAX_UPLOAD_BYTES)


def policy() -> UploadPolicy:
    return UploadPolicy(kinds=ALLOWED, max_bytes=max_upload_bytes(), accepted=ACCEPTED)


def check_upload(upload) -> CheckedUpload:
    """Check one scenario or deliverable file (curiouslab.uploads); raise DomainError with a
    message naming the file."""
    return check_with_policy(upload, policy())


def store(checked: CheckedUpload, *, folder: str) -> str:
    """Stream the file to the default storage under a random name; return the path
    (``curiouslab.storedfiles.store``: nothing left when the write or the transaction fails)."""
    checked.upload.seek(0)
    return stored_files.store(f"{folder}/{uuid.uuid4().hex}.{checked.extension}", checked.upload)
