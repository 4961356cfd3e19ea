"""Logs without secrets. Some URLs carry the secret that authorises them (a calendar feed's
token, an unsubscribe link's token, a password-reset key); a log line that shows one lets
whoever reads the logs use it. ``mask_secrets`` replaces them with ``***`` in Django's log
records (``MaskSecretsFilter`` on every handler, see settings.LOGGING) and in gunicorn's
access log (``MaskedGunicornLogger``, see innocities/gunicorn_conf.py)."""

from __future__ import annotations

import logging
import re
from typing import Any

from gunicorn.glogging import Logger as GunicornLogger

MASK = "***"
_SECRET_IN_PATH = [
    # /calendar/<token>.ics and /calendar/clusters/<pk>/<token>.ics
    re.compile(r"(/calendar/(?:clusters/\d+/)?)[^/\s?\"']+(\.ics)"),
    # /notifications/unsubscribe/<token>/
    re.compile(r"(/notifications/unsubscribe/)[^/\s?\"']+()"),
    # allauth's password reset (and invitation) link: /accounts/password/reset/key/<key>/
    re.compile(r"(/accounts/password/reset/key/)[^/\s?\"']+()"),
]


def mask_secrets(text: str) -> str:
    for pattern in _SECRET_IN_PATH:
        text = pattern.sub(rf"\g<1>{MASK}\g<2>", text)
    return text


class MaskSecretsFilter(logging.Filter):
    """Rewrites a record's message with the secrets in URLs masked (and keeps the record)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_secrets(message)
        if masked != message:
            record.msg, record.args = masked, None
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "path"):
            # django.request puts the request on the record; handlers that print it (the
            # admin mails) must not show the path either.
            record.request = _MaskedRequest(request)
        return True


class _MaskedRequest:
    """A request as the log sees it: its path masked, everything else as it was."""

    def __init__(self, request: Any) -> None:
        self._request = request

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._request, name)
        if name in ("path", "path_info"):
            return mask_secrets(value)
        if name == "get_full_path":
            return lambda *args, **kwargs: mask_secrets(value(*args, **kwargs))
        return value

    def __repr__(self) -> str:
        return mask_secrets(repr(self._request))


class MaskedGunicornLogger(GunicornLogger):
    """gunicorn's logger with the request line, path and referer of each access masked."""

    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U", "f"):
            if isinstance(atoms.get(key), str):
                atoms[key] = mask_secrets(atoms[key])
        return atoms
