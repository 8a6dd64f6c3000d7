"""The commons' fixtures: side A's team after its cohort's closing, with two members, a
public version and a private one."""

import datetime

import pytest
from django.utils import timezone

from commons.enums import Licence, PublicationStatus
from commons.services import publication_propose, publication_set_status, publication_set_terms
from tests.cohorts import factories as f


@pytest.fixture
def project(world):
    a = world.a
    cohort = a.cohort
    cohort.closing = timezone.localdate() - datetime.timedelta(days=1)
    cohort.save(update_fields=["closing"])
    challenge = f.challenge(a.programme, a.municipality, cohort=cohort)
    team = f.team(cohort, challenge=challenge)
    alice = a.people["student"]
    alice.first_name, alice.last_name = "Alice", "Martin"
    alice.save()
    bob = f.student(a.school, first_name="Bob", last_name="Durand")
    f.add_member(team, alice, a.school)
    f.add_member(team, bob, a.school)
    m = f.milestone(cohort)
    public = f.version(team, m)
    f.stored(f.DeliverableFile, name="public.png", version=public)
    private = f.version(team, m)
    f.stored(f.DeliverableFile, name="brouillon.png", version=private)
    return {"team": team, "alice": alice, "bob": bob, "public": public, "private": private}


def publish(world, project, licence=Licence.ETALAB):
    coord, muni = world.a.people["coordinator"], world.a.people["municipal_staff"]
    pub = publication_propose(team=project["team"], actor=coord, commune_text="Antony, 62 000 hab.")
    publication_set_terms(
        publication=pub, actor=coord, licence=licence, versions=[project["public"]]
    )
    publication_set_status(publication=pub, actor=muni, status=PublicationStatus.APPROVED)
    return publication_set_status(publication=pub, actor=coord, status=PublicationStatus.PUBLISHED)


@pytest.fixture(name="publish")
def publish_fixture():
    return publish
