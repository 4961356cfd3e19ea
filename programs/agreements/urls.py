from __future__ import annotations

from django.urls import path

from programs.agreements.views import files, pages

app_name = "agreements"

urlpatterns = [
    path("initiatives/<int:pk>/", pages.initiative_agreement, name="initiative"),
    path("initiatives/<int:pk>/edit/", pages.edit, name="edit"),
    path("initiatives/<int:pk>/parties/", pages.parties, name="parties"),
    path("initiatives/<int:pk>/parties/<int:party_pk>/edit/", pages.party_edit, name="party_edit"),
    path(
        "initiatives/<int:pk>/parties/<int:party_pk>/remove/",
        pages.party_remove,
        name="party_remove",
    ),
    path("initiatives/<int:pk>/pdf/", files.pdf, name="pdf"),
    path("initiatives/<int:pk>/signed/upload/", files.upload, name="upload"),
    path("initiatives/<int:pk>/signed/", files.signed_copy, name="signed_copy"),
    path(
        "initiatives/<int:pk>/signed/<int:history_id>/",
        files.earlier_signed_copy,
        name="earlier_signed_copy",
    ),
]
