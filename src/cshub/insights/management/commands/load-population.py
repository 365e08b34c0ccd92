"""`cshub load-population FILE.csv --year 2024 --source "ONS mid-2024 estimates"`: load the
borough's child population (under 18), which the cohort analysis compares with.

The file has the header `dimension,group,count` and one row per group: `age_band` (Under 10,
10 to 13, 14 to 15, 16 to 17), `sex` (F, M), `ethnicity` (the 2021 Census codes cshub uses, e.g.
WBRI) and `ward` (ONS ward codes). Each dimension's counts should add up to the same total.
The whole file is checked first: any bad row refuses it, every problem listed, and nothing
changes. A good file replaces that year's figures, in one transaction, audited.
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cshub.core.services import population_load, population_rows_from_csv


class Command(BaseCommand):
    help = __doc__.split("\n\n")[0].split(": ", 1)[1]

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--source", required=True, help="where the figures come from")

    def handle(self, *args, file: Path, year: int, source: str, **options):
        try:
            text = file.read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise CommandError(f"{file}: {exc.strerror or exc}") from None
        except UnicodeDecodeError:
            raise CommandError(f"{file}: not UTF-8 text") from None
        try:
            rows = population_rows_from_csv(text)
            count = population_load(rows=rows, year=year, source=source)
        except ValidationError as exc:
            raise CommandError(
                f"{file} refused, nothing loaded:\n" + "\n".join(exc.messages)
            ) from None
        self.stdout.write(self.style.SUCCESS(f"Loaded {count} population row(s) for {year}."))
