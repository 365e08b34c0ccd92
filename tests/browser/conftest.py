"""Fixtures for the browser tests: Debian's chromium driven by Playwright, a live server, and a
small synthetic world (an agency, a team, a worker, a child with a case, a place and a group).

Never run `playwright install`: the tests use the system chromium at /usr/bin/chromium. Without
it they skip, unless CSHUB_REQUIRE_BROWSER=1 (as in CI), when they fail loudly instead.
"""

from __future__ import annotations

import os
import time
from base64 import b32encode
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run in a thread
# with a running loop unless told it is safe. It is here: the test thread waits on the browser.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PASSWORD = "synthetic-pass-4821"


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)"
        if os.environ.get("CSHUB_REQUIRE_BROWSER") == "1":
            pytest.fail(f"CSHUB_REQUIRE_BROWSER=1 but {message}", pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def page(browser, request):
    """A fresh browser context per test. A failing test leaves a screenshot in test-artifacts/."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        yield page
    finally:
        report = getattr(request.node, "report_call", None)
        if report is not None and report.failed:
            ARTIFACTS.mkdir(exist_ok=True)
            name = "".join(c if c.isalnum() or c in "-_." else "_" for c in request.node.name)
            try:
                page.screenshot(path=str(ARTIFACTS / f"failed-{name}.png"), full_page=True)
            except Exception as exc:  # a screenshot must not hide the failure
                print(f"could not save a screenshot of the failure: {exc}")
        context.close()


@pytest.fixture
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@dataclass
class World:
    user: object
    team: object
    child: object
    nhs_number: str
    case: object
    place: object
    group: object


@pytest.fixture
def world(transactional_db) -> World:
    """Synthetic records only: names, numbers and places are made up."""
    from cshub.accounts.models import Agency, Membership, Team, User
    from cshub.contexts.models import Group, PersonGroup, PersonPlace, Place
    from cshub.core.identifiers import make_nhs_number
    from cshub.core.vocab import (
        AgencyKind,
        AllocationRole,
        CaseLevel,
        Confidence,
        FlagStatus,
        GroupKind,
        HarmType,
        IdentifierScheme,
        InformationSource,
        PlaceAssociationKind,
        PlaceKind,
        RelationshipKind,
        Role,
        Sex,
        TeamFunction,
        VulnerabilityFactor,
    )
    from cshub.people.models import (
        Address,
        Allocation,
        Case,
        CaseHarm,
        Flag,
        Relationship,
        Vulnerability,
    )
    from cshub.people.services import person_create

    today = date.today()
    agency = Agency.objects.create(
        code="test-csc", name="Testshire Children's Services", kind=AgencyKind.CHILDRENS_SOCIAL_CARE
    )
    team = Team.objects.create(
        agency=agency, code="test-cypf-east", name="CYPF East", function=TeamFunction.CYPF
    )
    user = User.objects.create_user(
        username="test.worker",
        password=PASSWORD,
        first_name="Robin",
        last_name="Testworker",
        job_title="Social worker",
    )
    Membership.objects.create(
        user=user, team=team, role=Role.PRACTITIONER, started_on=today - timedelta(days=400)
    )

    nhs_number = make_nhs_number(4242)
    child = person_create(
        actor=user,
        given_name="Tamsin",
        family_name="Quillfeather",
        date_of_birth=date(today.year - 14, 3, 9),
        sex=Sex.FEMALE,
        identifiers=[(IdentifierScheme.NHS_NUMBER, nhs_number)],
    )
    Address.objects.create(
        person=child,
        line1="12 Example Row",
        town="Testtown",
        postcode="ZZ99 1AA",
        moved_in=today - timedelta(days=700),
    )
    Vulnerability.objects.create(
        person=child,
        factor=VulnerabilityFactor.PERSISTENT_ABSENCE,
        identified_on=today - timedelta(days=120),
        recorded_by=user,
    )
    Flag.objects.create(
        person=child,
        harm_type=HarmType.CCE,
        status=FlagStatus.AT_RISK,
        reason="Seen repeatedly with older youths at the underpass (synthetic).",
        raised_on=today - timedelta(days=60),
        raised_by=user,
        review_on=today + timedelta(days=30),
    )
    peer = person_create(
        actor=user,
        given_name="Jory",
        family_name="Penhallow",
        date_of_birth=date(today.year - 16, 7, 21),
        sex=Sex.MALE,
    )
    Relationship.objects.create(
        person=child,
        other=peer,
        kind=RelationshipKind.PEER,
        detail="friend from school",
        source=InformationSource.DISCLOSURE,
        source_agency=agency,
    )
    case = Case.objects.create(
        person=child,
        reference="TEST-000101",
        level=CaseLevel.CHILD_IN_NEED,
        opened_on=today - timedelta(days=90),
        summary="Synthetic case for the browser tests.",
    )
    CaseHarm.objects.create(case=case, harm_type=HarmType.CCE)
    Allocation.objects.create(
        case=case,
        team=team,
        worker=user,
        role=AllocationRole.LEAD,
        started_on=today - timedelta(days=90),
    )

    place = Place.objects.create(
        kind=PlaceKind.PARK,
        name="Millpond Rec (synthetic)",
        address="Millpond Lane, Testtown",
        postcode="ZZ99 2BB",
        description="Open space behind the shops; synthetic.",
    )
    PersonPlace.objects.create(
        person=child,
        place=place,
        kind=PlaceAssociationKind.FREQUENTS,
        first_seen=today - timedelta(days=50),
        source=InformationSource.OBSERVATION,
        source_agency=agency,
        confidence=Confidence.PROBABLE,
        recorded_by=user,
    )
    group = Group.objects.create(
        kind=GroupKind.PEER_GROUP,
        name="Underpass crew (synthetic)",
        description="Peer group meeting near the underpass; synthetic.",
    )
    PersonGroup.objects.create(
        person=child,
        group=group,
        role="member",
        first_seen=today - timedelta(days=45),
        source=InformationSource.INFORMATION,
        source_agency=agency,
        confidence=Confidence.POSSIBLE,
        recorded_by=user,
    )
    return World(
        user=user,
        team=team,
        child=child,
        nhs_number=nhs_number,
        case=case,
        place=place,
        group=group,
    )


@pytest.fixture
def sign_in(live_server):
    """Sign in through the real pages, as a person would: password, then the two-factor step.

    The first time a user signs in they set up their authenticator app: the fixture reads the
    key off the set-up page (as someone typing it into the app would) and enters the code the app
    would show. Later sign-ins enter the current code on the verify page. A wrong password stops
    at the sign-in page, as it should.
    """
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.auth import totp_code

    def _sign_in(page, username: str = "test.worker", password: str = PASSWORD):
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        if "/accounts/two-factor/set-up/" in page.url:
            page.get_by_text("I cannot scan the QR code").click()
            secret = page.locator("#totp-secret").inner_text().replace(" ", "")
            device = TOTPDevice.objects.get(user__username=username, confirmed=False)
            assert secret == b32encode(device.bin_key).decode().rstrip("=")
            page.get_by_label("Security code").fill(totp_code(device))
            page.get_by_role("button", name="Confirm").click()
            page.wait_for_load_state()
        elif "/accounts/two-factor/" in page.url:
            device = TOTPDevice.objects.get(user__username=username, confirmed=True)
            # A code works once: if this user already signed in during this 30-second step,
            # wait for the next one, as they would.
            while int(time.time()) // device.step <= device.last_t:
                time.sleep(0.5)
            page.get_by_label("Security code").fill(totp_code(device))
            page.get_by_role("button", name="Continue").click()
            page.wait_for_load_state()

    return _sign_in
