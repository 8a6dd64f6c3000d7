"""gunicorn's settings for the web process: the Dockerfile, docker-compose and the benchmarks
all start gunicorn from this directory, where it reads this file.

Threaded workers keep connections alive without holding a worker while they are idle, which
matters for phones on a crowded Wi-Fi at the closing session, and a request waiting on the
database does not stop its process; a few threads per process, as Python runs one thread at a
time per process. Our worker class (curiouslab/gunicorn_worker.py) is gunicorn's threaded
worker, accepting a new connection only with a free thread or a finished request, so that
connections arriving together spread over the processes. Override with WEB_CONCURRENCY (processes) and
GUNICORN_THREADS."""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", str(2 * (os.cpu_count() or 1))))
worker_class = "curiouslab.gunicorn_worker.BalancedThreadWorker"
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
keepalive = 5
timeout = 60
backlog = 512
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
