"""The cohort and equality analysis (strategy section 10): the children open to the exploitation
response on a day, broken down by harm type, age, sex, ethnicity, ward, school, care status and
the Jay Review's risk factors; and, for the characteristics the borough's child population is
published by, each group's share of the cohort against its share of that population.

The cohort: children under 18 on the day with a case open on it (opened on or before, not closed
by then) for child criminal or sexual exploitation. Counted in the database, one grouped query
per breakdown.

Disproportionality: for group g, the cohort's share n_g / N against the population's share
P_g / P. The ratio (n_g / N) / (P_g / P) is 1 when the group is represented as in the borough,
above 1 over-represented. Its 95% confidence interval is Katz's log method for a ratio of two
proportions, exp(ln r ± 1.96 sqrt(1/n_g - 1/N + 1/P_g - 1/P)), with 0.5 added to a group of
none (Haldane). A group whose interval lies wholly above or below 1 is marked: a difference the
numbers alone do not explain by chance, and a question for the partnership, not an answer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from statistics import NormalDist

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce

from cshub.core.models import ChildPopulation, PopulationDimension, Ward
from cshub.core.vocab import (
    CHILD_AGE_BANDS,
    JAY_REVIEW_FACTORS,
    Ethnicity,
    HarmType,
    Sex,
    VulnerabilityFactor,
)
from cshub.people.models import CHILD_AGE_LIMIT, CaseHarm, Person, Vulnerability, born_by

from .selectors import AGE_BANDS, NOT_RECORDED, age_band, home_ward

# The harms of the exploitation response (the same as interventions' EXPLOITATION_HARMS).
EXPLOITATION_RESPONSE = (HarmType.CCE, HarmType.CSE)
CONFIDENCE = 0.95

DIMENSIONS = {
    "harm_type": "Harm type",
    "age_band": "Age band",
    "sex": "Sex",
    "ethnicity": "Ethnicity",
    "ward": "Ward",
    "school": "School",
    "care_status": "Care status",
    "jay_factor": "Jay Review risk factors",
}
# The breakdowns with a published child population to compare with.
COMPARED = {
    "age_band": PopulationDimension.AGE_BAND,
    "sex": PopulationDimension.SEX,
    "ethnicity": PopulationDimension.ETHNICITY,
    "ward": PopulationDimension.WARD,
}


def _open_harms(on: date) -> QuerySet[CaseHarm]:
    return CaseHarm.objects.filter(
        harm_type__in=EXPLOITATION_RESPONSE, case__opened_on__lte=on
    ).filter(Q(case__closed_on__isnull=True) | Q(case__closed_on__gt=on))


def cohort(on: date) -> QuerySet[Person]:
    """The children open to the exploitation response on `on`."""
    return Person.objects.filter(
        merged_into__isnull=True,
        date_of_birth__gt=born_by(on, CHILD_AGE_LIMIT),
        pk__in=_open_harms(on).values("case__person"),
    )


@dataclass(frozen=True)
class Group:
    group: str
    count: int


def _label(dimension: str, value) -> str:
    if value in (None, ""):
        return NOT_RECORDED
    labels = {
        "sex": dict(Sex.choices),
        "ethnicity": dict(Ethnicity.choices),
        "harm_type": dict(HarmType.choices),
        "jay_factor": dict(VulnerabilityFactor.choices),
    }.get(dimension, {})
    return str(labels.get(value, value))


def _codes(children: QuerySet[Person], dimension: str, on: date) -> list[tuple[object, int]]:
    """(stored value, children) for each group of `dimension`, in one grouped query."""
    if dimension == "harm_type":
        rows = (
            _open_harms(on)
            .filter(case__person__in=children.values("pk"))
            .values("harm_type")
            .annotate(n=Count("case__person", distinct=True))
        )
        return [(r["harm_type"], r["n"]) for r in rows]
    if dimension == "jay_factor":
        current = Vulnerability.objects.filter(
            person__in=children.values("pk"), factor__in=JAY_REVIEW_FACTORS, identified_on__lte=on
        ).filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on))
        rows = current.values("factor").annotate(n=Count("person", distinct=True))
        none = children.exclude(pk__in=current.values("person")).count()
        return [(r["factor"], r["n"]) for r in rows] + ([("", none)] if none else [])
    expression = {
        "age_band": lambda: age_band("", on),
        "sex": lambda: F("sex"),
        "ethnicity": lambda: F("ethnicity"),
        "ward": lambda: home_ward("", on, field="ward__code"),
        "school": lambda: Coalesce(F("school__name"), Value("")),
        "care_status": lambda: Exists(
            Vulnerability.objects.filter(
                person=OuterRef("pk"), factor=VulnerabilityFactor.CIN_OR_CARE, identified_on__lte=on
            ).filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on))
        ),
    }[dimension]()
    rows = children.annotate(g=expression).values("g").annotate(n=Count("pk")).order_by()
    return [(r["g"], r["n"]) for r in rows]


def breakdown(on: date, dimension: str) -> list[Group]:
    """The cohort on `on` by `dimension` (DIMENSIONS). A child is in one group of each, except
    harm type and Jay factors, where a child with two is counted in both."""
    if dimension not in DIMENSIONS:
        raise ValueError(f"The cohort has no breakdown by {dimension!r}.")
    codes = _codes(cohort(on), dimension, on)
    if dimension == "ward":
        names = dict(Ward.objects.values_list("code", "name"))
        codes = [(names.get(c, c) if c else c, n) for c, n in codes]
    if dimension == "care_status":
        codes = [
            ("Child in need or care experienced" if c else "Not recorded as such", n)
            for c, n in codes
        ]
    merged: dict[str, int] = {}
    for value, n in codes:
        label = _label(dimension, value)
        merged[label] = merged.get(label, 0) + n
    groups = [Group(g, n) for g, n in merged.items() if n]
    if dimension == "age_band":
        rank = {label: i for i, (label, _) in enumerate(AGE_BANDS)}
        return sorted(groups, key=lambda g: rank.get(g.group, len(rank)))
    return sorted(groups, key=lambda g: (g.group == NOT_RECORDED, -g.count, g.group))


@dataclass(frozen=True)
class Ratio:
    group: str
    cohort: int
    cohort_share: float
    population: int
    population_share: float
    ratio: float
    low: float
    high: float

    @property
    def notable(self) -> str:
        """ "over" or "under" when the interval excludes 1, else ""."""
        if self.low > 1:
            return "over"
        if self.high < 1:
            return "under"
        return ""


def population_year(on: date) -> int | None:
    """The latest year loaded up to `on`'s year, else the earliest loaded; None if none is."""
    years = sorted(set(ChildPopulation.objects.values_list("year", flat=True)))
    if not years:
        return None
    before = [y for y in years if y <= on.year]
    return before[-1] if before else years[0]


def katz_interval(n: int, total: int, p: int, p_total: int) -> tuple[float, float, float]:
    """The ratio (n / total) / (p / p_total) and its Katz log interval at CONFIDENCE; 0.5 is
    added to a count of none so the interval exists."""
    a = n if n else 0.5
    ratio = (a / total) / (p / p_total)
    z = NormalDist().inv_cdf(0.5 + CONFIDENCE / 2)
    se = math.sqrt(max(0.0, 1 / a - 1 / total + 1 / p - 1 / p_total))
    low, high = ratio * math.exp(-z * se), ratio * math.exp(z * se)
    return (ratio if n else 0.0), low, high


def disproportionality(on: date, dimension: str) -> tuple[int | None, list[Ratio]]:
    """(population year, one Ratio per group) for a compared dimension (COMPARED). Groups with
    no population figure, and "not recorded", are left out: there is nothing to compare with."""
    if dimension not in COMPARED:
        raise ValueError(f"No child population is published by {dimension!r}.")
    year = population_year(on)
    if year is None:
        return None, []
    population = dict(
        ChildPopulation.objects.filter(year=year, dimension=COMPARED[dimension]).values_list(
            "group", "count"
        )
    )
    counts = dict(_codes(cohort(on), dimension, on))
    total = sum(n for code, n in counts.items() if code in population)
    p_total = sum(population.values())
    if not total or not p_total:
        return year, []
    names = dict(Ward.objects.values_list("code", "name")) if dimension == "ward" else {}
    out = []
    for code, p in sorted(population.items()):
        if not p:
            continue
        n = counts.get(code, 0)
        ratio, low, high = katz_interval(n, total, p, p_total)
        label = names.get(code, code) if dimension == "ward" else _label(dimension, code)
        out.append(Ratio(label, n, n / total, p, p / p_total, ratio, low, high))
    if dimension == "age_band":
        rank = {label: i for i, label in enumerate(CHILD_AGE_BANDS)}
        out.sort(key=lambda r: rank.get(r.group, len(rank)))
    return year, out
