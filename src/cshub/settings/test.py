"""Settings for the test suite.

SQLite in memory by default. With CSHUB_TEST_DATABASE=url the suite runs on DATABASE_URL
(PostgreSQL); `make test` runs SQLite first, then PostgreSQL when DATABASE_URL is set.
"""

from .base import *  # noqa: F403
from .base import DATABASES, env

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only, tests only

if env("CSHUB_TEST_DATABASE", default="sqlite") != "url" or not env("DATABASE_URL", default=""):
    DATABASES["default"] = {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}
CSHUB_AUDIT_ALLOW_FLUSH = True  # lets transactional tests empty the audit table; never elsewhere

# The suite tests the real thing: MFA required, lockout on (axes keeps its attempts in the
# database, so each test's rollback clears them).
CSHUB_DEMO_MODE = False
AXES_ENABLED = True
AXES_VERBOSE = False  # keep the test log readable
LOGGING["loggers"]["axes"] = {"level": "WARNING"}  # noqa: F405
