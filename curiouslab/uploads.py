"""Upload checks shared by every app that takes files."""

from __future__ import annotations

import zipfile

from django.utils.translation import gettext as _

from curiouslab.errors import DomainError

# Zip containers (zip, Office Open XML, OpenDocument): refuse archives that expand too much
# (zip bombs) or hold paths that climb out of a folder.
ZIP_MAX_ENTRIES = 5000
ZIP_MAX_RATIO = 100
ZIP_MAX_EXPANDED = 1024 * 1024 * 1024
ZIP_CONTAINERS = {
    "application/zip",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
}


def check_zip_container(upload, size: int) -> None:
    """Raise DomainError when the zip-based ``upload`` is a bomb, damaged or unsafe. Reads
    only the archive's directory, never the expanded content."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            infos = archive.infolist()
            expanded = sum(i.file_size for i in infos)
            if len(infos) > ZIP_MAX_ENTRIES or expanded > ZIP_MAX_EXPANDED:
                raise DomainError(_("This archive expands too much to be accepted."))
            if size and expanded / size > ZIP_MAX_RATIO:
                raise DomainError(_("This archive expands too much to be accepted."))
            for info in infos:
                if info.filename.startswith("/") or ".." in info.filename.split("/"):
                    raise DomainError(_("This archive contains unsafe paths."))
    except zipfile.BadZipFile as exc:
        raise DomainError(_("This archive is damaged.")) from exc
    finally:
        upload.seek(0)
