"""Point 1 of issue 16: a project is published with the municipality's approval, each
member's consent to their name and a licence; withdrawing or unpublishing acts at once."""

import datetime

import pytest
from django.utils import timezone

from commons import selectors
from commons.enums import Licence, PublicationStatus
from commons.services import (
    consent_set,
    publication_propose,
    publication_set_status,
    publication_set_terms,
)
from curiouslab.accounts.models import AuditLogEntry
from curiouslab.errors import DomainError
from tests.cohorts import factories as f

pytestmark = pytest.mark.usefixtures("media")


def _publish(world, project, licence=Licence.ETALAB):
    coord, muni = world.a.people["coordinator"], world.a.people["municipal_staff"]
    pub = publication_propose(team=project["team"], actor=coord, commune_text="Antony, 62 000 hab.")
    publication_set_terms(
        publication=pub, actor=coord, licence=licence, versions=[project["public"]]
    )
    publication_set_status(publication=pub, actor=muni, status=PublicationStatus.APPROVED)
    return publication_set_status(publication=pub, actor=coord, status=PublicationStatus.PUBLISHED)


def test_publication_flow_shows_consenting_names_and_public_files_only(world, project):
    pub = _publish(world, project)
    consent_set(publication=pub, actor=project["alice"], given=True)
    consent_set(publication=pub, actor=project["bob"], given=False)

    assert selectors.publications_public().get() == pub
    assert selectors.public_member_names(pub) == ["Alice Martin"]
    assert [x.original_name for x in selectors.public_files(pub)] == ["public.png"]
    actions = set(AuditLogEntry.objects.values_list("action", flat=True))
    assert {
        "publication.propose",
        "publication.terms",
        "publication.approved",
        "publication.published",
        "publication.consent",
        "publication.consent_withdraw",
    } <= actions


def test_withdrawing_consent_removes_the_name_at_once(world, project):
    pub = _publish(world, project)
    consent_set(publication=pub, actor=project["alice"], given=True)
    consent_set(publication=pub, actor=project["alice"], given=False)
    assert selectors.public_member_names(pub) == []


def test_unpublishing_removes_everything_at_once(world, project):
    pub = _publish(world, project)
    consent_set(publication=pub, actor=project["alice"], given=True)
    pub = publication_set_status(
        publication=pub, actor=world.a.people["coordinator"], status=PublicationStatus.UNPUBLISHED
    )
    assert not selectors.publications_public().exists()
    assert selectors.public_member_names(pub) == []
    assert not selectors.public_files(pub).exists()


def test_all_rights_reserved_makes_no_file_downloadable(world, project):
    pub = _publish(world, project, licence=Licence.ALL_RIGHTS_RESERVED)
    assert not selectors.public_files(pub).exists()


def test_publication_needs_the_municipality_before_it_is_public(world, project):
    coord = world.a.people["coordinator"]
    pub = publication_propose(team=project["team"], actor=coord, commune_text="")
    with pytest.raises(DomainError):
        publication_set_status(publication=pub, actor=coord, status=PublicationStatus.PUBLISHED)
    with pytest.raises(DomainError):  # the coordinator may not approve for the commune
        publication_set_status(publication=pub, actor=coord, status=PublicationStatus.APPROVED)
    with pytest.raises(DomainError):  # nor the municipality of another side
        publication_set_status(
            publication=pub, actor=world.b.people["municipal_staff"], status="approved"
        )
    pub.refresh_from_db()
    assert pub.status == PublicationStatus.PROPOSED
    assert not selectors.publications_public().exists()


def test_propose_refused_before_closing_or_to_another_coordinator(world, project):
    with pytest.raises(DomainError):
        publication_propose(
            team=project["team"], actor=world.b.people["coordinator"], commune_text=""
        )
    cohort = project["team"].cohort
    cohort.closing = timezone.localdate() + datetime.timedelta(days=3)
    cohort.save(update_fields=["closing"])
    with pytest.raises(DomainError):
        publication_propose(
            team=project["team"], actor=world.a.people["coordinator"], commune_text=""
        )
    assert not AuditLogEntry.objects.filter(action="publication.propose").exists()


def test_only_members_consent_and_only_team_versions_are_public(world, project):
    pub = _publish(world, project)
    with pytest.raises(DomainError):
        consent_set(publication=pub, actor=world.b.people["student"], given=True)
    other_team = f.team(world.a.cohort, name="Les Autres")
    foreign = f.version(other_team, f.milestone(world.a.cohort, name="Autre"))
    with pytest.raises(DomainError):
        publication_set_terms(
            publication=pub,
            actor=world.a.people["coordinator"],
            licence=Licence.CC_BY,
            versions=[foreign],
        )
