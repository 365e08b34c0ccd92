"""Take the README screenshots from a running demo server.

    make demo   # in another terminal, or any server with the synthetic borough loaded
    .venv/bin/python scripts/screenshots.py [BASE_URL] [--username U] [--password P]

Signs in as a demo worker through the sign-in page, opens the first child on their caseload,
searches for that child's family name and saves PNGs to docs/screenshots/: sign-in.png,
search.png (a search with results), profile.png (the child's profile, cropped to the 1280x1600
viewport) and missing-queue.png (the worker's missing queue); then signs in as the MACE chair
(--chair) for panels-queue.png (the panels queue) and mace-pack.png (the agenda and minutes pack
of the latest MACE meeting with approved minutes), kpi-dashboard.png (the KPI dashboard) and
kpi-page.png (one KPI with its trend chart and breakdowns); then as the data steward (--steward) for
linkage-review.png (the review queue) and linkage-pair.png (a likely-twins pair side by side with
its field weights). Uses Debian's chromium; never
`playwright install`.

Only ever point this at a demo server: the screenshots are published.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
WIDTH = 1280
SHORT_HEIGHT = 900
PROFILE_HEIGHT = 1600


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base_url", nargs="?", default="http://127.0.0.1:8000")
    parser.add_argument("--username", default="cypf.worker")
    parser.add_argument("--password", default="cshub-demo")
    parser.add_argument(
        "--name", default="", help="who to search for (default: a child on the caseload)"
    )
    parser.add_argument("--chair", default="mace.chair", help="the panel chair to sign in as")
    parser.add_argument("--steward", default="data.steward", help="the data steward")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    return parser.parse_args(argv)


def sign_in(
    page: Page, base_url: str, username: str, password: str, out: Path | None = None
) -> None:
    page.goto(f"{base_url}/accounts/login/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.get_by_label("Username").fill(username)
    if out is not None:
        page.evaluate("document.activeElement.blur()")
        page.screenshot(path=str(out / "sign-in.png"))
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    if page.locator(".govuk-error-summary").count():
        raise SystemExit(f"sign-in failed for {username!r}: is this the demo server?")
    expect(page.get_by_role("heading", level=1, name="My caseload")).to_be_visible()


def panels(page: Page, base_url: str, out: Path) -> None:
    """The chair's panels queue, then the pack of the latest MACE with approved minutes."""
    page.goto(f"{base_url}/panels/")
    expect(page.get_by_role("heading", level=1, name="Panels")).to_be_visible()
    page.screenshot(path=str(out / "panels-queue.png"))
    page.goto(f"{base_url}/panels/meetings/?panel=mace")
    rows = page.locator("main table tbody tr", has_text="Minutes approved")
    if not rows.count():
        raise SystemExit("no MACE meeting with approved minutes: is the demo seeded?")
    rows.first.get_by_role("link").click()
    page.get_by_role("link", name="Printable agenda and minutes").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("agenda and minutes")
    page.set_viewport_size({"width": WIDTH, "height": PROFILE_HEIGHT})
    page.screenshot(path=str(out / "mace-pack.png"))
    page.set_viewport_size({"width": WIDTH, "height": SHORT_HEIGHT})


def kpis(page: Page, base_url: str, out: Path) -> None:
    """The KPI dashboard, then one KPI's page with its trend chart drawn."""
    page.goto(f"{base_url}/insights/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Partnership KPIs")
    page.set_viewport_size({"width": WIDTH, "height": PROFILE_HEIGHT})
    page.screenshot(path=str(out / "kpi-dashboard.png"))
    page.goto(f"{base_url}/insights/kpi/rhi_acceptance_rate/")
    expect(page.locator(".cshub-chart canvas")).to_be_visible()
    page.screenshot(path=str(out / "kpi-page.png"))
    page.set_viewport_size({"width": WIDTH, "height": SHORT_HEIGHT})


def linkage(page: Page, base_url: str, out: Path) -> None:
    """The steward's review queue, then the first likely-twins pair in it."""
    page.goto(f"{base_url}/linkage/review/")
    expect(page.get_by_role("heading", level=1, name="Review queue")).to_be_visible()
    page.screenshot(path=str(out / "linkage-review.png"))
    rows = page.locator("main table tbody tr", has_text="Likely twins")
    if not rows.count():
        raise SystemExit("no likely-twins pair in the review queue: is the demo seeded?")
    rows.first.get_by_role("link").click()
    expect(page.get_by_role("table", name="Side by side")).to_be_visible()
    page.set_viewport_size({"width": WIDTH, "height": PROFILE_HEIGHT})
    page.screenshot(path=str(out / "linkage-pair.png"))
    page.set_viewport_size({"width": WIDTH, "height": SHORT_HEIGHT})


def a_child_on_the_caseload(page: Page) -> str:
    """The profile path of the first child in the worker's caseload tables."""
    links = page.locator("main table").get_by_role("link")
    if not links.count():
        raise SystemExit("the caseload is empty: pass --name to choose whom to search for")
    return links.first.get_attribute("href")


def summary_value(page: Page, key: str) -> str:
    row = page.locator(".govuk-summary-list__row", has=page.locator("dt", has_text=key))
    return row.first.locator("dd").inner_text().strip()


def search(page: Page, base_url: str, name: str, out: Path) -> None:
    page.goto(f"{base_url}/people/")
    page.get_by_label("Name").fill(name)
    page.get_by_role("button", name="Search").click()
    expect(page.locator("main table")).to_be_visible()
    page.screenshot(path=str(out / "search.png"))


def take(args: argparse.Namespace) -> list[Path]:
    base_url = args.base_url.rstrip("/")
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        context = browser.new_context(
            viewport={"width": WIDTH, "height": SHORT_HEIGHT}, locale="en-GB"
        )
        context.set_default_timeout(20_000)
        page = context.new_page()

        sign_in(page, base_url, args.username, args.password, out)

        profile_path = ""
        name = args.name
        if not name:
            profile_path = a_child_on_the_caseload(page)
            page.goto(base_url + profile_path)
            name = summary_value(page, "Last name")

        search(page, base_url, name, out)
        if profile_path:
            page.locator(f'main table a[href="{profile_path}"]').click()
        else:
            page.locator("main table").get_by_role("link").first.click()
        expect(page.locator("h1")).to_be_visible()
        page.set_viewport_size({"width": WIDTH, "height": PROFILE_HEIGHT})
        page.screenshot(path=str(out / "profile.png"))

        page.set_viewport_size({"width": WIDTH, "height": SHORT_HEIGHT})
        page.goto(base_url + "/missing/")
        expect(page.get_by_role("heading", level=1, name="Missing children")).to_be_visible()
        page.screenshot(path=str(out / "missing-queue.png"), full_page=True)
        context.close()

        context = browser.new_context(
            viewport={"width": WIDTH, "height": SHORT_HEIGHT}, locale="en-GB"
        )
        context.set_default_timeout(20_000)
        page = context.new_page()
        sign_in(page, base_url, args.chair, args.password)
        panels(page, base_url, out)
        kpis(page, base_url, out)
        context.close()

        context = browser.new_context(
            viewport={"width": WIDTH, "height": SHORT_HEIGHT}, locale="en-GB"
        )
        context.set_default_timeout(20_000)
        page = context.new_page()
        sign_in(page, base_url, args.steward, args.password)
        linkage(page, base_url, out)
        context.close()
        browser.close()
    names = ("sign-in.png", "search.png", "profile.png", "missing-queue.png")
    more = ("panels-queue.png", "mace-pack.png", "kpi-dashboard.png", "kpi-page.png")
    more += ("linkage-review.png", "linkage-pair.png")
    return [out / n for n in (*names, *more)]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        paths = take(args)
    except PlaywrightError as exc:
        print(f"screenshots failed: {exc}", file=sys.stderr)
        return 1
    for path in paths:
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
