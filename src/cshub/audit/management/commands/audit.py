"""`cshub audit verify`: check the audit trail's hash chain end to end."""

from django.core.management.base import BaseCommand, CommandError

from cshub.audit.chain import verify
from cshub.audit.models import AuditEvent


class Command(BaseCommand):
    help = "Audit trail tools. `verify` checks the hash chain and names the first bad event."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("verify", help="check every event's hash and the chain between them")

    def handle(self, *args, **options):
        events = AuditEvent.objects.order_by("seq").iterator(chunk_size=5000)
        result = verify(events)
        if not result.ok:
            raise CommandError(
                f"Audit trail FAILED verification after {result.checked} good events: "
                f"{result.problem}."
            )
        self.stdout.write(
            self.style.SUCCESS(f"Audit trail verified: {result.checked} events, chain intact.")
        )
