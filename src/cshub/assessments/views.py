"""Assessment pages. Thin: parse, authorise through `policy.access_assessment` (and so through
`access_person`), call a selector or a service, render.

Every request writes exactly one audit row: the page view (GET), the service's change (a POST
that succeeds), a "refused" row (a POST with bad input or on an assessment that has moved on),
or a "denied" row (no relationship, no role, no such assessment: all a 404).

Bad input answers 400 with a GOV.UK error summary; a step the assessment's state no longer
allows (a second submit, an edit after submission) or a save from a stale version answers 409
Conflict, saying what happened; nothing is changed either way.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from cshub.access.policy import access_person
from cshub.audit.models import Outcome
from cshub.audit.services import record
from cshub.core.forms import add_service_errors

from . import selectors, services, workflow
from .forms import (
    Aim3OutcomeForm,
    ApproveForm,
    AssessmentCreateForm,
    BaceSectionsForm,
    ReturnForm,
    RiskGridForm,
    SubmitForm,
)
from .models import AssessmentKind, AssessmentState
from .policy import (
    Need,
    access_assessment,
    can_decide,
    can_edit,
    can_start_assessment,
    is_team_manager,
)
from .services import AIM3_EDITABLE, BACE_FIELDS

CONFLICT = 409


def _relationship(grants) -> str:
    return ",".join(g.key for g in grants)


def _refused(action: str, assessment, errors, *, conflict: bool = False) -> None:
    record(
        action=action,
        outcome=Outcome.FAILED,
        obj=assessment,
        person_id=assessment.person_id,
        details={"errors": sorted(errors), "conflict": conflict},
    )


def _status(form, conflict: bool) -> int:
    if conflict:
        return CONFLICT
    return 400 if form.errors else 200


@require_http_methods(["GET", "POST"])
def assessment_create(request: HttpRequest, person_id) -> HttpResponse:
    is_post = request.method == "POST"
    action = "assessments.assessment.create_viewed"
    if not can_start_assessment(request.user):  # not in a completing team: no such page
        record(action=action, outcome=Outcome.DENIED, person_id=person_id)
        raise Http404("No such record")
    person, grants = access_person(request.user, person_id, action=None if is_post else action)
    form = AssessmentCreateForm(request.POST or None, user=request.user, person=person)
    if is_post:
        if form.is_valid():
            data = form.cleaned_data
            try:
                assessment = services.assessment_create(
                    actor=request.user,
                    person=person,
                    kind=data["kind"],
                    team=data["team"],
                    case=data["case"],
                    relationship=_relationship(grants),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request, f"{assessment.short_kind} assessment started for {person.full_name}."
                )
                return redirect("assessments:edit", assessment_id=assessment.id)
        record(
            action="assessments.assessment.create_refused",
            outcome=Outcome.FAILED,
            person=person,
            details={"errors": sorted(form.errors)},
        )
    return render(
        request,
        "assessments/create.html",
        {"form": form, "person": person},
        status=400 if form.errors else 200,
    )


@require_GET
def assessment_detail(request: HttpRequest, assessment_id) -> HttpResponse:
    assessment, person, grants = access_assessment(
        request.user, assessment_id, action="assessments.assessment.viewed"
    )
    risks = list(selectors.risks_of(assessment=assessment))
    editable = assessment.is_editable and can_edit(request.user, assessment)
    return render(
        request,
        "assessments/detail.html",
        {
            "assessment": assessment,
            "person": person,
            "risks": risks,
            "can_edit": editable,
            "can_decide": assessment.state == AssessmentState.SUBMITTED
            and can_decide(request.user, assessment),
            "missing": assessment.missing_for_submission(risks) if editable else [],
        },
    )


def _sections_form(assessment, data=None):
    if assessment.kind == AssessmentKind.BACE:
        fields, form_class = BACE_FIELDS, BaceSectionsForm
    else:
        fields, form_class = AIM3_EDITABLE, Aim3OutcomeForm
    initial = {f: getattr(assessment, f) for f in fields}
    if assessment.kind == AssessmentKind.AIM3:
        initial["aim3_completed_by"] = assessment.aim3_completed_by_id
    initial["version"] = assessment.version
    return form_class(data, initial=initial), fields


def _conflict(form, exc, assessment) -> None:
    """Keep what the user typed, show the error, and let a second save (from the version now
    saved) go through once they have compared: nothing is lost on either side."""
    if isinstance(exc, workflow.VersionConflict):
        form.data = form.data.copy()
        form.data["version"] = str(assessment.version)
    add_service_errors(form, exc)


@require_http_methods(["GET", "POST"])
def assessment_edit(request: HttpRequest, assessment_id) -> HttpResponse:
    is_post = request.method == "POST"
    assessment, person, grants = access_assessment(
        request.user,
        assessment_id,
        action=None if is_post else "assessments.assessment.edit_viewed",
        need=Need.EDIT,
    )
    form, fields = _sections_form(assessment, request.POST if is_post else None)
    conflict, saved = False, None
    if is_post:
        if form.is_valid():
            sections = {f: form.cleaned_data[f] for f in fields}
            try:
                services.assessment_update(
                    actor=request.user,
                    assessment=assessment,
                    version=form.cleaned_data["version"],
                    sections=sections,
                    relationship=_relationship(grants),
                )
            except (workflow.WorkflowError, workflow.VersionConflict) as exc:
                conflict = True
                saved = selectors.assessment_with_risks(assessment_id=assessment.id)
                _conflict(form, exc, saved)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "Saved.")
                return redirect("assessments:detail", assessment_id=assessment.id)
        _refused(
            "assessments.assessment.update_refused", assessment, form.errors, conflict=conflict
        )
    return render(
        request,
        "assessments/edit.html",
        {
            "form": form,
            "assessment": assessment,
            "person": person,
            "saved": saved,
            "notice": "" if is_post else _notice(workflow.assessment_editable, assessment),
        },
        status=_status(form, conflict),
    )


def _notice(guard, assessment) -> str:
    """What the guard would say about this assessment now, or "" if the step is open."""
    try:
        guard(assessment)
    except workflow.WorkflowError as exc:
        return exc.messages[0]
    return ""


@require_http_methods(["GET", "POST"])
def assessment_risks(request: HttpRequest, assessment_id) -> HttpResponse:
    is_post = request.method == "POST"
    assessment, person, grants = access_assessment(
        request.user,
        assessment_id,
        action=None if is_post else "assessments.assessment.risks_viewed",
        need=Need.EDIT,
    )
    if assessment.kind != AssessmentKind.BACE:
        if is_post:
            _refused("assessments.assessment.risks_refused", assessment, ["kind"])
        return redirect("assessments:edit", assessment_id=assessment.id)
    form = RiskGridForm(
        request.POST if is_post else None, initial=RiskGridForm.initial_for(assessment)
    )
    conflict, saved = False, None
    if is_post:
        if form.is_valid():
            try:
                services.assessment_risks_set(
                    actor=request.user,
                    assessment=assessment,
                    version=form.cleaned_data["version"],
                    risks=form.risks,
                    relationship=_relationship(grants),
                )
            except (workflow.WorkflowError, workflow.VersionConflict) as exc:
                conflict = True
                saved = selectors.assessment_with_risks(assessment_id=assessment.id)
                _conflict(form, exc, saved)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "Risks saved.")
                return redirect("assessments:detail", assessment_id=assessment.id)
        _refused("assessments.assessment.risks_refused", assessment, form.errors, conflict=conflict)
    return render(
        request,
        "assessments/risks.html",
        {
            "form": form,
            "assessment": assessment,
            "person": person,
            "saved": saved,
            "saved_risks": list(saved.risks.all()) if saved else [],
            "notice": "" if is_post else _notice(workflow.assessment_editable, assessment),
        },
        status=_status(form, conflict),
    )


@require_http_methods(["GET", "POST"])
def assessment_submit(request: HttpRequest, assessment_id) -> HttpResponse:
    is_post = request.method == "POST"
    assessment, person, grants = access_assessment(
        request.user,
        assessment_id,
        action=None if is_post else "assessments.assessment.submit_viewed",
        need=Need.EDIT,
    )
    form = SubmitForm(request.POST if is_post else None, initial={"version": assessment.version})
    conflict = False
    if is_post:
        if form.is_valid():
            try:
                services.assessment_submit(
                    actor=request.user,
                    assessment=assessment,
                    version=form.cleaned_data["version"],
                    relationship=_relationship(grants),
                )
            except (workflow.WorkflowError, workflow.VersionConflict) as exc:
                conflict = True
                add_service_errors(form, exc)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    f"Submitted for approval by a manager of {assessment.team.name}.",
                )
                return redirect("assessments:detail", assessment_id=assessment.id)
        _refused(
            "assessments.assessment.submit_refused", assessment, form.errors, conflict=conflict
        )
        assessment.refresh_from_db()
    missing = assessment.missing_for_submission() if assessment.is_editable else []
    return render(
        request,
        "assessments/submit.html",
        {
            "form": form,
            "assessment": assessment,
            "person": person,
            "missing": missing,
            "notice": "" if is_post else _notice(workflow.assessment_submittable, assessment),
        },
        status=_status(form, conflict),
    )


def _decision(request, assessment_id, *, verb: str, form_class, template: str):
    is_post = request.method == "POST"
    assessment, person, grants = access_assessment(
        request.user,
        assessment_id,
        action=None if is_post else f"assessments.assessment.{verb}_viewed",
        need=Need.DECIDE,
    )
    form = form_class(request.POST if is_post else None)
    conflict = False
    if is_post:
        if form.is_valid():
            service = {
                "approve": services.assessment_approve,
                "return": services.assessment_return,
            }[verb]
            try:
                service(
                    actor=request.user,
                    assessment=assessment,
                    relationship=_relationship(grants),
                    **form.cleaned_data,
                )
            except workflow.WorkflowError as exc:
                conflict = True
                add_service_errors(form, exc)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                done = "approved" if verb == "approve" else "returned to its author for changes"
                messages.success(request, f"The assessment of {person.full_name} was {done}.")
                return redirect("assessments:queue")
        _refused(
            f"assessments.assessment.{verb}_refused", assessment, form.errors, conflict=conflict
        )
        assessment.refresh_from_db()
    return render(
        request,
        template,
        {
            "form": form,
            "assessment": assessment,
            "person": person,
            "risks": list(selectors.risks_of(assessment=assessment)),
            "notice": "" if is_post else _notice(workflow.assessment_awaiting_decision, assessment),
        },
        status=_status(form, conflict),
    )


@require_http_methods(["GET", "POST"])
def assessment_approve(request: HttpRequest, assessment_id) -> HttpResponse:
    return _decision(
        request,
        assessment_id,
        verb="approve",
        form_class=ApproveForm,
        template="assessments/approve.html",
    )


@require_http_methods(["GET", "POST"])
def assessment_return(request: HttpRequest, assessment_id) -> HttpResponse:
    return _decision(
        request,
        assessment_id,
        verb="return",
        form_class=ReturnForm,
        template="assessments/return.html",
    )


@require_GET
def approval_queue(request: HttpRequest) -> HttpResponse:
    """A manager's queue: their teams' submitted assessments waiting for a decision."""
    if not is_team_manager(request.user):
        record(action="assessments.queue.viewed", outcome=Outcome.DENIED)
        raise Http404("No such page")
    waiting = list(selectors.awaiting_approval_by(user=request.user)[: selectors.QUEUE_LIMIT])
    record(action="assessments.queue.viewed", details={"waiting": len(waiting)})
    return render(request, "assessments/queue.html", {"waiting": waiting})


@require_GET
def my_assessments(request: HttpRequest) -> HttpResponse:
    """The user's own assessments not yet approved: returned ones first."""
    mine = list(selectors.in_progress_for(user=request.user)[: selectors.QUEUE_LIMIT])
    manager = is_team_manager(request.user)
    waiting = selectors.awaiting_approval_by(user=request.user).count() if manager else 0
    record(action="assessments.mine.viewed", details={"shown": len(mine)})
    return render(
        request,
        "assessments/mine.html",
        {"mine": mine, "is_manager": manager, "waiting": waiting},
    )
