"""``{% absolute_url 'name' arg… %}``: an absolute link for e-mails, from ``curiouslab.site``."""

from django import template
from django.urls import reverse

from curiouslab.site import absolute_url as _absolute_url

register = template.Library()


@register.simple_tag
def absolute_url(viewname: str, *args, **kwargs) -> str:
    return _absolute_url(reverse(viewname, args=args or None, kwargs=kwargs or None))
