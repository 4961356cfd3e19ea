"""Reads of lessons learned: the search, an initiative's and a municipality's lessons, and the
lessons written in a report's period. Every read starts from ``visible_lessons`` (the one
rule in ``programs.lessons.permissions``), except the report's, whose audience is the
report's (see ``lessons_written_between``).

The search: on PostgreSQL, full-text search over the stored ``search_vector`` with the
Snowball stemmers of the lesson's language. The words are parsed both in the reader's language
and in each lesson's own, so a Swedish reader's "skolor" finds a Norwegian lesson about
"skolene" (both stem to "skol"). Each word matches as a prefix of a stem ("skolor" → skol:*),
which also finds the forms Swedish Snowball leaves unstemmed ("skolan") and the first part of
a compound ("skolskjuts"). On other databases (SQLite for ``make run``) every word must occur
in the title, theme or text, as typed, case aside (``plain_text_filter``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connections
from django.db.models import Case, F, FloatField, Q, QuerySet, Value, When
from django.utils import timezone

from clusters.models import Cluster, ClusterMembership, normalise_theme
from innocities.accounts.models import User
from innocities.core.languages import reader_language
from innocities.core.permissions import Roles
from municipalities.models import Municipality
from programs.initiatives.models import Initiative
from programs.lessons.models import SEARCH_CONFIGS, Lesson, Visibility
from programs.lessons.permissions import lesson_scope, visible_lessons

__all__ = [
    "LessonFilters",
    "known_themes",
    "latest_lessons",
    "lesson_municipalities",
    "lessons_by_author",
    "lessons_for_initiative",
    "lessons_written_between",
    "plain_text_filter",
    "search_lessons",
    "visible_lessons",
]

# A search reads at most this many words, each at most this long: enough for any question,
# and a pasted document does not become a query of thousands of terms.
MAX_WORDS = 12
MAX_WORD_LENGTH = 60

RELATED = ("municipality", "cluster", "initiative", "author")


def search_words(text: str) -> list[str]:
    """The words of a search, as letters and digits only: safe to hand to ``to_tsquery``
    (no operator, quote or colon of the user's survives)."""
    words = re.findall(r"[^\W_]+", text)
    return [word[:MAX_WORD_LENGTH] for word in words[:MAX_WORDS]]


# Shorter words match as they are: "el" (electricity) as a prefix would match half the text.
MIN_PREFIX_LENGTH = 3


def _prefix_query(words: list[str], config: str) -> SearchQuery:
    """All the words, each as a stem prefix, in ``config``'s language: ``skol:* & elev:*``."""
    raw = " & ".join(f"{word}:*" if len(word) >= MIN_PREFIX_LENGTH else word for word in words)
    return SearchQuery(raw, config=config, search_type="raw")


def full_text_search(
    queryset: QuerySet[Lesson], text: str, *, language: str | None = None
) -> QuerySet[Lesson]:
    """PostgreSQL: the lessons matching every word of ``text``, best first.

    ``language`` is the reader's (the active one unless given). A lesson matches when the
    words parsed in the reader's language or in the lesson's own match its vector; its rank is
    that of the combined query.
    """
    words = search_words(text)
    if not words:
        return queryset.none()
    reader = reader_language(language)
    queries = {code: _prefix_query(words, config) for code, config in SEARCH_CONFIGS.items()}
    reader_query = queries[reader]
    match = Q(search_vector=reader_query)
    ranks = []
    for code, query in queries.items():
        combined = reader_query if code == reader else reader_query | query
        if code != reader:
            match |= Q(language=code, search_vector=query)
        ranks.append(When(language=code, then=SearchRank(F("search_vector"), combined)))
    return (
        queryset.filter(match)
        .annotate(rank=Case(*ranks, default=Value(0.0), output_field=FloatField()))
        .order_by("-rank", "-created_at", "-pk")
    )


def plain_text_filter(queryset: QuerySet[Lesson], text: str) -> QuerySet[Lesson]:
    """Any database: the lessons whose title, theme or text contains every word of ``text``
    (case aside; SQLite folds the case of ASCII letters only), newest first. No stemming."""
    words = search_words(text)
    if not words:
        return queryset.none()
    for word in words:
        queryset = queryset.filter(
            Q(title__icontains=word) | Q(theme__icontains=word) | Q(body__icontains=word)
        )
    return queryset.order_by("-created_at", "-pk")


def _has_goal(queryset: QuerySet[Lesson], goal: int, vendor: str) -> QuerySet[Lesson]:
    if vendor == "postgresql":
        return queryset.filter(sdg_goals__contains=[goal])
    # SQLite has no JSON containment: match the number in the stored list's text.
    return queryset.filter(sdg_goals__regex=rf"(^|[^0-9]){goal}([^0-9]|$)")


@dataclass(frozen=True)
class LessonFilters:
    """What the search page asks for; every part optional."""

    text: str = ""
    theme: str = ""
    stage: str = ""
    sdg_goal: int | None = None
    municipality_id: int | None = None

    @property
    def any(self) -> bool:
        return bool(
            self.text.strip()
            or self.theme.strip()
            or self.stage
            or self.sdg_goal
            or self.municipality_id
        )


def search_lessons(
    roles: Roles,
    filters: LessonFilters,
    *,
    language: str | None = None,
    vendor: str | None = None,
) -> QuerySet[Lesson]:
    """The lessons ``roles`` may read that match ``filters``: ranked by relevance when there is
    text to search, else newest first; with their initiative, owner and author (one query).

    ``vendor`` is the database's (``connection.vendor``) unless given: PostgreSQL searches
    the stemmed vectors, any other database ``plain_text_filter``."""
    queryset = visible_lessons(roles).select_related(*RELATED)
    vendor = vendor or connections[queryset.db].vendor
    if filters.theme.strip():
        queryset = queryset.filter(theme_key=normalise_theme(filters.theme))
    if filters.stage:
        queryset = queryset.filter(stage=filters.stage)
    if filters.sdg_goal:
        queryset = _has_goal(queryset, filters.sdg_goal, vendor)
    if filters.municipality_id:
        queryset = queryset.filter(municipality_id=filters.municipality_id)
    if not filters.text.strip():
        return queryset.order_by("-created_at", "-pk")
    if vendor == "postgresql":
        return full_text_search(queryset, filters.text, language=language)
    return plain_text_filter(queryset, filters.text)


def known_themes(roles: Roles) -> list[str]:
    """The themes of the lessons ``roles`` may read, one spelling per theme (one query)."""
    themes: dict[str, str] = {}
    for key, theme in (
        visible_lessons(roles)
        .exclude(theme_key="")
        .order_by("theme_key", "-created_at")
        .values_list("theme_key", "theme")
    ):
        themes.setdefault(key, theme.strip())
    return sorted(themes.values(), key=str.casefold)


def lesson_municipalities(roles: Roles) -> list[tuple[int, str]]:
    """(pk, name) of the municipalities whose lessons ``roles`` may read, by name (for the
    search's filter: up to 650 options, read as pairs rather than model instances)."""
    return list(
        Municipality.objects.filter(
            pk__in=visible_lessons(roles)
            .filter(municipality__isnull=False)
            .values("municipality_id")
        )
        .order_by("name", "pk")
        .values_list("pk", "name")
    )


def lessons_for_initiative(initiative: Initiative, roles: Roles) -> list[Lesson]:
    """The initiative's lessons ``roles`` may read, newest first (one query)."""
    return list(
        visible_lessons(roles)
        .filter(initiative=initiative)
        .select_related("author", "gate_decision", "assumption")
        .order_by("-created_at", "-pk")
    )


def latest_lessons(roles: Roles, *, municipality: Municipality, limit: int = 5) -> list[Lesson]:
    """The municipality's newest lessons ``roles`` may read (one query)."""
    return list(
        visible_lessons(roles)
        .filter(municipality=municipality)
        .select_related("initiative", "author")
        .order_by("-created_at", "-pk")[:limit]
    )


def lessons_by_author(user: User) -> QuerySet[Lesson]:
    """The lessons ``user`` wrote, newest first, with where they came from (for the export of
    a person's own data: what they wrote, whoever may read it now)."""
    return (
        Lesson.objects.filter(author=user)
        .defer("search_vector")
        .select_related("municipality", "cluster", "initiative")
        .order_by("-created_at", "-pk")
    )


def _period(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start 00:00, end + 1 day 00:00) in the portal's time zone."""
    zone = timezone.get_current_timezone()
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=zone),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=zone),
    )


def lessons_written_between(
    *,
    municipality: Municipality | None = None,
    cluster: Cluster | None = None,
    start: dt.date,
    end: dt.date,
    roles: Roles | None = None,
) -> QuerySet[Lesson]:
    """The lessons written from ``start`` to ``end`` (both days included), oldest first, with
    their initiative, owner and author: for the monthly report.

    For a municipality: all its own lessons (its report goes to its own people, who read them
    all). For a cluster: its own lessons and those its current members share with their
    clusters or the whole partnership (what every reader of the cluster's report may read).
    With ``roles``, only what that person may read besides. Give one of ``municipality`` and
    ``cluster``.
    """
    if (municipality is None) == (cluster is None):
        raise ValueError("Give a municipality or a cluster.")
    since, until = _period(start, end)
    queryset = Lesson.objects.filter(created_at__gte=since, created_at__lt=until)
    if municipality is not None:
        queryset = queryset.filter(municipality=municipality)
    else:
        members = ClusterMembership.objects.current().filter(cluster=cluster)
        queryset = queryset.filter(
            Q(cluster=cluster)
            | Q(
                municipality_id__in=members.values("municipality_id"),
                visibility__in=[Visibility.CLUSTERS, Visibility.PARTNERSHIP],
            )
        )
    if roles is not None:
        queryset = queryset.filter(lesson_scope(roles))
    return queryset.select_related(*RELATED).order_by("created_at", "pk")


def origins_with_lessons(lessons: Sequence[Lesson]) -> tuple[set[int], set[int]]:
    """The gate decisions and the assumptions that ``lessons`` were written at."""
    gates = {lesson.gate_decision_id for lesson in lessons if lesson.gate_decision_id}
    assumptions = {lesson.assumption_id for lesson in lessons if lesson.assumption_id}
    return gates, assumptions
