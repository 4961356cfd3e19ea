from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from innocities.core.validators import no_control_characters
from municipalities.models import Municipality, Organisation


class ClusterStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")


class Cluster(models.Model):
    """A network of peer municipalities, usually regional or thematic."""

    name = models.CharField(
        _("name"), max_length=200, unique=True, validators=[no_control_characters]
    )
    theme = models.CharField(_("theme"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ClusterStatus.choices, default=ClusterStatus.ACTIVE
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    shared_need_below = models.DecimalField(
        _("low score below"),
        max_digits=2,
        decimal_places=1,
        default=Decimal("2.5"),
        help_text=_(
            "A member scores low in a self-assessment dimension when its mean is below this."
        ),
    )
    shared_need_min_members = models.PositiveSmallIntegerField(
        _("members that must score low"),
        null=True,
        blank=True,
        help_text=_(
            "How many members must score low in a dimension before a shared need is "
            "proposed. Empty: half of the members."
        ),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("cluster")
        verbose_name_plural = _("clusters")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="cluster_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(shared_need_below__gte=1, shared_need_below__lte=5),
                name="cluster_shared_need_below_on_the_scale",
                violation_error_message=_("The low-score threshold is between 1 and 5."),
            ),
            models.CheckConstraint(
                condition=Q(shared_need_min_members__isnull=True)
                | Q(shared_need_min_members__gte=2),
                name="cluster_shared_need_needs_two_members",
                violation_error_message=_("A shared need is shared by at least two members."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class MembershipStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    OBSERVER = "observer", _("Observer")
    LEFT = "left", _("Left")


class ClusterMembershipQuerySet(models.QuerySet["ClusterMembership"]):
    def current(self) -> ClusterMembershipQuerySet:
        """Memberships not yet ended: the cluster's open members."""
        return self.filter(left_on__isnull=True)


class ClusterMembership(models.Model):
    """A municipality's membership of a cluster. Leaving ends it with a date; never deleted."""

    cluster = models.ForeignKey(Cluster, on_delete=models.PROTECT, related_name="memberships")
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="cluster_memberships"
    )
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=MembershipStatus.choices,
        default=MembershipStatus.ACTIVE,
    )
    note = models.CharField(_("note"), max_length=500, blank=True)

    history = HistoricalRecords()
    objects = ClusterMembershipQuerySet.as_manager()

    class Meta:
        ordering = ["municipality__name", "-joined_on"]
        verbose_name = _("cluster membership")
        verbose_name_plural = _("cluster memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "municipality"],
                condition=Q(left_on__isnull=True),
                name="cluster_membership_one_open_per_municipality",
                violation_error_message=_("This municipality is already a member of the cluster."),
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("joined_on")),
                name="cluster_membership_left_after_joined",
                violation_error_message=_("The leave date cannot be before the join date."),
            ),
            models.CheckConstraint(
                condition=(Q(left_on__isnull=True) & ~Q(status="left"))
                | (Q(left_on__isnull=False) & Q(status="left")),
                name="cluster_membership_left_status_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality} in {self.cluster}"

    @property
    def is_open(self) -> bool:
        return self.left_on is None


class ClusterPartnerQuerySet(models.QuerySet["ClusterPartner"]):
    def current(self) -> ClusterPartnerQuerySet:
        """Partnerships not yet ended."""
        return self.filter(left_on__isnull=True)


class ClusterPartner(models.Model):
    """A partner organisation taking part in a cluster, with what it contributes."""

    cluster = models.ForeignKey(Cluster, on_delete=models.PROTECT, related_name="partners")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="cluster_partnerships"
    )
    contribution = models.TextField(_("contribution"), blank=True)
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)

    history = HistoricalRecords()
    objects = ClusterPartnerQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name", "-joined_on"]
        verbose_name = _("cluster partner")
        verbose_name_plural = _("cluster partners")
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "organisation"],
                condition=Q(left_on__isnull=True),
                name="cluster_partner_one_open_per_organisation",
                violation_error_message=_("This organisation is already a partner of the cluster."),
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("joined_on")),
                name="cluster_partner_left_after_joined",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} in {self.cluster}"


class RosterRole(models.TextChoices):
    PROGRAMME_MANAGER = "programme_manager", _("Programme manager")
    CLUSTER_LEAD = "cluster_lead", _("Cluster lead")
    MUNICIPAL_CONTACT = "municipal_contact", _("Municipal contact")
    PARTNER_CONTACT = "partner_contact", _("Partner contact")
    EXPERT = "expert", _("Expert")


class RosterEntryQuerySet(models.QuerySet["RosterEntry"]):
    def current(self) -> RosterEntryQuerySet:
        """Roster entries not yet ended."""
        return self.filter(ended_on__isnull=True)

    def programme_managers(self) -> RosterEntryQuerySet:
        """Who manages a cluster: its open programme-manager entries of active accounts. The
        one definition (permissions, reminders and reports all ask it)."""
        return self.current().filter(role=RosterRole.PROGRAMME_MANAGER, user__is_active=True)


class RosterEntry(models.Model):
    """A person's role in a cluster, with dates.

    Roles are data: an open entry with the programme-manager role is what lets a person
    manage the cluster; any other open entry lets them read it.
    """

    cluster = models.ForeignKey(Cluster, on_delete=models.PROTECT, related_name="roster")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="roster_entries"
    )
    role = models.CharField(_("roster role"), max_length=30, choices=RosterRole.choices)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="roster_entries",
        verbose_name=_("organisation"),
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="roster_entries",
        verbose_name=_("municipality"),
    )
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    history = HistoricalRecords()
    objects = RosterEntryQuerySet.as_manager()

    class Meta:
        ordering = ["role", "user__full_name"]
        verbose_name = _("roster entry")
        verbose_name_plural = _("roster entries")
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "user", "role"],
                condition=Q(ended_on__isnull=True),
                name="roster_entry_one_open_per_role",
                violation_error_message=_("This person already has that role in the cluster."),
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="roster_entry_ended_after_started",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} ({self.cluster})"


class MeetingKind(models.TextChoices):
    MEETING = "meeting", _("Meeting")
    WORKSHOP = "workshop", _("Workshop")
    TRAINING = "training", _("Training")
    STUDY_VISIT = "study_visit", _("Study visit")


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled")


class Meeting(models.Model):
    cluster = models.ForeignKey(Cluster, on_delete=models.PROTECT, related_name="meetings")
    kind = models.CharField(
        _("type"), max_length=20, choices=MeetingKind.choices, default=MeetingKind.MEETING
    )
    title = models.CharField(_("title"), max_length=200, validators=[no_control_characters])
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    location = models.CharField(
        _("place"), max_length=300, blank=True, validators=[no_control_characters]
    )
    online_url = models.URLField(_("online link"), blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    need = models.ForeignKey(
        "clusters.Need",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("shared need"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The iCalendar SEQUENCE of the invitations sent: raised when the time, place or title
    # changes and when the meeting is cancelled, so calendars replace what they hold.
    sequence = models.PositiveIntegerField(_("invitation revision"), default=0, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="meeting_ends_after_start",
                violation_error_message=_("The meeting must end after it starts."),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Reply(models.TextChoices):
    INVITED = "invited", _("Invited")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class Attendance(models.TextChoices):
    UNKNOWN = "unknown", _("Not marked")
    ATTENDED = "attended", _("Attended")
    ABSENT = "absent", _("Absent")


class MeetingParticipant(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="meeting_invitations"
    )
    reply = models.CharField(
        _("reply"), max_length=20, choices=Reply.choices, default=Reply.INVITED
    )
    attendance = models.CharField(
        _("attendance"), max_length=20, choices=Attendance.choices, default=Attendance.UNKNOWN
    )
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)

    class Meta:
        ordering = ["user__full_name", "user__email"]
        verbose_name = _("meeting participant")
        verbose_name_plural = _("meeting participants")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"], name="meeting_participant_unique_user"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.meeting}"


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


# The UN's 17 Sustainable Development Goals (Agenda 2030), by number, with their official
# short names (Swedish from the Swedish government's Agenda 2030 pages).
SDG_GOALS: dict[int, str] = {
    1: _("No poverty"),
    2: _("Zero hunger"),
    3: _("Good health and well-being"),
    4: _("Quality education"),
    5: _("Gender equality"),
    6: _("Clean water and sanitation"),
    7: _("Affordable and clean energy"),
    8: _("Decent work and economic growth"),
    9: _("Industry, innovation and infrastructure"),
    10: _("Reduced inequalities"),
    11: _("Sustainable cities and communities"),
    12: _("Responsible consumption and production"),
    13: _("Climate action"),
    14: _("Life below water"),
    15: _("Life on land"),
    16: _("Peace, justice and strong institutions"),
    17: _("Partnerships for the goals"),
}


def validate_sdg_goals(value: object) -> None:
    """A list of distinct SDG goal numbers, 1–17 (stored as JSON so SQLite works too)."""
    if not isinstance(value, list) or not all(
        isinstance(goal, int) and not isinstance(goal, bool) and goal in SDG_GOALS for goal in value
    ):
        raise ValidationError(_("SDG goals must be numbers from 1 to 17."), code="invalid_sdg_goal")
    if len(set(value)) != len(value):
        raise ValidationError(_("Each SDG goal may be named only once."), code="duplicate_sdg_goal")


def normalise_theme(text: str) -> str:
    """A theme as shared-need proposals and recommendation rules compare it: case and
    spacing do not matter."""
    return " ".join(text.split()).casefold()


class Need(models.Model):
    """A challenge: one municipality's own, or shared by a cluster.

    A shared need accepted from a proposal remembers it: ``proposal_key`` (one need per
    proposal and cluster), the dimension it came from, and the members' needs it brings
    together (``based_on``). Tailoring uses these to leave out of a member's own programme
    what the cluster meets jointly.
    """

    title = models.CharField(_("title"), max_length=200, validators=[no_control_characters])
    description = models.TextField(_("description"), blank=True)
    theme = models.CharField(_("theme"), max_length=200, blank=True)
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.MEDIUM
    )
    cluster = models.ForeignKey(
        Cluster, on_delete=models.PROTECT, null=True, blank=True, related_name="needs"
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, null=True, blank=True, related_name="needs"
    )
    sdg_goals = models.JSONField(
        _("SDG goals"),
        default=list,
        blank=True,
        validators=[validate_sdg_goals],
        help_text=_("Numbers of the UN Sustainable Development Goals (1–17) the need concerns."),
    )
    dimension_code = models.SlugField(
        _("self-assessment dimension"),
        max_length=40,
        blank=True,
        help_text=_("For a shared need: the dimension in which its members scored low."),
    )
    proposal_key = models.CharField(_("proposal"), max_length=250, blank=True, editable=False)
    based_on = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="shared_as",
        verbose_name=_("members' needs"),
        help_text=_("For a shared need: the member municipalities' own needs it brings together."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        constraints = [
            models.CheckConstraint(
                condition=(Q(cluster__isnull=False) & Q(municipality__isnull=True))
                | (Q(cluster__isnull=True) & Q(municipality__isnull=False)),
                name="need_belongs_to_cluster_or_municipality",
                violation_error_message=_("A need belongs to a cluster or to one municipality."),
            ),
            models.UniqueConstraint(
                fields=["cluster", "proposal_key"],
                condition=~Q(proposal_key=""),
                name="need_one_per_proposal",
                violation_error_message=_("This proposal is already a shared need."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def sdg_goal_names(self) -> list[tuple[int, str]]:
        """The need's goals as (number, translated name), in goal order."""
        return [
            (goal, str(SDG_GOALS[goal])) for goal in sorted(self.sdg_goals) if goal in SDG_GOALS
        ]


class DismissedProposal(models.Model):
    """A shared-need proposal a manager set aside, so it stops being proposed (until restored)."""

    cluster = models.ForeignKey(
        Cluster, on_delete=models.CASCADE, related_name="dismissed_proposals"
    )
    key = models.CharField(_("proposal"), max_length=250)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    dismissed_at = models.DateTimeField(_("set aside at"), default=timezone.now)

    class Meta:
        ordering = ["cluster", "key"]
        verbose_name = _("dismissed shared-need proposal")
        verbose_name_plural = _("dismissed shared-need proposals")
        constraints = [
            models.UniqueConstraint(fields=["cluster", "key"], name="dismissed_proposal_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.cluster}: {self.key}"
