"""Issue #20, point 6: the embedded default's broker (kombu's file-system transport, without
REDIS_URL) keeps its messages across a worker's restart: what is sent while no worker runs
waits as files under VAR_DIR/broker and is delivered when a worker starts again. (The task
sent is a real one of the project; on this test's empty database it fails, which does not
matter here: what counts is that each message reaches a worker once.)"""

import os
import re
import signal
import subprocess
import sys
import time

from celery import Celery

from tests.worker import ROOT


def _publisher(var_dir) -> Celery:
    queue = str(var_dir / "broker" / "queue")
    return Celery(
        "publisher",
        broker="filesystem://",
        broker_transport_options={"data_folder_in": queue, "data_folder_out": queue},
    )


def _worker(var_dir, log):
    unset = ("PYTEST", "DJANGO_SETTINGS", "REDIS_URL", "CELERY_BROKER_URL", "DATABASE_URL")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(unset)},
        "VAR_DIR": str(var_dir),
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "DEBUG": "true",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "curiouslab", "worker", "--loglevel=INFO",
         "--concurrency=1", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip


TASK = "accounts.purge_expired_invitations"


def _done(log_path) -> int:
    return len(re.findall(rf"Task {re.escape(TASK)}\[[0-9a-f-]+\] received", log_path.read_text()))


def _wait_done(log_path, n: int, seconds: float = 60) -> int:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and _done(log_path) < n:
        time.sleep(0.2)
    time.sleep(0.5)  # none more comes
    return _done(log_path)


def _stop(process) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(30)


def test_messages_sent_while_the_worker_is_down_are_done_when_it_starts_again(tmp_path):
    (tmp_path / "broker" / "queue").mkdir(parents=True)
    app = _publisher(tmp_path)
    for _ in range(3):  # no worker yet
        app.send_task(TASK)
    assert len(os.listdir(tmp_path / "broker" / "queue")) == 3
    log_path = tmp_path / "worker.log"
    with open(log_path, "a") as log:
        worker = _worker(tmp_path, log)
        try:
            assert _wait_done(log_path, 3) == 3, log_path.read_text()[-3000:]
        finally:
            _stop(worker)
        for _ in range(2):  # the worker is stopped: a restart, a deployment
            app.send_task(TASK)
        time.sleep(1)
        assert _done(log_path) == 3
        worker = _worker(tmp_path, log)
        try:
            assert _wait_done(log_path, 5) == 5, log_path.read_text()[-3000:]
        finally:
            _stop(worker)
