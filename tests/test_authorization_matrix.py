"""Walks the URLconf: a URL with no rule fails; each rule is checked for every persona."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import tests.authz
from tests.authz import PERSONAS, Rule
from tests.authz.core import ADMIN_RULE
from tests.conftest import client_for

# Admin and allauth have many patterns; the rules for them are in tests/authz/core.py, keyed
# by prefix, because they are one mechanism each (admin's staff check, allauth's own views).
PREFIX_RULE_KEYS = ("admin:",)


def _load_rules() -> dict[str, Rule]:
    rules: dict[str, Rule] = {}
    for module_info in pkgutil.iter_modules(tests.authz.__path__):
        module = importlib.import_module(f"tests.authz.{module_info.name}")
        for name, rule in getattr(module, "RULES", {}).items():
            assert name not in rules, f"two rules for {name}"
            rules[name] = rule
    return rules


def _url_names(resolver: URLResolver | None = None, namespace: str = "") -> set[str]:
    resolver = resolver or get_resolver()
    names: set[str] = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _url_names(pattern, inner)
        elif isinstance(pattern, URLPattern):
            names.add(f"{namespace}{pattern.name or f'<unnamed {pattern}>'}")
    return names


RULES = _load_rules()
# The admin's own staff check guards every admin:* URL; its index stands for the prefix here,
# and tests/accounts/test_admin_access.py walks every registered model's pages.
RULES.setdefault("admin:index", ADMIN_RULE)


def _covered(name: str) -> bool:
    return name in RULES or any(name.startswith(prefix) for prefix in PREFIX_RULE_KEYS)


def test_every_url_has_a_rule():
    missing = sorted(name for name in _url_names() if not _covered(name))
    assert not missing, f"URLs with no authorization rule: {missing}"


def test_every_rule_names_every_persona():
    for name, rule in RULES.items():
        assert set(rule.get) == set(PERSONAS), f"{name}: GET rule misses personas"
        assert set(rule.post) == set(PERSONAS), f"{name}: POST rule misses personas"


def test_rules_name_existing_urls():
    names = _url_names()
    stale = sorted(name for name in RULES if name not in names)
    assert not stale, f"rules for URLs that no longer exist: {stale}"


@pytest.mark.parametrize("name", sorted(RULES))
def test_url_answers_each_persona_as_the_rule_says(world, name, subtests):
    """One world and one set of URL arguments per URL; each persona in a savepoint of its own.

    Building the world costs far more than the nine personas' requests, so it is built once
    per URL rather than once per (URL, persona). Each persona's GET and POST run inside a
    savepoint that is rolled back, so what one persona's POST changed (a task marked done, a
    membership ended, a session) is gone before the next persona asks: the same isolation as
    a test per persona. Each persona is a subtest, so every mismatch is reported by name.
    """
    rule = RULES[name]
    url = reverse(name, kwargs=rule.kwargs(world)) + rule.query
    for persona in PERSONAS:
        with subtests.test(persona=persona):
            with transaction.atomic():
                client = client_for(world, persona)
                got_get = client.get(url).status_code
                got_post = client_for(world, persona).post(url, rule.data(world)).status_code
                transaction.set_rollback(True)
            assert (got_get, got_post) == (rule.get[persona], rule.post[persona]), (
                f"{name} as {persona}: GET {got_get} (want {rule.get[persona]}), "
                f"POST {got_post} (want {rule.post[persona]})"
            )
