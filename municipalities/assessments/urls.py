from __future__ import annotations

from django.urls import path

from municipalities.assessments import views

app_name = "assessments"

urlpatterns = [
    path("municipalities/<int:pk>/", views.round_list, name="list"),
    path("municipalities/<int:pk>/open/", views.round_open, name="open"),
    path("rounds/<int:pk>/", views.round_detail, name="detail"),
    path("rounds/<int:pk>/respondents/", views.respondents, name="respondents"),
    path("rounds/<int:pk>/answer/", views.answer, name="answer"),
    path("rounds/<int:pk>/close/", views.round_close, name="close"),
]
