"""Sign-in bookkeeping and lockout events."""

from __future__ import annotations

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from cshub.audit.models import Outcome
from cshub.audit.services import record

from .sessions import mark_signed_in


@receiver(user_logged_in, dispatch_uid="cshub.accounts.mark_signed_in")
def _mark_signed_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        mark_signed_in(request.session)


@receiver(user_locked_out, dispatch_uid="cshub.accounts.locked_out")
def _locked_out(sender, request, username=None, ip_address=None, **kwargs):
    # The username as typed: it may name nobody, and the page shown says the same either way.
    record(
        action="accounts.user.locked_out",
        outcome=Outcome.DENIED,
        details={"username": str(username or "")[:150]},
    )
