"""The panels' configurable rules, read from settings in one place: the risk levels (lowest
first), the review intervals after an initial MACE, and how long a published agenda gives its
invitees access."""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def risk_levels() -> list[tuple[str, str]]:
    """[(code, label)] lowest first, from `CSHUB_RISK_LEVELS` ("code:Label" entries)."""
    levels = []
    for entry in settings.CSHUB_RISK_LEVELS:
        code, sep, label = str(entry).partition(":")
        code = code.strip()
        if not code or not sep or not label.strip() or len(code) > 20:
            raise ImproperlyConfigured(
                f"CSHUB_RISK_LEVELS entries are 'code:Label' (code ≤ 20 characters): {entry!r}"
            )
        levels.append((code, label.strip()))
    if len({c for c, _ in levels}) != len(levels) or len(levels) < 2:
        raise ImproperlyConfigured("CSHUB_RISK_LEVELS needs at least two distinct codes.")
    return levels


def risk_rank(code: str) -> int | None:
    """The level's place in the order (0 = lowest); None for a code not configured."""
    for rank, (level, _) in enumerate(risk_levels()):
        if level == code:
            return rank
    return None


def risk_label(code: str) -> str:
    return dict(risk_levels()).get(code, code)


def add_months(day: date, months: int) -> date:
    """The same day `months` later; the month's last day when it is shorter (31 Aug + 6 = 28/29
    Feb)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def review_months() -> list[int]:
    months = sorted(set(settings.CSHUB_PANEL_REVIEW_MONTHS))
    if not months or months[0] < 1:
        raise ImproperlyConfigured("CSHUB_PANEL_REVIEW_MONTHS must be whole months, 1 or more.")
    return months


def reviews_due(initial_on: date) -> list[tuple[int, date]]:
    """[(months, due date)] for a child first judged at a MACE on `initial_on`."""
    return [(m, add_months(initial_on, m)) for m in review_months()]


# A review is listed for the coordinator, and can be held at a MACE, from this long before it
# falls due: a child discussed again months early is reviewed, but that is not the 3- or
# 6-month review.
REVIEW_LOOKAHEAD = timedelta(days=28)

# The review that decides whether risk fell: the 6-month review after the initial MACE.
OUTCOME_REVIEW_MONTHS = 6


def access_ends(starts_at: datetime) -> datetime:
    """When invitees' access to a published agenda's subjects closes: `CSHUB_PANEL_ACCESS_DAYS`
    after the meeting starts (the same wall-clock instant, elapsed days)."""
    return starts_at + timedelta(days=settings.CSHUB_PANEL_ACCESS_DAYS)
