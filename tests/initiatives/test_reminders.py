"""Decision points and assumption tests in the reminder system: the real scan at a simulated
moment, who hears of what, what retires a reminder, and the e-mail's link."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from innocities.notifications.models import (
    Category,
    Notification,
    NotificationPreference,
    NotificationStatus,
    ReminderRule,
)
from innocities.notifications.services import dispatch_due, reminders_scan
from programs.initiatives.models import (
    AssumptionKind,
    Body,
    Decision,
    Initiative,
    Outcome,
    Stage,
    State,
)
from programs.initiatives.services import (
    assumption_resolve,
    assumption_save,
    gate_decide,
    initiative_create,
    initiative_update,
)
from tests import factories as f
from tests.notifications.conftest import at

D = dt.date(2026, 3, 4)  # a Wednesday, no holiday
SITE = "https://portal.example.se"
INITIATIVE_CATEGORIES = (Category.GATE, Category.ASSUMPTION)


@pytest.fixture(autouse=True)
def default_rules(db) -> None:
    """The seeded rules (a transactional test elsewhere may have flushed them)."""
    from django.apps import apps

    for name in ("0002_default_rules", "0004_initiative_rules"):
        migration = importlib.import_module(f"innocities.notifications.migrations.{name}")
        migration.seed(apps, None)


def rows(**filters) -> set[tuple[str, str, str]]:
    """(rule code, recipient e-mail, occurrence) of the initiative reminders in the outbox."""
    return set(
        Notification.objects.filter(category__in=INITIATIVE_CATEGORIES, **filters).values_list(
            "rule__code", "recipient__email", "occurrence"
        )
    )


def initiative(world, *, gate_due: dt.date | None, title: str = "Smarta vattenmätare", **kw):
    owner = kw.pop("owner", {"municipality": world.ale})
    return initiative_create(
        actor=world.coordinator,
        title=title,
        next_gate_due_on=gate_due,
        **owner,
        **kw,
    )


def assumption(world, item: Initiative, *, test_by: dt.date | None, statement: str):
    return assumption_save(
        initiative=item,
        actor=world.coordinator,
        statement=statement,
        kind=AssumptionKind.FEASIBILITY,
        impact=4,
        uncertainty=4,
        test_plan="Ask the water works",
        test_by=test_by,
    )


@pytest.fixture
def process(world):
    """Initiatives and assumptions with dates around D, and near misses that remind nobody."""
    w = world
    w.meters = initiative(w, gate_due=D + dt.timedelta(days=14), lead=w.viewer)
    w.joint = initiative(
        w,
        title="Gemensam partnerworkshop",
        gate_due=D,
        lead=w.partner,
        owner={"cluster": w.cluster_a},
    )
    w.late = initiative(w, title="Matsvinn i skolkök", gate_due=D - dt.timedelta(days=21))
    w.parked = initiative(w, title="Parkerad idé", gate_due=D + dt.timedelta(days=14))
    Initiative.objects.filter(pk=w.parked.pk).update(state=State.PARKED)
    w.operating = initiative(w, title="I drift", gate_due=D + dt.timedelta(days=14))
    Initiative.objects.filter(pk=w.operating.pk).update(stage=Stage.OPERATION)
    w.lerum = initiative(w, title="Samåkning i Lerum", gate_due=D, owner={"municipality": w.lerum})
    w.test_soon = assumption(
        w, w.meters, test_by=D + dt.timedelta(days=7), statement="Mätarna klarar kylan"
    )
    w.test_overdue = assumption(
        w, w.meters, test_by=D - dt.timedelta(days=7), statement="Hushållen vill se sin förbrukning"
    )
    w.tested = assumption(
        w, w.meters, test_by=D + dt.timedelta(days=7), statement="Leverantören finns kvar"
    )
    assumption_resolve(
        assumption=w.tested,
        actor=w.coordinator,
        outcome=Outcome.VALIDATED,
        learning="Avtal till 2030.",
        resolved_on=D - dt.timedelta(days=30),
    )
    w.of_parked = assumption(
        w, w.parked, test_by=D + dt.timedelta(days=7), statement="Ingen testar detta"
    )
    return w


def test_gate_and_assumption_dates_reach_the_lead_and_the_coordinators(process):
    w = process
    reminders_scan(now=at(D, 7))
    meters, soon, overdue = (
        w.meters.pk,
        w.test_soon.pk,
        w.test_overdue.pk,
    )
    assert rows(object_id=meters, category=Category.GATE) == {
        ("gate-14", "viewer@example.se", (D + dt.timedelta(days=14)).isoformat()),
        ("gate-14", "coordinator@example.se", (D + dt.timedelta(days=14)).isoformat()),
    }
    assert rows(object_id=soon, category=Category.ASSUMPTION) == {
        ("assumption-7", "viewer@example.se", (D + dt.timedelta(days=7)).isoformat()),
        ("assumption-7", "coordinator@example.se", (D + dt.timedelta(days=7)).isoformat()),
    }
    # Seven days past its test-by date: the first weekly overdue reminder.
    assert rows(object_id=overdue, category=Category.ASSUMPTION) == {
        ("assumption-overdue", "viewer@example.se", f"{(D - dt.timedelta(days=7)).isoformat()}#01"),
        (
            "assumption-overdue",
            "coordinator@example.se",
            f"{(D - dt.timedelta(days=7)).isoformat()}#01",
        ),
    }


def test_a_joint_initiative_reminds_its_lead_and_the_cluster_s_programme_managers(process):
    w = process
    reminders_scan(now=at(D, 7))
    assert rows(object_id=w.joint.pk, category=Category.GATE) == {
        ("gate-0", "partner@example.se", D.isoformat()),
        ("gate-0", "manager@example.se", D.isoformat()),
    }
    # Lerum's own initiative: Lerum's coordinator, nobody of Ale or cluster A.
    assert rows(object_id=w.lerum.pk, category=Category.GATE) == {
        ("gate-0", "coordinator2@example.se", D.isoformat()),
    }


def test_a_gate_three_weeks_overdue_escalates_to_the_municipality_s_cluster_managers(process):
    w = process
    reminders_scan(now=at(D, 7))
    late_day = (D - dt.timedelta(days=21)).isoformat()
    assert rows(object_id=w.late.pk, category=Category.GATE) == {
        # The weekly overdue reminder (third repeat) to the coordinator (no lead named) ...
        ("gate-overdue", "coordinator@example.se", f"{late_day}#03"),
        # ... and the escalation to the programme manager of Ale's cluster, not cluster B's.
        ("gate-late-managers", "manager@example.se", late_day),
    }


def test_parked_stopped_operating_and_tested_things_remind_nobody(process):
    w = process
    Initiative.objects.filter(pk=w.lerum.pk).update(state=State.STOPPED)
    reminders_scan(now=at(D, 7))
    reminded = set(
        Notification.objects.filter(category__in=INITIATIVE_CATEGORIES).values_list(
            "category", "object_id"
        )
    )
    for kind, obj in (
        (Category.GATE, w.parked),
        (Category.GATE, w.operating),
        (Category.GATE, w.lerum),
        (Category.ASSUMPTION, w.tested),
        (Category.ASSUMPTION, w.of_parked),
    ):
        assert (kind, obj.pk) not in reminded, obj
    assert (Category.GATE, w.meters.pk) in reminded


def test_a_second_scan_adds_nothing(process):
    first = reminders_scan(now=at(D, 7))
    assert first.created > 0
    assert reminders_scan(now=at(D, 9)).created == 0


def test_a_decision_cancels_and_a_moved_date_supersedes_the_pending_reminder(process):
    w = process
    reminders_scan(now=at(D, 7))
    joint_rows = Notification.objects.filter(category=Category.GATE, object_id=w.joint.pk)
    assert joint_rows.filter(status=NotificationStatus.PENDING).count() == 2
    gate_decide(
        initiative=w.joint,
        actor=w.manager,
        seen_stage=Stage.IDEA,
        seen_state=State.ACTIVE,
        to_stage=Stage.CONCEPT,
        decision=Decision.GO,
        decided_by="Maja Manager",
        body=Body.CLUSTER,
        decided_on=D - dt.timedelta(days=1),
        rationale="Alla medlemmar vill delta.",
        open_criteria_reason="Prövas i konceptfasen.",
    )
    meters_rows = Notification.objects.filter(category=Category.GATE, object_id=w.meters.pk)
    initiative_update(
        initiative=w.meters, actor=w.coordinator, next_gate_due_on=D + dt.timedelta(days=30)
    )
    assumption_resolve(
        assumption=w.test_soon,
        actor=w.coordinator,
        outcome=Outcome.INVALIDATED,
        learning="Mätarna frös i februari.",
        resolved_on=D - dt.timedelta(days=1),
    )
    result = reminders_scan(now=at(D, 8))
    assert set(joint_rows.values_list("status", flat=True)) == {NotificationStatus.CANCELLED}
    assert set(meters_rows.values_list("status", flat=True)) == {NotificationStatus.SUPERSEDED}
    assert set(
        Notification.objects.filter(
            category=Category.ASSUMPTION, object_id=w.test_soon.pk
        ).values_list("status", flat=True)
    ) == {NotificationStatus.CANCELLED}
    assert (result.cancelled, result.superseded) == (4, 2)


def test_people_who_turned_decision_points_off_get_none(process):
    w = process
    NotificationPreference.objects.create(user=w.coordinator, gates=False)
    reminders_scan(now=at(D, 7))
    assert not Notification.objects.filter(recipient=w.coordinator, category=Category.GATE)
    assert Notification.objects.filter(recipient=w.coordinator, category=Category.ASSUMPTION)
    assert Notification.objects.filter(recipient=w.viewer, category=Category.GATE)


@override_settings(SITE_URL=SITE)
def test_the_reminder_e_mail_links_to_the_initiative_page(process):
    w = process
    reminders_scan(now=at(D, 7))
    Notification.objects.exclude(category__in=INITIATIVE_CATEGORIES).delete()
    Notification.objects.exclude(recipient=w.viewer).delete()
    mail.outbox.clear()
    dispatch_due(now=at(D, 9))
    by_subject = {m.subject: m for m in mail.outbox}
    gate_subject = "Decision point in 14 days: Smarta vattenmätare (Ale)"
    test_subject = "Assumption to test within 7 days: Mätarna klarar kylan – Smarta vattenmätare"
    assert {gate_subject, test_subject} <= set(by_subject)
    page = SITE + reverse("initiatives:detail", kwargs={"pk": w.meters.pk})
    for subject in (gate_subject, test_subject):
        message = by_subject[subject]
        assert page in message.body
        assert page in message.alternatives[0][0]


@override_settings(SITE_URL=SITE)
def test_a_digest_lists_initiative_reminders_under_their_own_heading(process):
    w = process
    NotificationPreference.objects.create(user=w.viewer, delivery="daily")
    reminders_scan(now=at(D, 7))
    Notification.objects.exclude(recipient=w.viewer).delete()
    mail.outbox.clear()
    dispatch_due(now=at(D, 9))
    (digest,) = mail.outbox
    assert "Innovation initiatives" in digest.body
    assert "Cluster meetings" not in digest.body
    assert SITE + reverse("initiatives:detail", kwargs={"pk": w.meters.pk}) in digest.body


def test_rules_have_swedish_and_english_names():
    rule = ReminderRule.objects.get(code="gate-14")
    assert rule.name == "Decision point in 14 days"
    assert rule.name_sv == "Beslutspunkt om 14 dagar"
    assert ReminderRule.objects.get(code="task-7").name_sv == "Uppgift om 7 dagar"
    assert not ReminderRule.objects.filter(name_sv="")


def test_scan_query_count_does_not_grow_with_the_initiatives(world, django_assert_max_num_queries):
    def add(n: int) -> None:
        for i in range(n):
            municipality = f.MunicipalityFactory()
            f.ClusterMembershipFactory(cluster=world.cluster_a, municipality=municipality)
            coordinator = f.UserFactory()
            f.MunicipalityMembershipFactory(
                user=coordinator, municipality=municipality, role="coordinator"
            )
            item = initiative(
                world,
                title=f"Initiativ {i}",
                gate_due=D + dt.timedelta(days=14),
                owner={"municipality": municipality},
            )
            assumption(world, item, test_by=D + dt.timedelta(days=7), statement=f"Antagande {i}")

    add(1)
    # Both runs look the content types up afresh: the cache is per process, warm or not.
    ContentType.objects.clear_cache()
    with django_assert_max_num_queries(80) as small:
        reminders_scan(now=at(D, 7))
    Notification.objects.all().delete()
    add(10)
    ContentType.objects.clear_cache()
    with django_assert_max_num_queries(80) as large:
        second = reminders_scan(now=at(D, 7))
    assert len(large.captured_queries) == len(small.captured_queries)
    assert rows(category=Category.GATE, rule__code="gate-14").__len__() == 11
    assert second.created >= 22
