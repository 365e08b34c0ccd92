"""The Front Door's relationship with the people in its contacts, registered with `access`.

Members of a Front Door team see the people named in a contact while it is in triage, and for
seven days after the decision (to finish the follow-up); after that, the receiving team's
allocation is what gives sight of the child. A partner who raised a contact gets no relationship
with the child's record: they see their own contact and its outcome, nothing more.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q

from cshub.access.registry import RelationshipProvider
from cshub.core.vocab import TeamFunction
from cshub.people.timeline import TimelineEntry

from .choices import ContactState
from .models import ContactSubject

AFTER_DECISION = timedelta(days=7)


def is_front_door(user) -> bool:
    return user.memberships.filter(
        ended_on__isnull=True, team__function=TeamFunction.FRONT_DOOR
    ).exists()


def _front_door_triage(user, now):
    if not is_front_door(user):
        return ContactSubject.objects.none().values_list("person_id", flat=True)
    return ContactSubject.objects.filter(
        Q(contact__state=ContactState.IN_TRIAGE)
        | Q(
            contact__state=ContactState.DECIDED,
            contact__decision__decided_at__gte=now - AFTER_DECISION,
        )
    ).values_list("person_id", flat=True)


FRONT_DOOR_TRIAGE = RelationshipProvider(
    "front_door_triage",
    "A contact about them is with the Integrated Front Door",
    _front_door_triage,
)


def contact_events(person):
    for link in person.contact_links.select_related("contact__decision").filter(
        contact__state__in=[ContactState.IN_TRIAGE, ContactState.DECIDED]
    ):
        contact = link.contact
        yield TimelineEntry(
            contact.received_at.date(),
            f"Contact {contact.reference} received",
            f"{link.get_role_display()}",
            "Front Door",
        )
        decision = getattr(contact, "decision", None)
        if decision is not None:
            yield TimelineEntry(
                decision.decided_at.date(),
                f"Front Door decision: {decision.get_outcome_display()}",
                "",
                "Front Door",
            )
