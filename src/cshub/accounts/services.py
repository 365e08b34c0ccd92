"""Write paths for accounts: each runs in one transaction and writes its audit event."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cshub.audit.services import record

from .models import User


@transaction.atomic
def sign_out_everywhere(*, user: User) -> None:
    """End every session the user has, on every device, this one included."""
    user.sessions_revoked_at = timezone.now()
    user.save(update_fields=["sessions_revoked_at"])
    record(action="accounts.user.signed_out_everywhere", actor=user, obj=user)


def inactive_users(*, days: int, now: datetime | None = None):
    """Active accounts with no sign-in for `days` days (never signed in: joined that long ago)."""
    cutoff = (now or timezone.now()) - timedelta(days=days)
    return User.objects.filter(is_active=True).filter(
        Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff)
    )


def disable_inactive_users(*, days: int | None = None, now: datetime | None = None) -> list[User]:
    """Disable accounts unused for `days` (default CSHUB_DISABLE_AFTER_DAYS). One audit event
    per account; their sessions end on their next request."""
    days = settings.CSHUB_DISABLE_AFTER_DAYS if days is None else days
    now = now or timezone.now()
    disabled = []
    for user in inactive_users(days=days, now=now).order_by("pk"):
        with transaction.atomic():
            user.is_active = False
            user.sessions_revoked_at = now
            user.save(update_fields=["is_active", "sessions_revoked_at"])
            record(
                action="accounts.user.disabled",
                obj=user,
                reason=f"No sign-in for {days} days",
                details={
                    "last_login": user.last_login.isoformat() if user.last_login else None,
                    "days": days,
                },
            )
        disabled.append(user)
    return disabled
