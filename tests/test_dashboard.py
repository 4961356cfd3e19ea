"""The dashboard: one page, the sections a person's roles call for."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from clusters.models import Cluster, ClusterMembership, MeetingStatus, RosterRole
from municipalities.models import Country, Municipality, MunicipalityRole
from programs.followup.models import ClusterTask
from programs.models import (
    ItemStatus,
    Milestone,
    Program,
    ProgramStatus,
    ProgressStatus,
    ProgressUpdate,
    Task,
)
from programs.selectors import ClusterSummary, cluster_summaries
from tests import factories as f
from tests.programs.data import grow, partner_organisation

URL = reverse("portal:dashboard")


def program_links(content: str) -> set[str]:
    return set(re.findall(r'href="(/programmes/\d+/)[#"]', content))


def summary_lines(response) -> list:
    return list(response.context["cluster_summary"]["page"].object_list)


def updated(update: ProgressUpdate, *, days_ago: int) -> ProgressUpdate:
    """Date a progress update back (``created_at`` is set on insert)."""
    ProgressUpdate.objects.filter(pk=update.pk).update(
        created_at=timezone.now() - dt.timedelta(days=days_ago)
    )
    update.refresh_from_db()
    return update


def national(world, clusters: int, *, members: int = 13) -> list[Cluster]:
    """``clusters`` new clusters of ``members`` open members each (see ``populate``)."""
    first = Cluster.objects.filter(name__startswith="Scale cluster").count()
    made = Cluster.objects.bulk_create(
        Cluster(
            name=f"Scale cluster {first + n:04d}",
            starts_on=timezone.localdate() - dt.timedelta(days=400),
        )
        for n in range(clusters)
    )
    populate(world, made, members=members)
    return made


def populate(world, clusters: list[Cluster], *, members: int) -> None:
    """Add ``members`` open members to each cluster, each with an active programme holding
    an overdue task, a task due later, an overdue milestone and a progress update: the
    partnership at national scale in bulk inserts (a handful of queries)."""
    today = timezone.localdate()
    # Only this builder makes codes below 1000 (the world's and the factories' are higher).
    first = Municipality.objects.filter(country=Country.SWEDEN, code__lt="1000").count()
    places = Municipality.objects.bulk_create(
        Municipality(
            country=Country.SWEDEN,
            county=world.ale.county,
            code=f"{first + n:04d}",
            name=f"Scale municipality {first + n:04d}",
            skr_group="C8",
        )
        for n in range(len(clusters) * members)
    )
    pairs = [
        (cluster, place)
        for i, cluster in enumerate(clusters)
        for place in places[i :: len(clusters)]
    ]
    ClusterMembership.objects.bulk_create(
        ClusterMembership(cluster=cluster, municipality=place, joined_on=today)
        for cluster, place in pairs
    )
    programs = Program.objects.bulk_create(
        Program(
            municipality=place,
            cluster=cluster,
            title=f"{place.name} innovates",
            starts_on=today - dt.timedelta(days=100),
            ends_on=today + dt.timedelta(days=900),
            status=ProgramStatus.ACTIVE,
        )
        for cluster, place in pairs
    )
    Task.objects.bulk_create(
        Task(program=program, title=title, due_on=today + dt.timedelta(days=days))
        for program in programs
        for title, days in (("Late", -5), ("Later", 20))
    )
    Milestone.objects.bulk_create(
        Milestone(program=program, title="Late milestone", due_on=today - dt.timedelta(days=2))
        for program in programs
    )
    ProgressUpdate.objects.bulk_create(
        ProgressUpdate(
            program=program,
            author=world.coordinator,
            status=ProgressStatus.AT_RISK,
            proposed_status=ProgressStatus.AT_RISK,
            achieved="Ran the pilot.",
        )
        for program in programs
    )


@pytest.fixture
def meetings(world):
    now = timezone.now()
    return {
        "coming_a": f.MeetingFactory(
            cluster=world.cluster_a, title="Spring workshop", starts_at=now + dt.timedelta(days=3)
        ),
        "past_a": f.MeetingFactory(
            cluster=world.cluster_a, title="Autumn kick-off", starts_at=now - dt.timedelta(days=3)
        ),
        "cancelled_a": f.MeetingFactory(
            cluster=world.cluster_a,
            title="Cancelled visit",
            starts_at=now + dt.timedelta(days=5),
            status=MeetingStatus.CANCELLED,
        ),
        "coming_b": f.MeetingFactory(
            cluster=world.cluster_b,
            title="Lerum mobility day",
            starts_at=now + dt.timedelta(days=4),
        ),
    }


# --- coordinator and viewer ----------------------------------------------------------------


def test_coordinator_sees_their_programme_progress_and_a_button_to_report(world, as_persona):
    f.ProgressUpdateFactory(
        program=world.program, author=world.coordinator, achieved="Mapped the culture."
    )
    response = as_persona("coordinator").get(URL)
    assert response.status_code == 200
    [entry] = response.context["my_programs"]
    assert entry["row"].program == world.program
    assert entry["can_edit"] is True
    content = response.content.decode()
    assert "Ale innovates" in content
    assert 'role="progressbar"' in content
    assert "Mapped the culture." in content
    assert reverse("programs:update_create", args=[world.program.pk]) in content
    assert "Lerum moves" not in content


def test_viewer_sees_the_programme_but_no_report_button(world, as_persona):
    response = as_persona("viewer").get(URL)
    [entry] = response.context["my_programs"]
    assert entry["can_edit"] is False
    assert reverse("programs:update_create", args=[world.program.pk]) not in (
        response.content.decode()
    )


def test_coordinator_sees_overdue_and_coming_items(world, as_persona):
    today = timezone.localdate()
    f.TaskFactory(program=world.program, title="Late task", due_on=today - dt.timedelta(days=4))
    f.MilestoneFactory(
        program=world.program, title="Late milestone", due_on=today - dt.timedelta(days=1)
    )
    f.TaskFactory(program=world.program, title="Next year", due_on=today + dt.timedelta(days=99))
    due = as_persona("coordinator").get(URL).context["due"]
    assert [entry.item.title for entry in due.overdue] == ["Late task", "Late milestone"]
    coming = {entry.item.title for entry in due.coming}
    assert coming == {"Map the innovation culture", "Culture baseline agreed"}


def test_coordinator_sees_coming_meetings_of_their_clusters_only(world, as_persona, meetings):
    response = as_persona("coordinator").get(URL)
    assert response.context["meetings"] == [meetings["coming_a"]]
    content = response.content.decode()
    assert "Spring workshop" in content
    for title in ("Autumn kick-off", "Cancelled visit", "Lerum mobility day"):
        assert title not in content


def test_coordinator_of_a_municipality_that_left_sees_no_cluster_meetings(
    world, as_persona, meetings
):
    world.ale.cluster_memberships.update(left_on=timezone.localdate(), status="left")
    assert as_persona("coordinator").get(URL).context["meetings"] == []


# --- managers and administrators -----------------------------------------------------------


def test_manager_sees_one_row_per_member_of_their_clusters(world, as_persona, meetings):
    f.ProgressUpdateFactory(program=world.program, author=world.coordinator)
    response = as_persona("manager").get(URL)
    [overview] = response.context["overviews"]
    assert overview.cluster == world.cluster_a
    rows = {member.municipality.name: member.row for member in overview.members}
    assert set(rows) == {"Ale", "Alingsås"}
    assert rows["Ale"].program == world.program
    assert rows["Ale"].latest_update is not None
    assert rows["Alingsås"] is None
    content = response.content.decode()
    assert "status-on_track" in content
    assert f"?municipality={world.alingsas.pk}&amp;cluster={world.cluster_a.pk}" in content
    assert "Lerum" not in content.split('id="coming-meetings"')[0]
    assert response.context["meetings"] == [meetings["coming_a"]]


def test_manager_rows_take_their_colour_from_the_proposed_status(world, as_persona):
    f.MilestoneFactory(program=world.program, due_on=timezone.localdate() - dt.timedelta(days=1))
    [overview] = as_persona("manager").get(URL).context["overviews"]
    ale = next(m for m in overview.members if m.municipality == world.ale)
    assert ale.row.summary.proposed_status == ProgressStatus.OFF_TRACK


def test_admin_sees_every_cluster(world, as_persona, meetings):
    response = as_persona("admin").get(URL)
    assert response.context["overviews"] is None
    assert {line.cluster for line in summary_lines(response)} == {
        world.cluster_a,
        world.cluster_b,
    }
    assert set(response.context["meetings"]) == {meetings["coming_a"], meetings["coming_b"]}


# --- the summary of many clusters --------------------------------------------------------


@pytest.fixture
def bergslagen(world):
    """A cluster whose members show every case the summary counts (see the test)."""
    today = timezone.localdate()
    cluster = f.ClusterFactory(name="Ystad Österlen")

    def member(name: str, **membership) -> Municipality:
        place = f.MunicipalityFactory(name=name, county=world.ale.county)
        f.ClusterMembershipFactory(cluster=cluster, municipality=place, **membership)
        return place

    def program(place: Municipality, **fields) -> Program:
        return f.ProgramFactory(municipality=place, cluster=cluster, **fields)

    def late_task(program: Program, **fields) -> Task:
        return f.TaskFactory(program=program, due_on=today - dt.timedelta(days=3), **fields)

    # Off track this month, with 2 overdue tasks and an overdue milestone; its older on-track
    # update, an older programme's overdue task, and done or cancelled late items do not count.
    fagersta = member("Fagersta")
    older = program(fagersta, starts_on=today - dt.timedelta(days=400))
    late_task(older)
    f.ProgressUpdateFactory(program=older, author=world.coordinator)
    current = program(fagersta)
    late_task(current)
    late_task(current, status=ItemStatus.BLOCKED)
    late_task(current, status=ItemStatus.CANCELLED)
    late_task(
        current, status=ItemStatus.DONE, percent=100, completed_on=today - dt.timedelta(days=4)
    )
    f.TaskFactory(program=current, due_on=today + dt.timedelta(days=3))
    f.MilestoneFactory(program=current, due_on=today - dt.timedelta(days=1))
    updated(f.ProgressUpdateFactory(program=current, author=world.coordinator), days_ago=40)
    f.ProgressUpdateFactory(
        program=current,
        author=world.coordinator,
        status=ProgressStatus.OFF_TRACK,
        proposed_status=ProgressStatus.OFF_TRACK,
    )
    # At risk, last reported 40 days ago (before this month, whatever today is); its finished
    # programme's overdue task does not count.
    norberg = member("Norberg")
    late_task(program(norberg, status=ProgramStatus.COMPLETED))
    oldest = updated(
        f.ProgressUpdateFactory(
            program=program(norberg),
            author=world.coordinator,
            status=ProgressStatus.AT_RISK,
            proposed_status=ProgressStatus.AT_RISK,
        ),
        days_ago=40,
    )
    # A draft without a report.
    program(member("Skinnskatteberg"), status=ProgramStatus.DRAFT)
    # A finished programme only: a programme, but none ongoing.
    late_task(program(member("Ljusnarsberg"), status=ProgramStatus.COMPLETED))
    # A cancelled programme only, and no programme at all: both without a programme.
    program(member("Hällefors"), status=ProgramStatus.CANCELLED)
    member("Lindesberg")
    # A member that left: not counted, whatever its programme.
    gone = member("Nora", left_on=today - dt.timedelta(days=10), status="left")
    late_task(program(gone))
    return {"cluster": cluster, "oldest_update": oldest.created_at}


def test_cluster_summary_counts_each_open_members_ongoing_programme(world, bergslagen):
    [line] = cluster_summaries([bergslagen["cluster"]])
    assert line.cluster == bergslagen["cluster"]
    assert (line.members, line.without_programme, line.ongoing) == (6, 2, 3)
    assert (line.on_track, line.at_risk, line.off_track, line.no_report) == (0, 1, 1, 1)
    assert line.overdue == 3
    assert (line.updated_this_month, line.not_updated_this_month) == (1, 2)
    assert line.oldest_update == bergslagen["oldest_update"]


def test_cluster_summary_of_an_empty_cluster_is_all_zero(world):
    empty = f.ClusterFactory(name="Empty")
    [line] = cluster_summaries([empty])
    assert (line.members, line.ongoing, line.overdue, line.no_report) == (0, 0, 0, 0)
    assert line.oldest_update is None


def test_admin_sees_one_line_per_cluster_with_its_figures_and_no_member_rows(
    world, as_persona, bergslagen
):
    f.ProgressUpdateFactory(program=world.program, author=world.coordinator)
    response = as_persona("admin").get(URL)
    lines = summary_lines(response)
    # Ystad needs attention first (off track), though last by name; then by name.
    assert [line.cluster.name for line in lines] == [
        "Ystad Österlen",
        "Göta älv mobility",
        "Västra Götaland smart",
    ]
    assert lines[0].off_track == 1
    smart = lines[2]
    assert (smart.members, smart.ongoing, smart.on_track, smart.without_programme) == (2, 1, 1, 1)
    content = response.content.decode()
    section = content.split('id="my-clusters"')[1].split("</section>")[0]
    for cluster in (bergslagen["cluster"], world.cluster_a, world.cluster_b):
        assert reverse("portal:cluster_detail", args=[cluster.pk]) in section
    assert "<caption" in section and 'scope="row"' in section
    # The members and their programmes are on the cluster pages, not here.
    assert program_links(content) == set()
    assert "Fagersta" not in content and "Alingsås" not in content


def test_admin_sorts_the_clusters_by_name_and_searches_them(world, as_persona, bergslagen):
    client = as_persona("admin")
    by_name = client.get(URL, {"sort": "name"})
    assert [line.cluster.name for line in summary_lines(by_name)] == [
        "Göta älv mobility",
        "Västra Götaland smart",
        "Ystad Österlen",
    ]
    assert 'aria-sort="ascending"' in by_name.content.decode()
    found = client.get(URL, {"q": " göta "})
    assert [line.cluster for line in summary_lines(found)] == [world.cluster_b, world.cluster_a]
    assert found.context["cluster_summary"]["search"] == "göta"
    nothing = client.get(URL, {"q": "Atlantis"})
    assert summary_lines(nothing) == []
    assert "No cluster matches the search." in nothing.content.decode()


def test_needs_attention_puts_off_track_first_then_overdue_then_missing_updates_then_at_risk():
    def line(name, **figures):
        return ClusterSummary(cluster=Cluster(name=name), ongoing=4, **figures)

    lines = [
        line("calm", updated_this_month=4),
        line("at risk", at_risk=2, updated_this_month=4),
        line("silent", updated_this_month=1),
        line("late", overdue=5, updated_this_month=4),
        line("later", overdue=9, updated_this_month=4),
        line("off track", off_track=1, updated_this_month=4),
    ]
    ordered = sorted(lines, key=lambda summary: summary.attention)
    assert [s.cluster.name for s in ordered] == [
        "off track",
        "later",
        "late",
        "silent",
        "at risk",
        "calm",
    ]
    assert lines[2].not_updated_this_month == 3 and lines[0].no_report == 4


def test_an_unknown_sort_falls_back_to_needs_attention(world, as_persona, bergslagen):
    response = as_persona("admin").get(URL, {"sort": "population"})
    assert response.context["cluster_summary"]["sort"] == "attention"
    assert summary_lines(response)[0].cluster == bergslagen["cluster"]


def test_admin_pages_the_clusters_and_the_pages_keep_the_search(world, as_persona):
    national(world, 30, members=1)
    client = as_persona("admin")
    first = client.get(URL, {"q": "Scale", "sort": "name"})
    lines = summary_lines(first)
    assert len(lines) == 25
    assert first.context["cluster_summary"]["page"].paginator.count == 30
    assert "?q=Scale&amp;sort=name&amp;page=2" in first.content.decode()
    second = summary_lines(client.get(URL, {"q": "Scale", "sort": "name", "page": 2}))
    assert len(second) == 5
    names = [line.cluster.name for line in lines + second]
    assert names == sorted(names) and len(set(names)) == 30


def test_manager_of_many_clusters_sees_the_summary_of_their_clusters_only(world, as_persona):
    clusters = [f.ClusterFactory(name=f"Managed {n}") for n in range(3)]
    for cluster in clusters:
        f.RosterEntryFactory(cluster=cluster, user=world.manager, role=RosterRole.PROGRAMME_MANAGER)
    response = as_persona("manager").get(URL)  # four clusters: above the threshold
    assert response.context["overviews"] is None
    lines = summary_lines(response)
    assert {line.cluster for line in lines} == {world.cluster_a, *clusters}
    assert "My clusters" in response.content.decode()


def test_manager_of_three_clusters_still_sees_every_member(world, as_persona):
    for n in range(2):
        cluster = f.ClusterFactory(name=f"Managed {n}")
        f.RosterEntryFactory(cluster=cluster, user=world.manager, role=RosterRole.PROGRAMME_MANAGER)
    response = as_persona("manager").get(URL)
    assert response.context["cluster_summary"] is None
    overviews = response.context["overviews"]
    assert len(overviews) == 3
    assert reverse("programs:detail", args=[world.program.pk]) in response.content.decode()


def test_admins_cluster_tasks_stay_a_short_list(world, as_persona):
    today = timezone.localdate()
    ClusterTask.objects.bulk_create(
        ClusterTask(cluster=world.cluster_b, title=f"Cluster task {n}", due_on=today)
        for n in range(30)
    )
    response = as_persona("admin").get(URL)
    assert len(response.context["cluster_tasks"]) == 20


# --- partner contact -----------------------------------------------------------------------


def test_partner_sees_their_clusters_and_their_organisations_tasks_without_links(
    world, as_persona, meetings
):
    task = world.program.tasks.get()
    task.organisations.add(partner_organisation())
    f.TaskFactory(program=world.program, title="Internal budget work")
    response = as_persona("partner").get(URL)
    assert response.context["rostered_clusters"] == [world.cluster_a]
    assert response.context["partner_tasks"] == [task]
    assert response.context["meetings"] == [meetings["coming_a"]]
    assert response.context["my_programs"] is None
    assert response.context["overviews"] is None
    content = response.content.decode()
    assert "Map the innovation culture" in content
    assert "Internal budget work" not in content
    assert program_links(content) == set()


# --- no role -------------------------------------------------------------------------------


def test_person_without_a_role_is_told_whom_to_ask(world, as_persona, meetings):
    response = as_persona("outsider").get(URL)
    assert response.status_code == 200
    assert response.context["has_role"] is False
    content = response.content.decode()
    assert "no role" in content
    assert "programme manager" in content
    assert "Spring workshop" not in content


def test_person_with_two_roles_sees_both_sections(world, as_persona):
    f.MunicipalityMembershipFactory(
        user=world.manager, municipality=world.alingsas, role=MunicipalityRole.VIEWER
    )
    f.ProgramFactory(municipality=world.alingsas, cluster=world.cluster_a, title="Alingsås plan")
    response = as_persona("manager").get(URL)
    assert [e["row"].program.title for e in response.context["my_programs"]] == ["Alingsås plan"]
    assert response.context["overviews"]


def test_dashboard_refuses_post(world, as_persona):
    assert as_persona("coordinator").post(URL).status_code == 405


def test_anonymous_is_sent_to_log_in(world, client):
    assert client.get(URL).status_code == 302


# --- query counts --------------------------------------------------------------------------

BUDGET = 16


@pytest.mark.parametrize(
    "persona", ["coordinator", "viewer", "manager", "admin", "partner", "outsider"]
)
def test_dashboard_query_count_does_not_grow_with_the_data(
    world, as_persona, persona, django_assert_max_num_queries
):
    client = as_persona(persona)
    grow(world, 1)
    with django_assert_max_num_queries(BUDGET) as small:
        assert client.get(URL).status_code == 200
    grow(world, 9)
    with django_assert_max_num_queries(BUDGET) as large:
        assert client.get(URL).status_code == 200
    assert len(large) == len(small)


@pytest.mark.parametrize("persona", ["admin", "manager"])
def test_cluster_summary_query_count_does_not_grow_with_clusters_and_members(
    world, as_persona, persona, django_assert_max_num_queries
):
    # The manager holds five clusters (above the threshold); the admin sees every cluster:
    # six at first, then 30 more of 13 members each, and 13 more members in the five.
    managed = [world.cluster_a, *[f.ClusterFactory() for _ in range(4)]]
    for cluster in managed[1:]:
        f.RosterEntryFactory(cluster=cluster, user=world.manager, role=RosterRole.PROGRAMME_MANAGER)
    client = as_persona(persona)
    with django_assert_max_num_queries(BUDGET) as small:
        assert client.get(URL).context["cluster_summary"] is not None
    national(world, 30)
    populate(world, managed, members=13)
    with django_assert_max_num_queries(BUDGET) as large:
        assert client.get(URL).context["cluster_summary"] is not None
    assert len(large) == len(small)


def test_admin_dashboard_stays_one_page_of_clusters_long(world, as_persona):
    client = as_persona("admin")
    national(world, 30)
    one_page = client.get(URL, {"sort": "name"})
    assert len(summary_lines(one_page)) == 25
    national(world, 30)
    two_pages = client.get(URL, {"sort": "name"})
    assert len(summary_lines(two_pages)) == 25
    assert two_pages.context["cluster_summary"]["page"].paginator.count == 62
    # The same 25 lines; only the counts and the page links differ.
    assert abs(len(two_pages.content) - len(one_page.content)) < 500
    assert len(two_pages.content) < 60_000


def test_rostered_person_without_an_organisation_gets_no_partner_task_list(world, as_persona):
    from clusters.models import RosterRole
    from tests.factories import RosterEntryFactory

    RosterEntryFactory(
        cluster=world.cluster_a, user=world.coordinator, role=RosterRole.MUNICIPAL_CONTACT
    )
    response = as_persona("coordinator").get("/")
    assert response.context["partner_tasks"] is None
    assert "Tasks your organisation takes part in" not in response.content.decode()
