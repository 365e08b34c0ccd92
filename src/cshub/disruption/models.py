"""Disruption activity against adults of concern, places and groups, and the children it
protects."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from cshub.core.models import BaseModel

from .choices import ActivityKind, FourP, Outcome


class Activity(BaseModel):
    """One disruption: its target is exactly one of a person (an adult of concern), a place or a
    group."""

    target_person = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="disruptions",
    )
    target_place = models.ForeignKey(
        "contexts.Place", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    target_group = models.ForeignKey(
        "contexts.Group", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=12, choices=ActivityKind.choices)
    occurred_on = models.DateField()
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    four_p = models.CharField("4 P category", max_length=8, choices=FourP.choices)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, default=Outcome.PENDING)
    notes = models.TextField(blank=True)
    children = models.ManyToManyField(
        "people.Person", blank=True, related_name="protected_by_disruptions"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-occurred_on"]
        verbose_name_plural = "activities"
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        target_person__isnull=False,
                        target_place__isnull=True,
                        target_group__isnull=True,
                    )
                    | Q(
                        target_person__isnull=True,
                        target_place__isnull=False,
                        target_group__isnull=True,
                    )
                    | Q(
                        target_person__isnull=True,
                        target_place__isnull=True,
                        target_group__isnull=False,
                    )
                ),
                name="disruption_exactly_one_target",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.occurred_on:%d %b %Y})"

    @property
    def target(self):
        return self.target_person or self.target_place or self.target_group
