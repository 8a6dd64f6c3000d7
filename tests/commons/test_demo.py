"""Point 8 of issue 16: the demo publishes the five outcomes of the first Hauts-de-Seine
edition with their follow-ups, and a second département's projects."""

import io

import pytest
from django.core.management import call_command

from commons.enums import OutcomeStatus
from commons.models import Publication

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


def test_demo_publishes_two_territories_with_follow_ups(client):
    call_command("seed_demo", stdout=io.StringIO())
    published = Publication.objects.filter(status="published").select_related(
        "team__challenge", "outcome"
    )
    titles = {
        p.team.challenge.title
        for p in published
        if p.team.cohort.programme.slug == "curious-lab-92"
    }
    assert titles == {
        "Un fablab de quartier",
        "Guichet unique des créateurs d'entreprise",
        "Une maison intergénérationnelle",
        "Un kiosque citoyen",
        "Un marché durable",
    }
    assert all(p.outcome for p in published)
    assert {p.outcome.status for p in published} >= {OutcomeStatus.DONE, OutcomeStatus.IN_PROGRESS}
    page = client.get("/projets/").content.decode()
    assert '<option value="91">' in page and '<option value="92">' in page
    assert "fablab" in client.get("/projets/?q=fablab").content.decode()
