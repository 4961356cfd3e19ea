"""The reference data for counties and municipalities: the facts, and the loader that upserts them.

The expected numbers are written out by hand (not derived from the files) so that a wrong edit
to a CSV file fails here.
"""

from __future__ import annotations

import csv
import io
import shutil
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.models import Count

from municipalities.models import Country, County, Municipality
from municipalities.reference import DATA_DIR, ReferenceDataError, load_reference_data

SE_PER_COUNTY = {
    "Stockholms län": 26,
    "Uppsala län": 8,
    "Södermanlands län": 9,
    "Östergötlands län": 13,
    "Jönköpings län": 13,
    "Kronobergs län": 8,
    "Kalmar län": 12,
    "Gotlands län": 1,
    "Blekinge län": 5,
    "Skåne län": 33,
    "Hallands län": 6,
    "Västra Götalands län": 49,
    "Värmlands län": 16,
    "Örebro län": 12,
    "Västmanlands län": 10,
    "Dalarnas län": 15,
    "Gävleborgs län": 10,
    "Västernorrlands län": 7,
    "Jämtlands län": 8,
    "Västerbottens län": 15,
    "Norrbottens län": 14,
}

NO_PER_COUNTY = {
    ("03", "Oslo"): 1,
    ("11", "Rogaland"): 23,
    ("15", "Møre og Romsdal"): 27,
    ("18", "Nordland"): 41,
    ("31", "Østfold"): 12,
    ("32", "Akershus"): 21,
    ("33", "Buskerud"): 18,
    ("34", "Innlandet"): 46,
    ("39", "Vestfold"): 6,
    ("40", "Telemark"): 17,
    ("42", "Agder"): 25,
    ("46", "Vestland"): 43,
    ("50", "Trøndelag"): 38,
    ("55", "Troms"): 21,
    ("56", "Finnmark"): 18,
}

SKR_GROUP_COUNTS = {
    "A1": 3,
    "A2": 43,
    "B3": 23,
    "B4": 63,
    "B5": 24,
    "C6": 27,
    "C7": 51,
    "C8": 35,
    "C9": 21,
}


@pytest.fixture
def loaded(db) -> dict[str, int]:
    return load_reference_data()


def municipality(country: str, code: str) -> Municipality:
    return Municipality.objects.select_related("county").get(country=country, code=code)


def copy_data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def rewrite_csv(path: Path, transform) -> None:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    rows = [rows[0], *transform(rows[1:])]
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


# --------------------------------------------------------------------------- totals


@pytest.mark.django_db
def test_totals(loaded):
    assert County.objects.filter(country=Country.SWEDEN).count() == 21
    assert County.objects.filter(country=Country.NORWAY).count() == 15
    assert Municipality.objects.filter(country=Country.SWEDEN).count() == 290
    assert Municipality.objects.filter(country=Country.NORWAY).count() == 357
    assert loaded == {
        "counties_created": 36,
        "counties_updated": 0,
        "counties_unchanged": 0,
        "counties_missing": 0,
        "municipalities_created": 647,
        "municipalities_updated": 0,
        "municipalities_unchanged": 0,
        "municipalities_missing": 0,
    }


@pytest.mark.django_db
def test_skr_group_counts(loaded):
    counts = Counter(
        Municipality.objects.filter(country=Country.SWEDEN).values_list("skr_group", flat=True)
    )
    assert counts == SKR_GROUP_COUNTS


@pytest.mark.django_db
def test_norway_has_no_skr_groups(loaded):
    assert not Municipality.objects.filter(country=Country.NORWAY).exclude(skr_group="").exists()


@pytest.mark.django_db
def test_municipalities_per_swedish_county(loaded):
    counts = dict(
        County.objects.filter(country=Country.SWEDEN)
        .annotate(n=Count("municipalities"))
        .values_list("name", "n")
    )
    assert counts == SE_PER_COUNTY


@pytest.mark.django_db
def test_swedish_county_codes(loaded):
    codes = set(County.objects.filter(country=Country.SWEDEN).values_list("code", flat=True))
    # 02, 11, 15 and 16 fell out of use when Skåne and Västra Götaland were formed.
    assert codes == {f"{n:02d}" for n in range(1, 26)} - {"02", "11", "15", "16"}


@pytest.mark.django_db
def test_municipalities_per_norwegian_county(loaded):
    counts = {
        (code, name): n
        for code, name, n in County.objects.filter(country=Country.NORWAY)
        .annotate(n=Count("municipalities"))
        .values_list("code", "name", "n")
    }
    assert counts == NO_PER_COUNTY


@pytest.mark.django_db
def test_every_code_starts_with_its_county_code(loaded):
    for code, county_code, country, county_country in Municipality.objects.values_list(
        "code", "county__code", "country", "county__country"
    ):
        assert len(code) == 4
        assert code[:2] == county_code, code
        assert country == county_country, code


@pytest.mark.django_db
def test_names_are_unique_within_a_country(loaded):
    for country in Country.values:
        names = list(Municipality.objects.filter(country=country).values_list("name", flat=True))
        assert len(names) == len(set(names)), country


# --------------------------------------------------------------------------- spot checks


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "name", "county", "skr_group"),
    [
        ("0180", "Stockholm", "Stockholms län", "A1"),
        ("1480", "Göteborg", "Västra Götalands län", "A1"),
        ("1280", "Malmö", "Skåne län", "A1"),
        ("0114", "Upplands Väsby", "Stockholms län", "A2"),
        ("1440", "Ale", "Västra Götalands län", "A2"),
        ("1489", "Alingsås", "Västra Götalands län", "A2"),
        ("1441", "Lerum", "Västra Götalands län", "A2"),
        ("0380", "Uppsala", "Uppsala län", "B3"),
        ("0980", "Gotland", "Gotlands län", "C6"),
        ("2023", "Malung-Sälen", "Dalarnas län", "C9"),
        ("1438", "Dals-Ed", "Västra Götalands län", "C7"),
        ("2321", "Åre", "Jämtlands län", "C9"),
        ("2584", "Kiruna", "Norrbottens län", "C6"),
    ],
)
def test_swedish_spot_checks(loaded, code, name, county, skr_group):
    m = municipality(Country.SWEDEN, code)
    assert (m.name, m.county.name, m.skr_group) == (name, county, skr_group)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "name", "county"),
    [
        ("0301", "Oslo", "Oslo"),
        ("4601", "Bergen", "Vestland"),
        ("5001", "Trondheim", "Trøndelag"),
        ("1103", "Stavanger", "Rogaland"),
        ("1508", "Ålesund", "Møre og Romsdal"),
        ("1580", "Haram", "Møre og Romsdal"),
        ("3101", "Halden", "Østfold"),
        ("3201", "Bærum", "Akershus"),
        ("3301", "Drammen", "Buskerud"),
        ("3234", "Lunner", "Akershus"),
        ("3236", "Jevnaker", "Akershus"),
        ("3905", "Tønsberg", "Vestfold"),
        ("4003", "Skien", "Telemark"),
        ("5501", "Tromsø", "Troms"),
        ("5612", "Kautokeino", "Finnmark"),
        ("5605", "Sør-Varanger", "Finnmark"),
        ("1515", "Herøy (Møre og Romsdal)", "Møre og Romsdal"),
        ("1818", "Herøy (Nordland)", "Nordland"),
        ("3114", "Våler (Østfold)", "Østfold"),
        ("3419", "Våler (Innlandet)", "Innlandet"),
    ],
)
def test_norwegian_spot_checks(loaded, code, name, county):
    m = municipality(Country.NORWAY, code)
    assert (m.name, m.county.name) == (name, county)


@pytest.mark.django_db
def test_pre_2024_norwegian_codes_are_gone(loaded):
    # 1507 was Ålesund before the 2024 split; 30xx, 38xx and 54xx were Viken, Vestfold og
    # Telemark and Troms og Finnmark, all dissolved on 1 January 2024.
    retired = Municipality.objects.filter(country=Country.NORWAY).filter(code="1507")
    for prefix in ("30", "38", "54"):
        retired = retired | Municipality.objects.filter(
            country=Country.NORWAY, code__startswith=prefix
        )
    assert not retired.exists()


# --------------------------------------------------------------------------- loader


@pytest.mark.django_db
def test_second_run_changes_nothing(loaded):
    again = load_reference_data()
    assert again == {
        "counties_created": 0,
        "counties_updated": 0,
        "counties_unchanged": 36,
        "counties_missing": 0,
        "municipalities_created": 0,
        "municipalities_updated": 0,
        "municipalities_unchanged": 647,
        "municipalities_missing": 0,
    }
    assert Municipality.objects.count() == 647
    assert County.objects.count() == 36


@pytest.mark.django_db
def test_loads_in_a_handful_of_queries(db, django_assert_max_num_queries):
    with django_assert_max_num_queries(20):
        load_reference_data()
    with django_assert_max_num_queries(10):
        load_reference_data()


@pytest.mark.django_db
def test_renamed_municipality_is_updated_in_place(loaded, tmp_path):
    ale = municipality(Country.SWEDEN, "1440")
    data_dir = copy_data(tmp_path)
    rewrite_csv(
        data_dir / "se_municipalities.csv",
        lambda rows: [[c, "Ale (renamed)" if c == "1440" else n, g] for c, n, g in rows],
    )

    counts = load_reference_data(data_dir=data_dir)

    renamed = municipality(Country.SWEDEN, "1440")
    assert renamed.pk == ale.pk
    assert renamed.name == "Ale (renamed)"
    assert counts["municipalities_updated"] == 1
    assert counts["municipalities_created"] == 0
    assert Municipality.objects.count() == 647


@pytest.mark.django_db
def test_local_edits_are_restored_and_other_fields_kept(loaded):
    ale = municipality(Country.SWEDEN, "1440")
    ale.name = "Ale kommun"
    ale.skr_group = "C8"
    ale.population = 32000
    ale.population_year = 2024
    ale.population_source = "SCB"
    ale.share_benchmarks = True
    ale.save()

    counts = load_reference_data()

    ale.refresh_from_db()
    assert (ale.name, ale.skr_group) == ("Ale", "A2")
    # The loader owns name, county and SKR group only; everything else is the portal's.
    assert (ale.population, ale.population_year, ale.population_source) == (32000, 2024, "SCB")
    assert ale.share_benchmarks is True
    assert counts["municipalities_updated"] == 1


@pytest.mark.django_db
def test_municipality_missing_from_file_is_kept_and_reported(loaded):
    stockholm_county = County.objects.get(country=Country.SWEDEN, code="01")
    ghost = Municipality.objects.create(
        country=Country.SWEDEN, code="0199", name="Gamla kommunen", county=stockholm_county
    )
    out = io.StringIO()

    counts = load_reference_data(stdout=out)

    assert Municipality.objects.filter(pk=ghost.pk).exists()
    assert counts["municipalities_missing"] == 1
    assert "SE 0199 Gamla kommunen" in out.getvalue()


@pytest.mark.django_db
def test_malformed_file_writes_nothing(db, tmp_path):
    data_dir = copy_data(tmp_path)
    rewrite_csv(
        data_dir / "no_municipalities.csv",
        lambda rows: [*rows, ["9901", "Ingenstad"]],  # no fylke 99
    )

    with pytest.raises(ReferenceDataError):
        load_reference_data(data_dir=data_dir)

    assert not County.objects.exists()
    assert not Municipality.objects.exists()


@pytest.mark.django_db
def test_management_command_prints_summary(db):
    out = io.StringIO()
    call_command("load_reference_data", stdout=out)
    assert "Municipalities: 647 created, 0 updated, 0 unchanged" in out.getvalue()
    assert "Counties: 36 created" in out.getvalue()


# --------------------------------------------------------------------------- population


def test_every_norwegian_municipality_has_a_population_with_year_and_source(loaded):
    norway = Municipality.objects.filter(country=Country.NORWAY)
    assert norway.count() == 357
    assert not norway.filter(population__isnull=True).exists()
    assert set(norway.values_list("population_year", flat=True)) == {2024}
    sources = set(norway.values_list("population_source", flat=True))
    assert len(sources) == 1
    (source,) = sources
    assert "07459" in source and "aprestmo/norway-geodata" in source


def test_norwegian_population_matches_ssb_on_1_january_2024(loaded):
    # SSB's published figures; the sum is the population of Norway on 1 January 2024.
    norway = Municipality.objects.filter(country=Country.NORWAY)
    by_code = dict(norway.values_list("code", "population"))
    assert by_code["0301"] == 717_710  # Oslo
    assert by_code["4601"] == 291_940  # Bergen
    assert by_code["5001"] == 214_565  # Trondheim
    assert sum(by_code.values()) == 5_550_203


def test_every_loaded_population_has_a_year_and_a_source(loaded):
    with_figure = Municipality.objects.filter(population__isnull=False)
    assert with_figure.count() == Municipality.objects.filter(country=Country.NORWAY).count()
    assert not with_figure.filter(population_year__isnull=True).exists()
    assert not with_figure.filter(population_source="").exists()


def test_swedish_rows_have_no_population_until_a_dated_source_is_added(loaded):
    # See municipalities/data/README.md: no dated per-kommun source was found.
    assert not Municipality.objects.filter(
        country=Country.SWEDEN, population__isnull=False
    ).exists()


def test_a_population_without_its_year_is_refused_before_anything_is_written(db, tmp_path):
    data_dir = copy_data(tmp_path)
    path = data_dir / "no_municipalities.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    code, name, population, _year, source = next(csv.reader([lines[1]]))
    lines[1] = ",".join([code, name, population, "", f'"{source}"'])
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ReferenceDataError, match="population"):
        load_reference_data(data_dir=data_dir)
    assert not Municipality.objects.exists()


def test_a_changed_population_is_updated_on_the_next_load(db, tmp_path):
    data_dir = copy_data(tmp_path)
    load_reference_data(data_dir=data_dir)
    path = data_dir / "no_municipalities.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("0301,Oslo,717710,2024,", "0301,Oslo,720000,2025,"), "utf-8")
    counts = load_reference_data(data_dir=data_dir)
    assert counts["municipalities_updated"] == 1
    oslo = Municipality.objects.get(country=Country.NORWAY, code="0301")
    assert (oslo.population, oslo.population_year) == (720_000, 2025)
