"""The audit trail is append-only at the database, and its hash chain names tampering."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from cshub.audit.models import AuditEvent, Outcome
from cshub.audit.services import record
from tests import factories


def _three_events():
    user = factories.UserFactory()
    for n in range(3):
        record(action="test.thing.viewed", actor=user, details={"n": n})
    return list(AuditEvent.objects.order_by("seq"))


@pytest.mark.django_db
def test_events_chain_from_genesis():
    events = _three_events()
    assert [e.seq for e in events] == [1, 2, 3]
    assert events[0].prev_hash == "0" * 64
    assert events[1].prev_hash == events[0].hash
    assert events[2].prev_hash == events[1].hash
    assert events[0].actor_username.startswith("user")


@pytest.mark.django_db
def test_update_is_refused_by_the_database():
    _three_events()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(seq=2).update(action="tampered")
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE audit_auditevent SET reason = 'x' WHERE seq = 1")


@pytest.mark.django_db
def test_delete_is_refused_by_the_database():
    _three_events()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(seq=3).delete()
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM audit_auditevent")
    assert AuditEvent.objects.count() == 3


@pytest.mark.django_db
def test_truncate_is_refused_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("TRUNCATE is PostgreSQL's")
    _three_events()
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("TRUNCATE audit_auditevent")


@pytest.mark.django_db
def test_verify_passes_on_a_clean_log(capsys):
    _three_events()
    call_command("audit", "verify")
    assert "3 events, chain intact" in capsys.readouterr().out


def _behind_the_applications_back(sql: str, params=()):
    """What an attacker with database access would do: lift the trigger, edit, restore it."""
    from cshub.audit.management.commands.flush import audit_maintenance

    with audit_maintenance(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.django_db
def test_verify_names_the_altered_event():
    _three_events()
    _behind_the_applications_back("UPDATE audit_auditevent SET action = %s WHERE seq = 2", ["x"])
    with pytest.raises(CommandError, match="event #2 has been altered"):
        call_command("audit", "verify")


@pytest.mark.django_db
def test_verify_names_a_missing_event():
    _three_events()
    _behind_the_applications_back("DELETE FROM audit_auditevent WHERE seq = 2")
    with pytest.raises(CommandError, match="event #2 is missing"):
        call_command("audit", "verify")


@pytest.mark.django_db
def test_verify_names_a_rehashed_event_that_breaks_the_chain():
    from cshub.audit.chain import event_hash

    events = _three_events()
    forged = events[1]
    forged.reason = "forged"
    new_hash = event_hash(forged)  # the attacker recomputes this row's own hash...
    _behind_the_applications_back(
        "UPDATE audit_auditevent SET reason = %s, hash = %s WHERE seq = 2", ["forged", new_hash]
    )
    with pytest.raises(CommandError, match="event #3 does not follow #2"):  # ...but not the next
        call_command("audit", "verify")


@pytest.mark.django_db
def test_sign_in_and_failed_sign_in_are_audited(client):
    user = factories.UserFactory(username="audit.me")
    client.post(reverse("accounts:login"), {"username": "audit.me", "password": "wrong"})
    client.post(reverse("accounts:login"), {"username": "audit.me", "password": factories.PASSWORD})
    failed, signed_in = AuditEvent.objects.order_by("seq")
    assert failed.action == "accounts.user.sign_in_failed"
    assert failed.outcome == Outcome.FAILED
    assert failed.details == {"username": "audit.me"}
    assert "wrong" not in str(failed.details)
    assert signed_in.action == "accounts.user.signed_in"
    assert signed_in.actor_id == user.pk
    assert signed_in.ip_address == "127.0.0.1"
    assert len(signed_in.request_id) == 32
