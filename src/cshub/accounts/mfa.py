"""Time-based one-time passwords (TOTP, django-otp): the second step of every sign-in outside
demo mode. One confirmed authenticator-app device per user."""

from __future__ import annotations

from base64 import b32encode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

DEVICE_NAME = "Authenticator app"


def mfa_required() -> bool:
    """MFA is required for everyone, except in demo mode (`make demo` only)."""
    return not settings.CSHUB_DEMO_MODE


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("pk").first()


def device_for_setup(user) -> TOTPDevice:
    """The user's unconfirmed device, made once and kept, so a reload shows the same secret."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def secret_base32(device: TOTPDevice) -> str:
    """The secret as an authenticator app expects it typed: base32, in groups of four."""
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_svg(device: TOTPDevice, *, title: str) -> SafeString:
    """The device's otpauth:// URL as a QR code: inline SVG made here, so no image service,
    no script and no data: URL are needed."""
    image = qrcode.make(
        device.config_url,
        image_factory=qrcode.image.svg.SvgPathFillImage,
        box_size=10,
        border=4,
    )
    svg = image.to_string(encoding="unicode")
    svg = svg.replace(
        "<svg ",
        f'<svg class="cshub-qr-code" role="img" aria-label="{escape(title)}" focusable="false" ',
        1,
    )
    # Safe: qrcode writes only path data and numbers; the one string of ours is escaped above.
    return mark_safe(svg)  # noqa: S308 # nosec B308 B703


@transaction.atomic
def complete_verification(request, device: TOTPDevice) -> None:
    """Mark the session as verified by `device`, and give it a new key: the session has just
    gained privilege, so a key seen before this point is worth nothing."""
    if not device.confirmed:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    otp_login(request, device)
    request.session.cycle_key()
