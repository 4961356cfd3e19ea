"""The innovation process: initiatives move from a need to daily operation through recorded
decisions, with their assumptions tested on the way (DOMAIN.md, "The innovation process").

An initiative's stage changes only by a ``GateDecision``, which freezes who decided, why, the
criteria as they stood and the business case at that moment. Its ``state`` says whether it is
moving (active), on hold (parked) or ended (stopped); a parked or stopped initiative keeps the
stage it stopped in.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clusters.models import Cluster, Meeting, Need
from innocities.core.languages import in_reader_language
from innocities.core.validators import no_control_characters
from municipalities.models import Municipality, Organisation
from programs.models import ProgramModule, Task


class Stage(models.TextChoices):
    NEED = "need", _("Need")
    IDEA = "idea", _("Idea")
    CONCEPT = "concept", _("Concept")
    PILOT = "pilot", _("Pilot")
    IMPLEMENTATION = "implementation", _("Implementation and scale-up")
    OPERATION = "operation", _("In operation")


STAGES: tuple[str, ...] = tuple(Stage.values)
# A new initiative starts from a need or an idea; later stages are reached through gates.
FIRST_STAGES: tuple[str, ...] = (Stage.NEED, Stage.IDEA)


def next_stage(stage: str) -> str | None:
    """The stage after ``stage``; None after operation."""
    index = STAGES.index(stage)
    return STAGES[index + 1] if index + 1 < len(STAGES) else None


class State(models.TextChoices):
    ACTIVE = "active", _("Active")
    PARKED = "parked", _("Parked")
    STOPPED = "stopped", _("Stopped")


class Facet(models.TextChoices):
    """OECD OPSI's four facets of an innovation portfolio."""

    ENHANCEMENT = "enhancement", _("Enhancement-oriented")
    MISSION = "mission", _("Mission-oriented")
    ADAPTIVE = "adaptive", _("Adaptive")
    ANTICIPATORY = "anticipatory", _("Anticipatory")


class Initiative(models.Model):
    """An idea or project of one municipality, or a joint one of a cluster, answering a need."""

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="initiatives",
        verbose_name=_("municipality"),
    )
    cluster = models.ForeignKey(
        Cluster,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="initiatives",
        verbose_name=_("cluster"),
        help_text=_("For a joint initiative of the cluster."),
    )
    title = models.CharField(_("title"), max_length=200, validators=[no_control_characters])
    description = models.TextField(_("description"), blank=True)
    need = models.ForeignKey(
        Need,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="initiatives",
        verbose_name=_("the need it answers"),
    )
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_initiatives",
        verbose_name=_("initiative lead"),
    )
    module = models.ForeignKey(
        ProgramModule,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="initiatives",
        verbose_name=_("programme module"),
    )
    facet = models.CharField(
        _("portfolio facet"), max_length=20, choices=Facet.choices, default=Facet.ENHANCEMENT
    )
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.IDEA)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.ACTIVE)
    stage_since = models.DateField(_("in this stage since"))
    next_gate_due_on = models.DateField(
        _("next decision due"),
        null=True,
        blank=True,
        help_text=_("When the decision on the next stage should be taken. Reminders go out."),
    )
    # The business case as it stands; each gate decision freezes a copy.
    expected_benefits = models.TextField(_("expected benefits"), blank=True)
    estimated_cost_sek = models.DecimalField(
        _("estimated cost (SEK)"), max_digits=12, decimal_places=0, null=True, blank=True
    )
    risk = models.TextField(_("risks"), blank=True)
    benefit_owner = models.CharField(
        _("benefit owner"),
        max_length=200,
        blank=True,
        help_text=_("Who in the operating organisation owns the benefits once it is in operation."),
    )
    # A pilot another municipality adopted (programs.adoption): the original keeps its own
    # page; the adopter's copy starts at the concept stage and points back here.
    adopted_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="adoptions",
        verbose_name=_("adopted from"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("innovation initiative")
        verbose_name_plural = _("innovation initiatives")
        indexes = [
            models.Index(fields=["municipality", "stage"], name="initiative_municipality_stage"),
            models.Index(fields=["cluster", "stage"], name="initiative_cluster_stage"),
            models.Index(
                fields=["next_gate_due_on"],
                condition=Q(state="active"),
                name="initiative_gate_due_active",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(municipality__isnull=False) & Q(cluster__isnull=True))
                | (Q(municipality__isnull=True) & Q(cluster__isnull=False)),
                name="initiative_owned_by_municipality_or_cluster",
                violation_error_message=_(
                    "An initiative belongs to one municipality, or to a cluster as a joint one."
                ),
            ),
            models.CheckConstraint(
                condition=Q(estimated_cost_sek__isnull=True) | Q(estimated_cost_sek__gte=0),
                name="initiative_cost_not_negative",
                violation_error_message=_("The cost cannot be negative."),
            ),
            models.UniqueConstraint(
                fields=["municipality", "adopted_from"],
                condition=Q(adopted_from__isnull=False),
                name="initiative_adopted_once_per_municipality",
                violation_error_message=_("This municipality has already adopted this pilot."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def owner_name(self) -> str:
        return str(self.municipality or self.cluster)

    @property
    def is_joint(self) -> bool:
        return self.cluster_id is not None

    @property
    def next_stage(self) -> str | None:
        return next_stage(self.stage) if self.state != State.STOPPED else None

    @property
    def next_stage_label(self) -> str:
        stage = self.next_stage
        return str(Stage(stage).label) if stage else ""

    @property
    def is_in_operation(self) -> bool:
        return self.stage == Stage.OPERATION

    def gate_is_overdue(self, today: dt.date) -> bool:
        return (
            self.state == State.ACTIVE
            and self.next_gate_due_on is not None
            and self.next_gate_due_on < today
            and self.next_stage is not None
        )


class InitiativePartner(models.Model):
    """An organisation from the helix taking part in an initiative, with its role in it."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="partners")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="initiative_partnerships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(
        _("role in the initiative"),
        max_length=200,
        blank=True,
        help_text=_("For example: test bed, supplier, research partner, user representatives."),
        validators=[no_control_characters],
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation__name"]
        verbose_name = _("initiative partner")
        verbose_name_plural = _("initiative partners")
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "organisation"],
                name="initiative_partner_unique",
                violation_error_message=_("This organisation already takes part."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.initiative}"


# Per quarter: far beyond what one initiative spends (about 40 full-time people, 100 MSEK),
# so a figure above is a typing error, not a plan.
MAX_QUARTER_HOURS = 20_000
MAX_QUARTER_SEK = 100_000_000


class Effort(models.Model):
    """What a quarter of work on an initiative cost: hours, kronor, or both."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="efforts")
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(
        _("quarter"), choices=[(q, f"Q{q}") for q in (1, 2, 3, 4)]
    )
    hours = models.DecimalField(_("hours"), max_digits=7, decimal_places=1, null=True, blank=True)
    sek = models.DecimalField(_("SEK"), max_digits=11, decimal_places=0, null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["initiative", "-year", "-quarter"]
        verbose_name = _("effort")
        verbose_name_plural = _("efforts")
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "year", "quarter"],
                name="effort_one_per_quarter",
                violation_error_message=_("Effort is already recorded for that quarter."),
            ),
            models.CheckConstraint(
                condition=Q(hours__isnull=False) | Q(sek__isnull=False),
                name="effort_has_hours_or_sek",
                violation_error_message=_("Give the effort in hours, in SEK, or both."),
            ),
            models.CheckConstraint(
                condition=(Q(hours__isnull=True) | Q(hours__gte=0, hours__lte=MAX_QUARTER_HOURS))
                & (Q(sek__isnull=True) | Q(sek__gte=0, sek__lte=MAX_QUARTER_SEK)),
                name="effort_within_bounds",
                violation_error_message=_(
                    "Effort is between 0 and 20 000 hours and between 0 and 100 000 000 SEK "
                    "a quarter."
                ),
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4) & Q(year__gte=2000, year__lte=2100),
                name="effort_quarter_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.initiative} {self.year} Q{self.quarter}"

    @property
    def label(self) -> str:
        return f"{self.year} Q{self.quarter}"


class CriterionCheck(models.TextChoices):
    """How a gate criterion is judged: by the person deciding, or from the initiative's data."""

    MANUAL = "manual", _("Judged by the decision-maker")
    NEED_LINKED = "need_linked", _("The initiative answers a recorded need")
    LEAD_NAMED = "lead_named", _("An initiative lead is named")
    ASSUMPTIONS_RECORDED = "assumptions_recorded", _("Assumptions are recorded")
    CRITICAL_ASSUMPTIONS_TESTED = "critical_tested", _("No critical assumption is still open")
    TWO_HELICES = "two_helices", _("Partners from at least two helices")
    BENEFIT_OWNER_NAMED = "benefit_owner", _("A benefit owner is named")
    BUSINESS_CASE = "business_case", _("Expected benefits and cost are written down")
    PILOT_AGREEMENT = "pilot_agreement", _("A pilot agreement is written")


class GateCriterion(models.Model):
    """What should hold before an initiative enters ``stage``. Data, edited in the admin."""

    stage = models.CharField(
        _("gate into stage"),
        max_length=20,
        choices=Stage.choices[1:],
    )
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    text_sv = models.CharField(_("criterion (Swedish)"), max_length=300)
    text_en = models.CharField(_("criterion (English)"), max_length=300)
    text_nb = models.CharField(_("criterion (Norwegian)"), max_length=300, blank=True)
    judged_by = models.CharField(
        _("how it is judged"),
        max_length=30,
        choices=CriterionCheck.choices,
        default=CriterionCheck.MANUAL,
    )
    is_active = models.BooleanField(_("in use"), default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["stage", "position", "id"]
        verbose_name = _("gate criterion")
        verbose_name_plural = _("gate criteria")

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        return in_reader_language(self.text_sv, self.text_en, self.text_nb)

    @property
    def is_manual(self) -> bool:
        return self.judged_by == CriterionCheck.MANUAL


class Decision(models.TextChoices):
    GO = "go", _("Go")
    GO_WITH_CONDITIONS = "go_conditions", _("Go, with conditions")
    PIVOT = "pivot", _("Pivot")
    HOLD = "hold", _("Hold")
    STOP = "stop", _("Stop")


ADVANCING = (Decision.GO, Decision.GO_WITH_CONDITIONS)


class Body(models.TextChoices):
    MANAGEMENT_GROUP = "management_group", _("Management group")
    POLITICAL_COMMITTEE = "political_committee", _("Political committee")
    CLUSTER = "cluster", _("Cluster")


class GateDecision(models.Model):
    """A decision point: recorded once, never edited from the portal.

    ``criteria`` freezes each criterion as it stood ([{"text", "holds"}]), and the business
    case fields freeze the figures the decision was taken on.
    """

    initiative = models.ForeignKey(
        Initiative, on_delete=models.PROTECT, related_name="gate_decisions"
    )
    from_stage = models.CharField(_("from stage"), max_length=20, choices=Stage.choices)
    to_stage = models.CharField(_("to stage"), max_length=20, choices=Stage.choices)
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices)
    decided_by = models.CharField(
        _("decided by"),
        max_length=200,
        help_text=_("The person who took the decision."),
        validators=[no_control_characters],
    )
    body = models.CharField(_("decided in"), max_length=30, choices=Body.choices)
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="gate_decisions",
        verbose_name=_("cluster meeting"),
    )
    decided_on = models.DateField(_("decided on"))
    rationale = models.TextField(_("rationale"))
    conditions = models.TextField(_("conditions"), blank=True)
    criteria = models.JSONField(_("criteria at the decision"), default=list, blank=True)
    open_criteria_reason = models.TextField(_("why go although criteria are open"), blank=True)
    expected_benefits = models.TextField(_("expected benefits"), blank=True)
    estimated_cost_sek = models.DecimalField(
        _("estimated cost (SEK)"), max_digits=12, decimal_places=0, null=True, blank=True
    )
    risk = models.TextField(_("risks"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-decided_on", "-id"]
        get_latest_by = "recorded_at"
        verbose_name = _("gate decision")
        verbose_name_plural = _("gate decisions")
        indexes = [models.Index(fields=["decided_on"], name="gate_decision_decided_on")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(decision="go_conditions") | ~Q(conditions=""),
                name="gate_decision_conditions_given",
                violation_error_message=_("Write the conditions of a go with conditions."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.initiative}: {self.get_decision_display()} ({self.decided_on})"

    @property
    def advanced(self) -> bool:
        return self.decision in ADVANCING

    @property
    def criteria_read(self) -> list[tuple[str, bool]]:
        """The frozen criteria as (text in the reader's language, whether it held)."""
        return [
            (
                in_reader_language(
                    c.get("text_sv", ""), c.get("text_en", ""), c.get("text_nb", "")
                ),
                bool(c.get("holds")),
            )
            for c in self.criteria
        ]


class AssumptionKind(models.TextChoices):
    NEED = "need", _("Need and desirability")
    FEASIBILITY = "feasibility", _("Feasibility")
    VIABILITY = "viability", _("Viability")
    LEGAL = "legal", _("Legal")
    POLITICAL = "political", _("Political")


class Outcome(models.TextChoices):
    OPEN = "open", _("Open")
    VALIDATED = "validated", _("Validated")
    INVALIDATED = "invalidated", _("Invalidated")
    ACCEPTED = "accepted", _("Accepted as a risk")


# An assumption is critical when much rides on it and little is known: impact and
# uncertainty both at least this (on 1–5). These are the ones to test before a pilot.
CRITICAL_IMPACT = 4
CRITICAL_UNCERTAINTY = 3

SCORE = [(n, str(n)) for n in range(1, 6)]


class Assumption(models.Model):
    """Something that must be true for the initiative to work, and how it is tested."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="assumptions")
    statement = models.CharField(
        _("assumption"), max_length=300, validators=[no_control_characters]
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AssumptionKind.choices)
    impact = models.PositiveSmallIntegerField(
        _("impact"), choices=SCORE, help_text=_("How much rides on it: 1 little, 5 everything.")
    )
    uncertainty = models.PositiveSmallIntegerField(
        _("uncertainty"),
        choices=SCORE,
        help_text=_("How little is known: 1 well known, 5 a guess."),
    )
    test_plan = models.TextField(_("how it will be tested"), blank=True)
    test_by = models.DateField(_("test by"), null=True, blank=True)
    task = models.ForeignKey(
        Task,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assumptions",
        verbose_name=_("programme task"),
    )
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.OPEN
    )
    learning = models.TextField(_("what was learned"), blank=True)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["outcome", "-impact", "-uncertainty", "id"]
        verbose_name = _("assumption")
        verbose_name_plural = _("assumptions")
        indexes = [
            models.Index(
                fields=["test_by"], condition=Q(outcome="open"), name="assumption_open_test_by"
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(impact__gte=1, impact__lte=5)
                & Q(uncertainty__gte=1, uncertainty__lte=5),
                name="assumption_scores_on_scale",
                violation_error_message=_("Impact and uncertainty are from 1 to 5."),
            ),
            models.CheckConstraint(
                condition=(Q(outcome="open") & Q(resolved_on__isnull=True))
                | (~Q(outcome="open") & Q(resolved_on__isnull=False) & ~Q(learning="")),
                name="assumption_resolved_has_date_and_learning",
                violation_error_message=_("A resolved assumption says what was learned, and when."),
            ),
        ]

    def __str__(self) -> str:
        return self.statement

    @property
    def is_critical(self) -> bool:
        return self.impact >= CRITICAL_IMPACT and self.uncertainty >= CRITICAL_UNCERTAINTY

    @property
    def is_open(self) -> bool:
        return self.outcome == Outcome.OPEN

    def is_overdue(self, today: dt.date) -> bool:
        return self.is_open and self.test_by is not None and self.test_by < today


class PortfolioTarget(models.Model):
    """The share of initiative effort a municipality means to put into renewal (innovation)
    rather than what is already in operation (förvaltning)."""

    municipality = models.OneToOneField(
        Municipality, on_delete=models.CASCADE, related_name="portfolio_target"
    )
    innovation_percent = models.PositiveSmallIntegerField(
        _("target share of innovation (%)"),
        help_text=_("Of the effort in initiatives, the share for those not yet in operation."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("portfolio target")
        verbose_name_plural = _("portfolio targets")
        constraints = [
            models.CheckConstraint(
                condition=Q(innovation_percent__lte=100),
                name="portfolio_target_percent",
                violation_error_message=_("The share is between 0 and 100 percent."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.municipality}: {self.innovation_percent} %"
