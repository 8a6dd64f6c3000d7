"""A Redis server of the test's own, on a free port, that the test stops and starts again (never
the shared one on 6379). Without persistence, as in CI: a restart loses what it held; with
``appendonly_dir``, it keeps an append-only file there, as docker-compose's Redis does."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
import redis

needs_redis_server = pytest.mark.skipif(
    shutil.which("redis-server") is None, reason="needs the redis-server program"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    def __init__(self, port: int | None = None, appendonly_dir: Path | None = None):
        self.port = port or free_port()
        self.appendonly_dir = appendonly_dir
        self.process: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        assert self.process is None, "already running"
        persistence = ["--appendonly", "no"]
        if self.appendonly_dir is not None:
            self.appendonly_dir.mkdir(parents=True, exist_ok=True)
            persistence = ["--appendonly", "yes", "--appendfsync", "everysec"]
            persistence += ["--dir", str(self.appendonly_dir)]
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--save", "", *persistence, "--daemonize", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                redis.Redis(port=self.port, socket_connect_timeout=0.2).ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise
                time.sleep(0.05)

    def stop(self, *, graceful: bool = False) -> None:
        """Kill it (no shutdown save, no goodbye to its clients), and wait until it is gone;
        ``graceful``: SIGTERM, as ``docker restart`` does (the append-only file is flushed)."""
        if self.process is None:
            return
        if graceful:
            self.process.terminate()
        else:
            self.process.kill()
        self.process.wait(timeout=10)
        self.process = None

    @property
    def running(self) -> bool:
        return self.process is not None
