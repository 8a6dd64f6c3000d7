"""The personal data tasks. Leaves: each imports its service in its body."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="privacy.build_export", acks_late=True)
def build_export(*, export_id: int) -> str:
    """Build one person's ZIP; a redelivered task finds it ready and does nothing."""
    from privacy.services import export_build  # noqa: PLC0415 -- tasks are leaves: the service loads when the task first runs

    export = export_build(export_id=export_id)
    return export.status if export else "gone"


@shared_task(name="privacy.apply_retention")
def apply_retention() -> dict:
    """Beat, nightly: anonymise the participants of cohorts whose retention has ended, and
    remove the expired exports."""
    from privacy.services import exports_purge_expired, retention_apply  # noqa: PLC0415 -- tasks are leaves: the service loads when the task first runs

    done = retention_apply()
    done["exports"] = exports_purge_expired()
    return done


@shared_task(name="privacy.purge_audit_log")
def purge_audit_log() -> int:
    """Beat, nightly: delete the audit entries older than the audit log's retention."""
    from privacy.services import audit_log_purge  # noqa: PLC0415 -- tasks are leaves: the service loads when the task first runs

    return audit_log_purge()
