"""Personal data pages: a person downloads their own data; an administrator exports anyone's,
erases a person, and reads the record of processing."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from innocities.accounts.models import User
from innocities.core.forms import call_service, posted
from innocities.core.permissions import roles_for
from innocities.core.security_log import security_event
from innocities.portal.personal_data import (
    Section,
    person_data,
    person_data_json,
    person_erase,
)

View = Callable[..., HttpResponse]


def admin_required(view: View) -> View:
    """For pages only administrators use: anyone else gets 403 (as admin_or_manager_required)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not roles_for(request).is_admin:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _json_download(request: HttpRequest, user: User, filename: str) -> HttpResponse:
    security_event(
        "personal_data.exported", actor=request.user, subject=user, request=request, format="json"
    )
    response = JsonResponse(
        person_data_json(user), json_dumps_params={"indent": 2, "ensure_ascii": False}
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _cell(value: Any) -> str:
    """A value as the page shows it: yes or no, a dash for nothing, a time in the reader's
    zone to the minute, a date, or text with its line breaks."""
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    if value is None:
        return "–"
    if isinstance(value, dt.datetime):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, dt.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    # The linebreaksbr filter's work, without its checks for lazy text on every cell.
    text = str(value) if isinstance(value, SafeData) else html.escape(str(value))
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\n", "<br>")


def _table_rows(section: Section) -> list[SafeString]:
    """A section's rows as table rows, written here rather than cell by cell in the template: a
    coordinator's data at national scale is a few hundred rows of up to nine cells, which took
    two thirds of the page's time through the template's loops and conditions."""
    return [
        mark_safe("<tr>" + "".join(f"<td>{_cell(value)}</td>" for value in row) + "</tr>")
        for row in section.cells
    ]


def _html_page(request: HttpRequest, user: User, json_url: str) -> HttpResponse:
    security_event(
        "personal_data.exported", actor=request.user, subject=user, request=request, format="html"
    )
    tables = [(section, _table_rows(section)) for section in person_data(user)]
    return render(
        request,
        "portal/personal_data.html",
        {"person": user, "tables": tables, "json_url": json_url},
    )


@require_GET
def my_data(request: HttpRequest) -> HttpResponse:
    return _html_page(request, cast(User, request.user), json_url="portal:my_data_json")


@require_GET
def my_data_json(request: HttpRequest) -> HttpResponse:
    return _json_download(request, cast(User, request.user), "innocities-my-data.json")


@require_GET
@admin_required
def person_data_page(request: HttpRequest, pk: int) -> HttpResponse:
    """An administrator's export of anyone's data: the page, or ``?format=json``."""
    person = get_object_or_404(User, pk=pk)
    if request.GET.get("format") == "json":
        return _json_download(request, person, f"innocities-person-{person.pk}.json")
    return _html_page(request, person, json_url="")


class EraseForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("Type the person's e-mail address to confirm"), max_length=254
    )

    def __init__(self, *args: Any, person: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.person = person

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        if email.strip().lower() != self.person.email.lower():
            raise forms.ValidationError(_("This is not the person's e-mail address."))
        return email


@require_http_methods(["GET", "POST"])
@admin_required
def person_erase_page(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(User, pk=pk)
    form = EraseForm(posted(request), person=person)
    if request.method == "POST" and form.is_valid():
        erased = call_service(form, person_erase, user=person, actor=request.user)
        if erased is not None:
            messages.success(request, _("The person was erased: %(name)s.") % {"name": erased})
            return redirect("portal:person_data", pk=erased.pk)
    return render(request, "portal/person_erase.html", {"person": person, "form": form})


@require_GET
@admin_required
def personal_data_record(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/personal_data_record.html")
