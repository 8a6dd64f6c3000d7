"""Demo seed of the documents: the previous cohort (2025-2026) already has its diplomas,
trophy certificates and attestations, rendered here synchronously through the same service
and renderer as the workers, one of them revoked, so that /verify/ can be tried at once.
Idempotent: a second run issues nothing new. Runs after trophies.demo."""

from __future__ import annotations

import contextlib
import datetime

from django.utils import timezone

from challenges.demo import accepted_challenge
from challenges.models import Theme
from cohorts import services as cohorts_services
from cohorts.models import Team, TeamMember
from curiouslab.accounts.models import Role
from curiouslab.demo import DemoContext, ensure_membership, ensure_user
from curiouslab.errors import DomainError
from documents import selectors, services
from documents.models import Document, DocumentKind, DocumentStatus
from trophies.models import Award

ALUMNI = [
    ("hugo.lambert@example.org", "Hugo", "Lambert", "design"),
    ("chloe.nguyen@example.org", "Chloé", "Nguyen", "commerce"),
    ("yanis.haddad@example.org", "Yanis", "Haddad", "ingénierie"),
]


def _ensure_previous_teams(ctx: DemoContext, cohort) -> None:
    """A confirmed team in the previous cohort, when the teams' seed made none."""
    if Team.objects.filter(cohort=cohort, status=Team.Status.CONFIRMED).exists():
        return
    commune = ctx["commune:nanterre"]
    challenge = accepted_challenge(
        ctx,
        cohort=cohort,
        municipality=commune,
        title="Un fablab pour le quartier du Parc",
        defaults={
            "question": "Comment ouvrir un fablab que les habitants du quartier s'approprient ?",
            "theme": Theme.ECONOMY,
        },
        on=datetime.date(2025, 9, 12),
    )
    team, _ = Team.objects.get_or_create(
        cohort=cohort, name="Les Fabricants", defaults={"challenge": challenge}
    )
    people = [(ctx[f"user:{Role.STUDENT}"], "ingénierie", ctx["school:0"])]
    for i, (email, first, last, discipline) in enumerate(ALUMNI):
        school = ctx[f"school:{(i + 1) % 3}"]
        user = ensure_user(email, first, last)
        ensure_membership(user, school, Role.STUDENT, discipline=discipline)
        people.append((user, discipline, school))
    for user, discipline, school in people:
        TeamMember.objects.get_or_create(
            cohort=cohort,
            user=user,
            defaults={"team": team, "school": school, "discipline": discipline},
        )
    # Confirmed in October 2025 through the team's status writer, once it met the rule.
    cohorts_services.team_set_status(
        team=team,
        actor=ctx[f"user:{Role.COORDINATOR}"],
        status=Team.Status.CONFIRMED,
        at=timezone.make_aware(datetime.datetime(2025, 10, 6, 14, 0)),
    )


def _render_pending(cohort) -> None:
    cache: dict = {}
    pending = Document.objects.filter(cohort=cohort, status=DocumentStatus.PENDING)
    for pk in pending.values_list("pk", flat=True):
        services.document_render(document_id=pk, cache=cache)


def seed(ctx: DemoContext) -> None:
    cohort = ctx["cohort:2025"]
    coordinator = ctx[f"user:{Role.COORDINATOR}"]
    branding = selectors.branding_for(cohort.programme)
    signatory = (
        coordinator.get_full_name(),
        "Coordinatrice du Curious Lab', Département des Hauts-de-Seine",
    )
    if (branding.signatory_name, branding.signatory_title) != signatory:
        branding.signatory_name, branding.signatory_title = signatory
        services.branding_save(branding=branding, actor=coordinator)
    _ensure_previous_teams(ctx, cohort)
    team = Team.objects.filter(cohort=cohort, status=Team.Status.CONFIRMED).order_by("pk").first()
    if not Award.objects.filter(cohort=cohort).exists():
        Award.objects.create(
            cohort=cohort, category="Grand prix du jury", rank=1, team=team,
            challenge=team.challenge,
        )  # fmt: skip
    doc_settings = selectors.settings_for(cohort)
    if (
        doc_settings.attendance_min_percent != 0
        and not Document.objects.filter(cohort=cohort).exists()
    ):
        # The past year's attendance sheets are not all in the platform: no rule for it.
        doc_settings.attendance_min_percent = 0
        services.settings_save(doc_settings=doc_settings, actor=coordinator)
    for kind in (DocumentKind.DIPLOMA, DocumentKind.TROPHY, DocumentKind.MUNICIPALITY):
        with contextlib.suppress(DomainError):  # already issued (second run)
            services.documents_issue(cohort=cohort, kind=kind, actor=coordinator, dispatch=False)
    _render_pending(cohort)
    if not Document.objects.filter(cohort=cohort, revoked_at__isnull=False).exists():
        wrong = (
            Document.objects.filter(cohort=cohort, kind=DocumentKind.DIPLOMA)
            .exclude(recipient=ctx[f"user:{Role.STUDENT}"])
            .order_by("pk")
            .first()
        )
        if wrong is not None:
            services.document_revoke(
                document=wrong,
                actor=coordinator,
                reason="Nom mal orthographié : un nouveau diplôme a été délivré.",
            )
            services.documents_issue(
                cohort=cohort, kind=DocumentKind.DIPLOMA, actor=coordinator, dispatch=False
            )
    _render_pending(cohort)
    ready = Document.objects.filter(cohort=cohort, status=DocumentStatus.READY)
    sample = ready.filter(revoked_at__isnull=True, kind=DocumentKind.DIPLOMA).order_by("pk").first()
    revoked = ready.filter(revoked_at__isnull=False).first()
    ctx["documents:sample"] = sample
    ctx.say(
        f"{ready.count()} documents issued for {cohort.name}"
        + (f"; try /verify/{sample.verification_code}/" if sample else "")
        + (f" (revoked: /verify/{revoked.verification_code}/)" if revoked else "")
    )
