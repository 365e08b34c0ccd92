from __future__ import annotations

from django.db.models import QuerySet

from cshub.accounts.models import Membership
from cshub.core.vocab import Role

from .models import BreakGlass


def break_glass_reviewable_by(user) -> QuerySet[BreakGlass]:
    """The data protection officer reviews every grant; a manager, those of their teams' members.
    Nobody reviews their own."""
    qs = BreakGlass.objects.select_related("user", "person", "reviewed_by").exclude(user=user)
    current = Membership.objects.filter(user=user, ended_on__isnull=True)
    if current.filter(role=Role.DATA_PROTECTION_OFFICER).exists():
        return qs
    managed_teams = current.filter(role=Role.MANAGER).values("team_id")
    members = Membership.objects.filter(team_id__in=managed_teams, ended_on__isnull=True)
    return qs.filter(user_id__in=members.values("user_id"))
