"""What the cohorts app puts on a person's home page: during the kickoff window, the
municipality's challenges and the way to their teams' scenarios."""

from __future__ import annotations

from django import template

from cohorts import selectors

register = template.Library()


@register.inclusion_tag("cohorts/_home_kickoff.html", takes_context=True)
def kickoff_panel(context):
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return {"challenges": []}
    return {"challenges": list(selectors.kickoff_challenges_of(user))}
