"""Production: HTTPS only, secrets from the environment, PostgreSQL expected.

`cshub check --deploy --fail-level WARNING` passes with these settings (`make security` runs it;
docs/security.md has the full deployment checklist).
"""

from .base import *  # noqa: F403
from .base import VAR_DIR, env

DEBUG = False
SECRET_KEY = env("SECRET_KEY")  # no default: refuse to start without one
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
CSHUB_DEMO_MODE = False  # MFA is never skipped in production, whatever the environment says

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 63072000  # two years
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# The __Host- prefix makes browsers refuse the cookie unless it is Secure, host-only and Path=/.
SESSION_COOKIE_NAME = "__Host-cshub-session"
CSRF_COOKIE_NAME = "__Host-cshub-csrf"
WHITENOISE_USE_FINDERS = False
STATIC_ROOT = env("STATIC_ROOT", default=str(VAR_DIR / "static"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
