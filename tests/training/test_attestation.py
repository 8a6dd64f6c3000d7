"""The attestation de formation: a kind of document of the documents app, for the agents of
an agents' school edition, with their hours and modules (training.selectors, the one rule),
rendered by the workers' renderer into a verifiable PDF."""

from __future__ import annotations

import io

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from documents import eligibility
from documents.models import Document, DocumentKind, DocumentStatus
from tests.training import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


def _pdf_text(content: bytes) -> str:
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def _edition(world):
    cohort = f.edition(world.a.departement)
    agent = f.agent(cohort, world.a.departement, user=world.a.people["student"])
    idle = f.agent(cohort, world.a.departement)
    design, proto = f.module(cohort, "Design de service"), f.module(cohort, "Prototyper")
    f.present(f.module_session(design, hours=3.5), agent)
    f.present(f.module_session(proto, hours=3), agent)
    return cohort, agent, idle


def test_eligibility_lists_hours_and_modules_and_who_attended_nothing(world):
    cohort, agent, idle = _edition(world)
    rows = {c.recipient: c for c in eligibility.candidates(cohort=cohort, kind="training")}
    assert rows[agent].eligible
    assert rows[agent].data["hours"] == "6,5"
    assert rows[agent].data["modules"] == "Design de service, Prototyper"
    assert not rows[idle].eligible and rows[idle].reason == "Aucun module suivi pour l'instant."


def test_the_attestation_is_a_verifiable_pdf_with_hours_and_modules(
    world, login, django_capture_on_commit_callbacks
):
    cohort, agent, _idle = _edition(world)
    client = login(world.a.people["coordinator"])
    records = client.get(reverse("training:records", args=[cohort.pk])).text
    eligibility_url = reverse("documents:eligibility", args=[cohort.pk]) + "?kind=training"
    assert eligibility_url in records
    page = client.get(eligibility_url)
    assert "Attestation de formation" in page.text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("documents:issue", args=[cohort.pk]), {"kind": DocumentKind.TRAINING}
        )
    assert response.status_code == 302
    doc = Document.objects.get(cohort=cohort)
    assert (doc.kind, doc.recipient, doc.status) == ("training", agent, DocumentStatus.READY)
    with default_storage.open(doc.file, "rb") as fh:
        text = _pdf_text(fh.read())
    assert "Attestation de formation" in text
    assert agent.get_full_name() in text
    assert "6,5 heures de formation" in text
    assert "Design de service, Prototyper" in text
    assert doc.verification_code in text
    verify = login(None).get(reverse("documents:verify", args=[doc.verification_code]))
    assert "6,5" in verify.text and "Prototyper" in verify.text
    # The documents page of an agents' school offers its kind only.
    assert "Diplôme" not in client.get(eligibility_url).text
