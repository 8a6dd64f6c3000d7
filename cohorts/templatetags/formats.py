"""The words of a programme's format in templates: ``{{ n|participants:cohort.terms }}`` is
« 3 étudiants », « 1 agent », « 12 participants » (``Terms.count``, a plural per format)."""

from django import template

from curiouslab.french import de

register = template.Library()


@register.filter
def participants(n, terms) -> str:
    return terms.count(n or 0)


@register.filter
def named(phrase, name) -> str:
    """A format's phrase with a name in it, elided in French: « Nouvelle promotion
    d'Innov'Hauts-de-Seine » (``Terms.new_cohort_of``)."""
    return str(phrase) % {"name": de(name)}
