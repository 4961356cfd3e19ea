"""Settings for the Innocities portal.

Every deployment value comes from the environment (django-environ). The defaults run the
portal on a laptop with nothing installed: SQLite, Celery on kombu's file-system transport and
e-mail written to files, all under ``var/``. Production (``DEBUG=0``) refuses to start
without a real ``SECRET_KEY``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from innocities.schedules import BEAT_SCHEDULE

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
TESTING = "pytest" in sys.modules or env.bool("TESTING", default=False)

_INSECURE_KEY = "insecure-dev-key-only-for-debug-and-tests"
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY in the environment (or .env) to a long random "
            "value, or set DEBUG=1 for local development."
        )
    SECRET_KEY = _INSECURE_KEY

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "innocities.core.apps.AdminConfig",  # django.contrib.admin with the portal's site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_filters",
    "simple_history",
    "django_celery_beat",
    "innocities.accounts",
    "innocities.core",
    "innocities.notifications",
    "innocities.reports",
    "innocities.feeds",
    "innocities.demo",
    "municipalities",
    "municipalities.assessments",
    "clusters",
    "programs",
    "programs.indicators",
    "programs.initiatives",
    "programs.tailoring",
    "programs.followup",
    "programs.benefits",
    "programs.agreements",
    "programs.lessons",
    "programs.adoption",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy (CONTENT_SECURITY_POLICY below) and Permissions-Policy.
    "csp.middleware.CSPMiddleware",
    "innocities.core.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # An idle session ends (SESSION_IDLE_TIMEOUT below); then LoginRequiredMiddleware asks again.
    "innocities.core.middleware.SessionIdleTimeoutMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # request.roles: who holds which role, loaded on first use (innocities.core.permissions).
    "clusters.permissions.RolesMiddleware",
    "innocities.core.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Administrators and programme managers set up a second factor before anything else.
    "innocities.accounts.middleware.RequireSecondFactorMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "innocities.urls"
WSGI_APPLICATION = "innocities.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "innocities.core.context_processors.portal",
            ],
        },
    },
]
# Django's form templates, with long selects written in Python (innocities/core/renderers.py).
FORM_RENDERER = "innocities.core.renderers.FormRenderer"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent web, worker and beat processes share the file: wait rather than fail.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Every select of a form iterates its choices with .iterator(), which on PostgreSQL opens
    # a server-side cursor: DECLARE, FETCH and CLOSE, three round trips for a list of ten
    # rows. The portal reads nothing large enough to need one (and a pooler in transaction
    # mode, should one be put in front, would refuse them).
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache holds the rate-limit counters, so it must be shared by every process and outlive a
# restart: Redis when CACHE_URL names it (production, CI), else files under var/cache/ (the
# embedded default: `make run`'s web, worker and beat processes share the folder).
CACHE_URL = env.str("CACHE_URL", default="")
if CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "innocities",
        }
    }
elif CACHE_URL:
    raise ImproperlyConfigured("CACHE_URL must be a redis:// or rediss:// URL (or unset).")
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": env.str("CACHE_DIR", default=str(VAR_DIR / "cache")),
        }
    }

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    # A real hash costs ~0.5 s; the suite creates hundreds of users.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "portal:dashboard"
LOGOUT_REDIRECT_URL = "account_login"

# allauth: e-mail is the login; nobody signs up on their own, people are invited.
SITE_ID = 1
ACCOUNT_ADAPTER = "innocities.accounts.adapter.InvitationOnlyAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = True
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Innocities] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = env.str(
    "DEFAULT_HTTP_PROTOCOL", default="http" if DEBUG or TESTING else "https"
)
# Rate limits: allauth's own actions, and the portal's (inviting, unsubscribing) through the
# same mechanism (``innocities.core.ratelimits``). Counted in the shared cache below, so every
# worker counts the same attempts and a restart forgets none. Off in tests, which switch them
# on (``RATE_LIMITS``) where they test them.
RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",  # five wrong passwords per address, then five minutes
    "reset_password": "20/m/ip,3/5m/key",
    "reset_password_from_key": "20/m/ip",
    "invite": "30/h/user",
    "unsubscribe": "20/m/ip",
    "rsvp": "20/m/ip",  # replies to a meeting invitation by the link in the e-mail
}
ACCOUNT_RATE_LIMITS = False if TESTING else RATE_LIMITS
# Behind proxies REMOTE_ADDR is the last proxy's address, and limits "per address" would count
# everyone together. Each proxy appends the address it got the request from to X-Forwarded-For:
# trust that many entries (compose's nginx behind a TLS proxy that sets X-Forwarded-For: 2).
# The default stays 0: allauth refuses a request whose header has fewer entries than this.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# A password reset for an address nobody has sends nothing (and says the same as for one).
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False

# --- Second factor (allauth.mfa) ----------------------------------------------------------
# An authenticator app (TOTP) with recovery codes, or security keys and passkeys (WebAuthn),
# as a second step after the password. Optional for everyone, required for administrators and
# programme managers: innocities.accounts.middleware.RequireSecondFactorMiddleware sends them
# to set one up before they can use the portal or the admin. The admin's login page goes
# through allauth's login (innocities/urls.py), so this step and the rate limits apply there.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_ISSUER = "Innocities"
# One 30-second step either side: phones' clocks drift (RFC 6238 §5.2 allows one step). A
# code is still accepted only once.
MFA_TOTP_TOLERANCE = 1
# A passkey is a second factor after the password, not a way to log in without one: one login
# form for everyone. Browsers offer WebAuthn only on https and on http://localhost (not on
# http://127.0.0.1), so in development open the portal at http://localhost:8000 to add a key.
MFA_PASSKEY_LOGIN_ENABLED = False

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English")), ("nb", _("Norwegian Bokmål"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates and numbers follow Django's own locale formats for each language (a short date is
# 2026-03-04 in sv, 04.03.2026 in nb; the decimal comma in both): no FORMAT_MODULE_PATH
# overrides them. No thousand separator in templates: it would also group ids and years
# ({{ pk }} in a URL, 2 026); charts and reports group their figures themselves.
USE_THOUSAND_SEPARATOR = False
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Without collectstatic (development, tests) whitenoise serves straight from the finders.
WHITENOISE_USE_FINDERS = DEBUG or TESTING
WHITENOISE_AUTOREFRESH = DEBUG or TESTING
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))
# Files people upload that only some may read (signed pilot agreements): outside MEDIA_ROOT and
# the web root, never served by URL, only through a view that checks who asks.
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private"))
PILOT_AGREEMENT_MAX_BYTES = env.int("PILOT_AGREEMENT_MAX_BYTES", default=10 * 1024 * 1024)

# Open statistics behind indicators: Kolada (Swedish municipalities) and SSB (Norwegian ones).
# The base URLs are settings so tests point them at a local server with recorded answers.
KOLADA_BASE_URL = env.str("KOLADA_BASE_URL", default="https://api.kolada.se/v3")
SSB_BASE_URL = env.str("SSB_BASE_URL", default="https://data.ssb.no/api/pxwebapi/v2")
STATISTICS_TIMEOUT_SECONDS = env.float("STATISTICS_TIMEOUT_SECONDS", default=20.0)

# E-mail: files under var/mail/ unless EMAIL_URL says otherwise (e.g. smtp+tls://user:pw@host:587).
# Three slashes: django-environ drops the first one of the path.
_email = env.email_url("EMAIL_URL", default=f"filemail:///{VAR_DIR / 'mail'}")
vars().update(_email)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Innocities <noreply@innocities.se>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where people report accessibility barriers (the accessibility statement names it, as the DOS
# law asks).
ACCESSIBILITY_CONTACT_EMAIL = env.str(
    "ACCESSIBILITY_CONTACT_EMAIL", default="tillganglighet@innocities.se"
)

# Celery: file-system transport under var/celery/ unless CELERY_BROKER_URL says otherwise.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _celery_dir = Path(env.str("CELERY_FILESYSTEM_DIR", default=str(VAR_DIR / "celery")))
    _queue = _celery_dir / "queue"
    _control = _celery_dir / "control"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue),
        "data_folder_out": str(_queue),
        "control_folder": str(_control),
    }
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A request that hands work to a broker that is down gives up within about a second (the
# work is saved as a row; the scans pick it up) instead of hanging the page.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = BEAT_SCHEDULE
# Planning: ISO weeks in which no programme activity starts or falls due (the July weeks when
# most Swedish and Norwegian workplaces close); dates in them move to the next working day.
PLANNING_HOLIDAY_WEEKS = frozenset(
    env.list("PLANNING_HOLIDAY_WEEKS", cast=int, default=[28, 29, 30, 31])
)

CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)

# An unfiltered admin list of a table with more rows than this (by PostgreSQL's statistics)
# shows "about N" rather than counting them all on every page (innocities.core.admin).
ADMIN_ESTIMATED_COUNT_ABOVE = env.int("ADMIN_ESTIMATED_COUNT_ABOVE", default=50_000)

# Outbox retention: sent, cancelled, replaced and failed reminders are deleted by a nightly job
# once this many days old (innocities.notifications.services.retention); 396 days is about 13
# months, so a year ago's reminders can still be looked up. The scan never reminds of a date
# further back than this, so a deleted reminder cannot be sent again. At least 31: the default
# overdue rules repeat up to 28 days after the due date.
NOTIFICATION_RETENTION_DAYS = env.int("NOTIFICATION_RETENTION_DAYS", default=396)
if NOTIFICATION_RETENTION_DAYS < 31:
    raise ImproperlyConfigured("NOTIFICATION_RETENTION_DAYS must be at least 31 (days).")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

SESSION_COOKIE_HTTPONLY = True
# A session ends after this long without a request (seconds): 8 hours, a working day; 1 hour
# for administrators, whose session reaches everything (innocities.core.middleware).
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=8 * 3600)
SESSION_IDLE_TIMEOUT_STAFF = env.int("SESSION_IDLE_TIMEOUT_STAFF", default=3600)
# "Remember me" keeps the cookie across browser restarts, for no longer than the idle limit.
SESSION_COOKIE_AGE = SESSION_IDLE_TIMEOUT
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
# A strict policy: everything from the portal itself, no inline script and no inline style
# (no 'unsafe-inline' anywhere: widths are classes in static/css/portal.css, behaviour is in
# static/js/portal.js). data: images are Bootstrap's form-control icons and the TOTP QR code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not TESTING)
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not TESTING)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not TESTING)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if TESTING else 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Tokens in URLs (calendar feeds, unsubscribe links, reset keys) are masked in every line.
    "filters": {"mask_secrets": {"()": "innocities.core.logs.MaskSecretsFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["mask_secrets"]},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint narrates every step of every PDF at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

SIMPLE_HISTORY_HISTORY_ID_USE_UUID = False
SIMPLE_HISTORY_REVERT_DISABLED = True
