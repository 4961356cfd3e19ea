from __future__ import annotations

from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from innocities.feeds.services import calendar_token_for


def feed_url(user) -> str:
    return reverse("feeds:user", kwargs={"token": calendar_token_for(user).secret})


def cluster_feed_url(user, cluster) -> str:
    secret = calendar_token_for(user).secret
    return reverse("feeds:cluster", kwargs={"pk": cluster.pk, "token": secret})


def fetch(url: str) -> Calendar:
    """GET the feed as a calendar program does (no session) and parse it."""
    response = Client().get(url)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def events(calendar: Calendar) -> dict[str, object]:
    """The calendar's events by UID."""
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}
