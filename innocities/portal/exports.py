"""The municipality list as a spreadsheet, filtered as the list page is."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from innocities.core.spreadsheets import Table
from municipalities.models import Country, Municipality


def municipality_table(municipalities: Iterable[Municipality]) -> Table:
    """``municipalities`` from ``municipalities_with_clusters`` (county and the visible open
    memberships already loaded), so the table costs no query of its own."""
    rows = [
        [
            municipality.name,
            municipality.code,
            municipality.county.name,
            Country(municipality.country).label,
            municipality.population,
            municipality.population_year,
            municipality.population_source,
            ", ".join(m.cluster.name for m in municipality.open_memberships),  # type: ignore[attr-defined]
        ]
        for municipality in municipalities
    ]
    return Table(
        title=_("Municipalities"),
        headers=[
            _("Name"),
            _("Code"),
            _("County"),
            _("Country"),
            _("Population"),
            _("Population year"),
            _("Population source"),
            _("Clusters"),
        ],
        rows=rows,
    )
