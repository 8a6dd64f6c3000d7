"""The role × URL matrix. Every URL pattern of the project must have a row here, with the
status each persona gets: an anonymous visitor, each role, and each role in another
organisation ("other_<role>"). Apps add rows in the modules of MATRIX_MODULES as a ``ROWS``
dict and objects for them with ``build(world)``.

A row: ``Row(expect={persona: status, "default": status}, kwargs=lambda w: {...},
method="get")``. Personas not named get ``default``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# Matrix modules in build order (each module's build() may use what earlier ones made).
MATRIX_MODULES = [
    "tests.accounts.matrix",
    "tests.challenges.matrix",
    "tests.cohorts.matrix",
    "tests.sessions.matrix",
    "tests.trophies.matrix",
    "tests.documents.document_matrix",
    "tests.privacy.matrix",
    "tests.onboarding.matrix",
    "tests.calls.matrix",
    "tests.commons.matrix",
    "tests.opendata.matrix",
    "tests.sprints.matrix",
]

ANON_LOGIN = 302  # anonymous visitors are sent to the sign-in page


@dataclass(frozen=True)
class Row:
    expect: dict[str, int]
    kwargs: Callable[[Any], dict[str, Any]] = field(default=lambda w: {})
    method: str = "get"
    data: Callable[[Any], dict[str, Any]] | None = None
    query: str = ""
    # An unnamed pattern (allauth's old addresses that redirect to the new ones) has no
    # name to reverse: its row gives the path.
    path: str = ""

    def url(self, name: str, world) -> str:
        """The address the row is tried at (its query string included)."""
        from django.urls import reverse  # noqa: PLC0415 -- matrix modules import this before Django is set up

        base = self.path or reverse(name, kwargs=self.kwargs(world))
        return base + (f"?{self.query}" if self.query else "")

    def status_for(self, persona: str) -> int:
        if persona in self.expect:
            return self.expect[persona]
        if "default" in self.expect:
            return self.expect["default"]
        raise KeyError(f"no expected status for {persona}")


def app_modules():
    for name in MATRIX_MODULES:
        try:
            yield importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise


def all_rows() -> dict[str, Row]:
    rows: dict[str, Row] = {}
    for module in app_modules():
        for name, row in module.ROWS.items():
            if name in rows:
                raise ValueError(f"URL name {name} has two rows in the matrix")
            rows[name] = row
    return rows


def build_all(world) -> None:
    for module in app_modules():
        if hasattr(module, "build"):
            module.build(world)
