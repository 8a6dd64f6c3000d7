import datetime

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils import timezone

from curiouslab.accounts.models import AuditLogEntry, Invitation, Membership, Role, User
from curiouslab.accounts.tasks import purge_expired_invitations
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

STRONG = "une-phrase-de-passe-solide-92"


def _invite(
    client,
    world,
    *,
    email="nouvelle.agente@ville-a.fr",
    role=Role.MUNICIPAL_STAFF,
    organisation=None,
    captured=None,
):
    organisation = organisation or world.a.municipality
    return client.post(
        reverse("accounts:invitation_list"),
        {
            "organisation": organisation.pk,
            "role": role,
            "email": email,
            "first_name": "Inès",
            "last_name": "Robert",
            "language": "fr",
        },
    )


def test_coordinator_invites_municipal_staff_and_email_is_sent(
    world, login, mailoutbox, django_capture_on_commit_callbacks
):
    client = login(world.a.people["coordinator"])
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(client, world)
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="nouvelle.agente@ville-a.fr")
    assert invitation.organisation == world.a.municipality
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["nouvelle.agente@ville-a.fr"]
    assert "Commune A" in message.subject
    assert f"/me/invitations/accept/{invitation.token}/" in message.body
    assert "invite" in message.body.lower()  # French: "… vous invite …"
    assert AuditLogEntry.objects.filter(
        action="invitation.create", object_id=str(invitation.pk)
    ).exists()


def test_coordinator_cannot_invite_into_another_departement(world, login):
    client = login(world.a.people["coordinator"])
    response = _invite(client, world, organisation=world.b.municipality)
    assert response.status_code == 400  # not a choice: the form refuses
    assert not Invitation.objects.filter(email="nouvelle.agente@ville-a.fr").exists()


def test_municipal_staff_cannot_grant_coordinator_role(world, login):
    client = login(world.a.people["municipal_staff"])
    response = _invite(client, world, role=Role.COORDINATOR)
    assert response.status_code == 400
    assert (
        "role" in response.content.decode().lower() or "rôle" in response.content.decode().lower()
    )
    assert not Invitation.objects.exists()


def test_school_referent_invites_student(world, login):
    client = login(world.a.people["school_referent"])
    response = _invite(
        client, world, email="eleve@ecole-a.fr", role=Role.STUDENT, organisation=world.a.school
    )
    assert response.status_code == 302
    assert Invitation.objects.get(email="eleve@ecole-a.fr").role == Role.STUDENT


def test_invitation_twice_is_refused_with_a_message(world, login):
    client = login(world.a.people["coordinator"])
    _invite(client, world)
    response = _invite(client, world)
    assert response.status_code == 400
    assert "déjà" in response.content.decode()  # "An invitation … is already waiting" in French
    assert Invitation.objects.count() == 1


def _make_invitation(world, **kwargs):
    defaults = {
        "email": "nouvel.eleve@ecole-a.fr",
        "organisation": world.a.school,
        "role": Role.STUDENT,
        "invited_by": world.a.people["school_referent"],
        "expires_at": timezone.now() + datetime.timedelta(days=7),
    }
    defaults.update(kwargs)
    return Invitation.objects.create(**defaults)


def test_accepting_invitation_creates_account_with_verified_email_and_role(world, client):
    invitation = _make_invitation(world)
    url = reverse("accounts:invitation_accept", kwargs={"token": invitation.token})
    page = client.get(url)
    assert page.status_code == 200
    assert "École A" in page.content.decode()
    response = client.post(
        url,
        {"first_name": "Hugo", "last_name": "Lambert", "password1": STRONG, "password2": STRONG},
    )
    assert response.status_code == 302
    user = User.objects.get(email="nouvel.eleve@ecole-a.fr")
    assert user.get_full_name() == "Hugo Lambert"
    assert user.check_password(STRONG)
    assert Membership.objects.filter(
        user=user, organisation=world.a.school, role=Role.STUDENT
    ).exists()
    assert EmailAddress.objects.get(user=user).verified
    invitation.refresh_from_db()
    assert invitation.accepted_by == user
    assert client.get(reverse("home")).context["user"] == user  # signed in


def test_accepting_invitation_refuses_weak_password(world, client):
    invitation = _make_invitation(world)
    url = reverse("accounts:invitation_accept", kwargs={"token": invitation.token})
    response = client.post(
        url,
        {
            "first_name": "Hugo",
            "last_name": "Lambert",
            "password1": "court123",
            "password2": "court123",
        },
    )
    assert response.status_code == 400
    assert "12 caractères" in response.content.decode()
    assert not User.objects.filter(email=invitation.email).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_signed_in_user_accepting_invitation_gets_the_role_linked(world, login):
    person = world.a.people["municipal_staff"]
    invitation = _make_invitation(
        world,
        email=person.email,
        organisation=world.a.departement,
        role=Role.JUROR,
        invited_by=world.a.people["coordinator"],
    )
    EmailAddress.objects.create(user=person, email=person.email, verified=True, primary=True)
    client = login(person)
    response = client.post(
        reverse("accounts:invitation_accept", kwargs={"token": invitation.token})
    )
    assert response.status_code == 302
    assert Membership.objects.filter(
        user=person, role=Role.JUROR, organisation=world.a.departement
    ).exists()
    assert User.objects.filter(email=person.email).count() == 1


def test_invitation_for_existing_account_asks_to_sign_in(world, client):
    person = world.a.people["student"]
    invitation = _make_invitation(
        world,
        email=person.email,
        organisation=world.a.departement,
        role=Role.JUROR,
        invited_by=world.a.people["coordinator"],
    )
    url = reverse("accounts:invitation_accept", kwargs={"token": invitation.token})
    response = client.post(
        url, {"first_name": "X", "last_name": "Y", "password1": STRONG, "password2": STRONG}
    )
    assert response.status_code == 400
    assert reverse("account_login") in response.content.decode()
    assert not Membership.objects.filter(user=person, role=Role.JUROR).exists()


@pytest.mark.parametrize("state", ["expired", "revoked", "accepted"])
def test_unusable_invitation_is_refused(world, client, state):
    extra = {
        "expired": {"expires_at": timezone.now() - datetime.timedelta(minutes=1)},
        "revoked": {"revoked_at": timezone.now()},
        "accepted": {"accepted_at": timezone.now()},
    }[state]
    invitation = _make_invitation(world, **extra)
    url = reverse("accounts:invitation_accept", kwargs={"token": invitation.token})
    response = client.post(
        url, {"first_name": "H", "last_name": "L", "password1": STRONG, "password2": STRONG}
    )
    assert response.status_code == 410
    assert "ne peut plus être utilisée" in response.content.decode()
    assert not User.objects.filter(email=invitation.email).exists()


def test_unknown_invitation_token_is_404(client, db):
    assert (
        client.get(reverse("accounts:invitation_accept", kwargs={"token": "nope"})).status_code
        == 404
    )


def test_revoke_invitation_by_its_organisation_only(world, login):
    invitation = _make_invitation(world)
    url = reverse("accounts:invitation_revoke", kwargs={"pk": invitation.pk})
    assert login(world.b.people["school_referent"]).post(url).status_code == 404
    invitation.refresh_from_db()
    assert invitation.revoked_at is None
    assert login(world.a.people["school_referent"]).post(url).status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None


def test_sign_in_with_email_and_password(world, client):
    response = client.post(
        reverse("account_login"), {"login": world.a.people["coach"].email, "password": PASSWORD}
    )
    # allauth asks to verify addresses that are not verified yet; a verified one signs in.
    assert response.status_code == 302


def test_the_daily_purge_deletes_only_invitations_long_expired_and_never_used(world):
    now = timezone.now()

    def invitation(email, *, expired_days, accepted=False):
        return Invitation.objects.create(
            email=email,
            organisation=world.a.municipality,
            role=Role.MUNICIPAL_STAFF,
            expires_at=now - datetime.timedelta(days=expired_days),
            accepted_at=now - datetime.timedelta(days=100) if accepted else None,
        )

    old = invitation("ancienne@ville-a.fr", expired_days=91)
    recent = invitation("recente@ville-a.fr", expired_days=89)
    used = invitation("acceptee@ville-a.fr", expired_days=200, accepted=True)
    assert purge_expired_invitations.apply().get() == 1
    assert not Invitation.objects.filter(pk=old.pk).exists()
    assert set(Invitation.objects.values_list("pk", flat=True)) == {recent.pk, used.pk}
