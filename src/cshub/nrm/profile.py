"""NRM referrals on a person's profile and timeline (registered in `NrmConfig.ready`)."""

from __future__ import annotations

from django.utils import timezone

from cshub.people.profile import ProfileSection
from cshub.people.timeline import TimelineEntry

from .models import Referral
from .policy import can_record


def _context(user, person) -> dict:
    return {
        "referrals": list(Referral.objects.filter(person=person).select_related("first_responder")),
        "can_record": can_record(user),
    }


PROFILE_SECTION = ProfileSection(
    key="nrm",
    title="National Referral Mechanism",
    template="nrm/_profile_section.html",
    context=_context,
    order=70,
)


def nrm_events(person):
    for r in Referral.objects.filter(person=person).select_related("first_responder"):
        yield TimelineEntry(
            timezone.localdate(r.submitted_at),
            "NRM referral submitted",
            r.first_responder.name,
            "NRM",
        )
        if r.reasonable_grounds_on:
            yield TimelineEntry(
                r.reasonable_grounds_on,
                f"NRM reasonable grounds: {r.get_reasonable_grounds_display().lower()}",
                "",
                "NRM",
            )
        if r.conclusive_grounds_on:
            yield TimelineEntry(
                r.conclusive_grounds_on,
                f"NRM conclusive grounds: {r.get_conclusive_grounds_display().lower()}",
                "",
                "NRM",
            )
