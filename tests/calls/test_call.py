"""Point 1: the coordinator creates and publishes a call from the UI; its public page."""

import datetime

import pytest
from django.utils import timezone

from calls.models import Call
from curiouslab.accounts.models import AuditLogEntry

pytestmark = pytest.mark.django_db


def _post_data(**over):
    now = timezone.localtime()
    data = {
        "title": "Laboratoires d'innovation territoriale 2016",
        "summary": "Co-financer des laboratoires.",
        "eligibility": "Régions et intercommunalités.",
        "eligible_kinds": ["region", "epci"],
        "opens_at": (now - datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (now + datetime.timedelta(days=30)).strftime("%Y-%m-%dT%H:%M"),
        "sections": ["summary", "method", "budget", "attachments"],
        "funding_ceiling": "250000",
        "envelope": "4000000",
        "experts_per_dossier": "3",
        "normalisation": "zscore",
        "criteria-TOTAL_FORMS": "2",
        "criteria-INITIAL_FORMS": "0",
        "criteria-0-name": "Caractère innovant",
        "criteria-0-weight": "3",
        "criteria-0-descriptors": "0 : aucun\n5 : exemplaire",
        "criteria-1-name": "Faisabilité",
        "criteria-1-weight": "2",
        "types-TOTAL_FORMS": "1",
        "types-INITIAL_FORMS": "0",
        "types-0-name": "Lettre d'engagement",
        "types-0-formats": ["pdf"],
        "types-0-max_mb": "5",
        "types-0-required": "on",
    }
    data.update(over)
    return data


def test_coordinator_reaches_the_form_from_the_cohorts_page_and_creates_a_call(cfp, login):
    client = login(cfp.coordinator)
    page = client.get("/cohorts/").content.decode()
    form_url = f"/appels/programme/{cfp.programme.pk}/new/"
    assert form_url in page
    assert client.get(form_url).status_code == 200
    response = client.post(form_url, _post_data())
    call = Call.objects.get(title="Laboratoires d'innovation territoriale 2016")
    assert response.status_code == 302 and response["Location"] == f"/appels/{call.pk}/"
    assert [(c.name, c.weight) for c in call.criteria.all()] == [
        ("Caractère innovant", 3),
        ("Faisabilité", 2),
    ]
    assert call.criteria.first().descriptor_lines == ["0 : aucun", "5 : exemplaire"]
    kind = call.attachment_types.get()
    assert (kind.name, kind.formats, kind.max_mb, kind.required) == (
        "Lettre d'engagement",
        ["pdf"],
        5,
        True,
    )
    assert call.status == "draft" and call.eligible_kinds == ["region", "epci"]
    assert AuditLogEntry.objects.filter(action="call.create").count() == 1
    # Not public until published.
    assert login(None).get(f"/appels/public/{call.slug}/").status_code == 404
    assert login(cfp.coordinator).post(f"/appels/{call.pk}/publish/").status_code == 302
    page = login(None).get(f"/appels/public/{call.slug}/").content.decode()
    assert "Caractère innovant" in page and "250000 €" in page and "Intercommunalité" in page


def test_call_form_refuses_a_ceiling_above_the_envelope_and_a_closing_before_opening(cfp, login):
    client = login(cfp.coordinator)
    url = f"/appels/programme/{cfp.programme.pk}/new/"
    response = client.post(url, _post_data(funding_ceiling="5000000"))
    assert response.status_code == 400
    assert "ne peut dépasser l&#x27;enveloppe" in response.content.decode()
    past = (timezone.localtime() - datetime.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    assert client.post(url, _post_data(closes_at=past)).status_code == 400
    assert not Call.objects.filter(title__contains="2016").exists()


def test_call_edit_keeps_criteria_and_another_coordinator_gets_404(cfp, login):
    client = login(cfp.coordinator)
    url = f"/appels/{cfp.call.pk}/edit/"
    assert "Critère 2" in client.get(url).content.decode()
    data = _post_data(title="Nouveau titre")
    assert client.post(url, data).status_code == 302
    cfp.call.refresh_from_db()
    assert cfp.call.title == "Nouveau titre"
    other = cfp.world.b.people["coordinator"]
    assert login(other).get(url).status_code == 404
    assert login(other).post(url, _post_data(title="Piraté")).status_code == 404
