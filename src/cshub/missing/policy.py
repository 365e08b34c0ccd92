"""Who may do what on the missing pathway, decided in one place.

- view an episode: anyone who may see the child (`cshub.access.policy.access_person`);
- record an episode or a return: a practitioner or manager in children's services, or the police
  exploitation team;
- offer and record a Return Home Interview, share its outcome, record a strategy meeting: a
  practitioner or manager in children's services (the interview is independent of the police);
- see and resolve unmatched police reports: the missing coordinator (specialist team) and the
  Front Door, practitioners and managers.

A refusal is a 404, the same as for a missing record, with one audit row marked "denied".
"""

from __future__ import annotations

from enum import StrEnum

from django.http import Http404

from cshub.access.policy import Grant, access_person, as_uuid
from cshub.audit.models import Outcome
from cshub.audit.services import record
from cshub.core.vocab import Role, TeamFunction
from cshub.people.models import Person

from .models import Episode

WORKER_ROLES = (Role.PRACTITIONER, Role.MANAGER)
CHILDRENS_SERVICES = (
    TeamFunction.FRONT_DOOR,
    TeamFunction.ASSESSMENT,
    TeamFunction.CYPF,
    TeamFunction.SPECIALIST,
    TeamFunction.HSB_SERVICE,
    TeamFunction.EARLY_HELP,
    TeamFunction.YOUTH_JUSTICE,
)
RECORDING = (*CHILDRENS_SERVICES, TeamFunction.POLICE_EXPLOITATION)
RECORDING_ROLES = (*WORKER_ROLES, Role.INTELLIGENCE_OFFICER)
MATCHING = (TeamFunction.SPECIALIST, TeamFunction.FRONT_DOOR)
REQUESTED = "missing.episode.requested"


class Need(StrEnum):
    VIEW = "view"
    RECORD = "record"  # the return
    INTERVIEW = "interview"  # the RHI, sharing it


def _has(user, functions, roles=WORKER_ROLES) -> bool:
    return (
        user.is_authenticated
        and user.memberships.filter(
            ended_on__isnull=True, team__function__in=functions, role__in=roles
        ).exists()
    )


def can_record_episode(user) -> bool:
    return _has(user, RECORDING, RECORDING_ROLES)


def can_interview(user) -> bool:
    return _has(user, CHILDRENS_SERVICES)


def can_match(user) -> bool:
    return _has(user, MATCHING)


def can_record_meeting(user) -> bool:
    return _has(user, CHILDRENS_SERVICES)


def access_episode(
    user, episode_id, *, action: str | None, need: Need = Need.VIEW
) -> tuple[Episode, Person, list[Grant]]:
    """The episode and its child if this user may `need` it; otherwise 404 (as for a missing
    one) with one "denied" audit row. An unmatched report has no child yet: it is reached only
    through the unmatched queue (`access_unmatched`)."""
    eid = as_uuid(episode_id)
    episode = (
        Episode.objects.select_related(
            "reporting_agency", "last_seen_place", "found_place", "rhi", "recorded_by"
        )
        .filter(pk=eid, person__isnull=False)
        .first()
        if eid
        else None
    )
    if episode is None:
        record(
            action=action or REQUESTED,
            outcome=Outcome.DENIED,
            details={"requested_id": str(episode_id)[:64]},
        )
        raise Http404("No such record")
    allowed = {
        Need.VIEW: True,
        Need.RECORD: can_record_episode(user),
        Need.INTERVIEW: can_interview(user),
    }[need]
    if not allowed:
        record(
            action=action or REQUESTED,
            outcome=Outcome.DENIED,
            obj=episode,
            person_id=episode.person_id,
            details={"needs": str(need)},
        )
        raise Http404("No such record")
    person, grants = access_person(user, episode.person_id, action=action, obj=episode)
    episode.person = person
    return episode, person, grants


def access_unmatched(user, episode_id, *, action: str | None) -> Episode:
    eid = as_uuid(episode_id)
    episode = (
        Episode.objects.select_related("reporting_agency")
        .filter(pk=eid, person__isnull=True)
        .first()
        if eid and can_match(user)
        else None
    )
    if episode is None:
        record(
            action=action or "missing.unmatched.requested",
            outcome=Outcome.DENIED,
            details={"requested_id": str(episode_id)[:64]},
        )
        raise Http404("No such record")
    if action:
        record(action=action, obj=episode, details={"police_reference": episode.police_reference})
    return episode
