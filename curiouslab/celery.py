"""The Celery application. Settings come from Django settings under the CELERY_ namespace.

When a worker's connection to the broker comes back after it was lost (Redis stopped or
restarted, the network cut), ``BrokerReturn`` has the work that may have been lost with it done
again at once, without waiting for beat:

- ``accounts.relay_outbox`` publishes the tasks that waited in the outbox (``curiouslab.outbox``);
- ``documents.requeue_lost_documents`` queues again every document still pending that was
  queued before the return (its message may have gone with a Redis restarted without its
  data, or be held unacknowledged for an hour by the dead connection); rendering twice is
  harmless (each document is claimed by a conditional update).

The consumer reconnects by itself (kombu retries after 2, 4, 6 … seconds, at most 30 apart), so
stuck work starts again within about 30 s of the broker's return; beat's relay (every 30 s)
and stale sweep (every quarter of the task time limit) are the safety net. What a worker's
death or a transient error does to a render is told in ``documents.tasks``.
"""

import logging
import os

from celery import Celery, bootsteps
from django.utils import timezone

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "curiouslab.settings")

log = logging.getLogger(__name__)

app = Celery("curiouslab")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


class BrokerReturn(bootsteps.StartStopStep):
    """A consumer step: started when the worker first connects and again after each lost
    connection; from the second start on, it sends the recovery tasks."""

    requires = {"celery.worker.consumer.tasks:Tasks"}

    def __init__(self, parent, **kwargs):
        super().__init__(parent, **kwargs)
        self.starts = 0

    def start(self, parent):
        self.starts += 1
        if self.starts == 1:
            return
        returned = timezone.now().isoformat()
        log.warning("broker connection back: relaying the outbox, re-queueing pending documents")
        try:
            parent.app.send_task("accounts.relay_outbox")
            parent.app.send_task(
                "documents.requeue_lost_documents", kwargs={"queued_before": returned}
            )
        except Exception:  # the broker went again: beat's periodic tasks will do it
            log.warning("could not send the recovery tasks", exc_info=True)


app.steps["consumer"].add(BrokerReturn)
