"""A concern from a school becomes an approved risk assessment, driven through the pages as the
people involved would: the school's safeguarding lead raises it, the Front Door screens and
routes it, the school sees the outcome, the specialist team assesses the child and its manager
approves the assessment.

Every record is synthetic. Pages are worked by role and label, never by CSS id.
"""

from __future__ import annotations

import datetime as dt
import importlib
import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import expect

from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = factories.PASSWORD
VIEWPORT = {"width": 1280, "height": 900}
LATE_NIGHTS = "Out late or overnight without explanation"  # weight 1: the tool suggests low


@dataclass
class Partnership:
    csc: object
    school: object
    front_door: object
    specialist: object
    school_lead: object
    ifd_worker: object
    bsafe_worker: object
    bsafe_manager: object
    child: object
    sibling: object


def ensure_screening_tool() -> None:
    """Load version 1 of the screening tool if a transactional test before this one flushed the
    rows its migration loaded (the same idempotent loader, run against the real models)."""
    from django.apps import apps

    from cshub.frontdoor.models import ScreeningTool

    if not ScreeningTool.objects.filter(is_current=True).exists():
        migration = importlib.import_module("cshub.frontdoor.migrations.0002_screening_tool_v1")
        migration.load(apps, None)


@pytest.fixture
def partnership(transactional_db) -> Partnership:
    """A school under an education agency, the Front Door and the specialist team in children's
    services, one person in each part, and a child already known to the partnership (with a
    sibling), whom the school has no relationship with. All synthetic."""
    from cshub.core.vocab import AgencyKind, Role, Sex, TeamFunction

    ensure_screening_tool()
    csc = factories.AgencyFactory(
        code="tcs", name="Testshire Children's Services", kind=AgencyKind.CHILDRENS_SOCIAL_CARE
    )
    education = factories.AgencyFactory(
        code="tedu", name="Testshire Education", kind=AgencyKind.EDUCATION
    )
    school = factories.TeamFactory(
        agency=education,
        code="brackenfield",
        name="Brackenfield Academy",
        function=TeamFunction.SCHOOL,
    )
    front_door = factories.TeamFactory(
        agency=csc,
        code="ifd",
        name="Integrated Front Door",
        function=TeamFunction.FRONT_DOOR,
        email="ifd@example.org",
    )
    specialist = factories.TeamFactory(
        agency=csc,
        code="bsafe",
        name="B-SAFE exploitation team",
        function=TeamFunction.SPECIALIST,
    )

    def member(username, first, last, job_title, team, role=Role.PRACTITIONER):
        return factories.MembershipFactory(
            user__username=username,
            user__first_name=first,
            user__last_name=last,
            user__job_title=job_title,
            user__email=f"{username}@example.org",
            team=team,
            role=role,
            started_on=dt.date.today() - dt.timedelta(days=300),
        ).user

    child = factories.PersonFactory(
        given_name="Ottilie",
        family_name="Brackwater",
        date_of_birth=dt.date(dt.date.today().year - 13, 2, 14),
        sex=Sex.FEMALE,
    )
    factories.IdentifierFactory(person=child)
    sibling = factories.PersonFactory(
        given_name="Tobias",
        family_name="Brackwater",
        date_of_birth=dt.date(dt.date.today().year - 11, 9, 2),
        sex=Sex.MALE,
    )
    return Partnership(
        csc=csc,
        school=school,
        front_door=front_door,
        specialist=specialist,
        school_lead=member(
            "school.lead", "Morwenna", "Fictus", "Designated safeguarding lead", school
        ),
        ifd_worker=member(
            "ifd.worker", "Idris", "Frontwell", "Front Door social worker", front_door
        ),
        bsafe_worker=member(
            "bsafe.worker", "Perpetua", "Sayfield", "Exploitation worker", specialist
        ),
        bsafe_manager=member(
            "bsafe.manager", "Magnus", "Teamlead", "Team manager", specialist, Role.MANAGER
        ),
        child=child,
        sibling=sibling,
    )


@pytest.fixture
def new_page(browser, request):
    """Another person's browser (a context of its own). A failing test leaves a screenshot of
    each one in test-artifacts/."""
    from .conftest import ARTIFACTS

    opened = []

    def _new(who: str):
        context = browser.new_context(viewport=VIEWPORT, locale="en-GB")
        context.set_default_timeout(15_000)
        page = context.new_page()
        opened.append((who, context, page))
        return page

    yield _new
    report = getattr(request.node, "report_call", None)
    for who, context, page in opened:
        if report is not None and report.failed:
            ARTIFACTS.mkdir(exist_ok=True)
            try:
                page.screenshot(path=str(ARTIFACTS / f"failed-{request.node.name}-{who}.png"))
            except Exception as exc:  # a screenshot must not hide the failure
                print(f"could not save a screenshot of {who}'s page: {exc}")
        context.close()


def _fill_date(page, legend: str, day: dt.date) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def _autosave(response) -> bool:
    request = response.request
    return request.method == "POST" and request.headers.get("hx-request") == "true"


def _find_and_open(page, person) -> None:
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Find a person").click()
    page.get_by_label("Name").fill(f"{person.given_name} {person.family_name}")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name=f"{person.family_name.upper()}, {person.given_name}").click()
    expect(page.get_by_role("heading", level=1, name=person.full_name)).to_be_visible()


def test_a_school_concern_becomes_an_approved_assessment(
    page, new_page, live_server, partnership, sign_in, artifacts_dir
):
    from cshub.people.models import Case

    p = partnership
    child = p.child
    shot = 0

    def screenshot(who_page, name: str) -> None:
        nonlocal shot
        shot += 1
        path = artifacts_dir / f"frontdoor-journey-{shot:02d}-{name}.png"
        who_page.screenshot(path=str(path), full_page=True)

    # 1. The school's designated safeguarding lead raises a concern.
    school = page
    sign_in(school, "school.lead", PASSWORD)
    menu = school.get_by_role("navigation", name="Menu")
    menu.get_by_role("link", name="Raise a concern").click()
    expect(school.get_by_role("heading", level=1, name="Contacts I have raised")).to_be_visible()
    # Starting saves a draft at once (docs/frontdoor.md): nothing typed is ever lost.
    school.get_by_role("button", name="Raise a concern about a child").click()
    expect(school.get_by_role("heading", level=1, name="Raise a concern")).to_be_visible()
    # The referrer is the person signed in.
    expect(school.get_by_label("Referrer's name")).to_have_value("Morwenna Fictus")

    school.get_by_role("link", name="Add a child or another person").click()
    school.get_by_label("Child the concern is about").check()
    school.get_by_label("First name").fill("Ottilie")
    school.get_by_label("Last name").fill("Brackwater")
    _fill_date(school, "Date of birth", child.date_of_birth)
    school.get_by_role("button", name="Search for existing records").click()
    expect(school.get_by_role("heading", name="1 possible existing record")).to_be_visible()
    # The school has no relationship with the child: it learns a record is held, nothing more.
    card = school.get_by_role("heading", level=3, name="A record held by the partnership")
    expect(card).to_be_visible()
    born = child.date_of_birth
    expect(school.get_by_text(f"{born.day} {born:%b %Y}")).to_have_count(0)
    screenshot(school, "school-search-before-create")
    school.get_by_role("button", name="This is the person").click()

    expect(school.get_by_role("heading", level=1, name="Raise a concern")).to_be_visible()
    people = school.get_by_role("term").filter(has_text="Ottilie Brackwater")
    expect(people).to_have_count(1)
    what_happened = school.get_by_label("What happened?")
    what_happened.fill(
        "Ottilie told her form tutor that older boys pay her to carry parcels across town after "
        "school. She has a second phone and new trainers she cannot explain. (Synthetic.)"
    )
    # The draft saves itself a few seconds after the user stops typing...
    expect(school.get_by_role("status")).to_have_text(re.compile(r"Draft saved at \d\d:\d\d"))
    # ... and after they tick a box or choose an answer, so an interruption loses nothing.
    cce = school.get_by_label("Child criminal exploitation")
    danger = school.get_by_role("group", name="Is the child in immediate danger?")
    with school.expect_response(_autosave):
        cce.check()
        danger.get_by_label("No").check()
        school.get_by_label("Consent given").check()
    school.reload()
    expect(what_happened).to_have_value(re.compile("^Ottilie told her form tutor"))
    expect(cce).to_be_checked()
    expect(danger.get_by_label("No")).to_be_checked()
    expect(school.get_by_label("Consent given")).to_be_checked()
    school.get_by_role("button", name="Save draft").click()
    expect(school.get_by_text(re.compile(r"Draft \S+ saved\."))).to_be_visible()
    screenshot(school, "school-draft-saved")
    school.get_by_role("button", name="Send to the Front Door").click()

    expect(school.get_by_text("has been sent to the Integrated Front Door")).to_be_visible()
    expect(school.get_by_text("With the Front Door", exact=True)).to_be_visible()
    contact_url = school.url
    screenshot(school, "school-sent")

    # 2. A Front Door worker screens the child and records the decision.
    ifd = new_page("ifd")
    sign_in(ifd, "ifd.worker", PASSWORD)
    ifd.get_by_role("navigation", name="Menu").get_by_role("link", name="Front Door queue").click()
    queue = ifd.get_by_role("table", name="1 contact in triage")
    row = queue.get_by_role("row").filter(has_text="Ottilie Brackwater")
    expect(row).to_contain_text("Child criminal exploitation")
    expect(row).to_contain_text("Testshire Education")
    screenshot(ifd, "front-door-queue")
    row.get_by_role("link").click()
    expect(ifd).to_have_url(contact_url)

    ifd.get_by_role("link", name="Screen Ottilie Brackwater").click()
    expect(
        ifd.get_by_role("heading", level=1, name="Child exploitation screening: Ottilie Brackwater")
    ).to_be_visible()
    no = ifd.get_by_role("radio", name="No", exact=True)
    expect(no).to_have_count(27)  # every indicator of version 1 of the tool
    for i in range(no.count()):
        no.nth(i).check()
    late = ifd.get_by_role("group", name=LATE_NIGHTS, exact=True)
    late.get_by_label("Yes").check()
    late.get_by_label("Rests on").select_option(label="Information")
    late.get_by_label("Evidence").fill("Form tutor: seen in town after 11pm twice this month.")
    ifd.get_by_label("The child's voice", exact=True).fill(
        "Says the boys are her friends and she likes having money of her own."
    )
    ifd.get_by_label("The parent or carer's view", exact=True).fill(
        "Mum is worried about the late nights and the new phone."
    )
    ifd.get_by_label("Low concern").check()  # what the tool suggests for one concern
    screenshot(ifd, "front-door-screening")
    ifd.get_by_role("button", name="Record the screening").click()

    expect(ifd.get_by_text("Screening of Ottilie Brackwater recorded.")).to_be_visible()
    people_table = ifd.get_by_role("table", name="People named in the contact")
    expect(people_table.get_by_role("row").filter(has_text="Ottilie Brackwater")).to_contain_text(
        "Low concern"
    )
    ifd.get_by_role("link", name="Record the decision").click()
    expect(ifd.get_by_role("heading", level=1, name="Record the decision")).to_be_visible()
    ifd.get_by_label("Referral to the specialist exploitation team").check()
    ifd.get_by_label("Rationale").fill(
        "Indicators of criminal exploitation from a credible disclosure; needs the specialist "
        "team's assessment and a plan with the school."
    )
    ifd.get_by_label("Receiving team").select_option(label="B-SAFE exploitation team (tcs)")
    ifd.get_by_label("An NRM referral will be made").check()
    screenshot(ifd, "front-door-decision")
    ifd.get_by_role("button", name="Record the decision").click()

    expect(ifd.get_by_text(re.compile(r"Decision on \S+ recorded\."))).to_be_visible()
    expect(ifd.get_by_text("No contacts are waiting.")).to_be_visible()

    # 3. The school sees the outcome of its contact, and still nothing of the child's record.
    school.reload()
    expect(
        school.get_by_role("heading", name="Outcome: Referral to the specialist exploitation team")
    ).to_be_visible()
    expect(school.get_by_text("passed to B-SAFE exploitation team")).to_be_visible()
    expect(school.get_by_role("link", name="Ottilie Brackwater")).to_have_count(0)
    screenshot(school, "school-sees-outcome")

    # 4. A specialist-team practitioner finds the child and completes a BACE.
    case = Case.objects.get(person=child)
    worker = new_page("bsafe-worker")
    sign_in(worker, "bsafe.worker", PASSWORD)
    _find_and_open(worker, child)
    expect(worker.get_by_text("Why you can see this record:")).to_contain_text("allocated")
    worker.get_by_role("link", name="Start an assessment of Ottilie Brackwater").click()
    worker.get_by_label("Exploitation risk assessment (BACE)").check()
    expect(worker.get_by_label("B-SAFE exploitation team")).to_be_checked()  # their only team
    worker.get_by_label("Case").select_option(
        label=f"{case.reference} – {case.get_level_display()}, opened {case.opened_on:%d %b %Y}"
    )
    worker.get_by_role("button", name="Start the assessment").click()

    expect(
        worker.get_by_role("heading", level=1, name="Exploitation risk assessment (BACE)")
    ).to_be_visible()
    sections = {
        "The child's voice": "Ottilie says the older boys are kind to her and pay for food.",
        "The parent's or carer's view": "Mum wants help to keep her at home in the evenings.",
        "Vulnerabilities": "Low attendance this term; recently moved school.",
        "Strengths and protective factors": "Close to her grandmother; enjoys netball.",
        "Peers": "Older boys from the estate; one is known to the police.",
        "Places": "The retail park and the bus station after school.",
        "Online": "Contacted on a messaging app by people she has not met.",
        "School or education": "Attendance 71%; form tutor trusted.",
        "Analysis": "Grooming into carrying for a drug line; risk rising.",
        "Recommended actions": "Disruption plan with police; mentoring; review in 3 months.",
    }
    for label, text in sections.items():
        worker.get_by_role("textbox", name=label, exact=True).fill(text)
    screenshot(worker, "bace-sections")
    worker.get_by_role("button", name="Save", exact=True).click()
    expect(worker.get_by_text("Saved.", exact=True)).to_be_visible()

    worker.get_by_role("link", name="Edit risk per harm type").click()
    worker.get_by_label("Risk of child criminal exploitation").select_option(label="High")
    worker.get_by_label("Indicators of child criminal exploitation").fill(
        "Carrying parcels for payment; a second phone; older associates."
    )
    worker.get_by_label("Risk of missing").select_option(label="Medium")
    worker.get_by_label("Indicators of missing").fill("Out after 11pm twice this month.")
    screenshot(worker, "bace-risk-grid")
    worker.get_by_role("button", name="Save risks").click()
    expect(worker.get_by_text("Risks saved.")).to_be_visible()
    risks = worker.get_by_role("table", name="Risk per harm type")
    expect(risks.get_by_role("row").filter(has_text="Child criminal exploitation")).to_contain_text(
        "High"
    )

    worker.get_by_role("link", name="Submit for approval").click()
    expect(worker.get_by_role("heading", level=1, name="Submit for approval")).to_be_visible()
    worker.get_by_role("button", name="Submit for approval").click()
    expect(
        worker.get_by_text("Submitted for approval by a manager of B-SAFE exploitation team.")
    ).to_be_visible()
    expect(worker.get_by_text("Submitted", exact=True)).to_be_visible()
    screenshot(worker, "bace-submitted")

    # 5. The specialist team's manager approves it; the child's record shows the risk.
    manager = new_page("bsafe-manager")
    sign_in(manager, "bsafe.manager", PASSWORD)
    manager.get_by_role("navigation", name="Menu").get_by_role("link", name="Assessments").click()
    manager.get_by_role("link", name="Assessments awaiting your approval (1)").click()
    waiting = manager.get_by_role("table", name="Waiting (1), oldest first")
    expect(waiting).to_contain_text("Perpetua Sayfield")
    screenshot(manager, "approval-queue")
    waiting.get_by_role(
        "link", name="Approve or return the assessment of Ottilie Brackwater"
    ).click()
    expect(manager.get_by_role("heading", level=1, name="Approve the assessment")).to_be_visible()
    _fill_date(manager, "When is it to be reviewed?", dt.date.today() + dt.timedelta(days=90))
    manager.get_by_role("button", name="Approve", exact=True).click()

    expect(
        manager.get_by_text("The assessment of Ottilie Brackwater was approved.")
    ).to_be_visible()
    expect(manager.get_by_text("Nothing is waiting for your approval.")).to_be_visible()
    _find_and_open(manager, child)
    latest = manager.get_by_role(
        "table", name="Latest approved risk level per harm type, with earlier levels"
    )
    cce = latest.get_by_role("row").filter(has_text="Child criminal exploitation")
    expect(cce).to_contain_text("High")
    expect(cce).to_contain_text("B-SAFE exploitation team")
    expect(latest.get_by_role("row").filter(has_text="Missing")).to_contain_text("Medium")
    screenshot(manager, "profile-approved-risk")
