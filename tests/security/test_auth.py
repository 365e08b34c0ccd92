"""Authentication and sessions (SECURITY.md items 1-4): MFA, lockout, same answer for unknown
users, session expiry and rotation, sign out everywhere, disabled and inactive accounts."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from unittest import mock

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.hashers import MD5PasswordHasher
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from cshub.accounts.models import User
from cshub.audit.models import AuditEvent
from cshub.people.models import Person
from tests import factories
from tests.auth import sign_in, totp_code, totp_device

LOGIN = reverse("accounts:login")
OTP_VERIFY = reverse("accounts:otp_verify")
OTP_SETUP = reverse("accounts:otp_setup")
HOME = reverse("core:home")
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)  # a Monday morning, away from clock changes


def _sign_in_with_password(client: Client, username: str, password: str = factories.PASSWORD):
    return client.post(LOGIN, {"username": username, "password": password})


def _normalised(response) -> str:
    """The page without what differs on every response: the CSP nonce and the CSRF token."""
    html = response.content.decode()
    html = re.sub(r'nonce="[^"]*"', 'nonce=""', html)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "csrf", html)


def _actions(**filters) -> list[str]:
    return list(
        AuditEvent.objects.filter(**filters).order_by("seq").values_list("action", flat=True)
    )


def _is_signed_in_and_verified(client: Client) -> bool:
    return client.get(HOME).status_code == 200


@pytest.fixture
def worker(cypf_worker):
    return cypf_worker


@pytest.fixture
def worker_device(worker):
    return totp_device(worker)


# --- MFA ----------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("has_device", [True, False], ids=["device", "no-device"])
def test_password_alone_reaches_only_the_otp_step(client, worker, allocated_case, has_device):
    staff = factories.UserFactory(username="an.admin", is_staff=True, is_superuser=True)
    if has_device:
        totp_device(worker)
    response = _sign_in_with_password(client, worker.username)
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(worker.pk)  # the password was right...
    paths = [
        HOME,
        reverse("people:search") + "?name=jor",
        reverse("people:detail", args=[allocated_case.person.id]),
        f"/people/{uuid.uuid4()}/",
        reverse("people:create"),
        "/places/",
        "/groups/",
        reverse("accounts:account"),
        LOGIN,
        "/admin/",
        f"/admin/accounts/user/{staff.pk}/change/",
        "/no-such-page/",
    ]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(OTP_VERIFY + "?next="), path
    # ...and the OTP step is where they land: set-up when they have no app yet.
    response = client.get(OTP_VERIFY)
    if has_device:
        assert response.status_code == 200
        assert "Enter your security code" in response.content.decode()
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(OTP_SETUP)
    # Writes are refused too, and nothing of the service is on the OTP page.
    before = Person.objects.count()
    response = client.post(reverse("people:create"), {"given_name": "X", "family_name": "Y"})
    assert response.status_code == 302 and response["Location"] == OTP_VERIFY
    assert Person.objects.count() == before
    page = client.get(OTP_VERIFY if has_device else OTP_SETUP).content.decode()
    assert "Find a person" not in page
    assert allocated_case.person.family_name not in page
    # The health check and sign-out still work.
    assert client.get(reverse("core:healthz")).status_code == 200
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert SESSION_KEY not in client.session


@pytest.mark.django_db
def test_admin_needs_the_second_factor_too(client):
    admin = factories.UserFactory(username="an.admin", is_staff=True, is_superuser=True)
    totp_device(admin)
    response = client.post(
        "/admin/login/?next=/admin/", {"username": admin.username, "password": factories.PASSWORD}
    )
    assert response.status_code == 302
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(OTP_VERIFY)
    verified = Client()
    sign_in(verified, admin)
    assert verified.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_set_up_shows_an_inline_svg_qr_code_and_the_secret_then_confirms(client, worker):
    _sign_in_with_password(client, worker.username)
    response = client.get(OTP_SETUP + "?next=/places/")
    assert response.status_code == 200
    html = response.content.decode()
    device = TOTPDevice.objects.get(user=worker)
    assert not device.confirmed
    # QR code drawn on the server, inline: no image request, no data: URL, no inline script.
    assert re.search(r'<svg class="cshub-qr-code" role="img" aria-label="[^"]+"', html)
    assert "<img" not in html
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts and all('nonce="' in s and "src=" in s for s in scripts)  # none inline
    secret = re.search(r'<code id="totp-secret"[^>]*>([A-Z2-7 ]+)</code>', html).group(1)
    from base64 import b32encode

    assert secret.replace(" ", "") == b32encode(device.bin_key).decode().rstrip("=")
    # A reload shows the same secret, so an app already scanned still works.
    assert secret in client.get(OTP_SETUP).content.decode()
    assert TOTPDevice.objects.filter(user=worker).count() == 1

    wrong = client.post(OTP_SETUP, {"code": "000000", "next": "/places/"})
    assert wrong.status_code == 200
    assert "govuk-error-summary" in wrong.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    device.throttle_reset()  # django-otp slows guesses down: 1 s after a wrong code

    response = client.post(OTP_SETUP, {"code": totp_code(device), "next": "/places/"})
    assert response.status_code == 302
    assert response["Location"] == "/places/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    mfa_actions = [a for a in _actions(actor_id=worker.pk) if a.startswith("accounts.mfa.")]
    assert mfa_actions == [
        "accounts.mfa.failed",
        "accounts.mfa.device_confirmed",
        "accounts.mfa.verified",
    ]
    assert _is_signed_in_and_verified(client)
    # Once confirmed, the set-up page gives out no new secret.
    response = client.get(OTP_SETUP)
    assert response.status_code == 302
    assert response["Location"].startswith(OTP_VERIFY)


@pytest.mark.django_db
def test_a_correct_code_verifies_once_and_the_same_code_is_refused(worker, worker_device):
    with time_machine.travel(START, tick=False) as traveller:
        code = totp_code(worker_device)
        first = Client()
        _sign_in_with_password(first, worker.username)
        response = first.post(OTP_VERIFY, {"code": code, "next": "/places/"})
        assert response.status_code == 302 and response["Location"] == "/places/"
        assert _is_signed_in_and_verified(first)
        worker_device.refresh_from_db()
        assert worker_device.last_t == int(START.timestamp()) // 30  # django-otp remembers it

        # Someone who saw the code (over a shoulder, through a phishing page) replays it.
        second = Client()
        _sign_in_with_password(second, worker.username)
        replay = second.post(OTP_VERIFY, {"code": code})
        assert replay.status_code == 200
        assert "has been used already" in replay.content.decode()
        assert not _is_signed_in_and_verified(second)
        failed = AuditEvent.objects.filter(action="accounts.mfa.failed").get()
        assert failed.outcome == "failed"
        assert failed.actor_id == worker.pk
        assert AuditEvent.objects.filter(action="accounts.mfa.verified").count() == 1

        # The next time step's code works (after django-otp's 1-second wait for a wrong code).
        traveller.shift(dt.timedelta(seconds=30))
        response = second.post(OTP_VERIFY, {"code": totp_code(worker_device)})
        assert response.status_code == 302
        assert _is_signed_in_and_verified(second)


@pytest.mark.django_db
def test_codes_that_are_not_six_digits_are_refused_without_a_guess(client, worker, worker_device):
    _sign_in_with_password(client, worker.username)
    for code in ("", "12345", "1234567", "abcdef"):
        response = client.post(OTP_VERIFY, {"code": code})
        assert response.status_code == 200
        assert "govuk-error-summary" in response.content.decode()
    worker_device.refresh_from_db()
    assert worker_device.throttling_failure_count == 0


@pytest.mark.django_db
def test_verifying_the_code_gives_the_session_a_new_key(client, worker, worker_device):
    _sign_in_with_password(client, worker.username)
    key_after_password = client.session.session_key
    client.post(OTP_VERIFY, {"code": totp_code(worker_device)})
    assert client.session.session_key != key_after_password
    assert not SessionStore().exists(key_after_password)
    assert _is_signed_in_and_verified(client)


@pytest.mark.django_db
def test_demo_mode_has_no_otp_step(client, worker):
    with override_settings(CSHUB_DEMO_MODE=True):
        _sign_in_with_password(client, worker.username)
        assert client.get(HOME).status_code == 200
    # The same session outside demo mode is sent to the OTP step.
    assert client.get(HOME)["Location"].startswith(OTP_VERIFY)


# --- Login answers and lockout -------------------------------------------------------------------


def test_lockout_and_mfa_are_on_in_the_test_settings():
    assert settings.AXES_ENABLED is True
    assert settings.CSHUB_DEMO_MODE is False
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert settings.AXES_LOCKOUT_PARAMETERS == ["username"]


@pytest.mark.django_db
def test_unknown_user_wrong_password_and_disabled_account_get_the_same_answer(client, worker):
    wrong_password = _sign_in_with_password(client, worker.username, "not-the-password")
    worker.is_active = False
    worker.save()
    disabled = _sign_in_with_password(client, worker.username)  # right password, disabled
    worker.username = "someone.else"
    worker.save()
    unknown = _sign_in_with_password(client, "cypf.worker", "not-the-password")
    for response in (wrong_password, disabled, unknown):
        assert response.status_code == 200
        assert "Please enter a correct username and password" in response.content.decode()
        assert SESSION_KEY not in client.session
    assert _normalised(wrong_password) == _normalised(disabled) == _normalised(unknown)


@pytest.mark.django_db
def test_an_unknown_username_still_runs_the_password_hasher(client, worker):
    """The cheap time-equaliser: Django's ModelBackend hashes the password for unknown users too,
    so the answer takes about as long as for a real user with a wrong password."""
    original = MD5PasswordHasher.encode
    with mock.patch.object(MD5PasswordHasher, "encode", autospec=True, side_effect=original) as m:
        _sign_in_with_password(client, "nobody.at.all", "not-the-password")
        unknown_calls = m.call_count
        _sign_in_with_password(client, worker.username, "not-the-password")
        known_calls = m.call_count - unknown_calls
    assert unknown_calls == known_calls == 1


@pytest.mark.django_db
def test_five_failures_lock_the_username_for_15_minutes(worker):
    with time_machine.travel(START, tick=False) as traveller:
        client = Client()
        for attempt in range(1, 5):
            response = _sign_in_with_password(client, worker.username, f"guess-{attempt}")
            assert response.status_code == 200, attempt
        locked = _sign_in_with_password(client, worker.username, "guess-5")
        assert locked.status_code == 429
        assert "Sign-in blocked for now" in locked.content.decode()
        assert "15 minutes" in locked.content.decode()
        # Even the right password is refused while locked, and nothing is signed in.
        right = _sign_in_with_password(client, worker.username)
        assert right.status_code == 429
        assert SESSION_KEY not in client.session
        # The lockout is a security event in the audit trail.
        event = AuditEvent.objects.filter(action="accounts.user.locked_out").first()
        assert event is not None
        assert event.outcome == "denied"
        assert event.details == {"username": worker.username}
        # Locked by username, not by address: a colleague behind the same NAT signs in.
        colleague = factories.UserFactory(username="a.colleague")
        other = Client()
        assert _sign_in_with_password(other, colleague.username).status_code == 302
        # Still locked after 14 minutes; free again after 15 (the cool-off is not extended by
        # attempts made while locked).
        traveller.shift(dt.timedelta(minutes=14))
        assert _sign_in_with_password(client, worker.username).status_code == 429
        traveller.shift(dt.timedelta(minutes=1, seconds=1))
        response = _sign_in_with_password(client, worker.username)
        assert response.status_code == 302
        assert client.session[SESSION_KEY] == str(worker.pk)


@pytest.mark.django_db
def test_lockout_page_is_the_same_for_known_and_unknown_usernames(worker):
    responses = {}
    for username in (worker.username, "no.such.person"):
        client = Client()
        for attempt in range(5):
            response = _sign_in_with_password(client, username, f"guess-{attempt}")
        responses[username] = response
    known, unknown = responses[worker.username], responses["no.such.person"]
    assert known.status_code == unknown.status_code == 429
    assert _normalised(known) == _normalised(unknown)
    assert worker.username not in known.content.decode()
    locked = AuditEvent.objects.filter(action="accounts.user.locked_out").order_by("seq")
    assert [e.details["username"] for e in locked] == [worker.username, "no.such.person"]


# --- Sessions ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_login_gives_a_new_session_key(client, worker):
    """A session key planted before sign-in (session fixation) is worth nothing after it."""
    planted = SessionStore()
    planted["planted"] = True
    planted.create()
    client.cookies[settings.SESSION_COOKIE_NAME] = planted.session_key
    _sign_in_with_password(client, worker.username)
    assert client.session.session_key != planted.session_key
    assert client.session[SESSION_KEY] == str(worker.pk)
    assert not SessionStore().exists(planted.session_key)


@pytest.mark.django_db
def test_session_ends_after_30_minutes_idle(client, worker):
    with time_machine.travel(START, tick=False) as traveller:
        sign_in(client, worker)
        for _ in range(3):  # each request renews the 30 minutes
            traveller.shift(dt.timedelta(minutes=29))
            assert client.get(HOME).status_code == 200
        traveller.shift(dt.timedelta(minutes=31))
        response = client.get(HOME)
        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN)


@pytest.mark.django_db
def test_session_ends_12_hours_after_sign_in_however_busy(client, worker):
    with time_machine.travel(START, tick=False) as traveller:
        sign_in(client, worker)
        elapsed = dt.timedelta()
        while elapsed + dt.timedelta(minutes=25) <= dt.timedelta(hours=12):
            traveller.shift(dt.timedelta(minutes=25))
            elapsed += dt.timedelta(minutes=25)
            assert client.get(HOME).status_code == 200, elapsed
        traveller.shift(dt.timedelta(minutes=25))  # 12 h 5 min after sign-in
        response = client.get(HOME)
        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN)
        assert SESSION_KEY not in client.session
        ended = AuditEvent.objects.filter(action="accounts.session.ended").get()
        assert ended.details == {"reason": "absolute_timeout"}
        assert ended.actor_id == worker.pk


@pytest.mark.django_db
def test_sign_out_everywhere_ends_every_session(worker):
    laptop, phone = Client(), Client()
    sign_in(laptop, worker)
    sign_in(phone, worker)
    account = laptop.get(reverse("accounts:account"))
    assert account.status_code == 200
    assert "Sign out everywhere" in account.content.decode()
    assert laptop.get(reverse("accounts:sign_out_everywhere")).status_code == 405

    response = laptop.post(reverse("accounts:sign_out_everywhere"))
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    for client in (laptop, phone):
        response = client.get(HOME)
        assert response.status_code == 302, client
        assert response["Location"].startswith(LOGIN)
    worker.refresh_from_db()
    assert worker.sessions_revoked_at is not None
    assert "accounts.user.signed_out_everywhere" in _actions(actor_id=worker.pk)
    # Signing in again afterwards works as usual.
    again = Client()
    sign_in(again, worker)
    assert _is_signed_in_and_verified(again)


@pytest.mark.django_db
def test_disabling_a_user_ends_their_session_on_the_next_request(client, worker):
    sign_in(client, worker)
    assert _is_signed_in_and_verified(client)
    User.objects.filter(pk=worker.pk).update(is_active=False)
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    # Ended, not merely suspended: enabling the account again does not revive the session.
    User.objects.filter(pk=worker.pk).update(is_active=True)
    assert client.get(HOME).status_code == 302
    assert SESSION_KEY not in client.session
    ended = AuditEvent.objects.filter(action="accounts.session.ended").get()
    assert ended.details == {"reason": "user_inactive"}


@pytest.mark.django_db
def test_disable_inactive_users(capsys):
    now = timezone.now()
    old = dt.timedelta(days=settings.CSHUB_DISABLE_AFTER_DAYS + 1)
    recent = dt.timedelta(days=settings.CSHUB_DISABLE_AFTER_DAYS - 1)
    factories.UserFactory(username="busy", last_login=now - recent)
    factories.UserFactory(username="gone.quiet", last_login=now - old)
    factories.UserFactory(username="never.came", last_login=None, date_joined=now - old)
    factories.UserFactory(username="just.joined", last_login=None, date_joined=now - recent)
    factories.UserFactory(username="left", last_login=now - old, is_active=False)

    call_command("disable_inactive_users", "--dry-run")
    assert "2 account(s) would disable" in capsys.readouterr().out
    assert User.objects.filter(is_active=False).count() == 1

    call_command("disable_inactive_users")
    assert "2 account(s) disabled" in capsys.readouterr().out
    assert set(User.objects.filter(is_active=False).values_list("username", flat=True)) == {
        "gone.quiet",
        "never.came",
        "left",
    }
    events = AuditEvent.objects.filter(action="accounts.user.disabled").order_by("seq")
    assert [e.object_id for e in events] == [
        str(User.objects.get(username=name).pk) for name in ("gone.quiet", "never.came")
    ]
    assert all(
        e.reason == f"No sign-in for {settings.CSHUB_DISABLE_AFTER_DAYS} days" for e in events
    )
    call_command("disable_inactive_users")  # nothing left to do, nothing recorded
    assert AuditEvent.objects.filter(action="accounts.user.disabled").count() == 2
