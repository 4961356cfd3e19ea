"""Reminders to a person who reads Norwegian bokmål: rule names, subject and body in nb."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import translation

from innocities.notifications.models import ReminderRule
from innocities.notifications.services import dispatch_due, reminders_scan
from programs.models import Milestone, Program, Task
from tests import factories as f
from tests.notifications.conftest import at

D = dt.date(2026, 3, 4)  # a Wednesday, no holiday in Sweden or Norway


def test_every_seeded_rule_reads_in_norwegian_and_swedish():
    rules = list(ReminderRule.objects.all())
    assert len(rules) >= 19
    for rule in rules:
        assert rule.name and rule.name_sv and rule.name_nb, rule.code
        with translation.override("nb"):
            assert rule.label == rule.name_nb
        with translation.override("sv"):
            assert rule.label == rule.name_sv
        with translation.override("en"):
            assert rule.label == rule.name


@pytest.fixture
def norwegian_reader(world):
    """The coordinator reads Norwegian; one task of theirs falls due the day after D."""
    Task.objects.update(due_on=D + dt.timedelta(days=200))
    Milestone.objects.update(due_on=D + dt.timedelta(days=200))
    Program.objects.update(starts_on=D - dt.timedelta(days=365))
    f.ProgressUpdateFactory(program=world.program, author=world.coordinator)
    world.coordinator.language = "nb"
    world.coordinator.save(update_fields=["language"])
    f.TaskFactory(
        program=world.program,
        title="Skriv veikartet",
        due_on=D + dt.timedelta(days=1),
        owner=world.coordinator,
    )
    return world.coordinator


def test_a_reminder_to_a_norwegian_reader_is_written_in_norwegian(norwegian_reader):
    reminders_scan(now=at(D, 7))
    dispatch_due(now=at(D, 8))

    (message,) = [m for m in mail.outbox if "Skriv veikartet" in m.subject]
    assert message.to == [norwegian_reader.email]
    assert '<html lang="nb">' in message.alternatives[0][0]
    # The rule that fired, by its Norwegian name.
    with translation.override("nb"):
        assert ReminderRule.objects.get(code="task-1").label == "Oppgave i morgen"
    # The subject says what the rule says, in the nb catalogue's words (Django falls back to
    # Swedish for a string the nb catalogue lacks: neither may show).
    wording = "Due tomorrow: %(title)s"
    values = {"title": "Skriv veikartet"}
    with translation.override("sv"):
        swedish = translation.gettext(wording) % values
    with translation.override("nb"):
        norwegian = translation.gettext(wording) % values
    assert message.subject == norwegian
    assert norwegian not in (wording % values, swedish)
