"""Point 3 and point 8: experts invited, conflicts declared, the assignment proposed and
saved, the expert's opinion, and what stays confidential."""

import pytest

from calls import services
from calls.models import Assignment, Expert, Opinion
from curiouslab.accounts.models import Invitation, Membership, Role
from curiouslab.errors import DomainError
from tests.calls.factories import expert_user, make_dossier
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _scores(call, value=4):
    return {c.pk: value for c in call.criteria.all()}


def _opinion(assignment, user, *, value=4, submit=True, strengths="Solide"):
    return services.opinion_save(
        assignment=assignment,
        actor=user,
        scores=_scores(assignment.dossier.call, value),
        confidence=3,
        strengths=strengths,
        weaknesses="Budget serré",
        recommendation="retain",
        submit=submit,
    )


def test_coordinator_invites_experts_with_the_expert_role(cfp, login, mailoutbox):
    known = UserFactory(email="experte@example.org")
    client = login(cfp.coordinator)
    url = f"/appels/{cfp.call.pk}/experts/"
    response = client.post(
        url, {"name": "Claire Expert", "email": "Experte@example.org", "tags": "Santé, numérique"}
    )
    assert response.status_code == 302
    seat = Expert.objects.get(call=cfp.call)
    assert seat.email == "experte@example.org" and seat.tags == ["numérique", "santé"]
    assert Membership.objects.filter(
        user=known, organisation=cfp.world.a.departement, role=Role.EXPERT
    ).exists()
    client.post(url, {"name": "Nouveau", "email": "nouveau@example.org"})
    invitation = Invitation.objects.get(email="nouveau@example.org")
    assert invitation.role == Role.EXPERT and invitation.organisation == cfp.world.a.departement
    assert "Claire Expert" in client.get(url).content.decode()
    assert login(cfp.world.b.people["coordinator"]).get(url).status_code == 404


def test_proposal_is_balanced_editable_and_never_assigns_a_conflict(cfp, login):
    dossiers = [
        make_dossier(cfp.call, cfp.org, cfp.person, submit=True, title="Un"),
        make_dossier(cfp.call, cfp.org2, cfp.person2, submit=True, title="Deux"),
    ]
    experts = [expert_user(cfp.call) for _ in range(3)]
    # The first expert has a conflict with the first dossier's organisation.
    services.conflict_declare(
        expert=experts[0][1], actor=experts[0][0], organisation=cfp.org, reason="Ancien agent"
    )
    client = login(cfp.coordinator)
    page = client.get(f"/appels/{cfp.call.pk}/assignments/").content.decode()
    conflicted = f"{experts[0][1].pk}-{dossiers[0].pk}"
    assert f'value="{conflicted}"' not in page and "conflit" in page
    proposal = services.assignment_proposal(cfp.call)
    assert all(len(v) == 2 for v in proposal.by_dossier.values()) and proposal.spread <= 1
    assert experts[0][1].pk not in proposal.by_dossier[dossiers[0].pk]
    # The coordinator edits the proposal before saving it.
    pairs = [f"{experts[1][1].pk}-{dossiers[0].pk}", f"{experts[2][1].pk}-{dossiers[1].pk}"]
    assert client.post(f"/appels/{cfp.call.pk}/assignments/", {"pair": pairs}).status_code == 302
    assert set(Assignment.objects.values_list("expert_id", "dossier_id")) == {
        (experts[1][1].pk, dossiers[0].pk),
        (experts[2][1].pk, dossiers[1].pk),
    }
    # A posted conflict is refused by the server, and nothing changes.
    client.post(f"/appels/{cfp.call.pk}/assignments/", {"pair": [conflicted]})
    assert Assignment.objects.count() == 2
    with pytest.raises(DomainError):
        services.assignments_save(
            call=cfp.call,
            actor=cfp.coordinator,
            pairs={(experts[0][1].pk, dossiers[0].pk)},
        )


def test_expert_sees_only_assigned_dossiers_and_a_conflict_gives_404(cfp, login):
    mine = make_dossier(cfp.call, cfp.org, cfp.person, submit=True, title="Le mien")
    other = make_dossier(cfp.call, cfp.org2, cfp.person2, submit=True, title="L'autre")
    user, seat = expert_user(cfp.call)
    assignment = Assignment.objects.create(expert=seat, dossier=mine)
    client = login(user)
    page = client.get("/appels/expert/").content.decode()
    assert "Le mien" in page and "L&#x27;autre" not in page
    assert client.get(f"/appels/expert/opinions/{assignment.pk}/").status_code == 200
    attachment = other.attachments.get()
    assert (
        client.get(f"/appels/dossiers/{other.pk}/attachments/{attachment.pk}/").status_code == 404
    )
    assert client.get(f"/appels/dossiers/{other.pk}/review/").status_code == 404
    # Declaring a conflict with a region closes the dossier even when the assignment stays
    # (an opinion already begun is kept).
    _opinion(assignment, user, submit=False)
    from territories.models import Region

    region = Region.objects.create(code="84", name="Auvergne-Rhône-Alpes")
    mine.region = region
    mine.save(update_fields=["region"])
    response = client.post(
        f"/appels/expert/{seat.pk}/conflicts/", {f"seat{seat.pk}-region": region.code}
    )
    assert response.status_code == 302
    assert Assignment.objects.filter(pk=assignment.pk).exists()
    assert client.get(f"/appels/expert/opinions/{assignment.pk}/").status_code == 404
    assert "Le mien" not in client.get("/appels/expert/").content.decode()
    assert (
        client.get(
            f"/appels/dossiers/{mine.pk}/attachments/{mine.attachments.get().pk}/"
        ).status_code
        == 404
    )
    # Another expert cannot open this assignment; nor can an expert whose role is withdrawn.
    stranger, _seat = expert_user(cfp.call)
    assert login(stranger).get(f"/appels/expert/opinions/{assignment.pk}/").status_code == 404


def test_opinion_is_saved_then_submitted_and_locked(cfp, login):
    dossier = make_dossier(cfp.call, cfp.org, cfp.person, submit=True)
    user, seat = expert_user(cfp.call)
    assignment = Assignment.objects.create(expert=seat, dossier=dossier)
    client = login(user)
    url = f"/appels/expert/opinions/{assignment.pk}/"
    criteria = list(cfp.call.criteria.all())
    data = {
        f"score-{criteria[0].pk}": "4",
        "confidence": "2",
        "strengths": "Équipe",
        "weaknesses": "Calendrier",
        "recommendation": "reserved",
    }
    assert client.post(url, {**data, "save": "1"}).status_code == 302
    opinion = Opinion.objects.get(assignment=assignment)
    assert opinion.submitted_at is None and opinion.scores == {str(criteria[0].pk): 4}
    # Submitting needs every criterion.
    assert client.post(url, {**data, "submit": "1"}).status_code == 400
    data[f"score-{criteria[1].pk}"] = "2"
    assert client.post(url, {**data, "submit": "1"}).status_code == 302
    opinion.refresh_from_db()
    assert opinion.submitted_at is not None and opinion.recommendation == "reserved"
    client.post(url, {**data, "strengths": "Changé", "submit": "1"})
    opinion.refresh_from_db()
    assert opinion.strengths == "Équipe"
    # Out of scale: refused by the service.
    with pytest.raises(DomainError):
        services.opinion_save(
            assignment=assignment,
            actor=user,
            scores={criteria[0].pk: 9},
            confidence=1,
            strengths="",
            weaknesses="",
            recommendation="",
        )


def test_applicant_never_sees_an_experts_name_or_opinion(cfp, login):
    dossier = make_dossier(cfp.call, cfp.org, cfp.person, submit=True)
    user, seat = expert_user(cfp.call)
    seat.name = "Hortense Secrète"
    seat.save(update_fields=["name"])
    assignment = Assignment.objects.create(expert=seat, dossier=dossier)
    _opinion(assignment, user, strengths="Argument confidentiel")
    client = login(cfp.person)
    for url in (f"/appels/dossiers/{dossier.pk}/", "/appels/", f"/appels/public/{cfp.call.slug}/"):
        page = client.get(url).content.decode()
        assert "Hortense" not in page and "Argument confidentiel" not in page
    receipt = client.get(f"/appels/dossiers/{dossier.pk}/receipt.pdf")
    assert receipt.status_code == 200
    for url in (
        f"/appels/expert/opinions/{assignment.pk}/",
        f"/appels/{cfp.call.pk}/synthesis/",
        f"/appels/{cfp.call.pk}/ranking.csv",
        f"/appels/dossiers/{dossier.pk}/review/",
        f"/appels/{cfp.call.pk}/experts/",
    ):
        assert client.get(url).status_code == 404, url


def test_experts_read_each_other_only_after_submitting_and_if_the_call_allows(cfp, login):
    dossier = make_dossier(cfp.call, cfp.org, cfp.person, submit=True)
    (u1, s1), (u2, s2) = expert_user(cfp.call), expert_user(cfp.call)
    a1 = Assignment.objects.create(expert=s1, dossier=dossier)
    a2 = Assignment.objects.create(expert=s2, dossier=dossier)
    _opinion(a1, u1, strengths="Avis du premier")
    url = f"/appels/expert/opinions/{a2.pk}/"
    assert "Avis du premier" not in login(u2).get(url).content.decode()
    _opinion(a2, u2, strengths="Avis du second")
    # The call does not allow it: still hidden after submitting.
    assert "Avis du premier" not in login(u2).get(url).content.decode()
    cfp.call.experts_see_each_other = True
    cfp.call.save(update_fields=["experts_see_each_other"])
    assert "Avis du premier" in login(u2).get(url).content.decode()
