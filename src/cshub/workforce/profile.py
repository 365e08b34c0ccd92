"""HSB consultations about a child, on their profile (registered in `WorkforceConfig.ready`).
Runs after `access_person` has granted the page."""

from __future__ import annotations

from cshub.people.profile import ProfileSection

from . import policy
from .models import HsbConsultation


def _context(user, person) -> dict:
    return {
        "consultations": list(
            HsbConsultation.objects.filter(person=person).select_related(
                "offered_by", "offered_to_agency"
            )
        ),
        "can_record": policy.can_record_consultations(user),
    }


PROFILE_SECTION = ProfileSection(
    key="hsb-consultations",
    title="HSB consultations",
    template="workforce/_profile_section.html",
    context=_context,
    order=77,
)
