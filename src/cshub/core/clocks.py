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
from datetime import date, datetime, time, timedelta
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
