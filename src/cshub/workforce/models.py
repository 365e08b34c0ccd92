"""The partnership's workforce: staff training (e.g. to deliver HSB direct interventions and
AIM3 assessments) and the consultations on harmful sexual behaviour (HSB) the HSB service offers
to practitioners in other teams and agencies."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from cshub.core.models import BaseModel

from .choices import ConsultationStatus, Course


class TrainingRecordQuerySet(models.QuerySet):
    def current_on(self, day):
        """Completed on or before `day` and not expired by then (no expiry date never expires)."""
        return self.filter(completed_on__lte=day).filter(
            Q(expires_on__isnull=True) | Q(expires_on__gte=day)
        )

    def expired_on(self, day):
        return self.filter(expires_on__lt=day)


class TrainingRecord(BaseModel):
    """A member of staff completed a course; it holds until it expires (if it does)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="training_records"
    )
    course = models.CharField(max_length=30, choices=Course.choices)
    completed_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True, help_text="Empty: does not expire")
    provider = models.CharField(max_length=200, blank=True, help_text="Who delivered the course")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = TrainingRecordQuerySet.as_manager()

    class Meta:
        ordering = ["user__last_name", "user__first_name", "course", "-completed_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gt=F("completed_on")),
                name="workforce_training_expires_after_completion",
            ),
            models.UniqueConstraint(
                fields=["user", "course", "completed_on"], name="workforce_training_once_per_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_course_display()} completed {self.completed_on:%d %b %Y}"

    def is_current_on(self, day) -> bool:
        return self.completed_on <= day and (self.expires_on is None or self.expires_on >= day)


class HsbConsultation(BaseModel):
    """A consultation on harmful sexual behaviour offered by the HSB service to a practitioner in
    another team or agency, about a child (optional) or in general."""

    offered_on = models.DateField()
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="hsb_consultations_offered"
    )
    offered_to_agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="hsb_consultations"
    )
    offered_to_name = models.CharField(
        max_length=200, help_text="The practitioner offered it: name or role"
    )
    person = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hsb_consultations",
        help_text="The child it is about, if any",
    )
    status = models.CharField(
        max_length=10, choices=ConsultationStatus.choices, default=ConsultationStatus.OFFERED
    )
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-offered_on", "-recorded_at"]
        verbose_name = "HSB consultation"
        indexes = [models.Index(fields=["offered_on"])]

    def __str__(self) -> str:
        return f"HSB consultation offered {self.offered_on:%d %b %Y}"
