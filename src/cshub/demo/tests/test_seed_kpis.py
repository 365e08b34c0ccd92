"""Every KPI on the demo borough: real variety, and the dashboard's one-query trend equal to the
figures computed quarter by quarter; the breakdowns about the child add up to each figure."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from cshub.core import clocks
from cshub.demo.generator import generate
from cshub.insights import periods, selectors
from cshub.insights.kpis import KPIS

TODAY = dt.date(2026, 11, 25)
NOW = dt.datetime.combine(TODAY, dt.time(10, 0), tzinfo=clocks.LONDON)
LAST = periods.last_complete_quarter(TODAY)


@pytest.fixture(scope="module")
def borough(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield generate(scale=1, seed=13, today=TODAY)
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_every_kpi_has_something_to_show_over_the_year(borough):
    year = periods.between(TODAY - dt.timedelta(days=364), TODAY)
    for key, kpi in KPIS.items():
        result = kpi(year.start, year.end, NOW)
        assert result.numerator > 0, key
        if kpi.is_rate:
            assert result.denominator >= result.numerator, key


@pytest.mark.django_db
@pytest.mark.parametrize("key", list(KPIS))
def test_the_trend_is_the_figures_quarter_by_quarter(borough, key):
    kpi = KPIS[key]
    trend = selectors.trend(kpi, LAST, 8, NOW)
    one_by_one = [selectors.figure(kpi, q, NOW) for q in periods.quarters_ending(LAST, 8)]
    assert [(f.period, f.result.numerator, f.result.denominator) for f in trend] == [
        (f.period, f.result.numerator, f.result.denominator) for f in one_by_one
    ]
    assert sum(f.result.numerator for f in trend) > 0


@pytest.mark.django_db
@pytest.mark.parametrize("key", list(KPIS))
def test_breakdowns_about_the_child_add_up_on_the_demo(borough, key):
    kpi = KPIS[key]
    figure = kpi(LAST.start, LAST.end, NOW)
    for dimension in ("age_band", "sex", "ethnicity", "ward", "team"):
        if dimension not in selectors.dimensions_for(kpi, LAST, NOW):
            continue
        rows = selectors.breakdown(kpi, LAST.start, LAST.end, dimension, NOW)
        if dimension == "team" and KPIS[key].counted(LAST.start, LAST.end, NOW).team:
            continue  # staff in two teams count in each
        assert sum(r.numerator for r in rows) == figure.numerator, (key, dimension)
        if kpi.is_rate:
            assert sum(r.denominator for r in rows) == figure.denominator, (key, dimension)
