"""Pilot agreements (pilotavtal): what an initiative's partners agree before a pilot, and the
signed copy (DOMAIN.md, "Pilot agreement").

An agreement is written from the concept stage (preparing the pilot) and in the pilot stage;
after the pilot its terms are read-only, but the signed copy can still be put in. Its status is
derived: signed once a signed copy is in, a draft until then.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from municipalities.models import Organisation
from programs.agreements.storage import private_storage, signed_copy_name
from programs.initiatives.models import Initiative, Stage, State


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SIGNED = "signed", _("Signed")


# Terms are written while the pilot is prepared (concept) and while it runs (pilot).
WRITABLE_STAGES: tuple[str, ...] = (Stage.CONCEPT, Stage.PILOT)
# From the concept stage on the initiative page shows the agreement, or an invitation to write one.
SHOWN_STAGES: tuple[str, ...] = (Stage.CONCEPT, Stage.PILOT, Stage.IMPLEMENTATION, Stage.OPERATION)

# The terms a person writes (and an adopter's copy takes over).
TERMS = (
    "purpose",
    "test_starts_on",
    "test_ends_on",
    "data_used",
    "data_processed_by",
    "personal_data",
    "gdpr_roles",
    "results_ip",
    "results_publication",
    "results_reuse",
    "cost_sharing",
    "total_cost_sek",
    "risk_sharing",
    "scale_up_criteria",
    "end_criteria",
)


class PilotAgreement(models.Model):
    """What the parties of a pilot agree: purpose, test period, data, rights, costs and risks,
    and when the pilot scales up or ends."""

    initiative = models.OneToOneField(
        Initiative,
        on_delete=models.CASCADE,
        related_name="pilot_agreement",
        verbose_name=_("initiative"),
    )
    purpose = models.TextField(
        _("purpose and scope"),
        help_text=_("What the pilot tests, where and with whom, and what is outside it."),
    )
    test_starts_on = models.DateField(_("test period starts"), null=True, blank=True)
    test_ends_on = models.DateField(_("test period ends"), null=True, blank=True)
    data_used = models.TextField(
        _("data used"), blank=True, help_text=_("What data the pilot collects or uses.")
    )
    data_processed_by = models.TextField(
        _("who processes the data"),
        blank=True,
        help_text=_("Which party collects, stores and processes it, and where."),
    )
    personal_data = models.BooleanField(_("personal data is processed"), default=False)
    gdpr_roles = models.TextField(
        _("GDPR roles"),
        blank=True,
        help_text=_(
            "Who is controller and who is processor, and the data processing agreement, "
            "if personal data is processed."
        ),
    )
    results_ip = models.TextField(
        _("rights to results (intellectual property)"),
        blank=True,
        help_text=_("Who owns what the pilot produces: software, designs, data, reports."),
    )
    results_publication = models.TextField(
        _("publication of results"),
        blank=True,
        help_text=_("What may be published, by whom, and after what review."),
    )
    results_reuse = models.TextField(
        _("reuse by other municipalities"),
        blank=True,
        help_text=_(
            "On what terms other municipalities may reuse the results: the partnership wants "
            "pilots that work to spread."
        ),
    )
    cost_sharing = models.TextField(_("cost sharing"), blank=True)
    total_cost_sek = models.DecimalField(
        _("total cost of the pilot (SEK)"), max_digits=12, decimal_places=0, null=True, blank=True
    )
    risk_sharing = models.TextField(_("risk sharing"), blank=True)
    scale_up_criteria = models.TextField(
        _("criteria for scaling up"),
        blank=True,
        help_text=_("What must be shown for the pilot to be implemented or scaled up."),
    )
    end_criteria = models.TextField(
        _("criteria for ending"),
        blank=True,
        help_text=_("When the pilot ends early, and what happens to equipment and data then."),
    )
    # The signed copy: a PDF kept outside the web root, read only through the scoped view.
    signed_copy = models.FileField(
        _("signed copy"),
        storage=private_storage,
        upload_to=signed_copy_name,
        max_length=200,
        blank=True,
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    signed_copy_uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed copy uploaded by"),
    )
    signed_copy_uploaded_at = models.DateTimeField(
        _("signed copy uploaded at"), null=True, blank=True
    )
    # When the terms or parties last changed: after the signing, the signed copy no longer
    # says what the portal shows, and the page says so.
    terms_updated_at = models.DateTimeField(_("terms last changed"), null=True, blank=True)
    # An adopter's agreement starts as a copy of the original's terms.
    copied_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="copies",
        verbose_name=_("copied from"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("pilot agreement")
        verbose_name_plural = _("pilot agreements")
        constraints = [
            models.CheckConstraint(
                condition=(Q(test_starts_on__isnull=True) & Q(test_ends_on__isnull=True))
                | (
                    Q(test_starts_on__isnull=False)
                    & Q(test_ends_on__isnull=False)
                    & Q(test_ends_on__gt=models.F("test_starts_on"))
                ),
                name="pilot_agreement_test_period",
                violation_error_message=_(
                    "Give both the start and the end of the test period, the end after the start."
                ),
            ),
            models.CheckConstraint(
                condition=Q(personal_data=False) | ~Q(gdpr_roles=""),
                name="pilot_agreement_gdpr_roles_for_personal_data",
                violation_error_message=_(
                    "Personal data is processed: say who is controller and who is processor."
                ),
            ),
            models.CheckConstraint(
                condition=(Q(signed_copy="") & Q(signed_on__isnull=True))
                | (~Q(signed_copy="") & Q(signed_on__isnull=False)),
                name="pilot_agreement_signed_copy_has_date",
                violation_error_message=_(
                    "A signed copy has the date it was signed, and only then."
                ),
            ),
            models.CheckConstraint(
                condition=Q(total_cost_sek__isnull=True) | Q(total_cost_sek__gte=0),
                name="pilot_agreement_cost_not_negative",
                violation_error_message=_("The cost cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return str(_("Pilot agreement: %(initiative)s") % {"initiative": self.initiative})

    @property
    def status(self) -> str:
        return Status.SIGNED if self.signed_copy else Status.DRAFT

    @property
    def status_label(self) -> str:
        return str(Status(self.status).label)

    @property
    def is_signed(self) -> bool:
        return self.status == Status.SIGNED

    @property
    def changed_since_signing(self) -> bool:
        """The terms or parties changed after the signed copy was put in."""
        return bool(
            self.is_signed
            and self.terms_updated_at
            and self.signed_copy_uploaded_at
            and self.terms_updated_at > self.signed_copy_uploaded_at
        )

    @property
    def has_test_period(self) -> bool:
        return self.test_starts_on is not None and self.test_ends_on is not None


def terms_are_writable(initiative: Initiative) -> bool:
    """Whether the terms and parties may change: concept or pilot stage, not stopped."""
    return initiative.stage in WRITABLE_STAGES and initiative.state != State.STOPPED


def agreement_is_shown(initiative: Initiative) -> bool:
    return initiative.stage in SHOWN_STAGES


class AgreementParty(models.Model):
    """An organisation that signs the agreement, with what it brings and answers for."""

    agreement = models.ForeignKey(PilotAgreement, on_delete=models.CASCADE, related_name="parties")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="pilot_agreement_parties",
        verbose_name=_("organisation"),
    )
    contribution = models.TextField(
        _("contribution"),
        blank=True,
        help_text=_("What the party brings: people, equipment, a test site, data, money."),
    )
    responsibilities = models.TextField(_("responsibilities"), blank=True)
    cost_share_sek = models.DecimalField(
        _("share of the cost (SEK)"), max_digits=12, decimal_places=0, null=True, blank=True
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation__name", "id"]
        verbose_name = _("party to a pilot agreement")
        verbose_name_plural = _("parties to a pilot agreement")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "organisation"],
                name="agreement_party_unique",
                violation_error_message=_("This organisation is already a party."),
            ),
            models.CheckConstraint(
                condition=Q(cost_share_sek__isnull=True) | Q(cost_share_sek__gte=0),
                name="agreement_party_cost_not_negative",
                violation_error_message=_("The cost cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.agreement.initiative}"
