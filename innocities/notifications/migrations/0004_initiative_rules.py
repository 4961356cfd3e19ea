"""Default rules for the innovation process (decision points, assumption tests), and the rule
names in Swedish and Norwegian beside the English ones; editable in the admin afterwards.

An existing rule keeps its settings: only names not yet given are filled in.
"""

from __future__ import annotations

from django.db import migrations

INITIATIVE_RULES = [
    # code, name, category, offset_days, repeat_every_days, max_repeats, escalate
    # A decision in a committee or management group is prepared weeks ahead: two weeks' notice.
    ("gate-14", "Decision point in 14 days", "gate", -14, None, 1, False),
    ("gate-0", "Decision point today", "gate", 0, None, 1, False),
    ("gate-overdue", "Decision point overdue (weekly)", "gate", 7, 7, 4, False),
    (
        "gate-late-managers",
        "Decision point three weeks overdue (to programme managers)",
        "gate",
        21,
        None,
        1,
        True,
    ),
    ("assumption-7", "Assumption to test in 7 days", "assumption", -7, None, 1, False),
    ("assumption-0", "Assumption to test today", "assumption", 0, None, 1, False),
    ("assumption-overdue", "Assumption test overdue (weekly)", "assumption", 7, 7, 2, False),
]

# code → (Swedish, Norwegian)
NAMES = {
    "task-7": ("Uppgift om 7 dagar", "Oppgave om 7 dager"),
    "task-1": ("Uppgift i morgon", "Oppgave i morgen"),
    "task-0": ("Uppgift i dag", "Oppgave i dag"),
    "task-overdue": ("Uppgift försenad (varje vecka)", "Oppgave forsinket (hver uke)"),
    "milestone-7": ("Milstolpe om 7 dagar", "Milepæl om 7 dager"),
    "milestone-1": ("Milstolpe i morgon", "Milepæl i morgen"),
    "milestone-0": ("Milstolpe i dag", "Milepæl i dag"),
    "milestone-overdue": ("Milstolpe försenad (varje vecka)", "Milepæl forsinket (hver uke)"),
    "meeting-7": ("Möte om 7 dagar", "Møte om 7 dager"),
    "meeting-1": ("Möte i morgon", "Møte i morgen"),
    "progress-due": ("Månadens lägesrapport ska lämnas", "Månedens statusrapport skal leveres"),
    "progress-late": ("Lägesrapport 7 dagar sen", "Statusrapport 7 dager forsinket"),
    "gate-14": ("Beslutspunkt om 14 dagar", "Beslutningspunkt om 14 dager"),
    "gate-0": ("Beslutspunkt i dag", "Beslutningspunkt i dag"),
    "gate-overdue": ("Beslutspunkt försenad (varje vecka)", "Beslutningspunkt forsinket (hver uke)"),
    "gate-late-managers": (
        "Beslutspunkt tre veckor försenad (till programansvariga)",
        "Beslutningspunkt tre uker forsinket (til programansvarlige)",
    ),
    "assumption-7": ("Antagande att testa om 7 dagar", "Antakelse som skal testes om 7 dager"),
    "assumption-0": ("Antagande att testa i dag", "Antakelse som skal testes i dag"),
    "assumption-overdue": (
        "Test av antagande försenat (varje vecka)",
        "Test av antakelse forsinket (hver uke)",
    ),
}


def seed(apps, schema_editor):
    ReminderRule = apps.get_model("notifications", "ReminderRule")
    for code, name, category, offset, repeat, max_repeats, escalate in INITIATIVE_RULES:
        ReminderRule.objects.get_or_create(
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
    for code, (name_sv, name_nb) in NAMES.items():
        ReminderRule.objects.filter(code=code, name_sv="").update(name_sv=name_sv)
        ReminderRule.objects.filter(code=code, name_nb="").update(name_nb=name_nb)


def unseed(apps, schema_editor):
    ReminderRule = apps.get_model("notifications", "ReminderRule")
    ReminderRule.objects.filter(code__in=[r[0] for r in INITIATIVE_RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("notifications", "0003_initiative_reminders")]

    operations = [migrations.RunPython(seed, unseed)]
