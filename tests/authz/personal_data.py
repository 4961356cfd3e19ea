"""Rules for the personal-data pages.

A person's own data (the page and the JSON download) is for every signed-in person, and
answers GET only (a POST is 405 for anyone signed in, on every GET-only page). Another person's data, erasing a person and the record of processing are
for administrators only: anyone else gets 403, as on the other pages for a role rather than
an object (``admin_or_manager_required``). An empty POST to the erasure answers the form
again (200) and erases no one.
"""

from __future__ import annotations

from tests.authz import Rule, statuses

ADMIN_ONLY = statuses(403, admin=200)
GET_ONLY = statuses(405)

RULES = {
    "portal:my_data": Rule(get=statuses(200), post=GET_ONLY),
    "portal:my_data_json": Rule(get=statuses(200), post=GET_ONLY),
    "portal:person_data": Rule(
        get=ADMIN_ONLY, post=GET_ONLY, kwargs=lambda w: {"pk": w.outsider.pk}
    ),
    "portal:person_erase": Rule(
        get=ADMIN_ONLY, post=ADMIN_ONLY, kwargs=lambda w: {"pk": w.outsider.pk}
    ),
    "portal:personal_data_record": Rule(get=ADMIN_ONLY, post=GET_ONLY),
}
