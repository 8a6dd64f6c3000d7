"""A sprint's edition is a cohort of a programme (``cohorts.Cohort``): it runs at several
sites in parallel, each with its challenges (ordinary ``challenges.Challenge`` rows of the
cohort, one ``cohorts.Team`` each) and its agenda by the hour (``sessions.Session`` rows with
the site's time zone). Participants register themselves on a public page; the site's capacity
is a counter the database guards (``Site.registered <= Site.capacity``)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cohorts.models import StoredFile
from sessions.enums import TIME_ZONES
from sprints.enums import (
    AgendaKind,
    BadgeLayout,
    BadgeStatus,
    JobFamily,
    Rating,
    RegistrationStatus,
)


def _token() -> str:
    return secrets.token_urlsafe(16)


class Edition(models.Model):
    """What a cohort has when it is a sprint's edition: its public registration."""

    cohort = models.OneToOneField(
        "cohorts.Cohort", on_delete=models.CASCADE, related_name="sprint_edition"
    )
    registration_closes = models.DateTimeField(_("registration closes"))
    introduction = models.TextField(_("introduction"), blank=True)

    class Meta:
        verbose_name = _("sprint edition")
        verbose_name_plural = _("sprint editions")

    def __str__(self) -> str:
        return str(self.cohort)

    @property
    def coordinating_organisation_id(self) -> int:
        return self.cohort.programme.organisation_id


class Site(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="sites")
    city = models.CharField(_("city"), max_length=120)
    slug = models.SlugField(_("short name"), max_length=60)
    venue = models.CharField(_("venue"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)
    rooms = models.TextField(_("rooms"), blank=True, help_text=_("One room a line."))
    time_zone = models.CharField(
        _("time zone"), max_length=40, choices=TIME_ZONES, default="Europe/Paris"
    )
    capacity = models.PositiveIntegerField(_("capacity"))
    # The confirmed registrations: raised by a conditional UPDATE (registered < capacity), so
    # that the database, not Python, decides who gets the last place.
    registered = models.PositiveIntegerField(default=0, editable=False)
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="sprint_sites",
        verbose_name=_("local coordinators"),
    )

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["city"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "slug"], name="site_unique_slug"),
            models.CheckConstraint(
                condition=models.Q(registered__lte=models.F("capacity")),
                name="site_capacity_never_exceeded",
            ),
        ]

    def __str__(self) -> str:
        return self.city

    @property
    def coordinating_organisation_id(self) -> int:
        return self.edition.cohort.programme.organisation_id

    @property
    def room_list(self) -> list[str]:
        return [r.strip() for r in self.rooms.splitlines() if r.strip()]


class SiteChallenge(models.Model):
    """A challenge of the cohort taken on at a site, by one team."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="site_challenges")
    challenge = models.OneToOneField(
        "challenges.Challenge", on_delete=models.CASCADE, related_name="sprint_site"
    )
    team = models.OneToOneField(
        "cohorts.Team",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sprint_challenge",
    )
    room = models.CharField(_("room"), max_length=120, blank=True)
    # The exhibition stand's QR code carries this token (the stand page is public).
    stand_token = models.CharField(max_length=32, unique=True, default=_token, editable=False)

    class Meta:
        verbose_name = _("challenge of a site")
        verbose_name_plural = _("challenges of a site")
        ordering = ["site", "challenge__title"]

    def __str__(self) -> str:
        return str(self.challenge)

    @property
    def coordinating_organisation_id(self) -> int:
        return self.site.coordinating_organisation_id


class AgendaItem(models.Model):
    """One slot of a site's agenda: a session of the cohort (held at the site, in its zone)."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="agenda_items")
    session = models.OneToOneField(
        "meetings.Session", on_delete=models.CASCADE, related_name="sprint_item"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AgendaKind.choices)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")

    def __str__(self) -> str:
        return str(self.session)


class Registration(models.Model):
    Status = RegistrationStatus

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="registrations")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="registrations")
    email = models.EmailField(_("professional e-mail address"))
    first_name = models.CharField(_("first name"), max_length=150)
    last_name = models.CharField(_("last name"), max_length=150)
    collectivite = models.CharField(
        _("employer (collectivité)"),
        max_length=200,
        help_text=_("The local authority you work for, e.g. Ville de Rennes."),
    )
    job_family = models.CharField(_("job family"), max_length=20, choices=JobFamily.choices)
    choice_1 = models.ForeignKey(
        SiteChallenge, on_delete=models.PROTECT, related_name="+", verbose_name=_("first choice")
    )
    choice_2 = models.ForeignKey(
        SiteChallenge, on_delete=models.PROTECT, related_name="+", verbose_name=_("second choice")
    )
    choice_3 = models.ForeignKey(
        SiteChallenge, on_delete=models.PROTECT, related_name="+", verbose_name=_("third choice")
    )
    status = models.CharField(_("status"), max_length=20, choices=RegistrationStatus.choices)
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, default="fr")
    token = models.CharField(max_length=32, unique=True, default=_token, editable=False)
    team = models.ForeignKey(
        "cohorts.Team",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sprint_registrations",
    )
    placement_reason = models.CharField(_("why this team"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["site", "status", "created_at"])]
        constraints = [
            # One live registration per address and edition (after a cancellation, one may
            # register again).
            models.UniqueConstraint(
                "edition",
                models.functions.Lower("email"),
                condition=~models.Q(status=RegistrationStatus.CANCELLED),
                name="registration_once_per_edition",
            ),
            models.CheckConstraint(
                condition=~models.Q(choice_1=models.F("choice_2"))
                & ~models.Q(choice_1=models.F("choice_3"))
                & ~models.Q(choice_2=models.F("choice_3")),
                name="registration_three_different_choices",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def coordinating_organisation_id(self) -> int:
        return self.site.coordinating_organisation_id

    @property
    def choices(self) -> list[int]:
        return [self.choice_1_id, self.choice_2_id, self.choice_3_id]


class Option(models.Model):
    """A possible answer the team examined; one of them is retained, and the challenge's
    owner validates it with a comment."""

    team = models.ForeignKey(
        "cohorts.Team", on_delete=models.CASCADE, related_name="sprint_options"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=3000, blank=True)
    retained = models.BooleanField(_("retained"), default=False)
    validated_at = models.DateTimeField(_("validated on"), null=True, blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    owner_comment = models.TextField(_("challenge owner's comment"), max_length=3000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("option examined")
        verbose_name_plural = _("options examined")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["team"], condition=models.Q(retained=True), name="option_one_retained"
            )
        ]

    def __str__(self) -> str:
        return self.title


class PrototypeFile(StoredFile):
    team = models.ForeignKey(
        "cohorts.Team", on_delete=models.CASCADE, related_name="sprint_prototype_files"
    )
    caption = models.CharField(_("caption"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("prototype file")
        verbose_name_plural = _("prototype files")
        ordering = ["created_at", "id"]


class Feedback(models.Model):
    """A participant's feedback at a stand of the exhibition: one per participant and stand,
    decided by the database."""

    Rating = Rating

    stand = models.ForeignKey(SiteChallenge, on_delete=models.CASCADE, related_name="feedback")
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="feedback"
    )
    useful = models.PositiveSmallIntegerField(_("Is it useful?"), choices=Rating.choices)
    usable = models.PositiveSmallIntegerField(_("Is it usable?"), choices=Rating.choices)
    change = models.TextField(_("What would you change?"), max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("exhibition feedback")
        verbose_name_plural = _("exhibition feedback")
        constraints = [
            models.UniqueConstraint(
                fields=["stand", "registration"], name="feedback_once_per_participant_and_stand"
            )
        ]

    def __str__(self) -> str:
        return f"{self.registration} @ {self.stand}"


class BadgeSheet(models.Model):
    """The name badges of a site's confirmed participants, as one PDF to print, rendered by
    a worker (task ``sprints.render_badges``); each badge carries its check-in QR code."""

    Status = BadgeStatus

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="badge_sheets")
    layout = models.CharField(_("layout"), max_length=10, choices=BadgeLayout.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=BadgeStatus.choices, default=BadgeStatus.PENDING
    )
    file = models.CharField(max_length=255, blank=True)
    badge_count = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("badge sheet")
        verbose_name_plural = _("badge sheets")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.site} · {self.get_layout_display()}"

    @property
    def is_ready(self) -> bool:
        return self.status == BadgeStatus.READY
