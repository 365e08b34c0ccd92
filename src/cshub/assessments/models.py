"""Exploitation risk assessments (the partnership's BACE) and the outcomes of harmful sexual
behaviour assessments (AIM3), with a risk level per harm type.

Workflow: draft -> submitted -> (returned with a manager's reason -> submitted ->)* approved by a
manager of the completing team, who is never the author. Who completed it (the team) is recorded
when it is started: the strategy counts BACE assessments by completing team.

AIM3 is a licensed instrument: cshub records its outcome level, who completed it and when, never
the instrument itself.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from cshub.core.models import BaseModel
from cshub.core.vocab import HarmType, RiskLevel, Role, TeamFunction
from cshub.people.models import YOUNG_ADULT_AGE_LIMIT, age_on


class AssessmentKind(models.TextChoices):
    BACE = "bace", "Exploitation risk assessment (BACE)"
    AIM3 = "aim3", "Harmful sexual behaviour assessment (AIM3) outcome"


class AssessmentState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted for approval"
    RETURNED = "returned", "Returned for changes"
    APPROVED = "approved", "Approved"


EDITABLE_STATES = (AssessmentState.DRAFT, AssessmentState.RETURNED)


class Aim3Outcome(models.TextChoices):
    """The AIM3 outcome level, as the completed AIM3 assessment states it."""

    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class BaceTeamGroup(models.TextChoices):
    """How the strategy's KPIs (section 14) count completed BACE assessments, by completing team."""

    FRONT_DOOR_ASSESSMENT = "front_door_assessment", "Integrated Front Door and Assessment team"
    CYPF = "cypf", "CYPF team"
    SPECIALIST = "specialist", "Specialist exploitation team (B-SAFE)"


BACE_TEAM_GROUP_FUNCTIONS: dict[str, tuple[str, ...]] = {
    BaceTeamGroup.FRONT_DOOR_ASSESSMENT: (TeamFunction.FRONT_DOOR, TeamFunction.ASSESSMENT),
    BaceTeamGroup.CYPF: (TeamFunction.CYPF,),
    BaceTeamGroup.SPECIALIST: (TeamFunction.SPECIALIST,),
}

# Which teams complete which kind of assessment, by team function. BACE: the three groups the
# strategy counts. AIM3: children's services teams with AIM3-trained staff, and the HSB service.
COMPLETING_FUNCTIONS: dict[str, tuple[str, ...]] = {
    AssessmentKind.BACE: (
        TeamFunction.FRONT_DOOR,
        TeamFunction.ASSESSMENT,
        TeamFunction.CYPF,
        TeamFunction.SPECIALIST,
    ),
    AssessmentKind.AIM3: (
        TeamFunction.ASSESSMENT,
        TeamFunction.CYPF,
        TeamFunction.SPECIALIST,
        TeamFunction.HSB_SERVICE,
        TeamFunction.YOUTH_JUSTICE,
    ),
}
# The roles in a completing team that write assessments (a manager may write one; another
# manager of the team approves it).
AUTHOR_ROLES = (Role.PRACTITIONER, Role.MANAGER)

# (field, label) of the BACE narrative sections that must be completed before submission.
BACE_SECTIONS = (
    ("vulnerabilities", "Vulnerabilities"),
    ("strengths", "Strengths and protective factors"),
    ("context_peers", "Context: peers"),
    ("context_places", "Context: places"),
    ("context_online", "Context: online"),
    ("context_school", "Context: school or education"),
    ("analysis", "Analysis"),
    ("recommended_actions", "Recommended actions"),
)
AIM3_FIELDS = ("aim3_outcome", "aim3_completed_by", "aim3_completed_on")

_CHILD_VOICE_GIVEN = ~Q(child_voice="") | ~Q(child_voice_not_obtained="")
_PARENT_VIEW_GIVEN = ~Q(parent_view="") | ~Q(parent_view_not_obtained="")
_AIM3_COMPLETE = (
    ~Q(aim3_outcome="") & Q(aim3_completed_by__isnull=False) & Q(aim3_completed_on__isnull=False)
)


class Assessment(BaseModel):
    kind = models.CharField(max_length=10, choices=AssessmentKind.choices)
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="assessments"
    )
    case = models.ForeignKey(
        "people.Case",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    team = models.ForeignKey(
        "accounts.Team",
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name="completing team",
        help_text="Recorded when the assessment is started; the strategy counts by it",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assessments_written"
    )
    state = models.CharField(
        max_length=10, choices=AssessmentState.choices, default=AssessmentState.DRAFT
    )
    version = models.PositiveIntegerField(
        default=1, help_text="Goes up with every saved change; a save from an older one is refused"
    )
    started_on = models.DateField(default=timezone.localdate)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    # BACE sections
    child_voice = models.TextField("the child's voice", blank=True)
    child_voice_not_obtained = models.TextField(
        "why the child's voice could not be gathered", blank=True
    )
    parent_view = models.TextField("parent's or carer's view", blank=True)
    parent_view_not_obtained = models.TextField(
        "why the parent's or carer's view could not be gathered", blank=True
    )
    vulnerabilities = models.TextField(blank=True)
    strengths = models.TextField("strengths and protective factors", blank=True)
    context_peers = models.TextField("peers", blank=True)
    context_places = models.TextField("places", blank=True)
    context_online = models.TextField("online", blank=True)
    context_school = models.TextField("school or education", blank=True)
    analysis = models.TextField(blank=True)
    recommended_actions = models.TextField(blank=True)

    # AIM3: the outcome only
    aim3_outcome = models.CharField(
        "AIM3 outcome level", max_length=10, choices=Aim3Outcome.choices, blank=True
    )
    aim3_completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="aim3_assessments_completed",
        verbose_name="AIM3 completed by",
    )
    aim3_completed_on = models.DateField("AIM3 completed on", null=True, blank=True)

    # Workflow: the latest time each transition happened, and who made it
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    returned_at = models.DateTimeField(null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    return_reason = models.TextField(blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    review_on = models.DateField("review date", null=True, blank=True)

    class Meta:
        ordering = ["-started_on", "-created_at"]
        indexes = [
            models.Index(fields=["state", "team"]),
            models.Index(fields=["person", "kind", "state"]),
            models.Index(fields=["kind", "state", "approved_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=AssessmentKind.values), name="assessment_kind_known"
            ),
            models.CheckConstraint(
                condition=Q(state__in=AssessmentState.values), name="assessment_state_known"
            ),
            models.CheckConstraint(
                condition=Q(aim3_outcome="") | Q(aim3_outcome__in=Aim3Outcome.values),
                name="assessment_aim3_outcome_known",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="assessment_version_positive"),
            # Each state carries exactly the timestamps of the transitions that led to it.
            models.CheckConstraint(
                condition=~Q(state=AssessmentState.DRAFT)
                | Q(submitted_at__isnull=True, returned_at__isnull=True, approved_at__isnull=True),
                name="assessment_draft_never_submitted",
            ),
            models.CheckConstraint(
                condition=~Q(state=AssessmentState.SUBMITTED)
                | (
                    Q(submitted_at__isnull=False, submitted_by__isnull=False)
                    & Q(approved_at__isnull=True, approved_by__isnull=True)
                    & (Q(returned_at__isnull=True) | Q(submitted_at__gte=F("returned_at")))
                ),
                name="assessment_submitted_has_submission",
            ),
            models.CheckConstraint(
                condition=~Q(state=AssessmentState.RETURNED)
                | (
                    Q(returned_at__isnull=False, returned_by__isnull=False)
                    & ~Q(return_reason="")
                    & Q(submitted_at__isnull=False, returned_at__gte=F("submitted_at"))
                    & Q(approved_at__isnull=True, approved_by__isnull=True)
                ),
                name="assessment_returned_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(state=AssessmentState.APPROVED)
                | (
                    Q(approved_at__isnull=False, approved_by__isnull=False)
                    & Q(review_on__isnull=False)
                    & Q(submitted_at__isnull=False, approved_at__gte=F("submitted_at"))
                ),
                name="assessment_approved_has_approval",
            ),
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=F("author")),
                name="assessment_not_approved_by_author",
            ),
            models.CheckConstraint(
                condition=Q(returned_by__isnull=True) | ~Q(returned_by=F("author")),
                name="assessment_not_returned_by_author",
            ),
            # What a submitted assessment must hold, whoever wrote the row.
            models.CheckConstraint(
                condition=~Q(kind=AssessmentKind.BACE)
                | Q(state__in=EDITABLE_STATES)
                | (_CHILD_VOICE_GIVEN & _PARENT_VIEW_GIVEN),
                name="assessment_bace_submitted_has_voices",
            ),
            models.CheckConstraint(
                condition=~Q(kind=AssessmentKind.AIM3)
                | Q(state__in=EDITABLE_STATES)
                | _AIM3_COMPLETE,
                name="assessment_aim3_submitted_has_outcome",
            ),
            models.CheckConstraint(
                condition=~Q(kind=AssessmentKind.BACE)
                | Q(
                    aim3_outcome="", aim3_completed_by__isnull=True, aim3_completed_on__isnull=True
                ),
                name="assessment_bace_has_no_aim3_outcome",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}, {self.get_state_display().lower()}"

    @property
    def short_kind(self) -> str:
        return "BACE" if self.kind == AssessmentKind.BACE else "AIM3"

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE_STATES

    @property
    def is_bace(self) -> bool:
        return self.kind == AssessmentKind.BACE

    def clean(self) -> None:
        errors: dict[str, str] = {}
        today = timezone.localdate()
        if self.case_id and self.person_id and self.case.person_id != self.person_id:
            errors["case"] = "Choose one of this person's cases."
        person = self.person if self.person_id else None
        if person and person.date_of_birth and self.started_on:
            age = age_on(person.date_of_birth, self.started_on)
            if age > YOUNG_ADULT_AGE_LIMIT:
                errors["person"] = (
                    f"{person.full_name} is {age}: these assessments are for children and "
                    f"young adults up to {YOUNG_ADULT_AGE_LIMIT}."
                )
        if self.started_on and self.started_on > today:
            errors["started_on"] = "The start date cannot be in the future."
        if self.aim3_completed_on:
            if self.aim3_completed_on > today:
                errors["aim3_completed_on"] = (
                    "The date the AIM3 assessment was completed cannot be in the future."
                )
            elif person and person.date_of_birth and self.aim3_completed_on < person.date_of_birth:
                errors["aim3_completed_on"] = (
                    "The AIM3 assessment cannot have been completed before the child was born."
                )
        if self.kind == AssessmentKind.BACE and (
            self.aim3_outcome or self.aim3_completed_by_id or self.aim3_completed_on
        ):
            errors["aim3_outcome"] = "An AIM3 outcome belongs on an AIM3 record, not a BACE."
        if errors:
            raise ValidationError(errors)

    def missing_for_submission(self, risks: list[HarmRisk] | None = None) -> list[str]:
        """Every reason this assessment cannot be submitted yet, in the order of the form."""
        missing: list[str] = []
        if self.kind == AssessmentKind.AIM3:
            if not self.aim3_outcome:
                missing.append("Choose the AIM3 outcome level.")
            if not self.aim3_completed_by_id:
                missing.append("Say who completed the AIM3 assessment.")
            if not self.aim3_completed_on:
                missing.append("Give the date the AIM3 assessment was completed.")
            return missing
        if not (self.child_voice.strip() or self.child_voice_not_obtained.strip()):
            missing.append("Record the child's voice, or why it could not be gathered.")
        if not (self.parent_view.strip() or self.parent_view_not_obtained.strip()):
            missing.append("Record the parent's or carer's view, or why it could not be gathered.")
        for field, label in BACE_SECTIONS:
            if not getattr(self, field).strip():
                missing.append(f"Complete the section ‘{label}’.")
        risks = list(self.risks.all()) if risks is None else risks
        if not risks:
            missing.append("Give a risk level for at least one harm type.")
        for risk in risks:
            if risk.risk_level != RiskLevel.NO and not risk.indicators.strip():
                missing.append(
                    f"Describe the indicators for {risk.get_harm_type_display().lower()} "
                    f"(you judged the risk {risk.get_risk_level_display().lower()})."
                )
        return missing


class HarmRisk(models.Model):
    """One harm type's indicators and risk level in a BACE assessment."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="risks")
    harm_type = models.CharField(max_length=20, choices=HarmType.choices)
    indicators = models.TextField(blank=True)
    risk_level = models.CharField(max_length=10, choices=RiskLevel.choices)

    class Meta:
        ordering = ["harm_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "harm_type"], name="harm_risk_once_per_assessment"
            ),
            models.CheckConstraint(
                condition=Q(harm_type__in=HarmType.values), name="harm_risk_harm_type_known"
            ),
            models.CheckConstraint(
                condition=Q(risk_level__in=RiskLevel.values), name="harm_risk_level_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_harm_type_display()}: {self.get_risk_level_display().lower()}"
