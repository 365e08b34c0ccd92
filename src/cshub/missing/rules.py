"""The repeat-missing rule: `CSHUB_REPEAT_MISSING_EPISODES` episodes (default 3) reported in one
period (`CSHUB_REPEAT_MISSING_PERIOD`: "quarter", the default, meaning the financial quarters
April-June, July-September, October-December and January-March; "month"; or a whole number of
days for a rolling window ending on the latest episode's day) prompt a strategy meeting.

An episode belongs to the period holding the Europe/London date of its police report. Episodes
reported on or before the day of a strategy meeting already held do not count again: a meeting
answers the episodes before it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# An interview still unfinished this long after the return is stale: it leaves the worker's queue
# and no longer gives the missing coordinator sight of the child.
INTERVIEW_WINDOW = timedelta(days=90)


def quarter_of(day: date) -> tuple[date, date]:
    """The financial quarter (years start in April) holding `day`."""
    month = 4 + (day.month - 4) % 12 // 3 * 3  # 4, 7, 10 or 13 (= January)
    year = day.year if day.month >= 4 else day.year - 1
    if month > 12:
        month, year = month - 12, year + 1
    start = date(year, month, 1)
    end_month, end_year = (month + 3, year) if month + 3 <= 12 else (month - 9, year + 1)
    return start, date(end_year, end_month, 1) - timedelta(days=1)


def month_of(day: date) -> tuple[date, date]:
    start = day.replace(day=1)
    following = (start + timedelta(days=32)).replace(day=1)
    return start, following - timedelta(days=1)


@dataclass(frozen=True)
class RepeatRule:
    episodes: int
    period: str  # "quarter", "month" or a number of days

    def window(self, day: date) -> tuple[date, date]:
        """The period the rule looks at for an episode reported on `day`."""
        if self.period == "quarter":
            return quarter_of(day)
        if self.period == "month":
            return month_of(day)
        return day - timedelta(days=int(self.period) - 1), day

    def describe(self) -> str:
        if self.period in ("quarter", "month"):
            return f"{self.episodes} or more episodes in a {self.period}"
        return f"{self.episodes} or more episodes in {self.period} days"


def current_rule() -> RepeatRule:
    episodes = settings.CSHUB_REPEAT_MISSING_EPISODES
    period = str(settings.CSHUB_REPEAT_MISSING_PERIOD).strip().lower()
    if not isinstance(episodes, int) or episodes < 1:
        raise ImproperlyConfigured(
            "CSHUB_REPEAT_MISSING_EPISODES must be a whole number, 1 or more"
        )
    if period not in ("quarter", "month") and not (period.isdigit() and int(period) >= 1):
        raise ImproperlyConfigured(
            'CSHUB_REPEAT_MISSING_PERIOD must be "quarter", "month" or a number of days'
        )
    return RepeatRule(episodes, period)
