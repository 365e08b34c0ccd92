"""What the missing pathway adds to a person's profile (a `ProfileSection`) and timeline,
registered in `MissingConfig.ready`. Both run after `access_person` has granted the page."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

from cshub.people.profile import ProfileSection
from cshub.people.timeline import TimelineEntry

from . import policy, selectors
from .models import Episode


def _context(user, person) -> dict:
    episodes = list(selectors.episodes_of(person=person)[:50])
    return {
        "episodes": episodes,
        "total": selectors.episodes_of(person=person).count(),
        "prompts": list(selectors.prompts_of(person=person)[:10]),
        "can_record": policy.can_record_episode(user),
        "can_record_meeting": policy.can_record_meeting(user),
    }


PROFILE_SECTION = ProfileSection(
    key="missing",
    title="Missing episodes",
    template="missing/_profile_section.html",
    context=_context,
    order=60,
)


def missing_events(person) -> Iterable[TimelineEntry]:
    rows = Episode.objects.filter(person=person).select_related("rhi")
    for e in rows:
        yield TimelineEntry(
            timezone.localdate(e.reported_at),
            f"Reported missing ({e.police_reference})",
            f"{e.get_missing_from_display()}; {e.get_police_risk_display().lower()} risk",
            "Missing",
        )
        if e.returned_at:
            yield TimelineEntry(
                timezone.localdate(e.returned_at),
                "Returned from missing",
                e.found_where or e.get_return_method_display(),
                "Missing",
            )
        rhi = getattr(e, "rhi", None)
        if rhi is not None and rhi.held_at:
            yield TimelineEntry(
                timezone.localdate(rhi.held_at), "Return Home Interview held", "", "Missing"
            )
        elif rhi is not None and rhi.response == "declined":
            yield TimelineEntry(
                timezone.localdate(rhi.offered_at), "Return Home Interview declined", "", "Missing"
            )
    for p in person.strategy_prompts.all():
        yield TimelineEntry(
            timezone.localdate(p.raised_at),
            "Strategy meeting prompted by repeat missing",
            f"{p.episode_count} episodes ({p.rule})",
            "Missing",
        )
        if p.meeting_on:
            yield TimelineEntry(p.meeting_on, "Strategy meeting held", "", "Missing")
