"""Concurrent submissions on PostgreSQL: many jurors at once, and the same juror sending the
same sheet several times at the same moment, lose nothing and duplicate nothing."""

import threading

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from curiouslab.accounts.models import AuditLogEntry, Role
from tests.factories import member as role_member
from tests.trophies.factories import ready_jury
from trophies.models import Score

pytestmark = [
    pytest.mark.skipif(not settings.USING_POSTGRESQL, reason="needs PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]

COPIES = 3


def _fire(calls):
    barrier = threading.Barrier(len(calls))
    statuses, errors = [], []

    def run(call):
        try:
            barrier.wait()
            statuses.append(call())
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return statuses, errors


def test_concurrent_sheets_are_stored_exactly_once(transactional_db):
    jury, members, finalists, crits = ready_jury(jurors=6, finalists=2, weights=(1, 2, 1))
    clients = []
    for m in members:
        client = Client()
        client.force_login(m.user, backend="curiouslab.accounts.backends.ModelBackend")
        clients.append(client)

    def submit(client, finalist, value):
        data = {f"mark-{c.pk}": str(value) for c in crits}
        url = reverse("trophies:sheet_save", args=[jury.pk, finalist.pk])
        return client.post(url, data, HTTP_HX_REQUEST="true").status_code

    calls = [
        (lambda c=c, f=f, v=i % 5: submit(c, f, v))
        for i, c in enumerate(clients)
        for f in finalists
        for _copy in range(COPIES)
    ]
    statuses, errors = _fire(calls)
    assert not errors
    assert statuses == [200] * len(calls)
    assert Score.objects.filter(jury=jury).count() == len(members) * len(finalists) * len(crits)
    for i, m in enumerate(members):
        assert set(Score.objects.filter(member=m).values_list("value", flat=True)) == {i % 5}
    # Each mark was created once: the duplicates changed nothing and logged nothing.
    assert AuditLogEntry.objects.filter(action="score.create").count() == Score.objects.count()
    assert not AuditLogEntry.objects.filter(action="score.update").exists()


def test_concurrent_changes_by_one_juror_keep_an_exact_audit_trail(transactional_db):
    from trophies import services

    jury, (member,), (finalist,), crits = ready_jury(jurors=1, finalists=1, weights=(1,))
    criterion = crits[0]

    def change(value):
        services.score_sheet_save(
            jury=jury,
            member=member,
            finalist=finalist,
            marks={criterion.pk: (value, "")},
            actor=member.user,
        )
        return value

    # Six different marks at once: each one changes the mark, so each writes one entry.
    statuses, errors = _fire([lambda v=v: change(v) for v in (0, 1, 2, 3, 4, 5)])
    assert not errors
    score = Score.objects.get()
    entries = list(
        AuditLogEntry.objects.filter(object_id=str(score.pk), action__startswith="score.").order_by(
            "created_at", "id"
        )
    )
    # One creation, then one update per change, none lost or doubled; sealed while voting
    # (no mark in the log), the final marks are logged when the vote closes.
    assert [e.action for e in entries] == ["score.create"] + ["score.update"] * 5
    assert all(e.after == {"criterion": criterion.pk} and e.before is None for e in entries)
    coordinator = role_member(Role.COORDINATOR, jury.cohort.programme.organisation)
    services.jury_set_status(jury=jury, status="closed", actor=coordinator)
    sealed = AuditLogEntry.objects.get(action="jury.marks")
    assert sealed.after["marks"] == [
        {"finalist": finalist.pk, "criterion": criterion.pk, "value": score.value, "comment": ""}
    ]
