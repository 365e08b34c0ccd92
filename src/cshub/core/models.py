"""Cross-cutting base models and borough reference data (wards)."""

from __future__ import annotations

import uuid

from django.db import models


class BaseModel(models.Model):
    """Every domain record: a random (non-sequential) UUID key and when it was made and changed.

    Random keys mean a URL never reveals how many records exist or invites guessing the next one.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Ward(models.Model):
    """An electoral ward of the borough (ONS boundaries), for addresses, places and area counts."""

    code = models.CharField(
        max_length=9, primary_key=True, help_text="ONS ward code, e.g. E05000976"
    )
    name = models.CharField(max_length=100, unique=True)
    boundary = models.JSONField(help_text="GeoJSON geometry (WGS84 longitude/latitude)")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PopulationDimension(models.TextChoices):
    AGE_BAND = "age_band", "Age band"
    SEX = "sex", "Sex"
    ETHNICITY = "ethnicity", "Ethnicity"
    WARD = "ward", "Ward"


class ChildPopulation(models.Model):
    """How many children (under 18) live in the borough, by one characteristic at a time, as
        published estimates give them (ONS mid-year estimates by ward, age and sex; Census 2021 by
        ethnic group). The cohort analysis compares its groups' shares with these. Loaded by an
        administrator (`cshub load-population`), one year at a time; who loaded it, and when, is in
    the audit log (`core.population.loaded`)."""

    year = models.PositiveSmallIntegerField(help_text="The year the estimate is for")
    dimension = models.CharField(max_length=10, choices=PopulationDimension.choices)
    group = models.CharField(
        max_length=20,
        help_text="The group's code: an age band, sex (F, M), an ethnicity code, a ward code",
    )
    count = models.PositiveIntegerField()
    source = models.CharField(max_length=200, help_text="Where the figure comes from")

    class Meta:
        ordering = ["year", "dimension", "group"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "dimension", "group"], name="child_population_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_dimension_display()} {self.group}: {self.count}"
