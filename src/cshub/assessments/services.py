"""Write paths for assessments. Each runs in one transaction, locks the assessment it changes,
checks the workflow state and (for edits) the version the user started from, validates, saves,
and writes its audit row.

A second submit, approval or return of the same assessment (a double click, a second tab, two
managers at once) finds it already moved on and changes nothing: the row is locked
(`select_for_update`) and its state checked inside the transaction, and the save itself is
conditional on the version read (compare-and-swap), so the database refuses a lost update even
where row locks are not available.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cshub.accounts.models import Membership, Team
from cshub.audit.services import record
from cshub.core.vocab import HarmType, RiskLevel, Role
from cshub.people.models import Case, Person

from . import workflow
from .models import (
    AIM3_FIELDS,
    AUTHOR_ROLES,
    BACE_SECTIONS,
    COMPLETING_FUNCTIONS,
    Aim3Outcome,
    Assessment,
    AssessmentKind,
    AssessmentState,
    HarmRisk,
)

REVIEW_WITHIN = timedelta(days=366)  # a review date at most a year ahead
TEXT_FIELDS = (
    "child_voice",
    "child_voice_not_obtained",
    "parent_view",
    "parent_view_not_obtained",
    *(field for field, _label in BACE_SECTIONS),
)
BACE_FIELDS = TEXT_FIELDS
AIM3_EDITABLE = (*AIM3_FIELDS, "analysis", "recommended_actions")


def _locked(assessment: Assessment) -> Assessment:
    return (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("person", "submitted_by", "approved_by", "returned_by", "updated_by")
        .get(pk=assessment.pk)
    )


def _save_if_version(assessment: Assessment, *, expected: int, fields: list[str], now) -> None:
    """Write `fields` only if the row is still at `expected`; bump the version."""
    values = {f: getattr(assessment, f) for f in fields}
    updated = Assessment.objects.filter(pk=assessment.pk, version=expected).update(
        **values, version=expected + 1, updated_at=now
    )
    if updated != 1:  # only reachable where row locks are not available
        raise workflow.VersionConflict(
            "This assessment was changed while you were saving it: nothing was saved. "
            "Reload the page and try again.",
            code="stale_version",
        )
    assessment.version = expected + 1
    assessment.updated_at = now


def completing_teams_for(*, user, kind: str) -> list[Team]:
    """The teams in which this user may start an assessment of this kind."""
    return list(
        Team.objects.filter(
            memberships__user=user,
            memberships__ended_on__isnull=True,
            memberships__role__in=AUTHOR_ROLES,
            function__in=COMPLETING_FUNCTIONS.get(kind, ()),
        )
        .select_related("agency")
        .distinct()
        .order_by("name")
    )


@transaction.atomic
def assessment_create(
    *,
    actor,
    person: Person,
    kind: str,
    team: Team,
    case: Case | None = None,
    relationship: str = "",
) -> Assessment:
    """Start an assessment of `person` in `team` (one of the actor's current completing teams)."""
    if kind not in AssessmentKind.values:
        raise ValidationError({"kind": "Choose BACE or AIM3."})
    if team not in completing_teams_for(user=actor, kind=kind):
        label = AssessmentKind(kind).label
        raise ValidationError({"team": f"Choose one of your teams that completes the {label}."})
    if case is not None and case.person_id != person.pk:
        raise ValidationError({"case": "Choose one of this person's cases."})
    now = timezone.now()
    assessment = Assessment(
        kind=kind,
        person=person,
        case=case,
        team=team,
        author=actor,
        updated_by=actor,
        started_on=timezone.localdate(now),
    )
    assessment.full_clean()
    assessment.save()
    record(
        action="assessments.assessment.created",
        actor=actor,
        obj=assessment,
        person=person,
        relationship=relationship,
        details={"kind": kind, "team": team.code},
    )
    return assessment


def _clean_text(value) -> str:
    return (value or "").replace("\r\n", "\n").strip()


@transaction.atomic
def assessment_update(
    *,
    actor,
    assessment: Assessment,
    version: int,
    sections: Mapping[str, object],
    relationship: str = "",
) -> Assessment:
    """Save the sections of a draft or returned assessment, if nobody saved it since `version`.

    `sections` holds the fields of the assessment's kind (BACE: the voices and narrative
    sections; AIM3: outcome level, who completed it and when, summary and actions). Fields of
    the other kind, or unknown ones, are refused.
    """
    current = _locked(assessment)
    workflow.assessment_editable(current)
    workflow.assessment_version_current(current, version)
    allowed = BACE_FIELDS if current.kind == AssessmentKind.BACE else AIM3_EDITABLE
    unknown = sorted(set(sections) - set(allowed))
    if unknown:
        raise ValidationError(
            f"These are not sections of a {current.short_kind} assessment: {', '.join(unknown)}."
        )
    changed = []
    for field in allowed:
        if field not in sections:
            continue
        value = sections[field]
        if field == "aim3_outcome":
            value = value or ""
            if value and value not in Aim3Outcome.values:
                raise ValidationError({"aim3_outcome": "Choose low, medium or high."})
        elif field == "aim3_completed_by":
            if value is not None and not _may_complete_aim3(value):
                raise ValidationError(
                    {
                        "aim3_completed_by": "Choose a current practitioner or manager of a "
                        "team that completes AIM3 assessments."
                    }
                )
        elif field != "aim3_completed_on":
            value = _clean_text(value)
        if getattr(current, field) != value:
            setattr(current, field, value)
            changed.append(field)
    now = timezone.now()
    current.updated_by = actor
    current.full_clean()
    _save_if_version(current, expected=version, fields=[*changed, "updated_by"], now=now)
    record(
        action="assessments.assessment.updated",
        actor=actor,
        obj=current,
        person_id=current.person_id,
        relationship=relationship,
        details={"changed": changed, "version": current.version},
    )
    return current


def _may_complete_aim3(user) -> bool:
    return (
        user.is_active
        and Membership.objects.filter(
            user=user,
            ended_on__isnull=True,
            role__in=AUTHOR_ROLES,
            team__function__in=COMPLETING_FUNCTIONS[AssessmentKind.AIM3],
        ).exists()
    )


@transaction.atomic
def assessment_risks_set(
    *,
    actor,
    assessment: Assessment,
    version: int,
    risks: Mapping[str, tuple[str, str]],
    relationship: str = "",
) -> Assessment:
    """Replace a BACE's risk per harm type: {harm type: (risk level, indicators)}. A harm type
    left out is not assessed. Unknown harm types or risk levels are refused, all or nothing."""
    current = _locked(assessment)
    workflow.assessment_editable(current)
    if current.kind != AssessmentKind.BACE:
        raise ValidationError("Risk per harm type is recorded on BACE assessments only.")
    workflow.assessment_version_current(current, version)
    errors = []
    for harm, (level, _indicators) in risks.items():
        if harm not in HarmType.values:
            errors.append(f"‘{harm}’ is not a harm type cshub knows: nothing was saved.")
        elif level not in RiskLevel.values:
            label = HarmType(harm).label.lower()
            errors.append(
                f"‘{level}’ is not a risk level for {label}: choose no risk identified, low, "
                "medium or high."
            )
    if errors:
        raise ValidationError(errors)
    rows = [
        HarmRisk(assessment=current, harm_type=harm, risk_level=level, indicators=_clean_text(text))
        for harm, (level, text) in sorted(risks.items())
    ]
    for row in rows:
        row.full_clean(exclude=["assessment"], validate_unique=False)
    before = {r.harm_type: r.risk_level for r in current.risks.all()}
    current.risks.all().delete()
    HarmRisk.objects.bulk_create(rows)
    now = timezone.now()
    current.updated_by = actor
    _save_if_version(current, expected=version, fields=["updated_by"], now=now)
    record(
        action="assessments.assessment.risks_updated",
        actor=actor,
        obj=current,
        person_id=current.person_id,
        relationship=relationship,
        details={
            "risks": {r.harm_type: r.risk_level for r in rows},
            "before": before,
            "version": current.version,
        },
    )
    return current


@transaction.atomic
def assessment_submit(
    *, actor, assessment: Assessment, version: int | None = None, relationship: str = ""
) -> Assessment:
    """Submit a complete draft (or a returned assessment) for a manager's approval. Lists every
    missing section at once. A second submit changes nothing and says when the first was."""
    current = _locked(assessment)
    workflow.assessment_submittable(current)
    if version is not None:
        workflow.assessment_version_current(current, version)
    missing = current.missing_for_submission()
    if missing:
        raise ValidationError(missing, code="incomplete")
    now = timezone.now()
    expected = current.version
    current.state = AssessmentState.SUBMITTED
    current.submitted_at = now
    current.submitted_by = actor
    current.updated_by = actor
    current.full_clean()
    _save_if_version(
        current,
        expected=expected,
        fields=["state", "submitted_at", "submitted_by", "updated_by"],
        now=now,
    )
    record(
        action="assessments.assessment.submitted",
        actor=actor,
        obj=current,
        person_id=current.person_id,
        relationship=relationship,
        details={"kind": current.kind, "team_id": current.team_id},
    )
    return current


def _check_decider(actor, assessment: Assessment, verb: str) -> None:
    if actor.pk == assessment.author_id:
        raise ValidationError(f"You wrote this assessment: another manager must {verb} it.")
    if actor.pk == assessment.submitted_by_id:
        raise ValidationError(f"You submitted this assessment: another manager must {verb} it.")
    is_manager = Membership.objects.filter(
        user=actor, team_id=assessment.team_id, role=Role.MANAGER, ended_on__isnull=True
    ).exists()
    if not is_manager:
        raise ValidationError(f"Only a manager of the completing team may {verb} it.")


@transaction.atomic
def assessment_return(
    *, actor, assessment: Assessment, reason: str, relationship: str = ""
) -> Assessment:
    """A manager of the completing team sends a submitted assessment back, saying why."""
    current = _locked(assessment)
    workflow.assessment_awaiting_decision(current)
    _check_decider(actor, current, "return")
    reason = _clean_text(reason)
    if not reason:
        raise ValidationError({"reason": "Say what needs to change before you can approve it."})
    now = timezone.now()
    expected = current.version
    current.state = AssessmentState.RETURNED
    current.returned_at = now
    current.returned_by = actor
    current.return_reason = reason
    current.updated_by = actor
    current.full_clean()
    _save_if_version(
        current,
        expected=expected,
        fields=["state", "returned_at", "returned_by", "return_reason", "updated_by"],
        now=now,
    )
    record(
        action="assessments.assessment.returned",
        actor=actor,
        obj=current,
        person_id=current.person_id,
        relationship=relationship,
        reason=reason,
    )
    return current


@transaction.atomic
def assessment_approve(
    *, actor, assessment: Assessment, review_on: date | None, relationship: str = ""
) -> Assessment:
    """A manager of the completing team (never its author) approves a submitted assessment and
    sets when it is to be reviewed: today or later, within a year."""
    current = _locked(assessment)
    workflow.assessment_awaiting_decision(current)
    _check_decider(actor, current, "approve")
    now = timezone.now()
    today = timezone.localdate(now)
    if review_on is None:
        raise ValidationError({"review_on": "Enter the date this assessment is to be reviewed."})
    if review_on < today:
        raise ValidationError({"review_on": "The review date must be today or in the future."})
    if review_on > today + REVIEW_WITHIN:
        raise ValidationError({"review_on": "The review date must be within the next 12 months."})
    expected = current.version
    current.state = AssessmentState.APPROVED
    current.approved_at = now
    current.approved_by = actor
    current.review_on = review_on
    current.updated_by = actor
    current.full_clean()
    _save_if_version(
        current,
        expected=expected,
        fields=["state", "approved_at", "approved_by", "review_on", "updated_by"],
        now=now,
    )
    record(
        action="assessments.assessment.approved",
        actor=actor,
        obj=current,
        person_id=current.person_id,
        relationship=relationship,
        details={"review_on": review_on.isoformat(), "kind": current.kind},
    )
    return current
