"""Benefit follow-ups in the reminder system, end to end: the real scan at a simulated moment,
who hears of what (the benefit owner; the coordinators or cluster managers when the owner
cannot act, and on escalation), what retires a reminder (recording it above all), and the
e-mail's link to the page the owner records it on."""

from __future__ import annotations

import datetime as dt
import importlib
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from clusters.models import ClusterPartner
from innocities.notifications.models import (
    Category,
    Notification,
    NotificationPreference,
    NotificationStatus,
    ReminderRule,
)
from innocities.notifications.services import dispatch_due, reminders_scan
from municipalities.models import MunicipalityMembership
from programs.benefits.models import BenefitFollowUp, BenefitKind, Judgement
from programs.benefits.reminders import benefit_reminders, benefits_due_on
from programs.benefits.services import (
    benefit_end,
    benefit_save,
    followup_plan,
    followup_record,
    followup_unplan,
)
from programs.indicators.models import Direction
from programs.initiatives.models import Initiative, InitiativePartner, Stage, State
from tests import factories as f
from tests.initiatives.factories import InitiativeFactory
from tests.notifications.conftest import at

D = dt.date(2026, 3, 4)  # a Wednesday, no holiday
SITE = "https://portal.example.se"
MINE = reverse("benefits:mine")


@pytest.fixture(autouse=True)
def benefit_rules(db) -> None:
    """The benefit rules (a transactional test elsewhere may have flushed them)."""
    from django.apps import apps

    migration = importlib.import_module(
        "innocities.notifications.migrations.0006_benefit_and_statistics_rules"
    )
    migration.seed(apps, None)


def rows(**filters) -> set[tuple[str, str, str]]:
    """(rule code, recipient e-mail, occurrence) of the benefit reminders in the outbox."""
    return set(
        Notification.objects.filter(category=Category.BENEFIT, **filters).values_list(
            "rule__code", "recipient__email", "occurrence"
        )
    )


def benefit(world, initiative: Initiative, *, owner, title: str, actor=None):
    return benefit_save(
        initiative=initiative,
        actor=actor or world.coordinator,
        title=title,
        kind=BenefitKind.ECONOMY,
        owner=owner,
        unit="leaks a year",
        direction=Direction.LOWER_IS_BETTER,
        baseline_value=Decimal(40),
        baseline_on=dt.date(2025, 1, 1),
        target_value=Decimal(20),
        target_on=dt.date(2027, 12, 31),
    )


def plan(world, item, *days: dt.date) -> list[BenefitFollowUp]:
    return followup_plan(benefit=item, actor=world.coordinator, dates=list(days)).added


@pytest.fixture
def follow_ups(world):
    """Follow-ups around D: Ale's meters (in operation) owned by the viewer, due in 14 days,
    today and a week ago; near misses that remind nobody; an owner who left Ale; a joint
    initiative's benefit owned by the partner contact whose organisation takes part."""
    w = world
    w.meters = InitiativeFactory(
        municipality=w.ale, title="Smart water meters", stage=Stage.OPERATION
    )
    w.leaks = benefit(w, w.meters, owner=w.viewer, title="Fewer water leaks")
    w.late, w.today, w.soon = plan(  # in date order
        w, w.leaks, D + dt.timedelta(days=14), D, D - dt.timedelta(days=7)
    )
    # Recorded ahead of its date: nothing to remind.
    w.bills = benefit(w, w.meters, owner=w.viewer, title="Lower water bills")
    (w.done,) = plan(w, w.bills, D + dt.timedelta(days=14))
    followup_record(
        benefit=w.bills,
        actor=w.viewer,
        followup=w.done,
        recorded_on=D - dt.timedelta(days=1),
        value=Decimal(35),
        judgement=Judgement.ON_TRACK,
    )
    # A stopped initiative's benefits are no longer reminded.
    w.stopped = InitiativeFactory(municipality=w.ale, title="Stopped bus")
    w.stopped_benefit = benefit(w, w.stopped, owner=w.viewer, title="Fewer empty buses")
    (w.of_stopped,) = plan(w, w.stopped_benefit, D + dt.timedelta(days=14))
    Initiative.objects.filter(pk=w.stopped.pk).update(state=State.STOPPED)
    # The owner left Ale: the coordinators hear of it instead.
    w.leaver = f.UserFactory(email="leaver@example.se")
    f.MunicipalityMembershipFactory(user=w.leaver, municipality=w.ale, role="viewer")
    w.orphan_benefit = benefit(w, w.meters, owner=w.leaver, title="Faster repairs")
    (w.orphan,) = plan(w, w.orphan_benefit, D + dt.timedelta(days=14))
    MunicipalityMembership.objects.filter(user=w.leaver).delete()
    # A joint initiative: its benefit owned by the partner contact of an organisation in it.
    w.joint = InitiativeFactory(cluster=w.cluster_a, title="Regional data space")
    InitiativePartner.objects.create(
        initiative=w.joint,
        organisation=ClusterPartner.objects.get(cluster=w.cluster_a).organisation,
    )
    w.shared = benefit(w, w.joint, owner=w.partner, title="Shared data", actor=w.manager)
    (w.of_joint,) = plan(w, w.shared, D + dt.timedelta(days=14))
    return w


def test_a_follow_up_due_in_14_days_reaches_its_owner_with_a_link_to_their_list(follow_ups):
    w = follow_ups
    reminders_scan(now=at(D, 7))
    assert rows(object_id=w.soon.pk) == {
        ("benefit-14", "viewer@example.se", (D + dt.timedelta(days=14)).isoformat())
    }
    row = Notification.objects.get(object_id=w.soon.pk, category=Category.BENEFIT)
    assert row.url == f"{MINE}#followup-{w.soon.pk}"
    assert row.content_type == ContentType.objects.get_for_model(BenefitFollowUp)
    assert rows(object_id=w.today.pk) == {("benefit-0", "viewer@example.se", D.isoformat())}
    late = (D - dt.timedelta(days=7)).isoformat()
    assert rows(object_id=w.late.pk) == {("benefit-overdue", "viewer@example.se", f"{late}#01")}


def test_a_joint_initiative_s_owner_on_the_roster_is_reminded(follow_ups):
    w = follow_ups
    reminders_scan(now=at(D, 7))
    assert rows(object_id=w.of_joint.pk) == {
        ("benefit-14", "partner@example.se", (D + dt.timedelta(days=14)).isoformat())
    }


def test_when_the_owner_left_the_coordinators_hear_of_it_on_the_register(follow_ups):
    w = follow_ups
    reminders_scan(now=at(D, 7))
    assert rows(object_id=w.orphan.pk) == {
        ("benefit-14", "coordinator@example.se", (D + dt.timedelta(days=14)).isoformat())
    }
    row = Notification.objects.get(object_id=w.orphan.pk, category=Category.BENEFIT)
    assert row.url == (
        reverse("benefits:register", args=[w.meters.pk]) + f"#benefit-{w.orphan_benefit.pk}"
    )


def test_recorded_and_stopped_follow_ups_remind_nobody(follow_ups):
    w = follow_ups
    reminders_scan(now=at(D, 7))
    reminded = set(
        Notification.objects.filter(category=Category.BENEFIT).values_list("object_id", flat=True)
    )
    assert w.done.pk not in reminded
    assert w.of_stopped.pk not in reminded
    assert w.soon.pk in reminded  # in operation: still followed up


def test_escalation_goes_to_the_coordinators_or_the_cluster_s_managers(follow_ups):
    w = follow_ups
    dues = {
        due.object_id: due
        for due in benefit_reminders([D + dt.timedelta(days=14)], to_managers=True)
    }
    assert dues[w.soon.pk].recipient_ids == {w.coordinator.pk}
    assert dues[w.of_joint.pk].recipient_ids == {w.manager.pk}
    assert dues[w.soon.pk].url.startswith(reverse("benefits:register", args=[w.meters.pk]))
    assert set(dues) == {w.soon.pk, w.orphan.pk, w.of_joint.pk}


def test_recording_cancels_the_pending_reminders_and_other_changes_retire_theirs(follow_ups):
    w = follow_ups
    reminders_scan(now=at(D, 7))
    pending = Notification.objects.filter(category=Category.BENEFIT, status="pending")
    assert pending.filter(object_id=w.soon.pk).exists()
    # The owner records the follow-up due in 14 days early.
    followup_record(
        benefit=w.leaks,
        actor=w.viewer,
        followup=w.soon,
        recorded_on=D,
        value=Decimal(30),
        judgement=Judgement.ON_TRACK,
    )
    followup_unplan(followup=w.today, actor=w.coordinator)  # the date is taken away
    benefit_end(benefit=w.orphan_benefit, actor=w.coordinator, ended_on=D, reason="Merged.")
    Initiative.objects.filter(pk=w.joint.pk).update(state=State.STOPPED)
    assert benefits_due_on([w.soon.pk, w.today.pk, w.late.pk, w.orphan.pk, w.of_joint.pk]) == {
        w.late.pk: D - dt.timedelta(days=7)
    }
    result = reminders_scan(now=at(D, 8))
    statuses = dict(
        Notification.objects.filter(category=Category.BENEFIT).values_list("object_id", "status")
    )
    for cancelled in (w.soon, w.today, w.orphan, w.of_joint):
        assert statuses[cancelled.pk] == NotificationStatus.CANCELLED, cancelled
    assert statuses[w.late.pk] == NotificationStatus.PENDING
    assert result.cancelled >= 4


def test_a_second_scan_adds_nothing(follow_ups):
    assert reminders_scan(now=at(D, 7)).created > 0
    assert reminders_scan(now=at(D, 9)).created == 0


def test_people_who_turned_benefit_follow_ups_off_get_none(follow_ups):
    w = follow_ups
    NotificationPreference.objects.create(user=w.viewer, benefits=False)
    reminders_scan(now=at(D, 7))
    assert not Notification.objects.filter(recipient=w.viewer, category=Category.BENEFIT)
    assert Notification.objects.filter(recipient=w.partner, category=Category.BENEFIT)


@override_settings(SITE_URL=SITE)
def test_the_e_mail_links_to_the_page_where_the_owner_records_it(follow_ups, as_persona):
    w = follow_ups
    reminders_scan(now=at(D, 7))
    Notification.objects.exclude(category=Category.BENEFIT, object_id=w.soon.pk).delete()
    mail.outbox.clear()
    dispatch_due(now=at(D, 9))
    (message,) = mail.outbox
    assert message.to == ["viewer@example.se"]
    # The generic "Due in 14 days: …" (or a benefit wording, should the template gain one).
    assert "14" in message.subject
    assert message.subject.endswith(": Fewer water leaks – Smart water meters")
    link = f"{SITE}{MINE}#followup-{w.soon.pk}"
    assert link in message.body
    assert link in message.alternatives[0][0]
    # The page it lands on lists the follow-up, with the way to record it.
    page = as_persona("viewer").get(MINE).content.decode()
    assert f'id="followup-{w.soon.pk}"' in page
    assert reverse("benefits:record", args=[w.meters.pk, w.leaks.pk]) in page


@override_settings(SITE_URL=SITE)
def test_a_digest_lists_benefit_follow_ups_with_the_initiatives(follow_ups):
    w = follow_ups
    NotificationPreference.objects.create(user=w.viewer, delivery="daily")
    reminders_scan(now=at(D, 7))
    Notification.objects.exclude(recipient=w.viewer).delete()
    mail.outbox.clear()
    dispatch_due(now=at(D, 9))
    (digest,) = mail.outbox
    assert "Innovation initiatives" in digest.body
    assert f"{SITE}{MINE}#followup-{w.soon.pk}" in digest.body


def test_the_benefit_rules_exist_in_three_languages():
    rule = ReminderRule.objects.get(code="benefit-14")
    assert (rule.category, rule.offset_days) == (Category.BENEFIT, -14)
    assert rule.name_sv == "Nyttouppföljning om 14 dagar"


def test_scan_query_count_does_not_grow_with_the_follow_ups(world, django_assert_max_num_queries):
    def add(n: int) -> None:
        for i in range(n):
            municipality = f.MunicipalityFactory()
            owner = f.UserFactory()
            f.MunicipalityMembershipFactory(user=owner, municipality=municipality, role="viewer")
            f.MunicipalityMembershipFactory(
                user=f.UserFactory(), municipality=municipality, role="coordinator"
            )
            item = InitiativeFactory(municipality=municipality, title=f"Initiativ {i}")
            gone = f.UserFactory()
            f.MunicipalityMembershipFactory(user=gone, municipality=municipality, role="viewer")
            kept = benefit(world, item, owner=owner, title=f"Nytta {i}", actor=world.admin)
            left = benefit(world, item, owner=gone, title=f"Lämnad {i}", actor=world.admin)
            MunicipalityMembership.objects.filter(user=gone).delete()
            joint = InitiativeFactory(cluster=world.cluster_a, title=f"Gemensamt {i}")
            shared = benefit(
                world, joint, owner=world.manager, title=f"Delad {i}", actor=world.admin
            )
            for each in (kept, left, shared):
                followup_plan(benefit=each, actor=world.admin, dates=[D + dt.timedelta(days=14)])

    add(1)
    ContentType.objects.clear_cache()
    with django_assert_max_num_queries(90) as small:
        reminders_scan(now=at(D, 7))
    Notification.objects.all().delete()
    add(10)
    ContentType.objects.clear_cache()
    with django_assert_max_num_queries(90) as large:
        second = reminders_scan(now=at(D, 7))
    assert len(large.captured_queries) == len(small.captured_queries)
    assert Notification.objects.filter(rule__code="benefit-14").count() == 33
    assert second.created >= 33
