"""``{{ name|de }}``: « de » + name with French elision (see ``curiouslab.french``)."""

from django import template

from curiouslab import french

register = template.Library()


@register.filter
def de(value) -> str:
    return french.de(value)
