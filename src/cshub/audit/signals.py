"""Sign-in, sign-out and failed sign-in are audit events."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .models import Outcome
from .services import record


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    record(action="accounts.user.signed_in", actor=user, obj=user)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        record(action="accounts.user.signed_out", actor=user, obj=user)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    # The attempted username only: never the password (Django already masks it).
    username = str(credentials.get("username", ""))[:150]
    record(
        action="accounts.user.sign_in_failed",
        outcome=Outcome.FAILED,
        details={"username": username},
    )
