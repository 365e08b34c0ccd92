"""The missing coordinator's relationship with missing children, registered with `access`.

The partnership's missing coordinator and Return Home Interview workers sit in the specialist
exploitation team. Its members see a child while there is missing work to do for them: an
episode still open, a return in the last 30 days, an interview not yet finished and shared with
the police (for returns in the last 90 days), or a strategy-meeting prompt not yet answered.
After that, only case allocation (or another provider) gives sight of the child.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q

from cshub.access.registry import RelationshipProvider
from cshub.core.vocab import TeamFunction
from cshub.people.models import Person

from .models import Episode, StrategyMeetingPrompt
from .rules import INTERVIEW_WINDOW

COORDINATING_FUNCTIONS = (TeamFunction.SPECIALIST,)
RECENT_RETURN = timedelta(days=30)


def is_missing_coordinator(user) -> bool:
    return user.memberships.filter(
        ended_on__isnull=True, team__function__in=COORDINATING_FUNCTIONS
    ).exists()


def _missing_work(user, now):
    if not is_missing_coordinator(user):
        return Person.objects.none().values_list("pk", flat=True)
    episodes = Episode.objects.filter(person__isnull=False).filter(
        Q(returned_at__isnull=True)
        | Q(returned_at__gte=now - RECENT_RETURN)
        | (
            Q(returned_at__gte=now - INTERVIEW_WINDOW)
            & (Q(rhi__isnull=True) | Q(rhi__shared_with_police_at__isnull=True))
        )
    )
    prompts = StrategyMeetingPrompt.objects.filter(meeting_on__isnull=True)
    return Person.objects.filter(
        Q(pk__in=episodes.values("person_id")) | Q(pk__in=prompts.values("person_id"))
    ).values_list("pk", flat=True)


MISSING_COORDINATION = RelationshipProvider(
    "missing_coordination",
    "They have missing episodes the missing coordinator is working on",
    _missing_work,
)
