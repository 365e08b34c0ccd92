"""The relationship that completing an assessment creates, registered with `access` at start-up.

A user sees a person while one of their current teams is completing an assessment of them
(draft, submitted or returned): the team's manager must read the child's record to approve it,
and a Front Door worker must finish a BACE begun while the contact was in triage. An assessment
is only ever started by someone who could already see the person. Once it is approved, the
relationship ends; case allocation and the other providers decide from then on.
"""

from __future__ import annotations

from cshub.access.registry import RelationshipProvider

from .models import EDITABLE_STATES, Assessment, AssessmentState


def _assessment_in_progress(user, now):
    teams = user.memberships.filter(ended_on__isnull=True).values("team_id")
    return Assessment.objects.filter(
        team_id__in=teams, state__in=(*EDITABLE_STATES, AssessmentState.SUBMITTED)
    ).values_list("person_id", flat=True)


ASSESSMENT_IN_PROGRESS = RelationshipProvider(
    "assessment_in_progress",
    "Your team is completing an assessment of them",
    _assessment_in_progress,
)
