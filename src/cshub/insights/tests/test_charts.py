"""Chart specs (insights/charts.py): valid Vega-Lite, holding the data as given, gaps for missing
values, percentages formatted as such, an accessible description, and the include that puts a
spec on a page."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import altair as alt
import pytest
from django.template.loader import render_to_string

from cshub.insights.charts import BLUE, bar_spec, ratio_spec, trend_spec

POINTS = [
    {"period": "2025-Q3", "value": 0.71},
    {"period": "2025-Q4", "value": None},
    {"period": "2025-Q1", "value": 0.8},  # out of calendar order on purpose: order is kept
    {"period": "2025-Q2", "value": 0.655},
]
ROWS = [
    {"group": "Not known", "value": 0.1},
    {"group": "Female", "value": 0.42},
    {"group": "Male", "value": 0.3},
]
RATIOS = [
    {"group": "White", "ratio": 0.8, "low": 0.6, "high": 1.05},
    {"group": "Black", "ratio": 1.9, "low": 1.3, "high": 2.7},
    {"group": "Mixed", "ratio": None, "low": None, "high": None},
]


def _walk(spec: Any) -> Iterator[dict]:
    """Every object in the spec, depth first."""
    if isinstance(spec, dict):
        yield spec
        for value in spec.values():
            yield from _walk(value)
    elif isinstance(spec, list):
        for value in spec:
            yield from _walk(value)


def _data(spec: dict) -> list[list[dict]]:
    """Every inline data set in the spec (named datasets too)."""
    found = [d["data"]["values"] for d in _walk(spec) if "values" in d.get("data", {})]
    return found + list(spec.get("datasets", {}).values())


def _marks(spec: dict) -> list[dict]:
    return [
        d["mark"] if isinstance(d["mark"], dict) else {"type": d["mark"]}
        for d in _walk(spec)
        if "mark" in d
    ]


def _encodings(spec: dict, channel: str) -> list[dict]:
    return [d["encoding"][channel] for d in _walk(spec) if channel in d.get("encoding", {})]


def _valid(spec: dict) -> None:
    """Altair checks the dict against the Vega-Lite schema; JSON round trip as the page does."""
    alt.Chart.from_dict(json.loads(json.dumps(spec)))
    assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/v6")


def test_trend_is_valid_and_holds_the_points_in_order():
    spec = trend_spec(POINTS, title="RHI acceptance rate", percent=True, baseline=0.8)
    _valid(spec)
    assert spec["title"] == "RHI acceptance rate"
    assert spec["width"] == "container"
    assert [p for p in _data(spec) if len(p) == len(POINTS)] == [POINTS]
    x = _encodings(spec, "x")[0]
    assert x["type"] == "ordinal" and x["sort"] is None
    assert x["scale"]["domain"] == ["2025-Q3", "2025-Q4", "2025-Q1", "2025-Q2"]
    assert {m["color"] for m in _marks(spec) if m["type"] in ("line", "point")} == {BLUE}


def test_trend_leaves_a_gap_for_a_missing_value_not_zero():
    spec = trend_spec(POINTS, title="RHI acceptance rate")
    values = next(d for d in _data(spec) if len(d) == len(POINTS))
    assert values[1] == {"period": "2025-Q4", "value": None}
    marks = {m["type"]: m for m in _marks(spec)}
    # The line breaks at the missing value and keeps its period on the axis (in the domain);
    # no point is drawn for it.
    assert marks["line"]["invalid"] == "break-paths-show-domains"
    assert marks["point"]["invalid"] == "filter"
    assert not any("impute" in d for d in _walk(spec))  # nothing fills the gap in
    assert "2025-Q4 no value" in spec["description"]


def test_trend_percent_formats_the_axis_and_tooltips_as_percentages():
    spec = trend_spec(POINTS, title="RHI acceptance rate", percent=True)
    y_formats = {y["axis"]["format"] for y in _encodings(spec, "y") if "axis" in y}
    assert y_formats == {".0%"}
    tooltips = [t for tips in _encodings(spec, "tooltip") for t in tips if isinstance(t, dict)]
    assert any(t.get("format") == ".1~%" for t in tooltips)
    assert "2025-Q2 65.5%" in spec["description"]

    plain = trend_spec(POINTS, title="Referrals")
    assert not any("%" in y.get("axis", {}).get("format", "") for y in _encodings(plain, "y"))
    assert "2025-Q3 0.71" in plain["description"]


def test_trend_baseline_is_a_labelled_rule():
    spec = trend_spec(POINTS, title="RHI acceptance rate", percent=True, baseline=0.8)
    assert [{"baseline": 0.8, "label": "Baseline 80%"}] in _data(spec)
    types = [m["type"] for m in _marks(spec)]
    assert "rule" in types and "text" in types
    assert spec["description"].endswith("Baseline: 80%.")

    without = trend_spec(POINTS, title="RHI acceptance rate", percent=True)
    assert "rule" not in [m["type"] for m in _marks(without)]


def test_trend_of_nothing_is_still_a_valid_chart():
    spec = trend_spec([], title="Nothing yet")
    _valid(spec)
    assert spec["description"] == "Nothing yet: line chart with no periods."


def test_bar_is_valid_horizontal_and_keeps_the_groups_in_order():
    spec = bar_spec(ROWS, title="By sex", percent=True)
    _valid(spec)
    (values,) = _data(spec)
    assert [{"group": v["group"], "value": v["value"]} for v in values] == ROWS
    bar = next(m for m in _marks(spec) if m["type"] == "bar")
    assert bar["color"] == BLUE
    y = _encodings(spec, "y")[0]
    assert y["type"] == "nominal" and y["sort"] is None
    assert y["scale"]["domain"] == ["Not known", "Female", "Male"]
    x_formats = {x["axis"]["format"] for x in _encodings(spec, "x") if x.get("axis")}
    assert x_formats == {".0%"}
    assert [v["label"] for v in values] == ["10%", "42%", "30%"]
    assert spec["description"] == (
        "By sex: bar chart, 3 groups. Not known 10%; Female 42%; Male 30%."
    )


def test_bar_with_a_missing_value_keeps_its_group():
    spec = bar_spec([*ROWS, {"group": "Other", "value": None}], title="By sex")
    _valid(spec)
    (values,) = _data(spec)
    assert values[-1]["value"] is None and values[-1]["label"] == "no value"
    assert _encodings(spec, "y")[0]["scale"]["domain"][-1] == "Other"


def test_ratio_is_valid_with_intervals_a_rule_at_one_and_a_log_scale():
    spec = ratio_spec(RATIOS, title="Disproportionality by ethnicity")
    _valid(spec)
    assert [{"ratio": 1.0}] in _data(spec)
    values = next(d for d in _data(spec) if len(d) == len(RATIOS))
    assert [{k: v[k] for k in ("group", "ratio", "low", "high")} for v in values] == RATIOS
    x = [e for e in _encodings(spec, "x") if "scale" in e]
    assert {e["scale"]["type"] for e in x} == {"log"}
    assert x[0]["scale"]["domain"] == [0.5, 5]
    assert x[0]["axis"]["values"] == [0.5, 1, 2, 5]
    assert _encodings(spec, "x2") == [{"field": "high"}]  # the interval, low to high
    assert _encodings(spec, "y")[0]["scale"]["domain"] == ["White", "Black", "Mixed"]
    assert "Black 1.9 (1.3 to 2.7)" in spec["description"]
    assert "Mixed no value" in spec["description"]


def test_ratio_with_a_zero_uses_a_linear_scale():
    spec = ratio_spec([{"group": "Asian", "ratio": 0, "low": 0, "high": 1.4}], title="Ratios")
    _valid(spec)
    assert {e["scale"]["type"] for e in _encodings(spec, "x") if "scale" in e} == {"linear"}


@pytest.mark.parametrize(
    "make",
    [
        lambda: trend_spec(POINTS, title="A trend", percent=True, baseline=0.8),
        lambda: bar_spec(ROWS, title="Bars"),
        lambda: ratio_spec(RATIOS, title="Ratios"),
    ],
)
def test_every_spec_is_accessible_and_sized_for_the_column(make):
    spec = make()
    assert spec["description"].startswith(spec["title"] + ": ")
    assert spec["width"] == "container"
    assert spec["config"]["font"] == "arial, sans-serif"
    assert "usermeta" not in spec  # no embed options ride along with the spec


def test_the_include_puts_the_spec_and_its_chart_on_the_page():
    spec = bar_spec(ROWS, title="By sex </script> & more", percent=True)
    html = render_to_string("insights/_chart.html", {"spec": spec, "chart_id": "chart-sex"})
    assert '<script id="chart-sex" type="application/json">' in html
    assert "</script> &" not in html  # json_script escapes the title inside the script
    assert 'data-vega-spec="chart-sex"' in html
    assert 'role="img"' in html
    assert 'aria-label="By sex &lt;/script&gt; &amp; more: bar chart, 3 groups.' in html
    assert "<figure" in html and "<figcaption" in html
    assert "figures given in the table on this page" in html
    payload = html.split('type="application/json">', 1)[1].split("</script>", 1)[0]
    assert json.loads(payload) == spec

    captioned = render_to_string(
        "insights/_chart.html",
        {"spec": spec, "chart_id": "chart-sex", "caption": "Table 2 gives the figures."},
    )
    assert "Table 2 gives the figures." in captioned
