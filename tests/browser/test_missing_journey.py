"""A missing child, end to end across the police system and the pages: the police system reports
the child missing and then returned through the API, the child's social worker sees the
Return Home Interview due in their queue, records the offer and the interview and shares the
outcome, and the police system reads the outcome back through the API.

Every record is synthetic. Pages are worked by role and label, never by CSS id.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import urllib.request

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from .test_accessibility import blocking_violations, describe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _api(live_server, key: str, method: str, path: str, body: dict | None = None):
    request = urllib.request.Request(  # noqa: S310 - the test's own live server
        f"{live_server.url}{path}",
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Token {key}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return response.status, json.loads(response.read())


def _accessible(page) -> None:
    violations = blocking_violations(page)
    assert not violations, describe(violations)


def _fill_moment(page, legend: str, time_label: str, moment: dt.datetime) -> None:
    local = timezone.localtime(moment)
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(local.day))
    group.get_by_label("Month").fill(str(local.month))
    group.get_by_label("Year").fill(str(local.year))
    page.get_by_label(time_label).fill(f"{local:%H:%M}")


def test_a_police_report_becomes_an_interview_the_police_read_back(
    page, live_server, world, sign_in, artifacts_dir
):
    from cshub.accounts.api_auth import token_create
    from cshub.accounts.models import Agency
    from cshub.core.vocab import AgencyKind

    Agency.objects.create(code="police", name="Testshire Police", kind=AgencyKind.POLICE)
    _, key = token_create(agency_code="police", name="Police RMS")
    now = timezone.now().replace(second=0, microsecond=0)
    reported, returned = now - dt.timedelta(hours=30), now - dt.timedelta(hours=6)

    status, episode = _api(
        live_server,
        key,
        "POST",
        "/api/v1/missing-reports/",
        {
            "police_reference": "MP/26/4242",
            "reported_at": reported.isoformat(),
            "child": {
                "given_name": "Someone",
                "family_name": "Elseentirely",
                "nhs_number": world.nhs_number,
            },
            "missing_from": "home",
            "risk_level": "high",
            "last_seen_where": "Interchange bus station",
        },
    )
    assert status == 201 and episode["matched"] is True
    status, back = _api(
        live_server,
        key,
        "POST",
        "/api/v1/missing-reports/MP/26/4242/return/",
        {"returned_at": returned.isoformat(), "found_where": "A flat on the ring road"},
    )
    assert status == 200 and back["status"] == "returned"

    sign_in(page)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Missing").click()
    expect(page.get_by_role("heading", level=1, name="Missing children")).to_be_visible()
    row = page.get_by_role("row").filter(has_text=world.child.full_name)
    expect(row).to_contain_text("Offer an interview")
    expect(row).to_contain_text(re.compile(r"(65|66) hours left"))
    page.screenshot(path=str(artifacts_dir / "missing-queue.png"), full_page=True)
    _accessible(page)
    row.get_by_role("link", name="MP/26/4242 – missing episode of " + world.child.full_name).click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("MP/26/4242")
    _accessible(page)
    page.get_by_role("link", name="Record the offer").click()
    _accessible(page)
    _fill_moment(page, "Offered on", "Time offered (24-hour, e.g. 14:30)", returned)
    page.get_by_label("Accepted").check()
    page.get_by_role("button", name="Save the offer").click()
    expect(page.get_by_text("Offer recorded.")).to_be_visible()
    expect(page.get_by_text("Offered in time")).to_be_visible()

    page.get_by_role("link", name="Record the interview").click()
    _accessible(page)
    _fill_moment(page, "Held on", "Time (24-hour, e.g. 14:30)", now - dt.timedelta(hours=1))
    page.get_by_label("Where it was held").fill("School, the quiet room")
    page.get_by_label("Yes").check()
    page.get_by_label("Where they went").fill("A flat on the ring road with older boys")
    page.get_by_label("Adults offering money, gifts, lifts or a place to stay").check()
    page.get_by_label("Harm disclosed").fill("Was asked to carry a package")
    page.get_by_label("The child disclosed harm they had not told the police").check()
    page.get_by_label("Child criminal exploitation").fill("Asked to carry a package")
    page.get_by_label("The child's views, in their words").fill("I didn't want to let them down")
    page.get_by_label("Actions and referrals").fill("Referred to the specialist team; MACE")
    page.get_by_role("button", name="Save the interview").click()
    expect(page.get_by_text("Interview recorded.")).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "missing-episode.png"), full_page=True)
    _accessible(page)

    page.get_by_role("button", name="Share the outcome with the police").click()
    expect(page.get_by_text("Outcome shared with the police.")).to_be_visible()

    since = (now - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    status, outcomes = _api(live_server, key, "GET", f"/api/v1/rhi-outcomes/?since={since}")
    assert status == 200
    [outcome] = outcomes["results"]
    assert outcome["police_reference"] == "MP/26/4242"
    assert outcome["outcome"] == "interview_held"
    assert outcome["harm_not_told_to_police"] is True
    assert outcome["exploitation_signs"] == [
        {"harm_type": "cce", "detail": "Asked to carry a package"}
    ]
    assert "child_views" not in outcome
