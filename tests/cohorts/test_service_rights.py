"""Every state-changing service of the cohorts re-checks the actor's right, whoever calls it:
the same rule the page checked (cohorts/rules.py). A refused call raises the French refusal
and changes nothing."""

import datetime

import pytest
from django.utils import timezone

from cohorts import services
from cohorts.models import DeadlineExtension, KickoffScenario, Milestone, SchoolEnrolment
from curiouslab.errors import DomainError
from tests.cohorts import factories as f

pytestmark = pytest.mark.django_db
REFUSED = "pas le droit"


def test_the_coordinators_writes_refuse_a_referent_and_a_student(setup):
    requested = f.enrol(setup.cohort, f.school(setup.dep, "Lycée Nord"), status="requested")
    for actor in (setup.referent, setup.student):
        with pytest.raises(DomainError, match=REFUSED):
            services.enrolment_set_status(
                enrolment=requested, actor=actor, status=SchoolEnrolment.Status.APPROVED
            )
        with pytest.raises(DomainError, match=REFUSED):
            services.milestone_save(
                cohort=setup.cohort,
                actor=actor,
                data={
                    "kind": Milestone.Kind.OTHER,
                    "name": "Jalon pirate",
                    "deadline": timezone.now() + datetime.timedelta(days=3),
                    "description": "",
                },
            )
        with pytest.raises(DomainError, match=REFUSED):
            services.team_create(cohort=setup.cohort, actor=actor, name="Équipe pirate", members=[])
    assert SchoolEnrolment.objects.get(pk=requested.pk).status == SchoolEnrolment.Status.REQUESTED
    assert not Milestone.objects.filter(name="Jalon pirate").exists()
    assert not setup.cohort.teams.filter(name="Équipe pirate").exists()


def test_the_teams_and_the_communes_writes_refuse_outsiders(setup):
    milestone = f.milestone(setup.cohort)
    # Only a member works on the team; only the challenge's commune selects its scenario.
    with pytest.raises(DomainError, match=REFUSED):
        services.scenario_save(
            team=setup.team, actor=setup.student2, title="", text="Un autre possible", files=[]
        )
    scenario = f.scenario(setup.team, setup.challenge)
    with pytest.raises(DomainError, match=REFUSED):
        services.scenario_select(scenario=scenario, actor=setup.other_muni_staff)
    assert not KickoffScenario.objects.get(pk=scenario.pk).selected
    # A coach comments but does not extend a deadline.
    with pytest.raises(DomainError, match=REFUSED):
        services.extension_grant(
            team=setup.team,
            milestone=milestone,
            actor=setup.coach,
            until=milestone.deadline + datetime.timedelta(days=2),
            reason="Stage",
        )
    assert not DeadlineExtension.objects.exists()
