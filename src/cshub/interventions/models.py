"""A young person's education, employment and training (ETE) status over time, and the
interventions the partnership's agencies and providers offer them.

An ETE status row holds from its `from_date` until the next row's `from_date` for the same
person: the history is the rows in date order, one per change. An intervention records the
harms it addresses (`InterventionHarm`, one row per harm type, as `people.CaseHarm` does for a
case), so "interventions for exploitation" is a query, not a flag.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.utils import timezone

from cshub.core.models import BaseModel
from cshub.core.vocab import HarmType

from .choices import (
    ETE_KINDS,
    EXPLOITATION_HARMS,
    NEET,
    EteStatusKind,
    InterventionKind,
    InterventionOutcome,
)

__all__ = [
    "ETE_KINDS",
    "EXPLOITATION_HARMS",
    "NEET",
    "EteStatus",
    "Intervention",
    "InterventionHarm",
]


class EteStatusQuerySet(models.QuerySet):
    def ete(self):
        """Rows recording education, employment or training (any of `ETE_KINDS`)."""
        return self.filter(status__in=ETE_KINDS)

    def neet(self):
        return self.filter(status=NEET)

    def holding_on(self, day):
        """The row in force on `day` for each person (at most one each): the latest from_date on
        or before that day."""
        later = EteStatus.objects.filter(
            person=OuterRef("person"), from_date__gt=OuterRef("from_date"), from_date__lte=day
        )
        return self.filter(from_date__lte=day).exclude(Exists(later))

    def with_previous(self):
        """Annotate `previous_status`: the status the person held just before this row (None for
        their first). E.g. NEET children moving into ETE:
        `EteStatus.objects.with_previous().ete().filter(previous_status=NEET)`."""
        earlier = EteStatus.objects.filter(
            person=OuterRef("person"), from_date__lt=OuterRef("from_date")
        ).order_by("-from_date")
        return self.annotate(previous_status=Subquery(earlier.values("status")[:1]))


class EteStatus(BaseModel):
    """A young person's ETE status from `from_date` until their next row's `from_date`."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="ete_statuses"
    )
    status = models.CharField(max_length=24, choices=EteStatusKind.choices)
    from_date = models.DateField(help_text="Holds from this day until the next status's")
    source = models.ForeignKey(
        "accounts.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The agency the information came from",
    )
    source_note = models.CharField(
        max_length=200, blank=True, help_text="Where the information came from, e.g. a system"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = EteStatusQuerySet.as_manager()

    class Meta:
        ordering = ["person", "-from_date"]
        verbose_name = "ETE status"
        verbose_name_plural = "ETE statuses"
        constraints = [
            models.UniqueConstraint(
                fields=["person", "from_date"], name="interventions_one_ete_status_per_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()} from {self.from_date:%d %b %Y}"

    @property
    def is_ete(self) -> bool:
        return self.status in ETE_KINDS

    @property
    def is_neet(self) -> bool:
        return self.status == NEET


class InterventionQuerySet(models.QuerySet):
    def addressing(self, harm_types):
        """Interventions addressing any of these harm types (each intervention once)."""
        harms = InterventionHarm.objects.filter(
            intervention=OuterRef("pk"), harm_type__in=list(harm_types)
        )
        return self.filter(Exists(harms))

    def exploitation(self):
        """Interventions addressing child criminal or sexual exploitation."""
        return self.addressing(EXPLOITATION_HARMS)

    def active_between(self, start, end):
        """Under way on any day from `start` to `end`: started by `end`, not ended before
        `start` (no end date is ongoing)."""
        return self.filter(started_on__lte=end).filter(
            Q(ended_on__isnull=True) | Q(ended_on__gte=start)
        )


class Intervention(BaseModel):
    """Work with a young person: direct work, therapy, CAMHS, mentoring, ETE or victim support."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="interventions"
    )
    case = models.ForeignKey(
        "people.Case",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="interventions",
        help_text="The young person's case it belongs to, if any",
    )
    kind = models.CharField(max_length=20, choices=InterventionKind.choices)
    provider = models.ForeignKey(
        "accounts.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The partner agency providing it, if it is one",
    )
    provider_name = models.CharField(
        max_length=200, blank=True, help_text="The provider or service, e.g. a named project"
    )
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(
        max_length=12, choices=InterventionOutcome.choices, default=InterventionOutcome.ONGOING
    )
    outcome_note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = InterventionQuerySet.as_manager()

    class Meta:
        ordering = ["-started_on", "kind"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="interventions_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True, outcome=InterventionOutcome.ONGOING)
                | (Q(ended_on__isnull=False) & ~Q(outcome=InterventionOutcome.ONGOING)),
                name="interventions_ended_has_outcome",
            ),
            models.CheckConstraint(
                condition=Q(provider__isnull=False) | ~Q(provider_name=""),
                name="interventions_has_provider",
            ),
            models.UniqueConstraint(
                fields=["person", "kind", "started_on"],
                name="interventions_one_kind_per_person_per_day",
            ),
        ]
        indexes = [models.Index(fields=["started_on", "ended_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.started_on:%d %b %Y}"

    @property
    def is_ongoing(self) -> bool:
        return self.ended_on is None

    @property
    def provider_label(self) -> str:
        names = [
            n for n in (self.provider.name if self.provider_id else "", self.provider_name) if n
        ]
        return " – ".join(names)

    @property
    def harm_labels(self) -> list[str]:
        return [h.get_harm_type_display() for h in self.harms.all()]


class InterventionHarm(models.Model):
    """A harm an intervention addresses (harm types from `cshub.core.vocab.HarmType`)."""

    intervention = models.ForeignKey(Intervention, on_delete=models.CASCADE, related_name="harms")
    harm_type = models.CharField(max_length=20, choices=HarmType.choices)

    class Meta:
        ordering = ["harm_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["intervention", "harm_type"], name="interventions_harm_once"
            )
        ]

    def __str__(self) -> str:
        return self.get_harm_type_display()
