"""When a signed-in session must end, beyond Django's 30-minute idle expiry.

A session ends 12 hours after sign-in however busy it has been, when the user signs out
everywhere, and at once when the account is disabled. `cshub.core.middleware` applies this on
every request; the sign-in time is written by `mark_signed_in` (connected in `signals.py`).
"""

from __future__ import annotations

import time

from django.conf import settings

SIGNED_IN_AT = "cshub_signed_in_at"  # session key: Unix time of the password sign-in

ABSOLUTE_TIMEOUT = "absolute_timeout"
REVOKED = "revoked"
NO_SIGN_IN_TIME = "no_sign_in_time"


def mark_signed_in(session) -> None:
    session[SIGNED_IN_AT] = time.time()


def end_reason(session, user) -> str | None:
    """Why this signed-in session must end now, or None if it may go on."""
    signed_in_at = session.get(SIGNED_IN_AT)
    if not isinstance(signed_in_at, int | float):
        return NO_SIGN_IN_TIME  # a session from before this rule, or tampered with
    if time.time() - signed_in_at > settings.CSHUB_SESSION_MAX_AGE.total_seconds():
        return ABSOLUTE_TIMEOUT
    revoked_at = user.sessions_revoked_at
    if revoked_at is not None and signed_in_at <= revoked_at.timestamp():
        return REVOKED
    return None
