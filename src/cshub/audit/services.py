"""Writing to the audit trail. Call `record` inside the transaction of the change it records."""

from __future__ import annotations

import uuid

from django.db import connection, transaction
from django.utils import timezone

from .chain import GENESIS, event_hash
from .context import current
from .models import AuditEvent, Outcome

# Any constant: the PostgreSQL advisory lock that serialises appends to the chain.
_CHAIN_LOCK = 0x6373687562  # "cshub"


def _actor_snapshot(user) -> tuple[str, str]:
    memberships = (
        user.memberships.filter(ended_on__isnull=True)
        .select_related("team__agency")
        .order_by("team__code", "role")
    )
    roles = ",".join(f"{m.role}@{m.team.code}" for m in memberships)
    agencies = ",".join(sorted({m.team.agency.code for m in memberships}))
    return roles[:500], agencies[:200]


def _object_ref(obj) -> tuple[str, str]:
    if obj is None:
        return "", ""
    return obj._meta.label_lower, str(obj.pk)


def record(
    *,
    action: str,
    outcome: str = Outcome.ALLOWED,
    obj=None,
    person=None,
    person_id: uuid.UUID | str | None = None,
    relationship: str = "",
    reason: str = "",
    details: dict | None = None,
    actor=None,
) -> AuditEvent:
    """Append one event to the chain. `actor` defaults to the request's signed-in user."""
    context = current.get()
    if actor is None and context is not None and context.user is not None:
        actor = context.user if context.user.is_authenticated else None
    roles = agencies = ""
    client = context.client if context is not None and actor is None else None
    if client is not None:  # a partner system through the API: named by its token
        agencies = client.agency_code
    if actor is not None:
        if context is not None and context.user is actor and context._actor_snapshot:
            roles, agencies = context._actor_snapshot
        else:
            roles, agencies = _actor_snapshot(actor)
            if context is not None and context.user is actor:
                context._actor_snapshot = (roles, agencies)
    object_type, object_id = _object_ref(obj)
    if person is not None:
        person_id = person.pk
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK])
        last = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
        seq, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS)
        event = AuditEvent(
            seq=seq,
            at=timezone.now(),
            actor_id=actor.pk if actor is not None else None,
            actor_username=(
                actor.get_username()
                if actor is not None
                else client.audit_name[:150]
                if client is not None
                else ""
            ),
            actor_roles=roles,
            actor_agencies=agencies,
            action=action,
            outcome=outcome,
            object_type=object_type,
            object_id=object_id,
            person_id=uuid.UUID(str(person_id)) if person_id else None,
            relationship=relationship,
            reason=reason,
            details=details or {},
            ip_address=context.ip_address if context else None,
            request_id=context.request_id if context else "",
            prev_hash=prev_hash,
        )
        event.hash = event_hash(event)
        event.save(force_insert=True)
    return event
