"""Portfolio pages (being written in this session; see issue 9)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET, require_POST

from clusters.permissions import get_cluster_for_user
from innocities.core.permissions import Level
from municipalities.permissions import get_municipality_for_user


@require_GET
def municipality_portfolio(request: HttpRequest, pk: int) -> HttpResponse:
    get_municipality_for_user(request, pk, level=Level.READ)
    return HttpResponse("")


@require_POST
def target(request: HttpRequest, pk: int) -> HttpResponse:
    get_municipality_for_user(request, pk, level=Level.EDIT)
    return HttpResponse("")


@require_GET
def cluster_portfolio(request: HttpRequest, pk: int) -> HttpResponse:
    get_cluster_for_user(request, pk, level=Level.READ)
    return HttpResponse("")
