"""A person's timeline, assembled from every app that knows something dated about them.

Apps register a provider in their `AppConfig.ready`: a function taking a person and returning
`TimelineEntry` items. The timeline is derived from the records each time, never copied into a
table of its own, so it cannot disagree with them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

Provider = Callable[["Person"], Iterable["TimelineEntry"]]  # noqa: F821

_providers: list[Provider] = []


@dataclass(frozen=True)
class TimelineEntry:
    on: date
    title: str
    detail: str = ""
    category: str = ""


def register(provider: Provider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def entries_for(person, *, limit: int = 100) -> list[TimelineEntry]:
    entries: list[TimelineEntry] = []
    for provider in _providers:
        entries.extend(provider(person))
    entries.sort(
        key=lambda e: e.on if not isinstance(e.on, datetime) else e.on.date(), reverse=True
    )
    return entries[:limit]


def people_events(person) -> Iterable[TimelineEntry]:
    """What the people app itself knows: cases, allocations, flags, factors and moves."""
    for case in person.cases.all():
        yield TimelineEntry(
            case.opened_on, f"Case {case.reference} opened", case.get_level_display(), "Case"
        )
        if case.closed_on:
            yield TimelineEntry(
                case.closed_on, f"Case {case.reference} closed", case.close_reason, "Case"
            )
        for allocation in case.allocations.all():
            who = f" ({allocation.worker})" if allocation.worker_id else ""
            yield TimelineEntry(
                allocation.started_on,
                f"Allocated to {allocation.team.name}{who}",
                allocation.get_role_display(),
                "Allocation",
            )
    for flag in person.flags.all():
        yield TimelineEntry(flag.raised_on, f"Flag raised: {flag}", flag.reason, "Flag")
        if flag.closed_on:
            yield TimelineEntry(flag.closed_on, f"Flag closed: {flag}", "", "Flag")
    for factor in person.vulnerabilities.all():
        yield TimelineEntry(
            factor.identified_on, f"Vulnerability noted: {factor}", factor.notes, "Vulnerability"
        )
    for address in person.addresses.all():
        if address.moved_in:
            yield TimelineEntry(
                address.moved_in, "Moved to a new address", address.postcode, "Address"
            )
