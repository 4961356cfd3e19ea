from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from innocities.core.permissions import roles_for


def portal(request: HttpRequest) -> dict[str, Any]:
    return {
        "SITE_URL": settings.SITE_URL,
        "roles": SimpleLazyObject(lambda: roles_for(request)),
    }
