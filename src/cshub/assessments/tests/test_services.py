"""The workflow: every transition, every illegal one (refused with a clear message, nothing
changed, nothing audited), completeness, a double submit, a stale version, bad dates and values,
and who may approve."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from cshub.assessments import services
from cshub.assessments.models import Assessment, AssessmentState, HarmRisk
from cshub.assessments.workflow import VersionConflict, WorkflowError
from cshub.audit.models import AuditEvent
from cshub.core.vocab import HarmType, RiskLevel

from .helpers import BACE_TEXT, complete, events_since, last_seq

TODAY = timezone.localdate


def _in_state(state, org, draft) -> Assessment:
    worker, manager = org["users"]["worker"], org["users"]["manager"]
    a = complete(draft, worker)  # a complete draft: submitting it is the legal step
    if state == AssessmentState.DRAFT:
        return a
    a = services.assessment_submit(actor=worker, assessment=a)
    if state == AssessmentState.RETURNED:
        a = services.assessment_return(actor=manager, assessment=a, reason="Add the analysis.")
    if state == AssessmentState.APPROVED:
        a = services.assessment_approve(
            actor=manager, assessment=a, review_on=TODAY() + dt.timedelta(days=90)
        )
    return a


def _steps(org):
    worker, manager = org["users"]["worker"], org["users"]["manager"]
    review = TODAY() + dt.timedelta(days=90)
    return {
        "update": lambda a: services.assessment_update(
            actor=worker, assessment=a, version=a.version, sections={"analysis": "More."}
        ),
        "risks": lambda a: services.assessment_risks_set(
            actor=worker,
            assessment=a,
            version=a.version,
            risks={HarmType.CSE: (RiskLevel.LOW, "Online contact.")},
        ),
        "submit": lambda a: services.assessment_submit(actor=worker, assessment=a),
        "return": lambda a: services.assessment_return(
            actor=manager, assessment=a, reason="Not yet."
        ),
        "approve": lambda a: services.assessment_approve(
            actor=manager, assessment=a, review_on=review
        ),
    }


ALLOWED = {
    AssessmentState.DRAFT: {"update", "risks", "submit"},
    AssessmentState.SUBMITTED: {"return", "approve"},
    AssessmentState.RETURNED: {"update", "risks", "submit"},
    AssessmentState.APPROVED: set(),
}
AFTER = {"submit": "submitted", "return": "returned", "approve": "approved"}


@pytest.mark.parametrize("state", list(ALLOWED))
@pytest.mark.parametrize("step", ["update", "risks", "submit", "return", "approve"])
def test_every_transition_and_every_illegal_one(org, draft, state, step):
    a = _in_state(state, org, draft)
    before = Assessment.objects.get(pk=a.pk)
    seq = last_seq()
    if step in ALLOWED[state]:
        result = _steps(org)[step](a)
        assert result.state == AFTER.get(step, state)
        assert result.version == before.version + 1
        assert len(events_since(seq)) == 1
    else:
        with pytest.raises(WorkflowError) as caught:
            _steps(org)[step](a)
        assert "nothing was" in str(caught.value)
        after = Assessment.objects.get(pk=a.pk)
        assert (after.state, after.version, after.updated_at) == (
            before.state,
            before.version,
            before.updated_at,
        )
        assert events_since(seq) == []


def test_a_complete_draft_submits_and_records_who_and_when(org, draft):
    worker = org["users"]["worker"]
    a = complete(draft, worker)
    seq = last_seq()
    a = services.assessment_submit(actor=worker, assessment=a)
    assert a.state == AssessmentState.SUBMITTED
    assert a.submitted_by == worker and a.submitted_at is not None
    (event,) = events_since(seq)
    assert event.action == "assessments.assessment.submitted"
    assert event.object_id == str(a.pk) and event.person_id == org["child"].pk


def test_returned_then_resubmitted_then_approved_keeps_every_timestamp_in_order(org, submitted):
    manager, worker = org["users"]["manager"], org["users"]["worker"]
    a = services.assessment_return(actor=manager, assessment=submitted, reason="Add the voice.")
    assert a.return_reason == "Add the voice." and a.returned_by == manager
    a = services.assessment_update(
        actor=worker, assessment=a, version=a.version, sections={"child_voice": "In their words."}
    )
    a = services.assessment_submit(actor=worker, assessment=a)
    a = services.assessment_approve(actor=manager, assessment=a, review_on=TODAY())
    a.refresh_from_db()
    assert a.state == AssessmentState.APPROVED
    assert a.returned_at <= a.submitted_at <= a.approved_at
    assert a.review_on == TODAY()
    actions = [
        e.action for e in events_since(0) if e.object_id == str(a.pk) and e.outcome == "allowed"
    ]
    assert actions[-4:] == [
        "assessments.assessment.returned",
        "assessments.assessment.updated",
        "assessments.assessment.submitted",
        "assessments.assessment.approved",
    ]


class TestCompleteness:
    def test_missing_childs_voice_is_refused_with_a_clear_message(self, org, draft):
        worker = org["users"]["worker"]
        a = complete(draft, worker)
        a = services.assessment_update(
            actor=worker, assessment=a, version=a.version, sections={"child_voice": ""}
        )
        with pytest.raises(ValidationError) as caught:
            services.assessment_submit(actor=worker, assessment=a)
        assert caught.value.messages == [
            "Record the child's voice, or why it could not be gathered."
        ]
        a.refresh_from_db()
        assert a.state == AssessmentState.DRAFT

    def test_a_reason_the_voice_could_not_be_gathered_is_enough(self, org, draft):
        worker = org["users"]["worker"]
        a = complete(draft, worker)
        a = services.assessment_update(
            actor=worker,
            assessment=a,
            version=a.version,
            sections={"child_voice": "", "child_voice_not_obtained": "Declined three visits."},
        )
        assert services.assessment_submit(actor=worker, assessment=a).state == "submitted"

    def test_an_empty_draft_lists_every_missing_section(self, org, draft):
        with pytest.raises(ValidationError) as caught:
            services.assessment_submit(actor=org["users"]["worker"], assessment=draft)
        messages = caught.value.messages
        assert len(messages) == 11  # two voices, eight sections, the risks
        assert "Complete the section ‘Context: online’." in messages
        assert "Give a risk level for at least one harm type." in messages

    def test_a_risk_above_none_needs_its_indicators(self, org, draft):
        worker = org["users"]["worker"]
        a = complete(draft, worker, risks={HarmType.CSE: (RiskLevel.MEDIUM, "")})
        with pytest.raises(ValidationError, match="indicators for child sexual exploitation"):
            services.assessment_submit(actor=worker, assessment=a)

    def test_an_aim3_needs_its_outcome_who_and_when(self, org):
        worker = org["users"]["worker"]
        a = services.assessment_create(
            actor=worker, person=org["child"], kind="aim3", team=org["teams"]["cypf"]
        )
        with pytest.raises(ValidationError) as caught:
            services.assessment_submit(actor=worker, assessment=a)
        assert caught.value.messages == [
            "Choose the AIM3 outcome level.",
            "Say who completed the AIM3 assessment.",
            "Give the date the AIM3 assessment was completed.",
        ]
        a = services.assessment_update(
            actor=worker,
            assessment=a,
            version=a.version,
            sections={
                "aim3_outcome": "medium",
                "aim3_completed_by": org["users"]["hsb_worker"],
                "aim3_completed_on": TODAY(),
            },
        )
        a = services.assessment_submit(actor=worker, assessment=a)
        a = services.assessment_approve(
            actor=org["users"]["manager"], assessment=a, review_on=TODAY()
        )
        assert (a.aim3_outcome, a.aim3_completed_by) == ("medium", org["users"]["hsb_worker"])


class TestDoubleSubmit:
    def test_a_second_submit_changes_nothing_and_says_so(self, org, submitted):
        before = Assessment.objects.get(pk=submitted.pk)
        seq = last_seq()
        with pytest.raises(WorkflowError, match="already submitted for approval on .* nothing"):
            services.assessment_submit(actor=org["users"]["worker"], assessment=submitted)
        after = Assessment.objects.get(pk=submitted.pk)
        assert (after.submitted_at, after.version) == (before.submitted_at, before.version)
        assert events_since(seq) == []

    def test_two_requests_racing_from_the_same_draft_submit_once(self, org, draft):
        worker, colleague = org["users"]["worker"], org["users"]["colleague"]
        complete(draft, worker)
        first = Assessment.objects.get(pk=draft.pk)  # both pages loaded the draft
        second = Assessment.objects.get(pk=draft.pk)
        services.assessment_submit(actor=worker, assessment=first, version=first.version)
        with pytest.raises(WorkflowError, match="already submitted"):
            services.assessment_submit(actor=colleague, assessment=second, version=second.version)
        draft.refresh_from_db()
        assert draft.submitted_by == worker

    def test_two_managers_deciding_at_once_decide_once(self, org, submitted):
        services.assessment_approve(
            actor=org["users"]["manager"], assessment=submitted, review_on=TODAY()
        )
        with pytest.raises(WorkflowError, match="already approved"):
            services.assessment_return(
                actor=org["users"]["manager2"], assessment=submitted, reason="Hold on."
            )


@pytest.mark.django_db(transaction=True)
def test_racing_submits_in_two_threads_submit_once(org, draft):
    """Two requests at the same moment, on PostgreSQL (row locks): one submits, the other is
    told it was already submitted. (SQLite in memory cannot be shared between threads.)"""
    if connection.vendor != "postgresql":
        pytest.skip("needs a database that threads can share (PostgreSQL)")
    complete(draft, org["users"]["worker"])
    barrier = threading.Barrier(2)
    results = []

    def submit(user):
        try:
            stale = Assessment.objects.get(pk=draft.pk)
            barrier.wait(timeout=10)
            services.assessment_submit(actor=user, assessment=stale, version=stale.version)
            results.append("submitted")
        except WorkflowError:
            results.append("refused")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=submit, args=(org["users"][who],))
        for who in ("worker", "colleague")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results) == ["refused", "submitted"]
    assert AuditEvent.objects.filter(action="assessments.assessment.submitted").count() == 1


class TestStaleVersion:
    def test_a_save_from_an_older_version_is_refused_and_loses_nothing(self, org, draft):
        worker, colleague = org["users"]["worker"], org["users"]["colleague"]
        opened = draft.version
        services.assessment_update(
            actor=colleague, assessment=draft, version=opened, sections={"analysis": "Theirs."}
        )
        seq = last_seq()
        with pytest.raises(VersionConflict, match="changed after you opened this page"):
            services.assessment_update(
                actor=worker, assessment=draft, version=opened, sections={"analysis": "Mine."}
            )
        draft.refresh_from_db()
        assert draft.analysis == "Theirs."
        assert draft.version == opened + 1
        assert events_since(seq) == []

    def test_the_risk_grid_is_versioned_too(self, org, draft):
        worker = org["users"]["worker"]
        services.assessment_update(
            actor=worker, assessment=draft, version=1, sections={"analysis": "x"}
        )
        with pytest.raises(VersionConflict):
            services.assessment_risks_set(
                actor=worker, assessment=draft, version=1, risks={"cce": ("high", "x")}
            )
        assert not HarmRisk.objects.exists()

    def test_the_database_refuses_a_lost_update_where_locks_are_not_available(self, org, draft):
        """The compare-and-swap: a save conditional on the version read."""
        draft.analysis = "Mine."
        Assessment.objects.filter(pk=draft.pk).update(version=5)
        with pytest.raises(VersionConflict):
            services._save_if_version(draft, expected=1, fields=["analysis"], now=timezone.now())
        assert Assessment.objects.get(pk=draft.pk).analysis == ""


class TestBadInput:
    def test_an_aim3_completed_in_the_future_is_refused(self, org):
        worker = org["users"]["worker"]
        a = services.assessment_create(
            actor=worker, person=org["child"], kind="aim3", team=org["teams"]["cypf"]
        )
        with pytest.raises(ValidationError) as caught:
            services.assessment_update(
                actor=worker,
                assessment=a,
                version=a.version,
                sections={"aim3_completed_on": TODAY() + dt.timedelta(days=1)},
            )
        assert caught.value.message_dict["aim3_completed_on"] == [
            "The date the AIM3 assessment was completed cannot be in the future."
        ]
        a.refresh_from_db()
        assert a.aim3_completed_on is None and a.version == 1

    @pytest.mark.parametrize(
        "review_on, message",
        [
            (None, "Enter the date"),
            (dt.timedelta(days=-1), "today or in the future"),
            (dt.timedelta(days=400), "within the next 12 months"),
        ],
    )
    def test_a_review_date_is_required_not_past_and_within_a_year(
        self, org, submitted, review_on, message
    ):
        when = TODAY() + review_on if review_on is not None else None
        with pytest.raises(ValidationError, match=message):
            services.assessment_approve(
                actor=org["users"]["manager"], assessment=submitted, review_on=when
            )
        submitted.refresh_from_db()
        assert submitted.state == AssessmentState.SUBMITTED

    def test_an_unknown_harm_type_or_risk_level_is_refused_whole(self, org, draft):
        worker = org["users"]["worker"]
        with pytest.raises(ValidationError) as caught:
            services.assessment_risks_set(
                actor=worker,
                assessment=draft,
                version=draft.version,
                risks={
                    "cce": ("high", "ok"),
                    "witchcraft": ("low", "x"),
                    "cse": ("extreme", "x"),
                },
            )
        assert caught.value.messages == [
            "‘witchcraft’ is not a harm type cshub knows: nothing was saved.",
            "‘extreme’ is not a risk level for child sexual exploitation: choose no risk "
            "identified, low, medium or high.",
        ]
        assert not HarmRisk.objects.exists()
        draft.refresh_from_db()
        assert draft.version == 1

    def test_fields_of_the_other_kind_are_refused(self, org, draft):
        with pytest.raises(ValidationError, match="not sections of a BACE"):
            services.assessment_update(
                actor=org["users"]["worker"],
                assessment=draft,
                version=1,
                sections={"aim3_outcome": "high"},
            )

    def test_the_team_must_be_the_authors_and_complete_that_kind(self, org):
        worker = org["users"]["worker"]
        with pytest.raises(ValidationError, match="Choose one of your teams"):
            services.assessment_create(
                actor=worker, person=org["child"], kind="bace", team=org["teams"]["specialist"]
            )
        with pytest.raises(ValidationError, match="Choose one of your teams"):
            services.assessment_create(
                actor=org["users"]["hsb_worker"],
                person=org["child"],
                kind="bace",  # the HSB service completes AIM3, not BACE
                team=org["teams"]["hsb"],
            )
        assert not Assessment.objects.exists()

    def test_the_case_must_be_the_persons(self, org):
        from tests import factories

        other_case = factories.CaseFactory()
        with pytest.raises(ValidationError, match="this person's cases"):
            services.assessment_create(
                actor=org["users"]["worker"],
                person=org["child"],
                kind="bace",
                team=org["teams"]["cypf"],
                case=other_case,
            )

    def test_a_returned_assessment_needs_a_reason(self, org, submitted):
        with pytest.raises(ValidationError, match="Say what needs to change"):
            services.assessment_return(
                actor=org["users"]["manager"], assessment=submitted, reason="   "
            )


class TestWhoApproves:
    def test_the_author_never_approves_even_as_a_manager(self, org):
        manager2 = org["users"]["manager2"]
        a = services.assessment_create(
            actor=manager2, person=org["child"], kind="bace", team=org["teams"]["cypf"]
        )
        a = services.assessment_submit(actor=manager2, assessment=complete(a, manager2))
        with pytest.raises(ValidationError, match="You wrote this assessment"):
            services.assessment_approve(actor=manager2, assessment=a, review_on=TODAY())
        approved = services.assessment_approve(
            actor=org["users"]["manager"], assessment=a, review_on=TODAY()
        )
        assert approved.approved_by == org["users"]["manager"]

    def test_nor_does_the_manager_who_submitted_it(self, org, submitted):
        manager = org["users"]["manager"]
        a = services.assessment_return(
            actor=org["users"]["manager2"], assessment=submitted, reason="Fix."
        )
        a = services.assessment_submit(actor=manager, assessment=a)  # covering for the author
        with pytest.raises(ValidationError, match="You submitted this assessment"):
            services.assessment_approve(actor=manager, assessment=a, review_on=TODAY())

    @pytest.mark.parametrize("who", ["worker", "colleague", "specialist_manager"])
    def test_only_a_manager_of_the_completing_team(self, org, submitted, who):
        with pytest.raises(ValidationError):
            services.assessment_approve(
                actor=org["users"][who], assessment=submitted, review_on=TODAY()
            )
        with pytest.raises(ValidationError):
            services.assessment_return(actor=org["users"][who], assessment=submitted, reason="No.")
        submitted.refresh_from_db()
        assert submitted.state == AssessmentState.SUBMITTED

    def test_a_manager_who_has_left_the_team_cannot(self, org, submitted):
        manager = org["users"]["manager"]
        manager.memberships.update(ended_on=TODAY())
        with pytest.raises(ValidationError, match="Only a manager of the completing team"):
            services.assessment_approve(actor=manager, assessment=submitted, review_on=TODAY())


def test_bace_text_covers_every_section():
    from cshub.assessments.services import BACE_FIELDS

    assert set(BACE_TEXT) == set(BACE_FIELDS)
