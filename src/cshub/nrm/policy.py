"""Who may do what with NRM referrals: view, anyone who may see the child; record a referral or
its decisions, a practitioner or manager of a first responder organisation in the partnership
(children's services, youth justice, police). A refusal is a 404 with a "denied" audit row."""

from __future__ import annotations

from django.http import Http404

from cshub.access.policy import Grant, access_person, as_uuid
from cshub.audit.models import Outcome
from cshub.audit.services import record
from cshub.core.vocab import AgencyKind, Role
from cshub.people.models import Person

from .models import Referral

FIRST_RESPONDERS = (AgencyKind.CHILDRENS_SOCIAL_CARE, AgencyKind.YOUTH_JUSTICE, AgencyKind.POLICE)
RECORDING_ROLES = (Role.PRACTITIONER, Role.MANAGER, Role.INTELLIGENCE_OFFICER)
REQUESTED = "nrm.referral.requested"


def responder_agencies(user):
    """The first responder organisations this user acts for."""
    from cshub.accounts.models import Agency

    if not user.is_authenticated:
        return Agency.objects.none()
    return Agency.objects.filter(
        kind__in=FIRST_RESPONDERS,
        teams__memberships__user=user,
        teams__memberships__ended_on__isnull=True,
        teams__memberships__role__in=RECORDING_ROLES,
    ).distinct()


def can_record(user) -> bool:
    return responder_agencies(user).exists()


def access_referral(
    user, referral_id, *, action: str | None, record_needed: bool = False
) -> tuple[Referral, Person, list[Grant]]:
    rid = as_uuid(referral_id)
    referral = (
        Referral.objects.select_related("first_responder", "case", "recorded_by")
        .filter(pk=rid)
        .first()
        if rid
        else None
    )
    if referral is None or (record_needed and not can_record(user)):
        record(
            action=action or REQUESTED,
            outcome=Outcome.DENIED,
            obj=referral,
            person_id=referral.person_id if referral else None,
            details={"requested_id": str(referral_id)[:64]},
        )
        raise Http404("No such record")
    person, grants = access_person(user, referral.person_id, action=action, obj=referral)
    return referral, person, grants
