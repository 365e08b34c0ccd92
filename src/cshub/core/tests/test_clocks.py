from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cshub.core import clocks
from cshub.core.clocks import LONDON


def london(*args) -> datetime:
    return datetime(*args, tzinfo=LONDON)


@pytest.mark.parametrize(
    "received, due",
    [
        # a Tuesday afternoon: due Wednesday, same time
        (london(2026, 11, 24, 15, 30), london(2026, 11, 25, 15, 30)),
        # Friday afternoon: due Monday
        (london(2026, 11, 27, 16, 0), london(2026, 11, 30, 16, 0)),
        # Saturday: the clock starts Monday 09:00, due Tuesday 09:00
        (london(2026, 11, 28, 11, 0), london(2026, 12, 1, 9, 0)),
        # Christmas Eve 2026 (Thursday): Christmas and Boxing Day (substitute Mon 28th) skipped
        (london(2026, 12, 24, 10, 0), london(2026, 12, 29, 10, 0)),
        # Thursday before Easter 2027: Good Friday 26 Mar and Easter Monday 29 Mar skipped
        (london(2027, 3, 25, 12, 0), london(2027, 3, 30, 12, 0)),
        # received on Easter Monday: starts Tuesday 09:00, due Wednesday 09:00
        (london(2027, 3, 29, 8, 0), london(2027, 3, 31, 9, 0)),
        # Friday before the early May bank holiday 2026 (Mon 4 May)
        (london(2026, 5, 1, 9, 30), london(2026, 5, 5, 9, 30)),
    ],
)
def test_front_door_decision_due(received, due):
    assert clocks.front_door_decision_due(received) == due


def test_clock_runs_across_the_clocks_changing():
    # Friday 23 Oct 2026 17:00 BST -> Monday 26 Oct 17:00 GMT (clocks went back on the Sunday)
    due = clocks.front_door_decision_due(london(2026, 10, 23, 17, 0))
    assert due == london(2026, 10, 26, 17, 0)
    assert due.utcoffset() == timedelta(0)


def test_utc_input_is_judged_in_london():
    # 23:30 UTC on Friday 3 July 2026 is 00:30 BST on Saturday: a weekend receipt
    received = datetime(2026, 7, 3, 23, 30, tzinfo=clocks.ZoneInfo("UTC"))
    assert clocks.front_door_decision_due(received) == london(2026, 7, 7, 9, 0)


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="aware"):
        clocks.add_working_days(datetime(2026, 1, 5, 9, 0))


def test_bank_holidays_beyond_the_published_list_come_from_the_rules():
    assert clocks.is_bank_holiday(date(2031, 12, 25))
    assert clocks.is_bank_holiday(date(2031, 8, 25))  # summer bank holiday, last Monday of August
    assert not clocks.is_bank_holiday(date(2031, 8, 26))


def test_overdue_state():
    due = london(2026, 11, 25, 9, 0)
    assert clocks.clock_state(due, due - timedelta(hours=5)).hours_left == 5
    assert clocks.clock_state(due, due + timedelta(minutes=1)).overdue


@given(st.datetimes(min_value=datetime(2015, 1, 1), max_value=datetime(2035, 12, 31)))
def test_due_is_always_on_a_later_working_day(naive):
    received = naive.replace(tzinfo=LONDON)
    due = clocks.front_door_decision_due(received)
    assert clocks.is_working_day(due.date())
    assert due > received
    assert (due - received) < timedelta(days=12)  # Christmas + New Year at worst
