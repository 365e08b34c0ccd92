"""National Referral Mechanism (NRM) referrals of children, and the Home Office's decisions.

The reasonable grounds deadline is computed by `cshub.core.clocks` when the referral is recorded
and stored with it, like every statutory clock.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from cshub.core.models import BaseModel

from .choices import (
    ConclusiveGrounds,
    DecisionMaker,
    ExploitationType,
    Location,
    ReasonableGrounds,
)


class Referral(BaseModel):
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="nrm_referrals"
    )
    case = models.ForeignKey(
        "people.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField()
    first_responder = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The first responder organisation that submitted it",
    )
    exploitation_types = models.JSONField(default=list)
    location = models.CharField(max_length=10, choices=Location.choices)
    summary = models.TextField(help_text="Why the child is believed to be a victim")
    reasonable_grounds = models.CharField(
        max_length=10, choices=ReasonableGrounds.choices, default=ReasonableGrounds.PENDING
    )
    reasonable_grounds_on = models.DateField(null=True, blank=True)
    reasonable_grounds_due_at = models.DateTimeField(editable=False)
    conclusive_grounds = models.CharField(
        max_length=10, choices=ConclusiveGrounds.choices, blank=True
    )
    conclusive_grounds_on = models.DateField(null=True, blank=True)
    decided_by = models.CharField(max_length=10, choices=DecisionMaker.choices, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-submitted_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reasonable_grounds=ReasonableGrounds.PENDING)
                | Q(reasonable_grounds_on__isnull=False),
                name="nrm_rg_decision_has_date",
            ),
            models.CheckConstraint(
                condition=Q(conclusive_grounds="")
                | Q(
                    reasonable_grounds=ReasonableGrounds.POSITIVE,
                    conclusive_grounds_on__isnull=False,
                ),
                name="nrm_cg_after_positive_rg_with_date",
            ),
            models.CheckConstraint(
                condition=Q(conclusive_grounds_on__isnull=True)
                | Q(conclusive_grounds_on__gte=F("reasonable_grounds_on")),
                name="nrm_cg_after_rg",
            ),
            models.CheckConstraint(
                condition=Q(reasonable_grounds_due_at__gt=F("submitted_at")),
                name="nrm_rg_due_after_submission",
            ),
        ]
        indexes = [models.Index(fields=["submitted_at"])]  # the KPI's period (insights)

    def __str__(self) -> str:
        return f"NRM referral of {self.person} ({self.submitted_at:%d %b %Y})"

    @property
    def type_labels(self) -> list[str]:

        return [
            ExploitationType(v).label
            for v in self.exploitation_types
            if v in ExploitationType.values
        ]

    @property
    def rg_in_time(self) -> bool | None:
        """Was the reasonable grounds decision made by its due day? None while pending."""
        if self.reasonable_grounds_on is None:
            return None
        return self.reasonable_grounds_on <= timezone.localdate(self.reasonable_grounds_due_at)
