from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from innocities.accounts.forms import InviteForm, ProfileForm
from innocities.accounts.services import user_invite, user_update_profile
from innocities.core.permissions import require_admin_or_manager


@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user_update_profile(user=request.user, **form.cleaned_data)
        messages.success(request, _("Your profile was saved."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest) -> HttpResponse:
    """Administrators and programme managers invite people by e-mail (no open sign-up)."""
    require_admin_or_manager(request)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user, created = user_invite(invited_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if created:
                messages.success(
                    request, _("An invitation was sent to %(email)s.") % {"email": user.email}
                )
            else:
                messages.info(
                    request,
                    _("%(email)s already has an account; give them a role on the roster.")
                    % {"email": user.email},
                )
            return redirect("accounts:invite")
    return render(request, "accounts/invite.html", {"form": form})
