"""The sprint's pages. Public: the registration page, the site's day timeline and its
iCalendar, the participant's pass (their signed link), the cancellation, the exhibition's
stand. Coordinators: the edition's national page (every site's figures), a site's page (a
site coordinator sees only theirs: another one is a 404), the assignment. The team's page is
private: its participants (by their pass), the site's coordinators, the challenge's owner."""

from __future__ import annotations

import datetime
import itertools
from zoneinfo import ZoneInfo

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from cohorts.formats import Feature, formats_using
from cohorts.selectors import cohorts_managed_by
from curiouslab.downloads import serve_bytes, serve_stored_file
from curiouslab.errors import DomainError
from curiouslab.qr import qr_svg
from curiouslab.site import absolute_url
from sessions import ics
from sprints import badges, selectors, services
from sprints.assignment import Person, Placement, assign
from sprints.enums import BadgeLayout, BadgeStatus, RegistrationStatus
from sprints.forms import (
    AgendaItemForm,
    AssignmentForm,
    FeedbackForm,
    OptionForm,
    PrototypeFileForm,
    RegistrationForm,
    SiteChallengeForm,
    SiteForm,
    ValidateOptionForm,
)
from sprints.models import BadgeSheet, Option, PrototypeFile, Registration, Site

SESSION_KEY = "sprint_passes"  # the tokens of the registrations this browser opened a pass of


# --- The participant, known by their pass ----------------------------------------------------


def _remember(request, registration: Registration) -> None:
    tokens = [t for t in request.session.get(SESSION_KEY, []) if t != registration.token]
    request.session[SESSION_KEY] = [registration.token, *tokens][:5]


def participants(request, edition_id: int) -> list[Registration]:
    """The confirmed registrations whose pass this browser opened in the edition, the most
    recently opened first (a shared phone may hold a few)."""
    tokens = request.session.get(SESSION_KEY) or []
    if not tokens:
        return []
    found = {
        r.token: r
        for r in Registration.objects.select_related("site__edition", "team").filter(
            token__in=tokens, site__edition_id=edition_id, status=RegistrationStatus.CONFIRMED
        )
    }
    return [found[t] for t in tokens if t in found]


def participant(request, edition_id: int) -> Registration | None:
    """Who this browser is in the edition: the pass it opened last."""
    mine = participants(request, edition_id)
    return mine[0] if mine else None


# --- Public pages ----------------------------------------------------------------------------


def _edition_or_404(edition_id: int):
    edition = selectors.public_edition(edition_id)
    if edition is None:
        raise Http404
    return edition


def register(request, edition_id: int):
    edition = _edition_or_404(edition_id)
    is_open = timezone.now() <= edition.registration_closes
    form = RegistrationForm(request.POST or None, edition=edition)
    status = 200
    if request.method == "POST":
        status = 400
        if not is_open:
            messages.error(request, _("Registration for this edition is closed."))
        elif (
            ratelimit.consume(
                request, action="sprint_registration", key=request.POST.get("email", "").lower()
            )
            is False
        ):
            messages.error(
                request,
                _("Too many registrations from this connection: try again in a few minutes."),
            )
            status = 429
        elif form.is_valid():
            try:
                registration = services.registration_submit(
                    edition=edition, data=form.cleaned_data, language=request.LANGUAGE_CODE
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                _remember(request, registration)
                return redirect("sprints:pass", services.pass_token(registration))
    return render(
        request,
        "sprints/register.html",
        {
            "edition": edition,
            "form": form,
            "is_open": is_open,
            "sites": selectors.edition_sites(edition),
        },
        status=status,
    )


@never_cache
def participant_pass(request, signed: str):
    registration = services.registration_from_signed(signed, salt=services.PASS_SALT)
    if registration is None:
        raise Http404
    _remember(request, registration)
    waiting_position = None
    if registration.status == RegistrationStatus.WAITING:
        waiting_position = Registration.objects.filter(
            site_id=registration.site_id,
            status=RegistrationStatus.WAITING,
            created_at__lte=registration.created_at,
        ).count()
    return render(
        request,
        "sprints/pass.html",
        {
            "registration": registration,
            "site": registration.site,
            "waiting_position": waiting_position,
            "cancel_url": reverse("sprints:cancel", args=[services.cancel_token(registration)]),
        },
    )


@never_cache
def cancel(request, signed: str):
    registration = services.registration_from_signed(signed, salt=services.CANCEL_SALT)
    if registration is None:
        raise Http404
    if request.method == "POST":
        try:
            services.registration_cancel(registration=registration)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Your registration is cancelled."))
        return redirect("sprints:cancel", signed)
    return render(
        request,
        "sprints/cancel.html",
        {
            "registration": registration,
            "is_cancelled": registration.status == RegistrationStatus.CANCELLED,
        },
    )


def _timeline(site: Site) -> list[dict]:
    """The site's agenda by day, in the site's time zone."""
    zone = ZoneInfo(site.time_zone)
    items = selectors.site_agenda(site)
    days = []
    for day, slots in itertools.groupby(
        items, key=lambda i: i.session.starts_at.astimezone(zone).date()
    ):
        days.append({"day": day, "items": list(slots)})
    return days


def site_agenda(request, pk: int):
    site = get_object_or_404(Site.objects.select_related("edition__cohort"), pk=pk)
    return render(
        request,
        "sprints/agenda.html",
        {"site": site, "days": _timeline(site), "edition": site.edition},
    )


def site_agenda_ics(request, pk: int):
    site = get_object_or_404(Site, pk=pk)
    sessions = [ics.row(item.session) for item in selectors.site_agenda(site)]
    return serve_bytes(
        ics.calendar(sessions, name=str(site), url_name="sessions:detail"),
        filename=f"sprint-{site.slug}.ics",
        content_type="text/calendar; charset=utf-8",
    )


# --- The exhibition --------------------------------------------------------------------------


def _stand_or_404(token: str):
    stand = selectors.stand_by_token(token)
    if stand is None:
        raise Http404
    return stand


def stand(request, token: str):
    stand = _stand_or_404(token)
    me = participant(request, stand.site.edition_id)
    form = FeedbackForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if me is None:
            messages.error(
                request,
                _(
                    "Open the link of your confirmation e-mail on this phone first: it tells us who you are."
                ),
            )
            status = 403
        elif form.is_valid():
            try:
                services.feedback_submit(stand=stand, registration=me, data=form.cleaned_data)
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Thank you for your feedback!"))
                return redirect("sprints:stand", token)
    already = me is not None and stand.feedback.filter(registration=me).exists()
    return render(
        request,
        "sprints/stand.html",
        {"stand": stand, "form": form, "me": me, "already": already},
        status=status,
    )


def stand_count(request, token: str):
    """The live count of the stand's feedback (an HTMX fragment, polled by the team's page)."""
    stand = _stand_or_404(token)
    return render(
        request,
        "sprints/partials/feedback_count.html",
        {"stand": stand, "count": selectors.feedback_count(stand)},
    )


# --- Coordinators ----------------------------------------------------------------------------


@login_required
def home(request):
    """The editions a national coordinator runs and the sites a site coordinator runs."""
    return render(
        request,
        "sprints/home.html",
        {
            "editions": list(selectors.editions_managed_by(request.user)),
            "sites": list(selectors.sites_visible_to(request.user).order_by("edition", "city")),
        },
    )


@login_required
def edition_overview(request, pk: int):
    """The national coordinator's page: every site's figures, in a constant number of queries."""
    edition = get_object_or_404(selectors.editions_managed_by(request.user), pk=pk)
    return _overview(request, edition)


def _overview(request, edition, *, site_form=None, status=200):
    figures = selectors.sites_figures(edition.sites.all())
    totals = {
        "capacity": sum(f.site.capacity for f in figures),
        "confirmed": sum(f.confirmed for f in figures),
        "waiting": sum(f.waiting for f in figures),
        "feedback": sum(f.feedback for f in figures),
    }
    return render(
        request,
        "sprints/edition_overview.html",
        {
            "edition": edition,
            "figures": figures,
            "totals": totals,
            "terms": edition.cohort.programme.terms,
            "site_form": site_form or SiteForm(),
        },
        status=status,
    )


def _site_or_404(request, pk: int) -> Site:
    return get_object_or_404(selectors.sites_visible_to(request.user), pk=pk)


@login_required
def site_detail(request, pk: int):
    site = _site_or_404(request, pk)
    (figures,) = selectors.sites_figures(Site.objects.filter(pk=site.pk).select_related("edition"))
    return render(
        request,
        "sprints/site_detail.html",
        {
            "site": site,
            "figures": figures,
            "challenges": selectors.site_challenges(site),
            "registrations": selectors.site_registrations(site).exclude(
                status=RegistrationStatus.CANCELLED
            ),
            "days": _timeline(site),
            "badge_sheets": list(site.badge_sheets.all()[:3]),
            "terms": site.edition.cohort.programme.terms,
            "can_set_up": request.user.has_perm("sprints.manage_edition", site.edition),
            "challenge_form": SiteChallengeForm(site=site, prefix="challenge"),
            "agenda_form": AgendaItemForm(prefix="slot"),
            "badge_layouts": BadgeLayout.choices,
        },
    )


def _people(registrations) -> list[Person]:
    return [
        Person(
            id=r.pk,
            collectivite=r.collectivite.strip().lower(),
            job_family=r.job_family,
            choices=(r.choice_1.team_id, r.choice_2.team_id, r.choice_3.team_id),
        )
        for r in registrations
    ]


@login_required
def assignment(request, pk: int):
    """The proposed assignment (the pure function's), editable, then saved."""
    site = _site_or_404(request, pk)
    registrations = list(
        site.registrations.filter(status=RegistrationStatus.CONFIRMED).select_related(
            "choice_1", "choice_2", "choice_3", "team"
        )
    )
    teams = [sc.team for sc in site.site_challenges.select_related("team") if sc.team_id]
    proposal = {p.person_id: p for p in assign(_people(registrations), [t.pk for t in teams])}
    form = AssignmentForm(
        request.POST or None,
        registrations=registrations,
        teams=teams,
        initial_teams={pk: p.team_id for pk, p in proposal.items()},
    )
    if request.method == "POST" and form.is_valid():
        placements = []
        for person_id, team_id in form.placements().items():
            proposed = proposal.get(person_id)
            reason = (
                proposed.reason
                if proposed and proposed.team_id == team_id
                else _("Placed by the coordinator.")
            )
            placements.append(
                Placement(person_id=person_id, team_id=team_id, rank=None, reason=reason)
            )
        try:
            saved = services.assignment_save(site=site, actor=request.user, placements=placements)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                ngettext(
                    "The teams are saved (%(count)s participant).",
                    "The teams are saved (%(count)s participants).",
                    saved,
                )
                % {"count": saved},
            )
            return redirect("sprints:site_detail", site.pk)
    team_names = {t.pk: t.name for t in teams}
    rows = [
        {
            "registration": r,
            "field": form[name],
            "proposal": proposal.get(r.pk),
            "team_name": team_names.get(getattr(proposal.get(r.pk), "team_id", None)),
        }
        for r, name in form.rows
    ]
    return render(
        request,
        "sprints/assignment.html",
        {"site": site, "form": form, "rows": rows},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def check_in(request, token: str):
    """The badge's QR code: a site's coordinator scans it and confirms (GET shows whom)."""
    registration = get_object_or_404(Registration.objects.select_related("site"), token=token)
    if not request.user.has_perm("sprints.manage_site", registration.site):
        raise Http404
    if request.method != "POST":
        return render(request, "sprints/check_in.html", {"registration": registration})
    try:
        services.registration_check_in(registration=registration, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(name)s is checked in.") % {"name": registration})
    return redirect("sprints:site_detail", registration.site_id)


@login_required
@require_POST
def badges_request(request, pk: int):
    site = _site_or_404(request, pk)
    layout = request.POST.get("layout")
    if layout not in BadgeLayout.values:
        messages.error(request, _("Choose a layout for the badges."))
    else:
        badges.badges_request(site=site, actor=request.user, layout=layout)
        messages.success(
            request, _("The badges are being prepared: the PDF appears on this page when ready.")
        )
    return redirect("sprints:site_detail", site.pk)


@login_required
def badges_download(request, pk: int, sheet_id: int):
    site = _site_or_404(request, pk)
    sheet = get_object_or_404(BadgeSheet, pk=sheet_id, site=site, status=BadgeStatus.READY)
    return serve_stored_file(
        sheet.file, filename=f"badges-{site.slug}.pdf", content_type="application/pdf"
    )


# --- The team's page -------------------------------------------------------------------------


def _team_access(request, team_id: int):
    """The team and who is asking: a signed-in user the rules let in, or a participant of
    this team by their pass. Anyone else gets a 404."""
    team = selectors.sprint_teams().filter(pk=team_id).first()
    if team is None:
        raise Http404
    staff = request.user.is_authenticated and request.user.has_perm("sprints.view_team", team)
    me = next(
        (
            r
            for r in participants(request, team.sprint_challenge.site.edition_id)
            if r.team_id == team.pk
        ),
        None,
    )
    member = me is not None
    if not (staff or member):
        raise Http404
    return team, member, me


def team_page(request, team_id: int):
    team, member, me = _team_access(request, team_id)
    stand = team.sprint_challenge
    can_validate = request.user.is_authenticated and request.user.has_perm(
        "sprints.validate_option", team
    )
    return render(
        request,
        "sprints/team.html",
        {
            "team": team,
            "stand": stand,
            "site": stand.site,
            "members": selectors.team_members(team),
            "options": list(team.sprint_options.select_related("validated_by")),
            "files": list(team.sprint_prototype_files.all()),
            "summary": selectors.feedback_summary(stand),
            "can_edit": member or request.user.has_perm("sprints.manage_site", stand.site),
            "can_validate": can_validate,
            "option_form": OptionForm(),
            "file_form": PrototypeFileForm(),
            "validate_form": ValidateOptionForm(),
            "stand_url": absolute_url(reverse("sprints:stand", args=[stand.stand_token])),
            "stand_qr": qr_svg(absolute_url(reverse("sprints:stand", args=[stand.stand_token]))),
        },
    )


def _editor(request, team_id: int):
    team, member, _me = _team_access(request, team_id)
    if not (member or request.user.has_perm("sprints.manage_site", team.sprint_challenge.site)):
        raise Http404
    return team


@require_POST
def option_add(request, team_id: int):
    team = _editor(request, team_id)
    form = OptionForm(request.POST)
    if form.is_valid():
        try:
            services.option_add(team=team, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The option is added."))
            return redirect("sprints:team", team.pk)
    else:
        messages.error(request, _("Give the option a title (200 characters at most)."))
    return redirect("sprints:team", team.pk)


def _option(team, option_id: int) -> Option:
    return get_object_or_404(Option, pk=option_id, team=team)


@require_POST
def option_retain(request, team_id: int, option_id: int):
    team = _editor(request, team_id)
    try:
        services.option_retain(option=_option(team, option_id))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("The option is retained: the challenge's owner can now validate it.")
        )
    return redirect("sprints:team", team.pk)


@login_required
@require_POST
def option_validate(request, team_id: int, option_id: int):
    team, _member, _me = _team_access(request, team_id)
    if not request.user.has_perm("sprints.validate_option", team):
        raise Http404
    form = ValidateOptionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say in a comment how the option meets your expectation."))
        return redirect("sprints:team", team.pk)
    try:
        services.option_validate(
            option=_option(team, option_id),
            actor=request.user,
            comment=form.cleaned_data["comment"],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The option is validated."))
    return redirect("sprints:team", team.pk)


@require_POST
def prototype_upload(request, team_id: int):
    team = _editor(request, team_id)
    form = PrototypeFileForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file."))
        return redirect("sprints:team", team.pk)
    try:
        services.prototype_file_add(
            team=team,
            upload=form.cleaned_data["file"],
            caption=form.cleaned_data["caption"],
            actor=request.user if request.user.is_authenticated else None,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The file is added to the prototype."))
    return redirect("sprints:team", team.pk)


def prototype_download(request, team_id: int, file_id: int):
    team, _member, _me = _team_access(request, team_id)
    item = get_object_or_404(PrototypeFile, pk=file_id, team=team)
    return serve_stored_file(item.path, filename=item.original_name, content_type=item.content_type)


# --- Setting up an edition: its sites, their challenges and agenda ----------------------------


@login_required
def cohort_edition(request, cohort_id: int):
    """From a sprint programme's cohort (its « Sites » tab): the edition's national page."""
    cohort = get_object_or_404(
        cohorts_managed_by(request.user).filter(programme__format__in=formats_using(Feature.SITES)),
        pk=cohort_id,
    )
    edition = services.edition_for(cohort=cohort, actor=request.user)
    return redirect("sprints:edition_overview", edition.pk)


@login_required
@require_POST
def site_add(request, pk: int):
    edition = get_object_or_404(selectors.editions_managed_by(request.user), pk=pk)
    form = SiteForm(request.POST)
    if not form.is_valid():
        return _overview(request, edition, site_form=form, status=400)
    site = services.site_create(edition=edition, actor=request.user, data=form.cleaned_data)
    messages.success(request, _("The site %(city)s is added.") % {"city": site.city})
    return redirect("sprints:site_detail", site.pk)


@login_required
@require_POST
def site_challenge_add(request, pk: int):
    site = _site_or_404(request, pk)
    if not request.user.has_perm("sprints.manage_edition", site.edition):
        raise Http404
    form = SiteChallengeForm(request.POST, site=site, prefix="challenge")
    if form.is_valid():
        try:
            services.site_challenge_add(
                site=site,
                actor=request.user,
                challenge=form.cleaned_data["challenge"],
                room=form.cleaned_data["room"],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The challenge is taken on at this site, with its team."))
    else:
        messages.error(request, _("Choose one of the edition's accepted challenges."))
    return redirect("sprints:site_detail", site.pk)


@login_required
@require_POST
def agenda_add(request, pk: int):
    site = _site_or_404(request, pk)
    form = AgendaItemForm(request.POST, prefix="slot")
    if form.is_valid():
        d = form.cleaned_data
        zone = ZoneInfo(site.time_zone)
        try:
            services.agenda_item_add(
                site=site,
                actor=request.user,
                kind=d["kind"],
                title=d["title"],
                starts_at=datetime.datetime.combine(d["day"], d["starts"], tzinfo=zone),
                ends_at=datetime.datetime.combine(d["day"], d["ends"], tzinfo=zone),
                room=d["room"],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The slot is added to the agenda."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("sprints:site_detail", site.pk)
