"""Initiative pages (being written in this session; see issue 9)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse


def _not_yet(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


create = create_joint = detail = edit = gate = _not_yet
assumption_create = assumption_edit = assumption_resolve = _not_yet
partners = partner_remove = effort = _not_yet
