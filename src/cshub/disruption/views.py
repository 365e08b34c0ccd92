"""Disruption pages: record activity against a person (an adult of concern) from their record.
Thin: authorise, call the service, render; every request audited; refusals are 404."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from cshub.access.policy import access_person, people_visible_to
from cshub.audit.models import Outcome
from cshub.audit.services import record
from cshub.core.forms import add_service_errors
from cshub.people.models import Person

from . import policy, services
from .forms import ActivityForm


def _linked_children(user, person) -> list[Person]:
    """The children tied to this adult (either way) whom the user may see."""
    ids = set(person.relationships_out.values_list("other_id", flat=True)) | set(
        person.relationships_in.values_list("person_id", flat=True)
    )
    return list(people_visible_to(user).filter(pk__in=ids).order_by("family_name", "given_name"))


@require_http_methods(["GET", "POST"])
def activity_new(request: HttpRequest, person_id) -> HttpResponse:
    is_post = request.method == "POST"
    action = "disruption.activity.new_viewed"
    if not policy.can_record(request.user):
        record(action=action, outcome=Outcome.DENIED, person_id=None)
        raise Http404("No such page")
    person, _ = access_person(request.user, person_id, action=None if is_post else action)
    form = ActivityForm(
        request.POST or None,
        agencies=policy.recording_agencies(request.user),
        children=_linked_children(request.user, person),
    )
    if is_post:
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.activity_record(
                    actor=request.user,
                    kind=data["kind"],
                    occurred_on=data["occurred_on"],
                    agency=data["agency"],
                    four_p=data["four_p"],
                    outcome=data["outcome"],
                    notes=data["notes"],
                    target_person=person,
                    children=data["children"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "Disruption recorded.")
                return redirect("people:detail", person_id=person.pk)
        record(
            action="disruption.activity.refused",
            outcome=Outcome.FAILED,
            person=person,
            details={"errors": sorted(form.errors)},
        )
    return render(
        request,
        "disruption/activity_new.html",
        {"form": form, "person": person},
        status=400 if form.errors else 200,
    )
