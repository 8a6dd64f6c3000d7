"""The writes of a call for projects. Each locks its row, re-checks the actor's right
(``curiouslab.accounts.rules.require``), writes the audit entry and queues mail in the same
transaction. ``call_set_status`` is the one writer of ``Call.status``; ``dossier_set_status``
of ``Dossier.status`` (along ``DOSSIER_TRANSITIONS``)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from calls.assignment import Candidate, propose
from calls.conflicts import excluded_pairs
from calls.enums import (
    ATTACHMENT_FORMATS,
    TEXT_SECTIONS,
    BudgetKind,
    CallStatus,
    DossierStatus,
    Section,
)
from calls.models import (
    SCALE_MAX,
    SCALE_MIN,
    Assignment,
    AttachmentType,
    BudgetLine,
    Call,
    Criterion,
    Dossier,
    DossierAttachment,
    DossierRevision,
    Expert,
    ExpertConflict,
    Opinion,
)
from calls.rules import writes_dossier
from challenges.services import ATTACHMENT_TYPES
from curiouslab.accounts.models import Organisation, Role, User
from curiouslab.accounts.rules import require
from curiouslab.audit import audit_log
from curiouslab.errors import DomainError
from curiouslab.mail import send_templated_mail
from curiouslab.slugs import unique_slug
from curiouslab.storedfiles import files_atomic, store_in_field
from curiouslab.uploads import UploadPolicy, check_upload

# The programme format a call belongs to (cohorts/formats.py on main).
CALL_FORMAT = "call_for_projects"

CALL_TRANSITIONS = {CallStatus.DRAFT: {CallStatus.PUBLISHED}, CallStatus.PUBLISHED: set()}

DOSSIER_TRANSITIONS = {
    DossierStatus.DRAFT: {DossierStatus.SUBMITTED},
    DossierStatus.SUBMITTED: {
        DossierStatus.ADMISSIBLE,
        DossierStatus.INADMISSIBLE,
        DossierStatus.INCOMPLETE,
    },
    DossierStatus.INCOMPLETE: {DossierStatus.SUBMITTED},
    DossierStatus.ADMISSIBLE: set(),
    DossierStatus.INADMISSIBLE: set(),
}
# Who may move a dossier into each state.
DOSSIER_PERMS = {
    DossierStatus.SUBMITTED: "calls.edit_dossier",
    DossierStatus.ADMISSIBLE: "calls.check_admissibility",
    DossierStatus.INADMISSIBLE: "calls.check_admissibility",
    DossierStatus.INCOMPLETE: "calls.check_admissibility",
}
# The parts a request for missing pieces may name: the call's sections.
EDITABLE_STATES = {DossierStatus.DRAFT, DossierStatus.INCOMPLETE}


def _org(call: Call) -> int:
    return call.programme.organisation_id


# --- The call -------------------------------------------------------------------------------


@dataclass
class CriterionData:
    name: str
    weight: int
    descriptors: str = ""


@dataclass
class AttachmentTypeData:
    name: str
    formats: list[str]
    max_mb: int
    required: bool = True


CALL_FIELDS = [
    "title",
    "summary",
    "eligibility",
    "eligible_kinds",
    "opens_at",
    "closes_at",
    "sections",
    "funding_ceiling",
    "envelope",
    "experts_per_dossier",
    "experts_see_each_other",
    "normalisation",
]


def _check_call(data: dict, criteria: list[CriterionData], types: list[AttachmentTypeData]):
    if data["opens_at"] >= data["closes_at"]:
        raise DomainError(_("The call must open before it closes."))
    if data["funding_ceiling"] > data["envelope"]:
        raise DomainError(_("The funding ceiling cannot exceed the envelope."))
    if not data["eligible_kinds"]:
        raise DomainError(_("Name at least one kind of organisation that may apply."))
    if not criteria:
        raise DomainError(_("A call has at least one evaluation criterion."))
    if any(f not in ATTACHMENT_FORMATS for t in types for f in t.formats):
        raise DomainError(_("Unknown file type."))


def _check_format(programme) -> None:
    """A call belongs to a programme of the call-for-projects format."""
    fmt = getattr(programme, "format", CALL_FORMAT)
    if fmt != CALL_FORMAT:
        raise DomainError(_("Calls for projects belong to a programme of that format."))


def _write_parts(call: Call, criteria: list[CriterionData], types: list[AttachmentTypeData]):
    call.criteria.all().delete()
    Criterion.objects.bulk_create(
        Criterion(call=call, name=c.name, weight=c.weight, descriptors=c.descriptors, position=i)
        for i, c in enumerate(criteria)
    )
    kept = {t.name for t in types}
    used = DossierAttachment.objects.filter(dossier__call=call).values("type_id")
    call.attachment_types.exclude(name__in=kept).exclude(pk__in=used).delete()
    existing = {t.name: t for t in call.attachment_types.all()}
    for t in types:
        row = existing.get(t.name) or AttachmentType(call=call, name=t.name)
        row.formats, row.max_mb, row.required = t.formats, t.max_mb, t.required
        row.save()


def call_create(
    *,
    programme,
    actor: User,
    data: dict,
    criteria: list[CriterionData],
    attachment_types: list[AttachmentTypeData],
) -> Call:
    _check_call(data, criteria, attachment_types)
    with transaction.atomic():
        require(actor, "calls.manage_call", programme)
        _check_format(programme)
        call = Call(
            programme=programme,
            created_by=actor,
            slug=unique_slug(Call.objects.all(), data["title"], max_length=120, fallback="appel"),
            **{f: data[f] for f in CALL_FIELDS},
        )
        call.save()
        _write_parts(call, criteria, attachment_types)
        audit_log(
            actor=actor,
            action="call.create",
            obj=call,
            organisation=_org(call),
            after={"title": call.title, "closes_at": call.closes_at},
        )
    return call


def call_update(
    *,
    call: Call,
    actor: User,
    data: dict,
    criteria: list[CriterionData],
    attachment_types: list[AttachmentTypeData],
) -> Call:
    _check_call(data, criteria, attachment_types)
    with transaction.atomic():
        call = Call.objects.select_for_update().select_related("programme").get(pk=call.pk)
        require(actor, "calls.manage_call", call)
        # Once dossiers are being written, the closing can only be postponed (an extension).
        if data["closes_at"] < call.closes_at and call.dossiers.exists():
            raise DomainError(_("The closing of a call with dossiers can only be postponed."))
        before = {f: getattr(call, f) for f in ("title", "opens_at", "closes_at")}
        for f in CALL_FIELDS:
            setattr(call, f, data[f])
        call.save()
        _write_parts(call, criteria, attachment_types)
        audit_log(
            actor=actor,
            action="call.update",
            obj=call,
            organisation=_org(call),
            before=before,
            after={f: getattr(call, f) for f in before},
        )
    return call


def call_set_status(
    *, call: Call, actor: User, status: str, at: datetime.datetime | None = None
) -> Call:
    with transaction.atomic():
        call = Call.objects.select_for_update().select_related("programme").get(pk=call.pk)
        if call.status == status:
            return call
        if status not in CALL_TRANSITIONS.get(call.status, set()):
            raise DomainError(_("This call cannot move to that state."))
        require(actor, "calls.manage_call", call)
        before = call.status
        call.status = status
        call.published_at = at or timezone.now()
        call.save(update_fields=["status", "published_at"])
        audit_log(
            actor=actor,
            action=f"call.{status}",
            obj=call,
            organisation=_org(call),
            before={"status": before},
            after={"status": status},
            at=at,
        )
    return call


# --- The dossier ----------------------------------------------------------------------------


def dossier_create(
    *, call: Call, organisation: Organisation, actor: User, title: str, at=None
) -> Dossier:
    now = at or timezone.now()
    with transaction.atomic():
        call = Call.objects.select_for_update().select_related("programme").get(pk=call.pk)
        if call.status != CallStatus.PUBLISHED or now >= call.closes_at:
            raise DomainError(_("This call does not take dossiers."))
        if organisation.kind not in call.eligible_kinds:
            raise DomainError(_("Your organisation is not among those that may apply."))
        probe = Dossier(call=call, organisation=organisation)
        if not writes_dossier(actor, probe):
            raise DomainError(_("You are not allowed to do this."), code="permission")
        if Dossier.objects.filter(call=call, organisation=organisation).exists():
            raise DomainError(_("Your organisation already has a dossier for this call."))
        region_id = organisation.region_id or (
            organisation.departement.region_id if organisation.departement_id else None
        )
        dossier = Dossier.objects.create(
            call=call, organisation=organisation, title=title, created_by=actor, region_id=region_id
        )
        DossierRevision.objects.create(dossier=dossier, author=actor, at=now, changed=["title"])
        audit_log(
            actor=actor,
            action="dossier.create",
            obj=dossier,
            organisation=_org(call),
            after={"title": title, "organisation": organisation.pk},
        )
    return dossier


def _lock_dossier(dossier: Dossier) -> Dossier:
    return (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("call__programme", "organisation")
        .get(pk=dossier.pk)
    )


def editable_sections(dossier: Dossier) -> set[str]:
    """The sections the applicant may change now: all while a draft, only the reopened ones
    after a request for missing pieces, none otherwise."""
    if dossier.status == DossierStatus.DRAFT:
        return set(dossier.call.sections) | {"title"}
    if dossier.status == DossierStatus.INCOMPLETE:
        return set(dossier.reopened)
    return set()


@dataclass
class BudgetRow:
    kind: str
    label: str
    amount: int


def dossier_save(
    *,
    dossier: Dossier,
    actor: User,
    title: str | None = None,
    sections: dict[str, str],
    budget: list[BudgetRow] | None = None,
    amount_requested: int | None = None,
    at=None,
) -> list[str]:
    """Save what the applicant wrote; returns the parts changed (recorded with who and when).
    The amount requested is checked here: at most the call's ceiling and the expenses minus
    the co-funding."""
    now = at or timezone.now()
    with transaction.atomic():
        dossier = _lock_dossier(dossier)
        require(actor, "calls.edit_dossier", dossier)
        open_parts = editable_sections(dossier)
        if not open_parts:
            raise DomainError(_("This dossier can no longer be changed."))
        changed: list[str] = []
        if title is not None and title != dossier.title:
            if "title" not in open_parts:
                raise DomainError(_("This part of the dossier is not open for changes."))
            dossier.title = title
            changed.append("title")
        content = dict(dossier.content)
        for key, text in sections.items():
            if key not in TEXT_SECTIONS or text == content.get(key, ""):
                continue
            if key not in open_parts:
                raise DomainError(_("This part of the dossier is not open for changes."))
            content[key] = text
            changed.append(key)
        dossier.content = content
        if budget is not None or amount_requested is not None:
            changed += _save_budget(dossier, budget, amount_requested, open_parts)
        if changed:
            dossier.save(update_fields=["title", "content", "amount_requested", "updated_at"])
            DossierRevision.objects.create(dossier=dossier, author=actor, at=now, changed=changed)
            audit_log(
                actor=actor,
                action="dossier.save",
                obj=dossier,
                organisation=_org(dossier.call),
                after={"changed": changed},
                at=at,
            )
    return changed


def _save_budget(dossier, budget, amount_requested, open_parts) -> list[str]:
    if Section.BUDGET not in open_parts:
        raise DomainError(_("This part of the dossier is not open for changes."))
    rows = budget if budget is not None else []
    old = list(dossier.budget_lines.values_list("kind", "label", "amount"))
    new = [(r.kind, r.label, r.amount) for r in rows]
    expenses = sum(r.amount for r in rows if r.kind == BudgetKind.EXPENSE)
    cofunding = sum(r.amount for r in rows if r.kind == BudgetKind.COFUNDING)
    amount = amount_requested if amount_requested is not None else dossier.amount_requested
    ceiling = dossier.call.funding_ceiling
    if amount > ceiling:
        raise DomainError(
            _("The amount requested (%(amount)s €) exceeds the call's ceiling (%(ceiling)s €).")
            % {"amount": amount, "ceiling": ceiling}
        )
    if budget is not None and amount > max(expenses - cofunding, 0):
        raise DomainError(
            _("The amount requested exceeds the expenses not covered by the co-funders.")
        )
    changed = []
    if budget is not None and old != new:
        dossier.budget_lines.all().delete()
        BudgetLine.objects.bulk_create(
            BudgetLine(dossier=dossier, kind=r.kind, label=r.label, amount=r.amount, position=i)
            for i, r in enumerate(rows)
        )
        changed.append(Section.BUDGET.value)
    if amount != dossier.amount_requested:
        dossier.amount_requested = amount
        if Section.BUDGET.value not in changed:
            changed.append(Section.BUDGET.value)
    return changed


def attachment_policy(kind: AttachmentType) -> UploadPolicy:
    """The upload policy of one attachment type: its formats and its size limit."""
    by_ext = {ext: mime for mime, ext in ATTACHMENT_TYPES.items()}
    kinds = {by_ext[f]: {f} | ({"jpeg"} if f == "jpg" else set()) for f in kind.formats}
    return UploadPolicy(
        kinds=kinds,
        max_bytes=kind.max_mb * 1024 * 1024,
        accepted=", ".join(ATTACHMENT_FORMATS[f] for f in kind.formats),
    )


@files_atomic()
def attachment_add(*, dossier: Dossier, actor: User, kind: AttachmentType, upload) -> None:
    dossier = _lock_dossier(dossier)
    require(actor, "calls.edit_dossier", dossier)
    if kind.call_id != dossier.call_id:
        raise DomainError(_("Unknown attachment type."))
    if Section.ATTACHMENTS not in editable_sections(dossier):
        raise DomainError(_("This part of the dossier is not open for changes."))
    checked = check_upload(upload, attachment_policy(kind))
    attachment = DossierAttachment(
        dossier=dossier,
        type=kind,
        original_name=checked.name,
        content_type=checked.content_type,
        extension=ATTACHMENT_TYPES[checked.content_type],
        size=checked.size,
        uploaded_by=actor,
    )
    store_in_field(attachment.file, checked.name, upload)
    attachment.save()
    DossierRevision.objects.create(dossier=dossier, author=actor, changed=["attachments"])
    audit_log(
        actor=actor,
        action="dossier.attachment_add",
        obj=dossier,
        organisation=_org(dossier.call),
        after={"attachment": attachment.pk, "name": checked.name},
    )


@transaction.atomic
def attachment_delete(*, attachment: DossierAttachment, actor: User) -> None:
    dossier = _lock_dossier(attachment.dossier)
    require(actor, "calls.edit_dossier", dossier)
    if Section.ATTACHMENTS not in editable_sections(dossier):
        raise DomainError(_("This part of the dossier is not open for changes."))
    storage, name = attachment.file.storage, attachment.file.name
    DossierRevision.objects.create(dossier=dossier, author=actor, changed=["attachments"])
    audit_log(
        actor=actor,
        action="dossier.attachment_delete",
        obj=dossier,
        organisation=_org(dossier.call),
        before={"attachment": attachment.pk, "name": attachment.original_name},
    )
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))


def missing_parts(dossier: Dossier) -> list[str]:
    """What a complete dossier still lacks: empty sections, an empty budget, required pieces."""
    missing = []
    labels = dict(Section.choices)
    for key in dossier.call.sections:
        if key in TEXT_SECTIONS and not dossier.section_text(key).strip():
            missing.append(str(labels[key]))
    if Section.BUDGET in dossier.call.sections and not dossier.budget_lines.exists():
        missing.append(str(labels[Section.BUDGET]))
    if Section.ATTACHMENTS in dossier.call.sections:
        given = set(dossier.attachments.values_list("type_id", flat=True))
        for kind in dossier.call.attachment_types.filter(required=True):
            if kind.pk not in given:
                missing.append(kind.name)
    return missing


def dossier_set_status(
    *,
    dossier: Dossier,
    actor: User,
    status: str,
    reasons: str = "",
    reopen: list[str] | None = None,
    at: datetime.datetime | None = None,
) -> Dossier:
    """The one writer of ``Dossier.status``. Submitting is decided here, at the second: at
    or after the call's closing the dossier stays a draft and the refusal says so."""
    now = at or timezone.now()
    with transaction.atomic():
        dossier = _lock_dossier(dossier)
        if dossier.status == status:
            return dossier
        if status not in DOSSIER_TRANSITIONS.get(dossier.status, set()):
            raise DomainError(_("This dossier cannot move to that state."))
        require(actor, DOSSIER_PERMS[status], dossier)
        before = dossier.status
        fields = ["status"]
        if status == DossierStatus.SUBMITTED:
            _check_submission(dossier, now)
            dossier.submitted_at = now
            dossier.reopened = []
            fields += ["submitted_at", "reopened"]
        elif status == DossierStatus.INCOMPLETE:
            reopen = [k for k in (reopen or []) if k in dossier.call.sections]
            if not reopen or not reasons.strip():
                raise DomainError(_("Name the missing parts and say what is expected."))
            dossier.reopened = reopen
            fields.append("reopened")
        elif status == DossierStatus.INADMISSIBLE and not reasons.strip():
            raise DomainError(_("Give the reasons: they are sent to the applicant."))
        if status != DossierStatus.SUBMITTED:
            dossier.admissibility_reasons = reasons
            fields.append("admissibility_reasons")
        dossier.status = status
        dossier.save(update_fields=fields)
        audit_log(
            actor=actor,
            action=f"dossier.{status}",
            obj=dossier,
            organisation=_org(dossier.call),
            before={"status": before},
            after={"status": status, "reopened": dossier.reopened},
            reason=reasons,
            at=at,
        )
        _notify(dossier, status)
    return dossier


def _check_submission(dossier: Dossier, now: datetime.datetime) -> None:
    call = dossier.call
    if now < call.opens_at:
        raise DomainError(_("The call is not open yet: your dossier stays a draft."))
    if now >= call.closes_at:
        raise DomainError(
            _(
                "The call closed on %(closing)s: a dossier submitted after that is refused. "
                "Your dossier stays a draft."
            )
            % {"closing": date_format(timezone.localtime(call.closes_at), "DATETIME_FORMAT")},
            code="late",
        )
    missing = missing_parts(dossier)
    if missing:
        raise DomainError(
            _("The dossier is not complete: %(missing)s.") % {"missing": ", ".join(missing)}
        )


def applicants_of(dossier: Dossier):
    from calls.rules import APPLICANT_ROLES  # noqa: PLC0415 -- the same list the rule reads

    return User.objects.filter(
        memberships__organisation_id=dossier.organisation_id,
        memberships__role__in=APPLICANT_ROLES,
        memberships__is_active=True,
        is_active=True,
    ).distinct()


def _notify(dossier: Dossier, status: str) -> None:
    labels = dict(Section.choices)
    send_templated_mail(
        recipients=applicants_of(dossier),
        template=f"calls/email/dossier_{status}",
        context={
            "dossier": dossier,
            "call": dossier.call,
            "reasons": dossier.admissibility_reasons,
            "reopened": [str(labels[k]) for k in dossier.reopened if k in labels],
        },
    )


# --- Experts --------------------------------------------------------------------------------


def expert_invite(*, call: Call, actor: User, email: str, name: str, tags: list[str]) -> Expert:
    """Give ``email`` a seat of expert on ``call``; the expert role in the programme's
    organisation comes with it (at once for an existing account, by invitation otherwise)."""
    from curiouslab.accounts.models import Membership  # noqa: PLC0415 -- the core's role table
    from curiouslab.accounts.services import invitation_create  # noqa: PLC0415 -- the core's invitation

    email = email.strip().lower()
    with transaction.atomic():
        call = Call.objects.select_for_update().select_related("programme").get(pk=call.pk)
        require(actor, "calls.manage_call", call)
        if Expert.objects.filter(call=call, email__iexact=email).exists():
            raise DomainError(_("This person is already an expert of this call."))
        expert = Expert.objects.create(
            call=call, email=email, name=name, tags=tags, invited_by=actor
        )
        org = call.programme.organisation
        user = User.objects.filter(email__iexact=email).first()
        if user is not None:
            Membership.objects.update_or_create(
                user=user, organisation=org, role=Role.EXPERT, defaults={"is_active": True}
            )
        elif not org.invitations.pending().filter(email=email, role=Role.EXPERT).exists():
            invitation_create(
                organisation=org, role=Role.EXPERT, email=email, invited_by=actor, last_name=name
            )
        audit_log(
            actor=actor,
            action="call.expert_invite",
            obj=expert,
            organisation=_org(call),
            after={"email": email, "tags": tags},
        )
    return expert


def conflict_declare(
    *,
    expert: Expert,
    actor: User,
    organisation: Organisation | None = None,
    region=None,
    reason: str = "",
) -> ExpertConflict:
    """The expert declares a conflict; any assignment it touches is withdrawn."""
    if organisation is None and region is None:
        raise DomainError(_("Name an organisation or a region."))
    with transaction.atomic():
        expert = (
            Expert.objects.select_for_update().select_related("call__programme").get(pk=expert.pk)
        )
        require(actor, "calls.give_opinion", expert)
        conflict = ExpertConflict.objects.create(
            expert=expert, organisation=organisation, region=region, reason=reason
        )
        touched = Assignment.objects.filter(expert=expert, opinion__isnull=True)
        if organisation is not None:
            touched.filter(dossier__organisation=organisation).delete()
        if region is not None:
            touched.filter(dossier__region=region).delete()
        audit_log(
            actor=actor,
            action="call.conflict_declare",
            obj=expert,
            organisation=_org(expert.call),
            after={
                "organisation": getattr(organisation, "pk", None),
                "region": getattr(region, "pk", None),
            },
            reason=reason,
        )
    return conflict


def assignment_proposal(call: Call):
    """The automatic balanced proposal for the call's admissible dossiers."""
    from calls.selectors import FILED  # noqa: PLC0415 -- selectors import the services' models only

    experts = [Candidate(e.pk, frozenset(e.tags)) for e in call.experts.all()]
    dossiers = [
        Candidate(d.pk, frozenset(d.tags))
        for d in call.dossiers.filter(status__in=FILED).exclude(status=DossierStatus.INADMISSIBLE)
    ]
    return propose(
        experts=experts,
        dossiers=dossiers,
        k=call.experts_per_dossier,
        excluded=excluded_pairs(call),
    )


def assignments_save(*, call: Call, actor: User, pairs: set[tuple[int, int]]) -> int:
    """Replace the call's assignments by ``pairs`` (expert id, dossier id), as the coordinator
    edited the proposal; an assignment with an opinion already written is kept. Refuses a pair
    with a conflict."""
    with transaction.atomic():
        call = Call.objects.select_for_update().select_related("programme").get(pk=call.pk)
        require(actor, "calls.manage_call", call)
        experts = set(call.experts.values_list("pk", flat=True))
        dossiers = set(call.dossiers.values_list("pk", flat=True))
        if any(e not in experts or d not in dossiers for e, d in pairs):
            raise DomainError(_("Unknown expert or dossier."))
        if pairs & excluded_pairs(call):
            raise DomainError(
                _("An expert cannot be assigned a dossier they have a conflict with.")
            )
        current = Assignment.objects.filter(dossier__call=call)
        existing = set(current.values_list("expert_id", "dossier_id"))
        current.filter(opinion__isnull=True).exclude(
            pk__in=[
                a.pk
                for a in current.only("pk", "expert_id", "dossier_id")
                if (a.expert_id, a.dossier_id) in pairs
            ]
        ).delete()
        Assignment.objects.bulk_create(
            [Assignment(expert_id=e, dossier_id=d) for e, d in sorted(pairs - existing)]
        )
        audit_log(
            actor=actor,
            action="call.assignments_save",
            obj=call,
            organisation=_org(call),
            after={"assignments": len(pairs)},
        )
    return len(pairs)


def opinion_save(
    *,
    assignment: Assignment,
    actor: User,
    scores: dict[int, int],
    confidence: int,
    strengths: str,
    weaknesses: str,
    recommendation: str,
    submit: bool = False,
    at=None,
) -> Opinion:
    with transaction.atomic():
        assignment = (
            Assignment.objects.select_for_update(of=("self",))
            .select_related("expert__call__programme", "dossier")
            .get(pk=assignment.pk)
        )
        require(actor, "calls.give_opinion", assignment.expert)
        opinion, _created = Opinion.objects.get_or_create(assignment=assignment)
        if opinion.submitted_at is not None:
            raise DomainError(_("Your opinion has been submitted: it can no longer change."))
        criteria = set(assignment.expert.call.criteria.values_list("pk", flat=True))
        if any(c not in criteria or not SCALE_MIN <= v <= SCALE_MAX for c, v in scores.items()):
            raise DomainError(_("Each score is between 0 and 5."))
        opinion.scores = {str(c): v for c, v in scores.items()}
        opinion.confidence = confidence
        opinion.strengths, opinion.weaknesses = strengths, weaknesses
        opinion.recommendation = recommendation
        if submit:
            if set(scores) != criteria or not recommendation:
                raise DomainError(_("Score every criterion and give a recommendation to submit."))
            opinion.submitted_at = at or timezone.now()
        opinion.save()
        # No score nor text in the log: the coordinators read it, the opinion is confidential.
        audit_log(
            actor=actor,
            action="opinion.submit" if submit else "opinion.save",
            obj=assignment.dossier,
            organisation=_org(assignment.expert.call),
            at=at,
        )
    return opinion
