"""Reference data for counties and municipalities in Sweden and Norway.

The four CSV files in ``municipalities/data/`` are the source of truth; this module reads
them and upserts them into the database, keyed by ``(country, code)``.

Sweden (``se_counties.csv``, ``se_municipalities.csv``)
    The 21 län and 290 kommuner with SCB's codes. County names are written the way SCB
    writes them ("Stockholms län", "Västra Götalands län"); municipality names are SCB's
    short names, without "kommun" ("Upplands Väsby", "Malung-Sälen", "Dals-Ed",
    "Gotland"). ``skr_group`` is SKR's kommungruppsindelning 2023 (A1 to C9).

Norway (``no_counties.csv``, ``no_municipalities.csv``)
    The 15 fylker and 357 kommuner valid from 1 January 2024 (the split of Viken,
    Vestfold og Telemark and Troms og Finnmark, with their kommuner renumbered, and the
    split of Ålesund into Ålesund 1508 and Haram 1580), with SSB/Kartverket's numbers.
    Naming convention: every fylke and kommune is stored under its Norwegian-language
    name ("Kautokeino", "Karasjok", "Tana", "Hattfjelldal", "Røros", "Troms",
    "Finnmark"), not the combined official form that SSB lists for the 22 kommuner and
    5 fylker with Sami or Kven names ("Guovdageaidnu - Kautokeino"). The combined forms
    change order and gain languages from year to year, so they would make the names
    unstable; the Norwegian part is what people search for. The two names that occur
    twice keep SSB's disambiguation: "Herøy (Møre og Romsdal)", "Herøy (Nordland)",
    "Våler (Østfold)" and "Våler (Innlandet)". Norway has no SKR group, so the column is
    absent and ``skr_group`` is stored empty.

Population (``population``, ``population_year``, ``population_source`` columns)
    Optional per row, but all three or none. Norway: SSB's table 07459, population on
    1 January 2024, as republished per kommunenummer (2024 structure) in
    github.com/aprestmo/norway-geodata, ``data/municipalities-2025.json``; see
    ``data/README.md``. Sweden: not yet filled in (no dated, complete per-kommun source was
    found), so those rows load without one. A row with figures owns the three fields; a
    row without them leaves whatever is stored (entered in the admin, say) untouched.

Loading never deletes anything: a county or municipality that is in the database but no
longer in a file is reported and kept, because organisations, memberships and history
point at it. Running the loader twice changes nothing the second time.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from django.db import transaction

from .models import Country, County, Municipality, SkrGroup

DATA_DIR = Path(__file__).resolve().parent / "data"

# (country, counties file, municipalities file). Plain string values, so the (country, code)
# keys built from the files are exactly the strings read back from the database.
SOURCES: tuple[tuple[str, str, str], ...] = (
    (Country.SWEDEN.value, "se_counties.csv", "se_municipalities.csv"),
    (Country.NORWAY.value, "no_counties.csv", "no_municipalities.csv"),
)

MUNICIPALITY_FIELDS = (
    "name",
    "county_id",
    "skr_group",
    "population",
    "population_year",
    "population_source",
)


POPULATION_COLUMNS = ("population", "population_year", "population_source")


class ReferenceDataError(ValueError):
    """A reference file is malformed; nothing has been written."""


@dataclass(frozen=True)
class CountyRow:
    country: str
    code: str
    name: str


@dataclass(frozen=True)
class MunicipalityRow:
    country: str
    code: str
    name: str
    skr_group: str
    # Optional: a file without the three population columns (or a row with them empty) leaves
    # the population unknown. A figure always comes with its year and source.
    population: int | None = None
    population_year: int | None = None
    population_source: str = ""

    @property
    def county_code(self) -> str:
        # Both countries encode the county in the first two digits of the code.
        return self.code[:2]


@dataclass(frozen=True)
class ReferenceData:
    counties: list[CountyRow]
    municipalities: list[MunicipalityRow]


def load_reference_data(
    *, stdout: TextIO | None = None, data_dir: Path | None = None
) -> dict[str, int]:
    """Upsert all counties and municipalities from the CSV files in one transaction.

    Returns counts: ``counties_created``, ``counties_updated``, ``counties_unchanged``,
    ``counties_missing``, and the same four for ``municipalities_``. "Missing" means in
    the database but not in the files; those rows are kept and, when ``stdout`` is given,
    listed there one per line.
    """
    data = read_reference_data(data_dir or DATA_DIR)
    with transaction.atomic():
        county_counts, missing_counties = _upsert_counties(data.counties)
        county_ids = _county_ids()
        municipality_counts, missing_municipalities = _upsert_municipalities(
            data.municipalities, county_ids
        )
    if stdout is not None:
        for county in missing_counties:
            stdout.write(f"Kept county {county.country} {county.code} {county.name}: not in file\n")
        for municipality in missing_municipalities:
            stdout.write(
                f"Kept municipality {municipality.country} {municipality.code} "
                f"{municipality.name}: not in file\n"
            )
    return {
        **{f"counties_{key}": value for key, value in county_counts.items()},
        **{f"municipalities_{key}": value for key, value in municipality_counts.items()},
    }


# --------------------------------------------------------------------------- reading


def read_reference_data(data_dir: Path) -> ReferenceData:
    """Read and validate every file before anything touches the database."""
    counties: list[CountyRow] = []
    municipalities: list[MunicipalityRow] = []
    for country, counties_file, municipalities_file in SOURCES:
        country_counties = [
            CountyRow(country=country, code=row["code"], name=row["name"])
            for row in _read_csv(data_dir / counties_file, ("code", "name"))
        ]
        country_municipalities = [
            MunicipalityRow(
                country=country,
                code=row["code"],
                name=row["name"],
                skr_group=row.get("skr_group", ""),
                **_population(municipalities_file, row),
            )
            for row in _read_csv(data_dir / municipalities_file, ("code", "name"))
        ]
        _validate(country, country_counties, country_municipalities)
        counties.extend(country_counties)
        municipalities.extend(country_municipalities)
    return ReferenceData(counties=counties, municipalities=municipalities)


def _population(file_name: str, row: dict[str, str]) -> dict[str, object]:
    """The population, its year and its source: all three or none."""
    values = [row.get(column, "") for column in POPULATION_COLUMNS]
    if not any(values):
        return {}
    figure, year, source = values
    if not (figure.isdigit() and year.isdigit() and len(year) == 4 and source):
        raise ReferenceDataError(
            f"{file_name}: municipality {row.get('code')} needs a whole-number population, "
            "a four-digit year and a source, or none of them"
        )
    return {"population": int(figure), "population_year": int(year), "population_source": source}


def _read_csv(path: Path, required: tuple[str, ...]) -> list[dict[str, str]]:
    # utf-8-sig so a file saved by a spreadsheet (with a BOM) still reads cleanly.
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [column for column in required if column not in (reader.fieldnames or [])]
        if missing:
            raise ReferenceDataError(f"{path.name}: missing column(s) {', '.join(missing)}")
        return [
            {key: (value or "").strip() for key, value in row.items() if key is not None}
            for row in reader
        ]


def _validate(
    country: str, counties: list[CountyRow], municipalities: list[MunicipalityRow]
) -> None:
    county_codes = [county.code for county in counties]
    _require_unique(country, "county code", county_codes)
    _require_unique(country, "municipality code", [m.code for m in municipalities])
    _require_unique(country, "municipality name", [m.name for m in municipalities])
    for county in counties:
        if len(county.code) != 2 or not county.code.isdigit() or not county.name:
            raise ReferenceDataError(f"{country}: bad county row {county}")
    known_counties = set(county_codes)
    for municipality in municipalities:
        _validate_municipality(country, municipality, known_counties)


def _validate_municipality(
    country: str, municipality: MunicipalityRow, known_counties: set[str]
) -> None:
    if len(municipality.code) != 4 or not municipality.code.isdigit() or not municipality.name:
        raise ReferenceDataError(f"{country}: bad municipality row {municipality}")
    if municipality.county_code not in known_counties:
        raise ReferenceDataError(
            f"{country}: municipality {municipality.code} has no county {municipality.county_code}"
        )
    # The model only allows SKR groups for Sweden, and every Swedish kommun has one.
    if country == Country.SWEDEN and municipality.skr_group not in SkrGroup.values:
        raise ReferenceDataError(f"SE: municipality {municipality.code} has no valid SKR group")
    if country != Country.SWEDEN and municipality.skr_group:
        raise ReferenceDataError(f"{country}: municipality {municipality.code} has an SKR group")


def _require_unique(country: str, what: str, values: Iterable[str]) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise ReferenceDataError(f"{country}: duplicate {what} {value!r}")
        seen.add(value)


# --------------------------------------------------------------------------- writing


def _upsert_counties(rows: list[CountyRow]) -> tuple[dict[str, int], list[County]]:
    existing = {(county.country, county.code): county for county in County.objects.all()}
    to_create: list[County] = []
    to_update: list[County] = []
    for row in rows:
        county = existing.pop((row.country, row.code), None)
        if county is None:
            to_create.append(County(country=row.country, code=row.code, name=row.name))
        elif county.name != row.name:
            county.name = row.name
            to_update.append(county)
    County.objects.bulk_create(to_create)
    County.objects.bulk_update(to_update, ["name"])
    counts = _counts(len(rows), len(to_create), len(to_update), len(existing))
    return counts, sorted(existing.values(), key=lambda c: (c.country, c.code))


def _county_ids() -> dict[tuple[str, str], int]:
    # Read back rather than trust bulk_create to have set primary keys on every backend.
    return {
        (country, code): pk
        for pk, country, code in County.objects.values_list("pk", "country", "code")
    }


def _upsert_municipalities(
    rows: list[MunicipalityRow], county_ids: dict[tuple[str, str], int]
) -> tuple[dict[str, int], list[Municipality]]:
    existing = {(m.country, m.code): m for m in Municipality.objects.all()}
    to_create: list[Municipality] = []
    to_update: list[Municipality] = []
    for row in rows:
        wanted: dict[str, object] = {
            "name": row.name,
            "county_id": county_ids[(row.country, row.county_code)],
            "skr_group": row.skr_group,
        }
        if row.population is not None:
            # A row without figures leaves the stored population alone (it may have been
            # entered in the admin); a row with them owns all three.
            wanted["population"] = row.population
            wanted["population_year"] = row.population_year
            wanted["population_source"] = row.population_source
        municipality = existing.pop((row.country, row.code), None)
        if municipality is None:
            to_create.append(Municipality(country=row.country, code=row.code, **wanted))
        elif _apply(municipality, wanted):
            to_update.append(municipality)
    Municipality.objects.bulk_create(to_create, batch_size=500)
    Municipality.objects.bulk_update(to_update, list(MUNICIPALITY_FIELDS), batch_size=500)
    counts = _counts(len(rows), len(to_create), len(to_update), len(existing))
    return counts, sorted(existing.values(), key=lambda m: (m.country, m.code))


def _apply(municipality: Municipality, wanted: dict[str, object]) -> bool:
    """Set the wanted values on the instance; return whether anything changed."""
    changed = False
    for field, value in wanted.items():
        if getattr(municipality, field) != value:
            setattr(municipality, field, value)
            changed = True
    return changed


def _counts(total: int, created: int, updated: int, missing: int) -> dict[str, int]:
    return {
        "created": created,
        "updated": updated,
        "unchanged": total - created - updated,
        "missing": missing,
    }
