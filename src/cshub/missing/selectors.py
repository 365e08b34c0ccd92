"""Read queries of the missing pathway. Every list is scoped to what the user may open."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from cshub.access.policy import people_visible_to
from cshub.core import clocks

from .choices import RhiResponse
from .models import Episode, ReturnInterview, StrategyMeetingPrompt
from .rules import INTERVIEW_WINDOW

SECTION_LIMIT = 50


@dataclass
class QueueRow:
    episode: Episode
    stage: str  # what is left to do
    clock: clocks.ClockState | None  # the 72-hour offer clock while no offer is made


def _base(user) -> QuerySet[Episode]:
    return Episode.objects.filter(person__in=people_visible_to(user)).select_related(
        "person", "rhi", "reporting_agency"
    )


def rhi_queue(*, user, now: datetime | None = None) -> list[QueueRow]:
    """Children returned in the last 90 days (`rules.INTERVIEW_WINDOW`) whose interview is not
    finished and shared, most urgent first: offers still to make (by deadline: breaches first),
    then answers awaited, write-ups, and outcomes to share with the police."""
    now = now or timezone.now()
    since = now - INTERVIEW_WINDOW
    rhi_open = (
        Q(rhi__isnull=True)
        | Q(rhi__offered_at__isnull=True, rhi__not_offered_reason="")
        | Q(rhi__shared_with_police_at__isnull=True)
    )
    rows = _base(user).filter(returned_at__gte=since).filter(rhi_open).order_by("rhi_due_at")
    queue = []
    for episode in rows[: SECTION_LIMIT * 4]:
        rhi = getattr(episode, "rhi", None)
        if rhi is None or (rhi.offered_at is None and not rhi.not_offered_reason):
            queue.append(
                QueueRow(episode, "Offer an interview", clocks.clock_state(episode.rhi_due_at, now))
            )
        elif rhi.offered_at and not rhi.response:
            queue.append(QueueRow(episode, "Record the child's answer", None))
        elif rhi.response == RhiResponse.ACCEPTED and rhi.held_at is None:
            queue.append(QueueRow(episode, "Record the interview", None))
        elif rhi.shared_with_police_at is None:
            queue.append(QueueRow(episode, "Share the outcome with the police", None))
    order = {
        "Offer an interview": 0,
        "Record the child's answer": 1,
        "Record the interview": 2,
        "Share the outcome with the police": 3,
    }
    queue.sort(key=lambda r: (order[r.stage], r.episode.rhi_due_at))
    return queue


def still_missing(*, user) -> QuerySet[Episode]:
    return _base(user).filter(returned_at__isnull=True).order_by("reported_at")


def unmatched_reports() -> QuerySet[Episode]:
    return (
        Episode.objects.filter(person__isnull=True)
        .select_related("reporting_agency")
        .order_by("reported_at")
    )


def open_prompts(*, user) -> QuerySet[StrategyMeetingPrompt]:
    return (
        StrategyMeetingPrompt.objects.filter(
            meeting_on__isnull=True, person__in=people_visible_to(user)
        )
        .select_related("person", "case")
        .order_by("raised_at")
    )


def episodes_of(*, person) -> QuerySet[Episode]:
    return (
        Episode.objects.filter(person=person)
        .select_related("reporting_agency", "rhi", "last_seen_place", "found_place")
        .order_by("-reported_at")
    )


def prompts_of(*, person) -> QuerySet[StrategyMeetingPrompt]:
    return StrategyMeetingPrompt.objects.filter(person=person).select_related("case")


def outcomes_shared_since(*, agency_id: int, since: datetime) -> QuerySet[ReturnInterview]:
    """RHI outcomes released to this police agency since `since`, oldest first."""
    return (
        ReturnInterview.objects.filter(
            episode__reporting_agency_id=agency_id, shared_with_police_at__gte=since
        )
        .select_related("episode")
        .prefetch_related("signs")
        .order_by("shared_with_police_at", "id")
    )
