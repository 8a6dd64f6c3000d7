"""The jury's results: a pure computation from the marks, shown with its arithmetic.

For each project and each juror with a complete sheet: the weighted mean of the marks,
Σ(weight × mark) ÷ Σ weight. With z-score normalisation each mark is first replaced by
(mark − the juror's mean) ÷ the juror's standard deviation, over all of that juror's marks,
so that a strict and a lenient juror weigh the same. The project's result is the mean of
its jurors' weighted means; the spread is their (population) standard deviation. Projects
with the same result are separated by the tie-break chain declared before voting.

Beside the result, each project has its mean on the criteria's own scale (the mean of its
jurors' weighted means of the raw marks, e.g. out of 5), which is what a municipal jury reads;
with z-scores the result is the normalised figure the ranking follows. The jurors disagree on
a project when their weighted means are further apart than a quarter of the scale
(``DISAGREEMENT_SHARE``): 1.25 points on a 0–5 scale, 5 points on a 0–20 scale.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import groupby

from django.db.models import Count
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trophies.models import (
    AwardCategory,
    Criterion,
    Finalist,
    Jury,
    JuryMember,
    JuryRanking,
    Normalisation,
    RankedFinalist,
    Score,
    TieBreak,
)
from trophies.selectors import criteria_of, exclusions_for, finalists_of

PRECISION = 9  # results equal to this many decimals are a tie
DISAGREEMENT_SHARE = 0.25  # jurors' weighted means further apart than this share of the scale


def fmt(value: float | None, places: int = 2) -> str:
    if value is None:
        return "—"
    return number_format(round(value, places), places)


@dataclass
class JurorStats:
    member: JuryMember
    mean: float
    sd: float
    count: int


@dataclass
class JurorLine:
    member: JuryMember
    marks: list[tuple[Criterion, int, float]]  # criterion, raw mark, value used
    weighted: float
    total_weight: int
    raw_weighted: float = 0.0  # on the criteria's scale, whatever the normalisation

    @property
    def expression(self) -> str:
        """The juror's sum written out, formatted in the active language (only when shown:
        formatting every term of every sum is what made the ranking slow)."""
        terms = " + ".join(f"{c.weight}×{fmt(u)}" for c, _v, u in self.marks)
        return f"({terms}) ÷ {self.total_weight} = {fmt(self.weighted)}"


@dataclass
class FinalistResult:
    finalist: Finalist
    lines: list[JurorLine] = field(default_factory=list)
    incomplete: list[JuryMember] = field(default_factory=list)
    excluded: list[JuryMember] = field(default_factory=list)
    score: float | None = None
    spread: float | None = None
    criterion_means: dict[int, float] = field(default_factory=dict)
    audience_votes: int = 0
    rank: int | None = None
    tie_notes: list[str] = field(default_factory=list)
    tie_steps: list[str] = field(default_factory=list)  # the tie-break steps applied
    tied: bool = False
    unresolved_tie: bool = False
    raw_score: float | None = None  # mean of the jurors' weighted means, on the scale
    raw_range: float | None = None  # highest minus lowest juror's weighted mean, on the scale
    disagreement: bool = False
    comments: list[tuple[JuryMember, Criterion, str]] = field(default_factory=list)

    @property
    def key(self) -> float:
        return -math.inf if self.score is None else round(self.score, PRECISION)

    @property
    def mean_expression(self) -> str:
        if not self.lines:
            return ""
        values = [line.weighted for line in self.lines]
        return f"({' + '.join(fmt(v) for v in values)}) ÷ {len(values)} = {fmt(self.score)}"


@dataclass
class Results:
    jury: Jury
    criteria: list[Criterion]
    rows: list[FinalistResult]
    juror_stats: list[JurorStats]
    normalised: bool

    @property
    def disagreement_threshold(self) -> float:
        return DISAGREEMENT_SHARE * (self.jury.scale_max - self.jury.scale_min)

    @property
    def disagreements(self) -> list[FinalistResult]:
        return [r for r in self.rows if r.disagreement]

    @property
    def unresolved(self) -> list[FinalistResult]:
        return [r for r in self.rows if r.unresolved_tie]

    def at_rank(self, rank: int) -> list[FinalistResult]:
        return [r for r in self.rows if r.rank == rank]


def _mean(values: list[float]) -> float:
    return sum(values) / len(values)


def _pstdev(values: list[float]) -> float:
    if len(values) < 2:
        return 0.0
    m = _mean(values)
    return math.sqrt(sum((v - m) ** 2 for v in values) / len(values))


# The same arithmetic serves the calls for projects' synthesis (calls/synthesis.py).
mean = _mean
pstdev = _pstdev


def compute(
    *,
    jury: Jury,
    criteria: list[Criterion],
    finalists: list[Finalist],
    members: list[JuryMember],
    scores: list[tuple[int, int, int, int]],
    excluded: set[tuple[int, int]],
    audience: dict[int, int] | None = None,
    stats: dict[int, JurorStats] | None = None,
) -> Results:
    """``scores`` are (member id, finalist id, criterion id, value) tuples. ``stats``, the
    jurors' means and standard deviations over all their marks, are computed from ``scores``
    unless given (a single project's arithmetic, with the parameters stored at close)."""
    normalised = jury.normalisation == Normalisation.ZSCORE
    criterion_ids = [c.id for c in criteria]
    total_weight = sum(c.weight for c in criteria)
    marks: dict[tuple[int, int], dict[int, int]] = defaultdict(dict)
    for mid, fid, cid, value in scores:
        if (mid, fid) not in excluded and cid in criterion_ids:
            marks[(mid, fid)][cid] = value

    if stats is None:
        stats = {}
        by_member: dict[int, list[int]] = defaultdict(list)
        for (mid, _f), d in marks.items():
            by_member[mid].extend(d.values())
        for m in members:
            values = by_member.get(m.id)
            if values:
                stats[m.id] = JurorStats(m, _mean(values), _pstdev(values), len(values))

    def used(mid: int, value: int) -> float:
        if not normalised:
            return float(value)
        st = stats[mid]
        return 0.0 if st.sd == 0 else (value - st.mean) / st.sd

    rows = []
    for f in finalists:
        row = FinalistResult(finalist=f, audience_votes=(audience or {}).get(f.id, 0))
        per_criterion: dict[int, list[float]] = defaultdict(list)
        for m in members:
            if (m.id, f.id) in excluded:
                row.excluded.append(m)
                continue
            d = marks.get((m.id, f.id), {})
            if len(d) < len(criteria) or not criteria:
                row.incomplete.append(m)
                continue
            triples = [(c, d[c.id], used(m.id, d[c.id])) for c in criteria]
            weighted = sum(c.weight * u for c, _v, u in triples) / total_weight
            raw_weighted = sum(c.weight * v for c, v, _u in triples) / total_weight
            row.lines.append(JurorLine(m, triples, weighted, total_weight, raw_weighted))
            for c, _v, u in triples:
                per_criterion[c.id].append(u)
        if row.lines:
            values = [line.weighted for line in row.lines]
            row.score = _mean(values)
            row.spread = _pstdev(values)
            row.criterion_means = {cid: _mean(v) for cid, v in per_criterion.items()}
            raw = [line.raw_weighted for line in row.lines]
            row.raw_score = _mean(raw)
            row.raw_range = max(raw) - min(raw)
            threshold = DISAGREEMENT_SHARE * (jury.scale_max - jury.scale_min)
            row.disagreement = len(raw) > 1 and round(row.raw_range, PRECISION) > threshold
        rows.append(row)

    ranked = _rank(rows, jury, criteria)
    return Results(jury, criteria, ranked, list(stats.values()), normalised)


def _step_key(step: str, row: FinalistResult, first_criterion: Criterion | None) -> float:
    if step == TieBreak.FIRST_CRITERION and first_criterion is not None:
        return -round(row.criterion_means.get(first_criterion.id, -math.inf), PRECISION)
    if step == TieBreak.LOWER_SPREAD:
        return round(row.spread if row.spread is not None else math.inf, PRECISION)
    if step == TieBreak.CHAIR:
        p = row.finalist.casting_priority
        return math.inf if p is None else float(p)
    return 0.0


def _step_value(step: str, row: FinalistResult, first_criterion: Criterion | None) -> str:
    if step == TieBreak.FIRST_CRITERION and first_criterion is not None:
        return fmt(row.criterion_means.get(first_criterion.id))
    if step == TieBreak.LOWER_SPREAD:
        return fmt(row.spread)
    if step == TieBreak.CHAIR:
        p = row.finalist.casting_priority
        return _("preferred (%(n)s)") % {"n": p} if p is not None else _("no casting vote")
    return ""


def _break(group, steps, first_criterion, labels):
    """Split a group of tied rows into ordered subgroups along the chain."""
    if len(group) == 1 or not steps:
        return [group]
    step, rest = steps[0], steps[1:]
    for r in group:
        r.tie_steps.append(step)
        r.tie_notes.append(
            _("%(step)s: %(value)s")
            % {"step": labels.get(step, step), "value": _step_value(step, r, first_criterion)}
        )
    ordered = sorted(group, key=lambda r: _step_key(step, r, first_criterion))
    out = []
    for _k, sub in groupby(ordered, key=lambda r: _step_key(step, r, first_criterion)):
        out.extend(_break(list(sub), rest, first_criterion, labels))
    return out


def _rank(rows: list[FinalistResult], jury: Jury, criteria: list[Criterion]):
    first_criterion = criteria[0] if criteria else None
    labels = dict(TieBreak.choices)
    labels = {k: str(v) for k, v in labels.items()}
    ordered = sorted(rows, key=lambda r: (-r.key, r.finalist.order, r.finalist.id))
    result: list[FinalistResult] = []
    position = 1
    for _k, group in groupby(ordered, key=lambda r: r.key):
        group = list(group)
        if group[0].score is None:
            result.extend(group)  # nobody marked these: no rank
            continue
        if len(group) > 1:
            for r in group:
                r.tied = True
                r.tie_notes.append(_("Tied at %(score)s") % {"score": fmt(r.score, 4)})
        for sub in _break(group, list(jury.tie_break), first_criterion, labels):
            for r in sub:
                r.rank = position
                r.unresolved_tie = len(sub) > 1
            result.extend(sub)
            position += len(sub)
    return result


def results_for(jury: Jury) -> Results:
    """Load everything the computation needs in a fixed number of queries."""

    criteria = criteria_of(jury)
    finalists = finalists_of(jury)
    members = list(jury.members.select_related("user"))
    excluded = set(exclusions_for(jury, members=members, finalists=finalists))
    marks = list(
        Score.objects.filter(jury=jury).values_list(
            "member_id", "finalist_id", "criterion_id", "value", "comment"
        )
    )
    scores = [m[:4] for m in marks]
    audience = dict(
        jury.audience_votes.values("finalist_id")
        .annotate(n=Count("id"))
        .values_list("finalist_id", "n")
    )
    results = compute(
        jury=jury,
        criteria=criteria,
        finalists=finalists,
        members=members,
        scores=scores,
        excluded=excluded,
        audience=audience,
    )
    _attach_comments(results.rows, marks, members, criteria, excluded)
    return results


def _attach_comments(rows, marks, members, criteria, excluded) -> None:
    """The jurors' comments, by project, in the order of the jurors and the criteria."""
    by_member = {m.id: (i, m) for i, m in enumerate(members)}
    by_criterion = {c.id: (i, c) for i, c in enumerate(criteria)}
    comments: dict[int, list] = defaultdict(list)
    for mid, fid, cid, _value, comment in marks:
        if comment.strip() and (mid, fid) not in excluded and cid in by_criterion:
            comments[fid].append((by_member[mid], by_criterion[cid], comment.strip()))
    for row in rows:
        found = sorted(comments.get(row.finalist.id, []), key=lambda t: (t[0][0], t[1][0]))
        row.comments = [(m, c, text) for (_i, m), (_j, c), text in found]


PROBLEMS = {
    "no_place": gettext_lazy("No project holds this place."),
    "tie_place": gettext_lazy("An unresolved tie holds this place."),
    "nobody": gettext_lazy("No project can receive this award."),
    "tie_award": gettext_lazy("An unresolved tie decides this award."),
}


@dataclass
class Decision:
    category: object
    winner: FinalistResult | RankedFinalist | None  # either has ``.finalist``
    code: str = ""  # a key of PROBLEMS: why nobody receives the award

    @property
    def problem(self) -> str:
        return str(PROBLEMS[self.code]) if self.code else ""

    @property
    def set_aside(self) -> bool:
        return self.category.is_set_aside


def decide_awards(results: Results, categories) -> list[Decision]:
    """Who wins each award category; a problem (an unresolved tie, nobody) blocks publication."""
    decisions = []
    ranked = [r for r in results.rows if r.rank is not None]
    by_rank = {r.finalist.id: r.rank for r in ranked}
    for cat in categories:
        if cat.basis == AwardCategory.Basis.RANKING:
            at = results.at_rank(cat.position)
            if len(at) == 1:
                decisions.append(Decision(cat, at[0]))
            elif not at:
                decisions.append(Decision(cat, None, "no_place"))
            else:
                decisions.append(Decision(cat, None, "tie_place"))
            continue
        if cat.basis == AwardCategory.Basis.CRITERION:
            candidates = [r for r in ranked if cat.criterion_id in r.criterion_means]

            def value(r, cid=cat.criterion_id):
                return round(r.criterion_means[cid], PRECISION)
        else:
            candidates = [r for r in results.rows if r.audience_votes > 0]

            def value(r):
                return r.audience_votes

        if not candidates:
            decisions.append(Decision(cat, None, "nobody"))
            continue
        best = max(value(r) for r in candidates)
        top = [r for r in candidates if value(r) == best]
        top.sort(key=lambda r: by_rank.get(r.finalist.id) or math.inf)
        if len(top) > 1 and by_rank.get(top[0].finalist.id) == by_rank.get(top[1].finalist.id):
            decisions.append(Decision(cat, None, "tie_award"))
        else:
            decisions.append(Decision(cat, top[0]))
    return decisions


def unattainable_categories(jury: Jury, categories, *, finalists: int, audience_votes: int):
    """Award categories that no project can receive as things stand, told without any mark
    (so while the vote is open): an audience prize without an audience vote, a place in the
    ranking beyond the number of finalists. (category, why) pairs, set-aside ones left out."""
    found = []
    for cat in categories:
        if cat.is_set_aside:
            continue
        if cat.basis == AwardCategory.Basis.AUDIENCE:
            if not jury.audience_award or jury.closing_session_id is None:
                found.append((cat, _("This jury has no audience vote.")))
            elif audience_votes == 0:
                found.append((cat, _("Nobody has voted in the audience vote.")))
        elif cat.basis == AwardCategory.Basis.RANKING and cat.position > finalists:
            found.append((cat, _("There are fewer finalists than this place.")))
    return found


# --- The stored ranking (computed when the vote closes) ---------------------------------------


def ranking_rows(ranking: JuryRanking, results: Results) -> list[RankedFinalist]:
    """The lines to store for ``results``, in the ranking's order."""
    first = results.criteria[0].id if results.criteria else None
    return [
        RankedFinalist(
            ranking=ranking,
            finalist_id=r.finalist.id,
            position=i,
            rank=r.rank,
            score=r.score,
            raw_score=r.raw_score,
            raw_range=r.raw_range,
            spread=r.spread,
            first_criterion_mean=r.criterion_means.get(first) if first is not None else None,
            disagreement=r.disagreement,
            unresolved_tie=r.unresolved_tie,
            tied=r.tied,
            tie_steps=list(r.tie_steps),
            audience_votes=r.audience_votes,
        )
        for i, r in enumerate(results.rows, start=1)
    ]


def ranking_fields(results: Results, decisions: list[Decision]) -> dict:
    """The stored ranking's own fields: the z-score parameters and the awards' outcome."""
    return {
        "normalised": results.normalised,
        "juror_stats": [
            {"member": s.member.id, "mean": s.mean, "sd": s.sd, "count": s.count}
            for s in results.juror_stats
        ],
        "decisions": [
            {
                "category": d.category.id,
                "winner": d.winner.finalist.id if d.winner else None,
                "problem": d.code,
            }
            for d in decisions
        ],
    }


def stored_tie_notes(row: RankedFinalist) -> list[str]:
    """The tie-break notes of a stored line, written in the active language."""
    labels = {k: str(v) for k, v in TieBreak.choices}
    notes = []
    if row.tied:
        notes.append(_("Tied at %(score)s") % {"score": fmt(row.score, 4)})
    for step in row.tie_steps:
        if step == TieBreak.FIRST_CRITERION:
            value = fmt(row.first_criterion_mean)
        elif step == TieBreak.LOWER_SPREAD:
            value = fmt(row.spread)
        elif step == TieBreak.CHAIR:
            p = row.finalist.casting_priority
            value = _("preferred (%(n)s)") % {"n": p} if p is not None else _("no casting vote")
        else:
            value = ""
        notes.append(_("%(step)s: %(value)s") % {"step": labels.get(step, step), "value": value})
    return notes


@dataclass
class StoredResults:
    """What the results page shows beside the page of the ranking, read from the stored
    ranking in a fixed number of queries."""

    jury: Jury
    ranking: JuryRanking
    juror_stats: list[JurorStats]

    @property
    def normalised(self) -> bool:
        return self.ranking.normalised

    @property
    def disagreement_threshold(self) -> float:
        return DISAGREEMENT_SHARE * (self.jury.scale_max - self.jury.scale_min)


def _stats_of(ranking: JuryRanking, members: list[JuryMember]) -> dict[int, JurorStats]:
    by_id = {m.id: m for m in members}
    return {
        s["member"]: JurorStats(by_id[s["member"]], s["mean"], s["sd"], s["count"])
        for s in ranking.juror_stats
        if s["member"] in by_id
    }


def stored_results(jury: Jury, ranking: JuryRanking) -> StoredResults:
    members = list(jury.members.select_related("user"))
    return StoredResults(jury, ranking, list(_stats_of(ranking, members).values()))


def stored_decisions(ranking: JuryRanking, categories) -> list[Decision]:
    """The awards as decided when the ranking was stored; whether a category is set aside is
    read from the category itself (the coordinator may set one aside after the close)."""
    stored = {d["category"]: d for d in ranking.decisions}
    winners = {
        row.finalist_id: row
        for row in ranking.rows.filter(
            finalist_id__in=[d["winner"] for d in ranking.decisions if d["winner"]]
        ).select_related("finalist__team")
    }
    decisions = []
    for cat in categories:
        d = stored.get(cat.id, {"winner": None, "problem": "nobody"})
        decisions.append(Decision(cat, winners.get(d["winner"]), d["problem"]))
    return decisions


def sheet_arithmetic(jury: Jury, finalist: Finalist, ranking: JuryRanking) -> FinalistResult:
    """One project's arithmetic, on demand: each juror's sum, the mean, the spread and the
    jurors' comments, from this project's marks and the z-score parameters stored at close
    (a fixed number of queries, whatever the number of finalists)."""
    criteria = criteria_of(jury)
    members = list(jury.members.select_related("user"))
    excluded = set(exclusions_for(jury, members=members, finalists=[finalist]))
    marks = list(
        Score.objects.filter(jury=jury, finalist=finalist).values_list(
            "member_id", "finalist_id", "criterion_id", "value", "comment"
        )
    )
    results = compute(
        jury=jury,
        criteria=criteria,
        finalists=[finalist],
        members=members,
        scores=[m[:4] for m in marks],
        excluded=excluded,
        stats=_stats_of(ranking, members),
    )
    _attach_comments(results.rows, marks, members, criteria, excluded)
    return results.rows[0]
