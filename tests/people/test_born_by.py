"""`born_by(on, age)` is the database side of `age_on`: born on or before it, that age or older."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from cshub.people.models import age_on, born_by

DAYS = st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2040, 12, 31))


@given(born=DAYS, on=DAYS, age=st.integers(min_value=0, max_value=30))
def test_born_by_agrees_with_age_on(born, on, age):
    if born <= on:
        assert (age_on(born, on) >= age) == (born <= born_by(on, age))


def test_29_february():
    assert born_by(dt.date(2028, 2, 29), 18) == dt.date(2010, 2, 28)
    assert born_by(dt.date(2028, 2, 29), 4) == dt.date(2024, 2, 29)
