"""Disable accounts nobody has signed in to for CSHUB_DISABLE_AFTER_DAYS days (default 90).

Run it daily from the scheduler (docs/security.md). Each account disabled is one audit event.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cshub.accounts import services


class Command(BaseCommand):
    help = "Disable accounts with no sign-in for CSHUB_DISABLE_AFTER_DAYS days (default 90)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help=f"override the setting (now {settings.CSHUB_DISABLE_AFTER_DAYS})",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="list the accounts, change nothing"
        )

    def handle(self, *args, days=None, dry_run=False, **options):
        days = settings.CSHUB_DISABLE_AFTER_DAYS if days is None else days
        if days < 1:
            raise CommandError("--days must be at least 1")
        if dry_run:
            users = list(services.inactive_users(days=days).order_by("username"))
            verb = "would disable"
        else:
            users = services.disable_inactive_users(days=days)
            verb = "disabled"
        for user in users:
            self.stdout.write(f"{verb} {user.get_username()}")
        self.stdout.write(f"{len(users)} account(s) {verb}: no sign-in for {days} days")
