from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from innocities.accounts.forms import InviteForm, ProfileForm
from innocities.accounts.models import User
from innocities.accounts.services import user_invite_with_role, user_update_profile
from innocities.core.permissions import require_admin_or_manager
from municipalities.selectors import manageable_municipalities


@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    # A fresh copy: a ModelForm writes its data onto the instance while validating, and an
    # invalid form must not change the request's user (the menu shows its name).
    form = ProfileForm(request.POST or None, instance=User.objects.get(pk=request.user.pk))
    if request.method == "POST" and form.is_valid():
        try:
            user = user_update_profile(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            # The message is rendered on the next page, in the language just chosen.
            with translation.override(user.language):
                messages.success(request, _("Your profile was saved."))
            response = redirect("accounts:profile")
            # The cookie keeps the choice after logging out too (the login page).
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                user.language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            )
            return response
    return render(request, "accounts/profile.html", {"form": form})


@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest) -> HttpResponse:
    """Administrators and programme managers invite people by e-mail (no open sign-up).

    Optionally the person gets a coordinator or viewer role at once, in a municipality the
    inviter may appoint people in (as on the municipality's people page).
    """
    roles = require_admin_or_manager(request)
    form = InviteForm(request.POST or None, municipalities=manageable_municipalities(roles))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user, created, membership = user_invite_with_role(
                email=data["email"],
                full_name=data["full_name"],
                language=data["language"],
                invited_by=request.user,
                municipality=data.get("municipality"),
                role=data.get("role") or "",
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            values = {"email": user.email}
            if membership is not None:
                values.update(
                    role=membership.get_role_display().lower(),
                    municipality=membership.municipality.name,
                )
            if created and membership is not None:
                message = _(
                    "An invitation was sent to %(email)s, who is now %(role)s of %(municipality)s."
                )
            elif created:
                message = _("An invitation was sent to %(email)s.")
            elif membership is not None:
                message = _(
                    "%(email)s already has an account and is now %(role)s of %(municipality)s."
                )
            else:
                message = _("%(email)s already has an account; give them a role on the roster.")
            (messages.success if created or membership else messages.info)(
                request, message % values
            )
            return redirect("accounts:invite")
    return render(request, "accounts/invite.html", {"form": form})


@require_GET
def email_change_disabled(request: HttpRequest) -> HttpResponse:
    """The e-mail address is the login and invitations go to it: only administrators change
    it (in the admin), so allauth's unverified add-or-switch-address page is not offered."""
    messages.info(
        request, _("Your e-mail address is your login. Ask an administrator to change it.")
    )
    return redirect("accounts:profile")
