"""The procès-verbal of the jury's deliberation, as a PDF. A pure function of the jury's
data: ``render_report(jury=…) -> (filename, content_type, bytes)``, laid out by the shared
renderer (``curiouslab.pdf.html_to_pdf``: the shipped fonts, a fetcher limited to the static
files)."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify

from curiouslab import pdf
from trophies.jury_results import decide_awards, results_for
from trophies.models import Jury
from trophies.selectors import exclusions_for, finalists_of


def report_html(*, jury: Jury) -> str:
    members = list(jury.members.select_related("user"))
    finalists = finalists_of(jury)
    by_member = {m.id: m for m in members}
    by_finalist = {f.id: f for f in finalists}
    excluded = [
        (by_member[mid], by_finalist[fid], reasons)
        for (mid, fid), reasons in sorted(
            exclusions_for(jury, members=members, finalists=finalists).items()
        )
    ]
    results = results_for(jury)
    context = {
        "jury": jury,
        "members": members,
        "excluded": excluded,
        "results": results,
        "decisions": decide_awards(results, list(jury.categories.select_related("criterion"))),
        "generated_at": timezone.now(),
    }
    return render_to_string("trophies/jury/report_pdf.html", context)


def render_report(*, jury: Jury, language: str | None = None) -> tuple[str, str, bytes]:
    with translation.override(language or translation.get_language()):
        html = report_html(jury=jury)
    content = pdf.html_to_pdf(html)
    filename = f"proces-verbal-{slugify(jury.name) or jury.pk}.pdf"
    return filename, pdf.CONTENT_TYPE, content
