"""Point 4: the synthesis with weighted scores, per-expert normalisation, the disagreement
flag, the recommendations, and the ranking's exports."""

import io

import pytest
from openpyxl import load_workbook

from calls import services
from calls.models import Assignment
from calls.synthesis import compute, synthesis_for
from tests.calls.factories import expert_user, make_dossier

pytestmark = pytest.mark.django_db


def _give(assignment, user, marks, rec="retain"):
    criteria = list(assignment.dossier.call.criteria.all())
    services.opinion_save(
        assignment=assignment,
        actor=user,
        scores={c.pk: m for c, m in zip(criteria, marks, strict=True)},
        confidence=3,
        strengths="",
        weaknesses="",
        recommendation=rec,
        submit=True,
    )


@pytest.fixture
def scored(cfp):
    """Two dossiers, two experts; criteria weighted 1 and 2. Raw weighted means:
    dossier A: expert 1 (5, 5) → 5, expert 2 (1, 2) → 5/3; dossier B: (3, 3) → 3, (2, 2) → 2."""
    cfp.call.normalisation = "none"
    cfp.call.save(update_fields=["normalisation"])
    a = make_dossier(cfp.call, cfp.org, cfp.person, submit=True, title="A")
    b = make_dossier(cfp.call, cfp.org2, cfp.person2, submit=True, title="B")
    (u1, s1), (u2, s2) = expert_user(cfp.call), expert_user(cfp.call)
    _give(Assignment.objects.create(expert=s1, dossier=a), u1, [5, 5])
    _give(Assignment.objects.create(expert=s2, dossier=a), u2, [1, 2], rec="reject")
    _give(Assignment.objects.create(expert=s1, dossier=b), u1, [3, 3])
    _give(Assignment.objects.create(expert=s2, dossier=b), u2, [2, 2], rec="reserved")
    return cfp, a, b


def test_weighted_means_disagreement_and_ranking(scored):
    cfp, a, b = scored
    rows = {s.dossier.title: s for s in synthesis_for(cfp.call)}
    assert rows["A"].raw_score == pytest.approx((5 + 5 / 3) / 2)
    assert rows["A"].raw_range == pytest.approx(5 - 5 / 3)
    assert rows["A"].disagreement is True
    assert rows["B"].raw_score == pytest.approx(2.5) and rows["B"].disagreement is False
    assert (rows["A"].rank, rows["B"].rank) == (1, 2)
    assert rows["A"].recommendations == {"retain": 1, "reject": 1}


def test_zscore_normalisation_uses_each_experts_own_mean_and_spread(scored):
    cfp, a, b = scored
    cfp.call.normalisation = "zscore"
    cfp.call.save(update_fields=["normalisation"])
    rows = {s.dossier.title: s for s in synthesis_for(cfp.call)}
    # Expert 1's marks 5,5,3,3: mean 4, sd 1 → A: +1, B: −1. Expert 2's 1,2,2,2: mean 1.75,
    # sd √0.1875 → A: (1·(−0.75) + 2·0.25)/3 ÷ sd, B: 0.25 ÷ sd.
    sd2 = 0.1875**0.5
    assert rows["A"].score == pytest.approx((1 + (-0.25 / 3) / sd2) / 2)
    assert rows["B"].score == pytest.approx((-1 + 0.25 / sd2) / 2)


def test_pure_compute_ignores_incomplete_opinions(cfp):
    criteria = list(cfp.call.criteria.all())
    d = make_dossier(cfp.call, cfp.org, cfp.person)
    rows = compute(
        call=cfp.call,
        criteria=criteria,
        dossiers=[d],
        opinions=[(1, d.pk, {str(criteria[0].pk): 5}, 2, "retain")],
    )
    assert rows[0].score is None and rows[0].rank is None and rows[0].experts == 0


def test_synthesis_page_and_exports(scored, login):
    cfp, a, b = scored
    client = login(cfp.coordinator)
    page = client.get(f"/appels/{cfp.call.pk}/synthesis/").content.decode()
    assert "désaccord des experts" in page and "3,33" in page
    csv = client.get(f"/appels/{cfp.call.pk}/ranking.csv")
    assert csv["Content-Type"].startswith("text/csv")
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Rang;Dossier;Porteur")
    assert lines[1].startswith("1;A;Intercommunalité A;150000;2;3.33")
    xlsx = client.get(f"/appels/{cfp.call.pk}/ranking.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [c.value for c in next(sheet.iter_rows(min_row=2, max_row=2))][:3] == [
        1,
        "A",
        "Intercommunalité A",
    ]
    assert client.get(f"/appels/{cfp.call.pk}/ranking.pdf").status_code == 404
    # The experts' names are not in the committee's ranking table.
    assert all(s.name not in csv.content.decode() for s in cfp.call.experts.all())
