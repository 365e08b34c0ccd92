"""ETE and intervention pages. Thin: authorise through `policy` (and so `access_person`), call a
service, render. Writes happen only on POST, through `services`. Every request writes one audit
row; bad input answers 400 and changes nothing (`core.pages.form_page`)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from cshub.core.pages import form_page

from . import policy, services
from .forms import EteStatusForm, InterventionEndForm, InterventionStartForm


def _back_to(request: HttpRequest, person, message: str):
    """What a saved form answers: the message, and back to the person's interventions."""

    def done(_result) -> HttpResponse:
        messages.success(request, message)
        return redirect(reverse("people:detail", args=[person.id]) + "#interventions")

    return done


@require_http_methods(["GET", "POST"])
def ete_new(request: HttpRequest, person_id) -> HttpResponse:
    is_post = request.method == "POST"
    person, _ = policy.access_for_recording(
        request.user, person_id, action=None if is_post else "interventions.ete_status.new_viewed"
    )
    return form_page(
        request,
        form=EteStatusForm(request.POST or None),
        template="interventions/ete_new.html",
        context={"person": person},
        save=lambda data: services.ete_status_record(
            actor=request.user,
            person=person,
            status=data["status"],
            from_date=data["from_date"],
            source=data["source"],
            source_note=data["source_note"],
        ),
        failed_action="interventions.ete_status.record_refused",
        obj=None,
        person_id=person.pk,
        done=_back_to(request, person, "ETE status recorded."),
    )


@require_http_methods(["GET", "POST"])
def intervention_new(request: HttpRequest, person_id) -> HttpResponse:
    is_post = request.method == "POST"
    person, _ = policy.access_for_recording(
        request.user,
        person_id,
        action=None if is_post else "interventions.intervention.new_viewed",
    )
    return form_page(
        request,
        form=InterventionStartForm(request.POST or None, person=person),
        template="interventions/intervention_new.html",
        context={"person": person},
        save=lambda data: services.intervention_start(
            actor=request.user,
            person=person,
            kind=data["kind"],
            started_on=data["started_on"],
            harm_types=data["harm_types"],
            case=data["case"],
            provider=data["provider"],
            provider_name=data["provider_name"],
        ),
        failed_action="interventions.intervention.start_refused",
        obj=None,
        person_id=person.pk,
        done=_back_to(request, person, "Intervention recorded."),
    )


@require_http_methods(["GET", "POST"])
def intervention_end(request: HttpRequest, intervention_id) -> HttpResponse:
    is_post = request.method == "POST"
    intervention, person, _ = policy.access_intervention(
        request.user,
        intervention_id,
        action=None if is_post else "interventions.intervention.end_viewed",
    )
    return form_page(
        request,
        form=InterventionEndForm(request.POST or None),
        template="interventions/intervention_end.html",
        context={"person": person, "intervention": intervention},
        save=lambda data: services.intervention_end(
            actor=request.user,
            intervention=intervention,
            ended_on=data["ended_on"],
            outcome=data["outcome"],
            note=data["outcome_note"],
        ),
        failed_action="interventions.intervention.end_refused",
        obj=intervention,
        person_id=person.pk,
        done=_back_to(request, person, "The end of the intervention is recorded."),
    )
