"""The coordinator's dashboard, the lists behind its figures, and the exports."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from challenges.models import ChallengeStatus
from tests.cohorts import factories as f

pytestmark = pytest.mark.django_db


def _grow(setup, teams: int, per_team: int = 5):
    """Add teams of mixed students, scenarios, milestones and deliverables."""
    past = f.milestone(setup.cohort, days=-3, name="Premier scénario")
    future = f.milestone(setup.cohort, days=30, name="Projet final")
    for i in range(teams):
        challenge = f.challenge(
            setup.programme, setup.municipality, cohort=setup.cohort, title=f"Défi {i}"
        )
        team = f.team(setup.cohort, f"Équipe {i:03d}", challenge=challenge)
        for j in range(per_team):
            school = setup.school if j % 2 else setup.school2
            f.add_member(
                team, f.student(school, ["design", "commerce", "ingénierie"][j % 3]), school
            )
        scenario = f.scenario(team, challenge)
        if i % 2:
            scenario.selected = True
            scenario.save()
        if i % 3:
            f.version(team, past, when=past.deadline - datetime.timedelta(days=1))
        elif i % 5:
            f.version(team, past, when=past.deadline + datetime.timedelta(days=1))
        f.version(team, future)
    f.challenge(setup.programme, setup.municipality, status=ChallengeStatus.SUBMITTED)
    return past


def _queries(client, url):
    client.get(url)  # the first request of a coordinator stamps the idle clock in the session
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


@pytest.mark.parametrize("mfa_required", [False, True], ids=["demo", "production"])
def test_dashboard_same_query_count_small_and_large(setup, login, settings, mfa_required):
    from allauth.mfa.models import Authenticator

    # In production coordinators must have a second factor: the check must not cost a query.
    settings.MFA_REQUIRED_FOR_COORDINATORS = mfa_required
    Authenticator.objects.create(
        user=setup.coordinator, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"}
    )
    client = login(setup.coordinator)
    url = f"/cohorts/{setup.cohort.pk}/dashboard/"
    small, response = _queries(client, url)
    # At most 12 in all (issue #4); the sessions app's attendance panel costs none here: its
    # figures load after the page (test_dashboard_attendance_panel_loads_after_the_page).
    assert "attendance-heading" in response.content.decode()
    assert small <= 12, small
    _grow(setup, teams=40)
    large, response = _queries(client, url)
    assert large == small
    body = response.content.decode()
    assert "Tableau de bord" in body
    assert "<svg" in body and "chart-bar" in body and "chart-seg-late" in body
    # Every figure links to the list behind it.
    assert f"/cohorts/{setup.cohort.pk}/challenges/?status=selected" in body
    assert f"/cohorts/{setup.cohort.pk}/teams/?show=unmet" in body
    assert "?state=late" in body


def test_dashboard_figures(setup, login):
    past = _grow(setup, teams=6)
    response = login(setup.coordinator).get(f"/cohorts/{setup.cohort.pk}/dashboard/")
    ctx = response.context
    # 2 setup challenges + 6 grown, all accepted and in the cohort, plus a submitted one.
    assert ctx["funnel"] == {"submitted": 9, "accepted": 8, "in_cohort": 8, "selected": 3}
    m = next(m for m in ctx["milestones"] if m.pk == past.pk)
    # 8 teams: i%3 → on time (1,2,4,5), late (3 only since 0 %5 == 0), missing: the rest.
    assert (m.on_time, m.late, m.missing) == (4, 1, 3)
    late = login(setup.coordinator).get(f"/cohorts/milestones/{past.pk}/?state=late")
    assert "Équipe 003" in late.content.decode()
    assert "Équipe 001" not in late.content.decode()


def test_dashboard_shows_the_panels_other_apps_register(setup, login, monkeypatch):
    from curiouslab import panels

    url = f"/cohorts/{setup.cohort.pk}/dashboard/"
    client = login(setup.coordinator)
    # The sessions app registers its attendance rates; the dashboard does not import it.
    body = client.get(url).content.decode()
    assert 'id="attendance-heading"' in body and "Présence par étudiant" in body
    monkeypatch.setattr(panels, "_panels", {})
    without = client.get(url).content.decode()
    assert 'id="attendance-heading"' not in without
    seen = []

    def context(cohort):
        seen.append(cohort.pk)
        return {"state": "late"}

    panels.register_panel("cohorts.dashboard", panels.Panel("cohorts/_state.html", context))
    with_panel = client.get(url).content.decode()
    assert seen == [setup.cohort.pk]
    assert with_panel.count("Déposé en retard") == without.count("Déposé en retard") + 1


def test_dashboard_refused_to_other_roles(setup, login):
    url = f"/cohorts/{setup.cohort.pk}/dashboard/"
    assert login(setup.world.b.people["coordinator"]).get(url).status_code == 404
    assert login(setup.muni_staff).get(url).status_code == 403
    assert login(None).get(url).status_code == 302


@pytest.mark.parametrize(
    "path",
    [
        "/cohorts/{cohort}/challenges/",
        "/cohorts/{cohort}/challenges/?status=selected",
        "/cohorts/{cohort}/schools/",
        "/cohorts/{cohort}/teams/?show=unmet",
        "/cohorts/milestones/{milestone}/?state=missing",
        "/cohorts/challenges/{challenge}/scenarios/",
    ],
)
def test_lists_constant_queries(setup, login, path):
    milestone = f.milestone(setup.cohort, days=-1)
    url = path.format(cohort=setup.cohort.pk, milestone=milestone.pk, challenge=setup.challenge.pk)
    f.scenario(setup.team, setup.challenge)  # one row on every list
    client = login(setup.coordinator)
    small, _response = _queries(client, url)
    for i in range(10):
        school = f.school(setup.dep, f"École {i}")
        f.enrol(setup.cohort, school)
        team = f.team(setup.cohort, f"Équipe {i}", challenge=setup.challenge)
        f.add_member(team, f.student(school), school)
        f.scenario(team, setup.challenge)
        f.challenge(setup.programme, setup.municipality, cohort=setup.cohort, title=f"Défi {i}")
    large, _response = _queries(client, url)
    assert large == small, url


def test_export_csv_and_xlsx(setup, login):
    setup.student.first_name = "=HYPERLINK(1)"
    setup.student.save()
    client = login(setup.coordinator)
    response = client.get(f"/cohorts/{setup.cohort.pk}/export.csv")
    assert response["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["team", "team_status", "challenge"]
    names = {r[0] for r in rows[1:]}
    assert names == {"Les Défricheurs", "Les Bâtisseurs"}
    assert "'=HYPERLINK(1)" in {r[5] for r in rows[1:]}
    response = client.get(f"/cohorts/{setup.cohort.pk}/export.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][0] == "team"
    assert {v[0] for v in values[1:]} == {"Les Défricheurs", "Les Bâtisseurs"}
    assert client.get(f"/cohorts/{setup.cohort.pk}/export.pdf").status_code == 404
    assert (
        login(setup.world.b.people["coordinator"])
        .get(f"/cohorts/{setup.cohort.pk}/export.csv")
        .status_code
        == 404
    )


def test_student_sees_team_challenge_milestones_and_calendar(setup, login):
    f.milestone(setup.cohort, name="Prototype")
    body = login(setup.student).get(f"/cohorts/teams/{setup.team.pk}/").content.decode()
    assert "Les Défricheurs" in body
    assert "Comment faire de la place du marché" in body
    assert "Prototype" in body and "Pas encore dû" in body
    assert "Lancement" in body
    assert timezone.localdate().year > 2000


def test_dashboard_team_figures_counted_by_the_database_as_the_rule_says(setup, login):
    # Issue #19.2: the dashboard reads aggregates and ten rows, not every team; its figures
    # are still those of the composition rule applied team by team.
    from cohorts.composition import team_composition
    from cohorts.models import Team
    from cohorts.selectors import teams_with_composition

    _grow(setup, teams=14)
    f.team(setup.cohort, "Équipe vide")  # no member: breaks the rule
    confirmed = Team.objects.filter(cohort=setup.cohort, name__in=["Équipe 004", "Équipe 007"])
    confirmed.update(status=Team.Status.CONFIRMED)
    teams = list(teams_with_composition(setup.cohort))
    for team in teams:
        team.cohort = setup.cohort
    unmet = [t for t in teams if not team_composition(t).met]
    attention = [t.name for t in teams if t in unmet or t.status == Team.Status.FORMING]
    assert unmet and len(attention) > 10  # the dashboard must cut the list

    response = login(setup.coordinator).get(f"/cohorts/{setup.cohort.pk}/dashboard/")
    ctx = response.context
    assert ctx["team_total"] == len(teams)
    assert ctx["students"]["total"] == sum(t.size for t in teams)
    assert ctx["status_counts"]["confirmed"] == 2
    assert ctx["status_counts"]["forming"] == len(teams) - 2
    assert ctx["status_counts"]["unmet"] == len(unmet)
    assert ctx["status_counts"]["met"] == len(teams) - len(unmet)
    assert ctx["attention_total"] == len(attention)
    assert [t.name for t in ctx["attention"]] == attention[:10]
    body = response.content.decode()
    assert f"{len(attention)} équipes" in body
    assert attention[9] in body and attention[10] not in body


def test_dashboard_attendance_summary_is_the_attendance_rule(setup):
    # The dashboard's attendance block reads sums per team and school from the database;
    # they are those of attendance_rates, student by student.
    from cohorts.models import TeamMember
    from curiouslab.accounts.models import Role
    from sessions.selectors import attendance_rates, attendance_summary
    from tests.sessions.factories import AttendanceFactory, SessionFactory

    _grow(setup, teams=4, per_team=4)
    teams = list(setup.cohort.teams.order_by("name"))
    now = timezone.now()
    ago = {
        "starts_at": now - datetime.timedelta(days=3),
        "ends_at": now - datetime.timedelta(days=2),
    }
    sessions = [
        SessionFactory(cohort=setup.cohort, kind="working", teams=teams[:2], **ago),
        # invited twice, by its team and by the students' role: counted once
        SessionFactory(
            cohort=setup.cohort, kind="working", teams=[teams[1]], roles=[Role.STUDENT], **ago
        ),
        SessionFactory(cohort=setup.cohort, kind="working", teams=[teams[3]], **ago),
        SessionFactory(cohort=setup.cohort, kind="site_visit", teams=teams, **ago),  # not counted
        SessionFactory(cohort=setup.cohort, kind="working", teams=teams),  # not ended
    ]
    members = list(TeamMember.objects.filter(cohort=setup.cohort).order_by("pk"))
    for i, m in enumerate(members):
        for j, s in enumerate(sessions):
            if (i + j) % 3:
                AttendanceFactory(session=s, user=m.user, present=bool((i * j) % 4))
    full = attendance_rates(setup.cohort)
    summary = attendance_summary(setup.cohort)
    assert full.overall.invited > 0 and 0 < full.overall.attended < full.overall.invited
    assert summary.sessions == full.sessions == 3
    assert (summary.overall.attended, summary.overall.invited) == (
        full.overall.attended,
        full.overall.invited,
    )
    key = lambda rates: sorted((r.label, r.attended, r.invited) for r in rates)  # noqa: E731
    assert key(summary.teams) == key(full.teams)
    assert key(summary.schools) == key(full.schools)
    assert [r.label for r in summary.lowest_teams] == [r.label for r in full.lowest_teams]


def test_dashboard_attendance_panel_loads_after_the_page(setup, login, world):
    # The attendance figures sum every mark of the cohort: the dashboard shows the panel's
    # heading and a link to the attendance per student, and HTMX loads the figures once the
    # page is shown, in the same number of queries with 1 team or 40.
    from tests.sessions.factories import AttendanceFactory, SessionFactory

    def ended_session_with_everyone():
        ago = timezone.now() - datetime.timedelta(days=2)
        teams = list(setup.cohort.teams.all())
        s = SessionFactory(
            cohort=setup.cohort,
            kind="working",
            teams=teams,
            starts_at=ago - datetime.timedelta(hours=2),
            ends_at=ago,
        )
        for team in teams:
            for m in team.members.all():
                AttendanceFactory(session=s, user=m.user, present=True)

    client = login(setup.coordinator)
    dashboard = client.get(f"/cohorts/{setup.cohort.pk}/dashboard/").content.decode()
    url = f"/sessions/cohort/{setup.cohort.pk}/attendance/summary/"
    assert f'hx-get="{url}" hx-trigger="load"' in dashboard
    assert f'href="/sessions/cohort/{setup.cohort.pk}/attendance/">Présence par étudiant' in (
        dashboard
    )
    ended_session_with_everyone()  # the setup's two teams of one student
    small, response = _queries(client, url)
    body = response.content.decode()
    assert "<html" not in body
    assert "100 % au total, sur 1 séance de travail terminée." in body
    assert "Les Défricheurs" in body and "100 %" in body
    _grow(setup, teams=40)
    ended_session_with_everyone()
    large, response = _queries(client, url)
    assert large == small
    assert "sur 2 séances de travail terminées." in response.content.decode()
    # The attendance page's permission: another side's coordinator is refused.
    assert login(world.b.people["coordinator"]).get(url).status_code in (403, 404)
