from __future__ import annotations

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "innocities.core"
    label = "core"
    verbose_name = _("Portal")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from innocities.core.middleware import note_session_start

        user_logged_in.connect(note_session_start, dispatch_uid="innocities.core.session_start")

        from innocities.core import security_log

        security_log.connect()

        # Every model's get_FOO_display reads its field's labels gathered once (core.choices).
        from innocities.core import choices

        choices.install()

        # Every admin list, including those of the libraries (allauth, celery beat, sites):
        # rows drawn without a template each, 50 to a page, and an unfiltered list of a large
        # table counted from PostgreSQL's estimate (innocities.core.admin).
        from django.contrib.admin import ModelAdmin

        from innocities.core.admin import LIST_PER_PAGE, EstimatedCountPaginator, action_checkbox

        ModelAdmin.action_checkbox = action_checkbox  # type: ignore[method-assign,assignment]
        ModelAdmin.list_per_page = LIST_PER_PAGE
        ModelAdmin.paginator = EstimatedCountPaginator

        from django.contrib.admin.templatetags import admin_list

        from innocities.core.admin import add_preserved_filters, results

        admin_list.add_preserved_filters = add_preserved_filters  # type: ignore[assignment]
        admin_list.results = results  # type: ignore[assignment]


class AdminConfig(admin_apps.AdminConfig):
    """Django's admin with the portal's site (``innocities.core.admin_site``)."""

    default = False  # this module's default is CoreConfig

    default_site = "innocities.core.admin_site.AdminSite"
