"""Who is acting, and from where: set once per request by the middleware, read by `record`.

Outside a request (management commands, tests), there is no actor unless one is passed.
"""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar
from dataclasses import dataclass, field

_REQUEST_ID = re.compile(r"[A-Za-z0-9\-]{8,64}")


@dataclass
class RequestContext:
    request_id: str
    ip_address: str | None = None
    user: object | None = None
    client: object | None = None  # an API caller (cshub.accounts.api_auth.ApiClient)
    _actor_snapshot: tuple[str, str] | None = field(default=None, repr=False)


current: ContextVar[RequestContext | None] = ContextVar("cshub_audit_context", default=None)


def new_request_id() -> str:
    return uuid.uuid4().hex


class RequestContextMiddleware:
    """Gives every request an id (kept from a trusted proxy's X-Request-ID if well formed),
    remembers the client address and user for the audit trail, and echoes the id back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _REQUEST_ID.fullmatch(incoming) else new_request_id()
        request.request_id = request_id
        context = RequestContext(request_id=request_id, ip_address=request.META.get("REMOTE_ADDR"))
        context.user = getattr(request, "user", None)
        token = current.set(context)
        try:
            response = self.get_response(request)
        finally:
            current.reset(token)
        response["X-Request-ID"] = request_id
        return response
