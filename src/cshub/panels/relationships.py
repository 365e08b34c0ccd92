"""The panels' relationships, registered with `access` in `PanelsConfig.ready`.

- Panel agenda: publishing a meeting's agenda lets each invitee see the people on it (children
  and adults of concern), from publication until the stored `access_ends_at`
  (`CSHUB_PANEL_ACCESS_DAYS` after the meeting), and nobody else on the record.
- Panel coordination: the panels' coordinators (chairs, the specialist team, see `policy`) see
  the people referred to a panel while the referral waits, and the people on an agenda until
  its access closes, so that they can weigh a referral and prepare the meeting.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Exists, Q

from cshub.access.registry import RelationshipProvider
from cshub.people.models import Person

from . import policy
from .choices import ReferralStatus
from .models import AgendaItem, Referral


def _agenda_subjects(user, now):
    return AgendaItem.objects.filter(
        subject_person__isnull=False,
        meeting__published_at__lte=now,
        meeting__access_ends_at__gt=now,
        meeting__invitees__user=user,
    ).values_list("subject_person_id", flat=True)


def _coordination(user, now):
    """Lazy: the coordinator check is part of the query, so asking costs no extra round trip."""
    waiting = Referral.objects.filter(
        status=ReferralStatus.WAITING, subject_person__isnull=False
    ).values("subject_person_id")
    listed = AgendaItem.objects.filter(
        Q(meeting__published_at__isnull=True) | Q(meeting__access_ends_at__gt=now),
        subject_person__isnull=False,
    ).values("subject_person_id")
    return (
        Person.objects.filter(Exists(policy.coordinator_memberships(user)))
        .filter(Q(pk__in=waiting) | Q(pk__in=listed))
        .values_list("id", flat=True)
    )


PANEL_AGENDA = RelationshipProvider(
    "panel_agenda",
    "They are on the agenda of a panel meeting you are invited to (access ends "
    f"{settings.CSHUB_PANEL_ACCESS_DAYS} days after it)",
    _agenda_subjects,
)
PANEL_COORDINATION = RelationshipProvider(
    "panel_coordination",
    "You coordinate the panel they are referred to or on the agenda of",
    _coordination,
)
