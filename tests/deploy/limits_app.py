"""A WSGI application for the request limits' tests: /spin keeps its thread busy for ever
(as a view building a range of 10**20 would), /echo reads the body and answers its size, any
other path answers the process id."""

import os
import time


def application(environ, start_response):
    path = environ.get("PATH_INFO", "/")
    if path == "/spin":
        while True:
            time.sleep(0.01)
            sum(range(1000))
    if path == "/echo":
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = str(len(environ["wsgi.input"].read(length))).encode()
    else:
        body = str(os.getpid()).encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
