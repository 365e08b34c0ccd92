"""Reporting periods: quarters, months, financial years, from/to dates, and bad input."""

from __future__ import annotations

from datetime import date

import pytest

from cshub.insights import periods


@pytest.mark.parametrize(
    "text, start, end",
    [
        ("2026-Q2", date(2026, 4, 1), date(2026, 6, 30)),
        ("2026-q4", date(2026, 10, 1), date(2026, 12, 31)),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),  # a leap year
        ("FY2026-27", date(2026, 4, 1), date(2027, 3, 31)),
        ("2099-00", date(2099, 4, 1), date(2100, 3, 31)),  # financial year across a century
        ("2026", date(2026, 1, 1), date(2026, 12, 31)),
        ("2026-03-31..2026-04-01", date(2026, 3, 31), date(2026, 4, 1)),
    ],
)
def test_written_periods(text, start, end):
    period = periods.parse(text)
    assert (period.start, period.end) == (start, end)
    assert periods.parse(period.slug) == period


@pytest.mark.parametrize(
    "text, message",
    [
        ("2026-Q5", "is not a period"),
        ("2026-13", "from one April to the next"),
        ("2026-00", "from one April to the next"),
        ("FY2026-28", "from one April to the next"),
        ("Q2 2026", "is not a period"),
        ("", "is not a period"),
        ("2026-02-30..2026-03-01", "not a real date"),
        ("2026-04-01..2026-03-31", "before it starts"),
    ],
)
def test_bad_periods_say_why(text, message):
    with pytest.raises(periods.BadPeriod, match=message):
        periods.parse(text)


def test_last_complete_quarter_and_eight_quarters_back():
    assert periods.last_complete_quarter(date(2026, 12, 4)).label == "2026-Q3"
    assert periods.last_complete_quarter(date(2026, 1, 1)).label == "2025-Q4"
    assert periods.last_complete_quarter(date(2026, 3, 31)).label == "2025-Q4"
    eight = periods.quarters_ending(periods.parse("2026-Q2"), 8)
    assert [q.label for q in eight] == [
        "2024-Q3", "2024-Q4", "2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2",
    ]  # fmt: skip
    from datetime import timedelta

    assert all(b.start == a.end + timedelta(days=1) for a, b in zip(eight, eight[1:], strict=False))
