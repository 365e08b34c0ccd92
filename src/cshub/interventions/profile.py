"""ETE statuses and interventions on a young person's profile and timeline (registered in
`InterventionsConfig.ready`). Both run after `access_person` has granted the page."""

from __future__ import annotations

from collections.abc import Iterable

from cshub.people.profile import ProfileSection
from cshub.people.timeline import TimelineEntry

from . import policy, selectors
from .models import EteStatus, Intervention


def _context(user, person) -> dict:
    history = selectors.ete_history(person=person)
    interventions = list(selectors.interventions_of(person=person))
    return {
        "ete_history": history,
        "ete_current": history[0] if history else None,
        "interventions": interventions,
        "ongoing": [i for i in interventions if i.is_ongoing],
        "can_record": policy.can_record(user),
    }


PROFILE_SECTION = ProfileSection(
    key="interventions",
    title="Education, employment and training, and interventions",
    template="interventions/_profile_section.html",
    context=_context,
    order=75,
)


def intervention_events(person) -> Iterable[TimelineEntry]:
    for row in EteStatus.objects.filter(person=person).select_related("source"):
        yield TimelineEntry(
            row.from_date,
            f"ETE status: {row.get_status_display()}",
            ", ".join(n for n in (row.source.name if row.source else "", row.source_note) if n),
            "ETE",
        )
    for i in Intervention.objects.filter(person=person).select_related("provider"):
        yield TimelineEntry(
            i.started_on, f"{i.get_kind_display()} started", i.provider_label, "Intervention"
        )
        if i.ended_on:
            yield TimelineEntry(
                i.ended_on,
                f"{i.get_kind_display()} ended: {i.get_outcome_display().lower()}",
                i.outcome_note,
                "Intervention",
            )
