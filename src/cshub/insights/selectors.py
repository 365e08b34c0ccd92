"""Reads for the KPI dashboard, the report and `cshub kpis`: every figure, breakdown, trend and
drill-down list comes from the KPI's own `Counted` description (`kpis.py`), aggregated by the
database, so the four cannot disagree.

Aggregates name no one and need no record access. The drill-down lists the rows behind a
number, and names only the people the viewer may see (`access.people_visible_to`); the rest are
counted, not shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import (
    Case,
    CharField,
    DateTimeField,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from cshub.access.policy import people_visible_to
from cshub.core import clocks, vocab
from cshub.core.vocab import Ethnicity, Sex
from cshub.people.models import Address, Allocation, born_by

from . import periods
from .kpis import KPIS, Counted, Kpi, Result

# Shown instead of a count of 1-4 in anything meant to leave the partnership.
SMALL_NUMBER = 5
SUPPRESSED = "<5"
NOT_RECORDED = "Not recorded"

# Age bands at the last day of the period: (label, youngest age in the band).
AGE_BANDS = vocab.AGE_BANDS

# Breakdowns every KPI about children offers, beside the KPI's own (`Counted.dimensions`).
DIMENSIONS = {
    "age_band": "Age band",
    "sex": "Sex",
    "ethnicity": "Ethnicity",
    "ward": "Ward",
    "team": "Team",
}


def suppress(count: int | None) -> str:
    """A count as it may leave the partnership: 1-4 as "<5" (0 and 5 or more as they are)."""
    if count is None:
        return ""
    return SUPPRESSED if 0 < count < SMALL_NUMBER else str(count)


@dataclass(frozen=True)
class Figure:
    kpi: Kpi
    period: periods.Period
    result: Result

    @property
    def value(self) -> float | None:
        return self.result.value


@dataclass(frozen=True)
class Row:
    group: str
    numerator: int
    denominator: int | None

    @property
    def value(self) -> float | None:
        if self.denominator is None:
            return float(self.numerator)
        return self.numerator / self.denominator if self.denominator else None


def figure(kpi: Kpi, period: periods.Period, now: datetime | None = None) -> Figure:
    return Figure(kpi, period, kpi(period.start, period.end, now))


def figures(period: periods.Period, now: datetime | None = None) -> list[Figure]:
    """Every KPI for the period, in the registry's order (one aggregate query each, a few more
    for the ones that count exclusions)."""
    now = now or timezone.now()
    return [figure(kpi, period, now) for kpi in KPIS.values()]


def _field(model, path: str):
    *relations, name = path.split("__")
    for relation in relations:
        model = model._meta.get_field(relation).related_model
    return model._meta.get_field(name)


def _inside(counted: Counted, period: periods.Period) -> Q:
    """Rows whose `counted.when` falls in the period (its London date, for a timestamp)."""
    if isinstance(_field(counted.rows.model, counted.when), DateTimeField):
        lower, upper = clocks.local_days(period.start, period.end)
        return Q(**{f"{counted.when}__gte": lower, f"{counted.when}__lt": upper})
    return Q(**{f"{counted.when}__gte": period.start, f"{counted.when}__lte": period.end})


def trend(kpi: Kpi, last: periods.Period, count: int = 8, now=None) -> list[Figure]:
    """The KPI for `count` calendar quarters, oldest first, the last holding `last.end`: one
    query over all of them when one date field places each row (`Counted.when`), grouped by
    quarter; otherwise one query per quarter. Only the numerator and
    denominator: what each quarter left out is on its own figure (`figure`). Tested equal to
    the figures quarter by quarter."""
    now = now or timezone.now()
    quarters = periods.quarters_ending(last, count)
    whole = kpi.counted(quarters[0].start, quarters[-1].end, now)
    if whole.when is None:
        return [figure(kpi, q, now) for q in quarters]
    which = Case(
        *[When(_inside(whole, q), then=Value(i)) for i, q in enumerate(quarters)],
        default=Value(-1),
        output_field=IntegerField(),
    )
    aggregates = {"n": whole.count(whole.numerator)}
    if whole.denominator is not None:
        aggregates["d"] = whole.count(whole.denominator)
    grouped = whole.rows.annotate(quarter=which).values("quarter").annotate(**aggregates).order_by()
    found = {g["quarter"]: g for g in grouped}
    empty = {"n": 0, "d": 0 if whole.denominator is not None else None}
    return [
        Figure(kpi, q, Result(found.get(i, empty)["n"], found.get(i, empty).get("d"), {}))
        for i, q in enumerate(quarters)
    ]


def moved_the_right_way(kpi: Kpi, before: float | None, after: float | None) -> bool | None:
    """Whether a change from `before` to `after` is good by the KPI's direction (None: no
    change, or a value missing)."""
    if before is None or after is None or before == after:
        return None
    return (after > before) == (kpi.better != "lower")


# --- breakdowns ---------------------------------------------------------------------------------


def dimensions_for(
    kpi: Kpi, period: periods.Period, now=None, *, counted: Counted | None = None
) -> dict[str, str]:
    """{key: label} of the breakdowns this KPI offers: the KPI's own, and those about a child
    when it counts children's records (team always). `counted`: the KPI's `Counted` for the
    period, when the caller has it already."""
    counted = counted or kpi.counted(period.start, period.end, now)
    out = {key: label for key, (label, _) in counted.dimensions.items()}
    if counted.person is not None:
        out |= DIMENSIONS
    else:
        out["team"] = DIMENSIONS["team"]
    return out


def _path(person: str, field: str) -> str:
    """`field` on the person a row is about ("" when the rows are people)."""
    return f"{person}__{field}" if person else field


def age_band(person: str, end: date):
    """The age band at `end` of the person at `person` (AGE_BANDS; "Not recorded")."""
    dob = _path(person, "date_of_birth")
    whens = [When(**{f"{dob}__isnull": True}, then=Value(NOT_RECORDED))]
    for label, youngest in reversed(AGE_BANDS[1:]):
        born_by_then = born_by(end, youngest)
        whens.append(When(**{f"{dob}__lte": born_by_then}, then=Value(label)))
    return Case(*whens, default=Value(AGE_BANDS[0][0]), output_field=CharField())


def home_ward(person: str, end: date, field: str = "ward__name"):
    """The ward (its name, or `field`) of the home the person at `person` lived in at `end`."""
    home = (
        Address.objects.filter(person=OuterRef(person or "pk"))
        .filter(Q(moved_in__isnull=True) | Q(moved_in__lte=end))
        .filter(Q(moved_out__isnull=True) | Q(moved_out__gt=end))
        .order_by(F("moved_in").desc(nulls_last=True), "-pk")
    )
    return Subquery(home.values(field)[:1], output_field=CharField())


def _allocated_team(person: str, start: date, end: date):
    allocated = (
        Allocation.objects.filter(case__person=OuterRef(person), started_on__lte=end)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start))
        .order_by("-started_on", "-pk")
    )
    return Subquery(allocated.values("team__name")[:1], output_field=CharField())


def _expression(counted: Counted, dimension: str, period: periods.Period):
    if dimension in counted.dimensions:
        return F(counted.dimensions[dimension][1])
    p = counted.person
    if dimension == "team":
        if counted.team is not None:
            return F(f"{counted.team}__name")
        return _allocated_team(p, period.start, period.end) if p else None
    if p is None:
        return None
    if dimension == "age_band":
        return age_band(p, period.end)
    if dimension == "sex":
        return F(f"{p}__sex")
    if dimension == "ethnicity":
        return F(f"{p}__ethnicity")
    if dimension == "ward":
        return home_ward(p, period.end)
    return None


def _labels(counted: Counted, dimension: str) -> dict:
    """Display labels of the stored values of a choices field (others show as stored)."""
    if dimension == "sex":
        return dict(Sex.choices)
    if dimension == "ethnicity":
        return dict(Ethnicity.choices)
    if dimension in counted.dimensions:
        model = counted.rows.model
        path = counted.dimensions[dimension][1].split("__")
        for name in path[:-1]:
            model = model._meta.get_field(name).related_model
        return dict(model._meta.get_field(path[-1]).choices or [])
    return {}


def _order(dimension: str, rows: list[Row]) -> list[Row]:
    if dimension == "age_band":
        rank = {label: i for i, (label, _) in enumerate(AGE_BANDS)}
        return sorted(rows, key=lambda r: rank.get(r.group, len(rank)))
    return sorted(rows, key=lambda r: (r.group == NOT_RECORDED, r.group.lower()))


def breakdown(
    kpi: Kpi, start: date, end: date, dimension: str, now=None, *, counted: Counted | None = None
) -> list[Row]:
    """The KPI's numerator and denominator in each group of `dimension`, in one grouped query.
    For the breakdowns about the child (age band, sex, ethnicity, ward, team) each counted unit
    falls in one group, so the groups add up to the figure (tested). A KPI's own breakdowns
    (e.g. kind of activity) may count one child in two groups."""
    period = periods.between(start, end)
    counted = counted or kpi.counted(start, end, now)
    expression = _expression(counted, dimension, period)
    if expression is None:
        raise ValueError(f"{kpi.title} has no breakdown by {dimension}.")
    aggregates = counted.aggregates()
    grouped = (
        counted.rows.annotate(group=expression)
        .values("group")
        .annotate(**{k: v for k, v in aggregates.items() if k in ("n", "d")})
        .order_by()
    )
    labels = _labels(counted, dimension)
    rows = [
        Row(
            str(labels.get(g["group"], g["group"]))
            if g["group"] not in (None, "")
            else NOT_RECORDED,
            g["n"],
            g.get("d") if counted.denominator is not None else None,
        )
        for g in grouped
    ]
    merged: dict[str, Row] = {}
    for row in rows:  # blank and null both read "Not recorded"
        if row.group in merged:
            old = merged[row.group]
            den = None if old.denominator is None else old.denominator + (row.denominator or 0)
            row = Row(row.group, old.numerator + row.numerator, den)
        merged[row.group] = row
    return _order(dimension, [r for r in merged.values() if r.numerator or r.denominator])


def breakdowns(kpi: Kpi, period: periods.Period, now=None) -> list[tuple[str, str, list[Row]]]:
    """(dimension, label, rows) for every breakdown the KPI offers, the KPI's rows described
    once (its exclusions can cost queries of their own)."""
    counted = kpi.counted(period.start, period.end, now)
    return [
        (dimension, label, breakdown(kpi, period.start, period.end, dimension, counted=counted))
        for dimension, label in dimensions_for(kpi, period, counted=counted).items()
    ]


# --- drill-down ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DrillDown:
    rows: list  # the counted rows the viewer may see (model instances, newest first)
    hidden: int  # rows behind the number that the viewer may not see
    total: int  # every row behind the number (rows, not distinct children)


def records(
    kpi: Kpi, period: periods.Period, user, *, part: str = "numerator", now=None, limit=500
) -> DrillDown:
    """The rows behind the numerator (or denominator) that `user` may see. Rows about a person
    the user has no relationship with are counted in `hidden`, never listed. Rows not about a
    person (staff training, consultations with no child named) are listed to everyone who may
    open the dashboard: they name staff, not children."""
    counted = kpi.counted(period.start, period.end, now)
    if part == "denominator" and counted.denominator is None:
        raise ValueError(f"{kpi.title} is a count: it has no denominator.")
    q = counted.numerator if part == "numerator" else counted.denominator
    behind: QuerySet = counted.rows.filter(q)
    total = behind.count()
    if counted.person is None:
        visible = behind
    else:
        seen = people_visible_to(user, now=now).values("pk")
        visible = behind.filter(
            Q(**{f"{counted.person}__isnull": True}) | Q(**{f"{counted.person}__in": seen})
        )
    related = [counted.person] if counted.person else []
    shown = list(visible.select_related(*related).order_by("-pk")[:limit])
    return DrillDown(rows=shown, hidden=total - visible.count(), total=total)


def person_of(counted: Counted, row):
    """The person a counted row is about (None when it is about no one)."""
    if counted.person is None:
        return None
    obj = row
    for name in counted.person.split("__"):
        obj = getattr(obj, name, None)
        if obj is None:
            return None
    return obj
