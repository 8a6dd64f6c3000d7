"""The install is reproducible and complete: every package of the virtualenv comes from the lock
files, pinned with its hashes, and the runtime lock alone holds what production imports."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s\\;]+)")


def pins(path: Path) -> dict[str, str]:
    """`name -> version` of a lock file, after checking that each pin carries its hashes."""
    found: dict[str, str] = {}
    text = path.read_text()
    for block in re.split(r"\n(?=\S)", text):
        match = PIN.match(block)
        if not match:
            continue
        assert "--hash=sha256:" in block, f"{path.name}: {match[1]} is pinned without a hash"
        found[canonicalize_name(match[1])] = match[2]
    return found


def project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def test_every_installed_package_is_pinned_by_the_dev_lock():
    locked = pins(ROOT / "requirements-dev.txt")
    installed = {
        canonicalize_name(d.metadata["Name"]): d.version
        for d in metadata.distributions()
        if d.metadata["Name"]
    }
    installed.pop("pip", None)
    unlocked = {name: v for name, v in installed.items() if locked.get(name) != v}
    assert not unlocked, f"installed but not pinned at that version in the lock: {unlocked}"


def test_the_locks_satisfy_pyproject_and_agree_with_each_other():
    runtime = pins(ROOT / "requirements.txt")
    dev = pins(ROOT / "requirements-dev.txt")
    for name, version in runtime.items():
        assert dev.get(name) == version, f"{name}: {version} at run time, {dev.get(name)} in dev"
    for spec, lock in [(r, runtime) for r in project()["dependencies"]] + [
        (r, dev) for r in project()["optional-dependencies"]["dev"]
    ]:
        req = Requirement(spec)
        name = canonicalize_name(req.name)
        assert name in lock, f"{req.name} is declared in pyproject.toml but not locked"
        assert req.specifier.contains(lock[name], prereleases=True), f"{name}=={lock[name]}"


def test_the_runtime_lock_holds_what_the_redis_transport_needs():
    # kombu's Redis transport imports `packaging`: without it the broker is reported down.
    assert "packaging" in pins(ROOT / "requirements.txt")
    assert "redis" in pins(ROOT / "requirements.txt")


def test_make_test_fails_when_no_test_is_collected():
    # Run from `make test` itself, the outer make's variables (PYTEST_ARGS too) reach the inner
    # one through MAKEFLAGS: drop them, and give PYTEST_ARGS on the command line, which wins.
    drop = {"PYTEST_CURRENT_TEST", "MAKEFLAGS", "MFLAGS", "MAKELEVEL", "PYTEST_ARGS"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    args = "PYTEST_ARGS=-q -k no_test_has_this_name_at_all tests/deploy"
    done = subprocess.run(
        ["make", "-s", "test", args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode != 0, done.stdout + done.stderr
    assert "no test was collected" in done.stderr


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (the Redis pass)")
def test_the_redis_transport_imports_and_pings_a_real_redis():
    code = (
        "import os, kombu.transport.redis as t; from kombu import Connection;"
        "c = Connection(os.environ['REDIS_URL']); c.ensure_connection(max_retries=1);"
        "print(c.default_channel.client.ping())"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "True"
