"""One upload policy for every file field of the project.

Each field names an :class:`UploadPolicy` (the kinds it takes, its size limit) and calls
:func:`check_upload`, which decides on the bytes, never on the name or on the type the browser
announced:

- the file name is a plain name (no path, no control character);
- the size is within the field's limit, and the file is not empty;
- the type is detected on the first bytes (``filetype``; text only when it decodes and holds
  no markup), must be one the field takes, and the name's extension and the announced type
  must agree with it;
- zip containers (zip, Office Open XML, OpenDocument) are read from their directory only:
  no absolute or climbing member path, a bounded number of members and expanded size;
- images are decoded with Pillow, after their dimensions are checked against a pixel limit
  (a 30,000 × 30,000 PNG is refused before a byte of it is expanded).

:func:`check_logo` adds what a printed logo needs: WeasyPrint must be able to draw it.
Nothing reads a whole upload into memory except an image being decoded."""

from __future__ import annotations

import base64
import os
import re
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass, field

import filetype
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from curiouslab.errors import DomainError
from curiouslab.pdf import make_url_fetcher

# Zip containers (zip, Office Open XML, OpenDocument): refuse archives that expand too much
# (zip bombs), hold too many members, or hold paths that climb out of a folder.
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
IMAGE_TYPES = {"image/png": "PNG", "image/jpeg": "JPEG", "image/gif": "GIF", "image/webp": "WEBP"}
# A 50-megapixel photo decodes to about 200 MB: the most a request may expand.
IMAGE_MAX_PIXELS = 50_000_000
TEXT = "text/plain"
# Declared content types browsers commonly send for the same kind. Windows announces a .csv
# as an Excel sheet when Excel is installed.
DECLARED_ALIASES = {
    "application/zip": {"application/x-zip-compressed", "application/x-zip"},
    "image/jpeg": {"image/pjpeg", "image/jpg"},
    "image/png": {"image/x-png"},
    TEXT: {
        "text/csv",
        "text/markdown",
        "text/x-markdown",
        "text/x-csv",
        "text/comma-separated-values",
        "application/csv",
        "application/vnd.ms-excel",
    },
}
_MARKUP = re.compile(rb"<\s*(!doctype|html|script|svg|body|iframe|\?xml|head|object)", re.I)
_HEAD = 8192


@dataclass(frozen=True)
class UploadPolicy:
    """What one file field takes. ``kinds`` maps a detected MIME type to the extensions that
    may name it; ``accepted`` says it in words for the error message."""

    kinds: dict[str, frozenset[str]]
    max_bytes: int
    accepted: str = ""
    max_pixels: int = IMAGE_MAX_PIXELS
    # Encodings a text file may use besides UTF-8 (a school's CSV saved by Excel: cp1252).
    text_encodings: tuple[str, ...] = field(default=())

    def __post_init__(self):
        object.__setattr__(
            self, "kinds", {mime: frozenset(exts) for mime, exts in self.kinds.items()}
        )


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


def _decodes(head: bytes, encoding: str) -> bool:
    try:
        head.decode(encoding)
    except UnicodeDecodeError:
        if encoding != "utf-8":
            return False
        try:  # a multi-byte character cut at the end of the head
            head[:-4].decode(encoding)
        except UnicodeDecodeError:
            return False
    return True


def detect(head: bytes, *, text_encodings: tuple[str, ...] = ()) -> str:
    """The MIME type of a file from its first bytes: a magic number, else plain text (UTF-8
    or one of ``text_encodings``) without markup, else ``application/octet-stream``."""
    kind = filetype.guess(head)
    if kind is not None:
        mime = kind.mime
        if mime == "application/x-zip-compressed":
            mime = "application/zip"
        return mime
    if not any(_decodes(head, e) for e in ("utf-8", *text_encodings)):
        return "application/octet-stream"
    if _MARKUP.search(head) or b"\x00" in head:
        return "text/html"
    return TEXT


def check_zip_container(upload, size: int) -> None:
    """Raise DomainError when the zip-based ``upload`` is a bomb, damaged or unsafe. Reads
    only the archive's directory, never the expanded content."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            infos = archive.infolist()
            if len(infos) > ZIP_MAX_ENTRIES:
                raise DomainError(_("This archive expands too much to be accepted."))
            expanded = sum(i.file_size for i in infos)
            if expanded > ZIP_MAX_EXPANDED or (size and expanded / size > ZIP_MAX_RATIO):
                raise DomainError(_("This archive expands too much to be accepted."))
            for info in infos:
                name = info.filename.replace("\\", "/")
                if (
                    name.startswith("/")
                    or ".." in name.split("/")
                    or re.match(r"^[A-Za-z]:", name)
                    or "\x00" in name
                ):
                    raise DomainError(_("This archive contains unsafe paths."))
    except zipfile.BadZipFile as exc:
        raise DomainError(_("This archive is damaged.")) from exc
    finally:
        upload.seek(0)


def check_image(upload, mime: str, *, name: str, max_pixels: int = IMAGE_MAX_PIXELS):
    """Decode the image with Pillow; refuse it when its dimensions exceed ``max_pixels``
    (checked on the header, before anything is expanded) or when it does not decode as the
    format its bytes announce. Returns ``(width, height)``."""
    from PIL import Image  # noqa: PLC0415 -- Pillow and WeasyPrint are heavy: loaded by the first check that needs them

    damaged = DomainError(_("“%(name)s” is not a readable image.") % {"name": name})
    too_large = DomainError(
        _("“%(name)s” has too many pixels: at most %(mp)s megapixels are accepted.")
        % {"name": name, "mp": f"{max_pixels / 1_000_000:.1f}".replace(".0", "")}
    )
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                width, height = image.size
                if width * height > max_pixels or width <= 0 or height <= 0:
                    raise too_large
                if image.format != IMAGE_TYPES.get(mime):
                    raise damaged
                image.load()
    except DomainError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise too_large from exc
    except Exception as exc:  # Pillow raises OSError, SyntaxError, ValueError... on bad data
        raise damaged from exc
    finally:
        upload.seek(0)
    return width, height


def check_upload(upload, policy: UploadPolicy) -> CheckedUpload:
    """Check one uploaded file against ``policy``; raise DomainError with a message naming
    the file."""
    name = safe_name(getattr(upload, "name", "") or "")
    size = upload.size
    if size is None or size > policy.max_bytes:
        raise DomainError(
            _("“%(name)s” is larger than the %(size)s allowed.")
            % {"name": name, "size": human_size(policy.max_bytes)}
        )
    if size == 0:
        raise DomainError(_("“%(name)s” is empty.") % {"name": name})
    extension = os.path.splitext(name)[1].lower().lstrip(".")
    mime = detect(_head(upload), text_encodings=policy.text_encodings)
    if mime not in policy.kinds:
        raise DomainError(
            _("“%(name)s” is not an accepted kind of file. Accepted: %(kinds)s.")
            % {"name": name, "kinds": policy.accepted or ", ".join(sorted(_extensions(policy)))}
        )
    if extension not in policy.kinds[mime]:
        raise DomainError(_("The content of “%(name)s” does not match its name.") % {"name": name})
    declared = (getattr(upload, "content_type", "") or "").split(";")[0].strip().lower()
    loose_office = mime in ZIP_CONTAINERS and declared.startswith("application/")
    if (
        declared
        and declared not in ("application/octet-stream", mime)
        and declared not in DECLARED_ALIASES.get(mime, set())
        and not loose_office  # office formats are often declared loosely
    ):
        raise DomainError(
            _("The type announced for “%(name)s” does not match its content.") % {"name": name}
        )
    if mime in ZIP_CONTAINERS:
        check_zip_container(upload, size)
    if mime in IMAGE_TYPES:
        check_image(upload, mime, name=name, max_pixels=policy.max_pixels)
    return CheckedUpload(upload, name, mime, size, extension)


def _extensions(policy: UploadPolicy) -> set[str]:
    return {f".{e}" for exts in policy.kinds.values() for e in exts}


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return _("%(n)s MB") % {"n": f"{size / (1024 * 1024):g}"}
    return _("%(n)s kB") % {"n": f"{size / 1024:g}"}


# --- Logos printed on documents -------------------------------------------------------------

LOGO_POLICY = UploadPolicy(
    kinds={"image/png": {"png"}, "image/jpeg": {"jpg", "jpeg"}},
    max_bytes=1024 * 1024,
    accepted=gettext_lazy("a PNG or JPEG image"),
    # 4096 × 4096 at most: more is never needed for a logo a few centimetres wide.
    max_pixels=4096 * 4096,
)


def check_logo(upload) -> CheckedUpload:
    """A logo passes the upload policy and WeasyPrint draws it: it is rendered once, as the
    documents embed it (a data: URL), and refused when WeasyPrint drops it."""
    checked = check_upload(upload, LOGO_POLICY)
    upload.seek(0)
    content = upload.read()
    upload.seek(0)
    if not weasyprint_draws(content, checked.content_type):
        raise DomainError(
            _("“%(name)s” cannot be printed on the documents: choose another image.")
            % {"name": checked.name}
        )
    return checked


def weasyprint_draws(content: bytes, mime: str) -> bool:
    """Whether WeasyPrint lays out ``content`` as an image (it silently drops an image it
    cannot load, leaving the alternative text)."""
    from weasyprint import HTML  # noqa: PLC0415 -- Pillow and WeasyPrint are heavy: loaded by the first check that needs them
    from weasyprint.formatting_structure import boxes  # noqa: PLC0415 -- Pillow and WeasyPrint are heavy: loaded by the first check that needs them

    url = f"data:{mime};base64,{base64.b64encode(content).decode()}"
    document = HTML(
        string=f'<img src="{url}" alt="" style="width:20mm">', url_fetcher=make_url_fetcher()
    ).render()

    def replaced(box) -> bool:
        if isinstance(box, boxes.ReplacedBox):
            return True
        return any(replaced(child) for child in getattr(box, "children", ()))

    return any(replaced(page._page_box) for page in document.pages)
