"""The municipality list as XLSX and CSV, with the list's filters."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from tests import factories as f

pytestmark = pytest.mark.django_db


def _url(fmt: str, query: str = "") -> str:
    return reverse("portal:municipality_export", kwargs={"fmt": fmt}) + (
        f"?{query}" if query else ""
    )


def test_export_honours_the_filters_and_shows_only_visible_clusters(world, as_persona):
    world.ale.population = 28_000
    world.ale.population_year = 2024
    world.ale.population_source = "SCB"
    world.ale.save()
    response = as_persona("coordinator").get(_url("xlsx", f"cluster={world.cluster_a.pk}"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == [
        "Name",
        "Code",
        "County",
        "Country",
        "Population",
        "Population year",
        "Population source",
        "Clusters",
    ]
    assert [row[0] for row in rows[1:]] == ["Ale", "Alingsås"]
    ale = rows[1]
    assert ale[1] == "1440"
    assert ale[4] == 28_000 and sheet["E2"].data_type == "n"
    assert ale[5] == 2024 and ale[6] == "SCB"
    assert ale[7] == "Västra Götaland smart"
    # Lerum's cluster B is not the coordinator's: its name is not exported.
    everything = as_persona("coordinator").get(_url("csv", "q=Lerum")).content.decode()
    assert "Lerum" in everything and "Göta älv mobility" not in everything


def test_an_invalid_filter_exports_no_rows(world, as_persona):
    response = as_persona("coordinator").get(_url("csv", f"cluster={world.cluster_b.pk}"))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8"))))
    assert len(rows) == 1


def test_swedish_reader_gets_semicolons(world, as_persona):
    world.viewer.language = "sv"
    world.viewer.save(update_fields=["language"])
    response = as_persona("viewer").get(_url("csv", "q=Ale"))
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Namn"
    assert "Ale" in [row[0] for row in rows[1:]]


def test_list_page_links_the_export_with_its_filters(world, as_persona):
    page = as_persona("viewer").get(reverse("portal:municipality_list") + "?q=Ale&page=1")
    assert _url("xlsx").replace("?", "") + "?q=Ale" in page.content.decode()


def test_unknown_format_is_404(world, as_persona):
    assert as_persona("viewer").get(_url("ods")).status_code == 404


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_query_count_does_not_grow_with_the_list(
    world, as_persona, fmt, django_assert_max_num_queries
):
    client = as_persona("manager")
    county = f.CountyFactory()

    def grow(count: int) -> None:
        for index in range(count):
            municipality = f.MunicipalityFactory(name=f"Exportby {index}", county=county)
            f.ClusterMembershipFactory(cluster=world.cluster_a, municipality=municipality)

    grow(3)
    with CaptureQueriesContext(connection) as small:
        assert client.get(_url(fmt, "q=Exportby")).status_code == 200
    grow(27)  # ten times the data
    with django_assert_max_num_queries(len(small)):
        response = client.get(_url(fmt, "q=Exportby"))
    assert response.status_code == 200
