"""Writes to the shared reference data: the borough's child population."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from cshub.audit.services import record

from .models import ChildPopulation, PopulationDimension, Ward
from .vocab import CHILD_AGE_BANDS, Ethnicity, Sex

POPULATION_HEADER = ["dimension", "group", "count"]


def _groups(dimension: str) -> set[str]:
    if dimension == PopulationDimension.AGE_BAND:
        return set(CHILD_AGE_BANDS)
    if dimension == PopulationDimension.SEX:
        return {Sex.FEMALE, Sex.MALE}
    if dimension == PopulationDimension.ETHNICITY:
        return set(Ethnicity.values)
    return set(Ward.objects.values_list("code", flat=True))


@dataclass(frozen=True)
class PopulationRow:
    dimension: str
    group: str
    count: int


def population_rows_from_csv(text: str) -> list[PopulationRow]:
    """The rows of a population CSV (`dimension,group,count`), every one checked: one bad row
    refuses the file, with every problem listed by row number."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None or [h.strip() for h in header] != POPULATION_HEADER:
        raise ValidationError(f"The header must be {','.join(POPULATION_HEADER)}.")
    problems, rows, seen = [], [], set()
    groups = {d: _groups(d) for d in PopulationDimension.values}
    for number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != 3:
            problems.append(f"Row {number}: expected 3 cells, found {len(cells)}.")
            continue
        dimension, group, count = (c.strip() for c in cells)
        if dimension not in groups:
            problems.append(
                f"Row {number}: unknown dimension {dimension!r} "
                f"(one of {', '.join(PopulationDimension.values)})."
            )
            continue
        wrong = []
        if group not in groups[dimension]:
            wrong.append(f"Row {number}: {group!r} is not a known {dimension} group.")
        if not count.isdigit():
            wrong.append(f"Row {number}: the count {count!r} is not a whole number.")
        if (dimension, group) in seen:
            wrong.append(f"Row {number}: {dimension} {group!r} is given twice.")
        seen.add((dimension, group))
        problems += wrong
        if not wrong:
            rows.append(PopulationRow(dimension, group, int(count)))
    if problems:
        raise ValidationError(problems)
    if not rows:
        raise ValidationError("The file has no rows.")
    return rows


@transaction.atomic
def population_load(*, rows: list[PopulationRow], year: int, source: str, actor=None) -> int:
    """Replace `year`'s child population with `rows` (checked: `population_rows_from_csv`), in
    one transaction, audited. Returns the number of rows."""
    if not 2000 <= year <= 2100:
        raise ValidationError(f"{year} is not a year the estimates could be for.")
    if not source.strip():
        raise ValidationError("Say where the figures come from (the source).")
    ChildPopulation.objects.filter(year=year).delete()
    ChildPopulation.objects.bulk_create(
        ChildPopulation(
            year=year, dimension=r.dimension, group=r.group, count=r.count, source=source
        )
        for r in rows
    )
    record(
        action="core.population.loaded",
        actor=actor,
        details={"year": year, "rows": len(rows), "source": source[:200]},
    )
    return len(rows)
