import pytest

from tests.calls.factories import applicant, applicant_org, call_programme, make_call


@pytest.fixture
def cfp(world, media):
    """Side A's call-for-projects programme with an open call, an applicant organisation and
    its member."""

    class Cfp:
        pass

    c = Cfp()
    c.world = world
    c.coordinator = world.a.people["coordinator"]
    c.programme = call_programme(world.a.departement)
    c.call = make_call(c.programme)
    c.org = world.a.applicant
    c.person = world.a.people["applicant"]
    c.org2 = applicant_org(name="Métropole voisine")
    c.person2 = applicant(c.org2)
    return c
