"""Rules for ``municipalities:*``.

Municipalities are reference data: every signed-in person reads the list and every detail
page (what a page shows beyond the facts is scoped, see tests/municipalities/test_views.py).
Appointing coordinators and viewers is for administrators and the managers of a cluster the
municipality is an open member of: everyone else signed in gets 403, not 404.
"""

from __future__ import annotations

from tests.authz import Rule, statuses

SIGNED_IN = statuses(200)
METHOD_NOT_ALLOWED = statuses(405)
MANAGERS_OF_ALE = {"manager": 200, "admin": 200}

RULES = {
    "portal:municipality_list": Rule(get=SIGNED_IN, post=METHOD_NOT_ALLOWED),
    "portal:municipality_export": Rule(
        get=SIGNED_IN, post=METHOD_NOT_ALLOWED, kwargs=lambda w: {"fmt": "csv"}
    ),
    "portal:municipality_detail": Rule(
        get=SIGNED_IN, post=METHOD_NOT_ALLOWED, kwargs=lambda w: {"pk": w.ale.pk}
    ),
    "municipalities:members": Rule(
        get=statuses(403, **MANAGERS_OF_ALE),
        # An empty form re-renders with its errors.
        post=statuses(403, **MANAGERS_OF_ALE),
        kwargs=lambda w: {"pk": w.ale.pk},
    ),
    "municipalities:member_revoke": Rule(
        get=METHOD_NOT_ALLOWED,
        post=statuses(403, manager=302, admin=302),
        kwargs=lambda w: {
            "pk": w.ale.pk,
            "membership_pk": w.viewer.municipality_memberships.get(municipality=w.ale).pk,
        },
    ),
}
