"""Disruption on a person's profile: activity against them, and activity protecting them (the
target named only to those who may see it). Registered in `DisruptionConfig.ready`."""

from __future__ import annotations

from cshub.access.policy import people_visible_to
from cshub.people.profile import ProfileSection
from cshub.people.timeline import TimelineEntry

from .models import Activity
from .policy import can_record


def _context(user, person) -> dict:
    protecting = list(
        Activity.objects.filter(children=person).select_related(
            "agency", "target_person", "target_place", "target_group"
        )
    )
    visible = set(
        people_visible_to(user)
        .filter(pk__in=[a.target_person_id for a in protecting if a.target_person_id])
        .values_list("pk", flat=True)
    )
    for activity in protecting:
        activity.target_shown = (
            activity.target
            if activity.target_person_id is None or activity.target_person_id in visible
            else None
        )
    return {
        "against": list(Activity.objects.filter(target_person=person).select_related("agency")),
        "protecting": protecting,
        "can_record": can_record(user),
    }


PROFILE_SECTION = ProfileSection(
    key="disruption",
    title="Disruption",
    template="disruption/_profile_section.html",
    context=_context,
    order=80,
)


def disruption_events(person):
    for a in Activity.objects.filter(target_person=person):
        yield TimelineEntry(
            a.occurred_on,
            f"Disruption: {a.get_kind_display()}",
            a.get_outcome_display(),
            "Disruption",
        )
