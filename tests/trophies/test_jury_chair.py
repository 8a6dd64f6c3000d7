"""The chair of the jury is chosen by the coordinator (issue #12.5): a coordinator or a juror of
the organisation, not necessarily the coordinator who created the jury. Once voting is closed
the chair reads the results and casts the deciding vote; never before."""

import pytest
from django.urls import reverse

from tests.trophies.factories import juror, ready_jury
from trophies.models import Finalist, Jury, JuryStatus, Score

pytestmark = pytest.mark.django_db


def create(client, cohort, **extra):
    return client.post(
        reverse("trophies:jury_create"),
        {
            "cohort": cohort.pk,
            "name": "Jury de la clôture",
            "scale_min": 0,
            "scale_max": 5,
            "normalisation": "none",
            "tie_break_1": "lower_spread",
            "tie_break_2": "chair",
            **extra,
        },
    )


def test_the_coordinator_names_a_juror_as_chair(world, login):
    client = login(world.a.people["coordinator"])
    chair = world.a.people["juror"]
    assert create(client, world.a.cohort, chair=chair.pk).status_code == 302
    assert Jury.objects.get(name="Jury de la clôture").chair == chair


def test_the_chair_is_someone_of_the_organisation(world, login):
    client = login(world.a.people["coordinator"])
    response = create(client, world.a.cohort, chair=world.b.people["juror"].pk)
    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not Jury.objects.exists()


@pytest.fixture
def tied(world):
    """A jury chaired by side A's juror (who sits on it), with two projects tied."""
    jury, (j1,), (f1, f2), crits = ready_jury(
        world.a.cohort, jurors=1, weights=(1, 1), tie_break=["lower_spread", "chair"]
    )
    chair = juror(jury, world.a.people["juror"])
    other = juror(jury)
    Jury.objects.filter(pk=jury.pk).update(chair=chair.user)
    for f, values in ((f1, (3, 5)), (f2, (5, 3))):
        for c, v in zip(crits, values, strict=True):
            Score.objects.create(jury=jury, member=j1, finalist=f, criterion=c, value=v)
    return jury, chair, other, (f1, f2)


def test_a_juror_chair_sees_nothing_while_open_then_deliberates_once_closed(world, login, tied):
    jury, chair, other, (f1, _f2) = tied
    results = reverse("trophies:jury_results", args=[jury.pk])
    cast = reverse("trophies:casting_vote", args=[jury.pk, f1.pk])
    client = login(chair.user)
    assert client.get(results).status_code == 403
    assert client.post(cast).status_code == 404
    Jury.objects.filter(pk=jury.pk).update(status=JuryStatus.CLOSED)

    page = client.get(results)
    assert page.status_code == 200
    assert "Voix prépondérante du président pour ce projet" in page.content.decode()
    assert client.post(cast).status_code == 302
    assert Finalist.objects.get(pk=f1.pk).casting_priority == 1
    juries = client.get(reverse("trophies:jury_list")).content.decode()
    assert results in juries

    # Another juror of the same jury still waits for the publication.
    client = login(other.user)
    assert client.get(results).status_code == 403
    assert client.post(cast).status_code == 404
