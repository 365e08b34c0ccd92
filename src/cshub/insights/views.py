"""The KPI dashboard for managers, analysts and panel chairs: every section-14 figure for a
period with its 8-quarter trend and baseline, each KPI's breakdowns, and the drill-down behind a
number. Thin: authorise, read through `selectors`, render; every request writes an audit row.
Everyone else gets a 404 and a "denied" row."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from cshub.audit.models import Outcome
from cshub.audit.services import record

from . import charts, cohort, periods, policy, selectors
from . import report as quarterly
from . import services as insights_services
from .forms import CommentaryForm
from .kpis import KPIS, Kpi
from .models import COMMENTARY_MAX

TREND_QUARTERS = 8


def _refuse(action: str, **details):
    record(action=action, outcome=Outcome.DENIED, details=details)
    raise Http404("No such page")


def _allowed_or_404(request: HttpRequest, action: str, **details) -> None:
    if not policy.can_view_dashboard(request.user):
        _refuse(action, **details)


def _period(request: HttpRequest) -> tuple[periods.Period, str]:
    """The period asked for (`?period=`), or the last complete quarter; with the problem, if the
    one asked for could not be read (the default is shown instead)."""
    text = request.GET.get("period", "").strip()
    default = periods.last_complete_quarter(timezone.localdate())
    if not text:
        return default, ""
    try:
        return periods.parse(text), ""
    except periods.BadPeriod as exc:
        return default, str(exc)


def _kpi_or_404(key: str, action: str) -> Kpi:
    kpi = KPIS.get(key)
    if kpi is None:
        _refuse(action, kpi=key[:60], reason="no such KPI")
    return kpi


def display(kpi: Kpi, value: float | None) -> str:
    """A KPI's value as people read it: a percentage for a rate, a whole number for a count."""
    if value is None:
        return "No value"
    return f"{value:.0%}" if kpi.is_rate else f"{value:,.0f}"


def _summary(kpi: Kpi, trend: list[selectors.Figure]) -> dict:
    now, before = trend[-1], trend[-2] if len(trend) > 1 else None
    right = selectors.moved_the_right_way(kpi, before.value if before else None, now.value)
    return {
        "kpi": kpi,
        "trend": [{"period": f.period.label, "value": f.value, "shown": display(kpi, f.value),
                   "numerator": f.result.numerator, "denominator": f.result.denominator}
                  for f in trend],
        "baseline": display(kpi, kpi.baseline) if kpi.baseline is not None else "",
        "moved": right,
        "previous": display(kpi, before.value) if before else "",
    }  # fmt: skip


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    action = "insights.dashboard.viewed"
    _allowed_or_404(request, action)
    period, problem = _period(request)
    now = timezone.now()
    rows = []
    is_quarter = period == periods.quarter_of(period.end)
    for kpi in KPIS.values():
        trend = selectors.trend(kpi, period, TREND_QUARTERS, now)
        # A quarter's figure is the trend's last point (one query fewer per KPI); exclusions
        # are shown on the KPI's own page.
        fig = trend[-1] if is_quarter else selectors.figure(kpi, period, now)
        rows.append(
            _summary(fig.kpi, trend)
            | {"figure": fig, "shown": display(fig.kpi, fig.value), "result": fig.result}
        )
    areas: dict[str, list] = {}
    for row in rows:
        areas.setdefault(row["kpi"].area, []).append(row)
    record(action=action, details={"period": period.slug, "bad_period": bool(problem)})
    return render(
        request,
        "insights/dashboard.html",
        {
            "period": period,
            "problem": problem,
            "asked": request.GET.get("period", ""),
            "areas": areas,
            "quarters": [p.label for p in periods.quarters_ending(period, TREND_QUARTERS)],
        },
        status=400 if problem else 200,
    )


@require_GET
def kpi_detail(request: HttpRequest, key: str) -> HttpResponse:
    action = "insights.kpi.viewed"
    _allowed_or_404(request, action, kpi=key[:60])
    kpi = _kpi_or_404(key, action)
    period, problem = _period(request)
    now = timezone.now()
    fig = selectors.figure(kpi, period, now)
    trend = selectors.trend(kpi, period, TREND_QUARTERS, now)
    breakdowns = []
    for dimension, label, groups in selectors.breakdowns(kpi, period, now):
        breakdowns.append(
            {
                "key": dimension,
                "label": label,
                "rows": [
                    {"group": r.group, "numerator": r.numerator, "denominator": r.denominator,
                     "shown": display(kpi, r.value)}
                    for r in groups
                ],
                "chart": charts.bar_spec(
                    [{"group": r.group, "value": r.value} for r in groups],
                    title=f"{kpi.title}, by {label.lower()}",
                    percent=kpi.is_rate,
                ) if groups else None,
            }
        )  # fmt: skip
    summary = _summary(kpi, trend)
    chart = charts.trend_spec(
        [{"period": p["period"], "value": p["value"]} for p in summary["trend"]],
        title=kpi.title,
        percent=kpi.is_rate,
        baseline=kpi.baseline,
    )
    record(action=action, details={"kpi": kpi.key, "period": period.slug})
    return render(
        request,
        "insights/kpi.html",
        {
            "kpi": kpi,
            "period": period,
            "problem": problem,
            "asked": request.GET.get("period", ""),
            "figure": fig,
            "shown": display(kpi, fig.value),
            "summary": summary,
            "trend_chart": chart,
            "breakdowns": breakdowns,
        },
        status=400 if problem else 200,
    )


@require_GET
def kpi_records(request: HttpRequest, key: str) -> HttpResponse:
    """The rows behind a number: only those about people the viewer may see are listed."""
    action = "insights.kpi_records.viewed"
    _allowed_or_404(request, action, kpi=key[:60])
    kpi = _kpi_or_404(key, action)
    period, problem = _period(request)
    if problem:
        _refuse(action, kpi=kpi.key, reason="bad period")
    part = request.GET.get("part", "numerator")
    if part not in ("numerator", "denominator") or (part == "denominator" and not kpi.is_rate):
        _refuse(action, kpi=kpi.key, reason="bad part")
    now = timezone.now()
    counted = kpi.counted(period.start, period.end, now)
    found = selectors.records(kpi, period, request.user, part=part, now=now)
    rows = [{"row": r, "person": selectors.person_of(counted, r)} for r in found.rows]
    record(
        action=action,
        details={
            "kpi": kpi.key,
            "period": period.slug,
            "part": part,
            "shown": len(rows),
            "hidden": found.hidden,
            "people": sorted({str(r["person"].pk) for r in rows if r["person"]})[:200],
        },
    )
    return render(
        request,
        "insights/records.html",
        {
            "kpi": kpi,
            "period": period,
            "part": part,
            "rows": rows,
            "hidden": found.hidden,
            "total": found.total,
            "about_people": counted.person is not None,
        },
    )


@require_GET
def cohort_page(request: HttpRequest) -> HttpResponse:
    """The children open to the exploitation response on a day (`?on=`, default today), by
    each characteristic, and each group's share against the borough's child population."""
    action = "insights.cohort.viewed"
    _allowed_or_404(request, action)
    today = timezone.localdate()
    asked = request.GET.get("on", "").strip()
    problem = ""
    on = today
    if asked:
        try:
            on = date.fromisoformat(asked)
        except ValueError:
            problem = f"{asked!r} is not a date: write it as YYYY-MM-DD, e.g. {today}."
    total = cohort.cohort(on).count()
    tables = []
    for dimension, label in cohort.DIMENSIONS.items():
        groups = cohort.breakdown(on, dimension)
        table = {"key": dimension, "label": label, "groups": groups, "ratios": None}
        if dimension in cohort.COMPARED:
            year, ratios = cohort.disproportionality(on, dimension)
            table |= {"year": year, "ratios": ratios}
            if ratios:
                table["chart"] = charts.ratio_spec(
                    [{"group": r.group, "ratio": r.ratio, "low": r.low, "high": r.high}
                     for r in ratios],
                    title=f"Share of the cohort against the child population, by {label.lower()}",
                )  # fmt: skip
        tables.append(table)
    record(action=action, details={"on": on.isoformat(), "children": total})
    return render(
        request,
        "insights/cohort.html",
        {"on": on, "asked": asked, "problem": problem, "total": total, "tables": tables},
        status=400 if problem else 200,
    )


# --- The quarterly report -----------------------------------------------------------------------
# The printable page, its XLSX and CSV downloads and the managers' commentary (insights/report.py).
# Everything in it is suppressed (counts of 1-4 as "<5") and names no one. Each page shown and
# each download is an export: one "insights.report.exported" row with the period and format.

REPORT_EXPORTED = "insights.report.exported"


def _report_page(
    request: HttpRequest,
    period: periods.Period,
    *,
    problem: str = "",
    failed: dict | None = None,
    page_errors: list | None = None,
    status: int = 200,
) -> HttpResponse:
    built = quarterly.build(period)
    record(
        action=REPORT_EXPORTED,
        details={"period": period.slug, "format": "html", "bad_period": bool(problem)},
    )
    return render(
        request,
        "insights/report.html",
        {
            "report": built,
            "base_template": "base.html",
            "standalone": False,
            "period": period,
            "problem": problem,
            "asked": request.GET.get("period", ""),
            "can_comment": True,  # the same people as the dashboard (checked before)
            "commentary_max": f"{COMMENTARY_MAX:,}",
            "failed": failed,
            "page_errors": page_errors or [],
            "charts": any(s.chart for s in built.sections),
        },
        status=status,
    )


@require_GET
def report_page(request: HttpRequest) -> HttpResponse:
    """The printable report (print it, or save it as PDF, from the browser)."""
    _allowed_or_404(request, REPORT_EXPORTED, format="html")
    period, problem = _period(request)
    return _report_page(request, period, problem=problem, status=400 if problem else 200)


def _download(request: HttpRequest, fmt: str) -> HttpResponse:
    _allowed_or_404(request, REPORT_EXPORTED, format=fmt)
    period, problem = _period(request)
    if problem:
        record(
            action=REPORT_EXPORTED,
            outcome=Outcome.FAILED,
            details={"format": fmt, "reason": "bad period"},
        )
        return HttpResponse(
            f"{problem} Nothing was exported.", status=400, content_type="text/plain; charset=utf-8"
        )
    if fmt == "xlsx":
        body = quarterly.as_xlsx(quarterly.build(period, charts=False))
        content_type = quarterly.XLSX_TYPE
    else:
        body, content_type = quarterly.as_csv(period), "text/csv; charset=utf-8"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{quarterly.filename(period, fmt)}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    record(action=REPORT_EXPORTED, details={"period": period.slug, "format": fmt})
    return response


@require_GET
def report_xlsx(request: HttpRequest) -> HttpResponse:
    return _download(request, "xlsx")


@require_GET
def report_csv(request: HttpRequest) -> HttpResponse:
    return _download(request, "csv")


_SAVED = {
    "created": "Commentary saved",
    "updated": "Commentary changed",
    "deleted": "Commentary removed",
    "unchanged": "Nothing to change: the commentary was already as sent",
}


@require_POST
def report_commentary(request: HttpRequest) -> HttpResponse:
    """Save a manager's commentary on one KPI for one period, through the service; then back to
    the report at that KPI. Bad input: the report again with the message, nothing changed."""
    action = "insights.commentary.save_requested"
    _allowed_or_404(request, action)
    form = CommentaryForm(request.POST)
    key = request.POST.get("kpi", "")[:60]
    errors: dict[str, list[str]] = {}
    if form.is_valid():
        data = form.cleaned_data
        try:
            saved = insights_services.commentary_save(
                actor=request.user, kpi_key=data["kpi"], period=data["period"], text=data["text"]
            )
        except ValidationError as exc:
            errors = exc.message_dict
        else:
            period = periods.parse(data["period"])  # the service has read it
            if saved.change == "unchanged":
                record(
                    action="insights.commentary.unchanged",
                    details={"kpi": key, "period": period.slug},
                )
            kpi = KPIS[key]
            messages.success(request, f"{_SAVED[saved.change]}: {kpi.title}, {period.label}.")
            query = urlencode({"period": period.slug})
            return redirect(f"{reverse('insights:report')}?{query}#commentary-{kpi.key}")
    else:
        errors = {k: [str(e) for e in v] for k, v in form.errors.items()}
    record(
        action="insights.commentary.refused",
        outcome=Outcome.FAILED,
        details={"kpi": key, "errors": sorted(errors)},
    )
    try:
        period = periods.parse(request.POST.get("period", ""))
    except periods.BadPeriod:
        period = periods.last_complete_quarter(timezone.localdate())
    known = key in KPIS
    text_errors = errors.get("text", [])
    failed = (
        {"kpi": key, "message": " ".join(text_errors), "text": request.POST.get("text", "")}
        if known and text_errors
        else None
    )
    page_errors = [
        {
            "href": f"#commentary-text-{key}" if known and field == "text" else "#main-content",
            "message": f"{KPIS[key].title}: {message}" if known else message,
        }
        for field, field_errors in errors.items()
        for message in field_errors
    ]
    page_errors.append({"href": "#main-content", "message": "Nothing has been saved."})
    return _report_page(request, period, failed=failed, page_errors=page_errors, status=400)
