"""Write path for disruption activity: validated first, one transaction, audited."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cshub.accounts.models import Agency
from cshub.audit.services import record

from .models import Activity


def activity_record(
    *,
    actor,
    kind: str,
    occurred_on: date,
    agency: Agency,
    four_p: str,
    outcome: str,
    notes: str = "",
    target_person=None,
    target_place=None,
    target_group=None,
    children=(),
) -> Activity:
    errors: dict = {}
    if occurred_on > timezone.localdate():
        errors["occurred_on"] = [
            "Record activity once it has happened; this date is in the future."
        ]
    targets = [t for t in (target_person, target_place, target_group) if t is not None]
    if len(targets) != 1:
        errors["target"] = ["A disruption has one target: a person, a place or a group."]
    children = list(children)
    if target_person is not None and any(c.pk == target_person.pk for c in children):
        errors["children"] = ["The target cannot be one of the children it protects."]
    if errors:
        raise ValidationError(errors)
    activity = Activity(
        kind=kind,
        occurred_on=occurred_on,
        agency=agency,
        four_p=four_p,
        outcome=outcome,
        notes=notes.strip(),
        target_person=target_person,
        target_place=target_place,
        target_group=target_group,
        recorded_by=actor,
    )
    activity.full_clean(validate_constraints=False)
    with transaction.atomic():
        activity.save(force_insert=True)
        activity.children.set(children)
        record(
            action="disruption.activity.recorded",
            obj=activity,
            person=target_person,
            details={
                "kind": kind,
                "outcome": outcome,
                "children": [str(c.pk) for c in children],
            },
        )
    return activity
