"""Vega-Lite chart specifications for the KPI dashboard and reports, built with Altair.

Each helper returns a plain dict (a Vega-Lite spec, `chart.to_dict()`), ready for Django's
`json_script` filter and `insights/_chart.html`, which `cshub/charts.js` draws with vega-embed
under the site's strict Content Security Policy (docs/operating.md, "Charts").

- Data travel inline (`data.values`), in the order given: periods and groups keep that order on
  the axis; nothing is re-sorted.
- A value of None is missing, not zero: a trend line breaks there and the period stays on the
  axis; a ratio with no value shows no point but keeps its row.
- `percent=True` means the values are proportions (0.8 is 80%), as `insights.kpis` gives rates.
- Every spec has a `description` (Vega sets it as the chart's accessible name) saying what the
  chart shows, and GOV.UK colours and type. A chart never stands alone: the page gives the same
  figures in a table.
- Width is the container's (`"container"`): the chart fills the column it is put in, a GOV.UK
  two-thirds column on the dashboard; `.cshub-chart` in cshub.css caps it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import altair as alt

# GOV.UK Design System colours.
BLUE = "#1d70b8"
GREY = "#505a5f"
MID_GREY = "#b1b4b6"
LIGHT_GREY = "#f3f2f1"
RED = "#d4351c"
BLACK = "#0b0c0c"

FONT = "arial, sans-serif"  # as cshub.css: Arial, not GDS Transport, outside GOV.UK
WIDTH = "container"
HEIGHT = 240  # the plotting area of a trend, in pixels
ROW_STEP = 32  # the height of one group's row in bar and ratio charts

# Ratio-axis ticks for the log scale: 1-2-5 steps either side of 1.
_LOG_TICKS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100)
# Descriptions list every value up to this many; beyond it they point to the table.
_DESCRIBE_AT_MOST = 12

CONFIG: dict[str, Any] = {
    "font": FONT,
    "background": "#ffffff",
    "padding": 8,
    "view": {"stroke": None},
    "title": {
        "fontSize": 19,
        "fontWeight": "bold",
        "color": BLACK,
        "anchor": "start",
        "offset": 12,
    },
    "axis": {
        "labelFontSize": 14,
        "titleFontSize": 14,
        "titleFontWeight": "normal",
        "labelColor": BLACK,
        "titleColor": BLACK,
        "domainColor": GREY,
        "tickColor": GREY,
        "gridColor": LIGHT_GREY,
        "labelLimit": 220,
    },
    "text": {"fontSize": 14, "color": BLACK},
}


def _format(percent: bool, *, precise: bool = False) -> str:
    """A d3 format: whole percentages on axes, one decimal place in labels and tooltips."""
    if percent:
        return ".1~%" if precise else ".0%"
    return ",.2~f"


def _show(value: float | None, percent: bool) -> str:
    if value is None:
        return "no value"
    if percent:
        return f"{value * 100:.1f}".removesuffix(".0") + "%"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _in_order(values: Iterable[str]) -> list[str]:
    """Distinct values, first appearance first: the axis order as given."""
    return list(dict.fromkeys(values))


def _finish(chart: alt.TopLevelMixin, *, title: str, description: str) -> dict[str, Any]:
    chart = chart.properties(title=title, description=description, width=WIDTH)
    return chart.configure(**CONFIG).to_dict()


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def trend_spec(
    points: Sequence[Mapping[str, Any]],
    *,
    title: str,
    percent: bool = False,
    baseline: float | None = None,
    baseline_label: str = "Baseline",
    description: str | None = None,
) -> dict[str, Any]:
    """A line with a point per period, in the order given.

    `points`: [{"period": "2025-Q3", "value": 0.72 or None}, ...]. A None value leaves a gap
    in the line (the period stays on the axis). `baseline` draws a dashed horizontal rule,
    labelled `baseline_label` and its value. `description` replaces the generated one.
    """
    values = [{"period": str(p["period"]), "value": _number(p["value"])} for p in points]
    periods = _in_order(v["period"] for v in values)
    x = alt.X(
        "period:O",
        sort=None,
        scale=alt.Scale(domain=periods),  # every period, a missing one too, in the order given
        axis=alt.Axis(title=None, labelAngle=0, labelOverlap=True),
    )
    y = alt.Y("value:Q", title=None, axis=alt.Axis(format=_format(percent), tickCount=5))
    # A missing value breaks the line; a point marks each value (one between two gaps too).
    line = alt.Chart().mark_line(color=BLUE, strokeWidth=3, invalid="break-paths-show-domains")
    points = alt.Chart().mark_point(color=BLUE, fill=BLUE, size=60, opacity=1, invalid="filter")
    layers = [
        alt.layer(
            line.encode(x=x, y=y),
            points.encode(
                x=x,
                y=y,
                tooltip=[
                    alt.Tooltip("period:O", title="Period"),
                    alt.Tooltip("value:Q", title="Value", format=_format(percent, precise=True)),
                ],
            ),
            data=alt.Data(values=values),
        )
    ]
    if baseline is not None:
        label = f"{baseline_label} {_show(baseline, percent)}"
        rule = alt.Chart().mark_rule(color=GREY, strokeDash=[6, 4], strokeWidth=2)
        # The label sits at the right-hand end of the plotting area, just above the rule.
        text = alt.Chart().mark_text(align="right", baseline="bottom", dx=-4, dy=-4, color=GREY)
        layers.append(
            alt.layer(
                rule.encode(y="baseline:Q", tooltip=alt.Tooltip("label:N", title="Baseline")),
                text.encode(y="baseline:Q", x=alt.value("width"), text="label:N"),
                data=alt.Data(values=[{"baseline": float(baseline), "label": label}]),
            )
        )
    chart = alt.layer(*layers).properties(height=HEIGHT)

    if description is None:
        description = _describe_trend(title, values, percent, baseline, baseline_label)
    return _finish(chart, title=title, description=description)


def _describe_trend(
    title: str,
    values: list[dict[str, Any]],
    percent: bool,
    baseline: float | None,
    baseline_label: str,
) -> str:
    if not values:
        return f"{title}: line chart with no periods."
    parts = [
        f"{title}: line chart of {len(values)} period{'s' if len(values) != 1 else ''}, "
        f"{values[0]['period']} to {values[-1]['period']}."
    ]
    if len(values) <= _DESCRIBE_AT_MOST:
        parts.append("; ".join(f"{v['period']} {_show(v['value'], percent)}" for v in values) + ".")
    else:
        known = [v for v in values if v["value"] is not None]
        if known:
            last = known[-1]
            parts.append(f"Latest {last['period']}: {_show(last['value'], percent)}.")
        missing = [v["period"] for v in values if v["value"] is None]
        if missing:
            parts.append(f"No value for {len(missing)} of the periods.")
    if baseline is not None:
        parts.append(f"{baseline_label}: {_show(baseline, percent)}.")
    return " ".join(parts)


def bar_spec(
    rows: Sequence[Mapping[str, Any]],
    *,
    title: str,
    percent: bool = False,
    description: str | None = None,
) -> dict[str, Any]:
    """Horizontal bars, one per group, in the order given, each labelled with its value.

    `rows`: [{"group": "Female", "value": 0.42}, ...]. A None value draws no bar (the group
    keeps its row and is labelled "no value").
    """
    values = [{"group": str(r["group"]), "value": _number(r["value"])} for r in rows]
    groups = _in_order(v["group"] for v in values)
    for v in values:
        v["label"] = _show(v["value"], percent)
    base = alt.Chart(alt.Data(values=values)).encode(
        y=alt.Y(
            "group:N",
            sort=None,
            scale=alt.Scale(domain=groups),
            axis=alt.Axis(title=None, ticks=False, domain=False),
        ),
        tooltip=[
            alt.Tooltip("group:N", title="Group"),
            alt.Tooltip("label:N", title="Value"),
        ],
    )
    bars = base.mark_bar(color=BLUE, invalid="filter").encode(
        x=alt.X(
            "value:Q",
            title=None,
            axis=alt.Axis(format=_format(percent), tickCount=5, grid=True),
        )
    )
    # The label sits just past the end of the bar (at zero for a group with no value).
    labels = base.mark_text(align="left", baseline="middle", dx=4, color=BLACK).encode(
        x=alt.X("value_or_zero:Q", title=None), text="label:N"
    )
    labels = labels.transform_calculate(value_or_zero="isValid(datum.value) ? datum.value : 0")
    chart = alt.layer(bars, labels).properties(height=alt.Step(ROW_STEP))

    if description is None:
        description = _describe_groups(title, "bar chart", values, key="label")
    return _finish(chart, title=title, description=description)


def _describe_groups(title: str, kind: str, values: list[dict[str, Any]], key: str) -> str:
    """`key` names each row's value as the chart labels it."""
    n = len(values)
    head = f"{title}: {kind}, {n} group{'s' if n != 1 else ''}."
    if n == 0 or n > _DESCRIBE_AT_MOST:
        return head
    return head + " " + "; ".join(f"{v['group']} {v[key]}" for v in values) + "."


def ratio_spec(
    rows: Sequence[Mapping[str, Any]],
    *,
    title: str,
    description: str | None = None,
) -> dict[str, Any]:
    """Disproportionality: a point per group at its ratio, an error bar from low to high, and a
    dashed rule at 1.0 (in proportion). Groups in the order given.

    `rows`: [{"group": "Black", "ratio": 1.8, "low": 1.2, "high": 2.6}, ...]; any number may be
    None (no point, or no bar). The ratio axis is logarithmic (so 0.5 and 2 sit equally far from
    1) when every number is above zero, otherwise linear from zero.
    """
    values = [
        {
            "group": str(r["group"]),
            "ratio": _number(r["ratio"]),
            "low": _number(r.get("low")),
            "high": _number(r.get("high")),
        }
        for r in rows
    ]
    groups = _in_order(v["group"] for v in values)
    for v in values:
        interval = (
            f" ({_show(v['low'], False)} to {_show(v['high'], False)})"
            if v["low"] is not None and v["high"] is not None
            else ""
        )
        v["label"] = _show(v["ratio"], False) + interval
    numbers = [x for v in values for x in (v["ratio"], v["low"], v["high"]) if x is not None]
    numbers.append(1.0)
    if min(numbers) > 0:
        lo = max([t for t in _LOG_TICKS if t <= min(numbers)], default=min(numbers))
        hi = min([t for t in _LOG_TICKS if t >= max(numbers)], default=max(numbers))
        ticks = [t for t in _LOG_TICKS if lo <= t <= hi]
        scale = alt.Scale(type="log", domain=[lo, hi], nice=False)
        axis = alt.Axis(values=ticks, format="~g", grid=True)
    else:
        scale = alt.Scale(type="linear", zero=True)
        axis = alt.Axis(format="~g", grid=True, tickCount=5)
    x_title = "Ratio (1 = in proportion)"
    x = alt.X("ratio:Q", title=x_title, scale=scale, axis=axis)
    y = alt.Y(
        "group:N",
        sort=None,
        scale=alt.Scale(domain=groups),  # every group, one with no ratio too, in the order given
        axis=alt.Axis(title=None, ticks=False, domain=False),
    )
    tooltip = [
        alt.Tooltip("group:N", title="Group"),
        alt.Tooltip("label:N", title="Ratio (interval)"),
    ]
    one = (
        alt.Chart(alt.Data(values=[{"ratio": 1.0}]))
        .mark_rule(color=GREY, strokeDash=[6, 4], strokeWidth=2)
        .encode(x=alt.X("ratio:Q"))
    )
    intervals = (
        alt.Chart()
        .mark_rule(color=BLACK, strokeWidth=2, invalid="filter")
        .encode(
            x=alt.X("low:Q", scale=scale, axis=axis, title=x_title),
            x2="high:Q",
            y=y,
            tooltip=tooltip,
        )
    )
    points = (
        alt.Chart()
        .mark_point(shape="diamond", filled=True, size=120, color=BLUE, opacity=1, invalid="filter")
        .encode(x=x, y=y, tooltip=tooltip)
    )
    chart = alt.layer(one, alt.layer(intervals, points, data=alt.Data(values=values))).properties(
        height=alt.Step(ROW_STEP)
    )

    if description is None:
        description = _describe_groups(
            title, "chart of ratios (1 is in proportion)", values, key="label"
        )
    return _finish(chart, title=title, description=description)
