from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.i18n import set_language as django_set_language

from innocities.accounts.forms import ProfileForm
from innocities.accounts.models import User
from innocities.accounts.services import user_update_profile
from innocities.core.forms import call_service, posted


@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    # A fresh copy: a ModelForm writes its data onto the instance while validating, and an
    # invalid form must not change the request's user (the menu shows its name).
    form = ProfileForm(posted(request), instance=User.objects.get(pk=request.user.pk))
    if request.method == "POST" and form.is_valid():
        user = call_service(form, user_update_profile, user=request.user, **form.cleaned_data)
        if user is not None:
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


@login_not_required
@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch language (anyone, also on the login page); a signed-in person's profile keeps it."""
    response = django_set_language(request)
    language = request.POST.get("language")
    user = request.user
    if user.is_authenticated and language in dict(User._meta.get_field("language").choices):
        User.objects.filter(pk=user.pk).update(language=language)
    return response


@require_GET
def email_change_disabled(request: HttpRequest) -> HttpResponse:
    """The e-mail address is the login and invitations go to it: only administrators change
    it (in the admin), so allauth's unverified add-or-switch-address page is not offered."""
    messages.info(
        request, _("Your e-mail address is your login. Ask an administrator to change it.")
    )
    return redirect("accounts:profile")
