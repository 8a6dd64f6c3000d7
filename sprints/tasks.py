"""Celery tasks of the sprints app: thin, they call a service (tasks are leaves)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="sprints.render_badges", acks_late=True)
def render_badges(*, sheet_id: int) -> str:
    """Render one site's badge sheet; a redelivered task finds it done and does nothing."""
    from sprints.badges import badges_render  # noqa: PLC0415 -- tasks are leaves: the service loads when the task first runs

    sheet = badges_render(sheet_id=sheet_id)
    return sheet.status if sheet else "gone"
