"""What the agents' school puts on an agent's home page: the way to their training record."""

from __future__ import annotations

from django import template

from training.selectors import agent_memberships

register = template.Library()


@register.inclusion_tag("training/_home_record.html", takes_context=True)
def training_panel(context):
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return {"places": []}
    return {"places": list(agent_memberships(user))}
