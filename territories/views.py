"""The commune autocomplete: public (the referential is public data), bounded in its input and
its answer."""

from __future__ import annotations

import re

from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from territories.selectors import SUGGESTIONS, communes_matching

_FIELD = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,60}$")
_SCOPE = re.compile(r"^[0-9AB]{2,3}$")


@require_GET
def commune_search(request):
    field = request.GET.get("field", "commune")
    widget_id = request.GET.get("id", f"id_{field}")
    if not (_FIELD.match(field) and _FIELD.match(widget_id)):
        return HttpResponseBadRequest()
    scope = [code for code in request.GET.get("scope", "").split(",")[:200] if _SCOPE.match(code)]
    query = request.GET.get(f"{field}_q", "")
    communes = list(communes_matching(query, departements=scope or None))
    if len(query.strip()) < 2:
        status = _("Type at least two characters.")
    elif not communes:
        status = _("No commune matches « %(query)s ».") % {"query": query.strip()[:80]}
    elif len(communes) == SUGGESTIONS:
        status = _("The first %(count)d communes: type more to narrow the list.") % {
            "count": SUGGESTIONS
        }
    else:
        status = ngettext(
            "%(count)d commune matches.", "%(count)d communes match.", len(communes)
        ) % {"count": len(communes)}
    return render(
        request,
        "territories/widgets/commune_options.html",
        {"field": field, "communes": communes, "chosen": None, "status": status, "id": widget_id},
    )
