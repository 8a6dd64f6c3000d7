"""Writes of the jury (issue #6): set-up, voting window, marks, conflicts, results.

Every function is keyword-only, runs in one transaction, locks the row whose state changes
and writes the audit log in that same transaction. Refusals raise DomainError."""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass, fields

from django.db import IntegrityError, connection, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from cohorts.models import Cohort, Team
from curiouslab import rawsql
from curiouslab.accounts.models import Membership, Role, User
from curiouslab.accounts.rules import require
from curiouslab.accounts.services import invitation_create
from curiouslab.audit import audit_entry, audit_log, audit_log_many, snapshot
from curiouslab.errors import DomainError
from sessions.models import Attendance, Session
from trophies import conflicts
from trophies.jury_results import decide_awards, ranking_fields, ranking_rows, results_for
from trophies.models import (
    AudienceVote,
    Award,
    AwardCategory,
    ConflictDeclaration,
    Criterion,
    Finalist,
    Jury,
    JuryMember,
    JuryRanking,
    JuryStatus,
    Normalisation,
    RankedFinalist,
    Score,
    TieBreak,
)
from trophies.selectors import exclusions_for, missing_for_sheet

JURY_FIELDS = [
    "name",
    "closing_session",
    "scale_min",
    "scale_max",
    "comment_required",
    "normalisation",
    "tie_break",
    "audience_award",
    "chair",
]
# The rule each arrow needs (trophies/rules.py), re-checked under the lock.
STATUS_PERMS = {
    JuryStatus.OPEN: "trophies.open_jury",
    JuryStatus.CLOSED: "trophies.close_jury",
    JuryStatus.PUBLISHED: "trophies.publish_jury",
}
TRANSITIONS = {
    JuryStatus.SETUP: {JuryStatus.OPEN},
    JuryStatus.OPEN: {JuryStatus.CLOSED},
    JuryStatus.CLOSED: {JuryStatus.PUBLISHED},
}


def _org(jury: Jury) -> int:
    return jury.cohort.programme.organisation_id


def _validate_chair(data: dict, cohort: Cohort) -> None:
    """The chair is a coordinator or a juror of the jury's organisation (not necessarily the
    coordinator who created the jury)."""
    chair = data.get("chair")
    if chair is None:
        return
    held = Membership.objects.active().filter(
        user=chair,
        organisation_id=cohort.programme.organisation_id,
        role__in=[Role.COORDINATOR, Role.JUROR],
    )
    if not held.exists():
        raise DomainError(_("The chair must be a coordinator or a juror of the organisation."))


def _validate_settings(data: dict) -> None:
    if not 0 <= data["scale_min"] < data["scale_max"] <= 20:
        raise DomainError(_("The scale must go from a lower to a higher mark, at most 20."))
    steps = data.get("tie_break") or []
    if len(set(steps)) != len(steps) or not set(steps) <= set(TieBreak.values):
        raise DomainError(_("Each tie-break step may appear once."))
    session = data.get("closing_session")
    if session is not None and session.kind != "closing":
        raise DomainError(_("Choose a closing session of the cohort."))


@dataclass(frozen=True)
class JurySettings:
    """What a coordinator sets on a jury (the form's cleaned data); never its status, which
    moves through :func:`jury_set_status` alone."""

    name: str
    scale_min: int
    scale_max: int
    closing_session: Session | None = None
    comment_required: bool = False
    normalisation: str = Normalisation.NONE
    tie_break: tuple[str, ...] = ()
    audience_award: bool = False
    chair: User | None = None

    def fields(self) -> dict:
        return {
            **{f.name: getattr(self, f.name) for f in fields(self)},
            "tie_break": list(self.tie_break),
        }


def jury_create(
    *,
    cohort: Cohort,
    actor: User,
    settings: JurySettings,
) -> Jury:
    """A jury in setup with its settings (the only fields a coordinator sets; the status
    moves through :func:`jury_set_status` alone)."""
    data = settings.fields()
    _validate_settings(data)
    session = data.get("closing_session")
    if session is not None and session.cohort_id != cohort.id:
        raise DomainError(_("Choose a closing session of the cohort."))
    _validate_chair(data, cohort)
    if data.get("chair") is None:
        data["chair"] = actor
    with transaction.atomic():
        jury = Jury.objects.create(cohort=cohort, **data)
        audit_log(
            actor=actor,
            action="jury.create",
            obj=jury,
            organisation=cohort.programme.organisation_id,
            after=snapshot(jury, JURY_FIELDS),
        )
    return jury


def _lock_for_setup(jury: Jury, actor: User) -> Jury:
    """The jury, locked, still in set-up, and ``actor`` one who may change it (the rule of the
    set-up pages, re-checked under the lock)."""
    locked = Jury.objects.select_for_update().get(pk=jury.pk)
    if locked.status != JuryStatus.SETUP:
        raise DomainError(_("The jury can only be changed before voting opens."))
    locked.cohort = jury.cohort
    require(actor, "trophies.change_jury", locked)
    return locked


def jury_update(
    *,
    jury: Jury,
    actor: User,
    settings: JurySettings,
) -> Jury:
    """The settings again, before voting opens; never the status."""
    data = settings.fields()
    _validate_settings(data)
    session = data.get("closing_session")
    if session is not None and session.cohort_id != jury.cohort_id:
        raise DomainError(_("Choose a closing session of the cohort."))
    _validate_chair(data, jury.cohort)
    if data["chair"] is None:
        data["chair"] = jury.chair or actor
    with transaction.atomic():
        locked = _lock_for_setup(jury, actor)
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
        locked = _lock_for_setup(jury, actor)
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
        _lock_for_setup(jury, actor)
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
        locked = _lock_for_setup(jury, actor)
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
        _lock_for_setup(jury, actor)
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
        locked = _lock_for_setup(jury, actor)
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
        _lock_for_setup(jury, actor)
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
        locked = _lock_for_setup(jury, actor)
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
        _lock_for_setup(jury, actor)
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


def _check_ready_to_open(jury: Jury) -> None:
    if not jury.members.exists():
        raise DomainError(_("Add at least one juror before opening the vote."))
    if not jury.finalists.exists():
        raise DomainError(_("Add at least one finalist before opening the vote."))
    if not jury.criteria.exists():
        raise DomainError(_("Add at least one criterion before opening the vote."))
    if not jury.tie_break:
        raise DomainError(_("Declare the tie-break chain before opening the vote."))


def _awards_create(locked: Jury, actor: User) -> None:
    """Publishing: one award per category from the decided winners (refused while a category
    has a problem nobody set aside, or when the cohort already has an award of that name)."""
    results = results_for(locked)
    decisions = decide_awards(results, list(locked.categories.select_related("criterion")))
    problems = [d for d in decisions if d.problem and not d.set_aside]
    if problems:
        raise DomainError(
            _("Results cannot be published: %(category)s — %(problem)s")
            % {"category": problems[0].category.name, "problem": problems[0].problem}
        )
    for d in decisions:
        if d.set_aside:
            continue
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
            organisation=_org(locked),
            after=snapshot(award, ["cohort", "category", "rank", "team", "challenge"]),
        )


def jury_set_status(
    *, jury: Jury, status: str, actor: User, at: datetime.datetime | None = None
) -> Jury:
    """The one writer of ``Jury.status`` (the ``TRANSITIONS`` map above): open voting, close
    it, publish the results (which creates the trophies). Nothing goes back. ``at`` a past
    moment for the demo's history."""
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
        require(actor, STATUS_PERMS[status], locked)
        before = {"status": locked.status}
        now = at or timezone.now()
        fields = ["status"]
        if status == JuryStatus.OPEN:
            _check_ready_to_open(locked)
            locked.opened_at = now
            fields.append("opened_at")
        elif status == JuryStatus.CLOSED:
            locked.closed_at = now
            fields.append("closed_at")
            _log_sealed_marks(locked, actor)
        elif status == JuryStatus.PUBLISHED:
            _awards_create(locked, actor)
            locked.published_at = now
            fields.append("published_at")
        locked.status = status
        locked.save(update_fields=fields)
        if status == JuryStatus.CLOSED:
            ranking_store(jury=locked)  # in this transaction: the ranking exists once closed
        audit_log(
            actor=actor,
            action=f"jury.{status}",
            obj=locked,
            organisation=_org(jury),
            before=before,
            after={"status": status},
            at=at,
        )
        if status in (JuryStatus.OPEN, JuryStatus.CLOSED):
            audit_log(
                actor=actor,
                action="jury.exclusions",
                obj=locked,
                organisation=_org(jury),
                after={"excluded": _exclusions_snapshot(locked)},
                at=at,
            )
    return locked


def ranking_store(*, jury: Jury) -> JuryRanking:
    """Compute the ranking from the sealed marks and store it, replacing any earlier one: when
    the vote closes and when the chair's casting vote changes it (marks cannot change once the
    vote is closed). In the caller's transaction; refused while the vote is not closed, so the
    ranking never exists while marks can still be read into it."""
    if jury.status not in (JuryStatus.CLOSED, JuryStatus.PUBLISHED):
        raise DomainError(_("The ranking appears when voting closes."))
    with transaction.atomic():
        results = results_for(jury)
        decisions = decide_awards(results, list(jury.categories.select_related("criterion")))
        JuryRanking.objects.filter(jury=jury).delete()
        ranking = JuryRanking.objects.create(
            jury=jury, computed_at=timezone.now(), **ranking_fields(results, decisions)
        )
        RankedFinalist.objects.bulk_create(ranking_rows(ranking, results), batch_size=1000)
    return ranking


def ranking_current(*, jury: Jury) -> JuryRanking:
    """The stored ranking of a closed or published jury; stored now for a jury closed before
    rankings were stored. Refused while voting has not closed."""
    if jury.status not in (JuryStatus.CLOSED, JuryStatus.PUBLISHED):
        raise DomainError(_("The ranking appears when voting closes."))
    found = JuryRanking.objects.filter(jury=jury).first()
    if found is not None:
        return found
    with transaction.atomic():
        locked = Jury.objects.select_for_update().get(pk=jury.pk)
        found = JuryRanking.objects.filter(jury=locked).first()
        return found or ranking_store(jury=locked)


def _log_sealed_marks(jury: Jury, actor: User) -> None:
    """When the vote closes, the marks can no longer change: write them to the audit log, one
    entry per juror with every mark and comment, and the audience's votes per project."""
    members = {m.pk: m for m in jury.members.all()}
    sheets: dict[int, list[dict]] = {pk: [] for pk in members}
    for mid, fid, cid, value, comment in (
        Score.objects.filter(jury=jury)
        .order_by("member_id", "finalist_id", "criterion_id")
        .values_list("member_id", "finalist_id", "criterion_id", "value", "comment")
    ):
        sheets.setdefault(mid, []).append(
            {"finalist": fid, "criterion": cid, "value": value, "comment": comment}
        )
    entries = [
        audit_entry(
            actor=actor,
            action="jury.marks",
            obj=members[mid],
            organisation=_org(jury),
            after={"jury": jury.pk, "marks": marks},
        )
        for mid, marks in sheets.items()
        if marks and mid in members
    ]
    if jury.audience_award:
        votes = dict(
            jury.audience_votes.values("finalist_id")
            .annotate(n=Count("id"))
            .values_list("finalist_id", "n")
        )
        entries.append(
            audit_entry(
                actor=actor,
                action="jury.audience_votes",
                obj=jury,
                organisation=_org(jury),
                after={"votes": {str(fid): n for fid, n in sorted(votes.items())}},
            )
        )
    audit_log_many(entries)


def category_set_aside(*, category: AwardCategory, reason: str, actor: User) -> AwardCategory:
    """Set aside an award category that no project can receive (an audience prize without an
    audience vote, a place nobody holds), with the reason the procès-verbal records. While the
    vote is open or closed, before publication."""
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Give the reason for setting this award aside."))
    jury = category.jury
    with transaction.atomic():
        locked = Jury.objects.select_for_update().get(pk=jury.pk)
        if locked.status not in (JuryStatus.OPEN, JuryStatus.CLOSED):
            raise DomainError(
                _("An award can be set aside while the vote is open or closed, before publishing.")
            )
        category = AwardCategory.objects.select_for_update().get(pk=category.pk)
        before = snapshot(category, ["set_aside_reason"])
        category.set_aside_reason = reason[:1000]
        category.set_aside_at = timezone.now()
        category.set_aside_by = actor
        category.save(update_fields=["set_aside_reason", "set_aside_at", "set_aside_by"])
        audit_log(
            actor=actor,
            action="jury.category_set_aside",
            obj=category,
            organisation=_org(jury),
            before=before,
            after=snapshot(category, ["set_aside_reason"]),
        )
    return category


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


@functools.cache
def _audience_vote_check_sql(vendor: str) -> str:
    """The jury's status, read under a shared row lock on PostgreSQL (closing the vote, an
    exclusive lock, waits for the votes in flight, and they for it), and whether the voter was
    present at the closing session: one statement on the hot path of the vote."""
    lock = " FOR SHARE OF j" if vendor == "postgresql" else ""
    return f"""
        SELECT j.status, EXISTS (
          SELECT 1 FROM {rawsql.table(Attendance)} a
          WHERE a.session_id = j.closing_session_id AND a.user_id = %s AND a.present)
        FROM {rawsql.table(Jury)} j WHERE j.id = %s{lock}
    """  # noqa: S608 - names from the models, values as parameters


def _seat_for_scoring(member: JuryMember, finalist: Finalist) -> tuple[str, list[str]] | None:
    """Inside the scoring transaction, in one statement: lock the juror's seat, so that one
    juror's submissions queue behind each other while other jurors are not held up; read the
    jury's status under a shared lock on PostgreSQL, so that closing the vote (an exclusive lock)
    waits for the marks in flight, and they for it; and check this pair's conflicts of interest.

    The conflict rule is ``trophies.conflicts``'s, the one ``selectors.exclusions_for`` applies
    to a whole jury. Returns (status, reasons), or None when the seat is gone."""
    found = rawsql.rows(
        _seat_for_scoring_sql(connection.vendor), {"member": member.pk, "finalist": finalist.pk}
    )
    if not found:
        return None
    status, *rule = found[0]
    reasons = conflicts.reasons(rule)
    return status, reasons


@functools.cache
def _seat_for_scoring_sql(vendor: str) -> str:
    """The statement of ``_seat_for_scoring``, written by hand for the hot path of the closing
    session's vote (building it with the ORM cost more than running it), from the models'
    table names, once per process."""
    t = {
        "member": rawsql.table(JuryMember),
        "jury": rawsql.table(Jury),
        "finalist": rawsql.table(Finalist),
    }
    # SQLite has no row locks: its write transactions (IMMEDIATE) already run one at a time.
    locks = " FOR NO KEY UPDATE OF m FOR SHARE OF j" if vendor == "postgresql" else ""
    return f"""
        SELECT j.status,
          {conflicts.columns_sql()}
        FROM {t["member"]} m
        JOIN {t["jury"]} j ON j.id = m.jury_id
        JOIN {t["finalist"]} f ON f.id = %(finalist)s AND f.jury_id = j.id
        WHERE m.id = %(member)s{locks}
    """  # noqa: S608 - table names from the models, values as parameters


def _refuse_unless_open(status: str) -> None:
    if status == JuryStatus.SETUP:
        raise DomainError(_("Voting has not opened yet: nothing was saved."))
    if status != JuryStatus.OPEN:
        raise DomainError(_("Voting is closed: marks can no longer be changed."))


# The hot path of the vote, in hand-written SQL (see curiouslab/rawsql.py).
_SCORE_COLUMNS = ("id", "jury_id", "member_id", "finalist_id", "criterion_id", "value", "comment")


def _criteria_for_scoring(jury_id: int) -> list[Criterion]:
    t, q = rawsql.table(Criterion), connection.ops.quote_name
    return rawsql.instances(
        Criterion,
        ("id", "jury_id", "name", "weight", "order"),
        f"SELECT id, jury_id, name, weight, {q('order')} FROM {t} "  # noqa: S608
        f"WHERE jury_id = %s ORDER BY {q('order')}, id",
        [jury_id],
    )


def _scores_for_scoring(member_id: int, finalist_id: int) -> list[Score]:
    return rawsql.instances(
        Score,
        _SCORE_COLUMNS,
        f"SELECT {', '.join(_SCORE_COLUMNS)} FROM {rawsql.table(Score)} "  # noqa: S608
        "WHERE member_id = %s AND finalist_id = %s",
        [member_id, finalist_id],
    )


def _upsert_scores(writes: list[Score]) -> None:
    """Insert the marks, or update them where the juror already marked that project on that
    criterion (the unique constraint decides, so concurrent submissions never duplicate), in
    one statement; sets each instance's id."""
    now = timezone.now()
    stamp = connection.ops.adapt_datetimefield_value(now)
    params = []
    for score in writes:
        score.created_at = score.updated_at = now
        params += [score.jury_id, score.member_id, score.finalist_id, score.criterion_id]
        params += [score.value, score.comment, stamp, stamp]
    placeholders = rawsql.values_placeholders(len(writes), 8)
    ids = rawsql.rows(
        f"INSERT INTO {rawsql.table(Score)} (jury_id, member_id, finalist_id, criterion_id, "  # noqa: S608
        f"value, comment, created_at, updated_at) VALUES {placeholders} "
        "ON CONFLICT (member_id, finalist_id, criterion_id) DO UPDATE SET "
        "value = excluded.value, comment = excluded.comment, updated_at = excluded.updated_at "
        "RETURNING id, criterion_id",
        params,
    )
    by_criterion = {cid: pk for pk, cid in ids}
    for score in writes:
        score.pk = by_criterion[score.criterion_id]


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
    criteria = {c.id: c for c in _criteria_for_scoring(jury.pk)}
    for cid, (value, _comment) in marks.items():
        if cid not in criteria:
            raise DomainError(_("This criterion does not belong to this jury: nothing was saved."))
        if value is not None and not jury.scale_min <= value <= jury.scale_max:
            raise DomainError(
                _("Marks go from %(min)s to %(max)s: nothing was saved.")
                % {"min": jury.scale_min, "max": jury.scale_max}
            )
    with transaction.atomic():
        seat = _seat_for_scoring(member, finalist)
        if seat is None:
            raise DomainError(_("You are not a juror of this jury."))
        status, reasons = seat
        _refuse_unless_open(status)
        if reasons:
            raise DomainError(
                _("You cannot score this project (%(reasons)s).") % {"reasons": ", ".join(reasons)}
            )
        existing = {s.criterion_id: s for s in _scores_for_scoring(member.pk, finalist.pk)}
        writes: list[Score] = []
        before: dict[int, bool | None] = {}
        for cid, (value, comment) in marks.items():
            old = existing.get(cid)
            comment = (comment or "").strip()
            if value is None:
                if old is None or old.comment == comment or not comment:
                    continue
                value = old.value
            if old is not None and old.value == value and old.comment == comment:
                continue
            before[cid] = None if old is None else True
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
            _upsert_scores(writes)
            entries = []
            for score in writes:
                # Related objects already at hand: the audit entry's text costs no query.
                score.member, score.finalist = member, finalist
                score.criterion = criteria[score.criterion_id]
                # Sealed: who changed which mark, when; never the mark or the comment, which
                # the log receives when the vote closes (see curiouslab/audit.py).
                entries.append(
                    audit_entry(
                        actor=actor,
                        action="score.create"
                        if before[score.criterion_id] is None
                        else "score.update",
                        obj=score,
                        organisation=_org(jury),
                        after={"criterion": score.criterion_id},
                    )
                )
            audit_log_many(entries)  # one INSERT for the whole sheet
            existing.update({score.criterion_id: score for score in writes})
    missing = missing_for_sheet(jury, list(criteria.values()), existing)
    return SheetOutcome(changed=len(writes), missing=missing, scores=existing)


def casting_vote_cast(*, jury: Jury, finalist: Finalist, actor: User) -> Finalist:
    """The chair prefers ``finalist`` among projects tied after the other tie-break steps.
    Each vote ranks the chosen project right after those already preferred."""
    if finalist.jury_id != jury.pk:
        raise DomainError(_("This project is not in this jury's list."))
    with transaction.atomic():
        locked = Jury.objects.select_for_update().get(pk=jury.pk)
        locked.cohort = jury.cohort
        if locked.status != JuryStatus.CLOSED:
            raise DomainError(_("The casting vote is cast after voting closes, before publishing."))
        if TieBreak.CHAIR not in locked.tie_break:
            raise DomainError(_("The tie-break chain declared for this jury has no casting vote."))
        ranking = ranking_current(jury=locked)
        row = ranking.rows.filter(finalist_id=finalist.pk).first()
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
        ranking_store(jury=locked)  # the ranking the results page reads follows the vote
    return finalist


def audience_vote_cast(*, jury: Jury, finalist: Finalist, user: User) -> AudienceVote:
    """One vote per person present at the closing session, while voting is open."""
    if not jury.audience_award or jury.closing_session_id is None:
        raise DomainError(_("This jury has no audience award."))
    if finalist.jury_id != jury.pk:
        raise DomainError(_("This project is not in this jury's list."))
    try:
        with transaction.atomic():
            status, present = rawsql.rows(
                _audience_vote_check_sql(connection.vendor), [user.pk, jury.pk]
            )[0]
            if not present:
                raise DomainError(_("Only people present at the closing session may vote."))
            _refuse_unless_open(status)
            vote = AudienceVote.objects.create(jury=jury, finalist=finalist, user=user)
            # Sealed like the marks: that this person voted, not for whom.
            audit_log(
                actor=user,
                action="jury.audience_vote",
                obj=vote,
                organisation=_org(jury),
                object_repr=str(user),
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
