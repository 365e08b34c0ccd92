"""`cshub kpis [--period 2026-Q2 | --from YYYY-MM-DD --to YYYY-MM-DD] --format json|csv`: every
KPI of the strategy (section 14) for one period, from the records.

No period: the last complete calendar quarter. Periods: `2026-Q2` (calendar quarter), `2026-05`
(month), `FY2026-27` (financial year, April to March), `2026` (calendar year), or from/to dates.
JSON: a list, one object per KPI, with `id`, `title`, `area`, `value`, `numerator`,
`denominator` (null for a count), `baseline`, `better`, `excluded`, `period_start`,
`period_end`. CSV: the same columns, one row per KPI, formula-like cells escaped. `--suppress`
writes counts of 1-4 as "<5", for anything leaving the partnership. `--out FILE` writes to a
file instead of standard output. Aggregates only: no one is named. Audited.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cshub.audit.services import record
from cshub.core.exports import safe_cell
from cshub.insights import periods, selectors

COLUMNS = [
    "id", "title", "area", "value", "numerator", "denominator", "baseline", "better",
    "excluded", "period_start", "period_end",
]  # fmt: skip


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{text!r} is not a date: write YYYY-MM-DD.") from None


def period_from_options(period: str | None, start: str | None, end: str | None, today: date):
    if period and (start or end):
        raise CommandError("Give --period, or --from and --to, not both.")
    if bool(start) != bool(end):
        raise CommandError("Give both --from and --to.")
    try:
        if period:
            return periods.parse(period)
        if start:
            return periods.between(_date(start), _date(end))
    except periods.BadPeriod as exc:
        raise CommandError(str(exc)) from None
    return periods.last_complete_quarter(today)


def rows(period, *, suppress: bool = False, now=None) -> list[dict]:
    """One dict per KPI, in the registry's order: what the JSON and CSV hold."""
    out = []
    for fig in selectors.figures(period, now):
        kpi, result = fig.kpi, fig.result
        numerator, denominator = result.numerator, result.denominator
        value = round(result.value, 4) if result.value is not None else None
        excluded = dict(result.excluded)
        if suppress:
            small = [n for n in (numerator, denominator) if n is not None]
            if any(0 < n < selectors.SMALL_NUMBER for n in small):
                value = None  # a rate over small numbers would give them away
            numerator = selectors.suppress(numerator)
            denominator = selectors.suppress(denominator) if denominator is not None else None
            excluded = {k: selectors.suppress(v) for k, v in excluded.items()}
        out.append(
            {
                "id": kpi.key,
                "title": kpi.title,
                "area": kpi.area,
                "value": value,
                "numerator": numerator,
                "denominator": denominator,
                "baseline": kpi.baseline,
                "better": kpi.better,
                "excluded": excluded,
                "period_start": period.start.isoformat(),
                "period_end": period.end.isoformat(),
            }
        )
    return out


def as_csv(data: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for row in data:
        cells = []
        for column in COLUMNS:
            value = row[column]
            if column == "excluded":
                value = "; ".join(f"{k}: {v}" for k, v in value.items())
            cells.append("" if value is None else safe_cell(value))
        writer.writerow(cells)
    return buffer.getvalue()


class Command(BaseCommand):
    help = __doc__.split("\n\n")[0].split(": ", 1)[1]

    def add_arguments(self, parser):
        parser.add_argument("--period", help="2026-Q2, 2026-05, FY2026-27 or 2026")
        parser.add_argument("--from", dest="start", help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="end", help="last day, YYYY-MM-DD")
        parser.add_argument("--format", choices=["json", "csv"], default="json")
        parser.add_argument("--suppress", action="store_true", help='counts of 1-4 as "<5"')
        parser.add_argument("--out", type=Path, help="write to this file")

    def handle(self, *args, period, start, end, format, suppress, out, **options):
        chosen = period_from_options(period, start, end, timezone.localdate())
        data = rows(chosen, suppress=suppress)
        text = json.dumps(data, indent=2) + "\n" if format == "json" else as_csv(data)
        if out is not None:
            try:
                out.write_text(text, encoding="utf-8")
            except OSError as exc:
                raise CommandError(f"Cannot write {out}: {exc.strerror or exc}") from None
        else:
            self.stdout.write(text, ending="")
        record(
            action="insights.kpis.exported",
            actor=None,
            details={
                "period_start": chosen.start.isoformat(),
                "period_end": chosen.end.isoformat(),
                "format": format,
                "suppressed": suppress,
                "kpis": len(data),
                "file": out.name if out else "",
                "run_by": "command:kpis",
            },
        )
