"""Who may do what with an assessment, decided in one place (Zulip-style access helpers).

Every page reaches an assessment through `access_assessment`, which goes through
`cshub.access.policy.access_person`: a user who may not see the person, a missing assessment and
a user without the role the page needs all get the same 404, and each refusal writes one audit
row marked "denied".

- view: anyone who may see the person;
- edit (sections, risks, submit): a current practitioner or manager of the completing team;
- decide (approve, return): a current manager of the completing team who neither wrote nor
  submitted it.
"""

from __future__ import annotations

from enum import StrEnum

from django.http import Http404

from cshub.access.policy import Grant, access_person, as_uuid
from cshub.accounts.models import Membership
from cshub.audit.models import Outcome
from cshub.audit.services import record
from cshub.core.vocab import Role
from cshub.people.models import Person

from .models import AUTHOR_ROLES, COMPLETING_FUNCTIONS, Assessment

REQUESTED = "assessments.assessment.requested"


class Need(StrEnum):
    VIEW = "view"
    EDIT = "edit"
    DECIDE = "decide"


def _current(user):
    return Membership.objects.filter(user=user, ended_on__isnull=True)


def can_edit(user, assessment: Assessment) -> bool:
    return (
        user.is_authenticated
        and _current(user).filter(team_id=assessment.team_id, role__in=AUTHOR_ROLES).exists()
    )


def can_decide(user, assessment: Assessment) -> bool:
    if not user.is_authenticated or user.pk in (assessment.author_id, assessment.submitted_by_id):
        return False
    return _current(user).filter(team_id=assessment.team_id, role=Role.MANAGER).exists()


def is_team_manager(user) -> bool:
    return user.is_authenticated and _current(user).filter(role=Role.MANAGER).exists()


def access_assessment(
    user, assessment_id, *, action: str | None, need: Need = Need.VIEW
) -> tuple[Assessment, Person, list[Grant]]:
    """The assessment and its person if this user may `need` it; otherwise 404, as for a missing
    one, with one "denied" audit row.

    `action` names the allowed audit row (a page view); None when the caller's service records
    what it does (a POST), in which case a refusal is recorded as `assessments.assessment.
    requested` (or `access.person.requested` when the person is out of reach).
    """
    aid = as_uuid(assessment_id)
    assessment = (
        Assessment.objects.select_related(
            "team__agency",
            "author",
            "case",
            "submitted_by",
            "returned_by",
            "approved_by",
            "updated_by",
            "aim3_completed_by",
        )
        .filter(pk=aid)
        .first()
        if aid
        else None
    )
    if assessment is None:
        record(
            action=action or REQUESTED,
            outcome=Outcome.DENIED,
            details={"requested_id": str(assessment_id)[:64]},
        )
        raise Http404("No such record")
    allowed = {
        Need.VIEW: True,
        Need.EDIT: can_edit(user, assessment),
        Need.DECIDE: can_decide(user, assessment),
    }[need]
    if not allowed:
        record(
            action=action or REQUESTED,
            outcome=Outcome.DENIED,
            obj=assessment,
            person_id=assessment.person_id,
            details={"needs": str(need)},
        )
        raise Http404("No such record")
    person, grants = access_person(user, assessment.person_id, action=action, obj=assessment)
    assessment.person = person
    return assessment, person, grants


def can_start_assessment(user) -> bool:
    """In a team that completes BACE or AIM3 assessments, as a practitioner or manager."""
    functions = {f for kind in COMPLETING_FUNCTIONS.values() for f in kind}
    return (
        user.is_authenticated
        and _current(user).filter(role__in=AUTHOR_ROLES, team__function__in=functions).exists()
    )
