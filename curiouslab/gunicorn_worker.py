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
