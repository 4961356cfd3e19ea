"""The portal's URLconf plus one view that fails, for the 500 page test only."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.http import require_GET

from innocities.urls import handler400, handler403, handler404, handler500
from innocities.urls import urlpatterns as portal_urlpatterns

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]


@login_not_required
@require_GET
def explode(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("secret-internal-detail: the database said no")


urlpatterns = [path("test-500/", explode), *portal_urlpatterns]
