"""Results: weighted means, z-score normalisation, spread, tie-break chain, casting vote,
publication that creates the trophies and then locks everything, and the PDF report."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from curiouslab.errors import DomainError
from tests.trophies.factories import juror, ready_jury
from trophies import services
from trophies.jury_results import results_for
from trophies.models import Award, AwardCategory, Jury, JuryMember, JuryStatus, Score

pytestmark = pytest.mark.django_db


def mark(jury, member, finalist, crits, values):
    for c, v in zip(crits, values, strict=True):
        Score.objects.create(jury=jury, member=member, finalist=finalist, criterion=c, value=v)


def test_results_weighted_mean_and_spread(world):
    jury, (j1, j2), (f1, f2), crits = ready_jury(world.a.cohort, weights=(2, 1))
    mark(jury, j1, f1, crits, [5, 2])  # (2×5 + 1×2) ÷ 3 = 4
    mark(jury, j2, f1, crits, [3, 0])  # (2×3 + 1×0) ÷ 3 = 2
    mark(jury, j1, f2, crits, [4, 4])  # 4
    mark(jury, j2, f2, crits, [2, 5])  # 3
    JuryMember.objects.filter(pk=j1.pk).update(name="A")
    JuryMember.objects.filter(pk=j2.pk).update(name="B")
    results = results_for(jury)
    first, second = results.rows
    assert first.finalist == f2 and first.score == pytest.approx(3.5) and first.rank == 1
    assert second.finalist == f1 and second.score == pytest.approx(3.0)
    assert second.spread == pytest.approx(1.0)
    assert second.lines[0].expression == "(2×5,00 + 1×2,00) ÷ 3 = 4,00"
    assert second.mean_expression == "(4,00 + 2,00) ÷ 2 = 3,00"


def test_results_zscore_makes_strict_and_lenient_jurors_weigh_the_same(world):
    jury, (strict, lenient), (f1, f2), crits = ready_jury(
        world.a.cohort, weights=(1,), normalisation="zscore"
    )
    crits = crits[:1]
    mark(jury, strict, f1, crits, [1])
    mark(jury, strict, f2, crits, [2])  # strict prefers f2 by one point
    mark(jury, lenient, f1, crits, [5])
    mark(jury, lenient, f2, crits, [4])  # lenient prefers f1 by one point
    results = results_for(jury)
    assert results.rows[0].score == pytest.approx(0.0)
    assert results.rows[1].score == pytest.approx(0.0)
    raw = Jury.objects.get(pk=jury.pk)
    raw.normalisation = "none"
    assert results_for(raw).rows[0].score == pytest.approx(3.0)


def test_results_ignore_excluded_pairs_and_incomplete_sheets(world):
    from trophies.models import ConflictDeclaration

    jury, (j1, j2), (f1, _f2), crits = ready_jury(world.a.cohort)
    mark(jury, j1, f1, crits, [5, 5])
    mark(jury, j2, f1, crits, [0, 0])
    ConflictDeclaration.objects.create(jury=jury, member=j2, finalist=f1, reason="cousin")
    row = next(r for r in results_for(jury).rows if r.finalist == f1)
    assert row.score == pytest.approx(5.0)
    assert row.excluded == [j2]


def _tie(world, tie_break):
    jury, (j1,), (f1, f2), crits = ready_jury(
        world.a.cohort, jurors=1, weights=(1, 1), tie_break=tie_break
    )
    mark(jury, j1, f1, crits, [3, 5])
    mark(jury, j1, f2, crits, [5, 3])  # same mean, f2 better on the first criterion
    Jury.objects.filter(pk=jury.pk).update(status=JuryStatus.CLOSED)
    jury.refresh_from_db()
    return jury, f1, f2


def test_tie_broken_by_the_first_criterion(world):
    jury, f1, f2 = _tie(world, ["first_criterion", "chair"])
    rows = results_for(jury).rows
    assert [r.finalist for r in rows] == [f2, f1]
    assert [r.rank for r in rows] == [1, 2]
    assert "Ex æquo à 4,0000" in rows[0].tie_notes[0]
    assert "Meilleure note sur le premier critère : 5,00" in rows[0].tie_notes[1]


def test_tie_unresolved_blocks_publication_until_the_chairs_casting_vote(world, login):
    jury, f1, f2 = _tie(world, ["lower_spread", "chair"])
    AwardCategory.objects.create(jury=jury, name="Grand prix", basis="ranking", position=1)
    rows = results_for(jury).rows
    assert all(r.unresolved_tie for r in rows)
    coordinator = world.a.people["coordinator"]
    client = login(coordinator)
    response = client.post(
        reverse("trophies:jury_transition", args=[jury.pk, "published"]), follow=True
    )
    assert "égalité non départagée" in response.content.decode()
    assert not Award.objects.exists()
    client.post(reverse("trophies:casting_vote", args=[jury.pk, f1.pk]))
    rows = results_for(Jury.objects.get(pk=jury.pk)).rows
    assert [r.finalist for r in rows] == [f1, f2] and not rows[0].unresolved_tie
    client.post(reverse("trophies:jury_transition", args=[jury.pk, "published"]))
    award = Award.objects.get()
    assert (award.category, award.team, award.challenge) == ("Grand prix", f1.team, f1.challenge)


def test_publish_creates_awards_and_locks_everything(world, login):
    jury, (j1, j2), (f1, f2), crits = ready_jury(world.a.cohort)
    mark(jury, j1, f1, crits, [5, 5])
    mark(jury, j2, f1, crits, [4, 4])
    mark(jury, j1, f2, crits, [3, 5])
    mark(jury, j2, f2, crits, [2, 2])
    AwardCategory.objects.create(jury=jury, name="Grand prix", basis="ranking", position=1)
    AwardCategory.objects.create(
        jury=jury, name="Prix de l'innovation", basis="criterion", criterion=crits[1]
    )
    client = login(world.a.people["coordinator"])
    live = client.get(reverse("trophies:jury_results", args=[jury.pk]), follow=True)
    assert "Le classement apparaît à la clôture du vote." in live.content.decode()
    client.post(reverse("trophies:jury_transition", args=[jury.pk, "closed"]), {"confirm": "1"})
    page = client.get(reverse("trophies:jury_results", args=[jury.pk])).content.decode()
    sheet = reverse("trophies:jury_result_sheet", args=[jury.pk, f1.pk])
    assert "Comment les résultats ont été calculés" in page and f'hx-get="{sheet}"' in page
    assert (
        "(2×5,00 + 1×5,00) ÷ 3 = 5,00" in client.get(sheet, HTTP_HX_REQUEST="true").content.decode()
    )
    client.post(reverse("trophies:jury_transition", args=[jury.pk, "published"]))
    jury.refresh_from_db()
    assert jury.status == JuryStatus.PUBLISHED and jury.published_at
    awards = {a.category: a.team for a in Award.objects.all()}
    assert awards == {"Grand prix": f1.team, "Prix de l'innovation": f1.team}
    with pytest.raises(DomainError):
        services.score_sheet_save(
            jury=jury, member=j1, finalist=f2, marks={crits[0].pk: (5, "")}, actor=j1.user
        )
    with pytest.raises(DomainError):
        services.jury_set_status(jury=jury, status="open", actor=world.a.people["coordinator"])
    assert Score.objects.get(member=j1, finalist=f2, criterion=crits[0]).value == 3
    # Once published, the jurors see the results too.
    juror(jury, world.a.people["juror"])
    assert (
        login(world.a.people["juror"])
        .get(reverse("trophies:jury_results", args=[jury.pk]))
        .status_code
        == 200
    )


def test_report_pdf_is_generated(world, login):
    jury, (j1, _j2), (f1, _f2), crits = ready_jury(world.a.cohort)
    mark(jury, j1, f1, crits, [5, 4])
    Jury.objects.filter(pk=jury.pk).update(status=JuryStatus.CLOSED)
    response = login(world.a.people["coordinator"]).get(
        reverse("trophies:jury_report", args=[jury.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "proces-verbal" in response["Content-Disposition"]
    # Laid out by the shared renderer with the fonts the project ships (base.css names them
    # CL Sans), not with a font of the machine.
    page = PdfReader(io.BytesIO(response.content)).pages[0]
    fonts = {str(f["/BaseFont"]) for f in page["/Resources"]["/Font"].values()}
    assert fonts and all(name.split("+")[-1].startswith("CL-Sans") for name in fonts), fonts


def test_report_html_lists_jurors_exclusions_ranking_and_signatures(world):
    from trophies.jury_report import report_html
    from trophies.models import ConflictDeclaration

    jury, (j1, j2), (f1, _f2), crits = ready_jury(world.a.cohort)
    mark(jury, j1, f1, crits, [5, 4])
    ConflictDeclaration.objects.create(jury=jury, member=j2, finalist=f1, reason="voisin")
    html = report_html(jury=jury)
    for text in (
        "Procès-verbal de délibération du jury",
        str(j1),
        "déclaré : voisin",
        "Classement",
        "Signatures",
        "(2×5,00 + 1×4,00) ÷ 3 = 4,67",
    ):
        assert text in html
