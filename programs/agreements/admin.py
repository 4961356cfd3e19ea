from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from programs.agreements.models import AgreementParty, PilotAgreement


class AgreementPartyInline(admin.TabularInline):
    model = AgreementParty
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(PilotAgreement)
class PilotAgreementAdmin(SimpleHistoryAdmin):
    list_display = ["initiative", "signed_on", "test_starts_on", "test_ends_on"]
    list_select_related = ["initiative"]
    search_fields = ["initiative__title", "purpose"]
    raw_id_fields = ["initiative", "copied_from"]
    # The signed copy is put in through the portal's checked upload, never through the admin.
    exclude = ["signed_copy"]
    readonly_fields = [
        "signed_copy_file",
        "signed_on",
        "signed_copy_uploaded_by",
        "signed_copy_uploaded_at",
        "terms_updated_at",
        "created_by",
    ]
    inlines = [AgreementPartyInline]

    @admin.display(description=_("signed copy"))
    def signed_copy_file(self, obj: PilotAgreement) -> str:
        # The private storage has no URL: the file is downloaded from the agreement's page.
        return obj.signed_copy.name or "–"
