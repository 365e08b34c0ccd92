"""Reporting periods: calendar months and quarters, financial years (April to March, as councils
report) and any from/to dates. A period is a pair of Europe/London dates, both inclusive.

Written forms (`parse`): `2026-Q2` (calendar quarter: April-June 2026, which is quarter 1 of
the financial year 2026-27), `2026-05` (a month), `FY2026-27` (the financial year 1 April 2026
to 31 March 2027; `2026-27` too, as it cannot be a month), `2026` (a calendar year), and
`2026-04-01..2026-06-30` (from and to dates).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta


class BadPeriod(ValueError):
    """A period written wrongly, or ending before it starts."""


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    label: str

    def __post_init__(self):
        if self.end < self.start:
            raise BadPeriod(f"The period ends ({self.end}) before it starts ({self.start}).")

    @property
    def slug(self) -> str:
        """The written form `parse` reads back (from/to dates for any other period)."""
        return self.label if _FORMS.fullmatch(self.label) else f"{self.start}..{self.end}"


_QUARTER = re.compile(r"(\d{4})-Q([1-4])")
_MONTH = re.compile(r"(\d{4})-(\d{2})")
_FINANCIAL = re.compile(r"(?:FY)?(\d{4})-(\d{2})")
_YEAR = re.compile(r"(\d{4})")
_RANGE = re.compile(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})")
_FORMS = re.compile(r"\d{4}-Q[1-4]|\d{4}-\d{2}|FY\d{4}-\d{2}|\d{4}")


def quarter(year: int, number: int) -> Period:
    first_month = 3 * (number - 1) + 1
    last_month = first_month + 2
    return Period(
        date(year, first_month, 1),
        date(year, last_month, calendar.monthrange(year, last_month)[1]),
        f"{year}-Q{number}",
    )


def month(year: int, number: int) -> Period:
    return Period(
        date(year, number, 1),
        date(year, number, calendar.monthrange(year, number)[1]),
        f"{year}-{number:02d}",
    )


def financial_year(first_year: int) -> Period:
    return Period(
        date(first_year, 4, 1),
        date(first_year + 1, 3, 31),
        f"FY{first_year}-{(first_year + 1) % 100:02d}",
    )


def between(start: date, end: date) -> Period:
    return Period(start, end, f"{start:%-d %b %Y} to {end:%-d %b %Y}")


def parse(text: str) -> Period:
    """A period from its written form; BadPeriod with the forms it takes otherwise."""
    value = (text or "").strip().upper()
    try:
        if m := _QUARTER.fullmatch(value):
            return quarter(int(m[1]), int(m[2]))
        if (m := _MONTH.fullmatch(value)) and 1 <= int(m[2]) <= 12:
            return month(int(m[1]), int(m[2]))
        if m := _FINANCIAL.fullmatch(value):  # FY2026-27, or 2026-27 (not a month)
            first = int(m[1])
            if (first + 1) % 100 != int(m[2]):
                raise BadPeriod(
                    f"{text!r}: a financial year runs from one April to the next, e.g. "
                    f"FY{first}-{(first + 1) % 100:02d}."
                )
            return financial_year(first)
        if m := _YEAR.fullmatch(value):
            year = int(m[1])
            return Period(date(year, 1, 1), date(year, 12, 31), str(year))
        if m := _RANGE.fullmatch(value):
            return between(date.fromisoformat(m[1]), date.fromisoformat(m[2]))
    except ValueError as exc:  # e.g. year 0, or 2026-02-30 in a range
        if isinstance(exc, BadPeriod):
            raise
        raise BadPeriod(f"{text!r} is not a real date: {exc}.") from exc
    raise BadPeriod(
        f"{text!r} is not a period. Write a calendar quarter (2026-Q2), a month (2026-05), a "
        "financial year (FY2026-27), a calendar year (2026), or from and to dates."
    )


def quarter_of(day: date) -> Period:
    return quarter(day.year, (day.month - 1) // 3 + 1)


def last_complete_quarter(today: date) -> Period:
    """The last calendar quarter that has ended before `today`."""
    return quarter_of(quarter_of(today).start - timedelta(days=1))


def quarters_ending(last: Period, count: int) -> list[Period]:
    """`count` calendar quarters, oldest first, the last holding `last.end`."""
    out = [quarter_of(last.end)]
    while len(out) < count:
        out.insert(0, quarter_of(out[0].start - timedelta(days=1)))
    return out
