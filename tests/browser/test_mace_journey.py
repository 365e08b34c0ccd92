"""A MACE meeting, end to end through the pages: the chair sets up the meeting, builds the agenda
from a waiting referral and a place, publishes it (the invitees can now open the child's record,
and only that), records attendance, the panel's risk judgement and an action, approves the
minutes and prints the pack (HTML, and a PDF through the browser's own print).

Every record is synthetic. Pages are worked by role and label, never by CSS id.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from .conftest import PASSWORD
from .test_accessibility import blocking_violations, describe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _accessible(page) -> None:
    violations = blocking_violations(page)
    assert not violations, describe(violations)


def _fill_date(page, legend: str, day: dt.date) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def _people(world):
    from cshub.accounts.models import Agency, Membership, Team, User
    from cshub.core.vocab import AgencyKind, Role, TeamFunction
    from cshub.panels.choices import PanelKind
    from cshub.panels.models import Panel
    from cshub.panels.services import referral_create

    since = timezone.localdate() - dt.timedelta(days=400)
    specialist = Team.objects.create(
        agency=world.team.agency,
        code="test-specialist",
        name="Specialist exploitation team",
        function=TeamFunction.SPECIALIST,
    )
    police = Agency.objects.create(code="police", name="Testshire Police", kind=AgencyKind.POLICE)
    pet = Team.objects.create(
        agency=police,
        code="test-pet",
        name="Exploitation team",
        function=TeamFunction.POLICE_EXPLOITATION,
    )

    def user(username, first, last, title, team, role):
        u = User.objects.create_user(
            username=username, password=PASSWORD, first_name=first, last_name=last, job_title=title
        )
        Membership.objects.create(user=u, team=team, role=role, started_on=since)
        return u

    chair = user("test.chair", "Morgan", "Chairperson", "MACE chair", specialist, Role.PANEL_CHAIR)
    officer = user(
        "test.officer", "Pat", "Constable", "Detective constable", pet, Role.PRACTITIONER
    )
    manager = user("test.manager", "Lee", "Manager", "Team manager", world.team, Role.MANAGER)
    panel = Panel.objects.create(kind=PanelKind.MACE, name="MACE panel", chair=chair)
    panel.member_agencies.set([world.team.agency, police])
    referral_create(
        actor=manager,
        panel_kind=PanelKind.MACE,
        referring_agency=world.team.agency,
        reason="Seen with older youths at the underpass; cash and a second phone (synthetic).",
        referred_on=timezone.localdate(),
        person=world.child,
        as_manager=True,
    )
    return chair, officer


def test_a_mace_meeting_from_agenda_to_printed_pack(
    page, live_server, world, sign_in, artifacts_dir
):
    from cshub.access.policy import people_visible_to
    from cshub.panels.models import Action, Meeting, Review, RiskJudgement

    chair, officer = _people(world)
    assert not people_visible_to(officer).filter(pk=world.child.pk).exists()
    start = timezone.localtime() - dt.timedelta(hours=1)

    sign_in(page, "test.chair")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Panels").click()
    expect(page.get_by_role("heading", level=1, name="Panels")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text=world.child.full_name)).to_contain_text(
        "Manager"
    )
    _accessible(page)
    page.get_by_role("link", name="Set up a meeting").click()
    _accessible(page)
    _fill_date(page, "Date of the meeting", start.date())
    page.get_by_label("Start time (24-hour, e.g. 09:30)").fill(f"{start:%H:%M}")
    page.get_by_label("Where (or how) it meets").fill("Town hall, committee room 2")
    page.get_by_label("Chair", exact=True).select_option(label="Morgan Chairperson – MACE chair")
    page.get_by_label("Pat Constable – Detective constable").check()
    page.get_by_role("button", name="Create the meeting").click()
    expect(page.get_by_text("Meeting created.")).to_be_visible()

    # Build the agenda: the waiting referral, then a place.
    page.get_by_role("button", name="Add to the agenda").click()
    expect(page.get_by_role("heading", name=f"Item 1: {world.child.full_name}")).to_be_visible()
    page.get_by_label("Name of the place or group").fill("Millpond")
    page.get_by_role("button", name="Find").click()
    page.get_by_label("Place: Millpond Rec (synthetic) – why it is on the agenda").fill(
        "Children seen here with adults of concern"
    )
    page.get_by_role("button", name="Add Millpond Rec (synthetic)").click()
    expect(
        page.get_by_role("heading", name="Item 2: Place: Millpond Rec (synthetic)")
    ).to_be_visible()
    _accessible(page)

    page.get_by_role("button", name="Publish the agenda").click()
    expect(page.get_by_text("Agenda published: the invitees")).to_be_visible()
    meeting = Meeting.objects.get()
    visible = set(people_visible_to(officer).values_list("pk", flat=True))
    assert visible == {world.child.pk}  # the invitee sees the agenda's child, and only them

    page.get_by_role("link", name="Record attendance").click()
    page.get_by_role(
        "group", name="Morgan Chairperson (Testshire Children's Services)"
    ).get_by_label("Attended").check()
    page.get_by_role("group", name="Pat Constable (Testshire Police)").get_by_label(
        "Sent apologies"
    ).check()
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_text("Attendance saved.")).to_be_visible()

    page.get_by_role("link", name="Minute item 1").click()
    _accessible(page)
    page.get_by_label("Information shared").fill("Police: seen twice at the underpass with adults.")
    page.get_by_label("Discussion").fill("Pull factors: money, status. School attendance falling.")
    page.get_by_label("Decision").fill(
        "Stays on MACE; disruption of the adults; review in 3 months."
    )
    cce = page.get_by_role("group", name="Child criminal exploitation")
    cce.get_by_label("Child criminal exploitation: risk level").select_option(label="High")
    cce.get_by_label("Rationale").fill("Cash, a second phone and older associates.")
    cce.get_by_label("The child's voice").fill("Says they are just friends and she feels grown up.")
    page.get_by_role("button", name="Save the minutes").click()
    expect(page.get_by_text("Minutes for item 1 saved.")).to_be_visible()
    judgement = RiskJudgement.objects.get()
    assert (judgement.level, judgement.stage) == ("high", "initial")
    assert sorted(Review.objects.values_list("months", flat=True)) == [3, 6]

    page.get_by_role("link", name="Add an action to item 1").click()
    page.get_by_label("Action", exact=True).fill("Serve child abduction warning notices")
    page.get_by_label("Owning agency").select_option(label="Testshire Police")
    page.get_by_label("Owner (optional)").select_option(label="Pat Constable – Detective constable")
    _fill_date(page, "Due", timezone.localdate() + dt.timedelta(days=14))
    page.get_by_label("Pursue").check()
    page.get_by_role("button", name="Add the action").click()
    expect(page.get_by_text("Action added.")).to_be_visible()
    assert Action.objects.get().owner_user == officer

    page.get_by_role("link", name="Minute item 2").click()
    page.get_by_label("Decision").fill("Licensing and patrols; youth workers on Friday evenings.")
    page.get_by_role("button", name="Save the minutes").click()
    page.get_by_role("button", name="Approve the minutes").click()
    expect(page.get_by_text("Minutes approved.")).to_be_visible()

    page.get_by_role("link", name="Printable agenda and minutes").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("MACE panel: agenda and minutes")
    pack = page.locator("main")
    expect(pack).to_contain_text(world.child.full_name)
    expect(pack).to_contain_text("Cash, a second phone and older associates.")
    expect(pack).to_contain_text("Serve child abduction warning notices")
    expect(pack).to_contain_text("Sent apologies")
    _accessible(page)
    page.screenshot(path=str(artifacts_dir / "mace-pack.png"), full_page=True)
    pdf = page.pdf(path=str(artifacts_dir / "mace-pack.pdf"), format="A4")
    assert pdf.startswith(b"%PDF")
    assert meeting.pk
