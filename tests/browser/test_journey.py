"""A worker signs in, finds a child on their caseload by name and opens the child's profile."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_in_search_and_open_profile(page, live_server, world, sign_in, artifacts_dir):
    sign_in(page)

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1, name="My caseload")).to_be_visible()
    caseload = page.get_by_role("table", name="Children allocated to me")
    expect(caseload.get_by_role("link", name="Tamsin Quillfeather")).to_be_visible()

    page.get_by_role("link", name="Find a person").click()
    expect(page.get_by_role("heading", level=1, name="Find a person")).to_be_visible()
    page.get_by_label("Name").fill("tams quill")
    page.get_by_role("button", name="Search").click()

    expect(page.get_by_role("heading", name="1 record found")).to_be_visible()
    page.get_by_role("link", name="QUILLFEATHER, Tamsin").click()

    expect(page).to_have_url(re.compile(rf"/people/{world.child.id}/$"))
    expect(page.get_by_role("heading", level=1, name="Tamsin Quillfeather")).to_be_visible()
    identifiers = page.locator("#identifiers + dl")
    expect(identifiers.get_by_text("NHS number")).to_be_visible()
    expect(identifiers.get_by_text(world.nhs_number, exact=True)).to_be_visible()

    page.screenshot(path=str(artifacts_dir / "journey-profile.png"), full_page=True)
