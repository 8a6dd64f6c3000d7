"""gunicorn's settings for the web process: the Dockerfile, docker-compose and the benchmarks
all start gunicorn from this directory, where it reads this file.

Threaded workers keep connections alive without holding a worker while they are idle, which
matters for phones on a crowded Wi-Fi at the closing session, and a request waiting on the
database does not stop its process; a few threads per process, as Python runs one thread at a
time per process. Our worker class (curiouslab/gunicorn_worker.py) is gunicorn's threaded
worker, accepting a new connection only with a free thread or a finished request, so that
connections arriving together spread over the processes. Override with WEB_CONCURRENCY (processes) and
GUNICORN_THREADS.

Limits per request (curiouslab/gunicorn_worker.py, LimitedThreadWorker): gthread's `timeout`
below only restarts a process whose main loop stops, never a request thread that spins or
waits. GUNICORN_REQUEST_TIMEOUT (seconds, default 60) ends the process holding a request that
runs longer (the arbiter starts a new one), and GUNICORN_MAX_BODY (bytes, default 128 MiB)
answers 413 to a larger body before reading it, 411 to a body of unknown length. gunicorn's
own limits bound the request line and headers (limit_request_*).

A process killed in the middle of an upload cannot remove the upload's temporary file: the
arbiter does it when the process exits (child_exit, curiouslab/storedfiles.py)."""

import os

os.environ.setdefault("GUNICORN_REQUEST_TIMEOUT", "60")
os.environ.setdefault("GUNICORN_MAX_BODY", str(128 * 1024 * 1024))

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", str(2 * (os.cpu_count() or 1))))
worker_class = "curiouslab.gunicorn_worker.LimitedThreadWorker"
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
keepalive = 5
timeout = 60
backlog = 512
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190


def child_exit(server, worker):
    """Remove the upload temporary files of a web process that exited (killed, timed out)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "curiouslab.settings")
    try:
        from curiouslab.storedfiles import remove_upload_temp_files  # noqa: PLC0415 -- Django's settings load in the arbiter only when a process exits

        removed = remove_upload_temp_files(worker.pid)
    except Exception:  # never stop the arbiter: the storage sweep removes them later
        server.log.exception("could not remove the upload files of process %s", worker.pid)
        return
    if removed:
        server.log.info("removed %s upload temporary file(s) of process %s", removed, worker.pid)
