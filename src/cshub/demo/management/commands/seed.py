"""`cshub seed`: fill an empty database with the synthetic borough (see cshub.demo.generator)."""

from __future__ import annotations

import argparse
import os
import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cshub.demo.generator import (
    DEFAULT_PASSWORD,
    BoroughNotEmpty,
    SeedClash,
    generate,
)
from cshub.people.models import Person

MAX_SCALE = 1000


def _scale(text: str) -> float:
    try:
        value = float(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"must be a number, not {text!r}") from exc
    if not 0 < value <= MAX_SCALE:
        raise argparse.ArgumentTypeError(f"must be above 0 and at most {MAX_SCALE}")
    return value


def _today(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"must be a date as YYYY-MM-DD, not {text!r}") from exc


class Command(BaseCommand):
    help = (
        "Fill an empty database with the synthetic borough: agencies, teams, demo users, and "
        "about 1,080 synthetic people per unit of --scale, laid on the real Barnsley wards. "
        "The same --seed and --today give the same content."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            type=_scale,
            default=1.0,
            help="Size: 1 (default) is about 1,080 people; 100 about 108,000. Fractions work.",
        )
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument(
            "--today",
            type=_today,
            default=None,
            help="The last day of the two years of history, YYYY-MM-DD (default: today).",
        )
        parser.add_argument(
            "--password",
            default=None,
            help="Password for every demo user (default: $CSHUB_DEMO_PASSWORD, else "
            f"{DEFAULT_PASSWORD}).",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Seed only if the database has no people; otherwise say so and do nothing.",
        )

    def handle(self, *args, **options) -> None:
        if options["if_empty"] and Person.objects.exists():
            self.stdout.write("The database already has people: skipped seeding the demo borough.")
            return
        password = options["password"] or os.environ.get("CSHUB_DEMO_PASSWORD") or DEFAULT_PASSWORD
        started = time.monotonic()
        try:
            result = generate(
                scale=options["scale"],
                seed=options["seed"],
                today=options["today"] or date.today(),
                password=password,
            )
        except BoroughNotEmpty as exc:
            if options["if_empty"]:  # someone filled it between our check and the transaction
                self.stdout.write(f"{exc} Skipped.")
                return
            raise CommandError(
                f"{exc} Nothing was changed. Use a fresh database, or --if-empty to skip quietly."
            ) from exc
        except SeedClash as exc:
            raise CommandError(f"{exc} Nothing was changed.") from exc
        elapsed = time.monotonic() - started

        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded the synthetic borough (scale {options['scale']:g}, seed "
                f"{options['seed']}) in {elapsed:.1f} s."
            )
        )
        width = max(len(label) for label in result.counts)
        for label, count in result.counts.items():
            self.stdout.write(f"  {label:<{width}}  {count:>9,}")
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {result.password}):")
        user_width = max(len(u) for u, *_ in result.logins)
        for username, role, team, title in result.logins:
            self.stdout.write(f"  {username:<{user_width}}  {role}, {team} ({title})")
