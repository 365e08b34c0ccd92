"""Charts draw under the real Content Security Policy: no eval, no inline styles, no violation.

A test-only page (this module's own URL, with the project's URLs around it so base.html's links
resolve) renders three specs from insights/charts.py through the real base template, the real
middleware (the CSP header with its nonce) and insights/_chart.html, with the chart scripts in
base.html's extra_scripts block. Each chart must draw on a canvas of non-zero size, in GOV.UK
blue, keep its accessible name, and the page must report no CSP violation, console error or
warning, and add no <style> element. A tooltip is shown too (vega-tooltip's own stylesheet is the
part a strict CSP refuses). Switching off the interpreter or the style options in charts.js makes
this test fail (tried by hand): eval is refused and the chart is not drawn, or a <style> is
refused and the console says so.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.template import engines
from django.urls import path
from playwright.sync_api import expect

from cshub.insights.charts import bar_spec, ratio_spec, trend_spec
from cshub.urls import urlpatterns as project_urlpatterns

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls(__name__),
]

PAGE = """{% extends "base.html" %}
{% block title %}Charts{% endblock %}
{% block content %}
<h1 class="govuk-heading-l">Charts</h1>
<div class="govuk-grid-row"><div class="govuk-grid-column-two-thirds">
{% include "insights/_chart.html" with spec=trend chart_id="chart-trend" %}
{% include "insights/_chart.html" with spec=bars chart_id="chart-bars" %}
{% include "insights/_chart.html" with spec=ratios chart_id="chart-ratios" %}
</div></div>
{% endblock %}
{% block extra_scripts %}{% include "includes/chart_scripts.html" %}{% endblock %}
"""

SPECS = {
    "chart-trend": trend_spec(
        [
            {"period": "2025-Q1", "value": 0.74},
            {"period": "2025-Q2", "value": None},
            {"period": "2025-Q3", "value": 0.82},
            {"period": "2025-Q4", "value": 0.78},
        ],
        title="RHI acceptance rate",
        percent=True,
        baseline=0.8,
    ),
    "chart-bars": bar_spec(
        [
            {"group": "Female", "value": 0.62},
            {"group": "Male", "value": 0.35},
            {"group": "Not known", "value": 0.03},
        ],
        title="By sex",
        percent=True,
    ),
    "chart-ratios": ratio_spec(
        [
            {"group": "White", "ratio": 0.8, "low": 0.6, "high": 1.05},
            {"group": "Black", "ratio": 1.9, "low": 1.3, "high": 2.7},
            {"group": "Mixed", "ratio": None, "low": None, "high": None},
        ],
        title="Disproportionality by ethnicity",
    ),
}


@login_not_required
def charts_page(request):
    template = engines["django"].from_string(PAGE)
    context = {
        "trend": SPECS["chart-trend"],
        "bars": SPECS["chart-bars"],
        "ratios": SPECS["chart-ratios"],
    }
    return HttpResponse(template.render(context, request))


urlpatterns = [path("test-only/charts/", charts_page), *project_urlpatterns]

# Registered before any page script runs (Playwright injects it outside the page's CSP).
WATCH_CSP = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  const where = `${e.sourceFile}:${e.lineNumber}`;
  window.__csp.push(`${e.violatedDirective} blocked ${e.blockedURI} at ${where}`);
});
"""

# How many pixels of a canvas are GOV.UK blue (#1d70b8), give or take anti-aliasing.
BLUE_PIXELS = """(canvas) => {
  const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let n = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (Math.abs(data[i] - 0x1d) < 12 && Math.abs(data[i + 1] - 0x70) < 12
        && Math.abs(data[i + 2] - 0xb8) < 12 && data[i + 3] > 200) n++;
  }
  return n;
}"""


def test_charts_draw_under_the_csp_without_a_violation(page, live_server):
    messages, errors = [], []
    page.on("console", lambda m: messages.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.add_init_script(WATCH_CSP)

    response = page.goto(f"{live_server.url}/test-only/charts/")
    csp = response.headers["content-security-policy"]
    assert "'unsafe-eval'" not in csp and "'unsafe-inline'" not in csp
    assert "style-src 'self'" in csp

    charts = page.locator("[data-vega-spec]")
    expect(charts).to_have_count(3)
    for chart_id, spec in SPECS.items():
        chart = page.locator(f'[data-vega-spec="{chart_id}"]')
        expect(chart).to_have_attribute("data-vega-state", "drawn")
        canvas = chart.locator("canvas")
        expect(canvas).to_have_count(1)
        box = canvas.bounding_box()
        assert box and box["width"] > 200 and box["height"] > 80, (chart_id, box)
        assert canvas.evaluate(BLUE_PIXELS) > 20, f"{chart_id}: nothing drawn in blue"
        # The chart is an image named by the spec's description (Vega would make it a
        # "graphics-document"; charts.js puts the template's role and name back).
        expect(chart).to_have_attribute("role", "img")
        expect(chart).to_have_attribute("aria-label", spec["description"])
        expect(chart.locator("xpath=..").locator("figcaption")).to_contain_text("table")

    # The bar chart fits the two-thirds column it is in.
    column = page.locator(".govuk-grid-column-two-thirds").bounding_box()
    bars = page.locator('[data-vega-spec="chart-bars"] canvas').bounding_box()
    assert bars["x"] + bars["width"] <= column["x"] + column["width"] + 1

    # A tooltip: hover over the bars until one shows (vega-tooltip positions it through
    # element.style, which the CSP allows; its <style> element is switched off).
    tooltip = page.locator("#vg-tooltip-element")
    for fraction in (0.2, 0.3, 0.4, 0.5):
        for row in range(3):
            page.mouse.move(bars["x"] + bars["width"] * fraction, bars["y"] + 50 + row * 32)
            if tooltip.count() and "visible" in (tooltip.get_attribute("class") or ""):
                break
        else:
            continue
        break
    expect(tooltip).to_have_class("vg-tooltip visible light-theme")
    expect(tooltip).to_contain_text("Group")
    expect(tooltip).to_be_visible()

    assert page.evaluate("document.querySelectorAll('style').length") == 0
    assert page.evaluate("window.__csp") == []
    assert errors == []
    assert [m for m in messages if m.startswith(("error", "warning"))] == []

    # And axe-core finds nothing serious in the figures (image names, captions, contrast).
    violations = Axe().run(page).response["violations"]
    assert [v["id"] for v in violations if v["impact"] in {"serious", "critical"}] == []
