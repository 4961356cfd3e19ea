"""Rules for ``feeds:*``.

The feed URLs are public (calendar programs cannot log in): the token is the credential, so
with a made-up token everyone, anonymous too, gets 404, and a POST is 405 before any lookup.
``tests/feeds/test_views.py`` checks a real token for every persona.
"""

from __future__ import annotations

from tests.authz import PERSONAS, Rule, statuses

MADE_UP_TOKEN = "made-up-token-that-belongs-to-nobody-at-all-x"
NOT_FOUND = {persona: 404 for persona in PERSONAS}
GET_ONLY = {persona: 405 for persona in PERSONAS}

RULES = {
    "feeds:settings": Rule(get=statuses(200), post=statuses(405)),
    # POST resets the person's own link and goes back to the page.
    "feeds:reset": Rule(get=statuses(405), post=statuses(302)),
    "feeds:user": Rule(get=NOT_FOUND, post=GET_ONLY, kwargs=lambda w: {"token": MADE_UP_TOKEN}),
    "feeds:cluster": Rule(
        get=NOT_FOUND,
        post=GET_ONLY,
        kwargs=lambda w: {"pk": w.cluster_a.pk, "token": MADE_UP_TOKEN},
    ),
}
