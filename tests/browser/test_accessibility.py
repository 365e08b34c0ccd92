"""axe-core finds no serious or critical accessibility violations on the main pages.

Each page is checked as a signed-in worker sees it (the sign-in page as a visitor does), with the
synthetic records from the `world` fixture so tables, tags and summary lists are all on show.
The Front Door and assessment pages are checked as the person who uses each sees it, with a
contact in each state and assessments in draft and submitted (the `partnership` fixture of the
Front Door journey, with records made through the services).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests import factories

from .test_frontdoor_journey import partnership  # noqa: F401 - the shared fixture

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


# --- the Front Door and assessments ---------------------------------------------------------------


@dataclass
class FrontDoorState:
    child: object
    sibling: object
    draft: object  # the school's draft, with the child added
    in_triage: object  # child screened, sibling not yet
    decided: object  # routed to the specialist team, which is now allocated
    assessment_draft: object  # the specialist worker's BACE, in part written
    assessment_submitted: object  # waiting for the specialist manager


@pytest.fixture
def frontdoor_state(partnership) -> FrontDoorState:  # noqa: F811 - the imported fixture
    from cshub.assessments import services as assessments
    from cshub.frontdoor import services as frontdoor
    from cshub.frontdoor.models import ScreeningTool
    from cshub.people.models import Case

    p = partnership
    lead, ifd, worker = p.school_lead, p.ifd_worker, p.bsafe_worker
    concern = {
        "what_happened": "Told her tutor she carries parcels for older boys (synthetic).",
        "immediate_danger": False,
        "consent": "given",
    }

    def raise_contact(*children, submit=True):
        contact = frontdoor.contact_start(actor=lead)
        for child in children:
            frontdoor.contact_add_subject(actor=lead, contact=contact, person=child, role="child")
        contact = frontdoor.contact_save_draft(
            actor=lead, contact=contact, version=contact.version, data=concern, harm_types=["cce"]
        )
        return frontdoor.contact_submit(actor=lead, contact=contact) if submit else contact

    indicators = list(ScreeningTool.objects.get(is_current=True).indicators.all())

    def screen(contact, child):
        late = next(i for i in indicators if i.code == "late_nights")
        answers = [
            frontdoor.AnswerInput(indicator_id=i.pk, answer="no")
            if i != late
            else frontdoor.AnswerInput(i.pk, "yes", "information", "Out after 11pm twice.")
            for i in indicators
        ]
        frontdoor.screening_record(
            actor=ifd,
            contact=contact,
            person=child,
            answers=answers,
            final_level="low",
            child_voice="Says they are her friends.",
            parent_view="Mum is worried.",
        )

    decided = raise_contact(p.child)
    screen(decided, p.child)
    frontdoor.contact_decide(
        actor=ifd,
        contact=decided,
        outcome="specialist",
        rationale="Needs the specialist team.",
        receiving_team=p.specialist,
        nrm_consideration="referral",
    )
    in_triage = raise_contact(p.child, p.sibling)
    screen(in_triage, p.child)
    draft = raise_contact(p.child, submit=False)

    case = Case.objects.get(person=p.child)
    sections = {
        "child_voice": "Says the older boys look after her.",
        "parent_view": "Mum is worried.",
        "vulnerabilities": "Moved school this year.",
        "strengths": "Netball.",
        "context_peers": "Older boys from the estate.",
        "context_places": "Bus station.",
        "context_online": "Messaging apps.",
        "context_school": "Attendance 71%.",
        "analysis": "Grooming into a drug line.",
        "recommended_actions": "Disruption plan.",
    }
    submitted = assessments.assessment_create(
        actor=worker, person=p.child, kind="bace", team=p.specialist, case=case
    )
    submitted = assessments.assessment_update(
        actor=worker, assessment=submitted, version=submitted.version, sections=sections
    )
    submitted = assessments.assessment_risks_set(
        actor=worker,
        assessment=submitted,
        version=submitted.version,
        risks={"cce": ("high", "Carrying parcels.")},
    )
    submitted = assessments.assessment_submit(actor=worker, assessment=submitted)
    in_part = assessments.assessment_create(
        actor=worker, person=p.child, kind="bace", team=p.specialist, case=case
    )
    in_part = assessments.assessment_update(
        actor=worker,
        assessment=in_part,
        version=in_part.version,
        sections={"child_voice": "Says she is fine.", "analysis": "Too early to say."},
    )
    in_part = assessments.assessment_risks_set(
        actor=worker,
        assessment=in_part,
        version=in_part.version,
        risks={"cce": ("medium", "Second phone."), "missing": ("low", "")},
    )
    return FrontDoorState(
        child=p.child,
        sibling=p.sibling,
        draft=draft,
        in_triage=in_triage,
        decided=decided,
        assessment_draft=in_part,
        assessment_submitted=submitted,
    )


def _fd_go(path: str) -> Callable:
    def visit(page, base_url, state):
        response = page.goto(base_url + path.format(state=state))
        assert response.status == 200, f"{path}: {response.status}"

    return visit


def _add_person_with_results(page, base_url, state):
    page.goto(f"{base_url}/frontdoor/contacts/{state.draft.id}/people/")
    page.get_by_label("Child the concern is about").check()
    page.get_by_label("First name").fill("Tobias")
    page.get_by_label("Last name").fill("Brackwater")
    page.get_by_role("button", name="Search for existing records").click()
    expect(page.get_by_role("heading", name="A record held by the partnership")).to_be_visible()


def _decision_with_errors(page, base_url, state):
    page.goto(f"{base_url}/frontdoor/contacts/{state.in_triage.id}/decision/")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()


SCHOOL_LEAD, FRONT_DOOR, SPECIALIST, SPECIALIST_MANAGER = (
    "school.lead",
    "ifd.worker",
    "bsafe.worker",
    "bsafe.manager",
)
FRONT_DOOR_PAGES = {
    "contact-edit": (SCHOOL_LEAD, _fd_go("/frontdoor/contacts/{state.draft.id}/edit/")),
    "contact-add-person-results": (SCHOOL_LEAD, _add_person_with_results),
    "contact-detail-outcome": (SCHOOL_LEAD, _fd_go("/frontdoor/contacts/{state.decided.id}/")),
    "frontdoor-queue": (FRONT_DOOR, _fd_go("/frontdoor/")),
    "contact-detail-in-triage": (FRONT_DOOR, _fd_go("/frontdoor/contacts/{state.in_triage.id}/")),
    "screening": (
        FRONT_DOOR,
        _fd_go("/frontdoor/contacts/{state.in_triage.id}/screening/{state.sibling.id}/"),
    ),
    "decision": (FRONT_DOOR, _fd_go("/frontdoor/contacts/{state.in_triage.id}/decision/")),
    "decision-errors": (FRONT_DOOR, _decision_with_errors),
    "assessment-create": (SPECIALIST, _fd_go("/assessments/person/{state.child.id}/new/")),
    "assessment-detail": (SPECIALIST, _fd_go("/assessments/{state.assessment_draft.id}/")),
    "assessment-edit": (SPECIALIST, _fd_go("/assessments/{state.assessment_draft.id}/edit/")),
    "assessment-risks": (SPECIALIST, _fd_go("/assessments/{state.assessment_draft.id}/risks/")),
    "approval-queue": (SPECIALIST_MANAGER, _fd_go("/assessments/awaiting-approval/")),
}


@pytest.mark.parametrize("name", list(FRONT_DOOR_PAGES))
def test_front_door_and_assessment_page(name, page, live_server, frontdoor_state, sign_in):
    username, visit = FRONT_DOOR_PAGES[name]
    sign_in(page, username, factories.PASSWORD)
    visit(page, live_server.url, frontdoor_state)
    assert page.url.startswith(live_server.url)
    assert "/accounts/login/" not in page.url, f"{name} sent {username} to sign in"
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    _assert_accessible(page, name)


def test_add_person_fields_each_have_their_own_label(page, live_server, frontdoor_state, sign_in):
    sign_in(page, SCHOOL_LEAD, factories.PASSWORD)
    _add_person_with_results(page, live_server.url, frontdoor_state)
    search = page.locator("form").filter(
        has=page.get_by_role("button", name="Search for existing records")
    )
    create = page.locator("form").filter(has=page.get_by_role("button", name="Create a new record"))
    for form in (search, create):
        for label in ("First name", "Last name"):
            expect(form.get_by_role("textbox", name=label, exact=True)).to_have_count(1)
        expect(
            form.get_by_role("group", name="Date of birth").get_by_role(
                "textbox", name="Day", exact=True
            )
        ).to_have_count(1)
