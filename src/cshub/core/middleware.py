"""Security policy applied to every request (see docs/security.md, "Authentication").

- `NoStoreMiddleware`: no page of cshub may be kept by a browser or a proxy cache. Static files
  leave earlier, at WhiteNoise, and keep their long cache lifetimes.
- `SessionPolicyMiddleware`: ends sessions that must end (12 hours after sign-in, signed out
  everywhere, account disabled), and keeps a user who has given only their password on the
  two-factor step until they give a code.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequiredMiddleware
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from cshub.accounts import mfa, sessions
from cshub.accounts.models import User
from cshub.audit.models import Outcome
from cshub.audit.services import record


class NoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "no-store" not in response.get("Cache-Control", ""):
            response["Cache-Control"] = "no-store, private"
        return response


# Reachable with a password but no code yet: the two-factor pages themselves, sign-out, the
# health check. (Static files never get this far.)
_OTP_EXEMPT_URL_NAMES = (
    "accounts:otp_verify",
    "accounts:otp_setup",
    "accounts:logout",
    "core:healthz",
)


class SessionPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            reason = sessions.end_reason(request.session, user)
            if reason is not None:
                self._end_session(request, user, reason)
                # Carry on as an anonymous visitor: LoginRequiredMiddleware sends them to sign in.
            elif mfa.mfa_required() and not user.is_verified() and not self._otp_exempt(request):
                return self._to_otp_step(request)
        elif request.COOKIES.get(settings.SESSION_COOKIE_NAME) and SESSION_KEY in request.session:
            # A signed-in session whose user the backend now refuses: disabled (is_active=False)
            # or deleted. Flush it, so re-enabling the account does not bring the session back.
            self._end_refused_session(request)
        return self.get_response(request)

    @staticmethod
    def _otp_exempt(request: HttpRequest) -> bool:
        path = request.path_info
        if settings.STATIC_URL and path.startswith(settings.STATIC_URL):
            return True
        return path in {reverse(name) for name in _OTP_EXEMPT_URL_NAMES}

    @staticmethod
    def _to_otp_step(request: HttpRequest) -> HttpResponse:
        url = reverse("accounts:otp_verify")
        if request.method == "GET":
            url = f"{url}?{urlencode({'next': request.get_full_path()})}"
        return HttpResponseRedirect(url)

    @staticmethod
    def _end_session(request: HttpRequest, user, reason: str) -> None:
        record(
            action="accounts.session.ended",
            outcome=Outcome.DENIED,
            actor=user,
            obj=user,
            details={"reason": reason},
        )
        logout(request)

    @staticmethod
    def _end_refused_session(request: HttpRequest) -> None:
        user = User.objects.filter(pk=request.session.get(SESSION_KEY)).first()
        record(
            action="accounts.session.ended",
            outcome=Outcome.DENIED,
            actor=user,
            obj=user,
            details={"reason": "user_inactive" if user is not None else "user_deleted"},
        )
        request.session.flush()


class LoginRequiredMiddleware(DjangoLoginRequiredMiddleware):
    """Django's: every view needs a signed-in user unless marked login_not_required. For an htmx
    request (such as a contact's autosave) a redirect to the sign-in page would be swapped into
    the page, so it answers with a short status line instead; the draft is already saved up to
    the last autosave."""

    def handle_no_permission(self, request, view_func):
        if getattr(request, "htmx", False):
            return HttpResponse(
                '<p class="govuk-body-s" id="autosave-status" role="status">Your session has '
                "ended. What you typed is saved up to the last 'Draft saved'. Sign in again to "
                "carry on.</p>"
            )
        return super().handle_no_permission(request, view_func)
