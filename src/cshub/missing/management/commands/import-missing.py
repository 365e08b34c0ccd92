"""`cshub import-missing FILE --agency police`: load a CSV of missing reports, all or nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cshub.missing.imports import ImportRefused, import_missing_csv


class Command(BaseCommand):
    help = "Import missing reports from a CSV file (docs/imports.md). A bad row refuses the file."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--agency", required=True, help="the reporting police agency's code")

    def handle(self, *args, file: Path, agency: str, **options):
        try:
            text = file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {file}: {error}") from None
        try:
            result = import_missing_csv(text=text, agency_code=agency)
        except ImportRefused as refused:
            for problem in refused.problems:
                self.stderr.write(problem)
            raise CommandError(
                f"{file} was refused: {len(refused.problems)} problem(s) above. Nothing was "
                "imported; correct the file and load it again."
            ) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {result.created} episode(s) ({result.returns} with returns, "
                f"{result.unmatched} waiting to be matched); {result.already_held} already held."
            )
        )
