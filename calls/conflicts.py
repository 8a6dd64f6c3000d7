"""The conflict of interest of an expert, written once.

An expert may not read or give an opinion on a dossier when they declared a conflict with
the applicant organisation or with the applicant's region. One SQL condition
(:func:`conflict_exists`) serves every read: the expert's list and detail (an expert with a
conflict gets a 404), the proposed assignment (:func:`excluded_pairs`) and the check when an
assignment is saved (``tests/calls/test_experts.py``)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from calls.models import ExpertConflict


def conflict_exists(expert_ref: str = "expert_id", dossier_ref: str = "dossier"):
    """``Exists`` a declared conflict between the row's expert and its dossier; the refs name
    the expert's id and the dossier's path on the outer query."""
    return Exists(
        ExpertConflict.objects.filter(expert_id=OuterRef(expert_ref)).filter(
            Q(organisation_id=OuterRef(f"{dossier_ref}__organisation_id"))
            | Q(region_id=OuterRef(f"{dossier_ref}__region_id"), region__isnull=False)
        )
    )


def excluded_pairs(call) -> set[tuple[int, int]]:
    """Every (expert id, dossier id) pair of ``call`` with a conflict, in one query."""
    rows = ExpertConflict.objects.filter(expert__call=call).values_list(
        "expert_id", "organisation_id", "region_id"
    )
    by_org: dict[int, set[int]] = {}
    by_region: dict[str, set[int]] = {}
    for eid, org, region in rows:
        if org is not None:
            by_org.setdefault(org, set()).add(eid)
        if region is not None:
            by_region.setdefault(region, set()).add(eid)
    if not rows:
        return set()
    pairs = set()
    for did, org, region in call.dossiers.values_list("pk", "organisation_id", "region_id"):
        for eid in by_org.get(org, ()):
            pairs.add((eid, did))
        for eid in by_region.get(region, ()) if region else ():
            pairs.add((eid, did))
    return pairs
