"""Write paths for people. Each runs in one transaction and validates before it saves."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cshub.audit.services import record
from cshub.core.vocab import AllocationRole, CaseStatus, DatePrecision, Ethnicity, Sex

from .models import Alias, Allocation, Case, CaseHarm, Identifier, Person, PersonMerge
from .selectors import person_references


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


# --- merging two records of one person, and splitting them again -------------------------------

# The person's own fields a merge fills on the kept record when it has none (never overwrites).
_FILLED_FIELDS = ("middle_names", "preferred_name", "gender_identity", "school_id")
_NOT_KNOWN = {"sex": Sex.NOT_KNOWN, "ethnicity": Ethnicity.NOT_OBTAINED}


def _move_rows(model, field: str, pks: list, to: Person) -> tuple[list, list]:
    """Repoint rows to `to`; a row that cannot move (it would duplicate a fact `to` holds, or a
    relationship would join `to` to itself) stays where it is. Returns (moved, left)."""
    manager = model._base_manager
    try:
        with transaction.atomic():
            manager.filter(pk__in=pks).update(**{field: to})
        return pks, []
    except IntegrityError:
        pass
    moved, left = [], []
    for pk in pks:
        try:
            with transaction.atomic():
                manager.filter(pk=pk).update(**{field: to})
            moved.append(pk)
        except IntegrityError:
            left.append(pk)
    return moved, left


def _ref(model, field: str, pk) -> dict:
    return {"model": model._meta.label, "field": field, "pk": str(pk)}


def merge_counts(ledger: list[dict]) -> dict[str, int]:
    """{verbose name plural: rows} for a ledger, for pages and audit details."""
    from django.apps import apps

    counts: dict[str, int] = {}
    for entry in ledger:
        model = apps.get_model(entry["model"])
        name = str(model._meta.verbose_name_plural)
        counts[name] = counts.get(name, 0) + 1
    return dict(sorted(counts.items()))


@transaction.atomic
def person_merge(*, actor, kept: Person, absorbed: Person, reason: str) -> PersonMerge:
    """Merge `absorbed` into `kept`: every record that named `absorbed` (cases, contacts,
    assessments, episodes, panel items, source records, relationships... in every app) now names
    `kept`. Nothing is deleted: the absorbed record is retired (`merged_into`), keeps the rows
    that could not move, and `person_split` undoes it all from the ledger."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why these are the same person."})
    locked = {
        p.pk: p for p in Person.objects.select_for_update().filter(pk__in=[kept.pk, absorbed.pk])
    }
    if kept.pk == absorbed.pk or len(locked) != 2:
        raise ValidationError("Choose two different people to merge.")
    kept, absorbed = locked[kept.pk], locked[absorbed.pk]
    for person in (kept, absorbed):
        if person.merged_into_id:
            raise ValidationError(
                f"{person.full_name} was already merged into another record: "
                "merge with that record instead."
            )
    moved, left = [], []
    for model, field in person_references():
        pks = list(model._base_manager.filter(**{field: absorbed}).values_list("pk", flat=True))
        if not pks:
            continue
        done, stayed = _move_rows(model, field, pks, kept)
        moved += [_ref(model, field, pk) for pk in done]
        left += [_ref(model, field, pk) for pk in stayed]
    kept_before = {}
    if absorbed.is_restricted and not kept.is_restricted:
        kept_before["is_restricted"] = False
        kept.is_restricted = True  # the stricter of the two: a sealed record stays sealed
    if kept.date_of_birth is None and absorbed.date_of_birth is not None:
        kept_before["date_of_birth"] = None
        kept_before["date_of_birth_precision"] = kept.date_of_birth_precision
        kept.date_of_birth = absorbed.date_of_birth
        kept.date_of_birth_precision = absorbed.date_of_birth_precision
    for name, unknown in _NOT_KNOWN.items():
        if getattr(kept, name) == unknown and getattr(absorbed, name) != unknown:
            kept_before[name] = unknown
            setattr(kept, name, getattr(absorbed, name))
    for name in _FILLED_FIELDS:
        if not getattr(kept, name) and getattr(absorbed, name):
            kept_before[name] = getattr(kept, name)
            setattr(kept, name, getattr(absorbed, name))
    created_alias = None
    if (absorbed.given_name, absorbed.family_name) != (kept.given_name, kept.family_name):
        created_alias = Alias.objects.create(
            person=kept,
            kind=Alias.Kind.ALIAS,
            given_name=absorbed.given_name,
            family_name=absorbed.family_name,
        )
    kept.save()
    absorbed.merged_into = kept
    absorbed.save(update_fields=["merged_into", "updated_at"])
    merge = PersonMerge(
        kept=kept,
        absorbed=absorbed,
        merged_by=actor,
        reason=reason,
        moved=moved,
        left=left,
        absorbed_state={
            "kept_before": {k: (str(v) if v is not None else None) for k, v in kept_before.items()},
            "kept_after": {
                k: (str(getattr(kept, k)) if getattr(kept, k) is not None else None)
                for k in kept_before
            },
            "alias_created": created_alias.pk if created_alias else None,
        },
    )
    merge.full_clean()
    merge.save()
    details = {"merge": str(merge.pk), "moved": merge_counts(moved), "left": len(left)}
    for person_id, other in ((kept.pk, {"absorbed": str(absorbed.pk)}),
                             (absorbed.pk, {"kept": str(kept.pk)})):  # fmt: skip
        record(
            action="people.person.merged",
            actor=actor,
            obj=merge,
            person_id=person_id,
            reason=reason,
            details={**details, **other},
        )
    return merge


def _restore(name: str, value: str | None):
    if value is None:
        return None
    field = Person._meta.get_field(name.removesuffix("_id"))
    return (field.target_field if field.is_relation else field).to_python(value)


@transaction.atomic
def person_split(*, actor, merge: PersonMerge, reason: str) -> PersonMerge:
    """Undo a merge from its ledger: every row it moved goes back to the absorbed record, the
    kept record's filled-in fields are restored (unless changed since), the absorbed record
    returns to use. Rows added to the kept record after the merge stay with it."""
    from django.apps import apps

    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why these are two people."})
    merge = PersonMerge.objects.select_for_update().get(pk=merge.pk)
    if merge.is_split:
        raise ValidationError("This merge has already been split.")
    kept = Person.objects.select_for_update().get(pk=merge.kept_id)
    absorbed = Person.objects.select_for_update().get(pk=merge.absorbed_id)
    if kept.merged_into_id:
        raise ValidationError(
            f"{kept.full_name} has since been merged into another record: split that merge first."
        )
    moved_back, gone = 0, []
    for entry in merge.moved:
        model = apps.get_model(entry["model"])
        n = model._base_manager.filter(pk=entry["pk"], **{entry["field"]: kept}).update(
            **{entry["field"]: absorbed}
        )
        if n:
            moved_back += 1
        else:
            gone.append(entry)
    state = merge.absorbed_state or {}
    restored, kept_changed = [], []
    for name, before in (state.get("kept_before") or {}).items():
        now = getattr(kept, name)
        after = (state.get("kept_after") or {}).get(name)
        if (str(now) if now is not None else None) == after:
            setattr(kept, name, _restore(name, before))
            restored.append(name)
        else:
            kept_changed.append(name)
    if state.get("alias_created"):
        Alias.objects.filter(pk=state["alias_created"], person=kept).delete()
    kept.save()
    absorbed.merged_into = None
    absorbed.save(update_fields=["merged_into", "updated_at"])
    merge.split_at = timezone.now()
    merge.split_by = actor
    merge.split_reason = reason
    merge.split_report = {
        "moved_back": moved_back,
        "not_found": gone,
        "restored": restored,
        "changed_since": kept_changed,
    }
    merge.save()
    details = {"merge": str(merge.pk), "moved_back": moved_back, "not_found": len(gone)}
    for person_id in (kept.pk, absorbed.pk):  # one row on each record's history
        record(
            action="people.person.split",
            actor=actor,
            obj=merge,
            person_id=person_id,
            reason=reason,
            details=details,
        )
    return merge
