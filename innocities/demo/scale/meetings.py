"""Phase 3 of the scale: meetings with their invitees."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from clusters.models import Attendance, Meeting, MeetingParticipant, MeetingStatus, Reply
from innocities.demo.scale.base import SeederBase, _at, _workday
from innocities.demo.scale.sizes import DOMAIN
from innocities.demo.scale.text import MEETING_KINDS, MEETING_TOPICS, MINUTES


class MeetingsPhase(SeederBase):
    """Phase 3: meetings."""

    def meetings_with_invitees(self) -> None:
        rng = self.rng
        clusters = self.clusters
        per = [self.size.meetings // len(clusters)] * len(clusters)
        for index in range(self.size.meetings % len(clusters)):
            per[index] += 1
        members = defaultdict(list)
        for municipality in self.municipalities:
            members[self.cluster_of[municipality.pk].pk].append(municipality)
        meetings: list[Meeting] = []
        for cluster, count in zip(clusters, per, strict=True):
            first = max(cluster.starts_on, self.today - dt.timedelta(days=730))
            span = (self.today + dt.timedelta(days=180) - first).days
            for n in range(count):
                day = _workday(
                    first + dt.timedelta(days=span * n // max(count, 1) + rng.randint(0, 6)), "SE"
                )
                kind, label = rng.choice(MEETING_KINDS)
                topic = rng.choice(MEETING_TOPICS)
                place = rng.choice(members[cluster.pk])
                online = rng.random() < 0.2
                hour = rng.choice((9, 13))
                past = day < self.today
                meetings.append(
                    Meeting(
                        cluster=cluster,
                        kind=kind,
                        title=f"{label}: {topic}",
                        starts_at=_at(day, hour),
                        ends_at=_at(day, hour + 3),
                        location="" if online else f"Kommunhuset i {place.name}",
                        online_url=f"https://moten.{DOMAIN}/{cluster.pk}-{n}" if online else "",
                        agenda=f"1. Välkomna och nyhetsrunda\n2. {topic.capitalize()}\n3. Nästa steg",
                        minutes=rng.choice(MINUTES) if past else "",
                        status=MeetingStatus.CANCELLED
                        if rng.random() < 0.04
                        else MeetingStatus.SCHEDULED,
                        created_by_id=self.managers[cluster.pk][0],
                    )
                )
        self._insert(Meeting, meetings)
        participants: list[MeetingParticipant] = []
        for meeting in meetings:
            past = meeting.starts_at.date() < self.today
            invited = []
            for user_id in self.cluster_people[meeting.cluster_id]:
                chance = rng.random()
                if chance < 0.1:
                    reply = Reply.DECLINED
                elif chance < (0.9 if past else 0.55):
                    reply = Reply.ACCEPTED
                else:
                    reply = Reply.INVITED
                attendance = Attendance.UNKNOWN
                if past and meeting.status == MeetingStatus.SCHEDULED:
                    attendance = (
                        Attendance.ATTENDED
                        if reply == Reply.ACCEPTED and rng.random() < 0.92
                        else Attendance.ABSENT
                    )
                participants.append(
                    MeetingParticipant(
                        meeting=meeting,
                        user_id=user_id,
                        reply=reply,
                        attendance=attendance,
                        replied_at=(
                            min(meeting.starts_at - dt.timedelta(days=rng.randint(2, 10)), self.now)
                            if reply != Reply.INVITED
                            else None
                        ),
                    )
                )
                invited.append((user_id, reply))
            self.meetings.append((meeting, invited))
        self._copy(MeetingParticipant, participants)
        self.aside.restore(self.writer, MeetingParticipant)
