"""Read queries for training records and HSB consultations. Pages narrow them to what the user
may see (`policy.staff_in_scope`, `name_people`); the KPI registry reads the partnership-wide
ones (`staff_trained_in`, `hsb_trained_staff`, `consultations_offered`)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import Exists, OuterRef, QuerySet

from cshub.access.policy import people_visible_to

from .choices import HSB_DELIVERY_COURSES
from .models import HsbConsultation, TrainingRecord


def training_of(*, users) -> QuerySet[TrainingRecord]:
    return (
        TrainingRecord.objects.filter(user__in=users)
        .select_related("user")
        .order_by(
            "user__last_name", "user__first_name", "user__username", "course", "-completed_on"
        )
    )


def staff_trained_in(courses: Iterable[str], *, on: date):
    """Users holding a current training record (`current_on(on)`) for every one of `courses`."""
    from cshub.accounts.models import User

    qs = User.objects.all()
    for course in courses:
        qs = qs.filter(
            Exists(TrainingRecord.objects.current_on(on).filter(user=OuterRef("pk"), course=course))
        )
    return qs


def hsb_trained_staff(*, on: date):
    """Staff able to deliver HSB direct interventions and complete AIM3 assessments on `on`:
    current training in both (`choices.HSB_DELIVERY_COURSES`)."""
    return staff_trained_in(HSB_DELIVERY_COURSES, on=on)


def consultations_offered(start: date, end: date) -> QuerySet[HsbConsultation]:
    """HSB consultations offered from `start` to `end` inclusive, whatever their answer."""
    return HsbConsultation.objects.filter(offered_on__gte=start, offered_on__lte=end)


def consultation_list() -> QuerySet[HsbConsultation]:
    return HsbConsultation.objects.select_related(
        "offered_by", "offered_to_agency", "person"
    ).order_by("-offered_on", "-recorded_at", "id")


def name_people(user, consultations) -> list[HsbConsultation]:
    """Mark each consultation with `person_shown`: its child if this user may see them, else
    None (and `person_hidden` True when there is a child the user may not see)."""
    consultations = list(consultations)
    ids = {c.person_id for c in consultations if c.person_id}
    visible = set(
        people_visible_to(user).filter(pk__in=list(ids)).values_list("pk", flat=True) if ids else ()
    )
    for c in consultations:
        c.person_shown = c.person if c.person_id in visible else None
        c.person_hidden = bool(c.person_id) and c.person_id not in visible
    return consultations
