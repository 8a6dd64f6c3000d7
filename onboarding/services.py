"""A territory starts by itself: a body asks for a space (public page), a platform
administrator approves it in the interface — the organisation is created, linked to its place
in the referential, and the person who asked is invited as its first coordinator — or
declines it with a reason. Every step is audited and told by e-mail."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from curiouslab.accounts.models import Organisation, Role, User
from curiouslab.accounts.rules import require
from curiouslab.accounts.services import invitation_create
from curiouslab.audit import audit_log
from curiouslab.errors import DomainError
from curiouslab.mail import Recipient, send_templated_mail
from curiouslab.site import absolute_url
from curiouslab.slugs import unique_slug
from onboarding import selectors
from onboarding.enums import RequestStatus
from onboarding.models import TerritoryRequest

REQUEST_FIELDS = [
    "kind",
    "name",
    "departement",
    "region",
    "epci",
    "first_name",
    "last_name",
    "email",
    "job_title",
    "message",
]


def _platform_admins() -> list[User]:
    return list(
        User.objects.filter(
            is_active=True, memberships__role=Role.PLATFORM_ADMIN, memberships__is_active=True
        ).distinct()
    )


def require_platform_admin(user: User) -> None:
    require(user, "onboarding.run_platform", None)


def request_submit(*, data: dict, language: str) -> TerritoryRequest:
    """Record the request (``data``: a valid TerritoryRequestForm's cleaned data), tell the
    platform administrators and acknowledge it to the person who asked."""
    with transaction.atomic():
        fields = {field: data.get(field) for field in REQUEST_FIELDS}
        fields["email"] = fields["email"].strip().lower()
        request = TerritoryRequest.objects.create(**fields, language=language)
        audit_log(
            actor=None,
            action="territory_request.create",
            obj=request,
            after={"kind": request.kind, "name": request.name, "email": request.email},
        )
        review_url = absolute_url(reverse("onboarding:request_detail", args=[request.pk]))
        send_templated_mail(
            recipients=[Recipient(email=a.email, language=a.language) for a in _platform_admins()],
            template="onboarding/email/request_received",
            context={"request": request, "review_url": review_url},
        )
        send_templated_mail(
            recipients=[Recipient(email=request.email, language=language)],
            template="onboarding/email/request_acknowledged",
            context={"request": request},
        )
    return request


def _locked_pending(request_id: int) -> TerritoryRequest:
    request = TerritoryRequest.objects.select_for_update().filter(pk=request_id).first()
    if request is None or request.status != RequestStatus.PENDING:
        raise DomainError(_("This request has already been decided."))
    return request


def request_approve(*, request_id: int, actor: User) -> TerritoryRequest:
    """Create the organisation and invite the person who asked as its first coordinator (the
    invitation's e-mail carries the link; they then set a password and a second factor,
    which the platform requires of coordinators). Refused when the body already has a space."""
    require_platform_admin(actor)
    with transaction.atomic():
        request = _locked_pending(request_id)
        place = {"departement": request.departement, "region": request.region, "epci": request.epci}
        if selectors.organisation_for_place(kind=request.kind, **place) is not None:
            raise DomainError(_("This body already has a space on the platform."))
        organisation = Organisation.objects.create(
            kind=request.kind,
            name=request.name,
            slug=unique_slug(
                Organisation.objects.all(), request.name, max_length=70, fallback="territoire"
            ),
            **place,
        )
        audit_log(
            actor=actor,
            action="organisation.create",
            obj=organisation,
            organisation=organisation.id,
            after={"kind": organisation.kind, "name": organisation.name, "request": request.pk},
        )
        request.status = RequestStatus.APPROVED
        request.decided_at, request.decided_by = timezone.now(), actor
        request.organisation = organisation
        request.save(update_fields=["status", "decided_at", "decided_by", "organisation"])
        audit_log(
            actor=actor,
            action="territory_request.approve",
            obj=request,
            organisation=organisation.id,
            after={"organisation": organisation.id},
        )
        invitation_create(
            organisation=organisation,
            role=Role.COORDINATOR,
            email=request.email,
            invited_by=actor,
            first_name=request.first_name,
            last_name=request.last_name,
            language=request.language,
        )
    return request


def request_reject(*, request_id: int, actor: User, reason: str) -> TerritoryRequest:
    require_platform_admin(actor)
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Say why the request is declined."))
    with transaction.atomic():
        request = _locked_pending(request_id)
        request.status = RequestStatus.REJECTED
        request.decided_at, request.decided_by = timezone.now(), actor
        request.decision_reason = reason
        request.save(update_fields=["status", "decided_at", "decided_by", "decision_reason"])
        audit_log(actor=actor, action="territory_request.reject", obj=request, reason=reason)
        send_templated_mail(
            recipients=[Recipient(email=request.email, language=request.language)],
            template="onboarding/email/request_declined",
            context={"request": request},
        )
    return request
