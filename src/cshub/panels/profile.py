"""Panels on a person's profile and timeline (registered in `PanelsConfig.ready`): referrals,
agenda items (the meeting linked only for those who may open it), the latest risk judgement per
harm type, reviews due, and HSB incidents with this child's own role."""

from __future__ import annotations

from django.utils import timezone

from cshub.people.profile import ProfileSection
from cshub.people.timeline import TimelineEntry

from . import policy, rules
from .models import AgendaItem, HsbInvolvement, Referral, Review, RiskJudgement


def _context(user, person) -> dict:
    coordinator = policy.can_coordinate(user)
    items = list(
        AgendaItem.objects.filter(subject_person=person)
        .select_related("meeting__panel")
        .order_by("-meeting__starts_at")
    )
    invited = set(
        AgendaItem.objects.filter(
            pk__in=[i.pk for i in items], meeting__invitees__user=user
        ).values_list("pk", flat=True)
    )
    for item in items:
        item.can_open = coordinator or item.pk in invited
    latest: dict[str, RiskJudgement] = {}
    for j in RiskJudgement.objects.filter(person=person).order_by("judged_on"):
        latest[j.harm_type] = j
    for j in latest.values():
        j.level_label = rules.risk_label(j.level)
    return {
        "referrals": list(
            Referral.objects.filter(subject_person=person).select_related("referring_agency")
        ),
        "items": items,
        "judgements": sorted(latest.values(), key=lambda j: -j.rank),
        "reviews": list(Review.objects.filter(person=person, held_item__isnull=True)),
        "hsb": list(
            HsbInvolvement.objects.filter(person=person)
            .select_related("incident")
            .prefetch_related("interventions")
        ),
        "can_refer": policy.user_agencies(user).exists(),
        "can_record_hsb": policy.can_record_hsb(user),
    }


PROFILE_SECTION = ProfileSection(
    key="panels",
    title="Panels",
    template="panels/_profile_section.html",
    context=_context,
    order=60,
)


def panel_events(person):
    for item in AgendaItem.objects.filter(subject_person=person).select_related("meeting__panel"):
        yield TimelineEntry(
            timezone.localdate(item.meeting.starts_at),
            f"On the agenda: {item.meeting.panel.name}",
            item.decision[:200] if item.decision else "",
            "Panels",
        )
    for inv in HsbInvolvement.objects.filter(person=person).select_related("incident"):
        yield TimelineEntry(
            inv.incident.occurred_on,
            f"HSB incident ({inv.get_role_display().lower()})",
            inv.incident.get_hackett_level_display(),
            "HSB",
        )
