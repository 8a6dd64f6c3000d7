"""Issue #20, point 5: the web process receiving a large upload is killed (``kill -9``) in
the middle of it; the upload's temporary file, which that process can no longer remove, is
removed by gunicorn's arbiter (``child_exit`` in gunicorn.conf.py), and the next process
takes uploads again."""

import os
import signal
import socket
import time

from tests.deploy.gunicorn_server import gunicorn, request

BOUNDARY = "----curiouslab"
SIZE = 10 * 1024 * 1024  # over FILE_UPLOAD_MAX_MEMORY_SIZE: streamed to a temporary file


def _parts(size: int) -> tuple[bytes, bytes]:
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="film.mp4"\r\n'
        "Content-Type: video/mp4\r\n\r\n"
    ).encode()
    return head, f"\r\n--{BOUNDARY}--\r\n".encode()


def _start_upload(port: int, size: int) -> socket.socket:
    head, tail = _parts(size)
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.sendall(
        (
            "POST / HTTP/1.1\r\nHost: localhost\r\n"
            f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n"
            f"Content-Length: {len(head) + size + len(tail)}\r\n\r\n"
        ).encode()
        + head
    )
    return sock


def _temp_files(folder) -> list[str]:
    return sorted(name for name in os.listdir(folder) if name.startswith("upload-"))


def _wait(condition, seconds: float):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.05)
    return condition()


def test_killed_web_process_leaves_no_upload_temporary_file(tmp_path):
    env = {"WEB_CONCURRENCY": "1", "GUNICORN_THREADS": "2", "FILE_UPLOAD_TEMP_DIR": str(tmp_path)}
    with gunicorn("tests.deploy.upload_app:application", env) as (port, proc):
        pid = int(request(port)[1])
        sock = _start_upload(port, SIZE)
        sock.sendall(b"\0" * (4 * 1024 * 1024))  # 4 MB of 10 arrive, then the process dies
        files = _wait(lambda: _temp_files(tmp_path), 10)
        assert files and files[0].startswith(f"upload-{pid}-")
        assert _wait(lambda: os.path.getsize(tmp_path / files[0]) > 0, 10)
        os.kill(pid, signal.SIGKILL)
        sock.close()
        assert _wait(lambda: not _temp_files(tmp_path), 10), _temp_files(tmp_path)
        # A fresh process takes a whole upload, and removes its file when done.
        head, tail = _parts(SIZE)
        status, body = request(
            port,
            "POST",
            body=head + b"\0" * SIZE + tail,
            headers={"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"},
        )
        assert (status, body) == (200, str(SIZE))
        assert _temp_files(tmp_path) == []
        assert proc.poll() is None
