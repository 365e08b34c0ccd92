"""The relationship that case allocation creates, registered with `access` at start-up.

A user sees a person when one of their current teams is allocated to the person's open case,
or was allocated when a case closed in the last 12 months.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import F, Q

from cshub.access.registry import RelationshipProvider
from cshub.core.vocab import CaseStatus

from .models import Allocation

CLOSED_CASE_WINDOW = timedelta(days=365)


def _case_allocation(user, now):
    teams = user.memberships.filter(ended_on__isnull=True).values("team_id")
    since = (now - CLOSED_CASE_WINDOW).date()
    return (
        Allocation.objects.filter(team_id__in=teams)
        .filter(
            Q(case__status=CaseStatus.OPEN, ended_on__isnull=True)
            | Q(case__status=CaseStatus.CLOSED, case__closed_on__gte=since)
            & (Q(ended_on__isnull=True) | Q(ended_on__gte=F("case__closed_on")))
        )
        .values_list("case__person_id", flat=True)
    )


CASE_ALLOCATION = RelationshipProvider(
    "case_allocation", "Your team is allocated to their case", _case_allocation
)
