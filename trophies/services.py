"""Writes of the jury (issue #6): set-up, voting window, marks, conflicts, results.

Every function is keyword-only, runs in one transaction, locks the row whose state changes
and writes the audit log in that same transaction. Refusals raise DomainError."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cohorts.models import Cohort, Team
from curiouslab.accounts.models import Membership, Role, User
from curiouslab.accounts.services import invitation_create
from curiouslab.audit import audit_entry, audit_log, audit_log_many, snapshot
from curiouslab.errors import DomainError
from trophies.models import (
    AudienceVote,
    Award,
    AwardCategory,
    ConflictDeclaration,
    Criterion,
    Finalist,
    Jury,
    JuryMember,
    JuryStatus,
    Score,
    TieBreak,
)
from trophies.selectors import exclusion_reasons, exclusions_for, missing_for_sheet

JURY_FIELDS = [
    "name",
    "closing_session",
    "scale_min",
    "scale_max",
    "comment_required",
    "normalisation",
    "tie_break",
    "audience_award",
]
TRANSITIONS = {
    JuryStatus.SETUP: {JuryStatus.OPEN},
    JuryStatus.OPEN: {JuryStatus.CLOSED},
    JuryStatus.CLOSED: {JuryStatus.PUBLISHED},
}


def _org(jury: Jury) -> int:
    return jury.cohort.programme.organisation_id


def _validate_settings(data: dict) -> None:
    if not 0 <= data["scale_min"] < data["scale_max"] <= 20:
        raise DomainError(_("The scale must go from a lower to a higher mark, at most 20."))
    steps = data.get("tie_break") or []
    if len(set(steps)) != len(steps) or not set(steps) <= set(TieBreak.values):
        raise DomainError(_("Each tie-break step may appear once."))
    session = data.get("closing_session")
    if session is not None and session.kind != "closing":
        raise DomainError(_("Choose a closing session of the cohort."))


def jury_create(*, cohort: Cohort, actor: User, **data) -> Jury:
    _validate_settings(data)
    session = data.get("closing_session")
    if session is not None and session.cohort_id != cohort.id:
        raise DomainError(_("Choose a closing session of the cohort."))
    with transaction.atomic():
        jury = Jury.objects.create(cohort=cohort, chair=actor, **data)
        audit_log(
            actor=actor,
            action="jury.create",
            obj=jury,
            organisation=cohort.programme.organisation_id,
            after=snapshot(jury, JURY_FIELDS),
        )
    return jury


def _lock_for_setup(jury: Jury) -> Jury:
    locked = Jury.objects.select_for_update().get(pk=jury.pk)
    if locked.status != JuryStatus.SETUP:
        raise DomainError(_("The jury can only be changed before voting opens."))
    locked.cohort = jury.cohort
    return locked


def jury_update(*, jury: Jury, actor: User, **data) -> Jury:
    _validate_settings(data)
    session = data.get("closing_session")
    if session is not None and session.cohort_id != jury.cohort_id:
        raise DomainError(_("Choose a closing session of the cohort."))
    with transaction.atomic():
        locked = _lock_for_setup(jury)
        before = snapshot(locked, JURY_FIELDS)
        for name, value in data.items():
            setattr(locked, name, value)
        locked.save(update_fields=list(data))
        audit_log(
            actor=actor,
            action="jury.update",
            obj=locked,
            organisation=_org(jury),
            before=before,
            after=snapshot(locked, JURY_FIELDS),
        )
    return locked


def juror_invite(*, jury: Jury, email: str, name: str = "", actor: User) -> JuryMember:
    """Add a juror by e-mail. Someone who is not yet a juror of the coordinating organisation
    gets an invitation that grants the role (they need no other role)."""
    email = email.strip().lower()
    organisation = jury.cohort.programme.organisation
    with transaction.atomic():
        locked = _lock_for_setup(jury)
        if locked.members.filter(email__iexact=email).exists():
            raise DomainError(_("This person is already on the jury."))
        user = User.objects.filter(email__iexact=email).first()
        invitation = None
        has_role = (
            user is not None
            and Membership.objects.active()
            .filter(user=user, organisation=organisation, role=Role.JUROR)
            .exists()
        )
        if not has_role:
            first, _sep, last = name.partition(" ")
            invitation = invitation_create(
                organisation=organisation,
                role=Role.JUROR,
                email=email,
                invited_by=actor,
                first_name=first,
                last_name=last,
                language=user.language if user else "fr",
            )
        member = JuryMember.objects.create(
            jury=locked,
            email=email,
            name=name or (str(user) if user else ""),
            user=user,
            invitation=invitation,
        )
        audit_log(
            actor=actor,
            action="jury.juror_add",
            obj=member,
            organisation=_org(jury),
            after={"jury": jury.pk, "email": email, "user": user.pk if user else None},
        )
    return member


def jury_members_link(*, user: User) -> int:
    """Link the jury seats invited under this address to the account (after it was created
    by accepting the invitation). Idempotent; returns how many were linked."""
    if not user.is_authenticated:
        return 0
    with transaction.atomic():
        count = JuryMember.objects.filter(user__isnull=True, email__iexact=user.email).update(
            user=user
        )
    return count


def juror_remove(*, member: JuryMember, actor: User) -> None:
    jury = member.jury
    with transaction.atomic():
        _lock_for_setup(jury)
        audit_log(
            actor=actor,
            action="jury.juror_remove",
            obj=member,
            organisation=_org(jury),
            before={"jury": jury.pk, "email": member.email},
        )
        member.delete()


def finalist_add(*, jury: Jury, team: Team, actor: User) -> Finalist:
    if team.cohort_id != jury.cohort_id:
        raise DomainError(_("This team is not in the jury's cohort."))
    with transaction.atomic():
        locked = _lock_for_setup(jury)
        if locked.finalists.filter(team=team).exists():
            raise DomainError(_("This team is already a finalist."))
        order = locked.finalists.count() + 1
        finalist = Finalist.objects.create(
            jury=locked, team=team, challenge_id=team.challenge_id, order=order
        )
        audit_log(
            actor=actor,
            action="jury.finalist_add",
            obj=finalist,
            organisation=_org(jury),
            after={"jury": jury.pk, "team": team.pk, "challenge": team.challenge_id},
        )
    return finalist


def finalist_remove(*, finalist: Finalist, actor: User) -> None:
    jury = finalist.jury
    with transaction.atomic():
        _lock_for_setup(jury)
        audit_log(
            actor=actor,
            action="jury.finalist_remove",
            obj=finalist,
            organisation=_org(jury),
            before={"jury": jury.pk, "team": finalist.team_id},
        )
        finalist.delete()


def criterion_add(
    *,
    jury: Jury,
    name: str,
    weight: int,
    description: str = "",
    levels: dict[str, str] | None = None,
    actor: User,
) -> Criterion:
    if weight < 1:
        raise DomainError(_("A weight is at least 1."))
    with transaction.atomic():
        locked = _lock_for_setup(jury)
        if locked.criteria.filter(name__iexact=name).exists():
            raise DomainError(_("A criterion of this name already exists."))
        criterion = Criterion.objects.create(
            jury=locked,
            name=name,
            weight=weight,
            description=description,
            levels=levels or {},
            order=locked.criteria.count() + 1,
        )
        audit_log(
            actor=actor,
            action="jury.criterion_add",
            obj=criterion,
            organisation=_org(jury),
            after=snapshot(criterion, ["jury", "name", "weight", "levels"]),
        )
    return criterion


def criterion_remove(*, criterion: Criterion, actor: User) -> None:
    jury = criterion.jury
    with transaction.atomic():
        _lock_for_setup(jury)
        audit_log(
            actor=actor,
            action="jury.criterion_remove",
            obj=criterion,
            organisation=_org(jury),
            before=snapshot(criterion, ["jury", "name", "weight"]),
        )
        criterion.delete()


def category_add(
    *,
    jury: Jury,
    name: str,
    basis: str,
    position: int = 1,
    criterion: Criterion | None = None,
    actor: User,
) -> AwardCategory:
    if basis == AwardCategory.Basis.CRITERION and (
        criterion is None or criterion.jury_id != jury.pk
    ):
        raise DomainError(_("Choose one of this jury's criteria."))
    if basis == AwardCategory.Basis.AUDIENCE and not jury.audience_award:
        raise DomainError(_("This jury has no audience award."))
    if basis != AwardCategory.Basis.CRITERION:
        criterion = None
    with transaction.atomic():
        locked = _lock_for_setup(jury)
        if locked.categories.filter(name__iexact=name).exists():
            raise DomainError(_("An award category of this name already exists."))
        category = AwardCategory.objects.create(
            jury=locked, name=name, basis=basis, position=max(position, 1), criterion=criterion
        )
        audit_log(
            actor=actor,
            action="jury.category_add",
            obj=category,
            organisation=_org(jury),
            after=snapshot(category, ["jury", "name", "basis", "position", "criterion"]),
        )
    return category


def category_remove(*, category: AwardCategory, actor: User) -> None:
    jury = category.jury
    with transaction.atomic():
        _lock_for_setup(jury)
        audit_log(
            actor=actor,
            action="jury.category_remove",
            obj=category,
            organisation=_org(jury),
            before={"jury": jury.pk, "name": category.name},
        )
        category.delete()


def _exclusions_snapshot(jury: Jury) -> list[dict]:
    return [
        {"juror": mid, "finalist": fid, "reasons": reasons}
        for (mid, fid), reasons in sorted(exclusions_for(jury).items())
    ]


def jury_transition(*, jury: Jury, status: str, actor: User) -> Jury:
    """The one function that changes a jury's status: open voting, close it, publish the
    results (which creates the trophies). Nothing goes back."""
    from trophies.jury_results import decide_awards, results_for

    with transaction.atomic():
        locked = Jury.objects.select_for_update().get(pk=jury.pk)
        locked.cohort = jury.cohort
        if locked.status == status:
            return locked
        if status not in TRANSITIONS.get(locked.status, set()):
            raise DomainError(
                _("A jury cannot go from “%(old)s” to “%(new)s”.")
                % {"old": locked.get_status_display(), "new": JuryStatus(status).label}
            )
        before = {"status": locked.status}
        now = timezone.now()
        fields = ["status"]
        if status == JuryStatus.OPEN:
            if not locked.members.exists():
                raise DomainError(_("Add at least one juror before opening the vote."))
            if not locked.finalists.exists():
                raise DomainError(_("Add at least one finalist before opening the vote."))
            if not locked.criteria.exists():
                raise DomainError(_("Add at least one criterion before opening the vote."))
            if not locked.tie_break:
                raise DomainError(_("Declare the tie-break chain before opening the vote."))
            locked.opened_at = now
            fields.append("opened_at")
        elif status == JuryStatus.CLOSED:
            locked.closed_at = now
            fields.append("closed_at")
        elif status == JuryStatus.PUBLISHED:
            results = results_for(locked)
            decisions = decide_awards(results, list(locked.categories.select_related("criterion")))
            problems = [d for d in decisions if d.problem]
            if problems:
                raise DomainError(
                    _("Results cannot be published: %(category)s — %(problem)s")
                    % {"category": problems[0].category.name, "problem": problems[0].problem}
                )
            for d in decisions:
                if Award.objects.filter(
                    cohort_id=locked.cohort_id, category=d.category.name, rank=1
                ).exists():
                    raise DomainError(
                        _("The cohort already has an award “%(name)s”.") % {"name": d.category.name}
                    )
                award = Award.objects.create(
                    cohort_id=locked.cohort_id,
                    category=d.category.name,
                    rank=1,
                    team_id=d.winner.finalist.team_id,
                    challenge_id=d.winner.finalist.challenge_id,
                )
                audit_log(
                    actor=actor,
                    action="award.create",
                    obj=award,
                    organisation=_org(jury),
                    after=snapshot(award, ["cohort", "category", "rank", "team", "challenge"]),
                )
            locked.published_at = now
            fields.append("published_at")
        locked.status = status
        locked.save(update_fields=fields)
        audit_log(
            actor=actor,
            action=f"jury.{status}",
            obj=locked,
            organisation=_org(jury),
            before=before,
            after={"status": status},
        )
        if status in (JuryStatus.OPEN, JuryStatus.CLOSED):
            audit_log(
                actor=actor,
                action="jury.exclusions",
                obj=locked,
                organisation=_org(jury),
                after={"excluded": _exclusions_snapshot(locked)},
            )
    return locked


def conflict_declare(*, member: JuryMember, finalist: Finalist, reason: str, actor: User):
    """A juror declares a conflict of interest with a project: they will not score it."""
    jury = member.jury
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Give the reason of the conflict."))
    if finalist.jury_id != member.jury_id:
        raise DomainError(_("This project is not in this jury's list."))
    with transaction.atomic():
        locked = Jury.objects.select_for_update().get(pk=jury.pk)
        if locked.status not in (JuryStatus.SETUP, JuryStatus.OPEN):
            raise DomainError(_("Voting is closed: conflicts can no longer be declared."))
        declaration, created = ConflictDeclaration.objects.get_or_create(
            jury=locked, member=member, finalist=finalist, defaults={"reason": reason[:300]}
        )
        if created:
            audit_log(
                actor=actor,
                action="jury.conflict_declare",
                obj=declaration,
                organisation=_org(jury),
                after={"juror": member.pk, "finalist": finalist.pk, "reason": reason[:300]},
            )
    return declaration


def _status_for_scoring(jury_id: int) -> str:
    """Read the jury's status under a shared row lock on PostgreSQL: many jurors may score
    at once, while closing the vote (an exclusive lock) waits for them, and they for it."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT status FROM {Jury._meta.db_table} WHERE id = %s FOR SHARE",  # noqa: S608
                [jury_id],
            )
            row = cursor.fetchone()
        return row[0] if row else ""
    return Jury.objects.filter(pk=jury_id).values_list("status", flat=True).first() or ""


def _refuse_unless_open(status: str) -> None:
    if status == JuryStatus.SETUP:
        raise DomainError(_("Voting has not opened yet: nothing was saved."))
    if status != JuryStatus.OPEN:
        raise DomainError(_("Voting is closed: marks can no longer be changed."))


@dataclass
class SheetOutcome:
    changed: int
    missing: list
    scores: dict


def score_sheet_save(
    *,
    jury: Jury,
    member: JuryMember,
    finalist: Finalist,
    marks: dict[int, tuple[int | None, str]],
    actor: User,
) -> SheetOutcome:
    """Save a juror's marks for one project: ``marks`` maps criterion ids to (mark or None,
    comment). Blank marks are left as they are. All or nothing: one bad value and nothing is
    stored. Safe under concurrent submissions: the database holds one row per juror,
    project and criterion, and each change is audited with its before and after."""
    if member.jury_id != jury.pk or member.user_id != actor.pk:
        raise DomainError(_("You are not a juror of this jury."))
    if finalist.jury_id != jury.pk:
        raise DomainError(_("This project is not in this jury's list."))
    criteria = {c.id: c for c in jury.criteria.all()}
    for cid, (value, _comment) in marks.items():
        if cid not in criteria:
            raise DomainError(_("This criterion does not belong to this jury: nothing was saved."))
        if value is not None and not jury.scale_min <= value <= jury.scale_max:
            raise DomainError(
                _("Marks go from %(min)s to %(max)s: nothing was saved.")
                % {"min": jury.scale_min, "max": jury.scale_max}
            )
    with transaction.atomic():
        _refuse_unless_open(_status_for_scoring(jury.pk))
        # One juror's submissions queue behind each other; other jurors are not held up.
        list(JuryMember.objects.select_for_update().filter(pk=member.pk).values_list("pk"))
        reasons = exclusion_reasons(member, finalist)
        if reasons:
            raise DomainError(
                _("You cannot score this project (%(reasons)s).") % {"reasons": ", ".join(reasons)}
            )
        existing = {
            s.criterion_id: s for s in Score.objects.filter(member=member, finalist=finalist)
        }
        writes: list[Score] = []
        before: dict[int, dict | None] = {}
        for cid, (value, comment) in marks.items():
            old = existing.get(cid)
            comment = (comment or "").strip()
            if value is None:
                if old is None or old.comment == comment or not comment:
                    continue
                value = old.value
            if old is not None and old.value == value and old.comment == comment:
                continue
            before[cid] = None if old is None else {"value": old.value, "comment": old.comment}
            writes.append(
                Score(
                    jury=jury,
                    member=member,
                    finalist=finalist,
                    criterion_id=cid,
                    value=value,
                    comment=comment,
                )
            )
        if writes:
            Score.objects.bulk_create(
                writes,
                update_conflicts=True,
                unique_fields=["member", "finalist", "criterion"],
                update_fields=["value", "comment", "updated_at"],
            )
            if any(score.pk is None for score in writes):  # databases that return no ids
                writes = list(
                    Score.objects.filter(
                        member=member, finalist=finalist, criterion_id__in=list(before)
                    )
                )
            entries = []
            for score in writes:
                # Related objects already at hand: the audit entry's text costs no query.
                score.member, score.finalist = member, finalist
                score.criterion = criteria[score.criterion_id]
                entries.append(
                    audit_entry(
                        actor=actor,
                        action="score.create"
                        if before[score.criterion_id] is None
                        else "score.update",
                        obj=score,
                        organisation=_org(jury),
                        before=before[score.criterion_id],
                        after={"value": score.value, "comment": score.comment},
                    )
                )
            audit_log_many(entries)  # one INSERT for the whole sheet
            existing.update({score.criterion_id: score for score in writes})
    missing = missing_for_sheet(jury, list(criteria.values()), existing)
    return SheetOutcome(changed=len(writes), missing=missing, scores=existing)


def casting_vote_cast(*, jury: Jury, finalist: Finalist, actor: User) -> Finalist:
    """The chair prefers ``finalist`` among projects tied after the other tie-break steps.
    Each vote ranks the chosen project right after those already preferred."""
    from trophies.jury_results import results_for

    if finalist.jury_id != jury.pk:
        raise DomainError(_("This project is not in this jury's list."))
    with transaction.atomic():
        locked = Jury.objects.select_for_update().get(pk=jury.pk)
        locked.cohort = jury.cohort
        if locked.status != JuryStatus.CLOSED:
            raise DomainError(_("The casting vote is cast after voting closes, before publishing."))
        if TieBreak.CHAIR not in locked.tie_break:
            raise DomainError(_("The tie-break chain declared for this jury has no casting vote."))
        results = results_for(locked)
        row = next((r for r in results.rows if r.finalist.id == finalist.pk), None)
        if row is None or not row.unresolved_tie:
            raise DomainError(_("This project is not in an unresolved tie."))
        current = [f.casting_priority for f in locked.finalists.all() if f.casting_priority]
        finalist = Finalist.objects.select_for_update().get(pk=finalist.pk)
        finalist.casting_priority = max(current, default=0) + 1
        finalist.save(update_fields=["casting_priority"])
        audit_log(
            actor=actor,
            action="jury.casting_vote",
            obj=finalist,
            organisation=_org(jury),
            after={"casting_priority": finalist.casting_priority},
        )
    return finalist


def audience_vote_cast(*, jury: Jury, finalist: Finalist, user: User) -> AudienceVote:
    """One vote per person present at the closing session, while voting is open."""
    from sessions.models import Attendance

    if not jury.audience_award or jury.closing_session_id is None:
        raise DomainError(_("This jury has no audience award."))
    if finalist.jury_id != jury.pk:
        raise DomainError(_("This project is not in this jury's list."))
    if not Attendance.objects.filter(
        session_id=jury.closing_session_id, user=user, present=True
    ).exists():
        raise DomainError(_("Only people present at the closing session may vote."))
    try:
        with transaction.atomic():
            _refuse_unless_open(_status_for_scoring(jury.pk))
            vote = AudienceVote.objects.create(jury=jury, finalist=finalist, user=user)
            audit_log(
                actor=user,
                action="jury.audience_vote",
                obj=vote,
                organisation=_org(jury),
                after={"finalist": finalist.pk},
            )
    except IntegrityError:
        raise DomainError(_("You have already voted: one vote per person.")) from None
    return vote


def jury_copy_setup(*, source: Cohort, target: Cohort) -> int:
    """Copy the juries of ``source`` into ``target`` as juries being set up: their rules,
    weighted criteria and award categories — never jurors, finalists, marks or votes. Runs in
    the caller's transaction (creating the next cohort). Returns how many juries were copied."""
    copied = 0
    for jury in source.juries.prefetch_related("criteria", "categories").order_by("pk"):
        new = Jury.objects.create(
            cohort=target,
            name=jury.name,
            scale_min=jury.scale_min,
            scale_max=jury.scale_max,
            comment_required=jury.comment_required,
            normalisation=jury.normalisation,
            tie_break=list(jury.tie_break),
            audience_award=jury.audience_award,
        )
        criteria = {
            c.pk: Criterion.objects.create(
                jury=new,
                name=c.name,
                description=c.description,
                weight=c.weight,
                levels=c.levels,
                order=c.order,
            )
            for c in jury.criteria.all()
        }
        AwardCategory.objects.bulk_create(
            AwardCategory(
                jury=new,
                name=cat.name,
                basis=cat.basis,
                position=cat.position,
                criterion=criteria.get(cat.criterion_id),
            )
            for cat in jury.categories.all()
        )
        copied += 1
    return copied
