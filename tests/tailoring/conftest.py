"""The method's real library and default rules, for tailoring tests."""

from __future__ import annotations

import pytest
from django.utils import translation

from programs.library import load_module_library
from programs.models import ModuleTemplate
from programs.tailoring.defaults import seed_default_rules


@pytest.fixture
def library(db) -> dict[str, ModuleTemplate]:
    """The module library and the default recommendation rules, by module code."""
    load_module_library()
    seed_default_rules()
    return {module.code: module for module in ModuleTemplate.objects.all()}


@pytest.fixture(autouse=True)
def english():
    """Messages and reasons in English, so tests read them as written; a test that checks the
    Swedish overrides this inside."""
    with translation.override("en"):
        yield
