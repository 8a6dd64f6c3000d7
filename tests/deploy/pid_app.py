"""A WSGI application for the gunicorn worker's tests: each answer takes 30 ms of processor
time, as a page does, and says which process gave it."""

import os
import time


def application(environ, start_response):
    busy_until = time.thread_time() + 0.03
    while time.thread_time() < busy_until:
        pass
    body = str(os.getpid()).encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
