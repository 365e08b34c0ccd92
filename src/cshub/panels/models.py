"""Panels and their meetings: MACE, the child exploitation tactical group, the HSB panel and
strategy meetings; referrals to them, agendas about children, adults, places and groups, risk
judgements, reviews, actions and minutes; and the HSB panel's incidents and interventions.

Publishing a meeting's agenda opens a time-limited relationship (see `relationships.py`): its
invitees see the people on the agenda, and only those, from publication until
`CSHUB_PANEL_ACCESS_DAYS` after the meeting.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from cshub.core.models import BaseModel
from cshub.core.vocab import FourP, HarmType

from .choices import (
    ActionStatus,
    Attendance,
    HackettLevel,
    HsbRole,
    InterventionKind,
    JudgementStage,
    PanelKind,
    ReferralSource,
    ReferralStatus,
)


def _one_subject(prefix: str, name: str) -> models.CheckConstraint:
    """Exactly one of <prefix>person / place / group is set."""
    p, pl, g = f"{prefix}person__isnull", f"{prefix}place__isnull", f"{prefix}group__isnull"
    return models.CheckConstraint(
        condition=(
            Q(**{p: False, pl: True, g: True})
            | Q(**{p: True, pl: False, g: True})
            | Q(**{p: True, pl: True, g: False})
        ),
        name=name,
    )


class _Subject(models.Model):
    """What an item or referral is about: a child, an adult of concern, a place or a group."""

    subject_person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject_place = models.ForeignKey(
        "contexts.Place", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject_group = models.ForeignKey(
        "contexts.Group", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        abstract = True

    @property
    def subject(self):
        return self.subject_person or self.subject_place or self.subject_group

    @property
    def subject_kind(self) -> str:
        if self.subject_person_id:
            return "person"
        return "place" if self.subject_place_id else "group"


class Panel(BaseModel):
    kind = models.CharField(max_length=10, choices=PanelKind.choices)
    name = models.CharField(max_length=200, unique=True)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    member_agencies = models.ManyToManyField("accounts.Agency", related_name="panels")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class Meeting(BaseModel):
    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="meetings")
    starts_at = models.DateTimeField()
    location = models.CharField(max_length=200, blank=True)
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(
        null=True, blank=True, help_text="When the agenda went to the invitees; opens their access"
    )
    access_ends_at = models.DateTimeField(
        null=True, blank=True, help_text="When the invitees' access closes (stored at publication)"
    )
    minutes_approved_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, help_text="Optimistic lock for edits")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["published_at", "access_ends_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(published_at__isnull=True, access_ends_at__isnull=True)
                | Q(published_at__isnull=False, access_ends_at__isnull=False),
                name="panels_published_meeting_has_access_end",
            )
        ]

    def __str__(self) -> str:
        return f"{self.panel} {self.starts_at:%d %b %Y}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class Invitee(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitees")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    attendance = models.CharField(
        max_length=10, choices=Attendance.choices, default=Attendance.INVITED
    )

    class Meta:
        ordering = ["agency__name", "user__last_name"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="panels_one_invite_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.agency})"


class Referral(_Subject, BaseModel):
    """A request to take a child, adult, place or group to a panel."""

    panel_kind = models.CharField(max_length=10, choices=PanelKind.choices)
    source = models.CharField(max_length=12, choices=ReferralSource.choices)
    referring_agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="+"
    )
    contact = models.ForeignKey(
        "frontdoor.Contact", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assessment = models.ForeignKey(
        "assessments.Assessment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField()
    referred_on = models.DateField()
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.WAITING
    )
    declined_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["referred_on"]
        constraints = [
            _one_subject("subject_", "panels_referral_one_subject"),
            models.CheckConstraint(
                condition=~Q(source=ReferralSource.FRONT_DOOR) | Q(contact__isnull=False),
                name="panels_front_door_referral_names_contact",
            ),
            models.CheckConstraint(
                condition=~Q(source=ReferralSource.ASSESSMENT) | Q(assessment__isnull=False),
                name="panels_assessment_referral_names_assessment",
            ),
        ]

    def __str__(self) -> str:
        return f"Referral to {self.get_panel_kind_display()} ({self.referred_on:%d %b %Y})"


class AgendaItem(_Subject, BaseModel):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField()
    referral = models.OneToOneField(
        Referral, null=True, blank=True, on_delete=models.PROTECT, related_name="item"
    )
    purpose = models.TextField(help_text="Why it is on the agenda")
    # Structured minutes, one set per item.
    information_shared = models.TextField(blank=True)
    discussion = models.TextField(blank=True)
    decision = models.TextField(blank=True)
    minuted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["meeting", "position"]
        constraints = [
            _one_subject("subject_", "panels_item_one_subject"),
            models.UniqueConstraint(
                fields=["meeting", "position"], name="panels_item_position_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"Item {self.position}"

    @property
    def is_minuted(self) -> bool:
        return bool(self.decision)


class RiskJudgement(models.Model):
    """The panel's judgement of one child's risk of one harm, at an initial panel or a review.
    `rank` is the level's place in `CSHUB_RISK_LEVELS` (0 = lowest) when it was recorded, so
    comparisons (reduced or not) happen in the database."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="judgements")
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="risk_judgements"
    )
    harm_type = models.CharField(max_length=20, choices=HarmType.choices)
    level = models.CharField(max_length=20)
    rank = models.PositiveSmallIntegerField()
    stage = models.CharField(max_length=8, choices=JudgementStage.choices)
    judged_on = models.DateField()
    rationale = models.TextField()
    child_voice = models.TextField("the child's voice")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["harm_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "harm_type"], name="panels_one_judgement_per_harm_per_item"
            ),
            models.CheckConstraint(condition=~Q(rationale=""), name="panels_judgement_rationale"),
        ]
        indexes = [models.Index(fields=["person", "stage", "judged_on"])]

    def __str__(self) -> str:
        return f"{self.get_harm_type_display()}: {self.level}"


class Review(models.Model):
    """A review a child's initial MACE judgements call for (by default at 3 and 6 months)."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    initial_item = models.ForeignKey(
        AgendaItem, on_delete=models.CASCADE, related_name="reviews_scheduled"
    )
    months = models.PositiveSmallIntegerField()
    due_on = models.DateField()
    held_item = models.OneToOneField(
        AgendaItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="review_held"
    )

    class Meta:
        ordering = ["due_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["initial_item", "months"], name="panels_one_review_per_interval"
            )
        ]

    def __str__(self) -> str:
        return f"{self.months}-month review due {self.due_on:%d %b %Y}"


class Action(BaseModel):
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="actions")
    item = models.ForeignKey(
        AgendaItem, null=True, blank=True, on_delete=models.PROTECT, related_name="actions"
    )
    description = models.TextField()
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner_agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    four_p = models.CharField("4 P category", max_length=8, choices=FourP.choices)
    status = models.CharField(
        max_length=10, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    completed_on = models.DateField(null=True, blank=True)
    update = models.TextField(blank=True, help_text="Latest progress, as the owner reported it")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["due_on"]
        indexes = [models.Index(fields=["status", "due_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=ActionStatus.OPEN, completed_on__isnull=True)
                | (~Q(status=ActionStatus.OPEN) & Q(completed_on__isnull=False)),
                name="panels_closed_action_has_date",
            )
        ]

    def __str__(self) -> str:
        return self.description[:60]


class HsbIncident(BaseModel):
    """Harmful sexual behaviour brought to the HSB panel. Each child in it has their own role."""

    referral = models.ForeignKey(
        Referral, null=True, blank=True, on_delete=models.PROTECT, related_name="hsb_incidents"
    )
    occurred_on = models.DateField()
    place = models.ForeignKey(
        "contexts.Place", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    hackett_level = models.CharField(max_length=14, choices=HackettLevel.choices)
    description = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-occurred_on"]

    def __str__(self) -> str:
        return f"HSB incident {self.occurred_on:%d %b %Y} ({self.get_hackett_level_display()})"


class HsbInvolvement(BaseModel):
    incident = models.ForeignKey(HsbIncident, on_delete=models.CASCADE, related_name="children")
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="hsb_involvements"
    )
    role = models.CharField(max_length=8, choices=HsbRole.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "person"], name="panels_one_role_per_child_per_incident"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.get_role_display()}"


class HsbIntervention(models.Model):
    """Work with a child after HSB: direct work, AIM3 assessment, therapy, safety planning."""

    involvement = models.ForeignKey(
        HsbInvolvement, on_delete=models.PROTECT, related_name="interventions"
    )
    kind = models.CharField(max_length=12, choices=InterventionKind.choices)
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="panels_intervention_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.started_on:%d %b %Y}"
