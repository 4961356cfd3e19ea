"""Who may reach the portfolio pages (see tests/authz/__init__.py).

``initiatives:municipality`` is Ale's portfolio: read by everyone who may read Ale's own
business (its coordinator and viewer, the manager of cluster A, of which Ale is an open member,
and the admin); everyone else, the partner contact of cluster A too, gets 404. Read-only.

``initiatives:target`` sets Ale's target share: POST only (GET is 405 for everyone signed
in), for those who may edit Ale (coordinator, manager, admin: saved, 302); Ale's viewer 403;
the rest 404. What each persona sees on the pages is tested in tests/initiatives/test_portfolio.py.

``initiatives:cluster`` is cluster A's portfolio: read by everyone who may read the cluster
(Ale's coordinator and viewer, the partner contact, the manager, the admin); the rest 404.
"""

from __future__ import annotations

from tests.authz import Rule, statuses
from tests.authz.clusters import WRONG_METHOD, readers

MUNICIPALITY_READERS = {"coordinator": 200, "viewer": 200, "manager": 200, "admin": 200}
TARGET_SAVED = {"coordinator": 302, "viewer": 403, "manager": 302, "admin": 302}

RULES = {
    "initiatives:municipality": Rule(
        get=statuses(404, **MUNICIPALITY_READERS),
        post=WRONG_METHOD,
        kwargs=lambda w: {"pk": w.ale.pk},
    ),
    "initiatives:target": Rule(
        get=WRONG_METHOD,
        post=statuses(404, **TARGET_SAVED),
        kwargs=lambda w: {"pk": w.ale.pk},
        data=lambda w: {"innovation_percent": "60"},
    ),
    "initiatives:cluster": Rule(
        get=readers(), post=WRONG_METHOD, kwargs=lambda w: {"pk": w.cluster_a.pk}
    ),
}
