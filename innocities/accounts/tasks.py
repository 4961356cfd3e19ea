from __future__ import annotations

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from celery import shared_task
from django.conf import settings
from django.urls import reverse

from innocities.accounts.models import User
from innocities.core.mail import build_email


@shared_task(autoretry_for=(OSError,), retry_backoff=True, retry_backoff_max=600, max_retries=5)
def send_invitation(user_id: int, inviter_id: int | None) -> None:
    """E-mail a link to set a password. Retries on network errors (SMTP down) only."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return
    inviter = User.objects.filter(pk=inviter_id).first() if inviter_id else None
    path = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )
    build_email(
        "invitation",
        to=[user.email],
        context={"user": user, "inviter": inviter, "url": settings.SITE_URL + path},
        language=user.language,
    ).send()
