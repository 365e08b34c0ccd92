"""The sign-in page reports a wrong password with a GOV.UK error summary."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_wrong_password_shows_error_summary(page, live_server, world, sign_in):
    sign_in(page, password="not-the-password")

    expect(page).to_have_url(f"{live_server.url}/accounts/login/")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(summary).to_contain_text("correct username and password")
    # GOV.UK Frontend's JavaScript moves focus to the summary, so screen readers announce it.
    expect(summary).to_be_focused()
    expect(page.get_by_role("heading", level=1, name="Sign in to cshub")).to_be_visible()
    # Nothing of the service is shown to someone who is not signed in.
    expect(page.get_by_role("link", name="Find a person")).to_have_count(0)


def test_right_password_signs_in(page, live_server, world, sign_in):
    sign_in(page)

    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    expect(page.get_by_role("heading", level=1, name="My caseload")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
