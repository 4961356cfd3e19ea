"""The security log: what a data-protection officer or an incident review asks about, as one
structured line (JSON) each on the ``innocities.security`` logger — logins and failures,
lockouts, second-factor changes, role and staff changes, exports and erasures.

It names people by id, never by password, token or key; the addresses of failed logins are
kept because that is what a lockout is about.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from allauth.account.adapter import get_adapter as get_account_adapter
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import HttpRequest

logger = logging.getLogger("innocities.security")


def _person(user: Any) -> int | None:
    return getattr(user, "pk", None) if user is not None else None


def _client_ip(request: HttpRequest) -> str:
    """The person's address as the rate limits see it: behind proxies (``TRUSTED_PROXY_COUNT``)
    the entry of X-Forwarded-For they vouch for, else REMOTE_ADDR. A header that does not match
    the count is logged with REMOTE_ADDR rather than failing the request being logged."""
    try:
        return get_account_adapter().get_client_ip(request)
    except (ImproperlyConfigured, PermissionDenied):
        return request.META.get("REMOTE_ADDR", "")


def security_event(
    action: str,
    *,
    actor: Any = None,
    subject: Any = None,
    request: HttpRequest | None = None,
    **details: Any,
) -> None:
    """Write one event: ``action`` (e.g. "login.failed"), who did it, to whom, from where."""
    event: dict[str, Any] = {"event": action}
    if actor is not None:
        event["actor"] = _person(actor)
    if subject is not None:
        event["subject"] = _person(subject)
    if request is not None:
        event["ip"] = _client_ip(request)
    event.update(details)
    logger.info(json.dumps(event, sort_keys=True, default=str, ensure_ascii=False))


# --- what is recorded without the code that does it having to ask -------------------------


def _logged_in(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    security_event("login", actor=user, request=request)


def _login_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    # The address tried, not the password (Django already hides it in ``credentials``).
    tried = credentials.get("email") or credentials.get("username") or ""
    security_event("login.failed", request=request, login=tried)


def _logged_out(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    security_event("logout", actor=user, request=request)


def _second_factor(action: str) -> Any:
    def receiver(sender: Any, request: Any, user: Any, authenticator: Any, **kwargs: Any) -> None:
        security_event(action, actor=user, request=request, kind=authenticator.type)

    return receiver


def _role_saved(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    security_event(
        "role.granted" if created else "role.changed",
        actor=getattr(instance, "_history_user", None),
        subject=getattr(instance, "user", None),
        role=getattr(instance, "role", ""),
        model=sender._meta.label,
        ended_on=getattr(instance, "ended_on", None),
    )


def _role_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    security_event(
        "role.removed",
        actor=getattr(instance, "_history_user", None),
        subject=getattr(instance, "user", None),
        role=getattr(instance, "role", ""),
        model=sender._meta.label,
    )


_FLAGS_IN_ORDER = ("is_staff", "is_superuser", "is_active")
_FLAGS = frozenset(_FLAGS_IN_ORDER)


def _account_flags_before(sender: Any, instance: Any, **kwargs: Any) -> None:
    """Remember the stored staff/superuser/active flags, to log what a save changes. A save
    that names its fields and none of these (every login writes last_login) costs nothing."""
    update_fields = kwargs.get("update_fields")
    if instance.pk is None or (update_fields is not None and not _FLAGS & set(update_fields)):
        instance._flags_before = None
        return
    instance._flags_before = (
        sender.objects.filter(pk=instance.pk)
        .values("is_staff", "is_superuser", "is_active")
        .first()
    )


def _account_flags_after(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    update_fields = kwargs.get("update_fields")
    if update_fields is not None and not _FLAGS & set(update_fields):
        return
    before = getattr(instance, "_flags_before", None)
    for flag in _FLAGS_IN_ORDER:
        now = getattr(instance, flag)
        if (before is None and flag != "is_active" and now) or (
            before is not None and before[flag] != now
        ):
            security_event(
                f"account.{flag.removeprefix('is_')}.{'on' if now else 'off'}",
                actor=getattr(instance, "_history_user", None),
                subject=instance,
            )


def connect() -> None:
    """Wire the receivers (``CoreConfig.ready``). Senders are named, not imported: the ground
    imports no app."""
    from allauth.mfa import signals as mfa
    from django.conf import settings
    from django.contrib.auth import signals as auth
    from django.db.models.signals import post_delete, post_save, pre_save

    uid = "innocities.security."
    auth.user_logged_in.connect(_logged_in, dispatch_uid=uid + "login")
    auth.user_login_failed.connect(_login_failed, dispatch_uid=uid + "login_failed")
    auth.user_logged_out.connect(_logged_out, dispatch_uid=uid + "logout")
    mfa.authenticator_added.connect(
        _second_factor("mfa.added"), dispatch_uid=uid + "mfa_added", weak=False
    )
    mfa.authenticator_removed.connect(
        _second_factor("mfa.removed"), dispatch_uid=uid + "mfa_removed", weak=False
    )
    mfa.authenticator_reset.connect(
        _second_factor("mfa.reset"), dispatch_uid=uid + "mfa_reset", weak=False
    )
    for model in ("municipalities.MunicipalityMembership", "clusters.RosterEntry"):
        post_save.connect(_role_saved, sender=model, dispatch_uid=uid + model + ".saved")
        post_delete.connect(_role_deleted, sender=model, dispatch_uid=uid + model + ".deleted")
    pre_save.connect(
        _account_flags_before, sender=settings.AUTH_USER_MODEL, dispatch_uid=uid + "flags_before"
    )
    post_save.connect(
        _account_flags_after, sender=settings.AUTH_USER_MODEL, dispatch_uid=uid + "flags_after"
    )
