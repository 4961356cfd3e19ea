"""An SMTP server that refuses everything: the edge of the world, for failure tests."""

from __future__ import annotations

import smtplib

from django.core.mail.backends.base import BaseEmailBackend


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, email_messages: list) -> int:
        raise smtplib.SMTPServerDisconnected("connection refused by the test")
