"""Results a municipal jury can read (issue #12.4): the ranking on the criteria's own scale
with the normalised figure beside it, a flag when the jurors disagree, the jurors' comments on
the results page and in the procès-verbal; and the finalists' public deliverables on the
jurors' sheet."""

import html
import io
import json
import re

import pytest
from django.urls import reverse

from cohorts.models import DeliverableFile, Milestone
from tests.cohorts import factories as cf
from tests.trophies.factories import juror, ready_jury
from trophies.jury_results import results_for
from trophies.models import Score

pytestmark = pytest.mark.django_db


def mark(jury, member, finalist, crits, values, comment=""):
    for c, v in zip(crits, values, strict=True):
        Score.objects.create(
            jury=jury, member=member, finalist=finalist, criterion=c, value=v, comment=comment
        )


def text(response) -> str:
    return " ".join(html.unescape(response.content.decode()).split())


def closed_jury(world, **kwargs):
    jury, (j1, j2), (f1, f2), crits = ready_jury(
        world.a.cohort, weights=(2, 1), status="closed", **kwargs
    )
    return jury, (j1, j2), (f1, f2), crits


def test_ranking_on_the_scale_with_the_normalised_figure_explained(world, login):
    jury, (j1, j2), (f1, f2), crits = closed_jury(world, normalisation="zscore")
    mark(jury, j1, f1, crits, [5, 2])  # 4
    mark(jury, j2, f1, crits, [5, 5])  # 5
    mark(jury, j1, f2, crits, [1, 1])  # 1
    mark(jury, j2, f2, crits, [4, 4])  # 4
    results = results_for(jury)
    first, second = results.rows
    assert first.finalist == f1 and first.raw_score == pytest.approx(4.5)
    assert second.raw_score == pytest.approx(2.5) and second.raw_range == pytest.approx(3)
    page = text(
        login(world.a.people["coordinator"]).get(reverse("trophies:jury_results", args=[jury.pk]))
    )
    assert "Moyenne pondérée (sur 5)" in page and "Résultat normalisé" in page
    name = re.escape(f1.team.name)
    assert re.search(rf"<td>1</td> <td><strong>{name}</strong>.*?</td> <td>4,50</td>", page)
    assert "Le résultat normalisé, qui fait le classement, compare chaque note" in page


def test_raw_jury_shows_one_figure_on_a_0_to_20_scale(world, login):
    jury, (j1, j2), (f1, f2), crits = closed_jury(world, scale_max=20)
    mark(jury, j1, f1, crits, [16, 10])
    mark(jury, j2, f1, crits, [14, 14])
    page = text(
        login(world.a.people["coordinator"]).get(reverse("trophies:jury_results", args=[jury.pk]))
    )
    assert "Moyenne pondérée (sur 20)" in page and "Résultat normalisé" not in page
    assert "<td>14,00</td>" in page
    assert "quand il dépasse 5 points (le quart de l'échelle de 0 à 20)" in page


def test_high_disagreement_between_jurors_is_flagged_and_defined(world, login):
    jury, (j1, j2), (f1, f2), crits = closed_jury(world)
    mark(jury, j1, f1, crits, [5, 5])  # 5
    mark(jury, j2, f1, crits, [1, 1])  # 1: four points apart, more than 1.25
    mark(jury, j1, f2, crits, [3, 3])  # 3
    mark(jury, j2, f2, crits, [4, 1])  # 3: they agree
    rows = {r.finalist: r for r in results_for(jury).rows}
    assert rows[f1].disagreement and not rows[f2].disagreement
    page = text(
        login(world.a.people["coordinator"]).get(reverse("trophies:jury_results", args=[jury.pk]))
    )
    assert page.count("jurés en désaccord") == 1
    assert '<td>4,00 <span class="badge text-bg-warning">jurés en désaccord</span></td>' in page
    assert "quand il dépasse 1,25 points (le quart de l'échelle de 0 à 5)" in page


def test_jurors_comments_on_the_results_page_and_in_the_report(world, login):
    from pypdf import PdfReader

    jury, (j1, j2), (f1, f2), crits = closed_jury(world)
    mark(jury, j1, f1, crits, [5, 5], comment="Très utile aux habitants du quartier.")
    mark(jury, j2, f1, crits, [4, 4])
    mark(jury, j1, f2, crits, [3, 3])
    mark(jury, j2, f2, crits, [2, 2], comment="Prototype encore fragile.")
    client = login(world.a.people["coordinator"])
    # On the results page, each project's comments open with its arithmetic (issue #19).
    page = text(client.get(reverse("trophies:jury_result_sheet", args=[jury.pk, f1.pk])))
    assert "Commentaires des jurés" in page
    assert f"<strong>{j1}</strong> (Pertinence) : Très utile aux habitants du quartier." in page
    page = text(client.get(reverse("trophies:jury_result_sheet", args=[jury.pk, f2.pk])))
    assert f"<strong>{j2}</strong> (Innovation) : Prototype encore fragile." in page
    report = client.get(reverse("trophies:jury_report", args=[jury.pk]))
    pdf = " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(report.content)).pages).split()
    )
    assert "Commentaires des jurés" in pdf
    assert "Très utile aux habitants du quartier." in pdf and "Prototype encore fragile." in pdf
    assert "Moyenne pondérée (sur 5)" in pdf


@pytest.fixture
def deliverables(world):
    jury, _m, (f1, f2), _c = ready_jury(world.a.cohort, jurors=0)
    seat = juror(jury, world.a.people["juror"])
    final = cf.milestone(world.a.cohort, kind=Milestone.Kind.FINAL, name="Projet final")
    scenario = cf.milestone(world.a.cohort, kind=Milestone.Kind.SCENARIO, name="Scénario")
    old = cf.stored(DeliverableFile, name="brouillon.png", version=cf.version(f1.team, final))
    latest = cf.stored(DeliverableFile, name="projet.png", version=cf.version(f1.team, final))
    working = cf.stored(DeliverableFile, name="notes.png", version=cf.version(f1.team, scenario))
    return jury, seat, (f1, f2), {"old": old, "latest": latest, "working": working}


def test_jurors_open_the_finalists_public_deliverables_from_their_sheet(world, login, deliverables):
    jury, _seat, (f1, _f2), files = deliverables
    client = login(world.a.people["juror"])
    sheet = html.unescape(client.get(reverse("trophies:sheet", args=[jury.pk])).content.decode())
    link = reverse("trophies:finalist_file", args=[jury.pk, files["latest"].pk])
    assert "Les livrables de l'équipe :" in sheet and f'href="{link}">projet.png</a>' in sheet
    assert "brouillon.png" not in sheet and "notes.png" not in sheet
    response = client.get(link)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    # Earlier versions and the other milestones' working documents stay with the team's people.
    for name in ("old", "working"):
        url = reverse("trophies:finalist_file", args=[jury.pk, files[name].pk])
        assert client.get(url).status_code == 404
    # Someone who does not sit on the jury cannot open it either.
    for person in ("coordinator", "student", "municipal"):
        other = login(world.a.people.get(person) or world.a.people["coordinator"])
        assert other.get(link).status_code in (403, 404)
    assert login(world.b.people["juror"]).get(link).status_code == 404


def test_sheet_heading_counts_projects_with_french_plurals(world, login, deliverables):
    jury, seat, (f1, f2), _files = deliverables
    crits = list(jury.criteria.all())
    mark(jury, seat, f1, crits, [3, 3])
    page = login(world.a.people["juror"]).get(reverse("trophies:sheet", args=[jury.pk]))
    body = page.content.decode()
    assert '<span id="sheet-progress" aria-live="polite">1 projet complet sur 2</span>' in body
    texts = re.search(
        r'<script id="sheet-progress-texts" type="application/json">(.*?)</script>', body
    ).group(1)
    assert json.loads(texts) == [
        "0 projet complet sur 2",
        "1 projet complet sur 2",
        "2 projets complets sur 2",
    ]
