"""Who may reach the report pages (see tests/authz/__init__.py).

Programme reports: everyone who may read Ale's programme (its coordinator and viewer, cluster
A's manager, admins); asking for one needs MANAGE. Cluster reports hold every member's
figures, so only cluster A's manager and admins reach them; its other readers get 403.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings

from innocities.reports.models import ProgressReport, ReportStatus
from tests.authz import Rule, statuses

WRONG_METHOD = statuses(405)
PROGRAM_READERS = statuses(404, coordinator=200, viewer=200, manager=200, admin=200)


def _program_managers(ok: int) -> dict[str, int]:
    return statuses(404, coordinator=403, viewer=403, manager=ok, admin=ok)


def _cluster_managers(ok: int) -> dict[str, int]:
    return statuses(404, coordinator=403, viewer=403, partner=403, manager=ok, admin=ok)


def _built_report(w: Any) -> dict[str, Any]:
    """A ready report of Ale's programme with a small PDF at a fixed path (overwritten on
    every run, so the matrix leaves one file behind at most)."""
    name = "reports/authz-matrix/report.pdf"
    path = Path(settings.MEDIA_ROOT) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"%PDF-1.4\n%%EOF\n")
    report = ProgressReport.objects.create(
        program=w.program,
        period_start=w.program.starts_on,
        period_end=w.program.starts_on,
        status=ReportStatus.READY,
        pdf=name,
    )
    return {"pk": report.pk, "fmt": "pdf"}


RULES = {
    "reports:program_list": Rule(
        get=PROGRAM_READERS, post=WRONG_METHOD, kwargs=lambda w: {"pk": w.program.pk}
    ),
    # Allowed: queued, then redirected to the list.
    "reports:request": Rule(
        get=WRONG_METHOD, post=_program_managers(302), kwargs=lambda w: {"pk": w.program.pk}
    ),
    "reports:cluster_list": Rule(
        get=_cluster_managers(200), post=WRONG_METHOD, kwargs=lambda w: {"pk": w.cluster_a.pk}
    ),
    "reports:cluster_request": Rule(
        get=WRONG_METHOD, post=_cluster_managers(302), kwargs=lambda w: {"pk": w.cluster_a.pk}
    ),
    "reports:download": Rule(get=PROGRAM_READERS, post=WRONG_METHOD, kwargs=_built_report),
}
