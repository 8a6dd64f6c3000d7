"""A format is data: a coordinator creates a programme of each format from the UI, clicking
from her home page, and nothing on one format's pages speaks of another's (cohorts.formats)."""

import re

import pytest
from django.urls import reverse

from cohorts.formats import FORMATS
from cohorts.models import Cohort, Programme

pytestmark = pytest.mark.django_db

# Words of one format that must not appear on another's pages (French, lower-cased).
SCHOOL_WORDS = ("étudiant", "année scolaire", "promotion", "élève")
FORBIDDEN = {
    "sprint": (*SCHOOL_WORDS, "session de formation", "école"),
    "agents_school": (*SCHOOL_WORDS, "édition"),
    "call_for_projects": (*SCHOOL_WORDS, "édition", "session de formation"),
    "school_year": ("édition", "session de formation", "porteur de projet"),
}
CALENDAR = {
    "year": 2027,
    "call_opens": "2027-01-10",
    "call_closes": "2027-03-01",
    "kickoff": "2027-07-09",
    "working_starts": "2027-07-09",
    "working_ends": "2027-07-11",
    "closing": "2027-07-11",
}


def _link(page: str, text: str) -> str:
    """The address of the link whose text is ``text`` (what a user clicks)."""
    for href, label in re.findall(r'<a [^>]*href="([^"]+)"[^>]*>(.*?)</a>', page, re.S):
        if _escaped(text) in re.sub(r"<[^>]+>", "", label):
            return href.replace("&amp;", "&")
    raise AssertionError(f"no link {text!r} on the page")


def _escaped(text) -> str:
    return str(text).replace("'", "&#x27;")


def _speaks_of_none(page: str, key: str, url: str = "") -> None:
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)).lower()
    found = [
        text[max(0, m.start() - 60) : m.end() + 30]
        for word in FORBIDDEN[key]
        for m in re.finditer(re.escape(word), text)
    ]
    assert not found, f"on {url} of a {key} programme: {found}"


@pytest.mark.parametrize("key", list(FORMATS))
def test_a_programme_of_each_format_from_the_ui(world, login, key):
    client = login(world.a.people["coordinator"])
    home = client.get(reverse("home")).text
    programmes = client.get(_link(home, "Programmes")).text
    formats = client.get(_link(programmes, "Nouveau programme")).text
    for spec in FORMATS.values():
        assert _escaped(spec.label) in formats
    spec = FORMATS[key]
    url = _link(formats, f"Lancer un programme\u00a0: {spec.label}")
    form = client.get(url)
    assert form.status_code == 200
    rules = {name: 3 if "min" in name else 6 for name in spec.team_rules}
    rules.update({"team_min_disciplines": 1, "team_min_schools": 1} if spec.uses_schools else {})
    response = client.post(
        url,
        {
            "organisation": world.a.departement.pk,
            "format": key,
            "name": f"Programme {key}",
            "retention_years": 3,
            **{k: v for k, v in rules.items() if k in spec.team_rules},
        },
    )
    assert response.status_code == 302, response.text
    programme = Programme.objects.get(name=f"Programme {key}")
    assert programme.format == key
    listing = client.get(reverse("cohorts:cohort_list")).text
    new = client.get(_link(listing, str(spec.terms.new_cohort)))
    assert new.status_code == 200
    if spec.uses_dossiers:
        # A call for projects' editions are calls (the calls app), not cohorts.
        assert new.request["PATH_INFO"] == reverse("calls:call_create", args=[programme.pk])
        _speaks_of_none(new.text, key, "call_create")
        return
    # The dates are labelled in the format's words.
    assert _escaped(spec.phases["working_ends"]) in new.text
    response = client.post(
        reverse("cohorts:cohort_create", args=[programme.pk]),
        {"name": f"Édition test {key}" if key == "sprint" else "Test 2027", **CALENDAR},
    )
    assert response.status_code == 302, response.text
    cohort = Cohort.objects.get(programme=programme)
    pages = [
        reverse("cohorts:cohort_detail", args=[cohort.pk]),
        reverse("cohorts:cohort_edit", args=[cohort.pk]),
        reverse("cohorts:dashboard", args=[cohort.pk]),
        reverse("cohorts:cohort_challenges", args=[cohort.pk]),
        reverse("cohorts:team_list", args=[cohort.pk]),
        reverse("cohorts:programme_edit", args=[programme.pk]),
    ]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        _speaks_of_none(response.text, key, page)
    enrolments = client.get(reverse("cohorts:enrolment_list", args=[cohort.pk]))
    assert enrolments.status_code == (200 if spec.uses_schools else 404)


def test_the_format_is_chosen_once_and_checked(world, login):
    client = login(world.a.people["coordinator"])
    url = reverse("cohorts:programme_create")
    assert client.get(url + "?format=nonsense").status_code == 400
    # A posted format that disagrees with the page's is refused; nothing is created.
    response = client.post(
        url + "?format=sprint",
        {
            "organisation": world.a.departement.pk,
            "format": "school_year",
            "name": "Mixed up",
            "team_min_size": 3,
            "team_max_size": 6,
            "retention_years": 3,
        },
    )
    assert response.status_code == 400
    assert "Choisissez l&#x27;un des formats" in response.text
    assert not Programme.objects.filter(name="Mixed up").exists()
    # Editing a programme never shows nor changes its format.
    programme = world.a.programme
    edit = client.get(reverse("cohorts:programme_edit", args=[programme.pk])).text
    assert 'name="format"' not in edit


def test_schools_enrol_only_in_a_format_with_schools(world, login):
    programme = world.a.programme
    Programme.objects.filter(pk=programme.pk).update(format="sprint")
    referent = login(world.a.people["school_referent"])
    response = referent.get(reverse("cohorts:enrolment_request", args=[world.a.cohort.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize(("key", "met"), [("school_year", False), ("sprint", True)])
def test_the_composition_rule_is_the_formats_in_python_and_in_sql(world, key, met):
    """Three agents of one organisation and one job family: a sprint's team (sizes only)
    meets its rule, a school year's (disciplines and schools too) does not — the team page's
    check and the list's SQL filter agree."""
    from cohorts import selectors
    from cohorts.composition import team_composition
    from tests.factories import TeamFactory
    from tests.sessions.factories import TeamMemberFactory

    programme = world.a.programme
    Programme.objects.filter(pk=programme.pk).update(format=key, team_min_size=3)
    cohort = Cohort.objects.select_related("programme").get(pk=world.a.cohort.pk)
    team = TeamFactory(cohort=cohort)
    for _ in range(3):
        TeamMemberFactory(team=team, school=world.a.municipality, discipline="finances")
    listed = selectors.cohort_teams(cohort, "met").filter(pk=team.pk).first()
    assert (listed is not None) is met
    annotated = selectors.teams_with_composition(cohort).get(pk=team.pk)
    assert team_composition(annotated).met is met
    figures = selectors.team_figures(cohort)
    assert figures["met"] + figures["unmet"] == figures["total"]
