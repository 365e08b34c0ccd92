"""ETE and intervention pages. Thin: authorise through `policy` (and so `access_person`), call a
service, render. Writes happen only on POST, through `services`. Every request writes one audit
row; bad input answers 400 and changes nothing."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from cshub.audit.models import Outcome
from cshub.audit.services import record
from cshub.core.forms import add_service_errors

from . import policy, services
from .forms import EteStatusForm, InterventionEndForm, InterventionStartForm


def _failed(action, obj, person_id, errors) -> None:
    record(
        action=action,
        outcome=Outcome.FAILED,
        obj=obj,
        person_id=person_id,
        details={"errors": sorted(errors)},
    )


def _back_to(person) -> HttpResponse:
    return redirect(reverse("people:detail", args=[person.id]) + "#interventions")


@require_http_methods(["GET", "POST"])
def ete_new(request: HttpRequest, person_id) -> HttpResponse:
    is_post = request.method == "POST"
    person, _ = policy.access_for_recording(
        request.user, person_id, action=None if is_post else "interventions.ete_status.new_viewed"
    )
    form = EteStatusForm(request.POST or None)
    if is_post:
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.ete_status_record(
                    actor=request.user,
                    person=person,
                    status=data["status"],
                    from_date=data["from_date"],
                    source=data["source"],
                    source_note=data["source_note"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "ETE status recorded.")
                return _back_to(person)
        _failed("interventions.ete_status.record_refused", None, person.pk, form.errors)
    return render(
        request,
        "interventions/ete_new.html",
        {"form": form, "person": person},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def intervention_new(request: HttpRequest, person_id) -> HttpResponse:
    is_post = request.method == "POST"
    person, _ = policy.access_for_recording(
        request.user,
        person_id,
        action=None if is_post else "interventions.intervention.new_viewed",
    )
    form = InterventionStartForm(request.POST or None, person=person)
    if is_post:
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.intervention_start(
                    actor=request.user,
                    person=person,
                    kind=data["kind"],
                    started_on=data["started_on"],
                    harm_types=data["harm_types"],
                    case=data["case"],
                    provider=data["provider"],
                    provider_name=data["provider_name"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "Intervention recorded.")
                return _back_to(person)
        _failed("interventions.intervention.start_refused", None, person.pk, form.errors)
    return render(
        request,
        "interventions/intervention_new.html",
        {"form": form, "person": person},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def intervention_end(request: HttpRequest, intervention_id) -> HttpResponse:
    is_post = request.method == "POST"
    intervention, person, _ = policy.access_intervention(
        request.user,
        intervention_id,
        action=None if is_post else "interventions.intervention.end_viewed",
    )
    form = InterventionEndForm(request.POST or None)
    if is_post:
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.intervention_end(
                    actor=request.user,
                    intervention=intervention,
                    ended_on=data["ended_on"],
                    outcome=data["outcome"],
                    note=data["outcome_note"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "The end of the intervention is recorded.")
                return _back_to(person)
        _failed("interventions.intervention.end_refused", intervention, person.pk, form.errors)
    return render(
        request,
        "interventions/intervention_end.html",
        {"form": form, "person": person, "intervention": intervention},
        status=400 if form.errors else 200,
    )
