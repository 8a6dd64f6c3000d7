"""The receipt (accusé de réception) of a submitted dossier, as a PDF: a pure function of the
dossier, laid out by the shared renderer, with its verification code and QR code pointing
at the public verification page."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from calls.models import Dossier
from curiouslab import pdf
from curiouslab.qr import qr_image
from curiouslab.site import absolute_url


def render_receipt(*, dossier: Dossier, language: str | None = None) -> tuple[str, str, bytes]:
    url = absolute_url(reverse("calls:receipt_verify", args=[dossier.receipt_code]))
    with translation.override(language or translation.get_language()):
        html = render_to_string(
            "calls/receipt_pdf.html",
            {
                "dossier": dossier,
                "call": dossier.call,
                "verify_url": url,
                "qr": qr_image(url),
                "generated_at": timezone.now(),
            },
        )
    return f"accuse-reception-{dossier.receipt_code}.pdf", pdf.CONTENT_TYPE, pdf.html_to_pdf(html)
