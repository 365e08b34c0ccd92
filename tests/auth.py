"""Signing in, for tests: a password session plus the second factor, as after a real sign-in.

`sign_in(client, user)` is the shortcut most tests want. Tests of the sign-in itself go through
the pages and compute real codes with `totp_code`.
"""

from __future__ import annotations

import time

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def totp_device(user, *, confirmed: bool = True) -> TOTPDevice:
    """The user's TOTP device, made if they have none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name="test", confirmed=confirmed)


def totp_code(device: TOTPDevice, at: float | None = None) -> str:
    """The 6-digit code the user's authenticator app shows at `at` (default: now)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() if at is None else at
    return f"{totp.token():0{device.digits}d}"


def sign_in(client, user) -> TOTPDevice:
    """Sign `client` in as `user` with a verified second factor; return the device used."""
    client.force_login(user)
    device = totp_device(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device
