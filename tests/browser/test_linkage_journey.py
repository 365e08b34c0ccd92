"""A data steward's day: import an extract, run matching, open the review queue, compare a
likely-twins pair side by side with its field weights, keep them apart, undo, then link; the
partner system's record then shows on the child's profile. Accessibility checked on each page."""

from __future__ import annotations

import io

import pytest
from playwright.sync_api import expect

from .conftest import PASSWORD
from .test_accessibility import blocking_violations, describe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EXTRACT = (
    "record_id,given_name,middle_names,family_name,aliases,date_of_birth,sex,address,postcode,"
    "school,nhs_number,upn,exclusions,attendance_pct,send\n"
    # the world's child (Tamsin Quillfeather, 12 Example Row, ZZ99 1AA) has a twin at school
    "7001,Morwenna,,Quillfeather,,{dob},F,12 Example Row,ZZ99 1AA,,,,1,88.5,no\n"
)


def _accessible(page) -> None:
    violations = blocking_violations(page)
    assert not violations, describe(violations)


def _steward():
    from cshub.accounts.models import Agency, Membership, Team, User
    from cshub.core.vocab import AgencyKind, Role, TeamFunction

    agency = Agency.objects.create(code="test-ig", name="Information governance", kind="other")
    team = Team.objects.create(
        agency=agency,
        code="test-stewards",
        name="Data stewardship",
        function=TeamFunction.INFORMATION_GOVERNANCE,
    )
    user = User.objects.create_user(
        username="test.steward",
        password=PASSWORD,
        first_name="Dana",
        last_name="Steward",
        job_title="Data steward",
    )
    Membership.objects.create(user=user, team=team, role=Role.DATA_STEWARD, started_on="2024-01-01")
    assert AgencyKind.OTHER == "other"
    return user


def test_a_steward_reviews_likely_twins(page, live_server, world, sign_in):
    from cshub.linkage.models import SourceRecord, SourceSystem
    from cshub.linkage.services import import_source_file, matching_run

    _steward()
    # a transactional test may follow one that flushed the migration's default systems
    SourceSystem.objects.get_or_create(
        code="synergy",
        defaults={"name": "Synergy", "kind": "education", "identifier_scheme": "synergy"},
    )
    dob = world.child.date_of_birth.isoformat()
    import_source_file(
        system="synergy",
        path_or_file=io.StringIO(EXTRACT.format(dob=dob)),
        actor="command:test",
    )
    matching_run(actor="command:test")

    sign_in(page, "test.steward")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Linkage").click()
    expect(page.get_by_role("heading", level=1, name="Record linkage")).to_be_visible()
    _accessible(page)
    page.get_by_role("link", name="Review queue").click()
    row = page.get_by_role("row").filter(has_text="Synergy 7001")
    expect(row).to_contain_text("Likely twins")
    _accessible(page)
    row.get_by_role("link").click()
    expect(page.get_by_role("heading", name="A record that may belong to a person")).to_be_visible()
    expect(page.get_by_role("table", name="Side by side")).to_contain_text("Morwenna")
    weights = page.get_by_role("table", name="Match weight by field")
    expect(weights.get_by_role("row").filter(has_text="Date of birth")).to_contain_text("exact")
    _accessible(page)

    page.get_by_label("Keep apart: different people").check()
    page.get_by_label("Note (optional)").fill("Twin sister, confirmed with the school")
    page.get_by_role("button", name="Save the decision").click()
    expect(page.get_by_text("Decision saved.")).to_be_visible()
    twin = SourceRecord.objects.get(record_id="7001").person
    assert twin is not None and twin.given_name == "Morwenna"

    page.get_by_role("button", name="Undo this decision").click()
    expect(page.get_by_text("Decision undone")).to_be_visible()
    assert SourceRecord.objects.get(record_id="7001").person is None

    # On reflection the school had the child's name wrong: the same child after all.
    page.get_by_label("Link: the same person").check()
    page.get_by_role("button", name="Save the decision").click()
    expect(page.get_by_text("Decision saved.")).to_be_visible()
    assert SourceRecord.objects.get(record_id="7001").person == world.child

    # The steward may open the child's profile only while the pair was open: now it is closed,
    # the record shows on the profile to the child's own worker.
    page.context.clear_cookies()
    sign_in(page, "test.worker")
    page.goto(f"{live_server.url}/people/{world.child.pk}/")
    section = page.locator("#source-records + table, #source-records ~ table").first
    expect(section).to_contain_text("Synergy")
    expect(section).to_contain_text("Matched by a person")
    expect(section).to_contain_text("Attendance %: 88.5")
    _accessible(page)
