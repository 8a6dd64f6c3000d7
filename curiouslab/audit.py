"""One helper to write the audit log, in the same transaction as the change it records.

Every coordinator of the organisation reads the log. So entries about a secret vote carry no
secret: a juror's mark is recorded as "who changed which criterion of which project, when",
without the mark or the comment, and the marks and comments are written to the log once the
vote is closed and they can no longer change (``trophies.services.jury_set_status``)."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone

from curiouslab import rawsql
from curiouslab.accounts.models import AuditLogEntry, Organisation, User

_encoder = DjangoJSONEncoder()


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, models.Model):
        return value.pk
    return _encoder.default(value)


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    """The named fields of ``obj`` as JSON-friendly data (foreign keys as ids)."""
    data = {}
    for name in fields:
        field = obj._meta.get_field(name)
        value = getattr(obj, field.attname)
        data[name] = _jsonable(value)
    return data


def audit_log(
    *,
    actor: User | None,
    action: str,
    obj: models.Model,
    organisation: Organisation | int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
    object_repr: str | None = None,
    at: datetime.datetime | None = None,
) -> AuditLogEntry:
    """Record that ``actor`` did ``action`` to ``obj`` (``at`` a past moment: the demo's
    back-dated history). Must run inside the transaction of the change
    (``transaction.atomic``), so that the entry and the change land or fail together."""
    entry = audit_entry(
        actor=actor,
        action=action,
        obj=obj,
        organisation=organisation,
        before=before,
        after=after,
        reason=reason,
        object_repr=object_repr,
        at=at,
    )
    _require_transaction()
    entry.save(force_insert=True)
    return entry


def audit_entry(
    *,
    actor: User | None,
    action: str,
    obj: models.Model,
    organisation: Organisation | int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
    object_repr: str | None = None,
    at: datetime.datetime | None = None,
) -> AuditLogEntry:
    """An unsaved entry, for ``audit_log_many``. ``object_repr`` replaces ``str(obj)`` as the
    entry's text of the object."""
    org_id = organisation.pk if isinstance(organisation, Organisation) else organisation
    return AuditLogEntry(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=str(obj.pk),
        object_repr=(str(obj) if object_repr is None else object_repr)[:255],
        organisation_id=org_id,
        before=_jsonable(before),
        after=_jsonable(after),
        reason=reason,
        created_at=at or timezone.now(),
    )


def audit_log_many(entries: list[AuditLogEntry]) -> list[AuditLogEntry]:
    """Write several entries (made with ``audit_entry``) in one INSERT, in the transaction
    of the change, e.g. one per mark of a juror's sheet."""
    _require_transaction()
    if not entries:
        return entries
    # One hand-written INSERT: the ORM's bulk_create cost more to build than to run on the
    # juror's sheet, the hot path of the closing session's vote (see curiouslab/rawsql.py).
    fields = [f for f in AuditLogEntry._meta.concrete_fields if not f.primary_key]
    params = [f.get_db_prep_save(f.pre_save(e, True), connection) for e in entries for f in fields]
    ids = rawsql.rows(
        f"INSERT INTO {rawsql.table(AuditLogEntry)} "  # noqa: S608 - names from the model
        f"({', '.join(connection.ops.quote_name(f.column) for f in fields)}) "
        f"VALUES {rawsql.values_placeholders(len(entries), len(fields))} RETURNING id",
        params,
    )
    for entry, (pk,) in zip(entries, ids, strict=True):
        entry.pk = pk
        entry._state.adding, entry._state.db = False, connection.alias
    return entries


def _require_transaction() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_log() must be called inside transaction.atomic().")
