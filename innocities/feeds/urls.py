from __future__ import annotations

from django.urls import path

from innocities.feeds import views

app_name = "feeds"

urlpatterns = [
    path("", views.settings_page, name="settings"),
    path("reset/", views.reset, name="reset"),
    path("<str:token>.ics", views.user_feed, name="user"),
    path("clusters/<int:pk>/<str:token>.ics", views.cluster_feed, name="cluster"),
]
