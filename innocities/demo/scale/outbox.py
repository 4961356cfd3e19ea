"""Phase 5 of the scale: the outbox of reminders over the years."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Sequence

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from clusters.models import Meeting, MeetingStatus, Reply
from innocities.accounts.models import User
from innocities.demo.scale.base import SeederBase, _at, _Programme
from innocities.demo.scale.copying import MilestoneRow, NotificationRow, TaskRow
from innocities.demo.scale.sizes import BATCH, STOCKHOLM
from innocities.demo.scale.text import FAILED_SENDING
from innocities.notifications.models import (
    Delivery,
    Notification,
    NotificationPreference,
    NotificationStatus,
    ReminderRule,
)
from innocities.notifications.services.scan import render_subject
from innocities.notifications.timing import send_after
from programs.models import ItemStatus, Milestone, Program, ProgramStatus, Task

# A reminder to write: (day, rule code, content type, object, recipient, occurrence, programme,
# title, url, whether its item is still open).
Firing = tuple[dt.date, str, int, int, int, str, int | None, str, str, bool]


class OutboxPhase(SeederBase):
    """Phase 5: the outbox."""

    def outbox(self) -> None:
        """The reminders the portal would have sent over the years, and the few waiting now:
        every meeting's, milestone's and late progress update's, then as many tasks' as
        make ``size.notifications``."""
        rules = {rule.code: rule for rule in ReminderRule.objects.filter(is_active=True)}
        people = {
            pk: (language or "sv", zone)
            for pk, language, zone in User.objects.values_list("pk", "language", "time_zone")
        }
        preferences = {
            p.user_id: (p.delivery, p.hour) for p in NotificationPreference.objects.all()
        }
        for model in (Meeting, Milestone, Program, Task):
            ContentType.objects.get_for_model(model)  # cached for the firings below
        # From here to its COPY this phase asks nothing of the database: the writer builds the
        # tasks' and milestones' trigram indexes meanwhile (bulk.py).
        self.aside.restore(self.writer, Task, Milestone)
        programmes = {p.pk: p for p in self.programmes}
        fixed = self._meeting_firings(rules)
        fixed += self._item_firings(rules, Milestone, self.milestones, programmes)
        fixed += self._progress_firings(rules, programmes)
        wanted = self.size.notifications
        if len(fixed) >= wanted:
            chosen = self.rng.sample(fixed, wanted)
        else:
            # The rest from tasks taken in a random order, each with all its reminders, until
            # there are enough: the other tasks' firings (a third of them at --scale 1.0) are
            # never made.
            tasks = list(self.tasks)
            self.rng.shuffle(tasks)
            chosen = fixed + self._item_firings(
                rules, Task, tasks, programmes, limit=wanted - len(fixed)
            )
        # In the order the scan would have written them.
        chosen.sort(key=lambda firing: (firing[0], firing[2], firing[3], firing[4]))
        self._write_outbox(chosen, rules, people, preferences)
        self.aside.restore(self.writer, Notification)

    def _item_firings(
        self,
        rules: dict[str, ReminderRule],
        model: type[Task] | type[Milestone],
        items: Sequence[TaskRow] | Sequence[MilestoneRow],
        programmes: dict[int, _Programme],
        limit: int | None = None,
    ) -> list[Firing]:
        """Each rule's reminders of each item, on the days the item was still open and its
        programme running; to its owner, else to the programme's coordinators. No more than
        ``limit``, if given: the items' in their order until then."""
        content_type = ContentType.objects.get_for_model(model).pk
        category = model._meta.model_name
        mine = [r for r in rules.values() if r.category == category and not r.escalate]
        urls: dict[int, str] = {}
        firings: list[Firing] = []
        for item in items:
            if limit is not None and len(firings) >= limit:
                break
            programme = programmes[item.program_id]
            if programme.horizon is None:
                continue
            if item.program_id not in urls:
                urls[item.program_id] = reverse("programs:detail", kwargs={"pk": item.program_id})
            recipients = [item.owner_id] if item.owner_id else programme.coordinators
            still_open = item.completed_on is None and item.status != ItemStatus.CANCELLED
            for rule in mine:
                repeats = range(1, rule.max_repeats + 1) if rule.repeat_every_days else (0,)
                for repeat in repeats:
                    later = max(repeat - 1, 0) * (rule.repeat_every_days or 0)
                    day = item.due_on + dt.timedelta(days=rule.offset_days + later)
                    if (
                        day > programme.horizon
                        or day > self.today
                        or (item.status == ItemStatus.CANCELLED and day >= item.due_on)
                        or (item.completed_on is not None and item.completed_on < day)
                        or (day == self.today and programme.status != ProgramStatus.ACTIVE)
                    ):
                        break
                    occurrence = item.due_on.isoformat() + (f"#{repeat:02d}" if repeat else "")
                    for recipient in recipients:
                        firings.append(
                            (
                                day,
                                rule.code,
                                content_type,
                                item.id,  # type: ignore[arg-type]
                                recipient,
                                occurrence,
                                item.program_id,
                                item.title,
                                urls[item.program_id],
                                still_open,
                            )
                        )
        return firings[:limit]

    def _meeting_firings(self, rules: dict[str, ReminderRule]) -> list[Firing]:
        content_type = ContentType.objects.get_for_model(Meeting).pk
        mine = [r for r in rules.values() if r.category == "meeting"]
        firings: list[Firing] = []
        for meeting, invited in self.meetings:
            if meeting.status == MeetingStatus.CANCELLED:
                continue
            held = meeting.starts_at.astimezone(STOCKHOLM).date()
            url = reverse(
                "clusters:meeting_detail",
                kwargs={"pk": meeting.cluster_id, "meeting_pk": meeting.pk},
            )
            for rule in mine:
                day = held + dt.timedelta(days=rule.offset_days)
                if day > self.today:
                    continue
                for user_id, reply in invited:
                    if reply != Reply.DECLINED:
                        firings.append(
                            (
                                day,
                                rule.code,
                                content_type,
                                meeting.pk,
                                user_id,
                                held.isoformat(),
                                None,
                                meeting.title,
                                url,
                                True,
                            )
                        )
        return firings

    def _progress_firings(
        self, rules: dict[str, ReminderRule], programmes: dict[int, _Programme]
    ) -> list[Firing]:
        """The monthly update's reminder on the 25th, in the months it came later than that."""
        rule = rules.get("progress-due")
        if rule is None:
            return []
        content_type = ContentType.objects.get_for_model(Program).pk
        firings: list[Firing] = []
        for program_id, day in self.late_updates:
            programme = programmes[program_id]
            url = reverse("programs:update_create", kwargs={"pk": program_id})
            for user_id in programme.coordinators:
                firings.append(
                    (
                        day,
                        rule.code,
                        content_type,
                        program_id,
                        user_id,
                        day.isoformat(),
                        program_id,
                        programme.title,
                        url,
                        False,
                    )
                )
        return firings

    def _write_outbox(
        self,
        firings: list[Firing],
        rules: dict[str, ReminderRule],
        people: dict[int, tuple[str, str]],  # user -> (language, time zone)
        preferences: dict[int, tuple[str, int]],  # user -> (delivery, hour)
    ) -> None:
        rng = self.rng
        zones: dict[str, zoneinfo.ZoneInfo] = {}
        subjects: dict[tuple[str, str], str] = {}
        rows: list[NotificationRow] = []
        for firing in firings:
            day, code, content_type, object_id, recipient, occurrence = firing[:6]
            program_id, title, url, still_open = firing[6:]
            rule = rules[code]
            language, zone_name = people[recipient]
            delivery, hour = preferences.get(recipient, (Delivery.IMMEDIATE, 8))
            zone = zones.get(zone_name) or zones.setdefault(zone_name, zoneinfo.ZoneInfo(zone_name))
            if (code, language) not in subjects:
                # Rendered once per rule and language; the scan renders each row alike.
                subjects[code, language] = render_subject(
                    rule=rule, context={"title": "\x00"}, language=language
                )
            if day == self.today and still_open:
                status, attempts, error, claimed, sent = (
                    NotificationStatus.PENDING,
                    0,
                    "",
                    None,
                    None,
                )
                due = send_after(
                    now=self.now,
                    time_zone=zone_name,
                    hour=hour,
                    delivery=delivery,
                    paused_until=None,
                    country="NO" if zone_name == "Europe/Oslo" else "SE",
                )
                created = self.now - dt.timedelta(minutes=rng.randint(1, 50))
            else:
                due = _at(day, hour, zone=zone)
                # random() rather than randint() here and in _fate, for each of 300,000 rows:
                # its checks cost more than the rest of the row.
                created = _at(day, 0, 1 + int(rng.random() * 55))
                status, attempts, error, claimed, sent = self._fate(
                    due, done_that_day=day == self.today or rng.random() < 0.06
                )
            row = NotificationRow(
                rule_id=rule.pk,
                content_type_id=content_type,
                object_id=object_id,
                recipient_id=recipient,
                occurrence=occurrence,
                category=rule.category,
                program_id=program_id,
                delivery=delivery,
                status=status,
                send_after=due,
                claimed_at=claimed,
                attempts=attempts,
                last_error=error,
                sent_at=sent,
                created_at=created,
                subject=subjects[code, language].replace("\x00", title)[:255],
                url=url,
            )
            rows.append(row)
            if status == NotificationStatus.SENT and rng.random() < 0.004:
                rows.append(self._superseded(row))
            if len(rows) >= BATCH:
                self._copy(Notification, rows)
                rows = []
        self._copy(Notification, rows)

    def _fate(
        self, due: dt.datetime, *, done_that_day: bool
    ) -> tuple[str, int, str, dt.datetime | None, dt.datetime | None]:
        """What became of a reminder whose day has passed: (status, attempts, last error,
        claimed at, sent at). Sent, mostly; cancelled when the item was done before the hour;
        failed after five attempts now and then."""
        if done_that_day:
            return NotificationStatus.CANCELLED, 0, "", None, None
        if self.rng.random() < 0.004:
            return NotificationStatus.FAILED, 5, FAILED_SENDING, due + dt.timedelta(hours=8), None
        sent = due + dt.timedelta(seconds=5 + int(self.rng.random() * 236))
        return NotificationStatus.SENT, 0, "", sent - dt.timedelta(seconds=1), sent

    def _superseded(self, row: NotificationRow) -> NotificationRow:
        """The reminder for the date the item had before it was moved: replaced, never sent."""
        due, _hash, repeat = row.occurrence.partition("#")
        earlier = (dt.date.fromisoformat(due) - dt.timedelta(days=7)).isoformat()
        return row._replace(
            occurrence=earlier + (f"#{repeat}" if repeat else ""),
            status=NotificationStatus.SUPERSEDED,
            send_after=row.send_after - dt.timedelta(days=7),
            created_at=row.created_at - dt.timedelta(days=7),
            claimed_at=None,
            sent_at=None,
        )
