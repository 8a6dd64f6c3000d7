"""An invitation belongs to its address: a signed-in account takes the role only when it owns
the invited address (verified); any other account is told so, in French, and offered to sign
out. Every role, coordinator included."""

import datetime

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils import timezone

from curiouslab.accounts.models import Invitation, Membership, Role
from tests.world import ROLES

pytestmark = pytest.mark.django_db


def _org_for(world, role):
    return {
        Role.COORDINATOR: world.a.departement,
        Role.MUNICIPAL_STAFF: world.a.municipality,
        Role.SCHOOL_REFERENT: world.a.school,
        Role.STUDENT: world.a.school,
        Role.COACH: world.a.departement,
        Role.JUROR: world.a.departement,
        Role.PLATFORM_ADMIN: world.a.platform,
        Role.EXPERT: world.a.departement,
        Role.APPLICANT: world.a.applicant,
    }[role]


def _invitation(world, role, email="invitee@example.org"):
    return Invitation.objects.create(
        email=email,
        organisation=_org_for(world, role),
        role=role,
        invited_by=world.a.people["coordinator"],
        expires_at=timezone.now() + datetime.timedelta(days=7),
    )


def _roles_of(user):
    return set(Membership.objects.filter(user=user).values_list("role", flat=True))


@pytest.mark.parametrize("role", ROLES)
def test_other_account_cannot_accept_invitation(world, login, role):
    """Someone holding the link but signed in with another account gets nothing."""
    invitation = _invitation(world, role)
    intruder = world.b.people["student"]  # a student of the other side
    EmailAddress.objects.create(user=intruder, email=intruder.email, verified=True, primary=True)
    before = _roles_of(intruder)
    client = login(intruder)
    url = reverse("accounts:invitation_accept", kwargs={"token": invitation.token})

    page = client.get(url)
    assert page.status_code == 403
    text = page.content.decode()
    assert "Cette invitation est destinée à un autre compte" in text
    assert "invitee@example.org" in text and intruder.email in text
    # allauth's sign-out form, coming back to the invitation afterwards.
    assert f'action="{reverse("account_logout")}"' in text
    assert f'name="next" value="{url}"' in text
    assert "Me déconnecter et revenir à cette invitation" in text

    response = client.post(url)
    assert response.status_code == 403
    assert _roles_of(intruder) == before
    invitation.refresh_from_db()
    assert invitation.accepted_at is None and invitation.accepted_by is None


@pytest.mark.parametrize("role", ROLES)
def test_owner_of_invited_address_accepts_invitation(world, login, role):
    person = world.b.people["juror"]
    EmailAddress.objects.create(user=person, email=person.email, verified=True, primary=True)
    invitation = _invitation(world, role, email=person.email.upper())  # case does not matter
    response = login(person).post(
        reverse("accounts:invitation_accept", kwargs={"token": invitation.token})
    )
    assert response.status_code == 302
    assert Membership.objects.filter(
        user=person, role=role, organisation=_org_for(world, role)
    ).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_by == person


def test_unverified_secondary_address_does_not_own_the_invitation(world, login):
    """Adding the invited address to one's account, without confirming it, is not owning it."""
    intruder = world.a.people["student"]
    EmailAddress.objects.create(user=intruder, email=intruder.email, verified=True, primary=True)
    EmailAddress.objects.create(user=intruder, email="invitee@example.org", verified=False)
    invitation = _invitation(world, Role.COORDINATOR)
    response = login(intruder).post(
        reverse("accounts:invitation_accept", kwargs={"token": invitation.token})
    )
    assert response.status_code == 403
    assert not Membership.objects.filter(user=intruder, role=Role.COORDINATOR).exists()


def test_sign_out_from_wrong_account_comes_back_to_the_invitation(world, login):
    intruder = world.a.people["coach"]
    invitation = _invitation(world, Role.COORDINATOR)
    client = login(intruder)
    url = reverse("accounts:invitation_accept", kwargs={"token": invitation.token})
    response = client.post(reverse("account_logout"), {"next": url})
    assert response.status_code == 302
    assert response["Location"] == url
    page = client.get(url)
    assert page.status_code == 200
    assert "_auth_user_id" not in client.session
    # Nobody has the invited address yet: the page offers to create its account.
    assert 'name="password1"' in page.content.decode()


def test_service_refuses_an_account_without_the_invited_address(world):
    from curiouslab.accounts.services import invitation_accept
    from curiouslab.errors import DomainError

    invitation = _invitation(world, Role.COORDINATOR)
    with pytest.raises(DomainError, match="une autre adresse"):
        invitation_accept(invitation=invitation, user=world.a.people["municipal_staff"])
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
