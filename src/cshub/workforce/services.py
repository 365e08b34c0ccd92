"""Write paths for training records and HSB consultations: each validates everything first, runs
in one transaction, records who did it and audits itself; a refused call changes nothing."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cshub.accounts.models import Agency, User
from cshub.audit.services import record
from cshub.core.days import check_past_day, long_date
from cshub.people.models import Person

from .choices import ConsultationStatus, Course
from .models import HsbConsultation, TrainingRecord
from .policy import hsb_staff

TEXT_MAX = 200


def _lock(user: User) -> None:
    User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True).first()


def training_record_add(
    *,
    actor,
    user: User,
    course: str,
    completed_on: date | None,
    expires_on: date | None = None,
    provider: str = "",
) -> TrainingRecord:
    """Record that `user` completed `course`. Refused: an unknown course, a completion date in
    the future, an expiry on or before completion, and the same course already recorded as
    completed that day for that member of staff."""
    errors: dict = {}
    if course not in Course.values:
        errors["course"] = ["Choose a course from the list."]
    check_past_day(errors, "completed_on", completed_on, what="the course was completed")
    if "completed_on" not in errors and expires_on is not None and expires_on <= completed_on:
        errors["expires_on"] = ["The expiry date must be after the completion date."]
    provider = (provider or "").strip()
    if len(provider) > TEXT_MAX:
        errors["provider"] = [f"Keep the provider to {TEXT_MAX} characters or fewer."]
    if not user.is_active:
        errors["user"] = [f"{user}'s account is not active."]
    if errors:
        raise ValidationError(errors)
    assert completed_on is not None  # checked above; for the type checker
    with transaction.atomic():
        _lock(user)
        if TrainingRecord.objects.filter(
            user=user, course=course, completed_on=completed_on
        ).exists():
            raise ValidationError(
                {
                    "completed_on": [
                        f"{user} already has {Course(course).label} recorded as completed on "
                        f"{long_date(completed_on)}."
                    ]
                }
            )
        training = TrainingRecord(
            user=user,
            course=course,
            completed_on=completed_on,
            expires_on=expires_on,
            provider=provider,
            recorded_by=actor,
            recorded_at=timezone.now(),
        )
        training.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                training.save(force_insert=True)
        except IntegrityError as exc:  # a racing identical post that got in first
            raise ValidationError("This training has just been recorded.") from exc
        record(
            action="workforce.training.recorded",
            actor=actor,
            obj=training,
            details={
                "user": user.get_username(),
                "course": course,
                "completed_on": completed_on.isoformat(),
                "expires_on": expires_on.isoformat() if expires_on else None,
            },
        )
    return training


def hsb_consultation_record(
    *,
    actor,
    offered_on: date | None,
    offered_by: User | None,
    offered_to_agency: Agency | None,
    offered_to_name: str,
    person: Person | None = None,
    status: str = ConsultationStatus.OFFERED,
    notes: str = "",
) -> HsbConsultation:
    """Record an HSB consultation the HSB service offered. Refused: a date in the future (or
    before the child was born), an offer by someone not in the HSB service, no agency or
    practitioner, an unknown answer, and the same consultation recorded twice."""
    errors: dict = {}
    check_past_day(
        errors,
        "offered_on",
        offered_on,
        what="the consultation was offered",
        born=person.date_of_birth if person is not None else None,
        who="the child",
    )
    if offered_by is None or not hsb_staff().filter(pk=offered_by.pk).exists():
        errors["offered_by"] = [
            "Consultations are offered by the HSB service: choose one of its staff."
        ]
    if offered_to_agency is None:
        errors["offered_to_agency"] = ["Choose the agency the consultation was offered to."]
    offered_to_name = (offered_to_name or "").strip()
    if not offered_to_name:
        errors["offered_to_name"] = ["Say who was offered it: the practitioner's name or role."]
    elif len(offered_to_name) > TEXT_MAX:
        errors["offered_to_name"] = [f"Keep this to {TEXT_MAX} characters or fewer."]
    if status not in ConsultationStatus.values:
        errors["status"] = ["Choose whether the consultation was taken up."]
    if errors:
        raise ValidationError(errors)
    assert offered_by is not None and offered_on is not None  # checked above
    notes = (notes or "").strip()
    with transaction.atomic():
        _lock(offered_by)
        twin = HsbConsultation.objects.filter(
            offered_on=offered_on,
            offered_by=offered_by,
            offered_to_agency=offered_to_agency,
            offered_to_name__iexact=offered_to_name,
            person=person,
        )
        if twin.exists():
            raise ValidationError(
                f"This consultation is already recorded: offered by {offered_by} to "
                f"{offered_to_name} on {long_date(offered_on)}. Nothing has been saved."
            )
        consultation = HsbConsultation(
            offered_on=offered_on,
            offered_by=offered_by,
            offered_to_agency=offered_to_agency,
            offered_to_name=offered_to_name,
            person=person,
            status=status,
            notes=notes,
            recorded_by=actor,
            recorded_at=timezone.now(),
        )
        consultation.full_clean(validate_constraints=False)
        consultation.save(force_insert=True)
        record(
            action="workforce.consultation.recorded",
            actor=actor,
            obj=consultation,
            person=person,
            details={
                "offered_on": offered_on.isoformat(),
                "offered_by": offered_by.get_username(),
                "agency": offered_to_agency.code,
                "status": status,
            },
        )
    return consultation
