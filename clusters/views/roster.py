"""Roster editing: member municipalities, partner organisations, people; and shared needs.

Only the cluster's programme managers and administrators (Level.MANAGE); anyone else who may
read the cluster gets 403, everyone else 404. Rows are fetched through the cluster.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers

from clusters.forms import (
    EndForm,
    MembershipAddForm,
    MembershipEndForm,
    NeedForm,
    PartnerAddForm,
    PersonAddForm,
)
from clusters.models import Cluster
from clusters.permissions import get_cluster_for_user
from clusters.selectors import membership_ending, municipality_picker
from clusters.services import (
    cluster_add_municipality,
    cluster_add_need,
    cluster_add_new_partner,
    cluster_add_partner,
    cluster_end_membership,
    cluster_end_partner,
    roster_add_or_invite_person,
    roster_end_person,
)
from innocities.core.forms import call_service, posted
from innocities.core.permissions import Level
from innocities.core.ratelimits import rate_limited


def _form_page(
    request: HttpRequest, cluster: Cluster, form: Any, *, title: str, **extra: Any
) -> HttpResponse:
    return render(
        request,
        "clusters/form.html",
        {"cluster": cluster, "form": form, "title": title, **extra},
    )


def _back(cluster: Cluster, anchor: str) -> HttpResponse:
    return redirect(reverse("portal:cluster_detail", args=[cluster.pk]) + f"#{anchor}")


# The longest search text taken from the picker; anything longer matches nothing useful.
PICKER_MAX_TEXT = 100


def _picker_text(request: HttpRequest) -> str:
    return request.GET.get("q", "")[:PICKER_MAX_TEXT]


@require_http_methods(["GET", "POST"])
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a member: search (GET ``q``, or the htmx fragment of ``member_search``), choose one
    of the matches, save. Works without JavaScript: the search is then a plain GET form."""
    cluster = get_cluster_for_user(request, pk, level=Level.MANAGE).obj
    form = MembershipAddForm(posted(request))
    if request.method == "POST" and form.is_valid():
        membership = call_service(
            form, cluster_add_municipality, cluster=cluster, actor=request.user, **form.cleaned_data
        )
        if membership is not None:
            messages.success(
                request,
                _("%(name)s is now a member of the cluster.")
                % {"name": membership.municipality.name},
            )
            return _back(cluster, "members")
    chosen = form["municipality"].value() if form.is_bound else None
    chosen_pk = int(chosen) if isinstance(chosen, str) and chosen.isdigit() else None
    picker = municipality_picker(cluster, _picker_text(request), keep=chosen_pk)
    return render(
        request,
        "clusters/member_add.html",
        {
            "cluster": cluster,
            "form": form,
            "picker": picker,
            "chosen": chosen_pk,
            "title": _("Add a member municipality"),
        },
    )


@require_GET
@vary_on_headers("HX-Request")
def member_search(request: HttpRequest, pk: int) -> HttpResponse:
    """The picker's matches as a fragment (htmx), with the result count swapped out of band
    into the page's live region. Opened without htmx, it sends the browser to the whole
    page with the same search."""
    cluster = get_cluster_for_user(request, pk, level=Level.MANAGE).obj
    if not request.htmx:  # type: ignore[attr-defined]
        return redirect(
            reverse("clusters:member_add", args=[cluster.pk])
            + "?"
            + urlencode({"q": _picker_text(request)})
        )
    picker = municipality_picker(cluster, _picker_text(request))
    return render(
        request, "clusters/_picker.html", {"cluster": cluster, "picker": picker, "oob": True}
    )


@require_http_methods(["GET", "POST"])
def member_end(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    cluster = get_cluster_for_user(request, pk, level=Level.MANAGE).obj
    membership = get_object_or_404(
        cluster.memberships.current().select_related("municipality", "cluster"),
        pk=membership_pk,
    )
    ending = membership_ending(membership)
    form = MembershipEndForm(posted(request), starts_on=membership.joined_on, label=_("Leave date"))
    if not ending.roster_entries:
        del form.fields["end_roster_entries"]
    if request.method == "POST" and form.is_valid():
        end_entries = bool(form.cleaned_data.get("end_roster_entries"))
        ended = call_service(
            form,
            cluster_end_membership,
            membership=membership,
            left_on=form.cleaned_data["ended_on"],
            actor=request.user,
            end_roster_entries=end_entries,
        )
        if ended is not None:
            message = _("%(name)s left the cluster on %(date)s.") % {
                "name": membership.municipality.name,
                "date": ended.left_on.isoformat(),
            }
            if end_entries:
                count = len(ending.roster_entries)
                message += " " + ngettext(
                    "The role of %(count)s person on the roster ended too.",
                    "The roles of %(count)s people on the roster ended too.",
                    count,
                ) % {"count": count}
            messages.success(request, message)
            return _back(cluster, "members")
    return render(
        request,
        "clusters/member_end.html",
        {
            "cluster": cluster,
            "form": form,
            "membership": membership,
            "ending": ending,
            "title": _("End the membership of %(name)s") % {"name": membership.municipality.name},
        },
    )


@require_http_methods(["GET", "POST"])
def partner_add(request: HttpRequest, pk: int) -> HttpResponse:
    cluster = get_cluster_for_user(request, pk, level=Level.MANAGE).obj
    form = PartnerAddForm(posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        common = {
            "cluster": cluster,
            "joined_on": data["joined_on"],
            "contribution": data["contribution"],
            "actor": request.user,
        }
        if data["organisation"]:
            partner = call_service(
                form, cluster_add_partner, organisation=data["organisation"], **common
            )
        else:
            partner = call_service(
                form,
                cluster_add_new_partner,
                name=data["new_name"],
                helix=data["new_helix"],
                municipality=data["new_municipality"],
                **common,
            )
        if partner is not None:
            messages.success(
                request,
                _("%(name)s is now a partner of the cluster.")
                % {"name": partner.organisation.name},
            )
            return _back(cluster, "partners")
    return _form_page(request, cluster, form, title=_("Add a partner organisation"))


@require_http_methods(["GET", "POST"])
def partner_end(request: HttpRequest, pk: int, partner_pk: int) -> HttpResponse:
    cluster = get_cluster_for_user(request, pk, level=Level.MANAGE).obj
    partner = get_object_or_404(
        cluster.partners.current().select_related("organisation"), pk=partner_pk
    )
    form = EndForm(posted(request), starts_on=partner.joined_on)
    if request.method == "POST" and form.is_valid():
        ended = call_service(
            form,
            cluster_end_partner,
            partner=partner,
            left_on=form.cleaned_data["ended_on"],
            actor=request.user,
        )
        if ended is not None:
            messages.success(
                request,
                _("%(name)s is no longer a partner from %(date)s.")
                % {"name": partner.organisation.name, "date": ended.left_on.isoformat()},
            )
            return _back(cluster, "partners")
    return _form_page(
        request,
        cluster,
        form,
        title=_("End the partnership with %(name)s") % {"name": partner.organisation.name},
        intro=_("Partner since %(date)s. The partnership stays in the cluster's history.")
        % {"date": partner.joined_on.isoformat()},
        submit=_("End partnership"),
    )


@require_http_methods(["GET", "POST"])
@rate_limited("invite", per_user=True)
def person_add(request: HttpRequest, pk: int) -> HttpResponse:
    cluster = get_cluster_for_user(request, pk, level=Level.MANAGE).obj
    form = PersonAddForm(posted(request), cluster=cluster)
    if request.method == "POST" and form.is_valid():
        result = call_service(
            form,
            roster_add_or_invite_person,
            cluster=cluster,
            actor=request.user,
            **form.cleaned_data,
        )
        if result is not None:
            entry, invited = result
            if invited:
                messages.success(
                    request,
                    _("%(person)s was invited by e-mail and is on the roster as %(role)s.")
                    % {"person": entry.user, "role": entry.get_role_display()},
                )
            else:
                messages.success(
                    request,
                    _("%(person)s is on the roster as %(role)s.")
                    % {"person": entry.user, "role": entry.get_role_display()},
                )
            return _back(cluster, "people")
    return _form_page(
        request,
        cluster,
        form,
        title=_("Add a person to the roster"),
        intro=_(
            "A person who has an account is found by e-mail address. Anyone else gets an "
            "invitation to choose a password."
        ),
    )


@require_http_methods(["GET", "POST"])
def person_end(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    cluster = get_cluster_for_user(request, pk, level=Level.MANAGE).obj
    entry = get_object_or_404(cluster.roster.current().select_related("user"), pk=entry_pk)
    form = EndForm(posted(request), starts_on=entry.started_on)
    if request.method == "POST" and form.is_valid():
        ended = call_service(
            form,
            roster_end_person,
            entry=entry,
            ended_on=form.cleaned_data["ended_on"],
            actor=request.user,
        )
        if ended is not None:
            messages.success(
                request,
                _("%(person)s's role as %(role)s ends on %(date)s.")
                % {
                    "person": entry.user,
                    "role": entry.get_role_display(),
                    "date": ended.ended_on.isoformat(),
                },
            )
            return _back(cluster, "people")
    return _form_page(
        request,
        cluster,
        form,
        title=_("End %(person)s's role as %(role)s")
        % {"person": entry.user, "role": entry.get_role_display()},
        intro=_("On the roster since %(date)s. The entry stays in the cluster's history.")
        % {"date": entry.started_on.isoformat()},
        submit=_("End role"),
    )


@require_http_methods(["GET", "POST"])
def need_add(request: HttpRequest, pk: int) -> HttpResponse:
    cluster = get_cluster_for_user(request, pk, level=Level.MANAGE).obj
    form = NeedForm(posted(request))
    if request.method == "POST" and form.is_valid():
        need = call_service(
            form, cluster_add_need, cluster=cluster, actor=request.user, **form.cleaned_data
        )
        if need is not None:
            messages.success(request, _("The shared need was added."))
            return _back(cluster, "needs")
    return _form_page(request, cluster, form, title=_("Add a shared need"))
