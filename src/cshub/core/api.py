"""What every API error looks like: `{"detail": ..., "errors": {field: [messages]}}`."""

from __future__ import annotations

from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
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
