"""Source systems, the extracts imported from them, and the records those extracts hold.

A `SourceRecord` is one system's view of one person, kept as the system sent it (`raw`) and in a
normalised form that matching compares. It is joined to a `people.Person` by matching (the
`engine` module), never by the import: an imported record starts "unmatched".
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from cshub.core.models import BaseModel
from cshub.core.vocab import IdentifierScheme, Sex

from .choices import ImportStatus, MatchMethod, SourceKind


class SourceSystem(models.Model):
    """A partner system that sends extracts (Mosaic, Synergy, ...). Configured as data (admin)."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=20, choices=SourceKind.choices)
    identifier_scheme = models.CharField(
        max_length=20,
        choices=IdentifierScheme.choices,
        blank=True,
        help_text="The scheme of the system's own record ids (blank: ids of no known scheme).",
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"


class ImportRun(BaseModel):
    """One attempt to load one file from one system; a refused file leaves only this row."""

    system = models.ForeignKey(SourceSystem, on_delete=models.PROTECT, related_name="imports")
    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64, db_index=True)
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="linkage_imports",
    )
    run_by_label = models.CharField(
        max_length=150, help_text='The user\'s name, or "command:<name>" for a command.'
    )
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=ImportStatus.choices, default=ImportStatus.RUNNING
    )
    rows = models.PositiveIntegerField(default=0, help_text="Data rows in the file.")
    rows_done = models.PositiveIntegerField(default=0, help_text="Rows checked so far.")
    created = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    problems = models.JSONField(
        default=list,
        blank=True,
        help_text='Why a file was refused: [{"row": 3, "column": "sex", "message": "..."}], '
        "the first PROBLEMS_KEPT of error_count.",
    )

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["system", "-started_at"])]

    def __str__(self) -> str:
        return f"{self.system.code}: {self.file_name} ({self.get_status_display()})"

    @property
    def percent_done(self) -> int:
        return int(100 * self.rows_done / self.rows) if self.rows else 0


class SourceRecord(BaseModel):
    """One system's record of one person, as last imported."""

    system = models.ForeignKey(SourceSystem, on_delete=models.PROTECT, related_name="records")
    record_id = models.CharField(max_length=64, help_text="The system's own id for the record.")
    raw = models.JSONField(help_text="The row as the file gave it (cells trimmed).")
    given_name = models.CharField(max_length=100, blank=True)
    middle_names = models.CharField(max_length=200, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    aliases = models.JSONField(default=list, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.NOT_KNOWN)
    address = models.CharField(max_length=300, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    school = models.CharField(max_length=200, blank=True)
    nhs_number = models.CharField(max_length=10, blank=True, db_index=True)
    upn = models.CharField(max_length=13, blank=True, db_index=True)
    other_identifiers = models.JSONField(
        default=dict, blank=True, help_text='{scheme: value}, e.g. {"mosaic": "MOS123"}.'
    )
    flags = models.JSONField(
        default=dict, blank=True, help_text='The system\'s flags, e.g. {"ce_flag": true}.'
    )
    row_hash = models.CharField(max_length=64)
    first_seen_run = models.ForeignKey(
        ImportRun, on_delete=models.PROTECT, related_name="records_first_seen"
    )
    last_seen_run = models.ForeignKey(
        ImportRun, on_delete=models.PROTECT, related_name="records_last_seen"
    )
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="source_records",
    )
    match_method = models.CharField(
        max_length=20, choices=MatchMethod.choices, default=MatchMethod.UNMATCHED
    )
    match_probability = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["system", "record_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["system", "record_id"], name="source_record_unique_per_system"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.system.code}:{self.record_id}"
