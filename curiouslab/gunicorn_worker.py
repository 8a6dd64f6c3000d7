"""gunicorn's threaded worker, accepting a new connection only when one of its threads is free
or has just finished a request.

gunicorn's own gthread worker accepts every connection it sees, busy or not. When a roomful of
phones connects at once, the process that wakes first takes most of the connections and, with
keep-alive, serves every later request on them, while the other processes sit idle: at the
closing session's load test, one process of four held 27 of the 50 connections. This worker
leaves a new connection in the kernel's queue for whichever process frees a thread first, so
the connections spread over the processes as with sync workers (15, 12, 11 and 12 in the same
test), and keep-alive still spares a phone a new connection per request.
"""

import logging
import os
import threading
import time

from gunicorn.workers.gthread import ThreadWorker


class BalancedThreadWorker(ThreadWorker):
    # Requests handed to the thread pool and not finished yet. enqueue_req, finish_request and
    # set_accept_enabled all run on the worker's main thread, so a plain counter is enough.
    in_flight = 0

    def set_accept_enabled(self, enabled):
        super().set_accept_enabled(enabled and self.in_flight < self.cfg.threads)

    def enqueue_req(self, conn):
        self.in_flight += 1
        if self.in_flight >= self.cfg.threads:
            self.set_accept_enabled(False)
        super().enqueue_req(conn)

    def finish_request(self, conn, fs):
        self.in_flight -= 1
        super().finish_request(conn, fs)
        if self.alive and self.nr_conns < self.worker_connections:
            # A finished request lets this process take one waiting connection, even while
            # kept-alive connections keep its threads busy: without it, a new connection could
            # wait for as long as the others keep sending.
            for listener in self.sockets:
                self.accept(listener)
            self.set_accept_enabled(True)


# --- Limits per request ---------------------------------------------------------------------
#
# gthread's ``timeout`` only restarts a worker whose main loop stops: a request thread that
# spins or waits for ever leaves the loop beating, and keeps its thread (and its memory) until
# the process ends. Two limits hold instead, both read from the environment (gunicorn.conf.py
# sets their defaults):
#
# - GUNICORN_REQUEST_TIMEOUT (seconds): a request still running after it makes the worker log
#   the request and end at once (os._exit); the arbiter starts a fresh process. The other
#   requests of that process are cut, as with sync workers' timeout. A finished request
#   never counts, a kept-alive idle connection never counts.
# - GUNICORN_MAX_BODY (bytes): a body announced larger is answered 413 before a byte of it is
#   read; a body without a length (chunked) is answered 411 — Django needs the length anyway.
#
# Django's own limits bound what a request within them may cost: DATA_UPLOAD_MAX_MEMORY_SIZE
# (form fields in memory), DATA_UPLOAD_MAX_NUMBER_FIELDS and _FILES, and each view bounds the
# work a posted number may ask for.

log = logging.getLogger("gunicorn.error")


def request_timeout() -> float:
    return float(os.environ.get("GUNICORN_REQUEST_TIMEOUT", "60"))


def max_body() -> int:
    return int(os.environ.get("GUNICORN_MAX_BODY", str(128 * 1024 * 1024)))


def limit_body(app, limit: int):
    """A WSGI middleware answering 413 to a body announced over ``limit`` bytes, and 411 to a
    body of unknown length."""

    def refuse(start_response, status: str, text: bytes):
        start_response(
            status,
            [
                ("Content-Type", "text/plain; charset=utf-8"),
                ("Content-Length", str(len(text))),
                ("Connection", "close"),
            ],
        )
        return [text]

    def application(environ, start_response):
        if "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
            return refuse(start_response, "411 Length Required", b"Length required.\n")
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = limit + 1
        if length > limit:
            return refuse(start_response, "413 Content Too Large", b"Request too large.\n")
        return app(environ, start_response)

    return application


class LimitedThreadWorker(BalancedThreadWorker):
    """BalancedThreadWorker with a hard limit on each request's time and body size."""

    def init_process(self):
        self.request_timeout = request_timeout()
        # thread id → (start, request line) of the requests being handled now.
        self.running: dict[int, tuple[float, str]] = {}
        super().init_process()

    def load_wsgi(self):
        super().load_wsgi()
        self.wsgi = limit_body(self.wsgi, max_body())

    def handle(self, conn):
        ident = threading.get_ident()
        self.running[ident] = (time.monotonic(), _peer(conn))
        try:
            return super().handle(conn)
        finally:
            self.running.pop(ident, None)

    def notify(self):
        """Runs on the main loop at least once a second: end the process when a request has
        outlived the limit."""
        now = time.monotonic()
        for started, peer in list(self.running.values()):
            if now - started > self.request_timeout:
                log.error(
                    "A request from %s ran for more than %.0f s: ending worker %s.",
                    peer,
                    self.request_timeout,
                    self.pid,
                )
                logging.shutdown()
                os._exit(1)
        super().notify()


def _peer(conn) -> str:
    try:
        return str(conn.client)
    except Exception:  # noqa: BLE001
        return "?"
