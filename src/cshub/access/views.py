from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from cshub.audit.models import Outcome
from cshub.audit.services import record
from cshub.core.forms import add_service_errors
from cshub.people.models import Person

from . import selectors, services
from .forms import BreakGlassForm, BreakGlassReviewForm, SealForm
from .models import RestrictedAccess
from .policy import (
    can_review_break_glass,
    grants_for,
    is_data_protection_officer,
    people_searchable_by,
)


@require_http_methods(["GET", "POST"])
def break_glass(request: HttpRequest, person_id) -> HttpResponse:
    person = people_searchable_by(request.user).filter(pk=person_id).first()
    if person is None:
        record(action="access.break_glass.requested", outcome=Outcome.DENIED, person_id=person_id)
        raise Http404("No such record")
    if grants_for(request.user, person.pk):
        return redirect("people:detail", person_id=person.pk)
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.break_glass_grant(
                    actor=request.user, person=person, reason=form.cleaned_data["reason"]
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request, "Emergency access granted for 24 hours. It will be reviewed."
                )
                return redirect("people:detail", person_id=person.pk)
        record(action="access.break_glass.refused", outcome=Outcome.FAILED, person=person)
    else:
        record(action="access.break_glass.form_viewed", person=person)
    return render(
        request,
        "access/break_glass.html",
        {"form": form, "person_id": person.pk},
        status=400 if form.errors else 200,
    )


def _reviewer_or_404(request: HttpRequest, action: str) -> None:
    if not can_review_break_glass(request.user):
        record(action=action, outcome=Outcome.DENIED)
        raise Http404("No such page")


@require_GET
def break_glass_reviews(request: HttpRequest) -> HttpResponse:
    _reviewer_or_404(request, "access.break_glass.queue_viewed")
    grants = selectors.break_glass_reviewable_by(request.user)
    pending = list(grants.filter(reviewed_at__isnull=True).order_by("granted_at"))
    reviewed = list(grants.filter(reviewed_at__isnull=False).order_by("-reviewed_at")[:50])
    record(action="access.break_glass.queue_viewed", details={"pending": len(pending)})
    return render(
        request, "access/break_glass_reviews.html", {"pending": pending, "reviewed": reviewed}
    )


@require_http_methods(["GET", "POST"])
def break_glass_review(request: HttpRequest, grant_id) -> HttpResponse:
    _reviewer_or_404(request, "access.break_glass.review_viewed")
    grant = selectors.break_glass_reviewable_by(request.user).filter(pk=grant_id).first()
    if grant is None:
        record(action="access.break_glass.review_viewed", outcome=Outcome.DENIED)
        raise Http404("No such review")
    form = BreakGlassReviewForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.break_glass_review(reviewer=request.user, grant=grant, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "Review recorded.")
                return redirect("access:break_glass_reviews")
        record(
            action="access.break_glass.review_refused",
            outcome=Outcome.FAILED,
            obj=grant,
            person_id=grant.person_id,
        )
    else:
        record(action="access.break_glass.review_viewed", obj=grant, person_id=grant.person_id)
    return render(
        request,
        "access/break_glass_review.html",
        {"form": form, "grant": grant},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def seal(request: HttpRequest, person_id) -> HttpResponse:
    """The data protection officer seals or unseals a record and names who may see it."""
    person = Person.objects.filter(pk=person_id).first()
    if person is None or not is_data_protection_officer(request.user):
        record(action="access.person.seal_viewed", outcome=Outcome.DENIED, person_id=person_id)
        raise Http404("No such record")
    named = RestrictedAccess.objects.filter(person=person).select_related("user")
    initial = {
        "sealed": "yes" if person.is_restricted else "no",
        "named_users": ", ".join(sorted(r.user.username for r in named)),
    }
    form = SealForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["sealed"]:
                    services.person_seal(
                        actor=request.user,
                        person=person,
                        reason=data["reason"],
                        named_users=data["named_users"],
                    )
                else:
                    services.person_unseal(actor=request.user, person=person, reason=data["reason"])
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "Saved.")
                return redirect("access:seal", person_id=person.pk)
        record(action="access.person.seal_refused", outcome=Outcome.FAILED, person=person)
    else:
        record(action="access.person.seal_viewed", person=person)
    return render(
        request,
        "access/seal.html",
        {"form": form, "person": person},
        status=400 if form.errors else 200,
    )
