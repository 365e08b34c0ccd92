"""Sign-in's second step (TOTP), the account page, sign out everywhere and the lockout page."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from cshub.audit.models import Outcome
from cshub.audit.services import record

from . import mfa, services
from .forms import TOTPCodeForm


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({'next': next_url})}"


@require_http_methods(["GET", "POST"])
def otp_verify(request: HttpRequest) -> HttpResponse:
    """Ask for the code from the user's authenticator app."""
    user = request.user
    next_url = _next_url(request)
    if user.is_verified():
        return redirect(next_url)
    device = mfa.confirmed_device(user)
    if device is None:
        return redirect(_with_next(reverse("accounts:otp_setup"), next_url))
    form = TOTPCodeForm(request.POST or None, user=user, device=device)
    if request.method == "POST":
        if form.is_valid():
            with transaction.atomic():
                mfa.complete_verification(request, device)
                record(action="accounts.mfa.verified", actor=user, obj=user)
            return redirect(next_url)
        record(
            action="accounts.mfa.failed",
            outcome=Outcome.FAILED,
            actor=user,
            obj=user,
            details={"step": "verify"},
        )
    return render(request, "accounts/otp_verify.html", {"form": form, "next": next_url})


@require_http_methods(["GET", "POST"])
def otp_setup(request: HttpRequest) -> HttpResponse:
    """First sign-in: add an authenticator app by QR code (or typed secret), then confirm it
    with a first code. A user who already has a confirmed app is sent to the code step."""
    user = request.user
    next_url = _next_url(request)
    if mfa.confirmed_device(user) is not None:
        return redirect(_with_next(reverse("accounts:otp_verify"), next_url))
    device = mfa.device_for_setup(user)
    form = TOTPCodeForm(request.POST or None, user=user, device=device, submit_label="Confirm")
    if request.method == "POST":
        if form.is_valid():
            with transaction.atomic():
                mfa.complete_verification(request, device)
                record(action="accounts.mfa.device_confirmed", actor=user, obj=device)
                record(action="accounts.mfa.verified", actor=user, obj=user)
            return redirect(next_url)
        record(
            action="accounts.mfa.failed",
            outcome=Outcome.FAILED,
            actor=user,
            obj=user,
            details={"step": "setup"},
        )
    context = {
        "form": form,
        "next": next_url,
        "qr_code": mfa.qr_code_svg(device, title="QR code to add cshub to your authenticator app"),
        "secret": mfa.secret_base32(device),
        "issuer": settings.OTP_TOTP_ISSUER,
    }
    return render(request, "accounts/otp_setup.html", context)


@require_http_methods(["GET"])
def account(request: HttpRequest) -> HttpResponse:
    """Your account: who you are signed in as, your second factor, sign out everywhere."""
    return render(
        request,
        "accounts/account.html",
        {"device": mfa.confirmed_device(request.user), "mfa_required": mfa.mfa_required()},
    )


@require_POST
def sign_out_everywhere(request: HttpRequest) -> HttpResponse:
    services.sign_out_everywhere(user=request.user)
    logout(request)
    messages.success(request, "You have been signed out on every device")
    return redirect(settings.LOGOUT_REDIRECT_URL)


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """django-axes' lockout answer (AXES_LOCKOUT_CALLABLE). The same page, word for word, for a
    username that exists and one that does not: nothing typed is echoed back."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "429.html", {"cooloff_minutes": minutes}, status=429)
