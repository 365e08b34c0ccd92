"""Read queries for assessments. Pages read a person's assessments only after `access_person`
(through `policy.access_assessment` or the profile), and lists are narrowed to the people the
user may open (`people_visible_to`).

The KPI counts ("number of BACE assessments completed by ...", strategy section 14) are here as
database aggregations: completed means approved, dated by the moment of approval.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Case, Count, Prefetch, Q, QuerySet, Value, When

from cshub.access.policy import people_visible_to
from cshub.accounts.models import Membership
from cshub.core.vocab import Role

from .models import (
    BACE_TEAM_GROUP_FUNCTIONS,
    Assessment,
    AssessmentKind,
    AssessmentState,
    BaceTeamGroup,
    HarmRisk,
)

QUEUE_LIMIT = 200


def assessments_of(*, person) -> QuerySet[Assessment]:
    """A person's assessments, newest first, with what the history table shows."""
    return (
        Assessment.objects.filter(person=person)
        .select_related("team", "author", "approved_by", "aim3_completed_by")
        .order_by("-started_on", "-created_at")
    )


def risk_history(*, person) -> list[dict]:
    """For each harm type assessed in an approved BACE: the latest risk level (with the date of
    approval and the completing team) and the earlier ones, newest first."""
    rows = (
        HarmRisk.objects.filter(
            assessment__person=person,
            assessment__kind=AssessmentKind.BACE,
            assessment__state=AssessmentState.APPROVED,
        )
        .select_related("assessment__team")
        .order_by("harm_type", "-assessment__approved_at")
    )
    by_harm: dict[str, list[HarmRisk]] = defaultdict(list)
    for row in rows:
        by_harm[row.harm_type].append(row)
    return [
        {
            "harm_type": history[0].get_harm_type_display(),
            "latest": history[0],
            "earlier": history[1:],
        }
        for history in by_harm.values()
    ]


def awaiting_approval_by(*, user) -> QuerySet[Assessment]:
    """Submitted assessments of the teams this user manages, which they neither wrote nor
    submitted, of people they may open; oldest submission first."""
    managed = Membership.objects.filter(user=user, ended_on__isnull=True, role=Role.MANAGER)
    return (
        Assessment.objects.filter(
            state=AssessmentState.SUBMITTED,
            team_id__in=managed.values("team_id"),
            person__in=people_visible_to(user),
        )
        .exclude(author=user)
        .exclude(submitted_by=user)
        .select_related("person", "team", "author", "submitted_by")
        .order_by("submitted_at")
    )


def in_progress_for(*, user) -> QuerySet[Assessment]:
    """The user's own assessments not yet approved (drafts, returned, awaiting approval), of
    people they may still open; returned ones first, as they need the user's attention."""
    return (
        Assessment.objects.filter(author=user, person__in=people_visible_to(user))
        .exclude(state=AssessmentState.APPROVED)
        .select_related("person", "team", "returned_by")
        .order_by(
            Case(
                When(state=AssessmentState.RETURNED, then=Value(0)),
                When(state=AssessmentState.DRAFT, then=Value(1)),
                default=Value(2),
            ),
            "-started_on",
        )
    )


def risks_of(*, assessment: Assessment) -> QuerySet[HarmRisk]:
    return assessment.risks.order_by("harm_type")


def assessment_with_risks(*, assessment_id) -> Assessment | None:
    return (
        Assessment.objects.prefetch_related(Prefetch("risks", HarmRisk.objects.all()))
        .filter(pk=assessment_id)
        .first()
    )


# --- counts for the strategy's KPIs ---------------------------------------------------------------


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[start, end] as local (Europe/London) days, as aware datetimes: from the start of `start`
    up to, not including, the start of the day after `end`."""
    if end < start:
        raise ValueError("the period ends before it starts")
    zone = ZoneInfo(settings.TIME_ZONE)
    return (
        datetime.combine(start, time.min, tzinfo=zone),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone),
    )


def _completed_bace(start: date, end: date) -> QuerySet[Assessment]:
    since, until = period_bounds(start, end)
    return Assessment.objects.filter(
        kind=AssessmentKind.BACE,
        state=AssessmentState.APPROVED,
        approved_at__gte=since,
        approved_at__lt=until,
    )


def bace_completed_count(*, team_group: str, start: date, end: date) -> int:
    """How many BACE assessments were completed (approved) in [start, end] by teams of
    `team_group` (a `BaceTeamGroup`: Front Door and Assessment together, CYPF, specialist),
    counted by the completing team recorded on the assessment."""
    functions = BACE_TEAM_GROUP_FUNCTIONS[BaceTeamGroup(team_group)]
    return _completed_bace(start, end).filter(team__function__in=functions).count()


def bace_completed_counts(*, start: date, end: date) -> dict[str, int]:
    """All three KPI counts for [start, end] in one aggregate query, keyed by `BaceTeamGroup`."""
    aggregates = {
        group: Count("id", filter=Q(team__function__in=functions))
        for group, functions in BACE_TEAM_GROUP_FUNCTIONS.items()
    }
    result = _completed_bace(start, end).aggregate(**{str(k): v for k, v in aggregates.items()})
    return {BaceTeamGroup(key): value for key, value in result.items()}
