"""Read queries for ETE statuses and interventions. Who may see a young person is decided by
`access` before any of these is called for them; the KPI registry reads the cohort-wide ones
(`exploitation_interventions`, `EteStatus.objects.with_previous()`...)."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet

from .models import EteStatus, Intervention


def ete_history(*, person) -> list[EteStatus]:
    """A young person's ETE statuses, newest first, each with `until`: the day before the next
    status began (None for the one that holds now)."""
    rows = list(EteStatus.objects.filter(person=person).select_related("source", "recorded_by"))
    rows.sort(key=lambda r: r.from_date, reverse=True)
    following = None
    for row in rows:
        row.until = following
        following = row.from_date
    return rows


def ete_status_on(*, person, day: date) -> EteStatus | None:
    """The status a young person held on `day`, or None if none was recorded by then."""
    return EteStatus.objects.filter(person=person).holding_on(day).first()


def interventions_of(*, person) -> QuerySet[Intervention]:
    return (
        Intervention.objects.filter(person=person)
        .select_related("case", "provider")
        .prefetch_related("harms")
        .order_by("-started_on", "kind")
    )


def exploitation_interventions() -> QuerySet[Intervention]:
    """Every intervention addressing child criminal or sexual exploitation
    (`choices.EXPLOITATION_HARMS`), each once."""
    return Intervention.objects.exploitation()
