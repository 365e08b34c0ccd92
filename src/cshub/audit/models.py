"""The audit trail: one append-only row per view, search, export, change, refusal and sign-in.

Append-only is enforced by the database (triggers refuse UPDATE, DELETE and TRUNCATE; see the
migration), not only by this code. Each row carries the hash of the row before it, so
`cshub audit verify` can name the first row altered or missing behind the application's back.
"""

from __future__ import annotations

from django.db import models


class Outcome(models.TextChoices):
    ALLOWED = "allowed", "Allowed"
    DENIED = "denied", "Denied"
    FAILED = "failed", "Failed"


class AuditEvent(models.Model):
    seq = models.BigIntegerField(unique=True, help_text="Gap-free position in the hash chain")
    at = models.DateTimeField(db_index=True, help_text="UTC")
    # Who: the id and a snapshot, so the row still reads true if the user later changes.
    actor_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor_username = models.CharField(max_length=150, blank=True)
    actor_roles = models.CharField(max_length=500, blank=True)
    actor_agencies = models.CharField(max_length=200, blank=True)
    # What
    action = models.CharField(max_length=100, db_index=True, help_text="e.g. people.person.viewed")
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.ALLOWED)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    # No foreign key: the log must outlive, and never constrain, the records it describes.
    person_id = models.UUIDField(null=True, blank=True, db_index=True)
    relationship = models.CharField(max_length=100, blank=True, help_text="What granted access")
    reason = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)
    # Where from
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    # The chain
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["-seq"]
        indexes = [
            models.Index(fields=["person_id", "at"]),
            models.Index(fields=["actor_id", "at"]),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.at:%Y-%m-%d %H:%M} {self.actor_username or '-'} {self.action}"
