from __future__ import annotations

import pytest

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fast_hashers(settings):
    # Real hashing costs most of a second per password; the world alone hashes eight.
    settings.PASSWORD_HASHERS = FAST_HASHERS
