"""Matrix rows of the sprints (sprints/urls.py, namespace "sprints"). Side A's cohort runs a
sprint: Rennes (side A's coach is its local coordinator) and La Réunion; side A's
municipality owns the challenges; one participant is registered and placed in a team."""

from tests.matrix import ANON_LOGIN, Row

PUBLIC = {"default": 200}
# The national page: the programme's coordinator only (anyone else: a 404).
NATIONAL = {"anonymous": ANON_LOGIN, "coordinator": 200, "default": 404}
# A site's pages: the national coordinator and the site's coordinator (side A's coach).
SITE = {"anonymous": ANON_LOGIN, "coordinator": 200, "coach": 200, "default": 404}
SITE_ACTION = {"anonymous": ANON_LOGIN, "coordinator": 302, "coach": 302, "default": 404}
# The team's private page: the coordinators, the challenge's owner (and the participants by
# their pass, see tests/sprints/test_scope.py); an anonymous visitor gets a 404 too.
TEAM = {"coordinator": 200, "coach": 200, "municipal_staff": 200, "default": 404}
TEAM_EDIT = {"coordinator": 302, "coach": 302, "default": 404}
VALIDATE = {"anonymous": ANON_LOGIN, "municipal_staff": 302, "default": 404}


def build(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cohorts.enums import ProgrammeFormat
    from sprints import services
    from tests.challenges.factories import PNG_BYTES
    from tests.factories import CohortFactory, ProgrammeFactory
    from tests.sprints.factories import make_sprint, register

    # Side A's département runs a sprint programme too (the world's own is a school year).
    programme = ProgrammeFactory(organisation=world.a.departement, format=ProgrammeFormat.SPRINT)
    sprint = make_sprint(
        cohort=CohortFactory(programme=programme), municipality=world.a.municipality
    )
    rennes = sprint.sites["Rennes"]
    rennes.coordinators.add(world.a.people["coach"])
    registration = register(sprint, "Rennes", 0)
    stand = sprint.challenges["Rennes"][0]
    registration.team = stand.team
    registration.save(update_fields=["team"])
    option = services.option_add(team=stand.team, title="Un guichet unique")
    services.option_retain(option=option)
    item = services.prototype_file_add(
        team=stand.team,
        upload=SimpleUploadedFile("maquette.png", PNG_BYTES, content_type="image/png"),
    )
    from sprints.badges import badges_render, badges_request

    sheet = badges_request(site=rennes, actor=sprint.coordinator, layout="eight")
    badges_render(sheet_id=sheet.pk)
    world.objects.update(
        sprint_badges=sheet,
        sprint=sprint,
        sprint_registration=registration,
        sprint_stand=stand,
        sprint_option=option,
        sprint_file=item,
    )


def _edition(w):
    return {"edition_id": w["sprint"].edition.pk}


def _site(w):
    return {"pk": w["sprint"].sites["Rennes"].pk}


def _team(w):
    return {"team_id": w["sprint_stand"].team_id}


def _pass(w):
    from sprints import services

    return {"signed": services.pass_token(w["sprint_registration"])}


def _cancel(w):
    from sprints import services

    return {"signed": services.cancel_token(w["sprint_registration"])}


# Setting up: the national coordinator only.
SETUP_ACTION = {"anonymous": ANON_LOGIN, "coordinator": 302, "default": 404}

ROWS = {
    # Anyone signed in: the list shows only what they run (nothing for most).
    "sprints:home": Row({"anonymous": ANON_LOGIN, "default": 200}),
    "sprints:register": Row(PUBLIC, kwargs=_edition),
    "sprints:pass": Row(PUBLIC, kwargs=_pass),
    "sprints:cancel": Row(PUBLIC, kwargs=_cancel),
    "sprints:site_agenda": Row(PUBLIC, kwargs=_site),
    "sprints:site_agenda_ics": Row(PUBLIC, kwargs=_site),
    "sprints:stand": Row(PUBLIC, kwargs=lambda w: {"token": w["sprint_stand"].stand_token}),
    "sprints:stand_count": Row(PUBLIC, kwargs=lambda w: {"token": w["sprint_stand"].stand_token}),
    "sprints:cohort_edition": Row(
        {"anonymous": ANON_LOGIN, "coordinator": 302, "default": 404},
        kwargs=lambda w: {"cohort_id": w["sprint"].edition.cohort_id},
    ),
    # Empty: the form comes back with its errors.
    "sprints:site_add": Row(
        {"anonymous": ANON_LOGIN, "coordinator": 400, "default": 404},
        kwargs=lambda w: {"pk": w["sprint"].edition.pk},
        method="post",
    ),
    "sprints:site_challenge_add": Row(SETUP_ACTION, kwargs=_site, method="post"),
    "sprints:agenda_add": Row(SITE_ACTION, kwargs=_site, method="post"),
    "sprints:edition_overview": Row(NATIONAL, kwargs=lambda w: {"pk": w["sprint"].edition.pk}),
    "sprints:site_detail": Row(SITE, kwargs=_site),
    "sprints:assignment": Row(SITE, kwargs=_site),
    "sprints:check_in": Row(
        SITE_ACTION, kwargs=lambda w: {"token": w["sprint_registration"].token}, method="post"
    ),
    "sprints:badges_request": Row(SITE_ACTION, kwargs=_site, method="post"),
    "sprints:badges_download": Row(
        SITE, kwargs=lambda w: {**_site(w), "sheet_id": w["sprint_badges"].pk}
    ),
    "sprints:team": Row(TEAM, kwargs=_team),
    "sprints:option_add": Row(TEAM_EDIT, kwargs=_team, method="post"),
    "sprints:option_retain": Row(
        TEAM_EDIT,
        kwargs=lambda w: {**_team(w), "option_id": w["sprint_option"].pk},
        method="post",
    ),
    "sprints:option_validate": Row(
        VALIDATE,
        kwargs=lambda w: {**_team(w), "option_id": w["sprint_option"].pk},
        method="post",
    ),
    "sprints:prototype_upload": Row(TEAM_EDIT, kwargs=_team, method="post"),
    "sprints:prototype_download": Row(
        TEAM, kwargs=lambda w: {**_team(w), "file_id": w["sprint_file"].pk}
    ),
}
