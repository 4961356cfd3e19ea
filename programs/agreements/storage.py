"""Where signed pilot agreements are kept: under ``PRIVATE_MEDIA_ROOT``, outside MEDIA_ROOT and
the web root, so no URL reaches them; only the scoped download view reads them."""

from __future__ import annotations

import os
import secrets
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


@deconstructible
class PrivateStorage(FileSystemStorage):
    """A file-system storage at ``settings.PRIVATE_MEDIA_ROOT``, read at each use (so a test's
    override applies), with no URL: files leave only through a view that checks who asks."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("file_permissions_mode", 0o640)
        kwargs.setdefault("directory_permissions_mode", 0o750)
        super().__init__(**kwargs)

    @property
    def base_location(self) -> str:
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        raise ValueError("Private files have no URL; serve them through a scoped view.")


private_storage = PrivateStorage()


def signed_copy_name(instance: Any, filename: str) -> str:
    """An unguessable name: nothing of what the uploader called the file, always ``.pdf``."""
    return f"agreements/{secrets.token_urlsafe(24)}.pdf"
