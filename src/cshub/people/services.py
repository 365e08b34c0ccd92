"""Write paths for people. Each runs in one transaction and validates before it saves."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from cshub.audit.services import record
from cshub.core.vocab import AllocationRole, CaseStatus, DatePrecision, Ethnicity, Sex

from .models import Allocation, Case, CaseHarm, Identifier, Person


def _identifier_build(*, person: Person, scheme: str, value: str) -> Identifier:
    identifier = Identifier(person=person, scheme=scheme, value=value)
    try:
        identifier.full_clean(exclude=["person"])
    except ValidationError as exc:
        messages = exc.message_dict
        if "__all__" in messages:  # the scheme+value unique constraint
            scheme = identifier.get_scheme_display()
            message = f"This {scheme} is already recorded for another person."
            raise ValidationError({"value": message}) from exc
        raise
    return identifier


@transaction.atomic
def person_create(
    *,
    actor,
    given_name: str,
    family_name: str,
    date_of_birth: date | None,
    date_of_birth_precision: str = DatePrecision.EXACT,
    sex: str = Sex.NOT_KNOWN,
    ethnicity: str = Ethnicity.NOT_OBTAINED,
    middle_names: str = "",
    preferred_name: str = "",
    identifiers: Iterable[tuple[str, str]] = (),
) -> Person:
    """Create a person and their identifiers, all or nothing."""
    if date_of_birth is None:
        date_of_birth_precision = DatePrecision.UNKNOWN
    elif date_of_birth_precision == DatePrecision.UNKNOWN:
        date_of_birth_precision = DatePrecision.EXACT
    person = Person(
        given_name=given_name.strip(),
        middle_names=middle_names.strip(),
        family_name=family_name.strip(),
        preferred_name=preferred_name.strip(),
        date_of_birth=date_of_birth,
        date_of_birth_precision=date_of_birth_precision,
        sex=sex,
        ethnicity=ethnicity,
        created_by=actor,
    )
    person.full_clean()
    built = [_identifier_build(person=person, scheme=s, value=v) for s, v in identifiers if v]
    person.save()
    for identifier in built:
        identifier.person = person
    try:
        with transaction.atomic():
            Identifier.objects.bulk_create(built)
    except IntegrityError as exc:  # two requests raced for the same identifier
        raise ValidationError(
            {"value": "This identifier is already recorded for another person."}
        ) from exc
    record(
        action="people.person.created",
        actor=actor,
        obj=person,
        person=person,
        details={"identifier_schemes": [i.scheme for i in built]},
    )
    return person


@transaction.atomic
def identifier_add(
    *, actor, person: Person, scheme: str, value: str, relationship: str = ""
) -> Identifier:
    identifier = _identifier_build(person=person, scheme=scheme, value=value)
    try:
        with transaction.atomic():
            identifier.save()
    except IntegrityError as exc:
        raise ValidationError(
            {"value": "This identifier is already recorded for another person."}
        ) from exc
    record(
        action="people.identifier.created",
        actor=actor,
        obj=identifier,
        person=person,
        relationship=relationship,
        details={"scheme": identifier.scheme},
    )
    return identifier


def _next_case_reference() -> str:
    """CS- and a number one above the highest so far (the unique constraint catches a race)."""
    from django.db.models import IntegerField, Max
    from django.db.models.functions import Cast, Substr

    highest = (
        Case.objects.filter(reference__regex=r"^CS-[0-9]+$")
        .annotate(n=Cast(Substr("reference", 4), IntegerField()))
        .aggregate(Max("n"))["n__max"]
    )
    return f"CS-{(highest or 0) + 1:06d}"


@transaction.atomic
def case_open_or_update(
    *, actor, person: Person, level: str, harm_types: Iterable[str], opened_on, reason: str
) -> tuple[Case, bool]:
    """The person's open case, given the harm types; or a new case at `level`. Audited."""
    case = Case.objects.select_for_update().filter(person=person, status=CaseStatus.OPEN).first()
    created = case is None
    if created:
        case = Case(
            person=person,
            reference=_next_case_reference(),
            level=level,
            opened_on=opened_on,
            summary=reason,
        )
        case.full_clean()
        case.save()
    existing = set(case.harms.values_list("harm_type", flat=True))
    CaseHarm.objects.bulk_create(
        [CaseHarm(case=case, harm_type=h) for h in sorted(set(harm_types) - existing)]
    )
    record(
        action="people.case.opened" if created else "people.case.updated",
        actor=actor,
        obj=case,
        person=person,
        reason=reason,
        details={"level": case.level, "harm_types": sorted(set(harm_types))},
    )
    return case, created


@transaction.atomic
def case_allocate(
    *, actor, case: Case, team, started_on, worker=None, reason: str = ""
) -> Allocation:
    """Allocate the case to a team (lead if it has no current lead). Allocation gives the team's
    members sight of the person. Locks the case so two allocations cannot race."""
    Case.objects.select_for_update().filter(pk=case.pk).first()
    current = case.allocations.filter(ended_on__isnull=True)
    existing = current.filter(team=team).first()
    if existing is not None:
        return existing
    role = (
        AllocationRole.SUPPORTING
        if current.filter(role=AllocationRole.LEAD).exists()
        else AllocationRole.LEAD
    )
    allocation = Allocation(case=case, team=team, worker=worker, role=role, started_on=started_on)
    allocation.full_clean()
    allocation.save()
    record(
        action="people.allocation.created",
        actor=actor,
        obj=allocation,
        person_id=case.person_id,
        reason=reason,
        details={"team": team.code, "role": role},
    )
    return allocation
