"""Every panels page in the need-to-know matrix: who may open it, that a refusal is a 404 with a
"denied" audit row, that an allowed request is audited, and that bad input answers 400 and
changes nothing. The pack is redacted for its recipient."""

from __future__ import annotations

import datetime as dt
import io
import uuid
import zipfile

import pytest
import time_machine
from django.urls import reverse

from cshub.accounts.models import Agency
from cshub.audit.models import AuditEvent, Outcome
from cshub.panels import services
from cshub.panels.choices import HsbRole, PanelKind, ReferralStatus
from cshub.panels.models import Action, AgendaItem, Meeting, Referral, RiskJudgement
from tests.panels.helpers import LONDON, child, meeting
from tests.security.conftest import signed_in

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 11, 25, 10, 0, tzinfo=LONDON)
DURING = START + dt.timedelta(hours=2)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(DURING, tick=False):
        yield


def _seq() -> int:
    return AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def _events(since: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(seq__gt=since).order_by("seq"))


@pytest.fixture
def mace(borough):
    """A MACE meeting today, published yesterday: the matrix child and a place on the agenda,
    school.dsl and the police analyst invited."""
    actor = borough["users"]["specialist_manager"]
    with time_machine.travel(START - dt.timedelta(days=7), tick=False):
        m = meeting(borough, starts_at=START, invitees=["school_dsl", "police_analyst"])
        services.item_add(actor=actor, meeting=m, person=borough["child"], purpose="CCE concerns")
        services.item_add(actor=actor, meeting=m, place=borough["place"], purpose="Hotspot")
    with time_machine.travel(START - dt.timedelta(days=1), tick=False):
        services.meeting_publish(actor=actor, meeting=m)
    m.refresh_from_db()
    return m


def _child_item(borough, m) -> AgendaItem:
    return m.items.get(subject_person=borough["child"])


def _refused(client, method, url, data=None) -> list[AuditEvent]:
    since = _seq()
    response = getattr(client, method)(url, data or {})
    assert response.status_code == 404, (url, response.status_code)
    events = _events(since)
    assert events and all(e.outcome == Outcome.DENIED for e in events), [
        (e.action, e.outcome) for e in events
    ]
    return events


def _allowed(client, url, action) -> AuditEvent:
    since = _seq()
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    events = _events(since)
    assert [e.action for e in events] == [action], [e.action for e in events]
    assert events[0].outcome == Outcome.ALLOWED
    return events[0]


# --- meeting pages -----------------------------------------------------------------------------


def test_meeting_page_for_coordinators_and_invitees_only(borough, clients, mace):
    url = reverse("panels:meeting", args=[mace.pk])
    _allowed(clients["specialist_manager"], url, "panels.meeting.viewed")
    page = clients["school_dsl"].get(url).content.decode()
    assert "Casey Matrixchild" in page and "Publish the agenda" not in page
    for role in ("unrelated_worker", "cypf_worker", "ifd_worker", "dpo"):
        _refused(clients[role], "get", url)
    _refused(clients["school_dsl"], "get", reverse("panels:meeting", args=[uuid.uuid4()]))


def test_coordinator_pages_refuse_invitees(borough, clients, mace):
    item = _child_item(borough, mace)
    for method, url in (
        ("get", reverse("panels:meeting_new")),
        ("get", reverse("panels:attendance", args=[mace.pk])),
        ("get", reverse("panels:minutes", args=[item.pk])),
        ("get", reverse("panels:action_new", args=[item.pk])),
        ("post", reverse("panels:publish", args=[mace.pk])),
        ("post", reverse("panels:item_remove", args=[item.pk])),
        ("post", reverse("panels:invitee_add", args=[mace.pk])),
    ):
        _refused(clients["school_dsl"], method, url)
    assert AgendaItem.objects.filter(meeting=mace).count() == 2


def test_queue_and_list_are_audited(borough, clients, mace):
    _allowed(clients["school_dsl"], reverse("panels:home"), "panels.queue.viewed")
    _allowed(clients["school_dsl"], reverse("panels:meeting_list"), "panels.meeting.listed")
    page = clients["unrelated_worker"].get(reverse("panels:meeting_list")).content.decode()
    assert str(mace.pk) not in page


def test_build_publish_and_minute_through_the_pages(borough, clients):
    client = clients["specialist_manager"]
    since = _seq()
    response = client.post(
        reverse("panels:meeting_new"),
        {
            "panel": str(_panel().pk),
            "starts_on_0": "25",
            "starts_on_1": "11",
            "starts_on_2": "2026",
            "starts_time": "10:00",
            "location": "Room 2",
            "chair": str(borough["users"]["specialist_manager"].pk),
            "invitees": [str(borough["users"]["school_dsl"].pk)],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    m = Meeting.objects.get()
    assert "panels.meeting.created" in [e.action for e in _events(since)]
    add = reverse("panels:item_add", args=[m.pk])
    ok = client.post(
        add, {"subject_kind": "place", "subject_id": str(borough["place"].pk), "purpose": "Hotspot"}
    )
    assert ok.status_code == 302 and m.items.count() == 1
    # An unknown place: 404, denied, nothing added.
    _refused(client, "post", add, {"subject_kind": "place", "subject_id": str(uuid.uuid4())})
    # A smuggled field: 400, nothing added.
    bad = client.post(
        add,
        {"subject_kind": "place", "subject_id": str(borough["place"].pk), "meeting": "x"},
    )
    assert bad.status_code == 400 and m.items.count() == 1
    client.post(reverse("panels:publish", args=[m.pk]))
    m.refresh_from_db()
    assert m.published_at is not None
    again = client.post(reverse("panels:publish", args=[m.pk]), follow=True)
    assert "already published" in again.content.decode()
    assert Meeting.objects.get().published_at == m.published_at
    item = m.items.get()
    minutes = reverse("panels:minutes", args=[item.pk])
    assert client.post(minutes, {"decision": ""}).status_code == 400
    assert AgendaItem.objects.get(pk=item.pk).decision == ""
    assert client.post(minutes, {"decision": "Licensing visit"}).status_code == 302
    assert AgendaItem.objects.get(pk=item.pk).decision == "Licensing visit"


def _panel():
    from tests.panels.helpers import panel

    return panel()


def test_minutes_with_judgements_through_the_page(borough, clients, mace):
    client = clients["specialist_manager"]
    item = _child_item(borough, mace)
    url = reverse("panels:minutes", args=[item.pk])
    form = {"decision": "Keep on MACE", "level_cce": "high", "rationale_cce": "Cash and phones"}
    response = client.post(url, form)  # the child's voice is missing
    assert response.status_code == 400
    assert "child&#x27;s voice" in response.content.decode()
    assert not RiskJudgement.objects.exists()
    response = client.post(url, form | {"child_voice_cce": "Says he owes money"})
    assert response.status_code == 302
    assert RiskJudgement.objects.get().level == "high"
    assert (
        client.post(url, form | {"level_cce": "extreme", "child_voice_cce": "x"}).status_code == 400
    )
    assert RiskJudgement.objects.get().level == "high"


def test_actions_pages(borough, clients, mace):
    item = _child_item(borough, mace)
    client = clients["specialist_manager"]
    response = client.post(
        reverse("panels:action_new", args=[item.pk]),
        {
            "description": "Safety plan with school",
            "owner_agency": str(Agency.objects.get(code="education").pk),
            "owner_user": str(borough["users"]["school_dsl"].pk),
            "due_on_0": "1",
            "due_on_1": "12",
            "due_on_2": "2026",
            "four_p": "protect",
        },
    )
    assert response.status_code == 302
    action = Action.objects.get()
    url = reverse("panels:action", args=[action.pk])
    _allowed(clients["school_dsl"], url, "panels.action.viewed")
    for role in ("unrelated_worker", "cypf_worker", "police_analyst"):
        _refused(clients[role], "get", url)
    _refused(clients["school_dsl"], "get", reverse("panels:action", args=[uuid.uuid4()]))
    assert (
        "Safety plan with school"
        in clients["school_dsl"].get(reverse("panels:home")).content.decode()
    )
    bad = clients["school_dsl"].post(url, {"status": "cancelled", "update": ""})
    assert bad.status_code == 400 and Action.objects.get().status == "open"


# --- the pack ----------------------------------------------------------------------------------


def _docx_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        return z.read("word/document.xml").decode()


def test_pack_shows_the_agenda_while_access_lasts(borough, clients, mace):
    url = reverse("panels:pack", args=[mace.pk])
    event = _allowed(clients["school_dsl"], url, "panels.pack.printed")
    assert event.details["redacted_items"] == 0
    page = clients["school_dsl"].get(url).content.decode()
    assert "Casey Matrixchild" in page and "CCE concerns" in page
    docx = clients["school_dsl"].get(reverse("panels:pack_docx", args=[mace.pk]))
    assert docx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "Casey Matrixchild" in _docx_text(docx.content)


def test_pack_is_redacted_once_access_has_closed(borough, mace):
    after = START + dt.timedelta(days=31)
    with time_machine.travel(after, tick=False):
        client = signed_in(borough["users"]["school_dsl"])
        since = _seq()
        page = client.get(reverse("panels:pack", args=[mace.pk])).content.decode()
        assert "Casey Matrixchild" not in page and "CCE concerns" not in page
        assert "Item 1: restricted" in page and "Hotspot" in page  # the place stays
        assert _events(since)[-1].details["redacted_items"] == 1
        text = _docx_text(client.get(reverse("panels:pack_docx", args=[mace.pk])).content)
        assert "Matrixchild" not in text and "restricted" in text


def test_a_coordinator_prints_the_pack_for_an_invitee(borough, clients, mace):
    after = START + dt.timedelta(days=31)
    url = reverse("panels:pack", args=[mace.pk])
    dsl = borough["users"]["school_dsl"]
    with time_machine.travel(after, tick=False):
        client = signed_in(borough["users"]["specialist_manager"])
        own = client.get(url).content.decode()
        assert "Casey Matrixchild" in own  # partnership scope
        for_dsl = client.get(f"{url}?for={dsl.pk}").content.decode()
        assert "Casey Matrixchild" not in for_dsl and "restricted" in for_dsl
        event = AuditEvent.objects.order_by("-seq").first()
        assert event.details["recipient"] == "school.dsl"
        # Not an invitee, or not a coordinator asking: refused.
        outsider = borough["users"]["unrelated_worker"]
        _refused(client, "get", f"{url}?for={outsider.pk}")
        _refused(client, "get", f"{url}?for=abc")
        _refused(signed_in(dsl), "get", f"{url}?for={borough['users']['police_analyst'].pk}")


# --- referrals ---------------------------------------------------------------------------------


def test_referral_page_needs_sight_of_the_person(borough, clients):
    url = reverse("panels:referral_new", args=[borough["child"].pk])
    for role in ("cypf_worker", "cypf_manager", "specialist_manager"):
        _allowed(clients[role], url, "panels.referral.new_viewed")
    for role in ("unrelated_worker", "school_dsl", "police_analyst", "ifd_worker"):
        _refused(clients[role], "get", url)
    _refused(clients["dpo"], "get", url)


def test_referring_through_the_page(borough, clients):
    url = reverse("panels:referral_new", args=[borough["child"].pk])
    csc = Agency.objects.get(code="csc")
    form = {
        "panel_kind": "mace",
        "referring_agency": str(csc.pk),
        "route": "partner",
        "reason": "Seen at a trap house",
        "referred_on_0": "24",
        "referred_on_1": "11",
        "referred_on_2": "2026",
    }
    refused = clients["cypf_worker"].post(url, form)
    assert refused.status_code == 400 and not Referral.objects.exists()
    assert "Front Door decision" in refused.content.decode()
    forged = clients["cypf_worker"].post(url, form | {"route": "manager"})  # not a manager
    assert forged.status_code == 400 and not Referral.objects.exists()
    ok = clients["cypf_manager"].post(url, form | {"route": "manager"})
    assert ok.status_code == 302
    r = Referral.objects.get()
    assert (r.source, r.status) == ("manager", ReferralStatus.WAITING)
    decline = reverse("panels:decline", args=[r.pk])
    _refused(clients["cypf_manager"], "post", decline, {"reason": "No"})
    clients["specialist_manager"].post(decline, {"reason": ""})
    assert Referral.objects.get().status == ReferralStatus.WAITING
    clients["specialist_manager"].post(decline, {"reason": "Early help is enough"})
    assert Referral.objects.get().status == ReferralStatus.DECLINED


# --- HSB ---------------------------------------------------------------------------------------


def test_hsb_pages(borough, clients):
    c = borough["child"]
    other = child(given_name="Other", family_name="Unseen")
    new = reverse("panels:hsb_incident_new", args=[c.pk])
    _allowed(clients["specialist_manager"], new, "panels.hsb_incident.new_viewed")
    for role in ("cypf_worker", "school_dsl", "unrelated_worker"):
        _refused(clients[role], "get", new)
    bad = clients["specialist_manager"].post(
        new, {"occurred_on_0": "1", "occurred_on_1": "12", "occurred_on_2": "2026"}
    )
    assert bad.status_code == 400
    incident = services.hsb_incident_record(
        actor=None,
        occurred_on=dt.date(2026, 11, 1),
        hackett_level="abusive",
        description="Images shared at school.",
        children=[(c, HsbRole.HARMED), (other, HsbRole.HARMER)],
    )
    url = reverse("panels:hsb_incident", args=[incident.pk])
    since = _seq()
    page = clients["cypf_worker"].get(url).content.decode()
    assert "Casey Matrixchild" in page and "Unseen" not in page
    assert "1 other child in this incident is not shown" in page
    events = _events(since)
    assert [(e.action, e.person_id) for e in events] == [("panels.hsb_incident.viewed", c.pk)]
    _refused(clients["unrelated_worker"], "get", url)
    involvement = incident.children.get(person=c)
    add = reverse("panels:hsb_intervention_new", args=[involvement.pk])
    _allowed(clients["specialist_manager"], add, "panels.hsb_intervention.new_viewed")
    _refused(clients["cypf_worker"], "get", add)
    _refused(
        clients["specialist_manager"],
        "get",
        reverse("panels:hsb_intervention_new", args=[uuid.uuid4()]),
    )


def test_kinds_of_panel_in_the_list_filter(borough, clients, mace):
    page = clients["specialist_manager"].get(reverse("panels:meeting_list") + "?panel=hsb")
    assert str(mace.pk) not in page.content.decode()
    page = clients["specialist_manager"].get(
        reverse("panels:meeting_list") + f"?panel={PanelKind.MACE}"
    )
    assert str(mace.pk) in page.content.decode()


def test_coordinator_form_pages_are_audited(borough, clients, mace):
    client = clients["specialist_manager"]
    item = _child_item(borough, mace)
    for url, action in (
        (reverse("panels:meeting_new"), "panels.meeting.new_viewed"),
        (reverse("panels:attendance", args=[mace.pk]), "panels.attendance.viewed"),
        (reverse("panels:minutes", args=[item.pk]), "panels.minutes.viewed"),
        (reverse("panels:action_new", args=[item.pk]), "panels.action.new_viewed"),
    ):
        event = _allowed(client, url, action)
        if "items" in url:
            assert event.person_id == borough["child"].pk


def test_attendance_refuses_someone_not_invited_and_bad_values(borough, clients, mace):
    url = reverse("panels:attendance", args=[mace.pk])
    invitees = list(mace.invitees.all())
    form = {f"attendance_{i.pk}": "attended" for i in invitees}
    bad = clients["specialist_manager"].post(url, form | {f"attendance_{invitees[0].pk}": "x"})
    assert bad.status_code == 400
    smuggled = clients["specialist_manager"].post(url, form | {"attendance_999999": "attended"})
    assert smuggled.status_code == 400
    assert set(mace.invitees.values_list("attendance", flat=True)) == {"invited"}
    assert clients["specialist_manager"].post(url, form).status_code == 302
    assert set(mace.invitees.values_list("attendance", flat=True)) == {"attended"}


def test_pack_and_approval_refuse_someone_not_invited(borough, clients, mace):
    for url in (
        reverse("panels:pack", args=[mace.pk]),
        reverse("panels:pack_docx", args=[mace.pk]),
    ):
        _refused(clients["unrelated_worker"], "get", url)
        _refused(clients["cypf_worker"], "get", url)
    _refused(clients["unrelated_worker"], "post", reverse("panels:approve", args=[mace.pk]))
    assert Meeting.objects.get(pk=mace.pk).minutes_approved_at is None
    # An invitee who is not the chair is told so, and nothing changes.
    since = _seq()
    clients["school_dsl"].post(reverse("panels:approve", args=[mace.pk]))
    assert [e.outcome for e in _events(since)] == [Outcome.FAILED]
    assert Meeting.objects.get(pk=mace.pk).minutes_approved_at is None
