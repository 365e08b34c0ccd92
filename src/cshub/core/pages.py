"""The shape every form page shares: GET renders the form; POST validates, calls one service and
answers with a redirect, or re-renders with the errors (400) after writing a "failed" audit row.
Nothing is saved unless the service accepted it."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render

from cshub.audit.models import Outcome
from cshub.audit.services import record

from .forms import add_service_errors


def record_failed(action: str, obj, person_id, errors) -> None:
    """The audit row for refused input: which fields were wrong, never what was typed."""
    record(
        action=action,
        outcome=Outcome.FAILED,
        obj=obj,
        person_id=person_id,
        details={"errors": sorted(errors)},
    )


def form_page(
    request,
    *,
    form,
    template: str,
    context: dict,
    save: Callable[[dict], object],
    failed_action: str,
    obj,
    person_id,
    done: Callable[[object], HttpResponse],
    field_map: dict[str, str] | None = None,
) -> HttpResponse:
    """GET renders; POST validates, calls `save(cleaned_data)` (a service) and answers `done`,
    or re-renders with the errors (400) and audits the refusal."""
    if request.method == "POST":
        if form.is_valid():
            try:
                result = save(form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc, field_map)
            else:
                return done(result)
        record_failed(failed_action, obj, person_id, form.errors)
    return render(request, template, {"form": form, **context}, status=400 if form.errors else 200)
