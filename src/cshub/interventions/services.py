"""Write paths for ETE statuses and interventions: each validates everything first, runs in one
transaction (holding the young person's row, so two identical posts cannot both pass the checks),
records who did it and audits itself; a refused call changes nothing."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cshub.accounts.models import Agency
from cshub.audit.services import record
from cshub.core.days import check_past_day, long_date
from cshub.core.vocab import HarmType
from cshub.people.models import Case, Person

from .choices import ENDING_OUTCOMES, EteStatusKind, InterventionKind
from .models import EteStatus, Intervention, InterventionHarm

NOTE_MAX = 200


def _lock(person: Person) -> None:
    Person.objects.select_for_update().filter(pk=person.pk).values_list("pk", flat=True).first()


def ete_status_record(
    *,
    actor,
    person: Person,
    status: str,
    from_date: date | None,
    source: Agency | None = None,
    source_note: str = "",
) -> EteStatus:
    """Record that `person` is in `status` from `from_date` (until their next recorded change).

    Refused: an unknown status, a date in the future or before birth, a second status on a day
    that already has one, and a status the person already holds on that date (record changes,
    not repeats)."""
    errors: dict = {}
    if status not in EteStatusKind.values:
        errors["status"] = ["Choose an education, employment or training status from the list."]
    check_past_day(
        errors, "from_date", from_date, what="the status holds from", born=person.date_of_birth
    )
    source_note = (source_note or "").strip()
    if len(source_note) > NOTE_MAX:
        errors["source_note"] = [f"Keep the source to {NOTE_MAX} characters or fewer."]
    if errors:
        raise ValidationError(errors)
    assert from_date is not None  # checked above; for the type checker
    with transaction.atomic():
        _lock(person)
        same_day = EteStatus.objects.filter(person=person, from_date=from_date).first()
        if same_day is not None:
            raise ValidationError(
                {
                    "from_date": [
                        f"A status is already recorded from {long_date(from_date)} "
                        f"({same_day.get_status_display()}). Each day holds one status."
                    ]
                }
            )
        holding = EteStatus.objects.filter(person=person).holding_on(from_date).first()
        if holding is not None and holding.status == status:
            raise ValidationError(
                {
                    "status": [
                        f"{person.full_name} is already recorded as "
                        f"“{holding.get_status_display()}” on {long_date(from_date)} (since "
                        f"{long_date(holding.from_date)}). Record a status when it changes."
                    ]
                }
            )
        row = EteStatus(
            person=person,
            status=status,
            from_date=from_date,
            source=source,
            source_note=source_note,
            recorded_by=actor,
            recorded_at=timezone.now(),
        )
        row.full_clean(validate_constraints=False)
        row.save(force_insert=True)
        record(
            action="interventions.ete_status.recorded",
            actor=actor,
            obj=row,
            person=person,
            details={
                "status": status,
                "from_date": from_date.isoformat(),
                "source": source.code if source else None,
            },
        )
    return row


def intervention_start(
    *,
    actor,
    person: Person,
    kind: str,
    started_on: date | None,
    harm_types: Iterable[str],
    case: Case | None = None,
    provider: Agency | None = None,
    provider_name: str = "",
) -> Intervention:
    """Record an intervention that has started, with the harms it addresses.

    Refused: an unknown kind or harm type, no harm type, no provider (a partner agency or a
    name), a start in the future or before birth, another young person's case, and the same kind
    of intervention already recorded as starting that day for this young person."""
    errors: dict = {}
    if kind not in InterventionKind.values:
        errors["kind"] = ["Choose a kind of intervention from the list."]
    check_past_day(
        errors,
        "started_on",
        started_on,
        what="the intervention started",
        born=person.date_of_birth,
    )
    if case is not None and case.person_id != person.pk:
        errors["case"] = ["That case is not this young person's."]
    provider_name = (provider_name or "").strip()
    if len(provider_name) > NOTE_MAX:
        errors["provider_name"] = [f"Keep the provider's name to {NOTE_MAX} characters or fewer."]
    elif provider is None and not provider_name:
        errors["provider"] = ["Say who provides it: a partner agency, a provider's name, or both."]
    harms = list(dict.fromkeys(harm_types or ()))
    if not harms:
        errors["harm_types"] = ["Choose at least one harm the intervention addresses."]
    elif unknown := [h for h in harms if h not in HarmType.values]:
        errors["harm_types"] = [f"Unknown harm type: {', '.join(map(str, unknown))[:80]}."]
    if errors:
        raise ValidationError(errors)
    assert started_on is not None  # checked above; for the type checker
    with transaction.atomic():
        _lock(person)
        if Intervention.objects.filter(person=person, kind=kind, started_on=started_on).exists():
            raise ValidationError(
                {
                    "started_on": [
                        f"{InterventionKind(kind).label} starting on {long_date(started_on)} is "
                        f"already recorded for {person.full_name}."
                    ]
                }
            )
        intervention = Intervention(
            person=person,
            case=case,
            kind=kind,
            provider=provider,
            provider_name=provider_name,
            started_on=started_on,
            recorded_by=actor,
            recorded_at=timezone.now(),
        )
        intervention.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                intervention.save(force_insert=True)
        except IntegrityError as exc:  # a racing identical post that got in first
            raise ValidationError("This intervention has just been recorded.") from exc
        InterventionHarm.objects.bulk_create(
            [InterventionHarm(intervention=intervention, harm_type=h) for h in sorted(harms)]
        )
        record(
            action="interventions.intervention.started",
            actor=actor,
            obj=intervention,
            person=person,
            details={
                "kind": kind,
                "started_on": started_on.isoformat(),
                "harm_types": sorted(harms),
                "case": case.reference if case else None,
                "provider": provider.code if provider else None,
            },
        )
    return intervention


def intervention_end(
    *, actor, intervention: Intervention, ended_on: date | None, outcome: str, note: str = ""
) -> Intervention:
    """Record that an ongoing intervention ended, and how. Refused: an intervention already
    ended, no ending outcome, an end in the future or before it started."""
    note = (note or "").strip()
    with transaction.atomic():
        intervention = Intervention.objects.select_for_update().get(pk=intervention.pk)
        if intervention.ended_on is not None:
            raise ValidationError(
                f"This intervention already ended on {long_date(intervention.ended_on)} "
                f"({intervention.get_outcome_display().lower()}). Nothing has been changed."
            )
        errors: dict = {}
        if outcome not in ENDING_OUTCOMES:
            errors["outcome"] = ["Choose how the intervention ended."]
        check_past_day(errors, "ended_on", ended_on, what="the intervention ended")
        if "ended_on" not in errors and ended_on < intervention.started_on:
            errors["ended_on"] = [
                f"It cannot end before it started ({long_date(intervention.started_on)})."
            ]
        if errors:
            raise ValidationError(errors)
        intervention.ended_on = ended_on
        intervention.outcome = outcome
        intervention.outcome_note = note
        intervention.ended_by = actor
        intervention.full_clean(validate_constraints=False)
        intervention.save(update_fields=["ended_on", "outcome", "outcome_note", "ended_by"])
        record(
            action="interventions.intervention.ended",
            actor=actor,
            obj=intervention,
            person_id=intervention.person_id,
            details={"ended_on": ended_on.isoformat(), "outcome": outcome},
        )
    return intervention
