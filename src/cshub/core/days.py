"""Days as the write services check and say them: one wording for "the day it happened" across
the apps that record past events (ETE statuses, interventions, training, consultations)."""

from __future__ import annotations

from datetime import date

from django.utils import timezone


def long_date(day: date) -> str:
    """ "4 December 2026": how a day is written in a message."""
    return f"{day.day} {day:%B %Y}"


def check_past_day(
    errors: dict,
    field: str,
    day: date | None,
    *,
    what: str,
    born: date | None = None,
    who: str = "the young person",
) -> None:
    """Add to `errors[field]` why `day` cannot be the day something happened: missing ("Enter
    the date <what>"), in the future, or before `born` (the date of birth of `who`)."""
    if day is None:
        errors[field] = [f"Enter the date {what}."]
    elif day > timezone.localdate():
        errors[field] = ["This date is in the future: record it once it has happened."]
    elif born and day < born:
        errors[field] = [f"This is before {who} was born."]
