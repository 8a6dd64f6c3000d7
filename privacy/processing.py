"""What the platform does with personal data, written once: the privacy notice of each
programme (``privacy/templates/privacy/notice.html``) and the register of processing
activities the coordinator downloads (``privacy.register``) print these same lines, so the
two can never say different things."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

PURPOSES = [
    _(
        "Run the programme: collect the challenges of the municipalities, form the teams, "
        "follow their work, their deliverables and their coaching."
    ),
    _("Organise the sessions and record attendance (check-in)."),
    _("Run the jury and the awards, and write their minutes."),
    _("Issue the diplomas, certificates and attestations, and let anyone verify them."),
    _("Send the e-mails the programme needs (invitations, reminders, documents)."),
    _("Keep an audit log of every change, to answer for the programme's decisions."),
]
LEGAL_BASIS = _(
    "Performance of a task carried out in the public interest (article 6(1)(e) of the GDPR): "
    "the public bodies running the programme do so as part of their missions of education, "
    "training and local development."
)
PERSONS = [
    _("Students, teachers and school referents"),
    _("Agents and elected officials of the municipalities"),
    _("Coordinators, coaches, experts and jurors"),
]
DATA_CATEGORIES = [
    _("Identity: first name, last name, e-mail address, language, organisation and role."),
    _("Participation: teams, challenges, deliverables and comments, attendance at sessions."),
    _("Evaluation: the jury's marks and comments, awards won."),
    _("Documents issued: their printed data and their verification code."),
    _("Security: sign-in history, second factor, audit log of changes."),
]
RECIPIENTS = [
    _("The coordinators of the programme, within its organisation."),
    _("The municipalities, schools and coaches of the teams they follow, for those teams only."),
    _("The jurors, for the projects they assess."),
    _("The platform's host and e-mail provider, as processors, within the European Union."),
]
SECURITY = [
    _("Access by role and by organisation, denied by default."),
    _("Second factor required for coordinators; sessions that expire."),
    _("Encrypted connections (HTTPS); every change recorded in the audit log."),
]
TRANSFERS = _("None: the data is hosted and processed within the European Union.")


def audit_log_retention_years() -> int:
    return max(1, settings.AUDIT_LOG_RETENTION_DAYS // 365)


def retention_text(programme) -> str:
    years = programme.retention_years
    return ngettext(
        "The participants' personal data is kept for %(years)d year after the end of their "
        "cohort, then anonymised: the programme's records (scores, teams, documents issued) "
        "stay, without the name.",
        "The participants' personal data is kept for %(years)d years after the end of their "
        "cohort, then anonymised: the programme's records (scores, teams, documents issued) "
        "stay, without the name.",
        years,
    ) % {"years": years}


def audit_retention_text() -> str:
    years = audit_log_retention_years()
    return ngettext(
        "Audit log entries are deleted %(years)d year after they were written.",
        "Audit log entries are deleted %(years)d years after they were written.",
        years,
    ) % {"years": years}


def contact_for(programme) -> str:
    """Where people exercise their rights: the programme's DPO, else the publisher's."""
    return programme.dpo_email or settings.PRIVACY_CONTACT_EMAIL
