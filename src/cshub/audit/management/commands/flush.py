"""Django's `flush`, able to empty the append-only audit table in the test suite only.

The test suite's transactional tests flush the database between tests. The audit triggers would
refuse that, so when settings.CSHUB_AUDIT_ALLOW_FLUSH is True (test settings only) this command
opens the maintenance switch for the duration of the flush. Anywhere else it behaves exactly as
Django's flush, and the triggers refuse to empty the audit trail.
"""

from contextlib import contextmanager

from django.conf import settings
from django.core.management.commands.flush import Command as DjangoFlush
from django.db import DEFAULT_DB_ALIAS, connections


@contextmanager
def audit_maintenance(database: str = DEFAULT_DB_ALIAS):
    connection = connections[database]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET cshub.audit_maintenance = 'on'")
        else:
            cursor.execute("INSERT INTO audit_maintenance (enabled) VALUES (1)")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("RESET cshub.audit_maintenance")
            else:
                cursor.execute("DELETE FROM audit_maintenance")


class Command(DjangoFlush):
    def handle(self, **options):
        if not getattr(settings, "CSHUB_AUDIT_ALLOW_FLUSH", False):
            return super().handle(**options)
        with audit_maintenance(options.get("database", DEFAULT_DB_ALIAS)):
            return super().handle(**options)
