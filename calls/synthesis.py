"""The synthesis of the experts' opinions: a pure computation, with the jury's arithmetic
(``trophies.jury_results``: the same means, standard deviations, z-score normalisation and
disagreement share).

For each dossier and each expert who submitted an opinion: the weighted mean of the scores,
Σ(weight × score) ÷ Σ weight; with z-score normalisation each score is first replaced by
(score − the expert's mean) ÷ the expert's standard deviation over all their scores of the
call. The dossier's result is the mean of its experts' weighted means; the experts disagree
when their weighted means on the 0–5 scale are further apart than the jury's share of the
scale (1.25 points)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from calls.enums import Recommendation
from calls.models import SCALE_MAX, SCALE_MIN, Call, Dossier, Opinion
from calls.selectors import ASSESSED
from trophies.enums import Normalisation
from trophies.jury_results import DISAGREEMENT_SHARE, PRECISION, mean, pstdev

DISAGREEMENT = DISAGREEMENT_SHARE * (SCALE_MAX - SCALE_MIN)


@dataclass
class DossierSynthesis:
    dossier: Dossier
    experts: int = 0
    score: float | None = None  # the ranking's figure (normalised if the call says so)
    raw_score: float | None = None  # on the 0–5 scale
    raw_range: float | None = None
    disagreement: bool = False
    criterion_means: dict[int, float] = field(default_factory=dict)
    per_criterion: list[float | None] = field(default_factory=list)  # in the criteria's order
    recommendations: Counter = field(default_factory=Counter)
    confidence: float | None = None
    rank: int | None = None

    @property
    def recommendation_summary(self) -> list[tuple[str, int]]:
        return [(label, self.recommendations[key]) for key, label in Recommendation.choices]


def compute(
    *,
    call: Call,
    criteria: list,
    dossiers: list[Dossier],
    opinions: list[tuple[int, int, dict, int, str]],
) -> list[DossierSynthesis]:
    """``opinions`` are (expert id, dossier id, scores by criterion id as text, confidence,
    recommendation) of the submitted opinions. Returns the dossiers ranked."""
    normalised = call.normalisation == Normalisation.ZSCORE
    total_weight = sum(c.weight for c in criteria) or 1
    keys = [str(c.pk) for c in criteria]
    by_expert: dict[int, list[int]] = defaultdict(list)
    complete = []
    for eid, did, scores, confidence, rec in opinions:
        if all(k in scores for k in keys) and keys:
            complete.append((eid, did, scores, confidence, rec))
            by_expert[eid].extend(int(scores[k]) for k in keys)
    stats = {eid: (mean(v), pstdev(v)) for eid, v in by_expert.items()}

    def used(eid: int, value: int) -> float:
        if not normalised:
            return float(value)
        m, sd = stats[eid]
        return 0.0 if sd == 0 else (value - m) / sd

    per_dossier: dict[int, list] = defaultdict(list)
    for row in complete:
        per_dossier[row[1]].append(row)
    result = []
    for d in dossiers:
        s = DossierSynthesis(dossier=d)
        rows = per_dossier.get(d.pk, [])
        if rows:
            weighted, raw, confidences = [], [], []
            per_criterion: dict[int, list[float]] = defaultdict(list)
            for eid, _did, scores, confidence, rec in rows:
                weighted.append(
                    sum(c.weight * used(eid, int(scores[str(c.pk)])) for c in criteria)
                    / total_weight
                )
                raw.append(sum(c.weight * int(scores[str(c.pk)]) for c in criteria) / total_weight)
                for c in criteria:
                    per_criterion[c.pk].append(int(scores[str(c.pk)]))
                confidences.append(confidence)
                if rec:
                    s.recommendations[rec] += 1
            s.experts = len(rows)
            s.score, s.raw_score = mean(weighted), mean(raw)
            s.raw_range = max(raw) - min(raw)
            s.disagreement = len(raw) > 1 and round(s.raw_range, PRECISION) > DISAGREEMENT
            s.criterion_means = {cid: mean(v) for cid, v in per_criterion.items()}
            s.confidence = mean(confidences)
        s.per_criterion = [s.criterion_means.get(c.pk) for c in criteria]
        result.append(s)
    result.sort(key=lambda s: (s.score is None, -(s.score or 0), s.dossier.title, s.dossier.pk))
    rank = 0
    previous = None
    for i, s in enumerate(result, start=1):
        if s.score is None:
            break
        key = round(s.score, PRECISION)
        if key != previous:
            rank, previous = i, key
        s.rank = rank
    return result


def synthesis_for(call: Call) -> list[DossierSynthesis]:
    """Three queries whatever the number of dossiers: the dossiers, the criteria, the opinions."""
    dossiers = list(
        call.dossiers.filter(status__in=ASSESSED).select_related("organisation").order_by("pk")
    )
    criteria = list(call.criteria.all())
    opinions = list(
        Opinion.objects.filter(
            assignment__dossier__call=call, submitted_at__isnull=False
        ).values_list(
            "assignment__expert_id",
            "assignment__dossier_id",
            "scores",
            "confidence",
            "recommendation",
        )
    )
    return compute(call=call, criteria=criteria, dossiers=dossiers, opinions=opinions)
