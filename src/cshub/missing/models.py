"""Missing episodes (one per police report), the Return Home Interview of each, and the
strategy-meeting prompts that repeat missing raises.

The statutory clocks' deadlines are computed by `cshub.core.clocks` when a report or a return is
recorded and stored beside the times they run from, so lists, breaches and KPIs compare stored
columns in the database and never re-derive the rule.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from cshub.core.models import BaseModel
from cshub.core.vocab import HarmType

from .choices import (
    POLICE_RISK_SCHEME,
    EpisodeType,
    MissingFrom,
    NotOfferedReason,
    PlacementType,
    PoliceRisk,
    PullFactor,
    PushFactor,
    ReturnMethod,
    RhiResponse,
    Source,
    Substance,
)


class Episode(BaseModel):
    """A child reported missing (or away from placement) to the police, until found."""

    person = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="missing_episodes",
        help_text="Empty until the reported child is matched to a person",
    )
    reporting_agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="missing_episodes"
    )
    police_reference = models.CharField(max_length=40)
    source = models.CharField(max_length=10, choices=Source.choices)
    episode_type = models.CharField(
        max_length=1, choices=EpisodeType.choices, default=EpisodeType.MISSING
    )
    # The child as the police described them (kept whatever the match, for the record).
    reported_given_name = models.CharField(max_length=100)
    reported_family_name = models.CharField(max_length=100)
    reported_date_of_birth = models.DateField(null=True, blank=True)
    reported_police_nominal_id = models.CharField(max_length=30, blank=True)
    reported_nhs_number = models.CharField(max_length=10, blank=True)
    # Clock 1: police told -> council told.
    reported_at = models.DateTimeField(help_text="When the police were told")
    notified_at = models.DateTimeField(help_text="When the council received the notification")
    notification_due_at = models.DateTimeField(editable=False)
    missing_from = models.CharField(max_length=20, choices=MissingFrom.choices)
    placement_type = models.CharField(
        max_length=20, choices=PlacementType.choices, blank=True, help_text="Care placements only"
    )
    police_risk = models.CharField(max_length=20, choices=PoliceRisk.choices)
    police_risk_scheme = models.CharField(max_length=100, default=POLICE_RISK_SCHEME)
    last_seen_at = models.DateTimeField(null=True, blank=True)
    last_seen_where = models.CharField(max_length=200, blank=True)
    last_seen_place = models.ForeignKey(
        "contexts.Place", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    last_seen_with = models.CharField(max_length=200, blank=True)
    # Clock 2: return -> RHI offered. Open until returned_at is set.
    returned_at = models.DateTimeField(null=True, blank=True)
    rhi_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    found_where = models.CharField(max_length=200, blank=True)
    found_place = models.ForeignKey(
        "contexts.Place", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    return_method = models.CharField(max_length=20, choices=ReturnMethod.choices, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    matched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    match_basis = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-reported_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["reporting_agency", "police_reference"],
                name="missing_one_episode_per_police_reference",
            ),
            models.CheckConstraint(
                condition=Q(returned_at__isnull=True) | Q(returned_at__gte=F("reported_at")),
                name="missing_return_after_report",
            ),
            models.CheckConstraint(
                condition=Q(notified_at__gte=F("reported_at")),
                name="missing_notified_after_report",
            ),
            models.CheckConstraint(
                condition=Q(returned_at__isnull=True) | Q(rhi_due_at__isnull=False),
                name="missing_returned_has_rhi_clock",
            ),
        ]
        indexes = [
            models.Index(fields=["person", "reported_at"]),
            models.Index(fields=["reported_at"]),  # the 24-hour KPI's period (insights)
            models.Index(fields=["returned_at"]),
        ]

    def __str__(self) -> str:
        return f"Missing episode {self.police_reference}"

    @property
    def is_open(self) -> bool:
        return self.returned_at is None

    @property
    def reported_name(self) -> str:
        return f"{self.reported_given_name} {self.reported_family_name}".strip()


class EpisodePerson(models.Model):
    """Somebody named on an episode: who the child was last seen or found with."""

    class Role(models.TextChoices):
        LAST_SEEN_WITH = "last_seen_with", "Last seen with"
        FOUND_WITH = "found_with", "Found with"

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="people_named")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["episode", "person", "role"], name="missing_person_named_once_per_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.person}"


class ReturnInterview(BaseModel):
    """The Return Home Interview (RHI) of one episode: the offer, the answer, the conversation,
    and when its outcome went to the police. A decision not to offer is recorded here too."""

    episode = models.OneToOneField(Episode, on_delete=models.PROTECT, related_name="rhi")
    # Offer (or the decision not to offer).
    offered_at = models.DateTimeField(null=True, blank=True)
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    not_offered_reason = models.CharField(
        max_length=20, choices=NotOfferedReason.choices, blank=True
    )
    not_offered_detail = models.TextField(blank=True)
    response = models.CharField(max_length=10, choices=RhiResponse.choices, blank=True)
    declined_reason = models.TextField(blank=True)
    # The interview.
    held_at = models.DateTimeField(null=True, blank=True)
    held_where = models.CharField(max_length=200, blank=True)
    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    interviewer_independent = models.BooleanField(
        null=True, blank=True, help_text="Not the child's own social worker or carer"
    )
    where_went = models.TextField(blank=True)
    went_with = models.TextField(blank=True)
    push_factors = models.JSONField(default=list, blank=True)
    pull_factors = models.JSONField(default=list, blank=True)
    harm_disclosed = models.TextField(blank=True)
    harm_not_told_to_police = models.BooleanField(default=False)
    substances = models.JSONField(default=list, blank=True)
    health_needs = models.TextField(blank=True)
    child_views = models.TextField(blank=True)
    actions = models.TextField(blank=True, help_text="Actions and referrals")
    # Sharing the outcome.
    shared_with_police_at = models.DateTimeField(null=True, blank=True)
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(offered_at__isnull=True) | Q(not_offered_reason=""),
                name="rhi_offered_or_not_not_both",
            ),
            models.CheckConstraint(
                condition=Q(response="") | Q(offered_at__isnull=False),
                name="rhi_response_needs_offer",
            ),
            models.CheckConstraint(
                condition=Q(held_at__isnull=True) | Q(response=RhiResponse.ACCEPTED),
                name="rhi_held_only_if_accepted",
            ),
            models.CheckConstraint(
                condition=Q(shared_with_police_at__isnull=True)
                | Q(offered_at__isnull=False)
                | ~Q(not_offered_reason=""),
                name="rhi_shared_after_offer_or_decision",
            ),
        ]
        indexes = [
            models.Index(fields=["shared_with_police_at"]),
            models.Index(fields=["offered_at"]),  # the acceptance KPI's period (insights)
        ]

    def __str__(self) -> str:
        return f"Return Home Interview for {self.episode.police_reference}"

    @property
    def push_labels(self) -> list[str]:
        return [PushFactor(v).label for v in self.push_factors if v in PushFactor.values]

    @property
    def pull_labels(self) -> list[str]:
        return [PullFactor(v).label for v in self.pull_factors if v in PullFactor.values]

    @property
    def substance_labels(self) -> list[str]:
        return [Substance(v).label for v in self.substances if v in Substance.values]

    def clean(self):
        super().clean()
        from django.core.exceptions import ValidationError

        for name, choices in (
            ("push_factors", PushFactor),
            ("pull_factors", PullFactor),
            ("substances", Substance),
        ):
            values = getattr(self, name)
            if not isinstance(values, list) or set(values) - set(choices.values):
                raise ValidationError({name: "Unknown code."})

    @property
    def is_closed(self) -> bool:
        """Nothing left for the worker: not offered, declined, or held."""
        return bool(
            self.not_offered_reason
            or self.response == RhiResponse.DECLINED
            or self.held_at is not None
        )


class RhiExploitationSign(models.Model):
    """Signs of exploitation the interview found, per harm type."""

    rhi = models.ForeignKey(ReturnInterview, on_delete=models.CASCADE, related_name="signs")
    harm_type = models.CharField(max_length=20, choices=HarmType.choices)
    detail = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["rhi", "harm_type"], name="rhi_one_sign_per_harm")
        ]

    def __str__(self) -> str:
        return self.get_harm_type_display()


class StrategyMeetingPrompt(BaseModel):
    """Raised when a child reaches the repeat-missing rule; cleared by recording the meeting."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="strategy_prompts"
    )
    case = models.ForeignKey(
        "people.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField()
    period_start = models.DateField()
    period_end = models.DateField()
    episode_count = models.PositiveIntegerField()
    rule = models.CharField(max_length=100, help_text="The rule as it stood, e.g. 3 in quarter")
    meeting_on = models.DateField(null=True, blank=True)
    attendees = models.TextField(blank=True)
    outcome = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-raised_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(meeting_on__isnull=True),
                name="missing_one_open_prompt_per_person",
            ),
            models.CheckConstraint(
                condition=Q(meeting_on__isnull=True) | (~Q(attendees="") & ~Q(outcome="")),
                name="missing_meeting_has_attendees_and_outcome",
            ),
        ]

    def __str__(self) -> str:
        return f"Strategy meeting prompt: {self.person} ({self.episode_count} episodes)"

    @property
    def is_open(self) -> bool:
        return self.meeting_on is None
