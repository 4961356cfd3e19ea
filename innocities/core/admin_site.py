"""The Django admin's site, with the list of apps worked out once per kind of reader.

Every admin page lists every app and model the reader may see (``available_apps``): for each
of about 60 models Django asks four permissions and reverses two URLs, about 6 ms a page, the
same answer every time for the same permissions and language. Here it is kept in the process
per (permissions, language, URL prefix); a change of permissions, language or registry makes
a new key or a new process. ``enable_nav_sidebar`` is off: the sidebar wrote that list into
every page again (40 KB of HTML, a third of an admin list's time at national scale); the
index and the breadcrumbs lead to the same places.
"""

from __future__ import annotations

import copy
from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import get_language


def _permission_key(request: HttpRequest) -> tuple[Any, ...]:
    user = request.user
    if not (user.is_active and user.is_staff):
        return ("none",)
    if user.is_superuser:
        return ("superuser",)
    return ("staff", frozenset(user.get_all_permissions()))


class AdminSite(admin.AdminSite):
    enable_nav_sidebar = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._app_lists: dict[tuple[Any, ...], list[dict[str, Any]]] = {}

    def get_app_list(
        self, request: HttpRequest, app_label: str | None = None
    ) -> list[dict[str, Any]]:
        key = (
            app_label,
            get_language(),
            request.META.get("SCRIPT_NAME", ""),
            _permission_key(request),
        )
        if key not in self._app_lists:
            self._app_lists[key] = super().get_app_list(request, app_label)
        # A copy: a view or template that changed the list would change it for everyone.
        return copy.deepcopy(self._app_lists[key])
