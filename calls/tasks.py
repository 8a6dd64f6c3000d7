"""Celery tasks of the calls for projects. Thin: each calls its service."""

from celery import shared_task


@shared_task(name="calls.render_letters", acks_late=True, reject_on_worker_lost=True)
def render_letters(*, committee_id: int) -> int:
    from calls.services import letters_render  # noqa: PLC0415 -- tasks are leaves

    return letters_render(committee_id=committee_id)
