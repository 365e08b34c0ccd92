"""The shared wording for the day something happened."""

from __future__ import annotations

import datetime as dt

import time_machine

from cshub.core.days import check_past_day, long_date


def test_long_date():
    assert long_date(dt.date(2026, 12, 4)) == "4 December 2026"


@time_machine.travel(dt.datetime(2026, 12, 4, 12, tzinfo=dt.UTC), tick=False)
def test_check_past_day_says_what_is_wrong_and_nothing_when_right():
    born = dt.date(2012, 3, 1)
    cases = [
        (None, "Enter the date it began."),
        (dt.date(2026, 12, 5), "This date is in the future: record it once it has happened."),
        (dt.date(2012, 2, 29), "This is before the child was born."),
    ]
    for day, message in cases:
        errors: dict = {}
        check_past_day(errors, "on", day, what="it began", born=born, who="the child")
        assert errors == {"on": [message]}
    for day in (dt.date(2026, 12, 4), born):
        errors = {}
        check_past_day(errors, "on", day, what="it began", born=born)
        assert errors == {}
    errors = {}
    check_past_day(errors, "on", dt.date(1990, 1, 1), what="it began")  # no birth date known
    assert errors == {}
