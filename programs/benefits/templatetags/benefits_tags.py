"""The benefit register's hooks in the initiatives' pages: a summary on the initiative's page
and "realised against expected" on the portfolio pages. Each costs a fixed number of queries
(one), however many benefits and follow-ups there are."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import Q
from django.utils import timezone

from clusters.models import Cluster
from municipalities.models import Municipality
from programs.benefits.selectors import initiative_summary, portfolio_benefits
from programs.initiatives.models import Initiative

register = template.Library()


@register.inclusion_tag("benefits/_initiative_summary.html")
def benefit_initiative_summary(initiative: Initiative, can_edit: bool = False) -> dict[str, Any]:
    """The initiative page's section: how many benefits, realised against expected, the next
    follow-up, and the way to the register. One query."""
    today = timezone.localdate()
    return {
        "initiative": initiative,
        "can_edit": can_edit,
        "data": initiative_summary(initiative, today=today),
        "today": today,
    }


@register.inclusion_tag("benefits/_portfolio_section.html")
def benefit_portfolio_municipality(municipality: Municipality) -> dict[str, Any]:
    """A municipality's portfolio: every reader of the municipality may open each of its own
    initiatives, so all are listed. One query."""
    today = timezone.localdate()
    return {
        "data": portfolio_benefits(
            Initiative.objects.filter(municipality=municipality), today=today
        ),
        "show_owner": False,
        "today": today,
    }


@register.inclusion_tag("benefits/_portfolio_section.html")
def benefit_portfolio_cluster(cluster: Cluster, portfolio: Any) -> dict[str, Any]:
    """A cluster's portfolio: its joint initiatives and its open members' own. An initiative
    is listed only if the portfolio lists it (``portfolio.listed``: the reader may open it),
    under the owner name the portfolio shows; the rest are counted in the total. One query."""
    today = timezone.localdate()
    scope = Initiative.objects.filter(
        Q(cluster=cluster)
        | Q(municipality_id__in=cluster.memberships.current().values("municipality_id"))
    )
    listed = {row.initiative.pk: row.owner for row in portfolio.listed}
    return {
        "data": portfolio_benefits(scope, today=today, listed=listed),
        "show_owner": True,
        "today": today,
    }
