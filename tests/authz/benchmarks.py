"""Rules for the benchmark page and the municipality settings that feed it.

``portal:cluster_benchmark`` answers everyone who may read cluster A (Ale's coordinator and viewer,
the partner contact, the manager, the admin) and 404 to everyone else; it is read-only. What
each of them sees on it is tested in tests/clusters/test_benchmark_views.py.

``municipalities:settings`` (Ale's benchmark sharing) is for Ale's coordinator, the manager
of cluster A (Ale is an open member) and the admin; Ale's viewer belongs to Ale but may not
decide for it (403); anyone with no role in Ale gets 404. A valid POST saves and redirects.
"""

from __future__ import annotations

from tests.authz import Rule, statuses
from tests.authz.clusters import WRONG_METHOD, readers

MAY_CHANGE = {"coordinator": 200, "manager": 200, "admin": 200, "viewer": 403}
SAVED = {"coordinator": 302, "manager": 302, "admin": 302, "viewer": 403}

RULES = {
    "portal:cluster_benchmark": Rule(
        get=readers(), post=WRONG_METHOD, kwargs=lambda w: {"pk": w.cluster_a.pk}
    ),
    "municipalities:settings": Rule(
        get=statuses(404, **MAY_CHANGE),
        post=statuses(404, **SAVED),
        kwargs=lambda w: {"pk": w.ale.pk},
        data=lambda w: {"share": "yes"},
    ),
}
