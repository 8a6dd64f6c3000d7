"""The UAI (unité administrative immatriculée) of a school: seven digits and a check letter,
the letter being the remainder of the seven digits divided by 23 in the alphabet without I, O
and Q (the rule of the Répertoire national des établissements)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

UAI_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
_UAI = re.compile(r"^\d{7}[A-Z]$")


def uai_key(digits: str) -> str:
    return UAI_LETTERS[int(digits) % 23]


def validate_uai(value: str) -> None:
    if not _UAI.match(value or ""):
        raise ValidationError(
            _("A UAI code is seven digits and a letter, for example 0921234S."), code="uai_format"
        )
    if uai_key(value[:7]) != value[7]:
        raise ValidationError(
            _(
                "This UAI code's check letter is wrong: please copy it again from the school's records."
            ),
            code="uai_key",
        )
