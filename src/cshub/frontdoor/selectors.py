"""Read queries for the Front Door, and who may see which contact."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from cshub.access.policy import people_visible_to
from cshub.audit.models import Outcome as AuditOutcome
from cshub.audit.services import record
from cshub.core import clocks

from .choices import ContactState, SubjectRole
from .models import Contact, ContactSubject, Screening
from .relationships import is_front_door


def _with_everything(qs: QuerySet[Contact]) -> QuerySet[Contact]:
    return qs.select_related(
        "raised_by",
        "referrer_agency",
        "referrer_team",
        "decision__receiving_team",
        "decision__decided_by",
    ).prefetch_related(
        "harms",
        Prefetch("subjects", queryset=ContactSubject.objects.select_related("person")),
        Prefetch(
            "screenings",
            queryset=Screening.objects.select_related("person", "completed_by", "tool"),
        ),
        "places__place",
    )


@dataclass(frozen=True)
class QueueRow:
    contact: Contact
    clock: clocks.ClockState


def front_door_queue(*, now=None) -> list[QueueRow]:
    """Contacts in triage: immediate danger first, then the oldest; each with its clock."""
    now = now or timezone.now()
    contacts = _with_everything(
        Contact.objects.filter(state=ContactState.IN_TRIAGE).order_by(
            "-immediate_danger", "received_at", "id"
        )
    )
    return [QueueRow(c, clocks.clock_state(c.decision_due_at, now)) for c in contacts]


def contacts_raised_by(*, user) -> QuerySet[Contact]:
    return _with_everything(Contact.objects.filter(raised_by=user)).order_by("-created_at")


@dataclass(frozen=True)
class ContactAccess:
    contact: Contact
    full: bool  # False: the referrer's own view (what they wrote and the outcome), nothing more
    relationship: str


def access_contact(user, contact_id, *, action: str | None) -> ContactAccess:
    """A contact the user may see, or 404 (same as missing), audited either way.

    Full view: the Front Door (once submitted), or anyone who may see every child on it.
    Referrer's view: the user who raised it. Nobody else."""
    contact = _with_everything(Contact.objects.filter(pk=contact_id)).first()
    access = None
    if contact is not None:
        children = [s.person_id for s in contact.subjects.all() if s.role == SubjectRole.CHILD]
        visible = set(people_visible_to(user).filter(pk__in=children).values_list("pk", flat=True))
        if contact.state != ContactState.DRAFT and is_front_door(user):
            access = ContactAccess(contact, True, "front_door_triage")
        elif children and contact.state != ContactState.DRAFT and set(children) <= visible:
            access = ContactAccess(contact, True, "person_relationship")
        elif contact.raised_by_id == user.pk:
            access = ContactAccess(contact, False, "referrer")
    if access is None:
        record(
            action=action or "frontdoor.contact.requested",
            outcome=AuditOutcome.DENIED,
            details={"requested_id": str(contact_id)},
        )
        raise Http404("No such contact")
    if action:
        record(action=action, obj=contact, relationship=access.relationship)
    return access


# --- counts (for the partnership's KPIs and reports; computed by the database) ------------------


def contact_counts(*, start, end) -> dict[str, dict[str, int]]:
    """Contacts received in [start, end) (aware datetimes), counted by source (the referrer's
    agency kind, or 'not recorded'), by channel, by suspected harm type, and by decision."""
    from django.db.models import Count

    received = Contact.objects.filter(
        state__in=[ContactState.IN_TRIAGE, ContactState.DECIDED],
        received_at__gte=start,
        received_at__lt=end,
    )
    by_source = {
        (row["referrer_agency__kind"] or "not_recorded"): row["n"]
        for row in received.values("referrer_agency__kind").annotate(n=Count("id")).order_by()
    }
    by_channel = {
        row["channel"]: row["n"]
        for row in received.values("channel").annotate(n=Count("id")).order_by()
    }
    by_harm = {
        row["harms__harm_type"]: row["n"]
        for row in received.filter(harms__isnull=False)
        .values("harms__harm_type")
        .annotate(n=Count("id", distinct=True))
        .order_by()
    }
    by_decision = {
        row["decision__outcome"]: row["n"]
        for row in received.filter(decision__isnull=False)
        .values("decision__outcome")
        .annotate(n=Count("id"))
        .order_by()
    }
    return {
        "total": {"contacts": received.count()},
        "by_source": by_source,
        "by_channel": by_channel,
        "by_harm": by_harm,
        "by_decision": by_decision,
    }
