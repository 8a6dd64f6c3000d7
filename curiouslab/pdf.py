"""The PDF renderer: a pure function of a template, its CSS and a context.

``render_pdf(...)`` returns ``(filename, content_type, bytes)`` and touches neither the
database nor the storage. What is expensive and does not change between documents is done
once per process and kept: the base stylesheet with the @font-face rules (fonts shipped in
``static/fonts``), WeasyPrint's ``FontConfiguration``, each template's parsed CSS and compiled
HTML, and decoded images. WeasyPrint is imported lazily, on the first render.

Templates are Django templates run by a sandboxed engine: no loaders (no ``include`` or
``extends`` of the project's templates), no tag libraries, autoescaping on, and the context
holds only plain strings, so a template can print what it is given and nothing else. An
unknown variable is an error, not an empty string. Resources are fetched by a URL fetcher that
refuses anything but ``data:`` URLs and files inside the project's ``static/`` folder.
"""

from __future__ import annotations

import copy
import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.template import Context, Engine, TemplateSyntaxError
from django.utils.html import escape
from django.utils.translation import gettext as _

STATIC_DIR = (Path(settings.BASE_DIR) / "static").resolve()
PDF_STATIC_DIR = STATIC_DIR / "pdf"  # base.css and the default logo, linked from every PDF
BASE_CSS_PATH = PDF_STATIC_DIR / "base.css"
CONTENT_TYPE = "application/pdf"

# What an unknown variable prints while rendering; found in the output, it fails the render.
_INVALID_MARK = "\x00cl-unknown-variable:%s\x00"
_INVALID_PREFIX = "\x00cl-unknown-variable:"


class TemplateError(Exception):
    """The document template cannot be rendered; ``str()`` says why, for the coordinator."""


_engine = Engine(
    dirs=[],
    app_dirs=False,
    loaders=[],
    libraries={},
    autoescape=True,
    string_if_invalid=_INVALID_MARK,
    debug=False,
)


class _LRU:
    def __init__(self, size: int) -> None:
        self.size = size
        self.items: OrderedDict[str, Any] = OrderedDict()
        self.lock = threading.Lock()

    def get_or_make(self, key: str, make):
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                return self.items[key]
        value = make()
        with self.lock:
            self.items[key] = value
            while len(self.items) > self.size:
                self.items.popitem(last=False)
        return value


_templates = _LRU(64)
_stylesheets = _LRU(32)
_state: dict[str, Any] = {}
_state_lock = threading.Lock()


def _key(*parts: str) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(p.encode())
        h.update(b"\x00")
    return h.hexdigest()


# --- Templates -------------------------------------------------------------------------------
def compile_template(source: str):
    """The compiled template, cached; a syntax error becomes a ``TemplateError``."""

    def make():
        try:
            return _engine.from_string(source)
        except TemplateSyntaxError as exc:
            raise TemplateError(str(exc)) from exc
        except Exception as exc:  # e.g. an unknown tag library
            raise TemplateError(f"{exc.__class__.__name__}: {exc}") from exc

    return _templates.get_or_make(_key("tpl", source), make)


def render_template(source: str, context: dict[str, Any]) -> str:
    """Render ``source`` with ``context`` (plain values; escaped unless marked safe)."""
    template = compile_template(source)
    try:
        output = template.render(Context(context, autoescape=True))
    except TemplateError:
        raise
    except Exception as exc:  # anything a template can raise at render time
        raise TemplateError(f"{exc.__class__.__name__}: {exc}") from exc
    if _INVALID_PREFIX in output:
        names = sorted({part.split("\x00", 1)[0] for part in output.split(_INVALID_PREFIX)[1:]})
        raise TemplateError("Unknown variable: " + ", ".join(names))
    return output


def check_css(css: str) -> list[str]:
    """The syntax errors of a stylesheet (empty when it parses)."""
    import tinycss2  # noqa: PLC0415 -- heavy, with WeasyPrint: imported by the first PDF, not by every web process

    try:
        rules = tinycss2.parse_stylesheet(css, skip_whitespace=True, skip_comments=True)
    except ValueError:  # e.g. a number of more digits than Python converts to an integer
        return [_("The stylesheet cannot be read: a number in it is too long.")]
    errors = []
    for rule in rules:
        if rule.type == "error":
            errors.append(f"CSS line {rule.source_line}: {rule.message}")
        elif rule.type == "qualified-rule":
            for decl in tinycss2.parse_blocks_contents(rule.content):
                if decl.type == "error":
                    errors.append(f"CSS line {decl.source_line}: {decl.message}")
    return errors


# --- WeasyPrint ------------------------------------------------------------------------------
def make_url_fetcher():
    """A WeasyPrint URL fetcher that allows ``data:`` URLs and files under ``static/`` only."""

    from weasyprint.urls import URLFetcher  # noqa: PLC0415 -- WeasyPrint is heavy: imported by the first PDF, not by every web process

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            scheme = url.split(":", 1)[0].lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme == "file":
                path = Path(unquote(urlsplit(url).path)).resolve()
                if path.is_relative_to(STATIC_DIR) and path.is_file():
                    return super().fetch(path.as_uri(), headers)
                raise ValueError(f"Refused file outside the static files: {url}")
            raise ValueError(f"Refused remote or unknown URL: {url}")

    return StaticOnlyFetcher(allowed_protocols={"data", "file"}, allow_redirects=False)


def _weasy():
    """WeasyPrint's classes, the font configuration, the URL fetcher and the base stylesheet:
    made once per process."""
    if "css_base" in _state:
        return _state
    with _state_lock:
        if "css_base" not in _state:
            import weasyprint  # noqa: PLC0415 -- heavy: imported by the first PDF, not by every web process
            from weasyprint.text.fonts import FontConfiguration  # noqa: PLC0415 -- as above

            fonts = FontConfiguration()
            fetcher = make_url_fetcher()
            base = weasyprint.CSS(
                filename=str(BASE_CSS_PATH), font_config=fonts, url_fetcher=fetcher
            )
            _state.update(
                weasyprint=weasyprint,
                fonts=fonts,
                fetcher=fetcher,
                images={},
                css_base=base,
            )
    return _state


def _stylesheet(css: str):
    w = _weasy()

    def make():
        return w["weasyprint"].CSS(
            string=css,
            base_url=PDF_STATIC_DIR.as_uri() + "/",
            font_config=w["fonts"],
            url_fetcher=w["fetcher"],
        )

    return _stylesheets.get_or_make(_key("css", css), make)


def html_to_pdf(html: str) -> bytes:
    """A whole HTML page (a Django template already rendered, e.g. the jury's procès-verbal)
    as PDF bytes, with the shipped fonts (``CL Sans``, ``CL Serif`` of base.css) and the
    fetcher that reads nothing but the static files. The page's own ``<style>`` sets its
    layout (``@page`` size and margins) over the base."""
    w = _weasy()
    return (
        w["weasyprint"]
        .HTML(string=html, base_url=PDF_STATIC_DIR.as_uri() + "/", url_fetcher=w["fetcher"])
        .write_pdf(stylesheets=[w["css_base"]], font_config=w["fonts"], cache=w["images"])
    )


@dataclass(frozen=True)
class PdfInput:
    """One document to render: its context (plain values), file name and PDF title."""

    context: dict[str, Any]
    filename: str
    title: str = ""


_DOCUMENT_ANCHOR = "cl-document-"


def render_pdf(
    *,
    html_template: str,
    css_template: str,
    context: dict[str, Any],
    filename: str,
    title: str = "",
) -> tuple[str, str, bytes]:
    """Render one document: ``(filename, "application/pdf", pdf bytes)``."""
    (content,) = render_pdfs(
        html_template=html_template,
        css_template=css_template,
        documents=[PdfInput(context, filename, title)],
    )
    return filename, CONTENT_TYPE, content


def render_pdfs(*, html_template: str, css_template: str, documents: list[PdfInput]) -> list[bytes]:
    """Render several documents of one template and one programme in a single WeasyPrint
    pass, then write each one's pages as its own PDF; returns the PDFs in order.

    Laying out a chunk of diplomas together costs less than one at a time: what WeasyPrint
    does once per pass (building the page and style machinery) is shared. Each document is a
    ``div.cl-document`` that starts a new page; its anchor tells on which page it starts, so
    a template whose document runs over several pages still gets all of them.

    ``css_template`` is rendered with the colour variables only (the same for every document of
    a programme), so that its parsed form is reused."""
    if not documents:
        return []
    first = documents[0].context
    css = render_template(css_template, {k: v for k, v in first.items() if k.endswith("color")})
    sections = []
    for i, item in enumerate(documents):
        body = render_template(html_template, item.context)
        lang = _escape(str(item.context.get("language", "fr")))
        sections.append(
            f'<div class="cl-document" id="{_DOCUMENT_ANCHOR}{i}" lang="{lang}">{body}</div>'
        )
    w = _weasy()
    html = (
        '<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>'
        "</head><body>{body}</body></html>"
    ).format(
        lang=_escape(str(first.get("language", "fr"))),
        title=_escape(documents[0].title),
        body="".join(sections),
    )
    rendered = (
        w["weasyprint"]
        .HTML(string=html, base_url=PDF_STATIC_DIR.as_uri() + "/", url_fetcher=w["fetcher"])
        .render(
            stylesheets=[w["css_base"], _stylesheet(css)],
            font_config=w["fonts"],
            cache=w["images"],
        )
    )
    starts: dict[int, int] = {}
    for number, page in enumerate(rendered.pages):
        for anchor in page.anchors:
            if anchor.startswith(_DOCUMENT_ANCHOR):
                starts.setdefault(int(anchor.removeprefix(_DOCUMENT_ANCHOR)), number)
    if sorted(starts) != list(range(len(documents))):
        raise TemplateError("A document of the batch has no page.")
    bounds = [starts[i] for i in range(len(documents))] + [len(rendered.pages)]
    out = []
    for i, item in enumerate(documents):
        part = rendered.copy(rendered.pages[bounds[i] : bounds[i + 1]])
        part.metadata = copy.copy(rendered.metadata)
        part.metadata.title = item.title
        part.metadata.lang = str(item.context.get("language", "fr"))
        out.append(
            part.write_pdf(
                pdf_identifier=hashlib.sha256(item.filename.encode()).hexdigest()[:32].encode()
            )
        )
    # Bound the image cache (each document's QR code, the programmes' logos), once the PDFs
    # are written: writing reads the images' data from it.
    if len(w["images"]) > 256:
        w["images"].clear()
    return out


def _escape(text: str) -> str:

    return escape(text)
