"""The committee's documents as PDFs, pure functions of their data laid out by the shared
renderer (``curiouslab.pdf.html_to_pdf``): the procès-verbal of the meeting and each
applicant's decision letter, verifiable like the diplomas (a code and its QR code pointing at
the public check)."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from calls.models import Committee, Decision
from calls.synthesis import synthesis_for
from curiouslab import pdf
from curiouslab.qr import qr_image
from curiouslab.site import absolute_url


def render_letter(
    *, decision: Decision, committee: Committee, language: str | None = None
) -> tuple[str, str, bytes]:
    url = absolute_url(reverse("calls:letter_verify", args=[decision.letter_code]))
    with translation.override(language or translation.get_language()):
        html = render_to_string(
            "calls/letter_pdf.html",
            {
                "decision": decision,
                "dossier": decision.dossier,
                "call": committee.call,
                "committee": committee,
                "verify_url": url,
                "qr": qr_image(url),
            },
        )
    return f"decision-{decision.letter_code}.pdf", pdf.CONTENT_TYPE, pdf.html_to_pdf(html)


def minutes_html(*, committee: Committee) -> str:
    call = committee.call
    decisions = {
        d.dossier_id: d for d in committee.decisions.select_related("dossier__organisation")
    }
    rows = [(s, decisions.get(s.dossier.pk)) for s in synthesis_for(call)]
    return render_to_string(
        "calls/minutes_pdf.html",
        {
            "call": call,
            "committee": committee,
            "members": list(committee.members.all()),
            "rows": rows,
            "total": sum(d.amount_granted for d in decisions.values()),
            "generated_at": timezone.now(),
        },
    )


def render_minutes(*, committee: Committee, language: str | None = None):
    with translation.override(language or translation.get_language()):
        html = minutes_html(committee=committee)
    return f"proces-verbal-{committee.call.slug}.pdf", pdf.CONTENT_TYPE, pdf.html_to_pdf(html)
