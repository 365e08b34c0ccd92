"""The police API (`/api/v1/`): missing reports in, returns in, RHI outcomes out.

Thin, like every view: parse with a serializer, check the caller's scope, call a service,
answer. Every call writes an audit row, refusals included (401s are written by the
authentication class)."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from cshub.accounts.api_auth import HasAgencyToken
from cshub.accounts.models import Agency
from cshub.audit.models import Outcome
from cshub.audit.services import record
from cshub.core.vocab import AgencyKind

from . import selectors, services
from .choices import Source
from .models import Episode
from .serializers import (
    EpisodeSerializer,
    ErrorSerializer,
    MissingReportSerializer,
    MomentField,
    OutcomeListSerializer,
    ReturnSerializer,
)

OUTCOME_PAGE = 500
REFUSED = {
    400: OpenApiResponse(ErrorSerializer, description="Not accepted; errors by field"),
    401: OpenApiResponse(ErrorSerializer, description="No token, or a bad one"),
    403: OpenApiResponse(ErrorSerializer, description="This token's agency may not do this"),
    429: OpenApiResponse(ErrorSerializer, description="Too many calls from this token; wait"),
}


class IsPoliceAgency(BasePermission):
    message = "Only a police agency's token may use the missing-persons API."

    def has_permission(self, request, view) -> bool:
        if request.auth.agency_kind == AgencyKind.POLICE:
            return True
        record(
            action="api.request.refused",
            outcome=Outcome.DENIED,
            details={"why": "agency not police", "path": request.path[:200]},
        )
        return False


def _invalid(serializer_or_errors, action: str, **details) -> ApiValidationError:
    errors = getattr(serializer_or_errors, "errors", serializer_or_errors)
    record(
        action=action,
        outcome=Outcome.DENIED,
        details={"fields": sorted(errors)[:20], **details},
    )
    return ApiValidationError(errors)


def _service_errors(error: DjangoValidationError) -> dict:
    if hasattr(error, "error_dict"):
        return {k: [m for e in v for m in e.messages] for k, v in error.error_dict.items()}
    return {"non_field_errors": error.messages}


class MissingReports(APIView):
    permission_classes = [HasAgencyToken, IsPoliceAgency]

    @extend_schema(
        operation_id="missing_report_create",
        request=MissingReportSerializer,
        responses={
            201: OpenApiResponse(EpisodeSerializer, description="A new episode"),
            200: OpenApiResponse(
                EpisodeSerializer, description="This police reference is already held: that one"
            ),
            **REFUSED,
        },
        summary="Report a missing child (idempotent on police_reference)",
    )
    def post(self, request):
        serializer = MissingReportSerializer(data=request.data)
        if not serializer.is_valid():
            raise _invalid(serializer, "api.missing_report.rejected")
        data = serializer.validated_data
        child = data["child"]
        report = services.Report(
            police_reference=data["police_reference"],
            reported_at=data["reported_at"],
            given_name=child["given_name"],
            family_name=child["family_name"],
            date_of_birth=child.get("date_of_birth"),
            police_nominal_id=child.get("police_nominal_id", ""),
            nhs_number=child.get("nhs_number", ""),
            missing_from=data["missing_from"],
            placement_type=data.get("placement_type", ""),
            episode_type=data["episode_type"],
            police_risk=data["risk_level"],
            last_seen_at=data.get("last_seen_at"),
            last_seen_where=data.get("last_seen_where", ""),
            last_seen_with=data.get("last_seen_with", ""),
        )
        agency = Agency.objects.get(pk=request.auth.agency_id)
        try:
            episode, created = services.report_missing(
                agency=agency, report=report, source=Source.API
            )
        except DjangoValidationError as error:
            raise _invalid(_service_errors(error), "api.missing_report.rejected") from None
        return Response(
            EpisodeSerializer(episode).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class MissingReturn(APIView):
    permission_classes = [HasAgencyToken, IsPoliceAgency]

    @extend_schema(
        operation_id="missing_report_return",
        request=ReturnSerializer,
        responses={
            200: EpisodeSerializer,
            404: OpenApiResponse(ErrorSerializer, description="No report with this reference"),
            **REFUSED,
        },
        summary="The child is back: record the return (a resend of the same return is harmless)",
    )
    def post(self, request, police_reference: str):
        episode = Episode.objects.filter(
            reporting_agency_id=request.auth.agency_id,
            police_reference=police_reference.strip().upper(),
        ).first()
        if episode is None:
            record(
                action="api.missing_return.rejected",
                outcome=Outcome.DENIED,
                details={"why": "unknown police reference", "reference": police_reference[:40]},
            )
            raise NotFound("No missing report with this police reference from your agency.")
        serializer = ReturnSerializer(data=request.data)
        if not serializer.is_valid():
            raise _invalid(serializer, "api.missing_return.rejected")
        data = serializer.validated_data
        try:
            episode, _changed = services.record_return(
                episode=episode,
                returned_at=data["returned_at"],
                found_where=data.get("found_where", ""),
                return_method=data.get("return_method", ""),
            )
        except DjangoValidationError as error:
            raise _invalid(
                _service_errors(error), "api.missing_return.rejected", episode=str(episode.pk)
            ) from None
        return Response(EpisodeSerializer(episode).data)


class RhiOutcomes(APIView):
    permission_classes = [HasAgencyToken, IsPoliceAgency]

    @extend_schema(
        operation_id="rhi_outcomes_list",
        parameters=[
            OpenApiParameter(
                "since",
                OpenApiTypes.DATETIME,
                required=True,
                description="Outcomes shared at or after this time (ISO 8601)",
            )
        ],
        responses={200: OutcomeListSerializer, **REFUSED},
        summary="Return Home Interview outcomes shared with your agency since a time",
    )
    def get(self, request):
        raw = request.query_params.get("since", "")
        try:
            if not raw:
                raise ApiValidationError("Give since=<ISO 8601 time>.")
            since = MomentField().to_internal_value(raw)
        except ApiValidationError:
            raise _invalid(
                {"since": ["Give since as an ISO 8601 time, e.g. 2026-11-01T00:00:00Z."]},
                "api.rhi_outcomes.rejected",
            ) from None
        with transaction.atomic():
            rows = list(
                selectors.outcomes_shared_since(agency_id=request.auth.agency_id, since=since)[
                    : OUTCOME_PAGE + 1
                ]
            )
            more = len(rows) > OUTCOME_PAGE
            rows = rows[:OUTCOME_PAGE]
            record(
                action="api.rhi_outcomes.read",
                details={
                    "since": since.isoformat(),
                    "count": len(rows),
                    "episodes": [str(r.episode_id) for r in rows][:OUTCOME_PAGE],
                },
            )
        return Response(OutcomeListSerializer({"results": rows, "more": more}).data)
