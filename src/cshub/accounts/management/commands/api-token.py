"""`cshub api-token create|list|revoke`: keys for partner systems calling the API.

cshub api-token create --agency police --name "Niche RMS"   # prints the key as its last line
cshub api-token list
cshub api-token revoke <prefix>
"""

from django.core.management.base import BaseCommand, CommandError

from cshub.accounts.api_auth import token_create, token_revoke
from cshub.accounts.models import ApiToken


class Command(BaseCommand):
    help = "Create, list and revoke API tokens. A token is scoped to one agency."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        create = sub.add_parser("create", help="make a key; it is printed once, as the last line")
        create.add_argument("--agency", required=True, help="the agency's code, e.g. police")
        create.add_argument("--name", required=True, help="the calling system")
        sub.add_parser("list", help="every token, with its agency and state (never the key)")
        revoke = sub.add_parser("revoke", help="stop a key working at once")
        revoke.add_argument("prefix", help="the first characters of the key, as `list` shows")

    def handle(self, *args, subcommand, **options):
        if subcommand == "create":
            try:
                token, key = token_create(
                    agency_code=options["agency"], name=options["name"], created_by="command line"
                )
            except ValueError as error:
                raise CommandError(str(error)) from None
            self.stderr.write(
                f"Token for {token.name} at {token.agency.name}. Store it now: it is not kept."
            )
            self.stdout.write(key)
        elif subcommand == "list":
            for token in ApiToken.objects.select_related("agency"):
                state = f"revoked {token.revoked_at:%Y-%m-%d}" if token.revoked_at else "active"
                used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never"
                self.stdout.write(
                    f"{token.prefix}  {token.agency.code:<12} {token.name:<30} {state}; "
                    f"last used {used}"
                )
        else:
            prefix = options["prefix"].strip()
            if len(prefix) < 4:
                raise CommandError("Give at least the first 4 characters of the key.")
            matches = list(ApiToken.objects.filter(prefix__startswith=prefix[:8]))
            if len(matches) != 1:
                raise CommandError(
                    f"{len(matches)} tokens start with {prefix!r}: give one token's prefix, as "
                    "`cshub api-token list` shows it."
                )
            token_revoke(token=matches[0])
            self.stdout.write(f"Revoked {matches[0]}.")
