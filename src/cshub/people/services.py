"""Write paths for people. Each runs in one transaction and validates before it saves."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from cshub.audit.services import record
from cshub.core.vocab import DatePrecision, Ethnicity, Sex

from .models import Identifier, Person


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
