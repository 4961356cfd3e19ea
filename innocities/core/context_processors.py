from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from innocities.core.permissions import ANONYMOUS


def portal(request: HttpRequest) -> dict[str, Any]:
    # An error page made before RolesMiddleware ran (a bad Host header, say) has no roles:
    # it shows the menu of someone who holds none.
    return {
        "SITE_URL": settings.SITE_URL,
        "roles": getattr(request, "roles", ANONYMOUS),
    }
