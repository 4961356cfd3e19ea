"""Telling a pilot's owner that a peer adopted it, by e-mail, after the adoption commits."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

from clusters.permissions import load_roles
from innocities.accounts.models import User
from innocities.core.mail import build_email
from municipalities.models import MunicipalityMembership, MunicipalityRole
from programs.adoption.permissions import may_read_pilot
from programs.initiatives.models import Initiative


def pilot_adopted_email(copy: Initiative, user: User) -> EmailMultiAlternatives:
    """ "<Municipality> adopted your pilot <title>", in ``user``'s language, with links to the
    pilot's page and, if ``user`` may read it, to the peer view of the adopter's copy."""
    source = copy.adopted_from
    assert source is not None and copy.municipality is not None
    context = {
        "user": user,
        "adopter": copy.municipality,
        "pilot": source,
        "copy": copy,
        "pilot_url": settings.SITE_URL + reverse("initiatives:detail", kwargs={"pk": source.pk}),
        "copy_url": (
            settings.SITE_URL + reverse("adoption:pilot", kwargs={"pk": copy.pk})
            if may_read_pilot(load_roles(user), copy)
            else ""
        ),
    }
    return build_email("pilot-adopted", to=[user.email], context=context, language=user.language)


def _still_concerned(user: User, source: Initiative) -> bool:
    """The pilot's lead, or a coordinator of its municipality, as the task runs."""
    return source.lead_id == user.pk or (
        MunicipalityMembership.objects.filter(
            user=user, municipality_id=source.municipality_id, role=MunicipalityRole.COORDINATOR
        ).exists()
    )


@shared_task(autoretry_for=(OSError,), retry_backoff=True, retry_backoff_max=600, max_retries=5)
def send_pilot_adopted_mail(copy_id: int, user_id: int) -> bool:
    """Tell one person that a peer adopted their pilot (queued by ``pilot_adopt`` once it
    commits); says whether it sent. Retries on network errors (SMTP down) only.

    It checks again what the service decided: the copy still exists and still points to the
    pilot, and the person is still active and still the pilot's lead or one of its
    municipality's coordinators. What can still go wrong: a retry after the SMTP server took
    the message but the connection dropped sends it twice.
    """
    copy = (
        Initiative.objects.select_related("municipality", "adopted_from__municipality")
        .filter(pk=copy_id, adopted_from__isnull=False)
        .first()
    )
    user = User.objects.filter(pk=user_id, is_active=True).exclude(email="").first()
    if copy is None or user is None or not _still_concerned(user, copy.adopted_from):  # type: ignore[arg-type]
        return False
    pilot_adopted_email(copy, user).send()
    return True
