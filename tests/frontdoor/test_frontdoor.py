"""The Front Door: raising a contact, search before create, screening, decisions, access."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cshub.audit.models import AuditEvent
from cshub.core.vocab import CaseLevel, CaseStatus, TeamFunction
from cshub.frontdoor.choices import ContactState, Outcome
from cshub.frontdoor.models import Contact, Decision, Screening, ScreeningTool
from cshub.people.models import Allocation, Case, Person
from tests import factories


def _last_seq() -> int:
    return AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def _events_since(seq: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(seq__gt=seq).order_by("seq"))


DRAFT = {
    "referrer_name": "Pat Teacher",
    "referrer_role": "Designated safeguarding lead",
    "referrer_contact_details": "01632 960000",
    "what_happened": "Seen getting into a car with older men after school; new phone, trainers.",
    "harm_types": ["cce"],
    "immediate_danger": "no",
    "consent": "given",
    "consent_reason": "",
}


def _start(client) -> Contact:
    response = client.post(reverse("frontdoor:contact_new"))
    assert response.status_code == 302
    return Contact.objects.order_by("-created_at").first()


def _save(client, contact, **overrides):
    contact.refresh_from_db()
    data = {**DRAFT, "version": contact.version, **overrides}
    return client.post(reverse("frontdoor:contact_edit", args=[contact.id]), data)


def _add_child(client, contact, person, role="child"):
    return client.post(
        reverse("frontdoor:contact_people", args=[contact.id]),
        {"action": "add", "person": str(person.id), "role": role},
    )


@pytest.fixture
def routing_teams(borough):
    csc = borough["teams"]["cypf"].agency
    return {
        "early_help": factories.TeamFactory(
            agency=csc, code="eh", name="Early Help", function=TeamFunction.EARLY_HELP
        ),
        "hsb": factories.TeamFactory(
            agency=csc, code="hsb", name="HSB service", function=TeamFunction.HSB_SERVICE
        ),
    }


@pytest.fixture
def submitted(clients, borough):
    """A contact raised by the school DSL about a child new to services, submitted."""
    client = clients["school_dsl"]
    contact = _start(client)
    child = factories.PersonFactory(given_name="Riley", family_name="Newcontact")
    assert _add_child(client, contact, child).status_code == 302
    assert _save(client, contact).status_code == 302
    response = client.post(reverse("frontdoor:contact_submit", args=[contact.id]))
    assert response.status_code == 302, response.content.decode()[:2000]
    contact.refresh_from_db()
    return contact, child


def _screen(client, contact, person, **overrides):
    tool = ScreeningTool.objects.get(is_current=True)
    data = {f"answer_{i.pk}": "no" for i in tool.indicators.all()}
    data.update(
        {
            "final_level": "none",
            "child_voice": "Says the men are just friends who give lifts.",
            "parent_view": "Mum is worried about the late nights.",
        }
    )
    data.update(overrides)
    return client.post(reverse("frontdoor:screening", args=[contact.id, person.id]), data)


class TestRaisingAContact:
    def test_a_draft_is_saved_at_once_and_by_autosave(self, clients, borough):
        client = clients["school_dsl"]
        contact = _start(client)
        assert contact.state == ContactState.DRAFT
        assert contact.raised_by == borough["users"]["school_dsl"]
        response = client.post(
            reverse("frontdoor:contact_edit", args=[contact.id]),
            {**DRAFT, "version": contact.version, "what_happened": "Half a senten"},
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 200
        assert "Draft saved" in response.content.decode()
        contact.refresh_from_db()
        assert contact.what_happened == "Half a senten"

    def test_a_stale_autosave_says_so_and_saves_nothing(self, clients, borough):
        client = clients["school_dsl"]
        contact = _start(client)
        stale = contact.version
        _save(client, contact, what_happened="Saved in another tab")
        response = client.post(
            reverse("frontdoor:contact_edit", args=[contact.id]),
            {**DRAFT, "version": stale, "what_happened": "Typed here"},
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 200  # htmx only swaps 2xx: the status line carries it
        assert "Someone else saved this contact" in response.content.decode()
        contact.refresh_from_db()
        assert contact.what_happened == "Saved in another tab"

    def test_a_stale_save_is_a_conflict_and_loses_nothing(self, clients, borough):
        client = clients["school_dsl"]
        contact = _start(client)
        stale = contact.version
        assert _save(client, contact, what_happened="First version").status_code == 302
        response = client.post(
            reverse("frontdoor:contact_edit", args=[contact.id]),
            {**DRAFT, "version": stale, "what_happened": "Second"},
        )
        assert response.status_code == 400
        assert "Someone else saved this contact" in response.content.decode()
        contact.refresh_from_db()
        assert contact.what_happened == "First version"
        # what this user typed is still on the page, with the current version: saving again
        # knowingly replaces the other save
        form = response.context["form"]
        assert form.data["what_happened"] == "Second"
        assert form.data["version"] == str(contact.version)
        again = client.post(reverse("frontdoor:contact_edit", args=[contact.id]), form.data)
        assert again.status_code == 302
        contact.refresh_from_db()
        assert contact.what_happened == "Second"

    def test_submit_lists_everything_missing_and_changes_nothing(self, clients, borough):
        client = clients["school_dsl"]
        contact = _start(client)
        response = client.post(reverse("frontdoor:contact_submit", args=[contact.id]))
        assert response.status_code == 400
        html = response.content.decode()
        for message in (
            "Add the child",
            "Say what happened",
            "at least one suspected harm",
            "consented",
        ):
            assert message in html, message
        contact.refresh_from_db()
        assert contact.state == ContactState.DRAFT and contact.submitted_at is None

    def test_submit_starts_the_clock(self, submitted):
        contact, _ = submitted
        assert contact.state == ContactState.IN_TRIAGE
        assert contact.decision_due_at > contact.received_at

    def test_a_double_submit_changes_nothing_and_says_so(self, clients, submitted):
        contact, _ = submitted
        before = (contact.version, contact.submitted_at)
        response = clients["school_dsl"].post(
            reverse("frontdoor:contact_submit", args=[contact.id]), follow=True
        )
        assert "already been submitted" in response.content.decode()
        contact.refresh_from_db()
        assert (contact.version, contact.submitted_at) == before

    def test_unknown_harm_type_is_refused(self, clients, borough):
        client = clients["school_dsl"]
        contact = _start(client)
        response = _save(client, contact, harm_types=["cce", "witchcraft"])
        assert response.status_code == 400
        assert "Select a valid choice" in response.content.decode()
        assert not contact.harms.exists()

    def test_future_received_time_is_refused(self, clients, borough):
        client = clients["ifd_worker"]
        contact = _start(client)
        tomorrow = timezone.localdate() + dt.timedelta(days=1)
        response = _save(
            client,
            contact,
            channel="phone",
            received_date_0=tomorrow.day,
            received_date_1=tomorrow.month,
            received_date_2=tomorrow.year,
            received_time="10:00",
        )
        assert response.status_code == 400
        assert "cannot be in the future" in response.content.decode()
        contact.refresh_from_db()
        assert contact.received_at is None

    def test_a_field_the_user_may_not_write_is_refused(self, clients, borough):
        client = clients["school_dsl"]
        contact = _start(client)
        response = _save(
            client, contact, raised_by=str(borough["users"]["dpo"].pk), state="decided"
        )
        assert response.status_code == 400
        assert "fields it does not have" in response.content.decode()
        contact.refresh_from_db()
        assert contact.state == ContactState.DRAFT and contact.what_happened == ""

    def test_consent_not_sought_needs_a_reason(self, clients, borough):
        client = clients["school_dsl"]
        contact = _start(client)
        _add_child(client, contact, factories.PersonFactory())
        _save(client, contact, consent="not_sought")
        response = client.post(reverse("frontdoor:contact_submit", args=[contact.id]))
        assert response.status_code == 400
        assert "lawful basis" in response.content.decode()


class TestSearchBeforeCreate:
    def test_a_misspelt_name_and_swapped_date_find_the_existing_child(self, clients, borough):
        client = clients["school_dsl"]
        contact = _start(client)
        existing = borough["child"]  # Casey Matrixchild
        existing.date_of_birth = dt.date(2011, 7, 3)
        existing.save()
        response = client.post(
            reverse("frontdoor:contact_people", args=[contact.id]),
            {
                "action": "search",
                "role": "child",
                "given_name": "Kasey",
                "family_name": "Matrixchilde",
                "date_of_birth_0": "7",  # 7 March where the record has 3 July: swapped
                "date_of_birth_1": "3",
                "date_of_birth_2": "2011",
            },
        )
        assert response.status_code == 200
        rows = response.context["matches"]
        assert rows and rows[0]["match"].person == existing
        assert not rows[0]["visible"]  # the school has no relationship: no name, no date shown
        shown = response.content.decode().split('id="matches"')[1]
        assert "Casey" not in shown and "3 Jul 2011" not in shown  # the record's own details

    def test_creating_a_new_person_needs_the_click_that_says_so(self, clients, borough):
        client = clients["school_dsl"]
        contact = _start(client)
        url = reverse("frontdoor:contact_people", args=[contact.id])
        new = {
            "action": "create",
            "role": "child",
            "given_name": "Brand",
            "family_name": "Newperson",
            "sex": "M",
            "ethnicity": "WBRI",
        }
        response = client.post(url, new)
        assert response.status_code == 400
        assert "Confirm that none of the records found" in response.content.decode()
        assert not Person.objects.filter(family_name="Newperson").exists()
        response = client.post(url, {**new, "confirm_new": "on"})
        assert response.status_code == 302
        subject = contact.subjects.get()
        assert subject.created_new and subject.person.family_name == "Newperson"

    def test_a_sealed_record_cannot_be_added_by_guessing_its_id(self, clients, borough):
        child = borough["child"]
        child.is_restricted = True
        child.save()
        client = clients["school_dsl"]
        contact = _start(client)
        assert _add_child(client, contact, child).status_code == 404
        assert not contact.subjects.exists()


class TestWhoSeesWhat:
    def test_a_partner_sees_only_their_own_contacts_and_the_outcome(
        self, clients, borough, submitted
    ):
        contact, child = submitted
        url = reverse("frontdoor:contact_detail", args=[contact.id])
        mine = clients["school_dsl"].get(url)
        assert mine.status_code == 200 and mine.context["full"] is False
        assert reverse("people:detail", args=[child.id]) not in mine.content.decode()
        for role in ("police_analyst", "cypf_worker", "unrelated_worker"):
            assert clients[role].get(url).status_code == 404, role
        assert clients["ifd_worker"].get(url).context["full"] is True
        # raising a contact gives the partner no sight of the child's record
        assert (
            clients["school_dsl"].get(reverse("people:detail", args=[child.id])).status_code == 404
        )

    def test_the_front_door_sees_the_child_while_in_triage(self, clients, submitted):
        contact, child = submitted
        response = clients["ifd_worker"].get(reverse("people:detail", args=[child.id]))
        assert response.status_code == 200
        assert "A contact about them is with the Integrated Front Door" in response.content.decode()

    def test_only_the_front_door_reaches_the_queue_screening_and_decision(self, clients, submitted):
        contact, child = submitted
        urls = [
            reverse("frontdoor:queue"),
            reverse("frontdoor:screening", args=[contact.id, child.id]),
            reverse("frontdoor:decision", args=[contact.id]),
        ]
        for role in ("school_dsl", "police_analyst", "cypf_worker", "specialist_manager"):
            for url in urls:
                before = _last_seq()
                assert clients[role].get(url).status_code == 404, (role, url)
                assert [e.outcome for e in _events_since(before)] == ["denied"], (role, url)
        for url in urls:
            before = _last_seq()
            assert clients["ifd_worker"].get(url).status_code == 200, url
            assert [e.outcome for e in _events_since(before)] == ["allowed"], url

    def test_someone_elses_draft_is_not_found(self, clients, borough):
        contact = _start(clients["school_dsl"])
        for role in ("police_analyst", "ifd_worker"):
            assert (
                clients[role].get(reverse("frontdoor:contact_edit", args=[contact.id])).status_code
                == 404
            )
            assert (
                clients[role]
                .get(reverse("frontdoor:contact_detail", args=[contact.id]))
                .status_code
                == 404
            )

    def test_queue_orders_by_danger_then_age_and_shows_overdue(self, clients, borough, submitted):
        contact, _ = submitted
        danger = _start(clients["police_analyst"])
        _add_child(clients["police_analyst"], danger, factories.PersonFactory())
        _save(clients["police_analyst"], danger, immediate_danger="yes")
        clients["police_analyst"].post(reverse("frontdoor:contact_submit", args=[danger.id]))
        Contact.objects.filter(pk=contact.pk).update(
            received_at=timezone.now() - dt.timedelta(days=10),
            decision_due_at=timezone.now() - dt.timedelta(days=9),
        )
        rows = clients["ifd_worker"].get(reverse("frontdoor:queue")).context["rows"]
        assert [r.contact.pk for r in rows] == [danger.pk, contact.pk]
        assert rows[1].clock.overdue and not rows[0].clock.overdue


class TestScreening:
    def test_voice_of_the_child_is_required_or_a_reason(self, clients, submitted):
        contact, child = submitted
        response = _screen(clients["ifd_worker"], contact, child, child_voice="")
        assert response.status_code == 400
        assert "Record the child&#x27;s voice" in response.content.decode()
        response = _screen(
            clients["ifd_worker"],
            contact,
            child,
            child_voice="",
            child_voice_missing_reason="Not yet seen",
        )
        assert response.status_code == 302

    def test_a_yes_needs_its_basis_and_evidence(self, clients, submitted):
        contact, child = submitted
        indicator = ScreeningTool.objects.get(is_current=True).indicators.get(code="weapon")
        response = _screen(
            clients["ifd_worker"], contact, child, **{f"answer_{indicator.pk}": "yes"}
        )
        assert response.status_code == 400
        assert "say what the yes rests on" in response.content.decode()
        assert not Screening.objects.exists()

    def test_the_tool_suggests_and_a_different_judgement_needs_a_reason(self, clients, submitted):
        contact, child = submitted
        weapon = ScreeningTool.objects.get(is_current=True).indicators.get(code="weapon")
        answers = {
            f"answer_{weapon.pk}": "yes",
            f"basis_{weapon.pk}": "disclosure",
            f"evidence_{weapon.pk}": "Told teacher he carries a knife",
        }
        response = _screen(clients["ifd_worker"], contact, child, final_level="low", **answers)
        assert response.status_code == 400
        assert "explain your professional judgement" in response.content.decode()
        response = _screen(clients["ifd_worker"], contact, child, final_level="high", **answers)
        assert response.status_code == 302
        screening = Screening.objects.get()
        assert screening.suggested_level == screening.final_level == "high"
        assert screening.tool.version == 1

    def test_factors_found_are_offered_for_the_record(self, clients, submitted):
        contact, child = submitted
        _screen(
            clients["ifd_worker"],
            contact,
            child,
            factors=["send", "excluded"],
            add_factors_to_record="on",
        )
        assert set(child.vulnerabilities.values_list("factor", flat=True)) == {"send", "excluded"}

    def test_every_indicator_must_be_answered(self, clients, submitted):
        contact, child = submitted
        tool = ScreeningTool.objects.get(is_current=True)
        first = tool.indicators.first()
        response = _screen(clients["ifd_worker"], contact, child, **{f"answer_{first.pk}": ""})
        assert response.status_code == 400
        assert not Screening.objects.exists()


class TestDecisions:
    def _decide(self, client, contact, **data):
        return client.post(reverse("frontdoor:decision", args=[contact.id]), data)

    def test_a_child_must_be_screened_first(self, clients, submitted):
        contact, _ = submitted
        response = self._decide(
            clients["ifd_worker"],
            contact,
            outcome="advice_nfa",
            rationale="x",
            nrm_consideration="not_appropriate",
            nrm_note="n",
        )
        assert response.status_code == 400
        assert "Screen every child" in response.content.decode()
        assert not Decision.objects.exists()

    @pytest.mark.parametrize(
        "outcome, team, level",
        [
            (Outcome.ADVICE_NFA, None, None),
            (Outcome.UNIVERSAL, None, None),
            (Outcome.EARLY_HELP, "early_help", CaseLevel.EARLY_HELP),
            (Outcome.ASSESSMENT, "assessment", CaseLevel.CHILD_IN_NEED),
            (Outcome.STRATEGY_DISCUSSION, "assessment", CaseLevel.CHILD_PROTECTION),
            (Outcome.SPECIALIST, "specialist", CaseLevel.EXPLOITATION),
            (Outcome.HSB_PATHWAY, "hsb", CaseLevel.CHILD_IN_NEED),
            (Outcome.MACE, "specialist", CaseLevel.EXPLOITATION),
        ],
    )
    def test_every_decision_path(
        self,
        clients,
        borough,
        routing_teams,
        submitted,
        mailoutbox,
        django_capture_on_commit_callbacks,
        outcome,
        team,
        level,
    ):
        contact, child = submitted
        teams = {**borough["teams"], **routing_teams}
        _screen(clients["ifd_worker"], contact, child)
        data = {
            "outcome": outcome,
            "rationale": "Threshold reasoning recorded here.",
            "nrm_consideration": "not_appropriate",
            "nrm_note": "No evidence of trafficking yet.",
        }
        if team:
            data["receiving_team"] = teams[team].pk
        with django_capture_on_commit_callbacks(execute=True):
            response = self._decide(clients["ifd_worker"], contact, **data)
        assert response.status_code == 302, response.content.decode()[:3000]
        contact.refresh_from_db()
        assert contact.state == ContactState.DECIDED
        decision = contact.decision
        assert decision.outcome == outcome and decision.decided_by == borough["users"]["ifd_worker"]
        cases = Case.objects.filter(person=child)
        if level is None:
            assert not cases.exists()
        else:
            case = cases.get()
            assert case.status == CaseStatus.OPEN and case.level == level
            assert set(case.harms.values_list("harm_type", flat=True)) == {"cce"}
            allocation = Allocation.objects.get(case=case)
            assert allocation.team == teams[team] and allocation.role == "lead"
        # the referrer is told the outcome, without personal details
        (mail,) = mailoutbox
        assert mail.to == ["school.dsl@example.org"]
        assert decision.get_outcome_display() in mail.body
        assert child.family_name not in mail.body + mail.subject
        page = clients["school_dsl"].get(reverse("frontdoor:contact_detail", args=[contact.id]))
        assert f"Outcome: {decision.get_outcome_display()}" in page.content.decode()

    def test_the_receiving_team_then_sees_the_child(self, clients, borough, submitted):
        contact, child = submitted
        _screen(clients["ifd_worker"], contact, child)
        self._decide(
            clients["ifd_worker"],
            contact,
            outcome="specialist",
            rationale="r",
            receiving_team=borough["teams"]["specialist"].pk,
            nrm_consideration="referral",
        )
        specialist_worker = factories.MembershipFactory(team=borough["teams"]["specialist"]).user
        from tests.security.conftest import signed_in

        assert (
            signed_in(specialist_worker).get(reverse("people:detail", args=[child.id])).status_code
            == 200
        )

    def test_an_open_case_is_updated_not_duplicated(self, clients, borough, submitted):
        contact, child = submitted
        existing = factories.AllocationFactory(
            case__person=child, team=borough["teams"]["cypf"]
        ).case
        _screen(clients["ifd_worker"], contact, child)
        self._decide(
            clients["ifd_worker"],
            contact,
            outcome="specialist",
            rationale="r",
            receiving_team=borough["teams"]["specialist"].pk,
            nrm_consideration="referral",
        )
        assert Case.objects.filter(person=child).count() == 1
        roles = dict(existing.allocations.values_list("team__code", "role"))
        assert roles == {"cypf": "lead", "specialist": "supporting"}

    def test_nrm_is_prompted_when_exploitation_is_suspected(self, clients, borough, submitted):
        contact, child = submitted
        _screen(clients["ifd_worker"], contact, child)
        response = self._decide(clients["ifd_worker"], contact, outcome="advice_nfa", rationale="r")
        assert response.status_code == 400
        assert "National Referral Mechanism" in response.content.decode()
        response = self._decide(
            clients["ifd_worker"],
            contact,
            outcome="advice_nfa",
            rationale="r",
            nrm_consideration="not_appropriate",
        )
        assert "Say why an NRM referral is not appropriate" in response.content.decode()
        assert not Decision.objects.exists()

    def test_immediate_danger_without_a_strategy_discussion_needs_a_reason(
        self, clients, borough, submitted
    ):
        contact, child = submitted
        Contact.objects.filter(pk=contact.pk).update(immediate_danger=True)
        _screen(clients["ifd_worker"], contact, child, final_level="high")
        response = self._decide(
            clients["ifd_worker"],
            contact,
            outcome="assessment",
            rationale="r",
            receiving_team=borough["teams"]["assessment"].pk,
            nrm_consideration="referral",
        )
        assert response.status_code == 400
        assert "say why there is no strategy discussion" in response.content.decode()

    def test_a_team_that_does_not_provide_the_service_is_refused(
        self, clients, borough, routing_teams, submitted
    ):
        contact, child = submitted
        _screen(clients["ifd_worker"], contact, child)
        response = self._decide(
            clients["ifd_worker"],
            contact,
            outcome="specialist",
            rationale="r",
            receiving_team=routing_teams["early_help"].pk,
            nrm_consideration="referral",
        )
        assert response.status_code == 400
        assert "does not provide this service" in response.content.decode()

    def test_a_second_decision_is_refused(self, clients, borough, submitted):
        contact, child = submitted
        _screen(clients["ifd_worker"], contact, child)
        data = {
            "outcome": "advice_nfa",
            "rationale": "r",
            "nrm_consideration": "not_appropriate",
            "nrm_note": "n",
        }
        assert self._decide(clients["ifd_worker"], contact, **data).status_code == 302
        assert (
            self._decide(
                clients["ifd_worker"], contact, **{**data, "outcome": "universal"}
            ).status_code
            == 404
        )
        assert Decision.objects.get().outcome == "advice_nfa"


@pytest.mark.django_db
def test_contacts_are_counted_by_source_harm_and_decision(clients, borough, submitted):
    from cshub.frontdoor.selectors import contact_counts

    contact, child = submitted
    _screen(clients["ifd_worker"], contact, child)
    clients["ifd_worker"].post(
        reverse("frontdoor:decision", args=[contact.id]),
        {
            "outcome": "advice_nfa",
            "rationale": "r",
            "nrm_consideration": "not_appropriate",
            "nrm_note": "n",
        },
    )
    draft = _start(clients["police_analyst"])  # drafts are not received: never counted
    assert draft.state == ContactState.DRAFT
    now = timezone.now()
    counts = contact_counts(start=now - dt.timedelta(days=1), end=now + dt.timedelta(minutes=1))
    assert counts["total"] == {"contacts": 1}
    assert counts["by_source"] == {"education": 1}
    assert counts["by_channel"] == {"portal": 1}
    assert counts["by_harm"] == {"cce": 1}
    assert counts["by_decision"] == {"advice_nfa": 1}
    assert contact_counts(start=now + dt.timedelta(days=1), end=now + dt.timedelta(days=2))[
        "total"
    ] == {"contacts": 0}


@pytest.mark.django_db
def test_an_autosave_after_the_session_ended_says_so_instead_of_a_sign_in_page(client, borough):
    response = client.post(
        "/frontdoor/contacts/00000000-0000-4000-8000-000000000000/edit/", {}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "Your session has ended" in response.content.decode()
    assert (
        client.get(reverse("frontdoor:my_contacts")).status_code == 302
    )  # ordinary requests redirect


@pytest.mark.django_db
def test_places_involved_are_added_and_an_unknown_place_is_refused(clients, borough):
    client = clients["school_dsl"]
    contact = _start(client)
    url = reverse("frontdoor:contact_people", args=[contact.id])
    place = borough["place"]
    assert client.post(url, {"action": "add_place", "place": str(place.id)}).status_code == 302
    assert list(contact.places.values_list("place_id", flat=True)) == [place.id]
    response = client.post(
        url, {"action": "add_place", "place": "00000000-0000-4000-8000-000000000000"}, follow=True
    )
    assert "Choose a place from the list" in response.content.decode()
    assert contact.places.count() == 1
    html = client.get(reverse("frontdoor:contact_edit", args=[contact.id])).content.decode()
    assert place.name in html
    client.post(url, {"action": "remove_place", "place": str(place.id)})
    assert not contact.places.exists()
    assert AuditEvent.objects.filter(action="frontdoor.contact.place_added").count() == 1


@pytest.mark.django_db
def test_the_queue_pages_at_fifty_and_counts_all(clients, borough, submitted):
    from cshub.frontdoor import views

    contact, _ = submitted
    original = views.QUEUE_PAGE_SIZE
    views.QUEUE_PAGE_SIZE = 1
    try:
        for _ in range(2):
            other = _start(clients["police_analyst"])
            _add_child(clients["police_analyst"], other, factories.PersonFactory())
            _save(clients["police_analyst"], other)
            clients["police_analyst"].post(reverse("frontdoor:contact_submit", args=[other.id]))
        first = clients["ifd_worker"].get(reverse("frontdoor:queue"))
        assert first.context["total"] == 3 and len(first.context["rows"]) == 1
        assert "3 contacts in triage" in first.content.decode()
        third = clients["ifd_worker"].get(reverse("frontdoor:queue"), {"page": "3"})
        assert len(third.context["rows"]) == 1
        assert third.context["rows"][0].contact.pk != first.context["rows"][0].contact.pk
    finally:
        views.QUEUE_PAGE_SIZE = original


@pytest.mark.django_db
def test_unknown_codes_in_screening_and_decision_are_refused(clients, borough, submitted):
    contact, child = submitted
    tool = ScreeningTool.objects.get(is_current=True)
    first = tool.indicators.first()
    response = _screen(
        clients["ifd_worker"], contact, child, **{f"answer_{first.pk}": "maybe"}, final_level="dire"
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not Screening.objects.exists()
    _screen(clients["ifd_worker"], contact, child)
    response = clients["ifd_worker"].post(
        reverse("frontdoor:decision", args=[contact.id]),
        {"outcome": "send_away", "rationale": "r", "nrm_consideration": "perhaps"},
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not Decision.objects.exists()
    contact.refresh_from_db()
    assert contact.state == ContactState.IN_TRIAGE
