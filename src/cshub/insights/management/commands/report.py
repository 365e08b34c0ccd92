"""`cshub report [--period 2026-Q2] [--format html|xlsx|csv] --out FILE`: the quarterly KPI
report, as it may leave the partnership (insights/report.py).

No period: the last complete calendar quarter, as `cshub kpis`. HTML: one self-contained file
(styles inline, the figures in tables), printable from any browser. XLSX: a summary sheet and
one sheet per KPI with its trend and breakdowns. CSV: the summary, as `cshub kpis --format csv
--suppress`. Counts of 1-4 are shown as "<5" everywhere; no one is named. A bad period or a
path that cannot be written stops with a message: nothing is written and nothing is audited.
A written report is audited ("insights.report.exported").
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cshub.audit.services import record
from cshub.insights import periods, report


def _period(text: str | None):
    if not text:
        return periods.last_complete_quarter(timezone.localdate())
    try:
        return periods.parse(text)
    except periods.BadPeriod as exc:
        raise CommandError(str(exc)) from None


def _check_writable(out: Path) -> None:
    """Refuse a path the report could not be written to, before any work is done."""
    if out.exists() and out.is_dir():
        raise CommandError(f"Cannot write {out}: it is a folder. Give a file name.")
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise CommandError(f"Cannot write {out}: the folder {folder} does not exist.")
    if not os.access(folder, os.W_OK) or (out.exists() and not os.access(out, os.W_OK)):
        raise CommandError(f"Cannot write {out}: permission denied.")


def _write(out: Path, content: bytes) -> None:
    """All or nothing: a temporary file beside `out`, renamed over it once complete."""
    fd, temporary = tempfile.mkstemp(dir=out.parent if str(out.parent) else ".", prefix=".report-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(content)
        os.replace(temporary, out)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise CommandError(f"Cannot write {out}: {exc.strerror or exc}") from None


class Command(BaseCommand):
    help = "The quarterly KPI report as HTML, XLSX or CSV, small numbers suppressed."

    def add_arguments(self, parser):
        parser.add_argument("--period", help="2026-Q2 (default: the last complete quarter)")
        parser.add_argument("--format", choices=report.FORMATS, default="html")
        parser.add_argument("--out", type=Path, required=True, help="write to this file")

    def handle(self, *args, period, format, out, **options):
        chosen = _period(period)
        _check_writable(out)
        if format == "csv":
            content = report.as_csv(chosen).encode("utf-8")
        else:
            built = report.build(chosen, charts=False)
            if format == "xlsx":
                content = report.as_xlsx(built)
            else:
                content = report.as_html_file(built).encode("utf-8")
        _write(out, content)
        record(
            action="insights.report.exported",
            actor=None,
            details={
                "period": chosen.slug,
                "format": format,
                "file": out.name,
                "run_by": "command:report",
            },
        )
        self.stdout.write(f"Wrote the {chosen.label} report ({format}) to {out}.")
