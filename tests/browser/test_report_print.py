"""The quarterly report prints: a manager opens /insights/report/, the trend charts draw, and the
browser's own print (Chromium's page.pdf(), as "Save as PDF" would) gives an A4 document of
several pages with no navigation and no forms in it. That is how the report becomes a PDF: no
PDF library and no system packages are needed (docs/kpis.md, "The quarterly report")."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

A4_POINTS = (595, 842)  # 210 x 297 mm


@pytest.fixture
def manager(world):
    from cshub.accounts.models import Membership, User
    from cshub.core.vocab import Role

    from .conftest import PASSWORD

    user = User.objects.create_user(
        username="test.manager", password=PASSWORD, first_name="Ria", last_name="Testmanager"
    )
    Membership.objects.create(
        user=user, team=world.team, role=Role.MANAGER, started_on=date.today() - timedelta(days=400)
    )
    return user


def test_the_report_prints_to_a_pdf_of_several_a4_pages(
    page, live_server, world, manager, sign_in, artifacts_dir
):
    from cshub.insights.services import commentary_save

    commentary_save(
        actor=manager, kpi_key="nrm_referrals", period="2026-Q2", text="Referrals held steady."
    )
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    sign_in(page, "test.manager")

    page.goto(f"{live_server.url}/insights/")
    page.get_by_role("button", name=re.compile("The quarterly report")).click()
    page.goto(f"{live_server.url}/insights/report/?period=2026-Q2")
    expect(page.get_by_role("heading", level=1)).to_contain_text("KPI report: 2026-Q2")
    charts = page.locator("[data-vega-spec]")
    if charts.count():  # every trend chart drawn before printing
        expect(page.locator('[data-vega-state="drawn"]')).to_have_count(charts.count())

    violations = Axe().run(page).response["violations"]
    assert [v["id"] for v in violations if v["impact"] in {"serious", "critical"}] == []

    page.emulate_media(media="print")
    expect(page.locator(".govuk-service-navigation")).to_be_hidden()
    expect(page.locator(".govuk-header")).to_be_hidden()
    expect(page.locator("form").first).to_be_hidden()
    expect(page.locator(".cshub-report-commentary__text")).to_have_text("Referrals held steady.")
    expect(page.locator(".cshub-report-commentary__text")).to_be_visible()

    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    (artifacts_dir / "kpi-report-2026-Q2.pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF-") and len(pdf) > 20_000
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    assert pages >= 5, pages  # a title page, then each of the three areas from a new page
    sizes = {
        (round(float(w)), round(float(h)))
        for w, h in re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    }
    assert sizes == {A4_POINTS}, sizes
    assert errors == []
