"""Need-to-know: who may see which person, decided in one place.

Deny by default. A user sees a person's record only through a legitimate relationship that a
registered provider vouches for (see registry.py), or break-glass. A sealed record is seen only by
its named users, whatever other relationship exists, and is hidden from everyone else's search.

Views use `access_person` (one record: returns it or raises 404, writing the audit row either
way) and `people_visible_to` (a scoped queryset). Forbidden and missing get the same answer.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from cshub.audit.models import Outcome
from cshub.audit.services import record
from cshub.people.models import Person

from .models import RestrictedAccess
from .registry import providers

SEALED_KEY = "named_on_sealed_record"
SEALED_LABEL = "You are named on this sealed record"


@dataclass(frozen=True)
class Grant:
    key: str
    label: str


def _relationship_q(user, now) -> Q:
    q = Q(pk__in=[])
    for provider in providers():
        q |= Q(pk__in=provider.person_ids(user, now))
    return q


def people_visible_to(user, *, now=None) -> QuerySet[Person]:
    """Every person this user may open, as a queryset to narrow further."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Person.objects.none()
    now = now or timezone.now()
    named = RestrictedAccess.objects.filter(person=OuterRef("pk"), user=user)
    return Person.objects.filter(
        (Q(is_restricted=False) & _relationship_q(user, now))
        | (Q(is_restricted=True) & Exists(named))
    )


def people_searchable_by(user) -> QuerySet[Person]:
    """Every person whose existence this user may learn of: all but others' sealed records."""
    named = RestrictedAccess.objects.filter(person=OuterRef("pk"), user=user)
    return Person.objects.filter(Q(is_restricted=False) | Exists(named)).filter(
        merged_into__isnull=True  # a retired duplicate: its record lives on in the kept one
    )


def grants_for(user, person_id, *, now=None) -> list[Grant]:
    """Which relationships give this user sight of this person (empty: none)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    now = now or timezone.now()
    person = Person.objects.filter(pk=person_id).values("is_restricted").first()
    if person is None:
        return []
    if person["is_restricted"]:
        named = RestrictedAccess.objects.filter(person_id=person_id, user=user).exists()
        return [Grant(SEALED_KEY, SEALED_LABEL)] if named else []
    one = Person.objects.filter(pk=person_id)
    return [
        Grant(p.key, p.label)
        for p in providers()
        if one.filter(pk__in=p.person_ids(user, now)).exists()
    ]


def can_view(user, person) -> bool:
    return bool(grants_for(user, person.pk))


def as_uuid(value) -> uuid.UUID | None:
    """A UUID from a URL or form value, or None for anything that is not one."""
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        return None


def access_person(
    user, person_id, *, action: str | None, loader=None, obj=None
) -> tuple[Person, list[Grant]]:
    """The person, if this user may see them; otherwise 404, exactly as for a missing record.

    Writes the audit row: `action` (allowed) when granted, unless action is None (the caller's
    service will record what it does); `<action or access.person>.denied`-style refusal always.
    `loader(person_id)` fetches the person with what the page needs (default: the bare row).
    `obj` is the record of theirs the page is about (e.g. an assessment), named in the audit row
    instead of the person.
    """
    pid = as_uuid(person_id)
    grants = grants_for(user, pid) if pid else []
    if not grants:
        record(
            action=action or "access.person.requested",
            outcome=Outcome.DENIED,
            obj=obj,
            person_id=pid,
            details={} if pid else {"requested_id": str(person_id)[:64]},
        )
        raise Http404("No such record")
    person = loader(pid) if loader else Person.objects.get(pk=pid)
    if action:
        record(
            action=action,
            obj=obj or person,
            person=person,
            relationship=",".join(g.key for g in grants),
        )
    return person, grants


def _has_role(user, *roles: str) -> bool:
    return user.memberships.filter(ended_on__isnull=True, role__in=roles).exists()


def is_data_protection_officer(user) -> bool:
    from cshub.core.vocab import Role

    return user.is_authenticated and _has_role(user, Role.DATA_PROTECTION_OFFICER)


def can_see_access_log(user, person_id) -> bool:
    """'Who has viewed this record': the data protection officer, and managers who may see the
    person themselves."""
    from cshub.core.vocab import Role

    if not user.is_authenticated:
        return False
    if is_data_protection_officer(user):
        return True
    return _has_role(user, Role.MANAGER) and bool(grants_for(user, person_id))


def can_review_break_glass(user) -> bool:
    from cshub.core.vocab import Role

    return user.is_authenticated and _has_role(user, Role.MANAGER, Role.DATA_PROTECTION_OFFICER)
