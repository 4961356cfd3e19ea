from __future__ import annotations

import factory

from programs.lessons.models import Lesson, Visibility


class LessonFactory(factory.django.DjangoModelFactory):
    """A lesson saved directly (no search vector): for tests of who reads what. Tests of the
    search write lessons through ``programs.lessons.services.lesson_create``."""

    class Meta:
        model = Lesson

    municipality = None
    cluster = None
    title = factory.Sequence(lambda n: f"Lesson {n}")
    body = "What happened, what we learned, what we would do differently."
    visibility = Visibility.CLUSTERS
    language = "sv"
