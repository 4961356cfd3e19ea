"""The accessibility statement (tillgänglighetsredogörelse) the DOS law asks of a public body's
digital service (lag 2018:1937; DIGG's regulation MDFFS 2019:2 says what it contains).

Public: it must be reachable before logging in, by anyone who meets a barrier at the login.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

# When the statement was last reviewed against the portal: change it with the statement.
REVIEWED_ON = dt.date(2026, 12, 5)


@login_not_required
@require_GET
def accessibility_statement(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/accessibility.html",
        {
            "contact_email": settings.ACCESSIBILITY_CONTACT_EMAIL,
            "reviewed_on": REVIEWED_ON,
        },
    )
