"""Break-glass grants and the named users of sealed (restricted) records."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from cshub.core.models import BaseModel


class BreakGlass(BaseModel):
    """Emergency, time-limited access to one person's record, given a written reason.

    Every grant lands in a review queue; a manager or the data protection officer signs it off.
    """

    class Review(models.TextChoices):
        JUSTIFIED = "justified", "Justified"
        NOT_JUSTIFIED = "not_justified", "Not justified: referred to information governance"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="break_glass"
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="break_glass"
    )
    reason = models.TextField()
    granted_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review = models.CharField(max_length=20, choices=Review.choices, blank=True)
    review_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-granted_at"]
        verbose_name = "break-glass access"
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("granted_at")), name="breakglass_expires_after_granted"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="breakglass_has_a_reason"),
            models.CheckConstraint(
                condition=Q(reviewed_at__isnull=True) | ~Q(reviewed_by=F("user")),
                name="breakglass_not_self_reviewed",
            ),
        ]

    def __str__(self) -> str:
        return f"Break-glass by {self.user} ({self.granted_at:%Y-%m-%d %H:%M})"


class RestrictedAccess(models.Model):
    """A named user allowed to see a sealed person. Nobody else sees it, or that it exists."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="restricted_access"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.TextField()
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "user"], name="restricted_access_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} may see sealed record {self.person_id}"
