"""The default reminder rules the issue lists; editable in the admin afterwards."""

from __future__ import annotations

from django.db import migrations

DEFAULT_RULES = [
    # code, name, category, offset_days, repeat_every_days, max_repeats, escalate
    ("task-7", "Task due in 7 days", "task", -7, None, 1, False),
    ("task-1", "Task due tomorrow", "task", -1, None, 1, False),
    ("task-0", "Task due today", "task", 0, None, 1, False),
    ("task-overdue", "Task overdue (weekly)", "task", 7, 7, 4, False),
    ("milestone-7", "Milestone due in 7 days", "milestone", -7, None, 1, False),
    ("milestone-1", "Milestone due tomorrow", "milestone", -1, None, 1, False),
    ("milestone-0", "Milestone due today", "milestone", 0, None, 1, False),
    ("milestone-overdue", "Milestone overdue (weekly)", "milestone", 7, 7, 4, False),
    ("meeting-7", "Meeting in 7 days", "meeting", -7, None, 1, False),
    ("meeting-1", "Meeting tomorrow", "meeting", -1, None, 1, False),
    ("progress-due", "Monthly progress update due", "progress_update", 0, None, 1, False),
    ("progress-late", "Progress update 7 days late", "progress_update", 7, None, 1, True),
]


def seed(apps, schema_editor):
    ReminderRule = apps.get_model("notifications", "ReminderRule")
    for code, name, category, offset, repeat, max_repeats, escalate in DEFAULT_RULES:
        ReminderRule.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "category": category,
                "offset_days": offset,
                "repeat_every_days": repeat,
                "max_repeats": max_repeats,
                "escalate": escalate,
                "day_of_month": 25,
            },
        )


def unseed(apps, schema_editor):
    ReminderRule = apps.get_model("notifications", "ReminderRule")
    ReminderRule.objects.filter(code__in=[r[0] for r in DEFAULT_RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_reminders")]

    operations = [migrations.RunPython(seed, unseed)]
