"""Write paths for NRM referrals: each validates everything first, runs in one transaction and
audits itself; a refused call changes nothing."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cshub.accounts.models import Agency
from cshub.audit.services import record
from cshub.core import clocks
from cshub.people.models import Case, Person

from .choices import ConclusiveGrounds, ExploitationType, ReasonableGrounds
from .models import Referral


def referral_create(
    *,
    actor,
    person: Person,
    submitted_at: datetime,
    first_responder: Agency,
    exploitation_types: list[str],
    location: str,
    summary: str,
    case: Case | None = None,
) -> Referral:
    errors: dict = {}
    if clocks.in_future(submitted_at, timezone.now()):
        errors["submitted_at"] = ["The referral cannot be submitted in the future."]
    if person.date_of_birth and submitted_at.date() < person.date_of_birth:
        errors["submitted_at"] = ["This is before the child was born."]
    if not exploitation_types:
        errors["exploitation_types"] = ["Choose at least one type of exploitation."]
    elif set(exploitation_types) - set(ExploitationType.values):
        errors["exploitation_types"] = ["Unknown type of exploitation."]
    if case is not None and case.person_id != person.pk:
        errors["case"] = ["That case is not this child's."]
    if not summary.strip():
        errors["summary"] = ["Say why the child is believed to be a victim."]
    if errors:
        raise ValidationError(errors)
    referral = Referral(
        person=person,
        case=case,
        submitted_at=submitted_at,
        first_responder=first_responder,
        exploitation_types=list(dict.fromkeys(exploitation_types)),
        location=location,
        summary=summary.strip(),
        reasonable_grounds_due_at=clocks.nrm_reasonable_grounds_due(submitted_at),
        recorded_by=actor,
    )
    referral.full_clean(validate_constraints=False)
    with transaction.atomic():
        referral.save(force_insert=True)
        record(
            action="nrm.referral.created",
            obj=referral,
            person=person,
            details={"types": referral.exploitation_types, "first_responder": first_responder.code},
        )
    return referral


def referral_decide(
    *,
    actor,
    referral: Referral,
    reasonable_grounds: str,
    reasonable_grounds_on: date | None,
    conclusive_grounds: str = "",
    conclusive_grounds_on: date | None = None,
    decided_by: str = "",
) -> Referral:
    """Record the Home Office's decisions as they arrive (reasonable, then conclusive grounds)."""
    with transaction.atomic():
        referral = Referral.objects.select_for_update().get(pk=referral.pk)
        errors: dict = {}
        today = timezone.localdate()
        submitted = timezone.localdate(referral.submitted_at)
        if reasonable_grounds == ReasonableGrounds.PENDING:
            if reasonable_grounds_on:
                errors["reasonable_grounds_on"] = ["A pending decision has no date."]
            if conclusive_grounds:
                errors["conclusive_grounds"] = ["A conclusive decision follows a positive one."]
        elif reasonable_grounds_on is None:
            errors["reasonable_grounds_on"] = ["Enter the date of the decision."]
        else:
            if reasonable_grounds_on < submitted:
                errors["reasonable_grounds_on"] = ["The decision cannot come before the referral."]
            if reasonable_grounds_on > today:
                errors["reasonable_grounds_on"] = ["This date is in the future."]
        if conclusive_grounds:
            if reasonable_grounds != ReasonableGrounds.POSITIVE:
                errors["conclusive_grounds"] = [
                    "A conclusive grounds decision follows a positive reasonable grounds one."
                ]
            if conclusive_grounds_on is None:
                errors["conclusive_grounds_on"] = ["Enter the date of the conclusive decision."]
            elif reasonable_grounds_on and conclusive_grounds_on < reasonable_grounds_on:
                errors["conclusive_grounds_on"] = ["It cannot come before the reasonable grounds."]
            elif conclusive_grounds_on > today:
                errors["conclusive_grounds_on"] = ["This date is in the future."]
            if conclusive_grounds not in ConclusiveGrounds.values:
                errors["conclusive_grounds"] = ["Unknown decision."]
        elif conclusive_grounds_on:
            errors["conclusive_grounds_on"] = ["Give the decision as well as its date."]
        if reasonable_grounds != ReasonableGrounds.PENDING and not decided_by:
            errors["decided_by"] = ["Say who decided."]
        if errors:
            raise ValidationError(errors)
        referral.reasonable_grounds = reasonable_grounds
        referral.reasonable_grounds_on = reasonable_grounds_on
        referral.conclusive_grounds = conclusive_grounds
        referral.conclusive_grounds_on = conclusive_grounds_on
        referral.decided_by = decided_by
        referral.full_clean(validate_constraints=False)
        referral.save()
        record(
            action="nrm.referral.decided",
            obj=referral,
            person_id=referral.person_id,
            details={"reasonable": reasonable_grounds, "conclusive": conclusive_grounds or None},
        )
    return referral
