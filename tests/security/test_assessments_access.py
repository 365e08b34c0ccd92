"""Assessments in the need-to-know matrix: role x relationship x page. A refusal is a 404 that
looks like a missing record; every request, allowed or refused, writes one audit row.

- viewing: anyone who may see the child;
- editing, risks, submitting: a current practitioner or manager of the completing team;
- approving, returning: a current manager of the completing team who did not write it;
- the approval queue: managers only.
"""

from __future__ import annotations

import re
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from cshub.access.models import RestrictedAccess
from cshub.assessments import services
from cshub.assessments.models import Assessment
from cshub.audit.models import AuditEvent
from cshub.core.vocab import Role
from tests import factories

from .test_need_to_know import ALLOWED, REFUSED

ROLES = sorted(ALLOWED | REFUSED)
EDITORS = {"cypf_worker", "cypf_colleague", "cypf_manager"}  # the completing team (CYPF)
DECIDERS = {"cypf_manager"}  # a manager of the completing team, not the author
MANAGERS = {"cypf_manager", "specialist_manager"}
# May start an assessment of the child: a relationship, and a team that completes assessments.
STARTERS = {"cypf_worker", "cypf_colleague", "cypf_manager", "specialist_manager"}

SECTIONS = {
    "child_voice": "Says the older boys look after them.",
    "parent_view": "Mum is worried.",
    "vulnerabilities": "Excluded.",
    "strengths": "Boxing.",
    "context_peers": "Older peers.",
    "context_places": "Bus station.",
    "context_online": "Snapchat.",
    "context_school": "Attendance 60%.",
    "analysis": "Criminal exploitation.",
    "recommended_actions": "MACE.",
}


def _last_seq() -> int:
    return AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def _events(since: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(seq__gt=since).order_by("seq"))


@pytest.fixture
def draft(borough):
    return services.assessment_create(
        actor=borough["users"]["cypf_worker"],
        person=borough["child"],
        kind="bace",
        team=borough["teams"]["cypf"],
        case=borough["case"],
    )


@pytest.fixture
def submitted(borough, draft):
    worker = borough["users"]["cypf_worker"]
    a = services.assessment_update(actor=worker, assessment=draft, version=1, sections=SECTIONS)
    a = services.assessment_risks_set(
        actor=worker, assessment=a, version=a.version, risks={"cce": ("high", "Cash.")}
    )
    return services.assessment_submit(actor=worker, assessment=a)


def _check(response, events, *, role, allowed, action, person_id, object_id=None):
    assert len(events) == 1, [e.action for e in events]
    (event,) = events
    assert event.action == action
    assert event.person_id == person_id
    if object_id:
        assert event.object_id == str(object_id)
    if allowed:
        assert response.status_code == 200, role
        assert event.outcome == "allowed"
    else:
        assert response.status_code == 404, role
        assert event.outcome == "denied"
        assert "Matrixchild" not in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_viewing_an_assessment(clients, borough, draft, role):
    before = _last_seq()
    response = clients[role].get(reverse("assessments:detail", args=[draft.id]))
    _check(
        response,
        _events(before),
        role=role,
        allowed=role in ALLOWED,
        action="assessments.assessment.viewed",
        person_id=borough["child"].id,
        object_id=draft.id,
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "view, action",
    [
        ("assessments:edit", "assessments.assessment.edit_viewed"),
        ("assessments:risks", "assessments.assessment.risks_viewed"),
        ("assessments:submit", "assessments.assessment.submit_viewed"),
    ],
)
def test_editing_is_for_the_completing_team(clients, borough, draft, role, view, action):
    before = _last_seq()
    response = clients[role].get(reverse(view, args=[draft.id]))
    _check(
        response,
        _events(before),
        role=role,
        allowed=role in EDITORS,
        action=action,
        person_id=borough["child"].id,
        object_id=draft.id,
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "view, action",
    [
        ("assessments:approve", "assessments.assessment.approve_viewed"),
        ("assessments:return", "assessments.assessment.return_viewed"),
    ],
)
def test_deciding_is_for_a_manager_of_the_completing_team(
    clients, borough, submitted, role, view, action
):
    before = _last_seq()
    response = clients[role].get(reverse(view, args=[submitted.id]))
    _check(
        response,
        _events(before),
        role=role,
        allowed=role in DECIDERS,
        action=action,
        person_id=borough["child"].id,
    )


@pytest.mark.parametrize("role", ROLES)
def test_starting_an_assessment(clients, borough, role):
    before = _last_seq()
    response = clients[role].get(reverse("assessments:create", args=[borough["child"].id]))
    _check(
        response,
        _events(before),
        role=role,
        allowed=role in STARTERS,
        action="assessments.assessment.create_viewed",
        person_id=borough["child"].id,
    )


@pytest.mark.parametrize("role", ROLES)
def test_the_approval_queue_is_for_managers(clients, borough, submitted, role):
    before = _last_seq()
    response = clients[role].get(reverse("assessments:queue"))
    (event,) = _events(before)
    assert event.action == "assessments.queue.viewed"
    if role in MANAGERS:
        assert response.status_code == 200
        assert event.outcome == "allowed"
        expected = [submitted] if role == "cypf_manager" else []  # their own teams only
        assert response.context["waiting"] == expected
    else:
        assert response.status_code == 404
        assert event.outcome == "denied"


@pytest.mark.parametrize("role", ROLES)
def test_my_assessments_lists_only_the_users_own(clients, borough, draft, role):
    response = clients[role].get(reverse("assessments:mine"))
    assert response.status_code == 200
    expected = [draft] if role == "cypf_worker" else []
    assert response.context["mine"] == expected


@pytest.mark.parametrize(
    "view, data",
    [
        ("assessments:edit", {**SECTIONS, "version": 1, "analysis": "Changed."}),
        ("assessments:risks", {"version": 1, "risk_cse": "high"}),
        ("assessments:submit", {"version": 1}),
    ],
)
@pytest.mark.parametrize("role", sorted(REFUSED | {"specialist_manager"}))
def test_posting_without_the_right_changes_nothing(clients, borough, draft, role, view, data):
    before = _last_seq()
    response = clients[role].post(reverse(view, args=[draft.id]), data)
    assert response.status_code == 404
    assert [e.outcome for e in _events(before)] == ["denied"]
    fresh = Assessment.objects.get(pk=draft.pk)
    assert (fresh.version, fresh.state, fresh.analysis) == (1, "draft", "")


@pytest.mark.parametrize("role", sorted(set(ROLES) - DECIDERS))
def test_nobody_else_can_approve_or_return(clients, borough, submitted, role):
    today = timezone.localdate()
    for view, data in (
        (
            "assessments:approve",
            {"review_on_0": today.day, "review_on_1": today.month, "review_on_2": today.year},
        ),
        ("assessments:return", {"reason": "No."}),
    ):
        before = _last_seq()
        response = clients[role].post(reverse(view, args=[submitted.id]), data)
        assert response.status_code == 404, (role, view)
        assert [e.outcome for e in _events(before)] == ["denied"]
    assert Assessment.objects.get(pk=submitted.pk).state == "submitted"


def test_the_author_who_is_a_manager_still_cannot_approve(clients, borough, draft):
    manager = borough["users"]["cypf_manager"]
    a = services.assessment_create(
        actor=manager, person=borough["child"], kind="bace", team=borough["teams"]["cypf"]
    )
    a = services.assessment_update(actor=manager, assessment=a, version=1, sections=SECTIONS)
    a = services.assessment_risks_set(
        actor=manager, assessment=a, version=a.version, risks={"cce": ("low", "Some.")}
    )
    services.assessment_submit(actor=manager, assessment=a)
    assert (
        clients["cypf_manager"].get(reverse("assessments:approve", args=[a.id])).status_code == 404
    )
    assert a not in clients["cypf_manager"].get(reverse("assessments:queue")).context["waiting"]


def test_a_missing_assessment_looks_exactly_like_a_forbidden_one(clients, borough, draft):
    def strip(response):  # CSP nonces and CSRF tokens differ every time
        return re.sub(rb'(nonce|value)="[^"]*"', b"", response.content)

    forbidden = clients["school_dsl"].get(reverse("assessments:detail", args=[draft.id]))
    before = _last_seq()
    missing = clients["school_dsl"].get(reverse("assessments:detail", args=[uuid.uuid4()]))
    assert forbidden.status_code == missing.status_code == 404
    assert strip(forbidden) == strip(missing)
    (event,) = _events(before)
    assert (event.action, event.outcome) == ("assessments.assessment.viewed", "denied")


def test_a_sealed_childs_assessments_are_hidden_from_the_partnership_wide_manager(
    clients, borough, submitted
):
    child = borough["child"]
    child.is_restricted = True
    child.save()
    RestrictedAccess.objects.create(
        person=child, user=borough["users"]["cypf_manager"], reason="Witness"
    )
    url = reverse("assessments:detail", args=[submitted.id])
    assert clients["specialist_manager"].get(url).status_code == 404
    assert clients["cypf_worker"].get(url).status_code == 404  # allocated, but not named
    assert clients["cypf_manager"].get(url).status_code == 200
    assert clients["cypf_manager"].get(reverse("assessments:queue")).context["waiting"] == [
        submitted
    ]


class TestTheAssessmentRelationship:
    """A team completing an assessment may see the child while it is in progress."""

    @pytest.fixture
    def assessment_team(self, borough):
        team = borough["teams"]["assessment"]
        manager = factories.MembershipFactory(
            user__username="assess.manager", team=team, role=Role.MANAGER
        ).user
        writer = factories.MembershipFactory(user__username="assess.writer", team=team).user
        # The writer starts it while they can see the child (e.g. the contact was in triage).
        return {"team": team, "manager": manager, "writer": writer}

    def test_grants_the_team_until_approval(self, clients, borough, assessment_team):
        from .conftest import signed_in

        writer, manager = assessment_team["writer"], assessment_team["manager"]
        a = services.assessment_create(
            actor=writer, person=borough["child"], kind="bace", team=assessment_team["team"]
        )
        profile = reverse("people:detail", args=[borough["child"].id])
        colleague = clients["unrelated_worker"]  # also in the Assessment team
        page = colleague.get(profile)
        assert page.status_code == 200
        assert "Your team is completing an assessment of them" in page.content.decode()
        a = services.assessment_update(actor=writer, assessment=a, version=1, sections=SECTIONS)
        a = services.assessment_risks_set(
            actor=writer, assessment=a, version=a.version, risks={"cce": ("low", "Some.")}
        )
        services.assessment_submit(actor=writer, assessment=a)
        manager_client = signed_in(manager)
        approve = manager_client.get(reverse("assessments:approve", args=[a.id]))
        assert approve.status_code == 200
        event = AuditEvent.objects.filter(action="assessments.assessment.approve_viewed").last()
        assert event.relationship == "assessment_in_progress"
        services.assessment_approve(actor=manager, assessment=a, review_on=timezone.localdate())
        assert colleague.get(profile).status_code == 404  # approved: the relationship ends
