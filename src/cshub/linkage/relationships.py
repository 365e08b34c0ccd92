"""The relationship linkage gives data stewards: sight of the people in a pair they are asked to
decide (open in the review queue), and of both people in a merge that has not been split, for
CSHUB_LINKAGE_STEWARD_DAYS after it. Registered with `access` in LinkageConfig.ready."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Q

from cshub.access.registry import RelationshipProvider
from cshub.core.vocab import Role
from cshub.people.models import Person, PersonMerge

from .choices import OPEN_STATUSES
from .models import MatchCandidate


def _linkage_review(user, now):
    if not user.memberships.filter(ended_on__isnull=True, role=Role.DATA_STEWARD).exists():
        return Person.objects.none().values_list("id", flat=True)
    open_pairs = MatchCandidate.objects.filter(status__in=OPEN_STATUSES)
    since = now - timedelta(days=settings.CSHUB_LINKAGE_STEWARD_DAYS)
    merges = PersonMerge.objects.filter(split_at__isnull=True, created_at__gte=since)
    return Person.objects.filter(
        Q(pk__in=open_pairs.values("person_id"))
        | Q(pk__in=open_pairs.filter(other_person__isnull=False).values("other_person_id"))
        | Q(pk__in=merges.values("kept_id"))
        | Q(pk__in=merges.values("absorbed_id"))
    ).values_list("id", flat=True)


LINKAGE_REVIEW = RelationshipProvider(
    "linkage_review",
    "A possible match about this person is in your review queue, or you may split their merge "
    "(data steward)",
    _linkage_review,
)
