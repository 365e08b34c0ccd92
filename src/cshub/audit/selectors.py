from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from .models import AuditEvent


@dataclass(frozen=True)
class AuditFilter:
    username: str = ""
    person_id: str = ""
    merged_person_ids: tuple[str, ...] = ()  # records merged into person_id: their history too
    action: str = ""
    outcome: str = ""
    date_from: date | None = None
    date_to: date | None = None


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_events(*, filters: AuditFilter) -> QuerySet[AuditEvent]:
    qs = AuditEvent.objects.all()
    if filters.username:
        qs = qs.filter(actor_username=filters.username)
    if filters.person_id:
        qs = qs.filter(person_id__in=[filters.person_id, *filters.merged_person_ids])
    if filters.action:
        qs = qs.filter(action__startswith=filters.action)
    if filters.outcome:
        qs = qs.filter(outcome=filters.outcome)
    if filters.date_from:
        qs = qs.filter(at__gte=_local_midnight(filters.date_from))
    if filters.date_to:
        qs = qs.filter(at__lt=_local_midnight(filters.date_to + timedelta(days=1)))
    return qs.order_by("-seq")
