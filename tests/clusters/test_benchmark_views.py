"""The benchmark page, read as each persona sees it: names and numbers looked for in the HTML.

Cluster A gets four members with closed rounds, each with the same mean in every dimension,
so that every number on the page is one of a few known decimals:

    Ale       3.5  own municipality of ``coordinator`` and ``viewer``; does not share
    Alingsås  4.7  does not share; programme 37 % done
    Borås     2.3  shares; programme 64 % done
    Härryda   1.3  does not share; programme 12 % done

Cluster mean (3.5 + 4.7 + 2.3 + 1.3) / 4 = 2.95 → 3.0, median (2.3 + 3.5) / 2 = 2.9. Ale's
programme (from the world) is 0 % done. The tests compare the *set* of decimals and of
percentages on the page, so any extra number (a leaked score) fails them.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from municipalities.services import municipality_share_benchmarks
from programs import benchmarks
from tests.clusters.benchmark_helpers import member

NOT_SHARING = ("Alingsås", "Härryda")


def url(world) -> str:
    return reverse("portal:cluster_benchmark", args=[world.cluster_a.pk])


@pytest.fixture
def scored(world):
    c = world.cluster_a
    member(c, "Ale", [3, 4], municipality=world.ale)
    member(c, "Alingsås", [4, 5, 5], municipality=world.alingsas, percent=37)
    member(c, "Borås", [2, 2, 3], share=True, percent=64)
    member(c, "Härryda", [1, 1, 2], percent=12)
    return world


def page(as_persona, world, persona: str) -> str:
    response = as_persona(persona).get(url(world))
    assert response.status_code == 200
    return response.content.decode()


def decimals(html: str) -> set[str]:
    return set(re.findall(r"(?<![\d.])\d\.\d(?![\d.])", html))


def percents(html: str) -> set[str]:
    return set(re.findall(r"(\d+) %", html))


def names_in(html: str) -> set[str]:
    return {name for name in ("Ale", *NOT_SHARING, "Borås") if re.search(rf"\b{name}\b", html)}


# --- managers and administrators: everything ---------------------------------------------


@pytest.mark.parametrize("persona", ["manager", "admin"])
def test_managers_and_admins_see_every_member_named_with_scores_and_progress(
    scored, as_persona, persona
):
    html = page(as_persona, scored, persona)
    assert names_in(html) == {"Ale", "Alingsås", "Borås", "Härryda"}
    assert decimals(html) == {"3.5", "4.7", "2.3", "1.3", "3.0", "2.9"}
    assert percents(html) == {"0", "37", "64", "12"}
    assert "Alingsås programme" in html
    assert "Alingsås: 4.7" in html  # in the chart's words, for screen readers
    assert "not shown" not in html


# --- everyone else: their own and the sharing members ------------------------------------


@pytest.mark.parametrize("persona", ["coordinator", "viewer"])
def test_coordinator_and_viewer_see_own_and_sharing_members_but_never_the_others(
    scored, as_persona, persona
):
    html = page(as_persona, scored, persona)
    assert names_in(html) == {"Ale", "Borås"}
    for name in NOT_SHARING:
        assert name not in html
    # Own 3.5, Borås 2.3, the cluster's 3.0 and 2.9: not 4.7 (Alingsås) nor 1.3 (Härryda).
    assert decimals(html) == {"3.5", "2.3", "3.0", "2.9"}
    assert percents(html) == {"0", "64"}
    assert "Ale (your municipality): 3.5" in html
    assert "2 member municipalities do not share their benchmarks." in html


def test_partner_contact_sees_only_the_sharing_members(scored, as_persona):
    html = page(as_persona, scored, "partner")
    assert names_in(html) == {"Borås"}
    assert decimals(html) == {"2.3", "3.0", "2.9"}
    assert percents(html) == {"64"}
    assert "your municipality)" not in html
    assert "3 member municipalities do not share their benchmarks." in html


def test_a_member_that_starts_sharing_is_named_with_its_scores_and_progress(scored, as_persona):
    assert "Alingsås" not in page(as_persona, scored, "coordinator")
    municipality_share_benchmarks(municipality=scored.alingsas, share=True, actor=None)
    html = page(as_persona, scored, "coordinator")
    assert names_in(html) == {"Ale", "Alingsås", "Borås"}
    assert "Alingsås: 4.7" in html
    assert "Alingsås programme" in html
    assert "37" in percents(html)
    # Härryda is now the only one unseen: the mean would give its 1.3 away, so no figures.
    assert decimals(html) == {"3.5", "4.7", "2.3"}
    assert "not shown" in html
    assert "Härryda" not in html


def test_when_every_member_shares_the_figures_come_back(scored, as_persona):
    for municipality in (scored.alingsas, scored.ale):
        municipality_share_benchmarks(municipality=municipality, share=True, actor=None)
    harryda = scored.cluster_a.memberships.get(municipality__name="Härryda").municipality
    municipality_share_benchmarks(municipality=harryda, share=True, actor=None)
    html = page(as_persona, scored, "partner")
    assert names_in(html) == {"Ale", "Alingsås", "Borås", "Härryda"}
    assert decimals(html) == {"3.5", "4.7", "2.3", "1.3", "3.0", "2.9"}


def test_a_member_that_stops_sharing_disappears_again(scored, as_persona):
    boras = scored.cluster_a.memberships.get(municipality__name="Borås").municipality
    municipality_share_benchmarks(municipality=boras, share=False, actor=None)
    html = page(as_persona, scored, "coordinator")
    assert names_in(html) == {"Ale"}
    assert decimals(html) == {"3.5", "3.0", "2.9"}
    assert percents(html) == {"0"}


def test_a_non_sharing_members_programme_is_not_shown_even_without_scores(world, as_persona):
    member(world.cluster_a, "Alingsås", municipality=world.alingsas, percent=37)
    html = page(as_persona, world, "coordinator")
    assert "Alingsås" not in html
    assert "37" not in percents(html)


def test_own_programme_links_to_it_and_a_sharing_members_does_not(scored, as_persona):
    html = page(as_persona, scored, "coordinator")
    assert reverse("programs:detail", args=[scored.program.pk]) in html
    boras_program = scored.cluster_a.programs.get(municipality__name="Borås")
    assert reverse("programs:detail", args=[boras_program.pk]) not in html
    assert reverse("programs:detail", args=[boras_program.pk]) in page(
        as_persona, scored, "manager"
    )


# --- the minimum group -------------------------------------------------------------------


def test_with_two_contributors_the_figures_are_hidden_from_a_coordinator(world, as_persona):
    member(world.cluster_a, "Ale", [3, 4], municipality=world.ale)
    member(world.cluster_a, "Alingsås", [4, 5, 5], municipality=world.alingsas)
    html = page(as_persona, world, "coordinator")
    # The mean (4.1) and Ale's 3.5 would give Alingsås's 4.7 away.
    assert decimals(html) == {"3.5"}
    assert "not shown" in html
    assert "at least 3 municipalities contribute" in html
    assert "2 municipalities; mean and median not shown" in html
    assert decimals(page(as_persona, world, "manager")) == {"3.5", "4.7", "4.1"}


def test_with_three_contributors_and_two_unseen_a_coordinator_sees_the_figures(world, as_persona):
    member(world.cluster_a, "Ale", [3, 4], municipality=world.ale)
    member(world.cluster_a, "Alingsås", [4, 5, 5], municipality=world.alingsas)
    member(world.cluster_a, "Härryda", [1, 1, 2])
    html = page(as_persona, world, "coordinator")
    # Mean (3.5 + 4.7 + 1.3) / 3 = 3.17 → 3.2; median 3.5, Ale's own.
    assert decimals(html) == {"3.5", "3.2"}
    assert "Mean 3.2, median 3.5, 3 municipalities" in html
    assert "not shown" not in html


def test_the_minimum_group_is_one_named_constant(scored, as_persona, monkeypatch):
    monkeypatch.setattr(benchmarks, "MIN_GROUP", 5)
    html = page(as_persona, scored, "coordinator")
    assert decimals(html) == {"3.5", "2.3"}
    assert "at least 5 municipalities" in html
    assert decimals(page(as_persona, scored, "manager")) >= {"3.0", "2.9"}


# --- the page itself ---------------------------------------------------------------------


def test_charts_are_inline_svg_images_that_say_their_numbers(scored, as_persona):
    html = page(as_persona, scored, "coordinator")
    assert html.count('class="benchmark-scale chart" role="img"') == 8
    assert html.count('class="benchmark-progress chart" role="img"') == 1
    assert (
        'aria-label="Innovation culture and leadership; cluster mean 3.0, median 2.9 '
        '(4 municipalities); Ale (your municipality): 3.5; Borås: 2.3"'
    ) in html
    assert "<script" not in html.split("<main", 1)[1]


def test_the_cluster_page_links_to_the_benchmark(world, as_persona):
    for persona in ("coordinator", "partner", "manager"):
        html = as_persona(persona).get(reverse("portal:cluster_detail", args=[world.cluster_a.pk]))
        assert url(world) in html.content.decode()


def test_without_closed_rounds_the_page_says_so(world, as_persona):
    html = page(as_persona, world, "coordinator")
    assert "No member municipality has closed a self-assessment round yet." in html
    assert "Ale innovates" in html  # progress still shows


@pytest.mark.parametrize("persona", ["outsider", "other_coordinator", "other_manager"])
def test_people_who_cannot_read_the_cluster_get_404(world, as_persona, persona):
    assert as_persona(persona).get(url(world)).status_code == 404


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_the_benchmark_answers_only_get(world, as_persona, method):
    assert getattr(as_persona("manager"), method)(url(world)).status_code == 405
