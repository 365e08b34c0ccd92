"""Statutory and practice clocks, computed in one place from stored timestamps.

All inputs are aware datetimes (stored in UTC); working days are judged in Europe/London, with
England and Wales bank holidays: GOV.UK's published list (the `govuk-bank-holidays` package's
copy, read offline), and for years beyond it the rules in the `holidays` package.

Front Door decision clock: "a decision is due within one working day of receipt". A contact
received during a working day (00:00-24:00 local on a weekday that is not a bank holiday) is due
at the same local time on the next working day. One received on a weekend or bank holiday starts
its clock at the start of the next working day (09:00), and is due at 09:00 on the working day
after that.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays as holidays_lib
from govuk_bank_holidays.bank_holidays import BankHolidays

LONDON = ZoneInfo("Europe/London")
WORKING_DAY_START = time(9, 0)


@lru_cache(maxsize=1)
def _govuk_holidays() -> tuple[frozenset[date], int, int]:
    data = BankHolidays(use_cached_holidays=True).get_holidays(
        division=BankHolidays.ENGLAND_AND_WALES
    )
    days = frozenset(item["date"] for item in data)
    return days, min(d.year for d in days), max(d.year for d in days)


@lru_cache(maxsize=64)
def _rule_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays_lib.UK(subdiv="ENG", years=[year]).keys())


def is_bank_holiday(day: date) -> bool:
    days, first, last = _govuk_holidays()
    if first <= day.year <= last:
        return day in days
    return day in _rule_holidays(day.year)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and not is_bank_holiday(day)


def next_working_day(day: date) -> date:
    day += timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def add_working_days(moment: datetime, days: int = 1) -> datetime:
    """`days` working days after `moment` (see the module docstring for the rule)."""
    if moment.tzinfo is None:
        raise ValueError("clocks need aware datetimes")
    local = moment.astimezone(LONDON)
    day, clock = local.date(), local.timetz().replace(tzinfo=None)
    if not is_working_day(day):
        day, clock = next_working_day(day), WORKING_DAY_START
    for _ in range(days):
        day = next_working_day(day)
    return datetime.combine(day, clock, tzinfo=LONDON)


@dataclass(frozen=True)
class ClockState:
    due: datetime
    remaining: timedelta  # negative when overdue
    overdue: bool

    @property
    def hours_left(self) -> int:
        return int(self.remaining.total_seconds() // 3600)


def clock_state(due: datetime, now: datetime) -> ClockState:
    remaining = due - now
    return ClockState(due=due, remaining=remaining, overdue=remaining.total_seconds() < 0)


def front_door_decision_due(received_at: datetime) -> datetime:
    return add_working_days(received_at, 1)


# --- times a partner or a worker gives us ------------------------------------------------------
# A partner's clock may run a little ahead of ours; beyond this, a time "in the future" is a
# mistake (usually a day and month swapped).
CLOCK_SKEW = timedelta(minutes=5)


def in_future(moment: datetime, now: datetime) -> bool:
    return moment > now + CLOCK_SKEW


# --- missing children --------------------------------------------------------------------------
# Both clocks run in elapsed hours, whatever the wall clock does: 24 hours from a report at 01:30
# on the day the clocks go forward ends at 02:30 the next day, not 01:30. So the arithmetic is
# done in UTC. A deadline is met by an event at the deadline itself ("within 72 hours" includes
# the 72nd hour's last instant).

MISSING_NOTIFICATION_HOURS = 24  # police report -> council notified
RHI_OFFER_HOURS = 72  # return -> Return Home Interview offered


def _elapsed(moment: datetime, hours: int) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("clocks need aware datetimes")
    return moment.astimezone(UTC) + timedelta(hours=hours)


def missing_notification_due(reported_at: datetime) -> datetime:
    """When the council should have been told of a missing child the police were told of."""
    return _elapsed(reported_at, MISSING_NOTIFICATION_HOURS)


def rhi_offer_due(returned_at: datetime) -> datetime:
    """When a Return Home Interview should have been offered to a child who came back."""
    return _elapsed(returned_at, RHI_OFFER_HOURS)


def met(deadline: datetime, at: datetime) -> bool:
    """An event at `at` is in time for `deadline` (on the deadline counts as in time)."""
    return at <= deadline


def local_days(start: date, end: date) -> tuple[datetime, datetime]:
    """The instants bounding local days `start`..`end` inclusive, as [from, to) in UTC: what a
    query needs to select events whose Europe/London date falls in a period."""
    lower = datetime.combine(start, time(0), tzinfo=LONDON).astimezone(UTC)
    upper = datetime.combine(end + timedelta(days=1), time(0), tzinfo=LONDON).astimezone(UTC)
    return lower, upper


# --- National Referral Mechanism ---------------------------------------------------------------
# The Home Office aims to make a reasonable grounds decision within 5 working days of a referral.
NRM_REASONABLE_GROUNDS_WORKING_DAYS = 5


def nrm_reasonable_grounds_due(submitted_at: datetime) -> datetime:
    """When the reasonable grounds decision on an NRM referral is due (working days, as above)."""
    return add_working_days(submitted_at, NRM_REASONABLE_GROUNDS_WORKING_DAYS)
