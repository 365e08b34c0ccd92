"""Read paths for panels: queues, agendas and the redacted pack. Subjects are shown to a viewer
only if `access` lets that viewer see them; places and groups are visible to every user."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from cshub.access.policy import people_visible_to

from . import policy, rules
from .choices import ActionStatus, PanelKind, ReferralStatus
from .models import Action, AgendaItem, Meeting, Referral, Review


def meetings_for(user) -> QuerySet[Meeting]:
    meetings = Meeting.objects.select_related("panel", "chair")
    if policy.can_coordinate(user):
        return meetings
    return meetings.filter(invitees__user=user)


def upcoming(meetings: QuerySet[Meeting], now=None) -> QuerySet[Meeting]:
    now = now or timezone.now()
    return meetings.filter(
        Q(starts_at__gte=now - timedelta(days=1)) | Q(minutes_approved_at__isnull=True)
    ).order_by("starts_at")


def waiting_referrals(panel_kind: str | None = None) -> QuerySet[Referral]:
    q = Referral.objects.filter(status=ReferralStatus.WAITING).select_related(
        "referring_agency", "subject_person", "subject_place", "subject_group"
    )
    return q.filter(panel_kind=panel_kind) if panel_kind else q


def reviews_due(today: date | None = None) -> QuerySet[Review]:
    """Reviews not yet held that fall due within `REVIEW_LOOKAHEAD` (or are overdue)."""
    today = today or timezone.localdate()
    return Review.objects.filter(
        held_item__isnull=True, due_on__lte=today + rules.REVIEW_LOOKAHEAD
    ).select_related("person", "initial_item__meeting")


def actions_owned_by(user) -> QuerySet[Action]:
    """Open actions owned by the user or by an agency they act for, overdue first."""
    agencies = policy.member_agencies(user)
    return (
        Action.objects.filter(status=ActionStatus.OPEN)
        .filter(Q(owner_user=user) | Q(owner_user__isnull=True, owner_agency__in=agencies))
        .select_related("meeting__panel", "item", "owner_agency", "owner_user")
        .order_by("due_on")
    )


def overdue_actions(today: date | None = None) -> QuerySet[Action]:
    today = today or timezone.localdate()
    return Action.objects.filter(status=ActionStatus.OPEN, due_on__lt=today).select_related(
        "meeting__panel", "item", "owner_agency", "owner_user"
    )


def carried_actions(meeting: Meeting) -> QuerySet[Action]:
    """Open actions from this panel's earlier meetings that are overdue by this meeting's date:
    they go on its agenda."""
    return overdue_actions(timezone.localdate(meeting.starts_at)).filter(
        meeting__panel=meeting.panel, meeting__starts_at__lt=meeting.starts_at
    )


@dataclass
class PackItem:
    item: AgendaItem
    shown: bool  # False: the recipient may not see this subject; the item is redacted
    judgements: list = field(default_factory=list)
    actions: list = field(default_factory=list)


def _visible_person_ids(user, items) -> set:
    ids = [i.subject_person_id for i in items if i.subject_person_id]
    return set(people_visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))


def agenda(meeting: Meeting, viewer) -> list[PackItem]:
    """The agenda as `viewer` may read it: an item about a person they may not see keeps its
    number and says it is restricted, nothing more."""
    items = list(
        meeting.items.select_related(
            "subject_person", "subject_place", "subject_group", "referral__referring_agency"
        ).prefetch_related("judgements", "actions__owner_agency", "actions__owner_user")
    )
    visible = _visible_person_ids(viewer, items)
    out = []
    for item in items:
        shown = item.subject_person_id is None or item.subject_person_id in visible
        judgements = list(item.judgements.all()) if shown else []
        for j in judgements:
            j.level_label = rules.risk_label(j.level)
        out.append(PackItem(item, shown, judgements, list(item.actions.all()) if shown else []))
    return out


def carried_for(meeting: Meeting, viewer) -> tuple[list[Action], int]:
    """Carried-over actions the viewer may read (those about a person they may see, and those
    about no person), and how many were withheld."""
    carried = list(carried_actions(meeting))
    person_ids = {a.item.subject_person_id for a in carried if a.item_id}
    visible = set(people_visible_to(viewer).filter(pk__in=person_ids).values_list("pk", flat=True))
    shown = [a for a in carried if not a.item_id or a.item.subject_person_id in (visible | {None})]
    return shown, len(carried) - len(shown)


def hsb_referrals_by_source(start: date, end: date) -> list[dict]:
    """HSB panel referrals dated in the period, counted by the referring agency's kind."""
    from django.db.models import Count

    return list(
        Referral.objects.filter(
            panel_kind=PanelKind.HSB, referred_on__gte=start, referred_on__lte=end
        )
        .values("referring_agency__kind")
        .annotate(n=Count("pk"))
        .order_by("-n")
    )
