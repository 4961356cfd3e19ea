"""The Django admin on the tables that grow with the partnership (issue 14).

At national scale (200,000 tasks, 2,000 programmes, 650 municipalities) a changelist of a large
table shows no second, unfiltered count, has no date drill-down that reads the whole table,
loads the rows' related objects with the page, lets forms pick big related tables by id or
search instead of listing them, and runs as many queries for ten times the rows. On PostgreSQL
the task changelist's page is read from the (due_on, id) index and its search from the trigram
and foreign-key indexes, not by a sort or a scan of the table.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.admin.widgets import (
    AutocompleteSelect,
    AutocompleteSelectMultiple,
    ForeignKeyRawIdWidget,
    ManyToManyRawIdWidget,
)
from django.core.exceptions import FieldDoesNotExist
from django.db import connection
from django.db.models import Model
from django.forms import ModelChoiceField
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from clusters.models import ClusterMembership, Meeting, MeetingParticipant, RosterEntry
from innocities.accounts.models import User
from innocities.core.admin import RelatedIdSearchMixin
from innocities.feeds.models import CalendarToken
from innocities.reports.models import ProgressReport
from municipalities.assessments.models import AssessmentRound, Framework, Respondent
from municipalities.models import Municipality, MunicipalityMembership, Organisation
from programs.benefits.models import Benefit, BenefitFollowUp
from programs.indicators.models import (
    Indicator,
    ReferenceValue,
    StatisticsSyncRun,
    ValueStatus,
)
from programs.initiatives.models import Assumption, GateDecision, Initiative
from programs.lessons.models import Lesson
from programs.models import Milestone, Program, ProgramModule, ProgressUpdate, Task
from tests import factories as f
from tests.benefits.factories import BenefitFactory, FollowUpFactory
from tests.indicators.factories import IndicatorFactory
from tests.initiatives.factories import AssumptionFactory, InitiativeFactory
from tests.lessons.factories import LessonFactory

# The tables that grow with the partnership (the notifications app's outbox has its own test).
LARGE: list[type[Model]] = [
    User,
    MunicipalityMembership,
    ClusterMembership,
    RosterEntry,
    Meeting,
    MeetingParticipant,
    Program,
    ProgramModule,
    Task,
    Milestone,
    ProgressUpdate,
    Initiative,
    GateDecision,
    Assumption,
    Indicator,
    ReferenceValue,
    StatisticsSyncRun,
    Benefit,
    BenefitFollowUp,
    Lesson,
    ProgressReport,
    CalendarToken,
    Respondent,
]

# Date drill-downs that stay cheap: a few thousand rows nationally, read for the year list.
CHEAP_DATE_HIERARCHY: dict[type[Model], str] = {
    Program: "starts_on",  # 2,000 programmes
    ClusterMembership: "joined_on",  # about one a municipality and cluster
    Meeting: "starts_at",  # 1,500 a year
    GateDecision: "decided_on",  # a few thousand, and the column has an index
}

# Related tables too big for a <select> of every row in a form.
BIG_CHOICES: set[type[Model]] = {*LARGE, Municipality, Organisation}

# Form fields over a big table that are fine as a select, and why.
SMALL_CHOICE_FIELDS = {
    # Limited to the edited programme's own modules (programs.admin._ProgramChildInline).
    ("programs.milestone", "module"),
}

PROJECT_APPS = ("innocities", "municipalities", "clusters", "programs")


def _large_admins() -> list[tuple[type[Model], admin.ModelAdmin]]:
    return [(model, admin.site._registry[model]) for model in LARGE]


def _label(model: type[Model]) -> str:
    return model._meta.label_lower


def test_every_large_table_has_an_admin():
    assert [_label(m) for m in LARGE if m not in admin.site._registry] == []


@pytest.mark.parametrize("model", LARGE, ids=_label)
def test_a_large_changelist_counts_its_rows_once(model):
    # The full count is a second COUNT(*) over the whole table on every page.
    assert admin.site._registry[model].show_full_result_count is False


@pytest.mark.parametrize("model", LARGE, ids=_label)
def test_a_large_changelist_has_no_date_drill_down_unless_cheap(model):
    # Its year list is SELECT DISTINCT date_trunc(…) over every row, after a MIN/MAX.
    assert admin.site._registry[model].date_hierarchy in (None, CHEAP_DATE_HIERARCHY.get(model))


@pytest.mark.parametrize("model", LARGE, ids=_label)
def test_a_large_changelist_loads_the_related_rows_it_shows(model):
    model_admin = admin.site._registry[model]
    shown = set()
    for name in model_admin.list_display:
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if field.many_to_one or field.one_to_one:
            shown.add(name)
    selected = model_admin.list_select_related
    assert selected is True or shown <= set(selected or ())


def _form_field_problems(request, model_admin, model) -> list[str]:
    problems = []
    forms = [(model, model_admin.get_form(request, None).base_fields, "")]
    for inline in model_admin.get_inline_instances(request, None):
        formset = inline.get_formset(request, None)
        # The key to the edited row is a hidden field, whatever the form class says.
        forms.append((inline.model, formset.form.base_fields, formset.fk.name))
    for form_model, fields, parent in forms:
        for name, field in fields.items():
            if name == parent or not isinstance(field, ModelChoiceField):
                continue
            if field.queryset.model not in BIG_CHOICES:
                continue
            if (_label(form_model), name) in SMALL_CHOICE_FIELDS:
                continue
            widget = getattr(field.widget, "widget", field.widget)  # the "+" wrapper
            if not isinstance(
                widget,
                (
                    ForeignKeyRawIdWidget,
                    ManyToManyRawIdWidget,
                    AutocompleteSelect,
                    AutocompleteSelectMultiple,
                ),
            ):
                problems.append(f"{_label(form_model)}.{name}")
    return problems


def test_forms_pick_rows_of_big_tables_by_id_or_search(world):
    # A select with every task (200,000) or person is a page of its own.
    request = RequestFactory().get("/admin/")
    request.user = world.admin
    problems = []
    for model, model_admin in admin.site._registry.items():
        if not model.__module__.startswith(PROJECT_APPS):
            continue
        if model._meta.app_label == "notifications":
            continue  # its own test (tests/notifications)
        if not (
            model_admin.has_add_permission(request) or model_admin.has_change_permission(request)
        ):
            continue  # read-only: every field is shown as text
        problems += _form_field_problems(request, model_admin, model)
    assert problems == [], problems


# --- the query count does not grow with the table ---------------------------------------------

SEARCH = "Kommun"  # in every grown municipality's name (tests.factories.MunicipalityFactory)


def _grow(units: int, framework: Framework) -> None:
    """``units`` more rows in every large table, each with its own related rows, so a query per
    row (a __str__ reaching into another table) would show in the count."""
    now = timezone.now()
    today = timezone.localdate()
    for _ in range(units):
        user = f.UserFactory()
        municipality = f.MunicipalityFactory()
        cluster = f.ClusterFactory()
        f.MunicipalityMembershipFactory(user=user, municipality=municipality)
        f.ClusterMembershipFactory(cluster=cluster, municipality=municipality)
        f.RosterEntryFactory(cluster=cluster, user=user)
        program = f.ProgramFactory(municipality=municipality, cluster=cluster)
        module = f.ProgramModuleFactory(program=program)
        f.TaskFactory(program=program, module=module, owner=user)
        f.MilestoneFactory(program=program, module=module, owner=user)
        f.ProgressUpdateFactory(program=program, author=user)
        f.MeetingParticipantFactory(meeting=f.MeetingFactory(cluster=cluster), user=user)
        initiative = InitiativeFactory(municipality=municipality)
        GateDecision.objects.create(
            initiative=initiative,
            from_stage="idea",
            to_stage="concept",
            decision="go",
            decided_by="Ledningsgruppen",
            body="management_group",
            decided_on=today,
            rationale="Enough evidence",
        )
        AssumptionFactory(initiative=initiative)
        IndicatorFactory(program=program)
        ReferenceValue.objects.create(
            source="kolada",
            key=f"N{user.pk:05d}",
            area_code=municipality.code,
            source_period="2025",
            period=dt.date(2025, 1, 1),
            value=1,
            status=ValueStatus.FINAL,
            fetched_at=now,
        )
        StatisticsSyncRun.objects.create(started_at=now)
        FollowUpFactory(benefit=BenefitFactory(initiative=initiative, owner=user))
        LessonFactory(municipality=municipality)
        ProgressReport.objects.create(
            program=program, period_start=today.replace(day=1), period_end=today
        )
        CalendarToken.objects.create(user=user, secret=f"secret-{user.pk}", created_at=now)
        assessment = AssessmentRound.objects.create(
            municipality=municipality, framework=framework, title="Våren", opened_by=user
        )
        Respondent.objects.create(round=assessment, user=user, role="staff")


def _changelists() -> list[str]:
    """Every large changelist, and a search where it goes through RelatedIdSearchMixin (a
    query per word and foreign key; Django's own search adds none)."""
    urls = []
    for model, model_admin in _large_admins():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        urls.append(url)
        if isinstance(model_admin, RelatedIdSearchMixin):
            urls.append(f"{url}?q={SEARCH}")
    return urls


def test_large_changelists_run_as_many_queries_for_ten_times_the_rows(
    world, as_persona, django_assert_max_num_queries, subtests
):
    framework = Framework.objects.get(is_active=True)
    client = as_persona("admin")
    _grow(1, framework)
    client.get(reverse("admin:index"))  # a session's first request loads more (the roles)
    counts = {}
    for url in _changelists():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[url] = len(queries)

    _grow(9, framework)
    for url, count in counts.items():
        with subtests.test(url=url):
            with django_assert_max_num_queries(count):
                response = client.get(url)
            assert response.status_code == 200
            if "?q=" not in url:
                assert len(response.context["cl"].result_list) >= 10


# --- PostgreSQL reads the task changelist from its indexes ------------------------------------

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the plans and trigram indexes are PostgreSQL's"
)


@pytest.fixture
def many_tasks(world) -> dict[str, Any]:
    """10,000 tasks in 10 programmes, the statistics fresh: enough for the planner to choose
    as it does at national scale."""
    programs = [
        world.program,
        *(f.ProgramFactory(municipality=f.MunicipalityFactory()) for _ in range(9)),
    ]
    today = timezone.localdate()
    Task.objects.bulk_create(
        (
            Task(
                program=program,
                title=f"Arbetsmöte {n}",
                due_on=today + dt.timedelta(days=n % 900 - 300),
            )
            for program in programs
            for n in range(1000)
        ),
        batch_size=5000,
    )
    Task.objects.create(program=programs[-1], title="Kvartersodling i centrum", due_on=today)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE programs_task")
        cursor.execute("ANALYZE programs_program")
    return {"program": world.program}


def _page_plan(client, query: str = "") -> str:
    response = client.get(reverse("admin:programs_task_changelist") + query)
    assert response.status_code == 200
    changelist = response.context["cl"]
    page = changelist.queryset[: changelist.list_per_page]
    return page.explain()


@postgresql_only
def test_the_task_changelist_reads_its_first_page_from_the_due_date_index(many_tasks, as_persona):
    plan = _page_plan(as_persona("admin"))

    assert "task_due_on_id" in plan, plan
    assert "Seq Scan on programs_task" not in plan, plan
    assert "Sort" not in plan, plan


@postgresql_only
def test_a_task_search_can_read_the_trigram_and_programme_indexes(many_tasks, as_persona):
    # The planner costs a GIN index filled in this very transaction (never vacuumed) as if
    # it were huge, so it walks another index instead. Allowed only bitmap scans, the plan
    # shows whether the indexes fit the query the admin writes (UPPER(title::text) LIKE …):
    # without them it has to scan the table after all.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
    client = as_persona("admin")

    # A title word: the trigram index on UPPER(title).
    plan = _page_plan(client, "?q=kvartersodling")
    assert "task_title_trgm" in plan, plan
    assert "Seq Scan on programs_task" not in plan, plan

    # The municipality's name: its programmes' ids, through the foreign key's index, beside
    # the trigram index for titles with the same word.
    plan = _page_plan(client, "?q=Ale")
    assert "task_title_trgm" in plan, plan
    assert "programs_task_program_id" in plan, plan
    assert "Seq Scan on programs_task" not in plan, plan


@postgresql_only
@pytest.mark.parametrize(
    ("model", "index"),
    [(Milestone, "milestone_title_trgm"), (ProgramModule, "program_module_title_trgm")],
)
def test_milestone_and_module_searches_can_read_their_trigram_index(world, model, index):
    """As the tasks' (above): the admin's title search on those tables fits the index."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
    plan = model.objects.filter(title__icontains="workshop").explain()
    assert index in plan, plan


def test_a_task_search_finds_titles_and_the_programmes_municipality(world, as_persona):
    ale_task = f.TaskFactory(program=world.program, title="Kick-off")
    workshop = f.TaskFactory(program=world.other_program, title="Workshop with Ale's partners")
    lerum_task = f.TaskFactory(program=world.other_program, title="Lerum workshop")
    client = as_persona("admin")
    url = reverse("admin:programs_task_changelist")

    found = set(client.get(url, {"q": "ale"}).context["cl"].result_list)
    assert {ale_task, workshop} <= found
    assert lerum_task not in found
    # Words are ANDed, each over every field: the programme's municipality and the title.
    assert list(client.get(url, {"q": "ale kick"}).context["cl"].result_list) == [ale_task]
    found = set(client.get(url, {"q": "lerum workshop"}).context["cl"].result_list)
    assert found == {workshop, lerum_task}


def test_every_admin_list_draws_its_checkboxes_without_a_template_and_shows_50_rows(world):
    """The row checkbox is Django's markup to the byte (the actions' JavaScript reads it), and
    every admin, the libraries' too, pages by 50."""
    from django import forms
    from django.contrib.admin import helpers
    from django.utils.html import format_html
    from django.utils.translation import gettext as _

    user = f.UserFactory(full_name='Åsa "Ö" <Berg> & Co')
    for model_admin in admin.site._registry.values():
        assert model_admin.list_per_page == 50, type(model_admin)
    model_admin = admin.site._registry[User]
    djangos = forms.CheckboxInput(
        {
            "class": "action-select",
            "aria-label": format_html(_("Select this object for an action - {}"), str(user)),
        },
        lambda value: False,
    ).render(helpers.ACTION_CHECKBOX_NAME, str(user.pk))
    assert model_admin.action_checkbox(user) == djangos


def test_a_changelist_of_more_than_50_rows_shows_50_and_a_next_page(world, as_persona):
    program = world.program
    Task.objects.bulk_create(
        Task(program=program, title=f"Uppgift {n}", due_on=dt.date(2026, 1, 1)) for n in range(60)
    )
    client = as_persona("admin")
    answer = client.get(reverse("admin:programs_task_changelist"))
    assert answer.status_code == 200
    assert len(answer.context["cl"].result_list) == 50
    assert answer.content.count(b'class="action-select"') == 50


# --- the list of apps on every admin page ---------------------------------------------------


def _admin_request(user: User, path: str = "/admin/") -> Any:
    request = RequestFactory().get(path)
    request.user = user
    return request


def test_the_admin_is_the_portals_site_without_the_sidebar() -> None:
    from innocities.core.admin_site import AdminSite

    assert isinstance(admin.site, AdminSite)
    assert admin.site.enable_nav_sidebar is False


def test_the_app_list_is_worked_out_once_per_kind_of_reader(world) -> None:
    """The second superuser's list costs no query and no permission check; a staff member
    with one permission gets their own, not the superuser's."""
    admin.site._app_lists.clear()
    first = admin.site.get_app_list(_admin_request(world.admin))
    other_superuser = f.UserFactory(is_staff=True, is_superuser=True)
    with CaptureQueriesContext(connection) as queries:
        again = admin.site.get_app_list(_admin_request(other_superuser))
    assert again == first and again is not first
    assert len(queries) == 0
    models = {model["object_name"] for app in first for model in app["models"]}
    assert {"Task", "Program", "Municipality"} <= models

    clerk = f.UserFactory(is_staff=True)
    from django.contrib.auth.models import Permission

    clerk.user_permissions.add(Permission.objects.get(codename="view_task"))
    clerk = User.objects.get(pk=clerk.pk)  # no cached permissions
    theirs = admin.site.get_app_list(_admin_request(clerk))
    assert [model["object_name"] for app in theirs for model in app["models"]] == ["Task"]
    # Changing the copy handed out changes nothing kept.
    again[0]["models"].clear()
    assert admin.site.get_app_list(_admin_request(world.admin)) == first


def test_an_admin_page_still_lists_the_apps_on_the_index(world, as_persona) -> None:
    page = as_persona("admin").get(reverse("admin:index")).content.decode()
    assert reverse("admin:programs_task_changelist") in page
    assert 'id="nav-sidebar"' not in page
    changelist = as_persona("admin").get(reverse("admin:programs_task_changelist"))
    assert changelist.status_code == 200
    assert 'id="nav-sidebar"' not in changelist.content.decode()


# --- counting a large table -------------------------------------------------------------------


@postgresql_only
def test_an_unfiltered_list_of_a_large_table_counts_from_the_estimate(world, as_persona, settings):
    """Above the threshold by PostgreSQL's statistics, the list says "about" and runs no
    COUNT(*); a search counts exactly."""
    program = f.ProgramFactory(municipality=world.ale, cluster=world.cluster_a)
    for index in range(12):
        f.TaskFactory(program=program, title=f"Uppgift {index}")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE programs_task")
    settings.ADMIN_ESTIMATED_COUNT_ABOVE = 5
    client = as_persona("admin")
    url = reverse("admin:programs_task_changelist")
    with translation.override("en"), CaptureQueriesContext(connection) as queries:
        page = client.get(url)
    assert page.context["cl"].paginator.estimated is True
    assert f"about {Task.objects.count()} tasks" in page.content.decode()
    assert not [q for q in queries if 'COUNT(*) AS "__count" FROM "programs_task"' in q["sql"]]

    with translation.override("en"):
        searched = client.get(url, {"q": "Uppgift 1"})
    assert searched.context["cl"].paginator.estimated is False
    assert "about" not in searched.content.decode().split('class="paginator"')[1][:200]
    assert searched.context["cl"].result_count == 3  # 1, 10, 11

    settings.ADMIN_ESTIMATED_COUNT_ABOVE = 10_000
    small = client.get(url)
    assert small.context["cl"].paginator.estimated is False
    assert small.context["cl"].result_count == Task.objects.count()


@pytest.mark.parametrize(
    ("url", "popup", "to_field"),
    [
        ("/admin/programs/task/12/change/", False, None),
        ("/admin/programs/task/12/change/?x=1", True, "id"),
        ("/admin/programs/task/", False, None),
        ("/admin/programs/task/?o=1", False, None),
        ("/admin/programs/task/%C3%A5/change/", False, None),
        ("/nowhere/", False, None),
    ],
)
@pytest.mark.parametrize(
    "context",
    [
        {"preserved_filters": "_changelist_filters=q%3DAle%26status%3Dopen"},
        {"preserved_filters": "_changelist_filters=q%3DAle", "preserved_qsl": [("p", "2")]},
        {"preserved_filters": ""},
        {},
    ],
)
def test_a_rows_link_carries_the_filters_as_djangos_own_code_does(url, popup, to_field, context):
    from django.contrib.admin.templatetags import admin_list, admin_urls

    from innocities.core.admin import add_preserved_filters

    assert admin_list.add_preserved_filters is add_preserved_filters
    context = {"opts": Task._meta, **context}
    assert add_preserved_filters(context, url, popup, to_field) == (
        admin_urls.add_preserved_filters(context, url, popup, to_field)
    )


# --- the rows of every admin list, drawn from a plan of the columns ---------------------------

TBODY = re.compile(rb"<tbody>.*?</tbody>", re.S)


def _rows(client, url: str) -> bytes:
    answer = client.get(url)
    assert answer.status_code == 200, url
    found = TBODY.search(answer.content)
    return found.group(0) if found else b""


def test_every_admin_lists_rows_are_djangos_to_the_byte(world, as_persona, monkeypatch, subtests):
    """``innocities.core.admin.results`` in place of Django's: the same markup for every
    registered admin, plain and sorted, searched (the links carry the filters) and as a
    popup, with empty values and text that needs escaping among the rows."""
    from django.contrib.admin.templatetags import admin_list

    from innocities.core.admin import djangos_results, results

    assert admin_list.results is results
    _grow(1, Framework.objects.get(is_active=True))
    f.TaskFactory(program=world.program, owner=None, title='<b>"Åsa" & Ö</b>', description="")
    client = as_persona("admin")
    with_rows = 0
    for model, model_admin in admin.site._registry.items():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        other = f"{url}?o=-1&_popup=1" + ("&q=e" if model_admin.search_fields else "")
        for variant in (url, other):
            with subtests.test(url=variant):
                ours = _rows(client, variant)
                with monkeypatch.context() as patched:
                    patched.setattr(admin_list, "results", djangos_results)
                    djangos = _rows(client, variant)
                assert ours == djangos
                with_rows += variant == url and b"<tr>" in ours
    # Most lists had rows to compare, not only empty tables.
    assert with_rows >= 30
