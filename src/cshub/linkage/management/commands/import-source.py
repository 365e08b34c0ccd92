"""`cshub import-source FILE --system CODE`: load a source system's extract, all or nothing."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cshub.linkage.models import SourceSystem
from cshub.linkage.services import ImportRefused, import_source_file

BAR_WIDTH = 30


class ProgressBar:
    """A one-line text bar on stderr, redrawn when the percentage or the stage changes.
    `stream` is the command's OutputWrapper (written with no line ending)."""

    def __init__(self, stream):
        self.stream = stream
        self.last: tuple[str, int] | None = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        percent = 100 * done // total if total else 100
        if (stage, percent) == self.last:
            return
        if self.last and self.last[0] != stage:
            self.stream.write("\n", ending="")
        self.last = (stage, percent)
        filled = BAR_WIDTH * percent // 100
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        self.stream.write(f"\r{stage:<8} [{bar}] {percent:3d}% {done}/{total}", ending="")
        self.stream.flush()

    def close(self) -> None:
        if self.last:
            self.stream.write("\n", ending="")
            self.stream.flush()


class Command(BaseCommand):
    help = (
        "Import a source system's extract (docs/imports.md, 'Source system extracts'). "
        "A bad row refuses the whole file."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--system", required=True, help="the source system's code")
        parser.add_argument("--no-progress", action="store_true", help="do not draw the bar")

    def handle(self, *args, file: Path, system: str, no_progress: bool = False, **options):
        source = SourceSystem.objects.filter(code=system).first()
        if source is None:
            codes = ", ".join(SourceSystem.objects.values_list("code", flat=True)) or "none"
            raise CommandError(f"No source system with code {system!r} (known: {codes}).")
        if not file.is_file():
            raise CommandError(f"Cannot read {file}: no such file.")
        bar = None if no_progress else ProgressBar(self.stderr)
        try:
            run = import_source_file(
                system=source, path_or_file=file, actor="command:import-source", progress=bar
            )
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error}") from None
        except ImportRefused as refused:
            if bar:
                bar.close()
            for problem in refused.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"{file} was refused: {len(refused.problems)} problem(s) above. Nothing was "
                "imported; correct the file and load it again."
            ) from None
        if bar:
            bar.close()
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {run.rows} row(s) from {source.name}: {run.created} new, "
                f"{run.updated} updated, {run.unchanged} unchanged."
            )
        )
