"""What the admins of large tables share: rows drawn without a template each, 50 to a page, a
count from PostgreSQL's estimate for an unfiltered list of a big table, row links that carry
the filters without resolving each, each row's cells drawn from a plan made once per list, and
a search that stays on the indexes.

Nothing is registered here: the apps' admins use the search, ``CoreConfig.ready`` puts the rest
on every ``ModelAdmin`` (the libraries' too).
"""

from __future__ import annotations

import datetime as dt
import functools
import html
from collections import defaultdict
from collections.abc import Callable, Iterator
from functools import reduce
from operator import or_
from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.options import IS_POPUP_VAR, TO_FIELD_VAR
from django.contrib.admin.templatetags import admin_list, admin_urls
from django.contrib.admin.utils import (
    FieldIsAForeignKeyColumnName,
    _get_non_gfk_field,
    display_for_field,
    display_for_value,
    lookup_field,
)
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.core.paginator import Paginator
from django.db import connections, models
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import smart_split, unescape_string_literal
from django.utils.translation import gettext as _

# Rows on a page of an admin list (Django's default is 100). At national scale drawing the rows
# is most of a list's time (the queries are a few ms on the indexes): 50 rows halve it.
LIST_PER_PAGE = 50


def action_checkbox(self: admin.ModelAdmin, obj: Model) -> SafeString:
    """Django's row checkbox for admin actions, the same markup written directly.

    Django renders it through the form renderer's templates (``CheckboxInput.render``), once
    per row: about a third of a changelist's CPU time. ``CoreConfig.ready`` puts this in its
    place on ``ModelAdmin``, so every list, the apps' and the libraries', gets it.
    """
    return format_html(
        '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
        helpers.ACTION_CHECKBOX_NAME,
        str(obj.pk),
        format_html(_("Select this object for an action - {}"), str(obj)),
    )


class EstimatedCountPaginator(Paginator):
    """The admin's paginator: an unfiltered list of a large table counts from the planner's
    estimate instead of ``COUNT(*)``.

    Counting the 300,000 rows of the outbox took 13 ms of every page of its list (the rows
    themselves 1 ms). On PostgreSQL, a list without a filter or a search whose table holds
    more than ``ADMIN_ESTIMATED_COUNT_ABOVE`` rows by the statistics (``pg_class.reltuples``,
    kept by ANALYZE and autovacuum) is counted from them, and the list says "about";
    a filtered list, a smaller table and SQLite count exactly. The last page may then come
    out a little short or empty; every row stays reachable by sorting and filtering.
    """

    estimated = False

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if (
            not isinstance(queryset, QuerySet)
            or queryset.query.where
            or queryset.query.distinct
            or connections[queryset.db].vendor != "postgresql"
        ):
            return super().count
        connection = connections[queryset.db]
        table = connection.ops.quote_name(queryset.model._meta.db_table)
        # One query either way: PostgreSQL runs the COUNT(*) only when the CASE reaches it.
        # reltuples is -1 for a table never analysed, which is then counted too.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT CASE WHEN reltuples > %s THEN reltuples::bigint "
                f"ELSE (SELECT COUNT(*) FROM {table}) END, reltuples > %s "
                "FROM pg_class WHERE oid = to_regclass(%s)",
                [settings.ADMIN_ESTIMATED_COUNT_ABOVE] * 2 + [table],
            )
            found = cursor.fetchone()
        if found is None:
            return super().count
        count, self.estimated = found
        return int(count)


def add_preserved_filters(
    context: dict[str, Any], url: str, popup: bool = False, to_field: str | None = None
) -> str:
    """Django's ``add_preserved_filters`` (admin_urls) for the rows of an admin list, without
    resolving each row's link.

    On a filtered or searched list Django resolves every row's link through the whole URLconf
    (some 60 patterns each) only to learn whether it is the list's own URL, which a row's link
    never is: 5 ms of a searched task list. Here a link whose path is not the list's own is
    known not to be it, and the answer is the same as Django's (a test compares them); the
    list's own URL still goes to Django. ``CoreConfig.ready`` puts this in the admin's list
    tags (``admin_list``), nowhere else.
    """
    opts = context.get("opts")
    if not (opts and context.get("preserved_filters")) or _is_changelist(opts, url):
        return admin_urls.add_preserved_filters(context, url, popup, to_field)
    parsed_url = list(urlsplit(url))
    merged_qs: dict[str, Any] = dict(context.get("preserved_qsl") or {})
    merged_qs.update(parse_qsl(context["preserved_filters"]))
    if popup:
        merged_qs[IS_POPUP_VAR] = 1
    if to_field:
        merged_qs[TO_FIELD_VAR] = to_field
    merged_qs.update(parse_qsl(parsed_url[3]))
    parsed_url[3] = urlencode(merged_qs)
    return urlunsplit(parsed_url)


def _is_changelist(opts: Any, url: str) -> bool:
    own = _changelist_path(opts.app_label, opts.model_name, get_script_prefix(), get_urlconf())
    # None: not reversible here; let Django decide.
    return own is None or unquote(urlsplit(url).path) == own


@functools.lru_cache(maxsize=512)
def _changelist_path(
    app_label: str, model_name: str, _prefix: str, _urlconf: str | None
) -> str | None:
    """The list's own path, reversed once per model, URL prefix and URLconf (not once a row)."""
    try:
        return unquote(reverse(f"admin:{app_label}_{model_name}_changelist"))
    except NoReverseMatch:
        return None


# Django's own rows, for lists with editable fields (a form per row), which the plan leaves to it.
djangos_results = admin_list.results


class _Column:
    """What a column of an admin list is, worked out once per list rather than once per cell:
    Django's ``items_for_result`` asks every cell for its field, its CSS classes, whether it
    links, and the empty value's text (a translation each time)."""

    __slots__ = ("base_classes", "classes", "empty", "field", "link", "name", "plain", "tag")

    def __init__(self, cl: ChangeList, index: int, name: Any, *, link: bool, first: bool) -> None:
        self.name = name
        self.link = link
        self.tag = "th" if link and first else "td"
        self.empty = cl.model_admin.get_empty_value_display()
        css = f"field-{admin_list._coerce_field_name(name, index)}"
        try:
            field = _get_non_gfk_field(cl.lookup_opts, name)
        except (FieldDoesNotExist, FieldIsAForeignKeyColumnName, TypeError):
            # A method, property, callable or a__b path: looked up in each row, as Django does.
            field = None
        self.field = field
        self.base_classes = css
        # A model's own field: its value is an attribute, its classes the same in every row.
        self.plain = field is not None and not field.auto_created
        if self.plain and isinstance(
            field, (models.DateField, models.TimeField, models.ForeignKey)
        ):
            css += " nowrap"
        self.classes = css


def _columns(cl: ChangeList) -> list[_Column]:
    links = cl.list_display_links
    columns = []
    first = True
    for index, name in enumerate(cl.list_display):
        # As Django's link_in_col: the first column links unless list_display_links says.
        link = links is not None and ((first and not links) or name in links)
        columns.append(_Column(cl, index, name, link=link, first=first))
        if link:
            first = False
    return columns


def _change_url(cl: ChangeList) -> Callable[[Model], str]:
    """A row's change link: reversed once for the list, with the row's pk put in its place.

    Reversing it for every row was a tenth of a list's time. Integer keys only (a string key
    is quoted by the admin and by reverse()), and only where the list's ``url_for_result`` is
    Django's own; otherwise each row asks it, as Django does.
    """
    if type(cl).url_for_result is not ChangeList.url_for_result:
        return cl.url_for_result
    marker = "0"
    try:
        head, found, tail = reverse(
            f"admin:{cl.opts.app_label}_{cl.opts.model_name}_change",
            args=(marker,),
            current_app=cl.model_admin.admin_site.name,
        ).rpartition(f"/{marker}/")
    except NoReverseMatch:
        return cl.url_for_result
    if not found:
        return cl.url_for_result

    def url(result: Model) -> str:
        pk = getattr(result, cl.pk_attname)
        if type(pk) is not int:
            return cl.url_for_result(result)
        return f"{head}/{pk}/{tail}"

    return url


def _cell(cl: ChangeList, column: _Column, result: Model) -> tuple[str, Any]:
    """(the cell's classes, what it shows) for one row, as Django's items_for_result."""
    name = column.name
    classes = column.classes
    empty = column.empty
    try:
        if column.plain:
            field = column.field
            value = getattr(result, name)
        else:
            field, attr, value = lookup_field(name, result, cl.model_admin)
    except ObjectDoesNotExist:
        return column.base_classes, empty
    if isinstance(value, str) and value.strip() == "":
        value = ""
    if field is None or field.auto_created:
        empty = getattr(attr, "empty_value_display", empty)
        if name == "action_checkbox":
            classes = "action-checkbox"
        boolean = getattr(attr, "boolean", False)
        if isinstance(attr, property) and hasattr(attr, "fget"):
            boolean = getattr(attr.fget, "boolean", False)
        shown = display_for_value(value, empty, boolean)
        if isinstance(value, (dt.date, dt.time)):
            classes += " nowrap"
        return classes, shown
    if isinstance(field.remote_field, models.ManyToOneRel):
        related = getattr(result, field.name)
        return classes, empty if related is None else related
    return classes, display_for_field(value, field, empty, avoid_link=column.link)


def _escaped(value: Any) -> str:
    """``conditional_escape`` without its check for lazy text on every call (a cell is never
    lazy text but a value from a row; ``str`` would turn one into text all the same)."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def results(cl: ChangeList) -> Iterator[admin_list.ResultList]:
    """Django's ``results`` (admin_list) for a list without editable fields: each row as one
    string of cells, the same markup as Django's, from a plan of the columns made once.

    Drawing the cells was about 40 % of a list's time at national scale, most of it in work
    that is the same in every row. The row's cells come joined: the list's template writes a
    row's items one after the other, so the page is the same to the byte (a test renders every
    admin list both ways). ``CoreConfig.ready`` puts this in the admin's list tags.
    """
    if cl.formset:
        yield from djangos_results(cl)
        return
    columns = _columns(cl)
    change_url = _change_url(cl)
    context = {"preserved_filters": cl.preserved_filters, "opts": cl.opts}
    key = str(cl.to_field) if cl.to_field else cl.lookup_opts.pk.attname
    for result in cl.result_list:
        cells = []
        for column in columns:
            classes, shown = _cell(cl, column, result)
            if column.link:
                try:
                    url = change_url(result)
                except NoReverseMatch:
                    shown = _escaped(shown)
                else:
                    popup = (
                        format_html(' data-popup-opener="{}"', result.serializable_value(key))
                        if cl.is_popup
                        else ""
                    )
                    shown = format_html(
                        '<a href="{}"{}>{}</a>',
                        admin_list.add_preserved_filters(context, url),
                        popup,
                        shown,
                    )
            else:
                shown = _escaped(shown)
            cells.append(f'<{column.tag} class="{classes}">{shown}</{column.tag}>')
        yield admin_list.ResultList(None, [mark_safe("".join(cells))])


# Up to this many related rows go into the search as a list of ids, which the foreign key's
# index answers; more, and the search asks for them in a subquery instead.
MAX_LISTED_IDS = 500


def search_words(search_term: str) -> list[str]:
    """The words of an admin search as Django's own search reads them ("a b" is one word)."""
    words = []
    for word in smart_split(search_term):
        if word.startswith(('"', "'")) and word[0] == word[-1]:
            word = unescape_string_literal(word)
        words.append(word)
    return words


def _any_of(lookups: list[str], word: str) -> Q:
    # An empty list matches nothing; Q() alone would match every row.
    return reduce(or_, (Q(**{f"{lookup}__icontains": word}) for lookup in lookups), Q(pk__in=[]))


class RelatedIdSearchMixin(admin.ModelAdmin):
    """Admin search on a large table whose search fields reach into other tables.

    Django ORs every search field into one WHERE clause, so one field across a join (the
    programme's municipality name on a task) makes PostgreSQL join and filter the whole table
    for each search, and the changelist asks two to four times per page. Here the search
    fields behind a foreign key named in ``search_related_first`` are matched first, in the
    related table (2,000 programmes, a few thousand people), and the ids found join the search
    as ``fk IN (…)``, which the foreign key's index answers next to a trigram index on the
    table's own columns. Words are ANDed and fields ORed as in Django's own search ("Ale
    workshop" finds Ale's workshops); every field is matched with ``icontains``.

    One query more per word and such foreign key; none per row.
    """

    search_related_first: tuple[str, ...] = ()

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        if not self.search_related_first:
            return super().get_search_results(request, queryset, search_term)
        own: list[str] = []
        related: dict[str, list[str]] = defaultdict(list)
        for field in self.get_search_fields(request):
            key, _, rest = str(field).partition("__")
            if key in self.search_related_first and rest:
                related[key].append(rest)
            else:
                own.append(str(field))
        conditions = []
        for word in search_words(search_term):
            condition = _any_of(own, word)
            for key, lookups in related.items():
                model: type[Model] = self.opts.get_field(key).related_model  # type: ignore[assignment]
                matching = (
                    model._default_manager.filter(_any_of(lookups, word))
                    .order_by()
                    .values_list("pk", flat=True)
                )
                ids = list(matching[: MAX_LISTED_IDS + 1])
                if len(ids) > MAX_LISTED_IDS:
                    # A word most rows match ("kommun" in e-mail addresses): a long list costs
                    # more to build than the subquery (a hash of the related ids) costs to run.
                    condition |= Q(**{f"{key}__in": matching})
                elif ids:
                    condition |= Q(**{f"{key}__in": ids})
            conditions.append(condition)
        # Only foreign keys, each to one row: nothing for DISTINCT to remove.
        return queryset.filter(*conditions), False
