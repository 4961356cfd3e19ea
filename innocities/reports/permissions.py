"""Reaching progress reports (rules: innocities.core.permissions)."""

from __future__ import annotations

from django.http import HttpRequest

from innocities.core.permissions import Access, Level, authorize, roles_for
from innocities.reports.models import ProgressReport
from programs.permissions import program_level


def get_report_for_user(request: HttpRequest, pk: int) -> Access[ProgressReport]:
    """A report, for those who may see its list: everyone who reads its programme, and the
    managers of its cluster for a cluster report (it holds every member's figures).

    Anyone else gets 404, the cluster's other readers too: a report's existence is not
    revealed to someone who may not open it.
    """
    roles = roles_for(request)

    def granted(report: ProgressReport) -> Level:
        if report.program is not None:
            return program_level(roles, report.program)
        assert report.cluster_id is not None  # a report has a programme or a cluster
        level = roles.cluster_level(report.cluster_id)
        return level if level >= Level.MANAGE else Level.NONE

    report = ProgressReport.objects.select_related("program").filter(pk=pk).first()
    return authorize(report, granted, Level.READ)
