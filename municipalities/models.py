from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from innocities.core.validators import no_control_characters


class Country(models.TextChoices):
    SWEDEN = "SE", _("Sweden")
    NORWAY = "NO", _("Norway")


class SkrGroup(models.TextChoices):
    """SKR's kommungruppsindelning, 2023 edition."""

    A1 = "A1", _("A1 Large cities")
    A2 = "A2", _("A2 Commuter municipality near a large city")
    B3 = "B3", _("B3 Medium-sized town")
    B4 = "B4", _("B4 Commuter municipality near a medium-sized town")
    B5 = "B5", _("B5 Low-commuting municipality near a medium-sized town")
    C6 = "C6", _("C6 Small town")
    C7 = "C7", _("C7 Commuter municipality near a small town")
    C8 = "C8", _("C8 Rural municipality")
    C9 = "C9", _("C9 Rural municipality with a visitor industry")


class County(models.Model):
    """A Swedish län or a Norwegian fylke."""

    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    code = models.CharField(_("code"), max_length=2)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["country", "code"]
        verbose_name = _("county")
        verbose_name_plural = _("counties")
        constraints = [
            models.UniqueConstraint(fields=["country", "code"], name="county_unique_code"),
        ]

    def __str__(self) -> str:
        return self.name


# Below this many contributing municipalities a cluster's benchmark mean and median are hidden
# from everyone but its managers: with two, the mean and your own score give the other's away.
BENCHMARK_MIN_GROUP = 3


class Municipality(models.Model):
    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    code = models.CharField(_("code"), max_length=4, help_text=_("Kommunkod / kommunenummer"))
    name = models.CharField(_("name"), max_length=100)
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="municipalities", verbose_name=_("county")
    )
    skr_group = models.CharField(_("SKR group"), max_length=2, choices=SkrGroup.choices, blank=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    population_year = models.PositiveSmallIntegerField(_("population year"), null=True, blank=True)
    population_source = models.CharField(_("population source"), max_length=200, blank=True)
    share_benchmarks = models.BooleanField(
        _("share benchmarks"),
        default=False,
        help_text=_("Other members of its clusters may see this municipality's name and scores."),
    )

    # Who turned benchmark sharing on or off, and when. The reference-data loader writes with
    # bulk_create/bulk_update, which simple-history does not record: the CSV files in git are
    # the history of names, counties and SKR groups, and loading stays a handful of queries.
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        constraints = [
            models.UniqueConstraint(fields=["country", "code"], name="municipality_unique_code"),
            models.CheckConstraint(
                condition=Q(population__isnull=True)
                | (Q(population_year__isnull=False) & ~Q(population_source="")),
                name="municipality_population_has_year_and_source",
            ),
            models.CheckConstraint(
                condition=Q(country=Country.SWEDEN) | Q(skr_group=""),
                name="municipality_skr_group_only_in_sweden",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Helix(models.TextChoices):
    PUBLIC = "public", _("Public sector")
    BUSINESS = "business", _("Business")
    ACADEMIA = "academia", _("Academia")
    CIVIL_SOCIETY = "civil_society", _("Civil society")


class Organisation(models.Model):
    """A partner: any organisation from one of the four helices."""

    name = models.CharField(_("name"), max_length=200, validators=[no_control_characters])
    helix = models.CharField(_("helix"), max_length=20, choices=Helix.choices)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("municipality"),
        help_text=_("For public-sector organisations owned by a municipality."),
    )
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(fields=["name"], name="organisation_unique_name"),
            models.CheckConstraint(
                condition=Q(municipality__isnull=True) | Q(helix="public"),
                name="organisation_municipality_only_public",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class MunicipalityRole(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    VIEWER = "viewer", _("Viewer")


class MunicipalityMembership(models.Model):
    """Grants a person a role in one municipality: the data behind coordinator and viewer."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="municipality_memberships"
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=MunicipalityRole.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("municipality membership")
        verbose_name_plural = _("municipality memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "municipality"], name="municipality_membership_unique_user"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.municipality} ({self.get_role_display()})"
