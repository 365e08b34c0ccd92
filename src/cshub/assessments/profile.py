"""What assessments add to a person's profile (a `ProfileSection`) and timeline, registered in
`AssessmentsConfig.ready`. Both run after `access_person` has granted the page."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

from cshub.people.profile import ProfileSection
from cshub.people.timeline import TimelineEntry

from . import selectors
from .models import Assessment, AssessmentKind, AssessmentState
from .policy import can_start_assessment


def _context(user, person) -> dict:
    assessments = list(selectors.assessments_of(person=person))
    aim3 = [a for a in assessments if a.kind == AssessmentKind.AIM3 and a.approved_at]
    return {
        "risks": selectors.risk_history(person=person),
        "latest_aim3": max(aim3, key=lambda a: a.approved_at) if aim3 else None,
        "assessments": assessments,
        "can_start": can_start_assessment(user),
    }


PROFILE_SECTION = ProfileSection(
    key="assessments",
    title="Risk assessments",
    template="assessments/_profile_section.html",
    context=_context,
    order=50,
)


def assessment_events(person) -> Iterable[TimelineEntry]:
    """Submitted, returned and approved assessments (the latest time of each)."""
    rows = Assessment.objects.filter(person=person, submitted_at__isnull=False).select_related(
        "team"
    )
    for a in rows:
        kind = a.short_kind
        yield TimelineEntry(
            timezone.localdate(a.submitted_at),
            f"{kind} assessment submitted for approval",
            a.team.name,
            "Assessment",
        )
        if a.returned_at:
            yield TimelineEntry(
                timezone.localdate(a.returned_at),
                f"{kind} assessment returned for changes",
                a.team.name,
                "Assessment",
            )
        if a.state == AssessmentState.APPROVED:
            detail = f"{a.team.name}; review by {a.review_on:%d %B %Y}"
            if a.kind == AssessmentKind.AIM3:
                detail = f"Outcome {a.get_aim3_outcome_display().lower()}; {detail}"
            yield TimelineEntry(
                timezone.localdate(a.approved_at),
                f"{kind} assessment approved",
                detail,
                "Assessment",
            )
