from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from clusters.selectors import cluster_list
from innocities.core.permissions import roles_for


@require_GET
def list_view(request: HttpRequest) -> HttpResponse:
    """The clusters a person may read; a cluster's own page is the portal's (it shows the
    members' programmes)."""
    roles = roles_for(request)
    return render(
        request,
        "clusters/list.html",
        {"clusters": cluster_list(roles), "managed_ids": roles.managed_cluster_ids},
    )
