"""Agencies, their teams, users and what role each user holds in which team."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q

from cshub.core.vocab import AgencyKind, Role, TeamFunction


class Agency(models.Model):
    code = models.SlugField(max_length=20, unique=True, help_text="Short unique code, e.g. csc")
    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=AgencyKind.choices)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="teams")
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    function = models.CharField(max_length=30, choices=TeamFunction.choices)
    email = models.EmailField(blank=True, help_text="Shared inbox: who to contact about a record")
    phone = models.CharField(max_length=30, blank=True)

    class Meta:
        ordering = ["agency__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "name"], name="team_unique_name_in_agency")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency.code})"


class User(AbstractUser):
    """A person who signs in. Who they can see follows from their memberships (issue 3)."""

    job_title = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    sessions_revoked_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="Sessions that began before this time are ended ('sign out everywhere').",
    )

    class Meta:
        ordering = ["last_name", "first_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def current_memberships(self):
        return self.memberships.filter(ended_on__isnull=True).select_related("team__agency")

    def has_role(self, role: str) -> bool:
        return self.current_memberships().filter(role=role).exists()


class Membership(models.Model):
    """A user's place in a team, with the role they hold there. Ending it keeps the history."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=30, choices=Role.choices)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["team__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "team", "role"],
                condition=Q(ended_on__isnull=True),
                name="membership_one_current_per_user_team_role",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="membership_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}, {self.team}"


class ApiToken(models.Model):
    """A partner system's key to the API, scoped to one agency (e.g. the police's missing-persons
    system). Only a SHA-256 digest of the key is stored; the key itself is shown once, when made.
    Revoking keeps the row, so the audit trail can still name the system."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="The calling system, e.g. 'Niche RMS'")
    prefix = models.CharField(max_length=8, help_text="First characters, to tell keys apart")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.CharField(max_length=150, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["agency__code", "name", "created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency.code}, {self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
