"""Partner systems' access to the API: `Authorization: Token <key>`, one key per system, scoped
to its agency. Anything else (no header, a malformed one, an unknown or revoked key) is a 401,
and the refusal is audited. A key is never stored: only its SHA-256 digest."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import BasePermission
from rest_framework.throttling import SimpleRateThrottle

from cshub.audit.context import current
from cshub.audit.models import Outcome
from cshub.audit.services import record

from .models import Agency, ApiToken

KEYWORD = b"token"


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@dataclass(frozen=True)
class ApiClient:
    """Who is calling: written to the audit trail in place of a signed-in user."""

    token_id: int
    name: str
    agency_id: int
    agency_code: str
    agency_kind: str

    @property
    def audit_name(self) -> str:
        return f"api:{self.name}"


def token_create(*, agency_code: str, name: str, created_by: str = "") -> tuple[ApiToken, str]:
    """A new key for `name` at the agency; returns the row and the key (shown once)."""
    agency = Agency.objects.filter(code=agency_code).first()
    if agency is None:
        raise ValueError(f"No agency with code {agency_code!r}.")
    if not name.strip():
        raise ValueError("Give the calling system a name.")
    key = secrets.token_urlsafe(32)
    while key.startswith("-"):  # a key (or its prefix) must never read as a command-line option
        key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        agency=agency,
        name=name.strip()[:100],
        prefix=key[:8],
        digest=digest(key),
        created_by=created_by[:150],
    )
    record(
        action="accounts.api_token.created",
        obj=token,
        details={"agency": agency.code, "name": token.name, "prefix": token.prefix},
    )
    return token, key


def token_revoke(*, token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record(
            action="accounts.api_token.revoked",
            obj=token,
            details={"agency": token.agency.code, "name": token.name, "prefix": token.prefix},
        )


def _refuse(why: str) -> exceptions.AuthenticationFailed:
    record(action="api.request.refused", outcome=Outcome.DENIED, details={"why": why})
    return exceptions.AuthenticationFailed("A valid token is needed: Authorization: Token <key>.")


class AgencyTokenAuthentication(BaseAuthentication):
    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts:
            raise _refuse("no token")
        if parts[0].lower() != KEYWORD or len(parts) != 2:
            raise _refuse("malformed Authorization header")
        try:
            key = parts[1].decode()
        except UnicodeError:
            raise _refuse("malformed Authorization header") from None
        wanted = digest(key)
        token = ApiToken.objects.select_related("agency").filter(digest=wanted).first()
        if token is None or not hmac.compare_digest(token.digest, wanted):
            raise _refuse("unknown token")
        if token.revoked_at is not None:
            raise _refuse(f"revoked token {token.prefix}")
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        client = ApiClient(
            token.pk, token.name, token.agency_id, token.agency.code, token.agency.kind
        )
        context = current.get()
        if context is not None:
            context.client = client
        return (AnonymousUser(), client)

    def authenticate_header(self, request) -> str:
        return "Token"


class HasAgencyToken(BasePermission):
    def has_permission(self, request, view) -> bool:
        return isinstance(request.auth, ApiClient)


class AgencyTokenThrottle(SimpleRateThrottle):
    """Per key, so one misbehaving system cannot starve another."""

    scope = "agency_token"

    def get_rate(self):
        # Read at each request (DRF's own reads it once, at import), so a changed setting counts.
        from rest_framework.settings import api_settings

        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiClient):
            return self.cache_format % {"scope": self.scope, "ident": request.auth.token_id}
        return None


class AgencyTokenScheme(OpenApiAuthenticationExtension):
    """Describes the token to the OpenAPI schema (drf-spectacular)."""

    target_class = "cshub.accounts.api_auth.AgencyTokenAuthentication"
    name = "agencyToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <key>`; make a key with `cshub api-token create`.",
        }
