"""Demo extension: the synthetic borough's child population, for the cohort analysis.

A real borough loads the ONS mid-year estimates (`cshub load-population`). The synthetic one
has no published figures, so it makes its own: every child (under 18) the generator placed in
the borough, counted by age band, sex, ethnicity and home ward, and scaled up to a borough of
about 50,000 children per unit of --scale, as the generator's people are mostly those known to
services. The shares are the synthetic borough's own; the totals are plausible.

Deterministic: no randomness, counts read in the database, rows written through the same
service as a loaded file.
"""

from __future__ import annotations

from collections import Counter

from django.db.models import Q

from cshub.core.models import ChildPopulation, PopulationDimension
from cshub.core.services import PopulationRow, population_load
from cshub.core.vocab import AGE_BANDS, Sex
from cshub.people.models import CHILD_AGE_LIMIT, Address, Person, age_on, born_by

from .extensions import Extension

CHILDREN_PER_SCALE = 50_000
SOURCE = "Synthetic: the demo borough's own children, scaled (not official statistics)"


def _band(dob, today) -> str:
    age = age_on(dob, today)
    return next(label for label, youngest in reversed(AGE_BANDS) if age >= youngest)


def run(borough) -> None:
    today = borough.today
    children = list(
        Person.objects.filter(
            merged_into__isnull=True,
            date_of_birth__isnull=False,
            date_of_birth__gt=born_by(today, CHILD_AGE_LIMIT),
            date_of_birth__lte=today,
        )
        .order_by("pk")
        .values_list("pk", "date_of_birth", "sex", "ethnicity")
    )
    if not children:
        return
    homes = dict(
        Address.objects.filter(person__in=[c[0] for c in children], ward__isnull=False)
        .filter(Q(moved_in__isnull=True) | Q(moved_in__lte=today))
        .filter(Q(moved_out__isnull=True) | Q(moved_out__gt=today))
        .order_by("person", "moved_in", "pk")
        .values_list("person", "ward_id")
    )
    factor = CHILDREN_PER_SCALE * borough.scale / len(children)
    counts = {
        PopulationDimension.AGE_BAND: Counter(_band(dob, today) for _, dob, _, _ in children),
        PopulationDimension.SEX: Counter(
            s for _, _, s, _ in children if s in (Sex.FEMALE, Sex.MALE)
        ),
        PopulationDimension.ETHNICITY: Counter(e for _, _, _, e in children),
        PopulationDimension.WARD: Counter(homes[pk] for pk, *_ in children if pk in homes),
    }
    rows = [
        PopulationRow(dimension, group, round(n * factor))
        for dimension, counter in counts.items()
        for group, n in sorted(counter.items())
        if group
    ]
    population_load(rows=rows, year=today.year, source=SOURCE)


EXTENSION = Extension(name="population", run=run, models=(ChildPopulation,))
