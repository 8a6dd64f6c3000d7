"""Point 5: the steering committee decides (amounts checked against the request, the ceiling
and the envelope), locks, its minutes as a PDF, decision letters rendered by the workers,
verifiable, mailed, and the winners published on the call's page."""

import pytest

from calls import services
from calls.models import Decision
from curiouslab.errors import DomainError
from tests.calls.factories import admissible, committee_for, locked_committee, make_dossier

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(cfp):
    a = admissible(
        make_dossier(cfp.call, cfp.org, cfp.person, submit=True, title="A"), cfp.coordinator
    )
    b = admissible(
        make_dossier(cfp.call, cfp.org2, cfp.person2, submit=True, title="B"), cfp.coordinator
    )
    return cfp, a, b


def test_committee_is_planned_opened_and_decides_from_the_ui(two, login):
    cfp, a, b = two
    client = login(cfp.coordinator)
    url = f"/appels/{cfp.call.pk}/committee/"
    assert "Planifier la séance" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "meets_at": "2026-12-20T10:00",
            "place": "Ministère de la transformation publique",
            "quorum": "2",
            "members": "Anne Dupont — DITP\nBruno Martin — ANCT\nChloé Petit — DGCL",
        },
    )
    assert response.status_code == 302
    committee = cfp.call.committee
    assert [m.body for m in committee.members.all()] == ["DITP", "ANCT", "DGCL"]
    # No decision before the meeting opens.
    response = client.post(
        f"/appels/{cfp.call.pk}/committee-decisions/{a.pk}/",
        {f"d{a.pk}-outcome": "laureate", f"d{a.pk}-amount": "100000"},
        follow=True,
    )
    assert "pendant que la séance est ouverte" in response.content.decode()
    client.post(f"/appels/{cfp.call.pk}/committee/open/")
    client.post(
        f"/appels/{cfp.call.pk}/committee-decisions/{a.pk}/",
        {f"d{a.pk}-outcome": "laureate", f"d{a.pk}-amount": "100000"},
    )
    decision = Decision.objects.get(dossier=a)
    assert (decision.outcome, decision.amount_granted) == ("laureate", 100_000)
    # Locking needs the quorum and a decision on every admissible dossier.
    response = client.post(f"/appels/{cfp.call.pk}/committee/locked/", follow=True)
    assert "Le quorum n&#x27;est pas atteint" in response.content.decode()
    client.post(
        f"/appels/{cfp.call.pk}/committee-presence/",
        {"present": [m.pk for m in committee.members.all()[:2]]},
    )
    response = client.post(f"/appels/{cfp.call.pk}/committee/locked/", follow=True)
    assert "Chaque dossier recevable" in response.content.decode()
    client.post(
        f"/appels/{cfp.call.pk}/committee-decisions/{b.pk}/",
        {f"d{b.pk}-outcome": "adjourned", f"d{b.pk}-amount": "5000"},
    )
    assert Decision.objects.get(dossier=b).amount_granted == 0
    client.post(f"/appels/{cfp.call.pk}/committee/locked/")
    committee.refresh_from_db()
    assert committee.status == "locked" and committee.locked_by == cfp.coordinator
    # Locked: nothing changes any more.
    with pytest.raises(DomainError):
        services.decision_save(
            committee=committee,
            dossier=a,
            actor=cfp.coordinator,
            outcome="rejected",
            amount=0,
            reasons="",
        )
    minutes = client.get(f"/appels/{cfp.call.pk}/minutes.pdf")
    assert minutes.status_code == 200 and minutes.content.startswith(b"%PDF")
    assert login(cfp.world.b.people["coordinator"]).get(url).status_code == 404


def test_grants_are_bounded_by_the_request_the_ceiling_and_the_envelope(two):
    cfp, a, b = two
    cfp.call.envelope = 250_000
    cfp.call.save(update_fields=["envelope"])
    committee = committee_for(cfp.call, cfp.coordinator)
    services.committee_set_status(committee=committee, actor=cfp.coordinator, status="open")

    def decide(dossier, amount):
        return services.decision_save(
            committee=committee,
            dossier=dossier,
            actor=cfp.coordinator,
            outcome="laureate",
            amount=amount,
            reasons="",
        )

    with pytest.raises(DomainError, match="montant demandé"):
        decide(a, 150_001)
    decide(a, 150_000)
    with pytest.raises(DomainError, match="enveloppe"):
        decide(b, 100_001)
    decide(b, 100_000)
    assert sum(Decision.objects.values_list("amount_granted", flat=True)) == 250_000


def test_letters_are_rendered_by_the_workers_mailed_verifiable_and_winners_published(
    two, login, mailoutbox, django_capture_on_commit_callbacks
):
    cfp, a, b = two
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        committee = locked_committee(
            cfp.call, cfp.coordinator, {a: ("laureate", 120_000), b: ("rejected", 0)}
        )
    decisions = {d.dossier_id: d for d in Decision.objects.all()}
    assert all(d.letter for d in decisions.values())
    assert sorted(m.to[0] for m in mailoutbox) == sorted([cfp.person.email, cfp.person2.email])
    # Idempotent: run again, nothing new.
    assert services.letters_render(committee_id=committee.pk) == 0
    client = login(cfp.person)
    page = client.get(f"/appels/dossiers/{a.pk}/").content.decode()
    assert f"/appels/dossiers/{a.pk}/letter.pdf" in page
    letter = client.get(f"/appels/dossiers/{a.pk}/letter.pdf")
    assert letter.status_code == 200 and b"".join(letter.streaming_content).startswith(b"%PDF")
    assert client.get(f"/appels/dossiers/{b.pk}/letter.pdf").status_code == 404
    check = login(None).get(f"/appels/letters/{decisions[a.pk].letter_code}/")
    assert check.status_code == 200 and "120000" in check.content.decode()
    public = login(None).get(f"/appels/public/{cfp.call.slug}/").content.decode()
    assert "Les lauréats" in public and "A" in public and "120000 €" in public
    assert "Métropole voisine" not in public
