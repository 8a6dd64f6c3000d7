"""Panels one app adds to another app's page, so that the page does not import the app that
fills it (the import direction of ``ARCHITECTURE.md``: ``sessions`` builds on ``cohorts``, not
the reverse). An app registers its panels in its ``AppConfig.ready()``; the page renders
whatever is registered under its name, in the order of ``INSTALLED_APPS``.

Pages and what they pass to a panel's ``context``:

- ``cohorts.dashboard``: the cohort (the sessions app adds its attendance rates, whose
  figures load after the page by HTMX: a panel's context should cost no query when its
  figures grow with the cohort).
- ``cohorts.team``: the team (the commons add its publication: one query).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString


@dataclass(frozen=True)
class Panel:
    template: str
    context: Callable[[Any], dict]


_panels: dict[str, list[Panel]] = {}


def register_panel(page: str, panel: Panel) -> None:
    if panel not in _panels.setdefault(page, []):
        _panels[page].append(panel)


def panels(page: str) -> list[Panel]:
    return list(_panels.get(page, ()))


def render_panels(page: str, request, obj) -> list[SafeString]:
    """Each panel of ``page`` rendered for ``obj``, with ``obj``'s context and the request."""
    return [
        render_to_string(panel.template, panel.context(obj), request=request)
        for panel in panels(page)
    ]
