"""The adoption hooks on the initiatives' pages (``templates/adoption/_*.html``): each calls a
selector of this app with a fixed number of queries."""

from __future__ import annotations

from typing import Any

from django import template

from clusters.models import Cluster
from innocities.core.permissions import ANONYMOUS, Roles, roles_for
from municipalities.models import Municipality
from programs.adoption.selectors import (
    SHOWN_SUGGESTIONS,
    cluster_adoptions,
    initiative_origin,
    pilot_suggestions,
    suggestion_rows,
)
from programs.initiatives.models import Initiative

register = template.Library()


def _roles(context: template.Context) -> Roles:
    request = context.get("request")
    return roles_for(request) if request is not None else ANONYMOUS


@register.inclusion_tag("adoption/_suggestions.html", takes_context=True)
def adoption_suggestions(context: template.Context, municipality: Municipality) -> dict[str, Any]:
    """Peers' scaled pilots for ``municipality``'s needs, on its portfolio page (four queries)."""
    roles = _roles(context)
    suggestions = pilot_suggestions([municipality.pk], limit=SHOWN_SUGGESTIONS)
    return {
        "rows": suggestion_rows(suggestions, roles),
        "show_municipality": False,
        "heading_id": "adoption-suggestions",
    }


@register.inclusion_tag("adoption/_cluster_adoptions.html", takes_context=True)
def adoptions_in_cluster(context: template.Context, cluster: Cluster) -> dict[str, Any]:
    """Pilots adopted between the cluster's members, on its portfolio page (three queries)."""
    return {"data": cluster_adoptions(cluster, _roles(context)), "cluster": cluster}


@register.inclusion_tag("adoption/_origin.html", takes_context=True)
def adoption_origin(context: template.Context, initiative: Initiative) -> dict[str, Any]:
    """Where an initiative was adopted from, and who adopted it, on its page."""
    return {"origin": initiative_origin(initiative, _roles(context)), "initiative": initiative}
