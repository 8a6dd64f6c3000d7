"""The automatic balanced assignment (calls/assignment.py), a pure function."""

import random
import time

from calls.assignment import Candidate, propose


def _check(proposal, experts, dossiers, k, excluded):
    for d in dossiers:
        chosen = proposal.by_dossier[d.id]
        assert len(set(chosen)) == len(chosen)
        assert not any((e, d.id) in excluded for e in chosen)
        if d.id not in proposal.short:
            assert len(chosen) == k
    loads = {e.id: 0 for e in experts}
    for chosen in proposal.by_dossier.values():
        for e in chosen:
            loads[e] += 1
    assert loads == proposal.loads
    return loads


def test_every_dossier_gets_k_experts_with_loads_within_one():
    experts = [Candidate(i) for i in range(7)]
    dossiers = [Candidate(100 + i) for i in range(17)]
    p = propose(experts=experts, dossiers=dossiers, k=3)
    loads = _check(p, experts, dossiers, 3, set())
    assert max(loads.values()) - min(loads.values()) <= 1
    assert sum(loads.values()) == 51 and not p.short


def test_conflicts_are_never_assigned_and_loads_stay_balanced():
    rng = random.Random(4)
    experts = [Candidate(i) for i in range(10)]
    dossiers = [Candidate(100 + i) for i in range(40)]
    excluded = {(e.id, d.id) for e in experts for d in dossiers if rng.random() < 0.2}
    p = propose(experts=experts, dossiers=dossiers, k=3, excluded=excluded)
    loads = _check(p, experts, dossiers, 3, excluded)
    assert p.spread <= 1, loads


def test_expertise_tags_are_matched_where_given():
    experts = [Candidate(1, frozenset({"santé"})), Candidate(2, frozenset({"mobilité"}))]
    dossiers = [Candidate(10, frozenset({"mobilité"})), Candidate(11, frozenset({"santé"}))]
    p = propose(experts=experts, dossiers=dossiers, k=1)
    assert p.by_dossier == {10: [2], 11: [1]}


def test_a_dossier_that_every_expert_conflicts_with_is_reported_short():
    experts = [Candidate(1), Candidate(2)]
    dossiers = [Candidate(10), Candidate(11)]
    p = propose(experts=experts, dossiers=dossiers, k=2, excluded={(1, 10), (2, 10)})
    assert p.by_dossier[10] == [] and p.short == {10: 0}
    assert p.by_dossier[11] == [1, 2]


def test_sixty_experts_and_five_hundred_dossiers_in_under_two_seconds():
    rng = random.Random(18)
    tags = ["numérique", "santé", "mobilité", "éducation", "emploi", "environnement"]
    experts = [Candidate(i, frozenset(rng.sample(tags, 2))) for i in range(60)]
    dossiers = [Candidate(1000 + i, frozenset(rng.sample(tags, 1))) for i in range(500)]
    excluded = {(e.id, d.id) for e in experts for d in dossiers if rng.random() < 0.05}
    started = time.perf_counter()
    p = propose(experts=experts, dossiers=dossiers, k=3, excluded=excluded)
    elapsed = time.perf_counter() - started
    loads = _check(p, experts, dossiers, 3, excluded)
    assert elapsed < 2, elapsed
    assert max(loads.values()) - min(loads.values()) <= 1
    matched = sum(1 for d in dossiers for e in p.by_dossier[d.id] if experts[e].tags & d.tags)
    assert matched / 1500 > 0.6
