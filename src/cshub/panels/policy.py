"""Who may do what with panels.

- Coordinate (set up meetings, build and publish agendas, minute, print any invitee's pack):
  panel chairs, the specialist exploitation team (practitioners and managers), and managers of
  the police exploitation team (CETG) and the HSB service (HSB panel).
- Open a meeting: its coordinators and its invitees. Everyone else gets a 404 identical to a
  meeting that does not exist, and a "denied" audit row.
- A subject person on an item is shown only to a viewer who may see that person (`access`):
  the panel relationship gives invitees that sight while the agenda is live.
- Record an HSB incident (each child's role) and interventions: coordinators and the HSB
  service's practitioners and managers, for children they may see.
- Refer a person to a panel: anyone who may see the person and acts for an agency as a
  practitioner or manager; the route (Front Door decision, assessment, manager, partner) is
  recorded with it.
"""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404

from cshub.access.policy import as_uuid
from cshub.audit.models import Outcome
from cshub.audit.services import record
from cshub.core.vocab import AgencyKind, Role, TeamFunction

from .models import Action, Meeting

COORDINATOR_ROLES = [
    (None, Role.PANEL_CHAIR),
    (TeamFunction.SPECIALIST, Role.PRACTITIONER),
    (TeamFunction.SPECIALIST, Role.MANAGER),
    (TeamFunction.POLICE_EXPLOITATION, Role.MANAGER),
    (TeamFunction.HSB_SERVICE, Role.MANAGER),
]
REFERRING_ROLES = (Role.PRACTITIONER, Role.MANAGER, Role.PANEL_CHAIR, Role.INTELLIGENCE_OFFICER)


def _current(user):
    if not user.is_authenticated:
        return None
    return user.memberships.filter(ended_on__isnull=True)


def coordinator_memberships(user):
    """The user's current memberships that make them a panels coordinator (a lazy queryset)."""
    q = Q(pk__in=[])
    for function, role in COORDINATOR_ROLES:
        q |= Q(role=role, team__function=function) if function else Q(role=role)
    return user.memberships.filter(q, ended_on__isnull=True)


def can_coordinate(user) -> bool:
    return user.is_authenticated and coordinator_memberships(user).exists()


def can_record_hsb(user) -> bool:
    """HSB incidents and interventions: coordinators and the HSB service's practitioners."""
    current = _current(user)
    if current is None:
        return False
    return (
        can_coordinate(user)
        or current.filter(
            team__function=TeamFunction.HSB_SERVICE, role__in=(Role.PRACTITIONER, Role.MANAGER)
        ).exists()
    )


def user_agencies(user, roles=REFERRING_ROLES):
    from cshub.accounts.models import Agency

    current = _current(user)
    if current is None:
        return Agency.objects.none()
    return Agency.objects.filter(
        pk__in=current.filter(role__in=roles).values_list("team__agency", flat=True)
    ).order_by("name")


def member_agencies(user):
    """Every agency the user currently acts for, in any role (agency-owned actions)."""
    return user_agencies(user, roles=Role.values)


def is_manager(user) -> bool:
    current = _current(user)
    return bool(current is not None and current.filter(role=Role.MANAGER).exists())


# Referrals from these agencies count as "from children's social care"; all others as partners.
CHILDRENS_SERVICES_KINDS = (AgencyKind.CHILDRENS_SOCIAL_CARE, AgencyKind.EARLY_HELP)


def is_childrens_social_care(agency) -> bool:
    return agency.kind in CHILDRENS_SERVICES_KINDS


def is_invitee(user, meeting) -> bool:
    return user.is_authenticated and meeting.invitees.filter(user=user).exists()


def can_open_meeting(user, meeting) -> bool:
    return can_coordinate(user) or is_invitee(user, meeting)


def access_meeting(user, meeting_id, *, action: str | None, coordinate: bool = False) -> Meeting:
    """The meeting, or a 404 (and a denied audit row) for one the user may not open."""
    mid = as_uuid(meeting_id)
    meeting = (
        Meeting.objects.select_related("panel", "chair").filter(pk=mid).first() if mid else None
    )
    allowed = meeting is not None and (
        can_coordinate(user) if coordinate else can_open_meeting(user, meeting)
    )
    if not allowed:
        record(
            action=action or "panels.meeting.requested",
            outcome=Outcome.DENIED,
            obj=meeting,
            details={"requested_id": str(meeting_id)[:64]},
        )
        raise Http404("No such record")
    if action:
        record(action=action, obj=meeting, details={"panel": meeting.panel.kind})
    return meeting


def can_update_action(user, action: Action) -> bool:
    """The owner, a current member of the owning agency, or a coordinator."""
    if not user.is_authenticated:
        return False
    if action.owner_user_id == user.pk or can_coordinate(user):
        return True
    return member_agencies(user).filter(pk=action.owner_agency_id).exists()
