"""French prepositions before a name, as a French office writes them.

``de(name)`` gives « de Nanterre », « d'Antony », « des Défricheurs » (Les Défricheurs),
« du Département des Hauts-de-Seine », « de la Ville d'Antony », « de l'École d'ingénieurs ».
Outside French it returns the name unchanged: the English message keeps its own "of", and the
French translation leaves out its « de », which the value brings. A template writes
``{% load french %}… with team=team.name|de …`` and the French catalogue
``"Accompagnement %(team)s"`` for ``"Coaching of %(team)s"``.
"""

from __future__ import annotations

from django.utils import translation

# Institutions a name often starts with, and their gender (m/f).
NOUNS = {
    "académie": "f",
    "agglomération": "f",
    "association": "f",
    "campus": "m",
    "centre": "m",
    "collège": "m",
    "commune": "f",
    "communauté": "f",
    "conseil": "m",
    "département": "m",
    "école": "f",
    "fondation": "f",
    "groupe": "m",
    "institut": "m",
    "iut": "m",
    "lycée": "m",
    "mairie": "f",
    "métropole": "f",
    "région": "f",
    "syndicat": "m",
    "université": "f",
    "ville": "f",
}
# Words whose h is aspirated: « de Houdan » is rare, « de Hautes-Alpes » never elides.
ASPIRATED = ("hauts", "haute", "hautes", "haut", "havre", "hameau", "hérouville", "houilles")
VOWELS = "aeiouyàâäéèêëîïôöùûüœæ"


def _elides(word: str) -> bool:
    w = word.lower()
    if not w:
        return False
    if w[0] == "h":
        return not w.startswith(ASPIRATED)
    return w[0] in VOWELS


def de(name) -> str:
    """« de » + ``name`` with elision and contraction (French only; unchanged otherwise)."""
    name = str(name).strip()
    if not (translation.get_language() or "").startswith("fr") or not name:
        return name
    first, _sep, rest = name.partition(" ")
    lower = first.lower()
    if lower == "les" and rest:
        return f"des {rest}"
    if lower == "le" and rest:
        return f"du {rest}"
    if lower == "la" and rest:
        return f"de la {rest}"
    if lower[:2] in ("l'", "l’"):
        return f"de {name[0].lower()}{name[1:]}"
    gender = NOUNS.get(lower)
    if gender and first[0].isupper():
        if _elides(first):
            return f"de l'{name}"
        return f"du {name}" if gender == "m" else f"de la {name}"
    if _elides(first):
        return f"d'{name}"
    return f"de {name}"
