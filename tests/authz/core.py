"""Rules for ``core:*``, ``accounts:*``, allauth's URLs and (by prefix) the Django admin.

allauth's views are public where a person who is not logged in needs them (log in, reset a
password, the invitation link); a logged-in person asking for log in or sign-up is sent on
(302). Sign-up is closed: the page says so. Views of features the portal does not use (login
by code, reauthentication by code, setting a first password while logged in) redirect.
"""

from __future__ import annotations

from tests.authz import LOGIN, PERSONAS, Rule, statuses

EVERYONE = {persona: 200 for persona in PERSONAS}
PUBLIC_GET_ONLY = Rule(get=EVERYONE, post={persona: 405 for persona in PERSONAS})
REDIRECT_ALL = {persona: 302 for persona in PERSONAS}
SIGNED_IN = statuses(200)
# allauth's entrance pages send a logged-in person on to the dashboard.
ENTRANCE = statuses(302, anonymous=200)
# A page about a second factor someone has: 404 for those without one; those with one are
# asked to confirm it is them (302).
WITH_SECOND_FACTOR = statuses(404, manager=302, other_manager=302, admin=302)

RULES = {
    # --- the portal's own -----------------------------------------------------------------
    "core:healthz": PUBLIC_GET_ONLY,
    # The accessibility statement is for anyone, before logging in too (the DOS law).
    "portal:accessibility": PUBLIC_GET_ONLY,
    # POST without a language redirects back; GET is not allowed, for anyone.
    "set_language": Rule(get={p: 405 for p in PERSONAS}, post=REDIRECT_ALL),
    "accounts:profile": Rule(get=SIGNED_IN, post=SIGNED_IN),
    "municipalities:invite": Rule(
        get=statuses(403, manager=200, other_manager=200, admin=200),
        post=statuses(403, manager=200, other_manager=200, admin=200),
    ),
    # --- allauth ---------------------------------------------------------------------------
    "account_login": Rule(get=ENTRANCE, post=ENTRANCE),
    "account_signup": Rule(get=ENTRANCE, post=ENTRANCE),
    "account_logout": Rule(get=SIGNED_IN, post=REDIRECT_ALL),
    "account_change_password": Rule(get=SIGNED_IN, post=SIGNED_IN),
    # Only for a logged-in person without a usable password: the personas have one.
    "account_set_password": Rule(get=REDIRECT_ALL, post=REDIRECT_ALL),
    "account_reset_password": Rule(get=EVERYONE, post=EVERYONE),
    "account_reset_password_done": PUBLIC_GET_ONLY,
    # A made-up key: the page says the link is no longer valid, for anyone.
    "account_reset_password_from_key": Rule(
        get=EVERYONE, post=EVERYONE, kwargs=lambda w: {"uidb36": "1", "key": "set-password"}
    ),
    "account_reset_password_from_key_done": PUBLIC_GET_ONLY,
    "account_inactive": PUBLIC_GET_ONLY,
    # E-mail addresses: a person manages their own; an empty POST redirects back.
    # Shadowed: the address is the login; signed-in people are sent to their profile.
    "account_email": Rule(get=statuses(302), post=statuses(405)),
    "account_email_verification_sent": PUBLIC_GET_ONLY,
    # A made-up key: GET shows "invalid link", POST answers 404.
    "account_confirm_email": Rule(
        get=EVERYONE, post={p: 404 for p in PERSONAS}, kwargs=lambda w: {"key": "made-up"}
    ),
    "account_reauthenticate": Rule(get=SIGNED_IN, post=SIGNED_IN),
    # Login and reauthentication by code are off: nothing to confirm, so back to the start.
    "account_confirm_login_code": Rule(get=REDIRECT_ALL, post=REDIRECT_ALL),
    "account_confirm_reauthentication_code": Rule(get=REDIRECT_ALL, post=REDIRECT_ALL),
    "account_request_reauthentication_code": Rule(get=REDIRECT_ALL, post=REDIRECT_ALL),
    # --- allauth's second factor (allauth.mfa) ---------------------------------------------
    # A person manages only their own. The world's administrator and managers have an
    # authenticator app with recovery codes (they must), the others none. The test client's
    # login is not a recent one, so a page that shows or changes a factor first asks for the
    # password or a code again (302); tests/accounts/test_mfa.py goes through those steps.
    "mfa_index": Rule(get=SIGNED_IN, post=statuses(405)),
    "mfa_activate_totp": Rule(get=REDIRECT_ALL, post=REDIRECT_ALL),
    # Nothing to deactivate without an authenticator app: 404.
    "mfa_deactivate_totp": Rule(get=WITH_SECOND_FACTOR, post=WITH_SECOND_FACTOR),
    "mfa_view_recovery_codes": Rule(get=WITH_SECOND_FACTOR, post=statuses(405)),
    "mfa_download_recovery_codes": Rule(get=WITH_SECOND_FACTOR, post=WITH_SECOND_FACTOR),
    "mfa_generate_recovery_codes": Rule(get=REDIRECT_ALL, post=REDIRECT_ALL),
    "mfa_list_webauthn": Rule(get=SIGNED_IN, post=statuses(405)),
    "mfa_add_webauthn": Rule(get=REDIRECT_ALL, post=REDIRECT_ALL),
    # A made-up key: the password is asked for first; afterwards another person's key is 404.
    "mfa_edit_webauthn": Rule(get=REDIRECT_ALL, post=REDIRECT_ALL, kwargs=lambda w: {"pk": 0}),
    "mfa_remove_webauthn": Rule(get=REDIRECT_ALL, post=REDIRECT_ALL, kwargs=lambda w: {"pk": 0}),
    # The login step: with no login under way, back to the start (or on, if signed in).
    "mfa_authenticate": Rule(get=REDIRECT_ALL, post=REDIRECT_ALL),
    # Confirming with a code: for those who have an authenticator app; the others are sent to
    # confirm with their password.
    "mfa_reauthenticate": Rule(
        get=statuses(302, manager=200, other_manager=200, admin=200),
        post=statuses(302, manager=200, other_manager=200, admin=200),
    ),
    "mfa_reauthenticate_webauthn": Rule(get=REDIRECT_ALL, post=REDIRECT_ALL),
}

# The Django admin, for every ``admin:*`` URL name without arguments (e.g. ``admin:index``):
# staff only; anyone else is sent to the admin's login page. tests/accounts/test_admin_access.py
# checks every registered model's changelist and add page against it.
ADMIN_RULE = Rule(get=statuses(302, admin=200), post=statuses(302, admin=200))
ADMIN_LOGIN = LOGIN
