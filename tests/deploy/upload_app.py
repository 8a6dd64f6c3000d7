"""A WSGI application for the upload test: Django parses the posted form (so an upload larger
than FILE_UPLOAD_MAX_MEMORY_SIZE streams to a temporary file through the project's upload
handler) and answers the file's size; a GET answers the process id."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "curiouslab.settings")
django.setup()

from django.core.handlers.wsgi import WSGIRequest  # noqa: E402 -- after django.setup()


def application(environ, start_response):
    if environ["REQUEST_METHOD"] == "POST":
        request = WSGIRequest(environ)
        body = str(request.FILES["file"].size).encode()
        request.close()  # what Django's handler does when the response ends
    else:
        body = str(os.getpid()).encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
