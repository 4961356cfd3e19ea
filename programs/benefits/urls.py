from __future__ import annotations

from django.urls import path

from programs.benefits import views

app_name = "benefits"

BENEFIT = "initiatives/<int:pk>/<int:benefit_pk>"

urlpatterns = [
    # What a benefit owner owes: where the reminder e-mail lands.
    path("mine/", views.mine, name="mine"),
    # One initiative's register, and what is done with its benefits.
    path("initiatives/<int:pk>/", views.register_page, name="register"),
    path("initiatives/<int:pk>/new/", views.benefit_create, name="create"),
    path(f"{BENEFIT}/edit/", views.benefit_edit, name="edit"),
    path(f"{BENEFIT}/end/", views.benefit_end, name="end"),
    path(f"{BENEFIT}/remove/", views.benefit_remove, name="remove"),
    path(f"{BENEFIT}/plan/", views.followup_plan, name="plan"),
    path(
        f"{BENEFIT}/followups/<int:followup_pk>/unplan/",
        views.followup_unplan,
        name="unplan",
    ),
    path(f"{BENEFIT}/record/", views.followup_record, name="record"),
]
