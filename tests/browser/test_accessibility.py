"""axe-core finds no serious or critical accessibility violations on the main pages.

Each page is checked as a signed-in worker sees it (the sign-in page as a visitor does), with the
synthetic records from the `world` fixture so tables, tags and summary lists are all on show.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BLOCKING_IMPACTS = {"serious", "critical"}


def _go(path: str) -> Callable:
    def visit(page, base_url, world):
        page.goto(base_url + path.format(world=world))

    return visit


def _create_with_errors(page, base_url, world):
    page.goto(f"{base_url}/people/new/")
    page.get_by_role("button", name="Create person").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()


def _search_with_results(page, base_url, world):
    page.goto(f"{base_url}/people/")
    page.get_by_label("Name").fill("tams")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="QUILLFEATHER, Tamsin")).to_be_visible()


def _search_with_error(page, base_url, world):
    page.goto(f"{base_url}/people/")
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()


PAGES = {
    "caseload": _go("/"),
    "person-search-results": _search_with_results,
    "person-search-error": _search_with_error,
    "person-profile": _go("/people/{world.child.id}/"),
    "person-create": _go("/people/new/"),
    "person-create-errors": _create_with_errors,
    "identifier-add": _go("/people/{world.child.id}/identifiers/add/"),
    "place-list": _go("/places/"),
    "place-detail": _go("/places/{world.place.id}/"),
    "group-list": _go("/groups/"),
    "group-detail": _go("/groups/{world.group.id}/"),
}


def blocking_violations(page) -> list[dict]:
    page.wait_for_load_state("load")
    results = Axe().run(page)
    return [v for v in results.response["violations"] if v["impact"] in BLOCKING_IMPACTS]


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"  - {', '.join(map(str, node['target']))}")
            if node.get("failureSummary"):
                lines.append("    " + node["failureSummary"].replace("\n", "\n    "))
    return "\n".join(lines)


def _assert_accessible(page, name: str) -> None:
    violations = blocking_violations(page)
    report = describe(violations)
    if violations:
        print(f"axe: serious or critical violations on {name} ({page.url}):\n{report}")
    assert not violations, f"axe found serious or critical violations on {name}:\n{report}"


def test_sign_in_page(page, live_server, world):
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("heading", level=1, name="Sign in to cshub")).to_be_visible()
    _assert_accessible(page, "sign-in")


def test_sign_in_page_with_error(page, live_server, world, sign_in):
    sign_in(page, password="not-the-password")
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    _assert_accessible(page, "sign-in-error")


@pytest.mark.parametrize("name", list(PAGES))
def test_signed_in_page(name, page, live_server, world, sign_in):
    sign_in(page)
    PAGES[name](page, live_server.url, world)
    assert page.url.startswith(live_server.url)
    assert "/accounts/login/" not in page.url, f"{name} sent a signed-in worker to sign in"
    _assert_accessible(page, name)
