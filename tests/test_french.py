"""French as a French office writes it: plain-text e-mails without HTML entities, plurals,
elision, gender agreement of state labels, French dates in tables, forms that mark each
missing field."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from django.template import Context
from django.template.loader import get_template
from django.utils import timezone, translation

ROOT = Path(__file__).resolve().parent.parent
NAME = "École d'ingénieurs & <Cie>"
ENTITY = re.compile(r"&(#x?[0-9a-fA-F]+|amp|lt|gt|quot|apos);")
DATE_NAMES = {"deadline", "until", "starts_at", "ends_at", "expires_at", "created_at"}


class Anything:
    """Whatever a template asks for: a name with an apostrophe, an ampersand and a bracket;
    ids are numbers (for ``{% url %}``) and dates are dates."""

    def __str__(self) -> str:
        return NAME

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        if name in ("pk", "id", "number") or name.endswith("_id"):
            return 7
        if name in DATE_NAMES:
            return timezone.now() + datetime.timedelta(days=3)
        return Anything()

    def __getitem__(self, key):
        # Templates try ``obj[name]`` before ``obj.name``.
        return getattr(self, key) if isinstance(key, str) else Anything()

    def __iter__(self):
        return iter([Anything()])


class AnythingContext(Context):
    def __getitem__(self, key):
        try:
            return super().__getitem__(key)
        except KeyError:
            return Anything()


def _mail_templates() -> list[str]:
    names = []
    for path in sorted(ROOT.glob("**/templates/**/email/*.txt")):
        if ".venv" in path.parts:
            continue
        parts = path.parts
        names.append("/".join(parts[parts.index("templates") + 1 :]))
    return names


def test_every_app_has_its_mail_templates_found():
    names = _mail_templates()
    assert "accounts/email/invitation.txt" in names
    assert "sessions/email/session_changed.txt" in names
    assert "documents/email/document_ready.txt" in names
    assert len(names) >= 40


@pytest.mark.parametrize("name", _mail_templates())
def test_plain_text_mail_never_contains_an_html_entity(name):
    template = get_template(name).template
    with translation.override("fr"):
        text = template.render(
            AnythingContext(
                {"date_changed": True, "place_changed": True, "message": NAME, "months": 6}
            )
        )
    assert not ENTITY.search(text), f"{name} escapes HTML in a plain-text message:\n{text}"
    assert NAME in text or "{{" not in Path(template.origin.name).read_text()


@pytest.mark.django_db
def test_invitation_mail_names_the_school_as_it_is_written(world):
    from curiouslab.accounts.models import Invitation, Role
    from curiouslab.mail import render_mail

    school = world.a.school
    school.name = "École d'ingénieurs Paris-Ouest"
    school.save()
    invitation = Invitation.objects.create(
        email="eleve@example.org",
        organisation=school,
        role=Role.STUDENT,
        invited_by=world.a.people["school_referent"],
        expires_at=timezone.now() + datetime.timedelta(days=14),
    )
    subject, body, _html = render_mail(
        template="accounts/email/invitation",
        context={"invitation": invitation, "accept_url": "https://x.example/a/"},
        language="fr",
    )
    assert "École d'ingénieurs Paris-Ouest" in subject
    assert "École d'ingénieurs Paris-Ouest" in body
    assert "&#x27;" not in subject + body


# --- Plurals ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_issuing_one_document_says_it_in_the_singular(docworld, login):
    from django.urls import reverse

    client = login(docworld.a.people["coordinator"])
    cohort = docworld.a.cohort
    page = client.get(
        reverse("documents:eligibility", args=[cohort.pk]) + "?kind=diploma"
    ).content.decode()
    text = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert "1 le recevra (dont 1 reste à délivrer) ; 2 ne le recevront pas." in text
    response = client.post(
        reverse("documents:issue", args=[cohort.pk]), {"kind": "diploma"}, follow=True
    )
    assert "1 document est en cours de création." in response.content.decode()


# --- Elision -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "french"),
    [
        ("Nanterre", "de Nanterre"),
        ("Antony", "d'Antony"),
        ("Issy-les-Moulineaux", "d'Issy-les-Moulineaux"),
        ("Hauts-de-Seine", "de Hauts-de-Seine"),
        ("Les Défricheurs", "des Défricheurs"),
        ("Le Plessis-Robinson", "du Plessis-Robinson"),
        ("La Garenne-Colombes", "de la Garenne-Colombes"),
        ("L'Haÿ-les-Roses", "de l'Haÿ-les-Roses"),
        ("Ville d'Antony", "de la Ville d'Antony"),
        ("Département des Hauts-de-Seine", "du Département des Hauts-de-Seine"),
        ("École d'ingénieurs Paris-Ouest", "de l'École d'ingénieurs Paris-Ouest"),
        ("Lycée Jean-Jaurès", "du Lycée Jean-Jaurès"),
        ("Amélie Durand", "d'Amélie Durand"),
    ],
)
def test_de_elides_and_contracts_in_french(name, french):
    from curiouslab.french import de

    with translation.override("fr"):
        assert de(name) == french
    with translation.override("en"):
        assert de(name) == name


def _render(template: str, **context) -> tuple[str, str]:
    from curiouslab.mail import render_mail

    subject, body, _html = render_mail(template=template, context=context, language="fr")
    return subject, body


def test_scenario_mail_says_le_scenario_des_defricheurs():
    team = Anything()
    team.name = "Les Défricheurs"  # type: ignore[attr-defined]
    challenge = Anything()
    challenge.title = "Un tiers-lieu"  # type: ignore[attr-defined]
    challenge.municipality = "Ville d'Antony"  # type: ignore[attr-defined]
    _s, body = _render("cohorts/email/scenario_selected", team=team, challenge=challenge)
    assert "Ville d'Antony a retenu le scénario des Défricheurs pour le défi" in body
    with translation.override("en"):
        from curiouslab.mail import render_mail

        _s, english, _h = render_mail(
            template="cohorts/email/scenario_selected",
            context={"team": team, "challenge": challenge},
            language="en",
        )
    assert "has selected the scenario of Les Défricheurs" in english


def test_new_challenge_subject_elides_the_municipality():
    challenge = Anything()
    challenge.title = "Un tiers-lieu"  # type: ignore[attr-defined]
    municipality = Anything()
    municipality.name = "Antony"  # type: ignore[attr-defined]
    challenge.municipality = municipality  # type: ignore[attr-defined]
    subject, _b = _render("challenges/email/submitted", challenge=challenge, actor="Awa")
    assert "Nouveau défi d'Antony : Un tiers-lieu" in subject
    municipality.name = "Ville de Nanterre"  # type: ignore[attr-defined]
    subject, _b = _render("challenges/email/submitted", challenge=challenge, actor="Awa")
    assert "Nouveau défi de la Ville de Nanterre : Un tiers-lieu" in subject


def test_enrolment_mail_elides_the_school():
    enrolment = Anything()
    enrolment.school = "École d'ingénieurs Paris-Ouest"  # type: ignore[attr-defined]
    enrolment.cohort = "Curious Lab 2026-2027"  # type: ignore[attr-defined]
    enrolment.get_status_display = "approuvée"  # type: ignore[attr-defined]
    _s, body = _render("cohorts/email/enrolment_decided", enrolment=enrolment)
    assert "L'inscription de l'École d'ingénieurs Paris-Ouest à Curious Lab 2026-2027" in body


# --- Gender agreement of state labels ------------------------------------------------------
def test_state_labels_agree_with_their_noun():
    from challenges.models import ChallengeStatus
    from cohorts.models import SchoolEnrolment, Team
    from documents.models import DocumentStatus

    with translation.override("fr"):
        # Un défi : masculin.
        assert [str(label) for _v, label in ChallengeStatus.choices] == [
            "Brouillon",
            "Soumis",
            "Modifications demandées",
            "Soumis à nouveau",
            "Accepté",
            "Refusé",
            "Retiré",
        ]
        # Une inscription, une équipe : féminin.
        assert [str(label) for _v, label in SchoolEnrolment.Status.choices] == [
            "Demandée",
            "Approuvée",
            "Refusée",
        ]
        assert [str(label) for _v, label in Team.Status.choices] == ["En formation", "Confirmée"]
        # Un document : masculin.
        assert str(DocumentStatus.READY.label) == "Prêt"
        # The cohort dashboard's funnel counts challenges: plural.
        assert translation.gettext("Submitted") == "Déposés"
        assert translation.gettext("Accepted") == "Acceptés"


@pytest.mark.django_db
def test_declined_enrolment_reads_refusee_on_the_school_page(world, login):
    from django.urls import reverse

    from cohorts.models import SchoolEnrolment

    enrolment = SchoolEnrolment.objects.create(
        cohort=world.a.cohort,
        school=world.a.school,
        status="declined",
        requested_by=world.a.people["school_referent"],
    )
    page = login(world.a.people["coordinator"]).get(
        reverse("cohorts:enrolment_list", args=[world.a.cohort.pk])
    )
    assert "Refusée" in page.content.decode()
    assert enrolment.get_status_display() == "Refusée"


# --- Dates in tables -----------------------------------------------------------------------
def _cells(html: str) -> list[str]:
    return [
        " ".join(re.sub(r"<[^>]+>", " ", c).split())
        for c in re.findall(r"<td[^>]*>(.*?)</td>", html, re.S)
    ]


@pytest.mark.django_db
def test_review_queue_dates_read_as_french_in_the_table(world, login):
    from django.urls import reverse

    from challenges.models import Challenge
    from tests.challenges.factories import on_side, submitted

    challenge = submitted(**on_side(world.a), title="Un tiers-lieu")
    Challenge.objects.filter(pk=challenge.pk).update(
        submitted_at=datetime.datetime(2026, 12, 1, 10, 0, tzinfo=datetime.UTC)
    )
    client = login(world.a.people["coordinator"])
    html = client.get(reverse("challenges:review_queue")).content.decode()
    assert "01/12/2026" in _cells(html)
    assert "2026-12-01" not in html
    # The exports keep ISO 8601, which spreadsheets sort.
    export = client.get(reverse("challenges:review_export", args=["csv"]))
    assert "2026-12-01" in export.content.decode("utf-8-sig")


@pytest.mark.django_db
def test_cohort_list_dates_read_as_french_in_the_table(world, login):
    from django.urls import reverse

    cohort = world.a.cohort
    cohort.kickoff = datetime.date(2026, 10, 5)
    cohort.closing = datetime.date(2027, 6, 18)
    cohort.save()
    html = login(world.a.people["coordinator"]).get(reverse("cohorts:cohort_list")).content
    cells = _cells(html.decode())
    assert "05/10/2026" in cells and "18/06/2027" in cells


# --- Forms mark each missing field and say truthfully what a submission needs --------------
def _field_block(html: str, name: str) -> str:
    """The markup of one crispy field: from its wrapper to the next field's."""
    start = html.index(f'id="div_id_{name}"')
    following = html.find('id="div_id_', start + 10)
    return html[start : following if following > 0 else len(html)]


@pytest.mark.django_db
def test_refused_submission_marks_each_missing_field(world, login):
    from django.urls import reverse

    from challenges.models import Challenge
    from tests.challenges.test_views import _form_data

    staff = world.a.people["municipal_staff"]
    data = {**_form_data(world, stakes="", staff_contact=""), "submit": "1"}
    response = login(staff).post(reverse("challenges:create"), data, follow=True)
    html = response.content.decode()
    challenge = Challenge.objects.get()
    assert challenge.status == "draft"  # the draft is kept
    assert "Remplissez ces champs" in html  # the banner says why
    for name in ("stakes", "staff_contact"):
        block = _field_block(html, name)
        assert "is-invalid" in block and "Requis pour soumettre le défi." in block, name
    for name in ("title", "territory", "users_concerned"):
        assert "is-invalid" not in _field_block(html, name), name


@pytest.mark.django_db
def test_challenge_form_lists_the_fields_a_submission_needs_truthfully(world, login):
    from django.urls import reverse

    html = login(world.a.people["municipal_staff"]).get(reverse("challenges:create")).text
    assert (
        "Pour le soumettre, remplissez aussi : territoire, enjeux, usagers concernés, "
        "résultat attendu, contact dans les services." in " ".join(html.split())
    )
    # Only the fields a submission needs say so; the optional ones do not.
    assert "Requis pour soumettre." in _field_block(html, "stakes")
    assert "Requis pour soumettre." not in _field_block(html, "obstacles")
    assert "Requis pour soumettre." not in _field_block(html, "elected_sponsor")


@pytest.mark.django_db
def test_pages_elide_before_a_programme_name(world, login):
    from django.urls import reverse

    programme = world.a.programme
    programme.name = "Innov'Hauts-de-Seine"
    programme.save()
    client = login(world.a.people["coordinator"])
    page = client.get(reverse("cohorts:cohort_create", args=[programme.pk])).content.decode()
    assert "Nouvelle promotion d&#x27;Innov&#x27;Hauts-de-Seine" in page
    page = client.get(reverse("cohorts:programme_edit", args=[programme.pk])).content.decode()
    assert "Règles d&#x27;Innov&#x27;Hauts-de-Seine" in page


@pytest.mark.django_db
def test_cohort_calendar_out_of_order_is_marked_on_its_field(world, login):
    from django.urls import reverse

    from cohorts.models import Cohort

    data = {
        "name": "Curious Lab 2030-2031",
        "year": 2030,
        "call_opens": "2030-09-01",
        "call_closes": "2030-10-15",
        "kickoff": "2030-10-01",
        "working_starts": "2030-11-01",
        "working_ends": "2031-05-01",
        "closing": "2031-06-01",
    }
    client = login(world.a.people["coordinator"])
    url = reverse("cohorts:cohort_create", args=[world.a.programme.pk])
    response = client.post(url, data)
    assert response.status_code == 400
    block = _field_block(response.content.decode(), "kickoff")
    assert "is-invalid" in block
    assert "Cette date précède « Clôture de l&#x27;appel à défis »." in block
    assert not Cohort.objects.filter(year=2030).exists()
