"""Writes of the shared core: invitations and memberships."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from curiouslab.accounts.enums import COORDINATING_KINDS
from curiouslab.accounts.models import (
    ROLE_ORGANISATION_KINDS,
    Invitation,
    Membership,
    Organisation,
    OrganisationKind,
    Role,
    User,
)
from curiouslab.accounts.roles import forget_roles, roles_for
from curiouslab.accounts.selectors import commune_in_territory
from curiouslab.audit import audit_log
from curiouslab.errors import DomainError
from curiouslab.french import de
from curiouslab.mail import Recipient, send_templated_mail
from curiouslab.site import absolute_url


def coordinating_org_id(organisation: Organisation) -> int | None:
    """The coordinating organisation whose coordinators may read this one's audit trail."""
    if organisation.kind in COORDINATING_KINDS:
        return organisation.id
    return organisation.territory_id


def invitable_roles(*, user: User, organisation: Organisation) -> list[str]:
    """The roles ``user`` may grant in ``organisation`` (empty when none)."""
    r = roles_for(user)
    allowed: set[str] = set()
    if organisation.id in r.orgs(Role.COORDINATOR) or (
        organisation.territory_id and organisation.territory_id in r.orgs(Role.COORDINATOR)
    ):
        allowed |= {
            role for role, kinds in ROLE_ORGANISATION_KINDS.items() if organisation.kind in kinds
        }
    if organisation.id in r.orgs(Role.MUNICIPAL_STAFF):
        allowed.add(Role.MUNICIPAL_STAFF)
    if organisation.id in r.orgs(Role.SCHOOL_REFERENT):
        allowed |= {Role.SCHOOL_REFERENT, Role.STUDENT}
    # A platform administrator invites the first coordinator of a territory that started
    # (onboarding.services.request_approve), and the other administrators.
    if r.has(Role.PLATFORM_ADMIN) and organisation.kind in COORDINATING_KINDS:
        allowed.add(Role.COORDINATOR)
    if organisation.id in r.orgs(Role.PLATFORM_ADMIN):
        allowed.add(Role.PLATFORM_ADMIN)
    return [role for role in Role.values if role in allowed]


def invitation_create(
    *,
    organisation: Organisation,
    role: str,
    email: str,
    invited_by: User,
    first_name: str = "",
    last_name: str = "",
    discipline: str = "",
    level: str = "",
    language: str = "fr",
) -> Invitation:
    email = email.strip().lower()
    if role not in invitable_roles(user=invited_by, organisation=organisation):
        raise DomainError(_("You may not invite someone with this role to this organisation."))
    if Membership.objects.filter(
        user__email__iexact=email, organisation=organisation, role=role, is_active=True
    ).exists():
        raise DomainError(_("This person already holds this role in this organisation."))
    if (
        Invitation.objects.pending()
        .filter(email__iexact=email, organisation=organisation, role=role)
        .exists()
    ):
        raise DomainError(_("An invitation for this person and role is already waiting."))
    with transaction.atomic():
        invitation = Invitation.objects.create(
            email=email,
            first_name=first_name,
            last_name=last_name,
            organisation=organisation,
            role=role,
            discipline=discipline,
            level=level,
            invited_by=invited_by,
            language=language,
            expires_at=timezone.now() + settings.INVITATION_VALIDITY,
        )
        audit_log(
            actor=invited_by,
            action="invitation.create",
            obj=invitation,
            organisation=coordinating_org_id(organisation),
            after={"email": email, "role": role, "organisation": organisation.id},
        )
        send_templated_mail(
            recipients=[Recipient(email=email, language=language)],
            template="accounts/email/invitation",
            context={
                "invitation": invitation,
                "accept_url": absolute_url(
                    reverse("accounts:invitation_accept", kwargs={"token": invitation.token})
                ),
            },
        )
    return invitation


def commune_organisation_name(commune) -> str:
    """« Commune d'Antony », « Commune du Havre »: the name is French whoever invites."""
    with translation.override("fr"):
        return f"Commune {de(commune.name)}"


def commune_invitation_create(
    *, commune, territory: Organisation, email: str, invited_by: User, **details
) -> Invitation:
    """Invite an agent of a commune of ``territory`` (a coordinated organisation linked to the
    referential). The commune's organisation is created by its first invitation, attached to
    ``territory``; a commune already followed by another territory is refused. Nothing is
    created when the invitation is refused."""
    if territory.id not in roles_for(invited_by).orgs(Role.COORDINATOR) or (
        not commune_in_territory(commune, territory)
    ):
        raise DomainError(_("This commune is not in a territory you coordinate."))
    with transaction.atomic():
        organisation, created = Organisation.objects.select_for_update().get_or_create(
            kind=OrganisationKind.MUNICIPALITY,
            commune=commune,
            defaults={
                "name": commune_organisation_name(commune),
                "slug": f"commune-{commune.insee.lower()}",
                "city": commune.name,
                "territory": territory,
            },
        )
        if not created and organisation.territory_id != territory.id:
            raise DomainError(
                _("%(commune)s is already followed by another territory.")
                % {"commune": commune.name}
            )
        if created:
            audit_log(
                actor=invited_by,
                action="organisation.create",
                obj=organisation,
                organisation=territory.id,
                after={"commune": commune.insee, "name": organisation.name},
            )
        return invitation_create(
            organisation=organisation,
            role=Role.MUNICIPAL_STAFF,
            email=email,
            invited_by=invited_by,
            **details,
        )


def invitation_revoke(*, invitation: Invitation, actor: User) -> Invitation:
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at is not None:
            raise DomainError(_("This invitation has already been accepted."))
        if invitation.revoked_at is not None:
            return invitation
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        audit_log(
            actor=actor,
            action="invitation.revoke",
            obj=invitation,
            organisation=coordinating_org_id(invitation.organisation),
        )
    return invitation


def invitation_owned_by(*, invitation: Invitation, user: User) -> bool:
    """Whether ``user`` owns the invited address: one of their addresses, verified. An
    invitation link can be forwarded; the role goes to the address it was sent to."""
    return EmailAddress.objects.filter(
        user=user, email__iexact=invitation.email, verified=True
    ).exists()


def invitation_accept(
    *,
    invitation: Invitation,
    user: User | None,
    first_name: str = "",
    last_name: str = "",
    password: str | None = None,
) -> User:
    """Accept ``invitation``: link it to ``user`` (signed in, owning the invited address), or
    create the account when nobody has the invited address yet; the address of an account
    created here counts as verified, since the link was sent to it."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at is not None:
            raise DomainError(_("This invitation has already been used."))
        if invitation.revoked_at is not None:
            raise DomainError(_("This invitation has been withdrawn."))
        if invitation.is_expired:
            raise DomainError(_("This invitation has expired. Ask for a new one."))
        if user is None:
            if User.objects.filter(email__iexact=invitation.email).exists():
                raise DomainError(
                    _("An account already exists for this address: sign in to accept.")
                )
            if not password:
                raise DomainError(_("Choose a password."))
            user = User.objects.create_user(
                email=invitation.email,
                password=password,
                first_name=first_name or invitation.first_name,
                last_name=last_name or invitation.last_name,
                language=invitation.language,
            )
            EmailAddress.objects.create(
                user=user, email=invitation.email, primary=True, verified=True
            )
        elif not invitation_owned_by(invitation=invitation, user=user):
            raise DomainError(
                _("This invitation was sent to another address: sign in with that account.")
            )
        membership, created = Membership.objects.get_or_create(
            user=user,
            organisation=invitation.organisation,
            role=invitation.role,
            defaults={"discipline": invitation.discipline, "level": invitation.level},
        )
        if not created and not membership.is_active:
            membership.is_active = True
            membership.save(update_fields=["is_active"])
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        audit_log(
            actor=user,
            action="invitation.accept",
            obj=invitation,
            organisation=coordinating_org_id(invitation.organisation),
            after={"membership": membership.id, "role": invitation.role},
        )
    forget_roles(user)
    return user


INVITATION_KEPT_AFTER_EXPIRY = timezone.timedelta(days=90)


def invitations_purge_expired(*, now=None) -> int:
    """Delete the invitations that expired more than 90 days ago and were never accepted
    (an accepted one is the trace of who invited whom, and stays). Returns how many."""
    cutoff = (now or timezone.now()) - INVITATION_KEPT_AFTER_EXPIRY
    deleted, _ = Invitation.objects.filter(accepted_at__isnull=True, expires_at__lt=cutoff).delete()
    return deleted
