"""The quarterly report: every KPI of the strategy (section 14) for one period, as it may leave
the partnership, in three forms: a printable HTML page (GOV.UK styles and a print stylesheet),
an XLSX workbook and a CSV summary.

`build(period)` reads everything once through `selectors` (the same figures, trends and
breakdowns as the dashboard and `cshub kpis`) and suppresses small numbers as it goes, so no
form of the report can show what another hides:

- a count of 1 to 4 is shown as "<5" (0 and 5 or more as they are), in figures, trends,
  breakdown rows and the counts left out;
- a rate whose numerator or denominator is 1 to 4 shows no value ("Not shown"), and is not
  compared with the quarter before;
- trend charts plot only the values shown.

Aggregates only: the report names no one (commentary is printed without its writer's name).
Text cells of the workbook go through `core.exports.safe_cell`, so a spreadsheet never runs a
group name or a commentary as a formula.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from cshub.core.exports import safe_cell

from . import periods, selectors
from .charts import trend_spec
from .kpis import Kpi
from .models import KpiCommentary

TREND_QUARTERS = 8
NOT_SHOWN = "Not shown"  # a rate over a count of 1-4
NO_VALUE = "No value"  # a rate with nothing to count
DEFAULT_PARTNERSHIP = "Safeguarding Children Partnership"
FORMATS = ("html", "xlsx", "csv")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def partnership_name() -> str:
    return getattr(settings, "CSHUB_PARTNERSHIP_NAME", "") or DEFAULT_PARTNERSHIP


def _small(n: int | None) -> bool:
    return n is not None and 0 < n < selectors.SMALL_NUMBER


def display(kpi: Kpi, value: float | None) -> str:
    """As `views.display`: a percentage for a rate, a whole number for a count."""
    if value is None:
        return NO_VALUE
    return f"{value:.0%}" if kpi.is_rate else f"{value:,.0f}"


@dataclass(frozen=True)
class Shown:
    """A figure as it may leave the partnership. `value` is None when there is none or it is
    suppressed; `numerator` / `denominator` are the suppressed counts as text ("<5", "7");
    `denominator` is None for a count."""

    value: float | None
    shown: str
    numerator: str
    denominator: str | None
    suppressed: bool


def shown(kpi: Kpi, numerator: int, denominator: int | None) -> Shown:
    """One figure (a period's, a quarter's or a group's) with small numbers suppressed."""
    if kpi.is_rate:
        value = numerator / denominator if denominator else None
        hidden = _small(numerator) or _small(denominator)
    else:
        value = float(numerator)
        hidden = _small(numerator)
    if hidden:
        text = selectors.SUPPRESSED if not kpi.is_rate else NOT_SHOWN
        value = None
    else:
        text = display(kpi, value)
    return Shown(
        value=value,
        shown=text,
        numerator=selectors.suppress(numerator),
        denominator=selectors.suppress(denominator) if kpi.is_rate else None,
        suppressed=hidden,
    )


@dataclass(frozen=True)
class Point:
    period: str
    figure: Shown


@dataclass(frozen=True)
class Group:
    group: str
    figure: Shown


@dataclass(frozen=True)
class Breakdown:
    key: str
    label: str
    rows: list[Group]


@dataclass(frozen=True)
class Section:
    """One KPI in the report."""

    kpi: Kpi
    figure: Shown
    excluded: list[tuple[str, str]]
    baseline: str
    trend: list[Point]
    moved: bool | None  # the last quarter against the one before, on the values shown
    previous: Point | None
    breakdowns: list[Breakdown]
    commentary: KpiCommentary | None
    chart: dict | None = None

    @property
    def moved_text(self) -> str:
        if self.moved is True:
            return "Better"
        if self.moved is False:
            return "Worse"
        if self.previous is None or None in (
            self.previous.figure.value,
            self.trend[-1].figure.value,
        ):
            return "Not compared"
        return "No change"

    @property
    def current(self) -> Point:
        """The last quarter of the trend (the one holding the period's end)."""
        return self.trend[-1]

    @property
    def chart_id(self) -> str:
        return f"chart-{self.kpi.key}"


@dataclass(frozen=True)
class Report:
    period: periods.Period
    partnership: str
    generated_at: datetime
    sections: list[Section]
    quarters: list[str] = field(default_factory=list)

    @property
    def areas(self) -> dict[str, list[Section]]:
        out: dict[str, list[Section]] = {}
        for section in self.sections:
            out.setdefault(section.kpi.area, []).append(section)
        return out


def commentary_for(period: periods.Period) -> dict[str, KpiCommentary]:
    return {c.kpi_key: c for c in KpiCommentary.objects.filter(period_label=period.slug)}


def _chart(kpi: Kpi, trend: list[Point]) -> dict:
    return trend_spec(
        [{"period": p.period, "value": p.figure.value} for p in trend],
        title=f"{kpi.title}, by quarter",
        percent=kpi.is_rate,
        baseline=kpi.baseline,
    )


def build(period: periods.Period, *, now: datetime | None = None, charts: bool = True) -> Report:
    """Every KPI for `period`, suppressed, with its 8-quarter trend, its breakdowns and the
    commentary saved for the period. `charts`: add a trend chart spec to each KPI."""
    now = now or timezone.now()
    notes = commentary_for(period)
    sections = []
    for fig in selectors.figures(period, now):
        kpi, result = fig.kpi, fig.result
        trend = [
            Point(q.period.label, shown(kpi, q.result.numerator, q.result.denominator))
            for q in selectors.trend(kpi, period, TREND_QUARTERS, now)
        ]
        previous = trend[-2] if len(trend) > 1 else None
        moved = selectors.moved_the_right_way(
            kpi, previous.figure.value if previous else None, trend[-1].figure.value
        )
        breakdowns = []
        for dimension, label, rows in selectors.breakdowns(kpi, period, now):
            breakdowns.append(
                Breakdown(
                    dimension,
                    label,
                    [Group(r.group, shown(kpi, r.numerator, r.denominator)) for r in rows],
                )
            )
        sections.append(
            Section(
                kpi=kpi,
                figure=shown(kpi, result.numerator, result.denominator),
                excluded=[(k, selectors.suppress(v)) for k, v in result.excluded.items()],
                baseline=display(kpi, kpi.baseline) if kpi.baseline is not None else "",
                trend=trend,
                moved=moved,
                previous=previous,
                breakdowns=breakdowns,
                commentary=notes.get(kpi.key),
                chart=_chart(kpi, trend) if charts else None,
            )
        )
    return Report(
        period=period,
        partnership=partnership_name(),
        generated_at=now,
        sections=sections,
        quarters=[q.label for q in periods.quarters_ending(period, TREND_QUARTERS)],
    )


# --- HTML ---------------------------------------------------------------------------------------

_FILE_STYLES = (
    "vendor/govuk-frontend/govuk-frontend.min.css",
    "cshub/cshub.css",
    "insights/report.css",
)


def _inline_styles() -> str:
    """The stylesheets, for a report file read away from cshub (no server to fetch them)."""
    parts = []
    for name in _FILE_STYLES:
        found = finders.find(name)
        if found:
            with open(found, encoding="utf-8") as f:
                parts.append(f.read().replace("</", "<\\/"))
    return "\n".join(parts)


def as_html_file(report: Report) -> str:
    """The report as one self-contained HTML file (its styles inline, no scripts, no forms): the
    figures in tables, ready to print from any browser."""
    return render_to_string(
        "insights/report.html",
        {
            "report": report,
            "base_template": "insights/report_file.html",
            "styles": mark_safe(_inline_styles()),  # noqa: S308 - our own static files
            "standalone": True,
        },
    )


# --- XLSX ---------------------------------------------------------------------------------------

SUMMARY_COLUMNS = [
    "id", "title", "area", "period", "value", "numerator", "denominator", "baseline", "better",
    "previous quarter", "moved", "excluded", "commentary",
]  # fmt: skip


def _number_cell(cell, kpi: Kpi, figure: Shown) -> None:
    """The value as a number (a percentage format for a rate), or the text shown instead."""
    if figure.value is not None:
        cell.value = figure.value
        cell.number_format = "0%" if kpi.is_rate else "#,##0"
    else:
        cell.value = safe_cell(figure.shown)


def _count(text: str | None):
    """A suppressed count as a number when it is one, else its text ("<5")."""
    if text is None:
        return None
    return int(text) if text.isdigit() else safe_cell(text)


def _table(sheet, header: list[str], bold) -> None:
    sheet.append([safe_cell(h) for h in header])
    for cell in sheet[sheet.max_row]:
        cell.font = bold


def as_xlsx(report: Report) -> bytes:
    """A summary sheet (one row per KPI) and one sheet per KPI (named by its id) with the trend
    and each breakdown; small numbers suppressed, every text cell escaped."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    bold, title = Font(bold=True), Font(bold=True, size=14)
    book = Workbook()
    summary = book.active
    summary.title = "Summary"
    summary.append([safe_cell(f"{report.partnership}: KPI report, {report.period.label}")])
    summary["A1"].font = title
    summary.append(
        [
            safe_cell(
                f"{report.period.start:%-d %B %Y} to {report.period.end:%-d %B %Y}. Counts of 1 "
                f"to 4 are shown as {selectors.SUPPRESSED}; a rate over them is not shown. "
                f"Generated {timezone.localtime(report.generated_at):%-d %B %Y %H:%M}."
            )
        ]
    )
    summary.append([])
    _table(summary, SUMMARY_COLUMNS, bold)
    for s in report.sections:
        kpi = s.kpi
        summary.append(
            [
                safe_cell(kpi.key),
                safe_cell(kpi.title),
                safe_cell(kpi.area),
                safe_cell(report.period.label),
                None,
                _count(s.figure.numerator),
                _count(s.figure.denominator),
                kpi.baseline,
                safe_cell(kpi.better),
                None,
                safe_cell(s.moved_text),
                safe_cell("; ".join(f"{k}: {v}" for k, v in s.excluded)),
                safe_cell(s.commentary.text if s.commentary else ""),
            ]
        )
        row = summary.max_row
        _number_cell(summary.cell(row, 5), kpi, s.figure)
        if kpi.baseline is not None:
            summary.cell(row, 8).number_format = "0%"
        if s.previous is not None:
            _number_cell(summary.cell(row, 10), kpi, s.previous.figure)
    summary.freeze_panes = "B5"
    for letter, width in zip(
        "ABCDEFGHIJKLM", (30, 60, 24, 10, 10, 11, 12, 9, 18, 10, 12, 30, 60), strict=True
    ):
        summary.column_dimensions[letter].width = width

    for s in report.sections:
        kpi = s.kpi
        sheet = book.create_sheet(kpi.key[:31])
        sheet.append([safe_cell(kpi.title)])
        sheet["A1"].font = title
        sheet.append([safe_cell("Area"), safe_cell(kpi.area)])
        sheet.append([safe_cell("Period"), safe_cell(report.period.label)])
        sheet.append([safe_cell("Counts"), safe_cell(kpi.numerator)])
        if kpi.is_rate:
            sheet.append([safe_cell("Out of"), safe_cell(kpi.denominator)])
        sheet.append([safe_cell("Value"), None])
        _number_cell(sheet.cell(sheet.max_row, 2), kpi, s.figure)
        if kpi.is_rate:
            sheet.append(
                [
                    safe_cell("Counted / out of"),
                    _count(s.figure.numerator),
                    _count(s.figure.denominator),
                ]
            )
        sheet.append(
            [
                safe_cell("Baseline"),
                kpi.baseline if kpi.baseline is not None else safe_cell("None set"),
            ]
        )
        if kpi.baseline is not None:
            sheet.cell(sheet.max_row, 2).number_format = "0%"
        sheet.append([safe_cell("Good is"), safe_cell(kpi.better)])
        sheet.append([safe_cell("Against the quarter before"), safe_cell(s.moved_text)])
        for reason, n in s.excluded:
            sheet.append([safe_cell("Left out"), safe_cell(reason), _count(n)])
        sheet.append(
            [safe_cell("Commentary"), safe_cell(s.commentary.text if s.commentary else "")]
        )
        columns = ["Value", "Counted", "Out of"] if kpi.is_rate else ["Count"]

        sheet.append([])
        sheet.append([safe_cell(f"Trend, {report.quarters[0]} to {report.quarters[-1]}")])
        sheet.cell(sheet.max_row, 1).font = bold
        _table(sheet, ["Quarter", *columns], bold)
        for p in s.trend:
            _figure_row(sheet, kpi, p.period, p.figure)
        for b in s.breakdowns:
            sheet.append([])
            sheet.append([safe_cell(f"By {b.label.lower()}, {report.period.label}")])
            sheet.cell(sheet.max_row, 1).font = bold
            _table(sheet, [b.label, *columns], bold)
            for g in b.rows:
                _figure_row(sheet, kpi, g.group, g.figure)
            if not b.rows:
                sheet.append([safe_cell("Nothing counted in this period.")])
        sheet.column_dimensions["A"].width = 32
        sheet.column_dimensions["B"].width = 60
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _figure_row(sheet, kpi: Kpi, label: str, figure: Shown) -> None:
    if kpi.is_rate:
        sheet.append([safe_cell(label), None, _count(figure.numerator), _count(figure.denominator)])
        _number_cell(sheet.cell(sheet.max_row, 2), kpi, figure)
    else:
        sheet.append([safe_cell(label), _count(figure.numerator)])


# --- CSV ----------------------------------------------------------------------------------------


def as_csv(period: periods.Period, *, now: datetime | None = None) -> str:
    """The summary, as `cshub kpis --format csv --suppress` writes it."""
    from .management.commands.kpis import as_csv as kpis_csv
    from .management.commands.kpis import rows

    return kpis_csv(rows(period, suppress=True, now=now))


def filename(period: periods.Period, fmt: str) -> str:
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in period.slug)
    return f"cshub-kpi-report-{safe}.{fmt}"
