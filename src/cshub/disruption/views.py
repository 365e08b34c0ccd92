"""Disruption pages: record activity against a person (an adult of concern) from their record,
or against a place or a group; the activity at a place or against a group; the tactical group's
list of all activity. Thin: authorise, call the service, render; every request audited;
refusals are 404."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from cshub.access.policy import access_person, people_visible_to
from cshub.audit.models import Outcome
from cshub.audit.services import record
from cshub.core.forms import add_service_errors
from cshub.people.models import Person
from cshub.people.selectors import linked_people

from . import policy, selectors, services
from .forms import ActivityFilterForm, ActivityForm

PAGE_SIZE = 50


def _linked_children(user, person) -> list[Person]:
    """The people tied to this adult (either way) whom the user may see."""
    return linked_people(person, people_visible_to(user))


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
        {
            "form": form,
            "target_name": person.full_name,
            "back_url": reverse("people:detail", args=[person.pk]),
        },
        status=400 if form.errors else 200,
    )


@dataclass(frozen=True)
class _ContextTarget:
    """A place or a group as the target of disruption: how to load it and where its pages are."""

    key: str  # "place" or "group": the service's target_<key>, the URL names' prefix
    load: Callable[[Any], Any]
    activities: Callable[[Any], Any]
    heading: str  # "Disruption at this place"

    def page(self, obj) -> str:
        return reverse(f"disruption:{self.key}_activity", args=[obj.pk])

    def context_page(self, obj) -> str:
        return reverse(f"contexts:{self.key}_detail", args=[obj.pk])


PLACE = _ContextTarget(
    "place",
    selectors.place_get,
    selectors.activity_at_place,
    "Disruption at this place",
)
GROUP = _ContextTarget(
    "group",
    selectors.group_get,
    selectors.activity_against_group,
    "Disruption against this group",
)


def _load_or_404(target: _ContextTarget, obj_id, action: str):
    obj = target.load(obj_id)
    if obj is None:
        record(action=action, outcome=Outcome.DENIED, details={"requested_id": str(obj_id)})
        raise Http404("No such record")
    return obj


def _context_activity_new(request: HttpRequest, target: _ContextTarget, obj_id) -> HttpResponse:
    """Record disruption against a place or a group: as for a person, the children offered are
    those linked to it whom the user may see."""
    is_post = request.method == "POST"
    action = "disruption.activity.new_viewed"
    if not policy.can_record(request.user):
        record(action=action, outcome=Outcome.DENIED, details={"requested_id": str(obj_id)})
        raise Http404("No such page")
    obj = _load_or_404(target, obj_id, action)
    if not is_post:
        record(action=action, obj=obj)
    form = ActivityForm(
        request.POST or None,
        agencies=policy.recording_agencies(request.user),
        children=selectors.linked_children(request.user, **{target.key: obj}),
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
                    children=data["children"],
                    **{f"target_{target.key}": obj},
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "Disruption recorded.")
                return redirect(target.page(obj))
        record(
            action="disruption.activity.refused",
            outcome=Outcome.FAILED,
            obj=obj,
            details={"errors": sorted(form.errors)},
        )
    return render(
        request,
        "disruption/activity_new.html",
        {"form": form, "target_name": obj.name, "back_url": target.page(obj)},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def place_activity_new(request: HttpRequest, place_id) -> HttpResponse:
    return _context_activity_new(request, PLACE, place_id)


@require_http_methods(["GET", "POST"])
def group_activity_new(request: HttpRequest, group_id) -> HttpResponse:
    return _context_activity_new(request, GROUP, group_id)


def _context_activity(request: HttpRequest, target: _ContextTarget, obj_id) -> HttpResponse:
    """The activity at a place or against a group: open to every signed-in user, as the place
    or group is; the children it protects named only to those who may see them."""
    action = f"disruption.{target.key}_activity.viewed"
    obj = _load_or_404(target, obj_id, action)
    activities = selectors.name_people(request.user, target.activities(obj))
    record(action=action, obj=obj, details={"activities": len(activities)})
    user = request.user
    return render(
        request,
        "disruption/context_activity.html",
        {
            "target": obj,
            "heading": target.heading,
            "noun": target.key,
            "activities": activities,
            "back_url": target.context_page(obj),
            "record_url": (
                reverse(f"disruption:{target.key}_activity_new", args=[obj.pk])
                if policy.can_record(user)
                else ""
            ),
            "can_view_list": policy.can_view_list(user),
        },
    )


@require_GET
def place_activity(request: HttpRequest, place_id) -> HttpResponse:
    return _context_activity(request, PLACE, place_id)


@require_GET
def group_activity(request: HttpRequest, group_id) -> HttpResponse:
    return _context_activity(request, GROUP, group_id)


@require_GET
def activity_list(request: HttpRequest) -> HttpResponse:
    """The tactical group's list: all disruption activity, newest first, filtered. Those who
    record disruption and panel chairs; a person target named only to those who may see them."""
    action = "disruption.activity.listed"
    if not policy.can_view_list(request.user):
        record(action=action, outcome=Outcome.DENIED)
        raise Http404("No such page")
    form = ActivityFilterForm(request.GET or None)
    filters = form.filters()
    page = Paginator(selectors.activity_list(**filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    page.object_list = selectors.name_people(request.user, page.object_list)
    record(
        action=action,
        details={**{k: v for k, v in filters.items() if v}, "page": page.number},
    )
    return render(
        request,
        "disruption/activity_list.html",
        {"form": form, "page": page, "can_record": policy.can_record(request.user)},
    )
