"""Who may record disruption: the police (practitioners, managers, intelligence officers of a
police agency) and the specialist exploitation team (practitioners and managers). They and panel
chairs see the list of all activity, a person target named only to those who may see them.
Viewing an activity against a person needs sight of that person (`access_person`); a child's
profile lists the disruption protecting them, naming the target only to those who may see the
target. Activity at a place or against a group is open to every signed-in user (as places and
groups are), the protected children named only to those who may see them."""

from __future__ import annotations

from cshub.core.vocab import AgencyKind, Role, TeamFunction


def recording_agencies(user):
    from cshub.accounts.models import Agency

    if not user.is_authenticated:
        return Agency.objects.none()
    current = user.memberships.filter(ended_on__isnull=True)
    police = current.filter(
        team__agency__kind=AgencyKind.POLICE,
        role__in=(Role.PRACTITIONER, Role.MANAGER, Role.INTELLIGENCE_OFFICER),
    )
    specialist = current.filter(
        team__function=TeamFunction.SPECIALIST, role__in=(Role.PRACTITIONER, Role.MANAGER)
    )
    return Agency.objects.filter(
        pk__in=list(police.values_list("team__agency", flat=True))
        + list(specialist.values_list("team__agency", flat=True))
    )


def can_record(user) -> bool:
    return recording_agencies(user).exists()


def can_view_list(user) -> bool:
    """The tactical group's list of all disruption: those who record it, and panel chairs."""
    if not user.is_authenticated:
        return False
    if can_record(user):
        return True
    return user.memberships.filter(ended_on__isnull=True, role=Role.PANEL_CHAIR).exists()
