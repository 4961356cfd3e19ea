from __future__ import annotations

from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from innocities.accounts.views import email_change_disabled, set_language

admin.site.site_header = _("Innocities administration")
admin.site.site_title = _("Innocities")
# The admin's login page sends to the portal's (allauth's) login and back: one login, with its
# rate limits and second factor, instead of the admin's own form that counts no failures.
# A signed-in person who is not staff gets 403 there.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    # First: the admin resolves a link of every row of a filtered list (to carry the filters
    # over), and each resolve walked every portal pattern before it reached the admin's.
    path("admin/", admin.site.urls),
    # The portal's cross-app pages: the dashboard, /municipalities/ and /municipalities/<pk>/,
    # /clusters/<pk>/ and its benchmark. The apps' own pages are included below.
    path("", include("innocities.portal.urls")),
    path("", include("innocities.core.urls")),
    # Django's own name for the language switch (django.conf.urls.i18n).
    path("i18n/setlang/", set_language, name="set_language"),
    path("account/", include("innocities.accounts.urls")),
    # Shadows allauth's e-mail management page (same path and name); see the view's docstring.
    path("accounts/email/", email_change_disabled, name="account_email"),
    path("accounts/", include("allauth.urls")),
    path("municipalities/", include("municipalities.urls")),
    path("assessments/", include("municipalities.assessments.urls")),
    path("clusters/", include("clusters.urls")),
    path("programmes/", include("programs.urls")),
    path("indicators/", include("programs.indicators.urls")),
    path("initiatives/", include("programs.initiatives.urls")),
    path("tailoring/", include("programs.tailoring.urls")),
    path("follow-up/", include("programs.followup.urls")),
    path("benefits/", include("programs.benefits.urls")),
    path("agreements/", include("programs.agreements.urls")),
    path("lessons/", include("programs.lessons.urls")),
    path("adoption/", include("programs.adoption.urls")),
    path("needs/", include("clusters.needs_urls")),
    path("notifications/", include("innocities.notifications.urls")),
    path("reports/", include("innocities.reports.urls")),
    path("calendar/", include("innocities.feeds.urls")),
]

handler400 = "innocities.core.views.error_400"
handler403 = "innocities.core.views.error_403"
handler404 = "innocities.core.views.error_404"
handler500 = "innocities.core.views.error_500"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
