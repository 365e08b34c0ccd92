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
