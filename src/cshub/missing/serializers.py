"""The police API's payloads (Django REST Framework). They parse and check shapes and codes;
the rules that need the database (idempotency, the order of times) live in `services`."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from rest_framework import serializers

from cshub.core import identifiers
from cshub.core.vocab import IdentifierScheme

from .choices import EpisodeType, MissingFrom, PlacementType, PoliceRisk, ReturnMethod
from .models import Episode, ReturnInterview

LONDON = ZoneInfo("Europe/London")

REFERENCE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9/\-]{0,39}$"
EARLIEST = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)  # nothing this system holds is older


class MomentField(serializers.DateTimeField):
    """An ISO 8601 time. One without an offset is read as UK time (Europe/London); one before
    2000 is refused as a mistake; every time is answered in UTC ("Z")."""

    def to_internal_value(self, value):
        moment = super().to_internal_value(value)
        if moment < EARLIEST:
            self.fail("implausible")
        return moment

    def default_timezone(self):
        return LONDON

    def to_representation(self, value):
        if value is None:
            return None
        return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")

    default_error_messages = {
        **serializers.DateTimeField.default_error_messages,
        "implausible": "This time is before 2000: check the year.",
    }


class ChildSerializer(serializers.Serializer):
    given_name = serializers.CharField(max_length=100)
    family_name = serializers.CharField(max_length=100)
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    police_nominal_id = serializers.RegexField(
        r"^[A-Za-z0-9 \-]*$", max_length=30, required=False, allow_blank=True
    )
    nhs_number = serializers.RegexField(
        r"^[0-9 \-]*$",
        max_length=12,
        required=False,
        allow_blank=True,
        help_text="10 digits; the check digit is verified",
    )

    def validate_date_of_birth(self, value):
        if value is not None and value.year < 1900:
            raise serializers.ValidationError("This date of birth is before 1900: check the year.")
        return value

    def _identifier(self, scheme, value):
        if not value:
            return ""
        try:
            return identifiers.normalise(scheme, value)
        except identifiers.InvalidIdentifier as error:
            raise serializers.ValidationError(str(error)) from None

    def validate_police_nominal_id(self, value):
        return self._identifier(IdentifierScheme.POLICE_NOMINAL_ID, value)

    def validate_nhs_number(self, value):
        return self._identifier(IdentifierScheme.NHS_NUMBER, value)


class MissingReportSerializer(serializers.Serializer):
    police_reference = serializers.RegexField(
        REFERENCE_PATTERN,
        max_length=40,
        error_messages={"invalid": "A police reference is letters, digits, / and -, up to 40."},
    )
    reported_at = MomentField(help_text="When the police were told (ISO 8601)")
    child = ChildSerializer()
    missing_from = serializers.ChoiceField(choices=MissingFrom.choices)
    placement_type = serializers.ChoiceField(
        choices=PlacementType.choices, required=False, allow_blank=True
    )
    episode_type = serializers.ChoiceField(
        choices=EpisodeType.choices, required=False, default=EpisodeType.MISSING
    )
    risk_level = serializers.ChoiceField(choices=PoliceRisk.choices)
    last_seen_at = MomentField(required=False, allow_null=True)
    last_seen_where = serializers.CharField(max_length=200, required=False, allow_blank=True)
    last_seen_with = serializers.CharField(max_length=200, required=False, allow_blank=True)


class ReturnSerializer(serializers.Serializer):
    returned_at = MomentField()
    found_where = serializers.CharField(max_length=200, required=False, allow_blank=True)
    return_method = serializers.ChoiceField(
        choices=ReturnMethod.choices, required=False, allow_blank=True
    )


class EpisodeSerializer(serializers.ModelSerializer):
    """What the API answers about an episode: our id and its state, nothing about the child."""

    reported_at = MomentField(read_only=True)
    returned_at = MomentField(read_only=True, allow_null=True)
    status = serializers.SerializerMethodField()
    matched = serializers.SerializerMethodField()

    class Meta:
        model = Episode
        fields = ["id", "police_reference", "status", "matched", "reported_at", "returned_at"]

    def get_status(self, episode) -> str:
        return "open" if episode.returned_at is None else "returned"

    def get_matched(self, episode) -> bool:
        return episode.person_id is not None


class SignSerializer(serializers.Serializer):
    harm_type = serializers.CharField()
    detail = serializers.CharField()


class RhiOutcomeSerializer(serializers.ModelSerializer):
    """An RHI outcome as released to the police: what they need to record and act on. Health
    needs and the child's own words stay with the council (ask the worker if needed)."""

    episode_id = serializers.UUIDField(source="episode.id")
    police_reference = serializers.CharField(source="episode.police_reference")
    outcome = serializers.SerializerMethodField()
    exploitation_signs = SignSerializer(source="signs", many=True)
    offered_at = MomentField(read_only=True, allow_null=True)
    held_at = MomentField(read_only=True, allow_null=True)
    shared_with_police_at = MomentField(read_only=True)

    class Meta:
        model = ReturnInterview
        fields = [
            "episode_id",
            "police_reference",
            "outcome",
            "offered_at",
            "not_offered_reason",
            "declined_reason",
            "held_at",
            "interviewer_independent",
            "where_went",
            "went_with",
            "push_factors",
            "pull_factors",
            "harm_disclosed",
            "harm_not_told_to_police",
            "exploitation_signs",
            "substances",
            "actions",
            "shared_with_police_at",
        ]

    def get_outcome(self, rhi) -> str:
        if rhi.not_offered_reason:
            return "not_offered"
        if rhi.held_at:
            return "interview_held"
        return rhi.response or "awaiting_answer"


class OutcomeListSerializer(serializers.Serializer):
    results = RhiOutcomeSerializer(many=True)
    more = serializers.BooleanField(
        help_text="More outcomes follow: ask again with since = the last shared_with_police_at"
    )


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    errors = serializers.DictField()
