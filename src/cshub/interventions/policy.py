"""Who may do what with ETE statuses and interventions.

- See them: anyone who may see the young person (they are a section of the person's profile,
  shown after `cshub.access.policy.access_person` has granted the page).
- Record an ETE status, start or end an intervention: a practitioner or manager (in any team)
  who may see the young person, i.e. has a legitimate relationship with them.

A refusal is a 404, the same as for a missing record, with one audit row marked "denied".
"""

from __future__ import annotations

from django.http import Http404

from cshub.access.policy import Grant, access_person, as_uuid
from cshub.audit.models import Outcome
from cshub.audit.services import record
from cshub.core.vocab import Role
from cshub.people.models import Person

from .models import Intervention

RECORDING_ROLES = (Role.PRACTITIONER, Role.MANAGER)
REQUESTED = "interventions.intervention.requested"


def can_record(user) -> bool:
    """Holds a practitioner's or manager's role now (sight of the person is checked apart)."""
    return (
        user.is_authenticated
        and user.memberships.filter(ended_on__isnull=True, role__in=RECORDING_ROLES).exists()
    )


def access_for_recording(user, person_id, *, action: str | None) -> tuple[Person, list[Grant]]:
    """The young person, if this user may record for them; otherwise 404 with a denied row."""
    if not can_record(user):
        record(
            action=action or "interventions.record.requested",
            outcome=Outcome.DENIED,
            person_id=as_uuid(person_id),
            details={"needs": "recording role"},
        )
        raise Http404("No such record")
    return access_person(user, person_id, action=action)


def access_intervention(
    user, intervention_id, *, action: str | None
) -> tuple[Intervention, Person, list[Grant]]:
    """An intervention to end, if this user may record for its young person; otherwise 404 (as
    for one that does not exist) with one "denied" audit row."""
    iid = as_uuid(intervention_id)
    intervention = (
        Intervention.objects.select_related("case", "provider").filter(pk=iid).first()
        if iid
        else None
    )
    if intervention is None or not can_record(user):
        record(
            action=action or REQUESTED,
            outcome=Outcome.DENIED,
            obj=intervention,
            person_id=intervention.person_id if intervention else None,
            details={"requested_id": str(intervention_id)[:64]},
        )
        raise Http404("No such record")
    person, grants = access_person(user, intervention.person_id, action=action, obj=intervention)
    intervention.person = person
    return intervention, person, grants
