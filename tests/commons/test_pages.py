"""Point 1 of issue 16 as pages: each step reached by clicking from the role's home page,
refusals as messages, rights by django-rules, every step audited."""

import pytest

from commons.enums import Licence, PublicationStatus
from commons.models import NameConsent, Publication
from curiouslab.accounts.models import AuditLogEntry

pytestmark = pytest.mark.usefixtures("media")


def _text(response) -> str:
    return response.content.decode()


def test_the_whole_publication_by_clicking(world, project, login):
    team = project["team"]
    coord, muni = world.a.people["coordinator"], world.a.people["municipal_staff"]
    # The coordinator: home → Publications → the team to propose; the team page and the
    # cohort's dashboard offer it too.
    client = login(coord)
    assert "/publications/" in _text(client.get("/"))
    listing = _text(client.get("/publications/"))
    assert f"/publications/equipes/{team.pk}/proposer/" in listing
    assert f"/publications/equipes/{team.pk}/proposer/" in _text(
        client.get(f"/cohorts/teams/{team.pk}/")
    )
    assert "/publications/" in _text(client.get(f"/cohorts/{team.cohort.pk}/dashboard/"))
    form = client.get(f"/publications/equipes/{team.pk}/proposer/")
    assert form.status_code == 200
    response = client.post(
        f"/publications/equipes/{team.pk}/proposer/", {"commune_text": "Antony, au sud."}
    )
    pub = Publication.objects.get(team=team)
    assert response.status_code == 302 and response.url == f"/publications/{pub.pk}/"
    assert pub.status == PublicationStatus.PROPOSED
    assert NameConsent.objects.filter(publication=pub, given__isnull=True).count() == 2
    # Not public yet: the publish button is refused with a message.
    client.post(f"/publications/{pub.pk}/statut/", {"status": "published"}, follow=True)
    pub.refresh_from_db()
    assert pub.status == PublicationStatus.PROPOSED
    assert client.get(f"/projets/{pub.slug}/").status_code == 404

    # The municipality: home → Publications → the project → approves its amended text.
    client = login(muni)
    assert f"/publications/{pub.pk}/" in _text(client.get("/publications/"))
    page = _text(client.get(f"/publications/{pub.pk}/"))
    assert "Approuver le texte sur ma commune" in page
    response = client.post(
        f"/publications/{pub.pk}/approuver/",
        {"commune_text": "Antony, 62 000 habitants, au sud du département."},
        follow=True,
    )
    assert "le texte sur votre commune est approuvé" in _text(response)
    pub.refresh_from_db()
    assert pub.status == PublicationStatus.APPROVED
    assert pub.commune_text.startswith("Antony, 62 000")

    # The members: Alice agrees, Bob says nothing.
    client = login(project["alice"])
    assert f"/publications/{pub.pk}/" in _text(client.get("/publications/"))
    client.post(f"/publications/{pub.pk}/consentement/", {"given": "yes"})
    assert NameConsent.objects.get(publication=pub, user=project["alice"]).given is True

    # The coordinator: licence and versions, then publishes.
    client = login(coord)
    page = _text(client.get(f"/publications/{pub.pk}/"))
    assert "Alice Martin" in page and "Bob Durand" in page
    client.post(
        f"/publications/{pub.pk}/conditions/",
        {"licence": Licence.CC_BY, "versions": [str(project["public"].pk)]},
    )
    response = client.post(f"/publications/{pub.pk}/statut/", {"status": "published"}, follow=True)
    assert "publié" in _text(response)
    pub.refresh_from_db()
    assert pub.status == PublicationStatus.PUBLISHED and pub.licence == Licence.CC_BY
    assert list(pub.public_versions.all()) == [project["public"]]
    public = _text(login(None).get(f"/projets/{pub.slug}/"))
    assert "Alice Martin" in public and "Bob Durand" not in public
    assert {
        "publication.propose",
        "publication.commune_text",
        "publication.approved",
        "publication.consent",
        "publication.terms",
        "publication.published",
    } <= set(AuditLogEntry.objects.values_list("action", flat=True))

    # Alice withdraws: gone at once. The coordinator unpublishes: the page is gone.
    login(project["alice"]).post(f"/publications/{pub.pk}/consentement/", {"given": "no"})
    assert "Alice Martin" not in _text(login(None).get(f"/projets/{pub.slug}/"))
    login(coord).post(f"/publications/{pub.pk}/statut/", {"status": "unpublished"})
    assert login(None).get(f"/projets/{pub.slug}/").status_code == 404


def test_outsiders_are_refused(world, project, login, publish):
    pub = publish(world, project)
    other = world.b
    assert login(other.people["coordinator"]).get(f"/publications/{pub.pk}/").status_code == 404
    assert login(other.people["municipal_staff"]).get(f"/publications/{pub.pk}/").status_code == 404
    assert login(other.people["student"]).get(f"/publications/{pub.pk}/").status_code == 404
    assert login(world.a.people["coach"]).get(f"/publications/{pub.pk}/").status_code == 403
    # The municipality follows the publication but does not choose its terms.
    client = login(world.a.people["municipal_staff"])
    response = client.post(f"/publications/{pub.pk}/conditions/", {"licence": Licence.CC_BY})
    assert response.status_code == 403
    # A member does not publish; the coordinator does not consent for a member.
    client = login(project["alice"])
    assert (
        client.post(f"/publications/{pub.pk}/statut/", {"status": "unpublished"}).status_code == 403
    )
    client = login(world.a.people["coordinator"])
    assert client.post(f"/publications/{pub.pk}/consentement/", {"given": "yes"}).status_code == 403
    pub.refresh_from_db()
    assert pub.status == PublicationStatus.PUBLISHED and pub.licence == Licence.ETALAB


def test_proposing_before_the_closing_is_a_message(world, project, login):
    import datetime  # noqa: PLC0415 -- this test only

    from django.utils import timezone  # noqa: PLC0415 -- this test only

    cohort = project["team"].cohort
    cohort.closing = timezone.localdate() + datetime.timedelta(days=5)
    cohort.save(update_fields=["closing"])
    client = login(world.a.people["coordinator"])
    assert f"/publications/equipes/{project['team'].pk}/proposer/" not in _text(
        client.get("/publications/")
    )
    response = client.post(
        f"/publications/equipes/{project['team'].pk}/proposer/", {"commune_text": ""}, follow=True
    )
    assert "après la séance de clôture" in _text(response)
    assert not Publication.objects.exists()


@pytest.mark.parametrize("rows", [1, 6])
def test_publication_list_queries_do_not_grow(world, login, django_assert_num_queries, rows):
    import datetime  # noqa: PLC0415 -- this test only

    from django.utils import timezone  # noqa: PLC0415 -- this test only

    from commons.services import publication_propose  # noqa: PLC0415 -- this test only
    from tests.cohorts import factories as f  # noqa: PLC0415 -- this test only

    cohort = world.a.cohort
    cohort.closing = timezone.localdate() - datetime.timedelta(days=1)
    cohort.save(update_fields=["closing"])
    coord = world.a.people["coordinator"]
    for i in range(rows):
        challenge = f.challenge(world.a.programme, world.a.municipality, cohort=cohort)
        publication_propose(
            team=f.team(cohort, name=f"Équipe {i}", challenge=challenge),
            actor=coord,
            commune_text="",
        )
        f.team(cohort, name=f"Autre {i}", challenge=challenge)
    client = login(coord)
    client.get("/publications/")
    with django_assert_num_queries(QUERIES_LIST):
        assert client.get("/publications/").status_code == 200


QUERIES_LIST = 6
