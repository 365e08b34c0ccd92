"""Source systems, the extracts imported from them, and the records those extracts hold.

A `SourceRecord` is one system's view of one person, kept as the system sent it (`raw`) and in a
normalised form that matching compares. It is joined to a `people.Person` by matching (the
`engine` module), never by the import: an imported record starts "unmatched".
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from cshub.core.models import BaseModel
from cshub.core.vocab import IdentifierScheme, Sex

from .choices import (
    CandidateKind,
    CandidateStatus,
    Decision,
    ImportStatus,
    MatchMethod,
    RunStatus,
    SourceKind,
)


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


class LinkageModel(models.Model):
    """A fitted matching model (Splink's JSON), versioned. The newest is the one in use;
    `selectors.model_staleness` says when it should be fitted again."""

    version = models.PositiveIntegerField(unique=True)
    model_json = models.JSONField()
    fingerprint = models.CharField(
        max_length=64, help_text="SHA-256 of the comparisons and blocking rules it was fitted with."
    )
    fitted = models.BooleanField(
        help_text="False: too few records to fit; the engine's prior weights are stored."
    )
    records = models.PositiveIntegerField(help_text="Records (people and source records) used.")
    trained_at = models.DateTimeField()
    trained_by_label = models.CharField(max_length=150)

    class Meta:
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"linkage model v{self.version}"


class MatchRun(BaseModel):
    """One pass of matching: unmatched source records joined to people, new people made, and
    uncertain pairs sent to review."""

    model = models.ForeignKey(
        LinkageModel,
        on_delete=models.PROTECT,
        related_name="runs",
        to_field="version",  # a run names the model by its version, not a database counter
    )
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    run_by_label = models.CharField(max_length=150)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=RunStatus.choices, default=RunStatus.RUNNING)
    upper = models.FloatField(help_text="The upper threshold in force.")
    lower = models.FloatField(help_text="The lower threshold in force.")
    stale_reasons = models.JSONField(default=list, blank=True)
    counts = models.JSONField(
        default=dict,
        blank=True,
        help_text="records, system_id, deterministic, probabilistic, new_people, review, "
        "duplicate_people",
    )

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"match run {self.started_at:%Y-%m-%d %H:%M} ({self.get_status_display()})"


class MatchCandidate(BaseModel):
    """A pair the engine could not decide alone, for a data steward.

    Kind "record": does source record `record` belong to `person`? (The record waits, unmatched.)
    Kind "people": are `person` and `other_person` one person? (Linking merges them.)
    `compared_record` is the record of `person` the engine compared with (None: the person's own
    details). `fields` holds each field's level and match weight, for the steward to see why.
    """

    kind = models.CharField(max_length=10, choices=CandidateKind.choices)
    run = models.ForeignKey(MatchRun, on_delete=models.PROTECT, related_name="candidates")
    record = models.ForeignKey(
        SourceRecord, on_delete=models.PROTECT, null=True, blank=True, related_name="candidates"
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="match_candidates"
    )
    other_person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="match_candidates_other",
    )
    compared_record = models.ForeignKey(
        SourceRecord, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    other_compared_record = models.ForeignKey(
        SourceRecord, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    match_probability = models.FloatField()
    match_weight = models.FloatField(help_text="log2 of the odds: the sum of the field weights.")
    method = models.CharField(max_length=30, help_text="probabilistic, contradicted_identifier")
    likely_twins = models.BooleanField(default=False)
    reason = models.CharField(max_length=200, help_text="Why the engine did not decide alone.")
    fields = models.JSONField(
        default=list, help_text='[{"field", "level", "weight"}] and the prior as "prior".'
    )
    status = models.CharField(
        max_length=20, choices=CandidateStatus.choices, default=CandidateStatus.PENDING
    )

    class Meta:
        ordering = ["status", "-match_probability"]
        indexes = [models.Index(fields=["status", "-match_probability"])]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind=CandidateKind.RECORD) & Q(record__isnull=False))
                | (
                    Q(kind=CandidateKind.PEOPLE)
                    & Q(record__isnull=True)
                    & Q(other_person__isnull=False)
                ),
                name="match_candidate_kind_fields",
            ),
            models.CheckConstraint(
                condition=Q(match_probability__gte=0) & Q(match_probability__lte=1),
                name="match_candidate_probability",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.match_probability:.3f})"

    @property
    def is_open(self) -> bool:
        return self.status in (CandidateStatus.PENDING, CandidateStatus.DEFERRED)


class MatchDecision(BaseModel):
    """A steward's decision on a candidate: kept, never edited, so decisions are labels for
    evaluating and tuning the engine. Undoing one stamps it and restores what it changed."""

    candidate = models.ForeignKey(
        MatchCandidate, on_delete=models.PROTECT, related_name="decisions"
    )
    decision = models.CharField(max_length=20, choices=Decision.choices)
    note = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()
    previous_status = models.CharField(max_length=20, choices=CandidateStatus.choices)
    created_person = models.ForeignKey(
        "people.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Keeping a record apart from every candidate made it a new person.",
    )
    merge = models.ForeignKey(
        "people.PersonMerge", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    # History, not a fact about the person: a merge leaves it pointing where it was.
    PERSON_MERGE_KEEPS = ("created_person",)

    class Meta:
        ordering = ["-decided_at"]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} by {self.decided_by}"
