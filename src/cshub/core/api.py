"""What every API error looks like: `{"detail": ..., "errors": {field: [messages]}}`."""

from __future__ import annotations

from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler

from cshub.audit.models import Outcome
from cshub.audit.services import record

# Refusals DRF makes before a view runs. The others are audited where they happen: bad tokens by
# the authentication class, a wrong agency by the permission, bad payloads by the view.
_REFUSED_BEFORE_THE_VIEW = (
    exceptions.ParseError,
    exceptions.UnsupportedMediaType,
    exceptions.Throttled,
    exceptions.MethodNotAllowed,
    exceptions.NotAcceptable,
)


def exception_handler(exc, context):
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, _REFUSED_BEFORE_THE_VIEW):
        request = context.get("request")
        record(
            action="api.request.refused",
            outcome=Outcome.DENIED,
            details={
                "why": type(exc).__name__,
                "status": response.status_code,
                "path": request.path[:200] if request is not None else "",
            },
        )
    data = response.data
    if isinstance(data, dict) and set(data) == {"detail"}:
        response.data = {"detail": str(data["detail"]), "errors": {}}
    elif isinstance(data, dict):
        response.data = {"detail": "The request was not accepted; see errors.", "errors": data}
    else:
        response.data = {
            "detail": "The request was not accepted; see errors.",
            "errors": {"non_field_errors": data},
        }
    return response


@csrf_exempt  # token-authenticated API paths take no cookies; a POST must get this JSON 404
def not_found(request, *args, **kwargs):
    """The API's answer for a path it does not have (JSON, like every API answer)."""
    from django.http import JsonResponse

    record(
        action="api.request.refused",
        outcome=Outcome.DENIED,
        details={"why": "no such API path", "path": request.path[:200]},
    )
    return JsonResponse({"detail": "No such API path.", "errors": {}}, status=404)
