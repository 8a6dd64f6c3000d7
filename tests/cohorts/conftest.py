import pytest

from curiouslab.accounts.models import OrganisationKind, Role
from tests.cohorts import factories as f
from tests.factories import OrganisationFactory, member


@pytest.fixture(autouse=True)
def _media(media):
    """Every cohorts test stores its uploads in the test's own folder (the one media fixture)."""
    return media


class Setup:
    """One programme's cohort with two approved schools, two municipalities and their
    challenges, two teams, and one person per role (plus outsiders of the same role)."""

    def __init__(self, world):
        a = world.a
        self.world = world
        self.programme = a.programme
        self.cohort = a.cohort
        self.dep = a.departement
        self.coordinator = a.people["coordinator"]
        self.municipality = a.municipality
        self.muni_staff = a.people["municipal_staff"]
        self.other_municipality = OrganisationFactory(
            kind=OrganisationKind.MUNICIPALITY, name="Commune voisine", territory=self.dep
        )
        self.other_muni_staff = member(Role.MUNICIPAL_STAFF, self.other_municipality)
        self.school = a.school
        self.referent = a.people["school_referent"]
        self.school2 = f.school(self.dep, "École de design")
        self.referent2 = member(Role.SCHOOL_REFERENT, self.school2)
        self.coach = a.people["coach"]
        self.enrolment = f.enrol(self.cohort, self.school)
        self.enrolment2 = f.enrol(self.cohort, self.school2)
        self.challenge = f.challenge(self.programme, self.municipality, cohort=self.cohort)
        self.challenge2 = f.challenge(
            self.programme, self.other_municipality, cohort=self.cohort, title="Mobilités douces"
        )
        self.student = a.people["student"]
        self.team = f.team(self.cohort, "Les Défricheurs", challenge=self.challenge)
        f.add_member(self.team, self.student, self.school, "ingénierie")
        self.team2 = f.team(self.cohort, "Les Bâtisseurs", challenge=self.challenge2)
        self.student2 = f.student(self.school2, "design")
        f.add_member(self.team2, self.student2, self.school2, "design")
        f.coach(self.team, self.coach)


@pytest.fixture
def setup(world):
    return Setup(world)
