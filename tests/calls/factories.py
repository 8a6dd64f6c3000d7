"""Objects of the calls for projects, made through the services where a state is involved."""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from calls import services
from calls.enums import BudgetKind, CallStatus, DossierStatus, Section
from calls.models import AttachmentType, Call, Criterion, Dossier, Expert
from curiouslab.accounts.models import Membership, OrganisationKind, Role
from tests.factories import OrganisationFactory, ProgrammeFactory, UserFactory, member

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def call_programme(organisation):
    """A programme of the call-for-projects format run by ``organisation``."""
    extra = {}
    from cohorts.models import Programme  # noqa: PLC0415 -- the format field lands on main

    if any(f.name == "format" for f in Programme._meta.fields):
        extra["format"] = services.CALL_FORMAT
    return ProgrammeFactory(organisation=organisation, **extra)


def make_call(programme, *, status=CallStatus.PUBLISHED, criteria=2, **kw) -> Call:
    now = timezone.now()
    defaults = {
        "title": "Laboratoires d'innovation territoriale",
        "slug": f"lab-{Call.objects.count() + 1}-{programme.pk}",
        "eligibility": "Collectivités et services de l'État en région.",
        "eligible_kinds": [OrganisationKind.EPCI, OrganisationKind.REGION],
        "opens_at": now - datetime.timedelta(days=10),
        "closes_at": now + datetime.timedelta(days=10),
        "sections": list(Section.values),
        "funding_ceiling": 250_000,
        "envelope": 1_000_000,
        "experts_per_dossier": 2,
        "status": status,
    }
    defaults.update(kw)
    call = Call.objects.create(programme=programme, **defaults)
    for i in range(criteria):
        Criterion.objects.create(
            call=call, name=f"Critère {i + 1}", weight=i + 1, position=i, descriptors="0\n5"
        )
    AttachmentType.objects.create(call=call, name="Lettre de soutien", formats=["pdf"], max_mb=1)
    return call


def pdf_upload(name="lettre.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def complete(dossier: Dossier, actor) -> Dossier:
    """Fill every part of ``dossier`` as ``actor`` (a member of its organisation)."""
    services.dossier_save(
        dossier=dossier,
        actor=actor,
        sections={k: f"Texte {k}" for k in services.TEXT_SECTIONS},
        budget=[
            services.BudgetRow(BudgetKind.EXPENSE, "Équipe", 300_000),
            services.BudgetRow(BudgetKind.COFUNDING, "Région", 100_000),
        ],
        amount_requested=150_000,
    )
    kind = dossier.call.attachment_types.first()
    services.attachment_add(dossier=dossier, actor=actor, kind=kind, upload=pdf_upload())
    dossier.refresh_from_db()
    return dossier


def make_dossier(call, organisation, actor, *, submit=False, title="Lab") -> Dossier:
    dossier = services.dossier_create(
        call=call, organisation=organisation, actor=actor, title=title
    )
    if submit:
        complete(dossier, actor)
        services.dossier_set_status(dossier=dossier, actor=actor, status=DossierStatus.SUBMITTED)
        dossier.refresh_from_db()
    return dossier


def applicant_org(territory=None, region=None, **kw):
    return OrganisationFactory(kind=OrganisationKind.EPCI, territory=territory, region=region, **kw)


def applicant(org):
    return member(Role.APPLICANT, org)


def seat(call, user, *, tags=()) -> Expert:
    """A seat of expert on ``call`` for ``user``, with the expert role it needs."""
    Membership.objects.get_or_create(
        user=user, organisation=call.programme.organisation, role=Role.EXPERT
    )
    return Expert.objects.create(call=call, email=user.email, name=str(user), tags=list(tags))


def expert_user(call, *, tags=()) -> tuple:
    user = UserFactory()
    return user, seat(call, user, tags=tags)
