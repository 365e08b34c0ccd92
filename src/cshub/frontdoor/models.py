"""Contacts received by the Integrated Front Door, the CE screening tool, and triage decisions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from cshub.core.models import BaseModel
from cshub.core.vocab import HarmType, VulnerabilityFactor

from .choices import (
    Answer,
    Basis,
    Channel,
    ConcernLevel,
    Consent,
    ContactState,
    NrmConsideration,
    Outcome,
    SubjectRole,
    Theme,
)


class Contact(BaseModel):
    """A worry about one or more children, as the referrer told it."""

    reference = models.CharField(max_length=12, unique=True)
    state = models.CharField(
        max_length=10, choices=ContactState.choices, default=ContactState.DRAFT
    )
    version = models.PositiveIntegerField(default=1, help_text="Optimistic lock for edits")
    received_at = models.DateTimeField(
        null=True, blank=True, help_text="When the Front Door got it"
    )
    channel = models.CharField(
        max_length=10, choices=Channel.choices, default=Channel.PARTNER_PORTAL
    )
    # The referrer
    referrer_agency = models.ForeignKey(
        "accounts.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    referrer_team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    referrer_name = models.CharField(max_length=200, blank=True)
    referrer_role = models.CharField(max_length=200, blank=True)
    referrer_contact_details = models.CharField(
        max_length=200, blank=True, help_text="Phone or e-mail to reach the referrer"
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="contacts_raised"
    )
    # The concern
    what_happened = models.TextField(blank=True, help_text="In the referrer's words")
    immediate_danger = models.BooleanField(default=False)
    consent = models.CharField(max_length=12, choices=Consent.choices, blank=True)
    consent_reason = models.TextField(blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decision_due_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-immediate_danger", "received_at"]
        indexes = [models.Index(fields=["state", "immediate_danger", "received_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(state=ContactState.DRAFT)
                | Q(
                    received_at__isnull=False,
                    submitted_at__isnull=False,
                    decision_due_at__isnull=False,
                ),
                name="contact_submitted_has_its_times",
            ),
            models.CheckConstraint(
                condition=Q(decision_due_at__isnull=True) | Q(decision_due_at__gt=F("received_at")),
                name="contact_due_after_received",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def children(self):
        return [s.person for s in self.subjects.all() if s.role == SubjectRole.CHILD]


class ContactHarm(models.Model):
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="harms")
    harm_type = models.CharField(max_length=20, choices=HarmType.choices)

    class Meta:
        ordering = ["harm_type"]
        constraints = [
            models.UniqueConstraint(fields=["contact", "harm_type"], name="contact_harm_once")
        ]

    def __str__(self) -> str:
        return self.get_harm_type_display()


class ContactSubject(models.Model):
    """A person the contact is about or names, with their part in it."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="subjects")
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="contact_links"
    )
    role = models.CharField(max_length=20, choices=SubjectRole.choices)
    created_new = models.BooleanField(
        default=False,
        help_text="The person was created from this contact after a search found no match",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["contact", "person"], name="contact_subject_once")
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()})"


class ContactPlace(models.Model):
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="places")
    place = models.ForeignKey("contexts.Place", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["contact", "place"], name="contact_place_once")
        ]

    def __str__(self) -> str:
        return str(self.place)


# --- the CE screening tool ---------------------------------------------------------------------


class ScreeningTool(models.Model):
    """One version of the questionnaire. A version used by any screening is never changed: an
    administrator copies it to a new version instead, so old answers keep their questions."""

    version = models.PositiveIntegerField(unique=True)
    title = models.CharField(max_length=200)
    is_current = models.BooleanField(default=False)
    published_on = models.DateField()

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"],
                condition=Q(is_current=True),
                name="one_current_screening_tool",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"


class ScreeningIndicator(models.Model):
    tool = models.ForeignKey(ScreeningTool, on_delete=models.PROTECT, related_name="indicators")
    theme = models.CharField(max_length=20, choices=Theme.choices)
    code = models.SlugField(max_length=40)
    text = models.CharField(max_length=300)
    weight = models.PositiveSmallIntegerField(
        default=1,
        help_text="1 = a concern, 2 = a strong concern, 3 = a red flag (see docs/screening.md)",
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["tool", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["tool", "code"], name="indicator_code_once_per_tool"),
            models.CheckConstraint(
                condition=Q(weight__gte=1, weight__lte=3), name="indicator_weight_1_to_3"
            ),
        ]

    def __str__(self) -> str:
        return self.text


class Screening(BaseModel):
    """The CE screening of one child in one contact."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="screenings")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="screenings")
    tool = models.ForeignKey(ScreeningTool, on_delete=models.PROTECT, related_name="screenings")
    suggested_level = models.CharField(max_length=10, choices=ConcernLevel.choices)
    final_level = models.CharField(max_length=10, choices=ConcernLevel.choices)
    difference_reason = models.TextField(blank=True)
    child_voice = models.TextField(blank=True)
    child_voice_missing_reason = models.TextField(blank=True)
    parent_view = models.TextField(blank=True)
    parent_view_missing_reason = models.TextField(blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    completed_at = models.DateTimeField()

    class Meta:
        ordering = ["-completed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["contact", "person"], name="one_screening_per_child_per_contact"
            ),
            models.CheckConstraint(
                condition=Q(final_level=F("suggested_level")) | ~Q(difference_reason=""),
                name="screening_difference_explained",
            ),
            models.CheckConstraint(
                condition=~Q(child_voice="") | ~Q(child_voice_missing_reason=""),
                name="screening_has_child_voice_or_reason",
            ),
            models.CheckConstraint(
                condition=~Q(parent_view="") | ~Q(parent_view_missing_reason=""),
                name="screening_has_parent_view_or_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Screening of {self.person} ({self.get_final_level_display()})"


class ScreeningAnswer(models.Model):
    screening = models.ForeignKey(Screening, on_delete=models.CASCADE, related_name="answers")
    indicator = models.ForeignKey(ScreeningIndicator, on_delete=models.PROTECT, related_name="+")
    answer = models.CharField(max_length=10, choices=Answer.choices)
    basis = models.CharField(max_length=15, choices=Basis.choices, blank=True)
    evidence = models.TextField(blank=True)

    class Meta:
        ordering = ["indicator__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["screening", "indicator"], name="one_answer_per_indicator"
            ),
            models.CheckConstraint(
                condition=~Q(answer=Answer.YES) | (~Q(basis="") & ~Q(evidence="")),
                name="yes_answer_has_basis_and_evidence",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.get_answer_display()}"


class ScreeningFactor(models.Model):
    """A vulnerability factor found at screening (offered for the person's record)."""

    screening = models.ForeignKey(Screening, on_delete=models.CASCADE, related_name="factors")
    factor = models.CharField(max_length=30, choices=VulnerabilityFactor.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["screening", "factor"], name="screening_factor_once")
        ]

    def __str__(self) -> str:
        return self.get_factor_display()


# --- triage --------------------------------------------------------------------------------------


class Decision(BaseModel):
    """The Front Door's routing of a contact, with its rationale."""

    contact = models.OneToOneField(Contact, on_delete=models.PROTECT, related_name="decision")
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    rationale = models.TextField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()
    receiving_team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    nrm_consideration = models.CharField(
        max_length=16, choices=NrmConsideration.choices, blank=True
    )
    nrm_note = models.TextField(blank=True)
    immediate_danger_note = models.TextField(
        blank=True, help_text="Why no strategy discussion, when the referrer said immediate danger"
    )
    outcome_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-decided_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(rationale=""), name="decision_has_rationale"),
        ]

    def __str__(self) -> str:
        return f"{self.contact}: {self.get_outcome_display()}"
