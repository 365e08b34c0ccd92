"""NRM pages. Thin: authorise through `policy` (and so `access_person`), call a service, render.
Every request writes one audit row; bad input answers 400 and changes nothing."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from cshub.access.policy import access_person
from cshub.audit.models import Outcome
from cshub.audit.services import record
from cshub.core import clocks
from cshub.core.forms import add_service_errors
from cshub.people.models import Flag, Vulnerability

from . import policy, services
from .forms import DecisionForm, ReferralForm


def _failed(action, obj, person_id, errors) -> None:
    record(
        action=action,
        outcome=Outcome.FAILED,
        obj=obj,
        person_id=person_id,
        details={"errors": sorted(errors)},
    )


@require_http_methods(["GET", "POST"])
def referral_new(request: HttpRequest, person_id) -> HttpResponse:
    is_post = request.method == "POST"
    action = "nrm.referral.new_viewed"
    if not policy.can_record(request.user):
        record(action=action, outcome=Outcome.DENIED, person_id=None)
        raise Http404("No such page")
    person, _ = access_person(request.user, person_id, action=None if is_post else action)
    form = ReferralForm(
        request.POST or None, agencies=policy.responder_agencies(request.user), person=person
    )
    if is_post:
        if form.is_valid():
            data = form.cleaned_data
            try:
                referral = services.referral_create(
                    actor=request.user,
                    person=person,
                    submitted_at=data["submitted_at"],
                    first_responder=data["first_responder"],
                    exploitation_types=data["exploitation_types"],
                    location=data["location"],
                    summary=data["summary"],
                    case=data["case"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc, {"submitted_at": "submitted_on"})
            else:
                messages.success(request, "NRM referral recorded.")
                return redirect("nrm:referral", referral_id=referral.id)
        _failed("nrm.referral.create_refused", None, person.pk, form.errors)
    return render(
        request,
        "nrm/referral_new.html",
        {"form": form, "person": person},
        status=400 if form.errors else 200,
    )


@require_GET
def referral_detail(request: HttpRequest, referral_id) -> HttpResponse:
    referral, person, _ = policy.access_referral(
        request.user, referral_id, action="nrm.referral.viewed"
    )
    pending = referral.reasonable_grounds_on is None
    return render(
        request,
        "nrm/referral.html",
        {
            "referral": referral,
            "person": person,
            "clock": clocks.clock_state(referral.reasonable_grounds_due_at, timezone.now())
            if pending
            else None,
            "can_record": policy.can_record(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def referral_decide(request: HttpRequest, referral_id) -> HttpResponse:
    is_post = request.method == "POST"
    referral, person, _ = policy.access_referral(
        request.user,
        referral_id,
        action=None if is_post else "nrm.decision.viewed",
        record_needed=True,
    )
    initial = {
        "reasonable_grounds": referral.reasonable_grounds,
        "reasonable_grounds_on": referral.reasonable_grounds_on,
        "conclusive_grounds": referral.conclusive_grounds,
        "conclusive_grounds_on": referral.conclusive_grounds_on,
        "decided_by": referral.decided_by,
    }
    form = DecisionForm(request.POST or None, initial=initial)
    if is_post:
        if form.is_valid():
            try:
                services.referral_decide(actor=request.user, referral=referral, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "Decisions saved.")
                return redirect("nrm:referral", referral_id=referral.id)
        _failed("nrm.decision.refused", referral, person.pk, form.errors)
    return render(
        request,
        "nrm/decide.html",
        {"form": form, "person": person, "referral": referral},
        status=400 if form.errors else 200,
    )


@require_GET
def referral_summary(request: HttpRequest, referral_id) -> HttpResponse:
    """A printable summary pre-filled from the record, for the Home Office's referral form."""
    referral, person, _ = policy.access_referral(
        request.user, referral_id, action="nrm.summary.printed"
    )
    return render(
        request,
        "nrm/summary.html",
        {
            "referral": referral,
            "person": person,
            "identifiers": list(person.identifiers.all()),
            "addresses": list(person.addresses.filter(moved_out__isnull=True)),
            "vulnerabilities": list(
                Vulnerability.objects.filter(person=person, ended_on__isnull=True)
            ),
            "flags": list(Flag.objects.filter(person=person, closed_on__isnull=True)),
            "printed_at": timezone.now(),
            "printed_by": request.user,
        },
    )
