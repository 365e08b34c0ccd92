"""Contexts of harm outside the home: places, peer and online groups, and who is linked to them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from cshub.core.models import BaseModel
from cshub.core.vocab import (
    Confidence,
    GroupKind,
    InformationSource,
    PlaceAssociationKind,
    PlaceKind,
)


class Place(BaseModel):
    kind = models.CharField(max_length=20, choices=PlaceKind.choices)
    name = models.CharField(max_length=200)
    address = models.CharField(max_length=200, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    ward = models.ForeignKey("core.Ward", null=True, blank=True, on_delete=models.PROTECT)
    latitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    description = models.TextField(blank=True)
    dfe_number = models.CharField(
        "DfE establishment number", max_length=8, blank=True, help_text="Schools only: LA/ESTAB"
    )

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["kind", "name"])]

    def __str__(self) -> str:
        return self.name


class Group(BaseModel):
    kind = models.CharField(max_length=20, choices=GroupKind.choices)
    name = models.CharField(max_length=200)
    platform = models.CharField(max_length=100, blank=True, help_text="Online groups: where")
    description = models.TextField(blank=True)
    area = models.ForeignKey(
        "core.Ward", null=True, blank=True, on_delete=models.PROTECT, help_text="Where it gathers"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class _Association(models.Model):
    """What every person-context link carries: when, on what information, how sure."""

    first_seen = models.DateField()
    last_seen = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=20, choices=InformationSource.choices)
    source_agency = models.ForeignKey(
        "accounts.Agency", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confidence = models.CharField(max_length=10, choices=Confidence.choices)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        abstract = True


class PersonPlace(_Association):
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="place_links"
    )
    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="person_links")
    kind = models.CharField(max_length=20, choices=PlaceAssociationKind.choices)

    class Meta:
        ordering = ["-first_seen"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_seen__isnull=True) | Q(last_seen__gte=F("first_seen")),
                name="personplace_last_after_first",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.get_kind_display().lower()} {self.place}"


class PersonGroup(_Association):
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="group_links"
    )
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="person_links")
    role = models.CharField(max_length=100, blank=True, help_text="e.g. member, organiser")

    class Meta:
        ordering = ["-first_seen"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_seen__isnull=True) | Q(last_seen__gte=F("first_seen")),
                name="persongroup_last_after_first",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} in {self.group}"
