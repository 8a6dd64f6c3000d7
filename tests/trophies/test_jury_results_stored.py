"""Jury results that stay fast at any size (issue #19.1): the ranking is computed once, when the
vote closes, and stored (recomputed by the chair's casting vote, the one thing that changes it
before the results are locked); the results page shows it page by page in a fixed number of
queries and a bounded size, each project's arithmetic and comments on demand (HTMX)."""

import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from curiouslab.errors import DomainError
from tests.factories import TeamFactory
from tests.trophies.factories import finalist, juror, ready_jury
from trophies import services
from trophies.jury_results import results_for
from trophies.models import (
    Finalist,
    Jury,
    JuryMember,
    JuryRanking,
    JuryStatus,
    RankedFinalist,
    Score,
)

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def text(response) -> str:
    return " ".join(html.unescape(response.content.decode()).split())


def mark_all(jury, members, finalists, crits, comment=""):
    """Every juror marks every project, with marks that differ from project to project."""
    Score.objects.bulk_create(
        Score(
            jury=jury,
            member=m,
            finalist=f,
            criterion=c,
            value=(i * 7 + j * 3 + k * 5) % 6,
            comment=comment,
        )
        for i, f in enumerate(finalists)
        for j, m in enumerate(members)
        for k, c in enumerate(crits)
    )


def add_finalists(jury, n):
    teams = TeamFactory.create_batch(n, cohort=jury.cohort, confirmed=True)
    return list(
        Finalist.objects.bulk_create(
            Finalist(jury=jury, team=t, challenge_id=t.challenge_id, order=100 + i)
            for i, t in enumerate(teams)
        )
    )


def close(world, jury):
    return services.jury_set_status(
        jury=jury, status=JuryStatus.CLOSED, actor=world.a.people["coordinator"]
    )


def voted_jury(world, finalists=2, **kwargs):
    jury, members, teams, crits = ready_jury(world.a.cohort, finalists=finalists, **kwargs)
    mark_all(jury, members, teams, crits)
    return jury, members, teams, crits


def queries(client, url) -> tuple[int, int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), len(response.content), response.content.decode()


def test_ranking_stored_at_close_equals_the_computed_one(world):
    jury, _m, _f, _c = voted_jury(world, finalists=6, normalisation="zscore")
    add_finalists(jury, 2)  # two projects nobody marked: no rank
    assert not JuryRanking.objects.filter(jury=jury).exists()
    jury = close(world, jury)
    stored = list(
        RankedFinalist.objects.filter(ranking__jury=jury)
        .select_related("finalist")
        .order_by("position")
    )
    computed = results_for(Jury.objects.get(pk=jury.pk)).rows
    assert [s.finalist_id for s in stored] == [r.finalist.id for r in computed]
    for s, r in zip(stored, computed, strict=True):
        assert (s.rank, s.unresolved_tie, s.disagreement) == (
            r.rank,
            r.unresolved_tie,
            r.disagreement,
        )
        for name in ("score", "raw_score", "raw_range", "spread"):
            assert getattr(s, name) == pytest.approx(getattr(r, name))
        assert s.tie_notes == r.tie_notes
    assert [s.rank for s in stored][-2:] == [None, None]
    ranking = jury.ranking
    assert ranking.normalised and {s["member"] for s in ranking.juror_stats} == {
        m.pk for m in jury.members.all()
    }


def test_results_page_queries_and_size_do_not_grow_with_the_finalists(world, login):
    client = login(world.a.people["coordinator"])
    small, _m, _f, _c = voted_jury(world, finalists=1, normalisation="zscore")
    close(world, small)
    big, members, teams, crits = ready_jury(world.a.cohort, finalists=1, normalisation="zscore")
    teams += add_finalists(big, 119)
    long_comment = "Un projet solide, présenté avec soin ; " * 10
    mark_all(big, members, teams, crits, comment=long_comment)
    close(world, big)
    n_small, bytes_small, _ = queries(client, reverse("trophies:jury_results", args=[small.pk]))
    n_big, bytes_big, page = queries(client, reverse("trophies:jury_results", args=[big.pk]))
    assert n_big == n_small
    # One page of the ranking, not 120 projects' sums and comments.
    assert bytes_big < 60_000 and bytes_big < bytes_small + 25 * 1_500
    assert long_comment.strip() not in page
    assert page.count('hx-get="/') >= 25
    assert "Page 1 sur 5" in page and "Suivante" in page
    # The last page holds the last projects of the ranking; the pages' cost is the same.
    last = RankedFinalist.objects.filter(ranking__jury=big).order_by("-position").first()
    n_last, _b, page5 = queries(client, reverse("trophies:jury_results", args=[big.pk]) + "?page=5")
    assert n_last == n_big and last.finalist.team.name in html.unescape(page5)
    assert "Précédente" in page5


def test_a_projects_arithmetic_on_demand(world, login):
    jury, (j1, j2), (f1, f2), crits = ready_jury(world.a.cohort, weights=(2, 1))
    JuryMember.objects.filter(pk=j1.pk).update(name="Anne A", user=None)
    JuryMember.objects.filter(pk=j2.pk).update(name="Bruno B", user=None)
    j1.refresh_from_db()
    j2.refresh_from_db()
    for member, finalist_, values, comment in (
        (j1, f1, (5, 2), "Très utile."),  # (2×5 + 1×2) ÷ 3 = 4
        (j2, f1, (3, 0), ""),  # (2×3 + 1×0) ÷ 3 = 2
        (j1, f2, (4, 4), ""),
    ):
        for c, v in zip(crits, values, strict=True):
            Score.objects.create(
                jury=jury, member=member, finalist=finalist_, criterion=c, value=v, comment=comment
            )
    close(world, jury)
    client = login(world.a.people["coordinator"])
    url = reverse("trophies:jury_result_sheet", args=[jury.pk, f1.pk])
    results = text(client.get(reverse("trophies:jury_results", args=[jury.pk])))
    # A link (a page of its own without JavaScript) that site.js turns into a disclosure
    # button with aria-expanded controlling the panel HTMX fills on the first click.
    assert f'href="{url}" hx-get="{url}" hx-trigger="click once" hx-target="#sheet-{f1.pk}"' in (
        results
    )
    assert f'data-disclosure aria-controls="sheet-{f1.pk}"' in results
    assert f'<div id="sheet-{f1.pk}" aria-live="polite"></div>' in results
    fragment = text(client.get(url, **HTMX))
    assert "<html" not in fragment
    assert f"{j1} : (2×5,00 + 1×2,00) ÷ 3 = 4,00" in fragment
    assert f"{j2} : (2×3,00 + 1×0,00) ÷ 3 = 2,00" in fragment
    assert "Résultat = (4,00 + 2,00) ÷ 2 = 3,00 · dispersion = 1,000" in fragment
    assert f"<strong>{j1}</strong> (Pertinence) : Très utile." in fragment
    other = text(client.get(reverse("trophies:jury_result_sheet", args=[jury.pk, f2.pk]), **HTMX))
    assert f"{j2} : grille incomplète, non comptée" in other and "Aucun commentaire." in other
    # Without JavaScript, the link opens a page of its own.
    page = text(client.get(url))
    assert "<html" in page and "Rang 2" in page and "(4,00 + 2,00) ÷ 2 = 3,00" in page


def test_the_fragment_matches_the_stored_normalised_ranking_and_costs_the_same(world, login):
    client = login(world.a.people["coordinator"])
    sizes = {}
    for n in (2, 40):
        jury, members, teams, crits = voted_jury(world, finalists=n, normalisation="zscore")
        close(world, jury)
        first = RankedFinalist.objects.filter(ranking__jury=jury).order_by("position").first()
        url = reverse("trophies:jury_result_sheet", args=[jury.pk, first.finalist_id])
        with CaptureQueriesContext(connection) as ctx:
            fragment = text(client.get(url, **HTMX))
        sizes[n] = len(ctx.captured_queries)
        match = re.search(r"Résultat = \(.*?\) ÷ 2 = (-?\d+,\d\d)", fragment)
        assert match and match.group(1) == f"{first.score:.2f}".replace(".", ",")
    assert sizes[2] == sizes[40]


def test_the_fragment_has_the_results_pages_permission(world, login):
    jury, _m, (f1, _f2), _c = voted_jury(world)
    juror(jury, world.a.people["juror"])
    close(world, jury)
    url = reverse("trophies:jury_result_sheet", args=[jury.pk, f1.pk])
    assert login(world.a.people["coordinator"]).get(url, **HTMX).status_code == 200
    # A juror reads it once the results are published, like the results page.
    assert login(world.a.people["juror"]).get(url, **HTMX).status_code == 403
    assert login(world.b.people["coordinator"]).get(url, **HTMX).status_code == 404
    # A project of another jury, under this jury's address: not found.
    other, _m, (g1, _g2), _c = voted_jury(world)
    close(world, other)
    wrong = reverse("trophies:jury_result_sheet", args=[jury.pk, g1.pk])
    assert login(world.a.people["coordinator"]).get(wrong, **HTMX).status_code == 404


def test_nothing_is_stored_or_shown_while_the_vote_is_open(world, login):
    jury, (j1, _j2), (f1, _f2), crits = ready_jury(world.a.cohort)
    seat = juror(jury, world.a.people["juror"])
    services.score_sheet_save(
        jury=jury,
        member=seat,
        finalist=f1,
        marks={c.pk: (4, "Sentinelle-19") for c in crits},
        actor=world.a.people["juror"],
    )
    assert not JuryRanking.objects.filter(jury=jury).exists()
    with pytest.raises(DomainError):
        services.ranking_current(jury=jury)
    with pytest.raises(DomainError):
        services.ranking_store(jury=jury)
    client = login(world.a.people["coordinator"])
    url = reverse("trophies:jury_result_sheet", args=[jury.pk, f1.pk])
    response = client.get(url, **HTMX)
    assert response.status_code == 403 and "Sentinelle-19" not in response.content.decode()
    assert not JuryRanking.objects.filter(jury=jury).exists()


def test_the_chairs_casting_vote_recomputes_the_stored_ranking(world, login):
    jury, (j1,), (f1, f2), crits = ready_jury(
        world.a.cohort, jurors=1, weights=(1, 1), tie_break=["lower_spread", "chair"]
    )
    for f, values in ((f1, (3, 5)), (f2, (5, 3))):  # the same mean, the same spread
        for c, v in zip(crits, values, strict=True):
            Score.objects.create(jury=jury, member=j1, finalist=f, criterion=c, value=v)
    close(world, jury)
    stored = {r.finalist_id: r for r in RankedFinalist.objects.filter(ranking__jury=jury)}
    assert stored[f1.pk].unresolved_tie and stored[f2.pk].unresolved_tie
    client = login(world.a.people["coordinator"])
    client.post(reverse("trophies:casting_vote", args=[jury.pk, f2.pk]))
    rows = list(RankedFinalist.objects.filter(ranking__jury=jury).order_by("position"))
    assert [(r.finalist_id, r.rank, r.unresolved_tie) for r in rows] == [
        (f2.pk, 1, False),
        (f1.pk, 2, False),
    ]
    assert rows[0].tie_notes == results_for(jury).rows[0].tie_notes
    page = text(client.get(reverse("trophies:jury_results", args=[jury.pk])))
    assert re.search(rf"<td>1</td> <td><strong>{re.escape(f2.team.name)}</strong>", page)
    assert (
        "La voix prépondérante du président : préféré (1)" in page
        and "Égalité non départagée" not in page
    )


def test_marks_cannot_change_once_closed_so_the_stored_ranking_holds(world):
    jury, (j1, _j2), (f1, _f2), crits = voted_jury(world)
    close(world, jury)
    before = list(RankedFinalist.objects.filter(ranking__jury=jury).values_list("score", flat=True))
    with pytest.raises(DomainError):
        services.score_sheet_save(
            jury=Jury.objects.get(pk=jury.pk),
            member=j1,
            finalist=f1,
            marks={crits[0].pk: (0, "")},
            actor=j1.user,
        )
    after = list(RankedFinalist.objects.filter(ranking__jury=jury).values_list("score", flat=True))
    assert after == before


def test_a_jury_closed_before_rankings_were_stored_gets_its_ranking(world, login):
    jury, _m, (f1, _f2), _c = voted_jury(world, status=JuryStatus.CLOSED)
    assert not JuryRanking.objects.filter(jury=jury).exists()
    page = login(world.a.people["coordinator"]).get(
        reverse("trophies:jury_results", args=[jury.pk])
    )
    assert page.status_code == 200 and f1.team.name in html.unescape(page.content.decode())
    assert jury.ranking.rows.count() == 2


def test_the_report_keeps_every_projects_arithmetic(world):
    from trophies.jury_report import report_html

    jury, _m, teams, _c = voted_jury(world, finalists=30)
    finalist(jury)  # unmarked
    close(world, jury)
    report = html.unescape(report_html(jury=Jury.objects.get(pk=jury.pk)))
    for f in teams:
        assert report.count(f.team.name) >= 2  # in the ranking and in the arithmetic
    assert report.count("Résultat = (") == 30
