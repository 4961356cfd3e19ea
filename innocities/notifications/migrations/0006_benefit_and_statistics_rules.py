"""Default rules for benefit follow-ups and for open statistics that could not be fetched,
named in English, Swedish and Norwegian; editable in the admin afterwards."""

from __future__ import annotations

from django.db import migrations

# code, (English, Swedish, Norwegian), category, offset_days, repeat_every_days, max_repeats,
# escalate
RULES = [
    (
        "benefit-14",
        ("Benefit follow-up in 14 days", "Nyttouppföljning om 14 dagar", "Gevinstoppfølging om 14 dager"),
        "benefit", -14, None, 1, False,
    ),
    (
        "benefit-0",
        ("Benefit follow-up today", "Nyttouppföljning i dag", "Gevinstoppfølging i dag"),
        "benefit", 0, None, 1, False,
    ),
    (
        "benefit-overdue",
        (
            "Benefit follow-up overdue (weekly)",
            "Nyttouppföljning försenad (varje vecka)",
            "Gevinstoppfølging forsinket (hver uke)",
        ),
        "benefit", 7, 7, 4, False,
    ),
    (
        "statistics-failed",
        (
            "Open statistics could not be fetched",
            "Öppen statistik kunde inte hämtas",
            "Åpen statistikk kunne ikke hentes",
        ),
        "statistics", 0, None, 1, False,
    ),
]


def seed(apps, schema_editor):
    ReminderRule = apps.get_model("notifications", "ReminderRule")
    for code, (name, name_sv, name_nb), category, offset, repeat, max_repeats, escalate in RULES:
        ReminderRule.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "name_sv": name_sv,
                "name_nb": name_nb,
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
    ReminderRule.objects.filter(code__in=[rule[0] for rule in RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("notifications", "0005_benefit_and_statistics_categories")]

    operations = [migrations.RunPython(seed, unseed)]
