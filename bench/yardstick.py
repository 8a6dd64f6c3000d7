"""What every benchmark prints beside its timings, so a figure from a slow day can be compared
with one from a fast day on a machine whose speed varies 2–4× (issue #19):

- the yardstick: a fixed pure-Python loop (``sum(range(10000))``), timed in the same run;
- processor time, which does not count the time spent waiting for the other processes of a
  loaded machine: of this process (``time.process_time``), of a server's processes (one
  process group, from Linux's ``/proc``) and of the PostgreSQL backends of one database;
- the stop of a server that never raises, so a slow shutdown cannot lose a report.

Scripts under ``bench/`` run as ``python bench/<script>.py``: this module is importable as
``yardstick``.
"""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import time
from pathlib import Path

LOOP = 10_000


def python_loop_us(repeats: int = 300) -> float:
    """Median time of ``sum(range(10000))`` in µs: the same work on any day."""
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        sum(range(LOOP))
        timings.append(time.perf_counter() - started)
    return statistics.median(timings) * 1e6


def steal_percent(seconds: float = 0.5) -> float | None:
    """Share of processor time stolen by the hypervisor over ``seconds`` (``/proc/stat``)."""

    def read():
        try:
            fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
        except OSError:
            return None
        values = [int(v) for v in fields]
        return values[7] if len(values) > 7 else 0, sum(values)

    first = read()
    if first is None:
        return None
    time.sleep(seconds)
    second = read()
    total = second[1] - first[1]
    return 100 * (second[0] - first[0]) / total if total else 0.0


def line() -> str:
    steal = steal_percent()
    stolen = f", hypervisor steal {steal:.0f} %" if steal is not None else ""
    return (
        f"yardstick    pure-Python loop sum(range({LOOP:,})) median {python_loop_us():.0f} µs"
        f"{stolen} (this run; compare figures across days through it)"
    )


def _proc_seconds(match) -> float:
    """Processor time (user + system) of the processes for which ``match(pid, pgid,
    cmdline)`` is true, from ``/proc``; 0 where there is no ``/proc``."""
    proc = Path("/proc")
    if not proc.is_dir():
        return 0.0
    hz = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:  # the process ended meanwhile
            continue
        fields = stat[stat.rfind(")") + 2 :].split()
        if match(int(entry.name), int(fields[2]), cmdline):
            total += (int(fields[11]) + int(fields[12])) / hz
    return total


def group_cpu_seconds(pgid: int) -> float:
    """Processor time of a server started with ``start_new_session=True`` (its process group),
    not counting other servers on the machine."""
    return _proc_seconds(lambda _pid, group, _cmd: group == pgid)


def postgres_cpu_seconds(database: str) -> float:
    """Processor time of the PostgreSQL backends connected to ``database`` (their command line
    names it), not counting the other databases of a shared server. Only the backends alive
    when it is read: with one connection per request (no ``CONN_MAX_AGE``), the time of the
    backends that ended meanwhile is lost, so the difference of two readings is a lower bound
    (or meaningless) for a web server; exact for a process that keeps its connection."""
    needle = f" {database} ".encode()
    return _proc_seconds(lambda _pid, _group, cmd: cmd.startswith(b"postgres:") and needle in cmd)


def stop_server(process: subprocess.Popen, *, grace: float = 30.0) -> None:
    """SIGTERM the server's process group, wait up to ``grace`` seconds, then SIGKILL it.
    Never raises: the report is worth more than a clean shutdown."""
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 10.0)):
        try:
            os.killpg(process.pid, sig)
        except (ProcessLookupError, PermissionError):
            try:
                process.send_signal(sig)
            except ProcessLookupError:
                return
        try:
            process.wait(wait)
            return
        except subprocess.TimeoutExpired:
            continue
