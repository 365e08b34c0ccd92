"""Settings shared by every environment. Values come from the environment (12-factor).

`DATABASE_URL` picks the database: SQLite (WAL) in `var/` by default, PostgreSQL in production.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF, STRICT_DYNAMIC

SRC_DIR = Path(__file__).resolve().parent.parent  # src/cshub
BASE_DIR = SRC_DIR.parent.parent  # the repository root (the package is installed editable)

env = environ.Env()

VAR_DIR = Path(env("CSHUB_VAR_DIR", default=str(BASE_DIR / "var")))

SECRET_KEY = env("SECRET_KEY", default="dev-only-not-secret-cshub")  # production.py requires one
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])

# Demo mode is the one place sign-in skips MFA. `make demo` turns it on; nothing else should.
CSHUB_DEMO_MODE = env.bool("CSHUB_DEMO_MODE", default=False)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_forms_gds",
    "django_htmx",
    "django_filters",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "cshub.core",
    "cshub.audit",
    "cshub.access",
    "cshub.accounts",
    "cshub.people",
    "cshub.contexts",
    "cshub.assessments",
    "cshub.frontdoor",
    "cshub.missing",
    "cshub.nrm",
    "cshub.disruption",
    "cshub.interventions",
    "cshub.workforce",
    "cshub.panels",
    "cshub.linkage",
    "cshub.insights",
    "cshub.demo",
]

# Order matters (see docs/security.md): CSP sits outside everything that renders a page, so
# every response (errors and the lockout page included) gets the header and its nonce; static
# files leave at WhiteNoise, before the no-store rule; the session policy runs once the user,
# their OTP device and the audit context are known.
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "cshub.core.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "cshub.audit.context.RequestContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "cshub.core.middleware.SessionPolicyMiddleware",
    "cshub.core.middleware.LoginRequiredMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cshub.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cshub.core.context_processors.cshub",
                "cshub.missing.context_processors.nav",
            ],
        },
    },
]

WSGI_APPLICATION = "cshub.wsgi.application"

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'cshub.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    if DATABASES["default"]["NAME"] not in ("", ":memory:"):
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if "postgresql" in DATABASES["default"]["ENGINE"]:
        # PostgreSQL's JIT compiles each of the KPI aggregates for ~25 ms and saves less: the
        # dashboard took 0.97 s with it, 0.79 s without, at scale 100 (bench/README.md).
        DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Axes first: it refuses a locked-out username before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"  # display; storage is UTC (USE_TZ)
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATE_FORMAT = "d/m/Y"

STATIC_URL = "/static/"
STATIC_ROOT = None  # production.py sets it for collectstatic; elsewhere files come from the apps
WHITENOISE_USE_FINDERS = True  # serve straight from the apps' static folders outside production
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

# Baseline hardening; production.py adds HTTPS-only settings.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True  # no script reads it: forms carry the token
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True  # idle expiry: each request renews the 30 minutes
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Sessions end 12 hours after sign-in however busy they are (cshub.core.middleware).
CSHUB_SESSION_MAX_AGE = timedelta(hours=12)
# `cshub disable_inactive_users` disables accounts with no sign-in for this many days.
CSHUB_DISABLE_AFTER_DAYS = env.int("CSHUB_DISABLE_AFTER_DAYS", default=90)

# Content Security Policy (django-csp 4): scripts only by nonce. 'strict-dynamic' lets the one
# nonce-bearing module (cshub/init.js) import GOV.UK Frontend; no inline script, no eval.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [NONCE, STRICT_DYNAMIC],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

# MFA (django-otp, TOTP). Required for everyone unless CSHUB_DEMO_MODE.
OTP_TOTP_ISSUER = env("CSHUB_OTP_ISSUER", default="cshub")
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the admin never shows a device's secret key

# Lockout (django-axes). By username only: council staff share NAT'd addresses, so locking by
# IP would lock out a whole office. 5 failures in a row lock that username for 15 minutes
# (docs/security.md says why 15). Unknown usernames lock the same way, so a lockout reveals
# nothing about which usernames exist.
AXES_ENABLED = True
AXES_FAILURE_LIMIT = 5
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_RESET_ON_SUCCESS = True  # the limit counts failures since the last successful sign-in
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # the page's "15 minutes" stays true
AXES_LOCKOUT_CALLABLE = "cshub.accounts.views.locked_out"
AXES_HTTP_RESPONSE_CODE = 429
AXES_DISABLE_ACCESS_LOG = True  # sign-ins are in the audit trail already; no second copy

SILENCED_SYSTEM_CHECKS = [
    # axes.W006 asks for 'ip_address' among the lockout parameters. Deliberately not: a lock by
    # address would shut out every colleague behind the same council NAT, and a lock by username
    # cannot be dodged by rotating addresses, agents or cookies. Password spraying from one
    # address is for the reverse proxy's per-address rate limit (docs/security.md).
    "axes.W006",
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Mail: the console in development; in production set EMAIL_URL, e.g. smtp+tls://host:587.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="cshub@localhost")
# Break-glass: how long emergency access lasts before it must be asked for again.
CSHUB_BREAK_GLASS_HOURS = env.int("CSHUB_BREAK_GLASS_HOURS", default=24)

# Missing children (docs/missing.md). The repeat-missing rule: this many episodes reported in one
# period prompt a strategy meeting. The period is "quarter" (financial quarters, from April),
# "month", or a number of days for a rolling window ending at the latest episode.
CSHUB_REPEAT_MISSING_EPISODES = env.int("CSHUB_REPEAT_MISSING_EPISODES", default=3)
CSHUB_REPEAT_MISSING_PERIOD = env("CSHUB_REPEAT_MISSING_PERIOD", default="quarter")

# Panels (docs/panels.md). Risk levels for the panels' judgements, lowest first, as
# "code:Label" pairs; the order is what "reduced" compares. Reviews after an initial MACE, in
# months. Invitees see the people on a published agenda until this many days after the meeting.
CSHUB_RISK_LEVELS = env.list(
    "CSHUB_RISK_LEVELS",
    default=["no:No risk identified", "low:Low", "medium:Medium", "high:High"],
)
CSHUB_PANEL_REVIEW_MONTHS = [int(m) for m in env.list("CSHUB_PANEL_REVIEW_MONTHS", default=[3, 6])]
CSHUB_PANEL_ACCESS_DAYS = env.int("CSHUB_PANEL_ACCESS_DAYS", default=30)

# Linkage (docs/linkage.md): a pair at or above the upper match probability is linked
# automatically, one between the two goes to the data stewards' review, one below is a new person.
CSHUB_LINKAGE_UPPER = env.float("CSHUB_LINKAGE_UPPER", default=0.95)
CSHUB_LINKAGE_LOWER = env.float("CSHUB_LINKAGE_LOWER", default=0.50)
# The stored matching model is stale (fit it again: `cshub match-records --refit`) when it is
# older than this many days, or when the records have grown or shrunk by more than this share
# since it was fitted, or when the engine's comparisons have changed since.
CSHUB_LINKAGE_MODEL_MAX_AGE_DAYS = env.int("CSHUB_LINKAGE_MODEL_MAX_AGE_DAYS", default=180)
CSHUB_LINKAGE_MODEL_DRIFT = env.float("CSHUB_LINKAGE_MODEL_DRIFT", default=0.5)
# Days after a merge during which data stewards may open both people's records (to split it).
CSHUB_LINKAGE_STEWARD_DAYS = env.int("CSHUB_LINKAGE_STEWARD_DAYS", default=30)

# The quarterly KPI report (docs/kpis.md): the partnership's name on its title page.
CSHUB_PARTNERSHIP_NAME = env("CSHUB_PARTNERSHIP_NAME", default="Safeguarding Children Partnership")

# The police API (Django REST Framework; docs/api.md). Only agency tokens, no sessions: a browser
# session can never call it, so it needs no CSRF exemption beyond DRF's own for token auth.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["cshub.accounts.api_auth.AgencyTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["cshub.accounts.api_auth.HasAgencyToken"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "EXCEPTION_HANDLER": "cshub.core.api.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["cshub.accounts.api_auth.AgencyTokenThrottle"],
    "DEFAULT_THROTTLE_RATES": {"agency_token": env("CSHUB_API_RATE", default="600/minute")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "cshub police API",
    "DESCRIPTION": "Missing reports in, returns in, Return Home Interview outcomes out.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
}
