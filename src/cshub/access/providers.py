"""The relationships `access` itself knows: partnership-wide roles, break-glass, and a person
the user has just recorded. Workflow apps register theirs in their own AppConfig.ready."""

from __future__ import annotations

from datetime import timedelta

from cshub.accounts.models import Membership
from cshub.core.vocab import Role, TeamFunction
from cshub.people.models import Person

from .registry import RelationshipProvider

RECENTLY_RECORDED_WINDOW = timedelta(hours=72)

# (team function, role) pairs whose holders may see every (unsealed) record in the partnership.
PARTNERSHIP_WIDE_ROLES = [(TeamFunction.SPECIALIST, Role.MANAGER)]


def _partnership_scope(user, now):
    current = Membership.objects.filter(user=user, ended_on__isnull=True)
    for function, role in PARTNERSHIP_WIDE_ROLES:
        if current.filter(team__function=function, role=role).exists():
            return Person.objects.values_list("id", flat=True)
    return Person.objects.none().values_list("id", flat=True)


def _recently_recorded(user, now):
    return Person.objects.filter(
        created_by=user, created_at__gte=now - RECENTLY_RECORDED_WINDOW
    ).values_list("id", flat=True)


def _break_glass(user, now):
    from .models import BreakGlass

    return BreakGlass.objects.filter(
        user=user, granted_at__lte=now, expires_at__gt=now
    ).values_list("person_id", flat=True)


PARTNERSHIP_SCOPE = RelationshipProvider(
    "partnership_scope",
    "Your role sees every child in the partnership (specialist team manager)",
    _partnership_scope,
)
RECENTLY_RECORDED = RelationshipProvider(
    "recently_recorded", "You recorded this person in the last 72 hours", _recently_recorded
)
BREAK_GLASS = RelationshipProvider(
    "break_glass", "Break-glass access (time-limited, under review)", _break_glass
)
