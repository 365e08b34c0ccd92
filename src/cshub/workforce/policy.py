"""Who may see and record workforce records.

- Training: a team manager sees and records training for the current staff of the teams they
  manage; managers with partnership-wide scope (`cshub.access.providers.PARTNERSHIP_WIDE_ROLES`,
  the specialist team's managers) for all staff.
- HSB consultations: the HSB service's practitioners and managers record them (offered by one of
  the service's staff) and see them all, as do managers with partnership-wide scope. A child a
  consultation is about is named only to users who may see that child (`cshub.access`).

Everyone else gets a 404, the same as for a page that does not exist, and a "denied" audit row.
"""

from __future__ import annotations

from django.db.models import Q

from cshub.access.providers import PARTNERSHIP_WIDE_ROLES
from cshub.core.vocab import Role, TeamFunction

HSB_ROLES = (Role.PRACTITIONER, Role.MANAGER)


def _current(user):
    return user.memberships.filter(ended_on__isnull=True)


def is_partnership_wide(user) -> bool:
    if not user.is_authenticated:
        return False
    q = Q(pk__in=[])
    for function, role in PARTNERSHIP_WIDE_ROLES:
        q |= Q(team__function=function, role=role)
    return _current(user).filter(q).exists()


def managed_team_ids(user) -> list[int]:
    if not user.is_authenticated:
        return []
    return list(_current(user).filter(role=Role.MANAGER).values_list("team_id", flat=True))


def staff_in_scope(user):
    """The users whose training this user may see and record: every user with a current
    membership for a partnership-wide manager; the current staff of their teams for a manager;
    nobody otherwise."""
    from cshub.accounts.models import User

    if is_partnership_wide(user):
        current = Q(memberships__ended_on__isnull=True)
    else:
        teams = managed_team_ids(user)
        if not teams:
            return User.objects.none()
        current = Q(memberships__ended_on__isnull=True, memberships__team_id__in=teams)
    ids = User.objects.filter(current, is_active=True).values("pk")
    return User.objects.filter(pk__in=ids).order_by("last_name", "first_name", "username")


def can_manage_training(user) -> bool:
    return is_partnership_wide(user) or bool(managed_team_ids(user))


def hsb_staff():
    """The HSB service's current practitioners and managers: who offers consultations."""
    from cshub.accounts.models import User

    ids = User.objects.filter(
        memberships__ended_on__isnull=True,
        memberships__team__function=TeamFunction.HSB_SERVICE,
        memberships__role__in=HSB_ROLES,
        is_active=True,
    ).values("pk")
    return User.objects.filter(pk__in=ids).order_by("last_name", "first_name", "username")


def can_record_consultations(user) -> bool:
    return (
        user.is_authenticated
        and _current(user)
        .filter(team__function=TeamFunction.HSB_SERVICE, role__in=HSB_ROLES)
        .exists()
    )


def can_view_consultations(user) -> bool:
    return can_record_consultations(user) or is_partnership_wide(user)


def can_view_workforce(user) -> bool:
    return can_manage_training(user) or can_view_consultations(user)
