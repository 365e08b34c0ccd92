"""People pages. Thin: parse, call a selector or a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from cshub.people.timeline import entries_for

from . import selectors, services
from .forms import IdentifierAddForm, PersonCreateForm, PersonSearchForm


def _person_or_404(person_id) -> object:
    person = selectors.person_get(person_id=person_id)
    if person is None:
        raise Http404("No such record")
    return person


def _apply_service_errors(form, exc: ValidationError, field_map: dict[str, str]) -> None:
    for field, errors in exc.message_dict.items():
        target = field_map.get(field, field)
        for error in errors:
            form.add_error(target if target in form.fields else None, error)


@require_GET
def person_search(request: HttpRequest) -> HttpResponse:
    form = PersonSearchForm(request.GET or None)
    people, more = [], False
    if form.is_bound and form.is_valid():
        terms = selectors.SearchTerms(
            name=form.cleaned_data["name"],
            date_of_birth=form.cleaned_data["date_of_birth"],
            identifier=form.cleaned_data["identifier"],
        )
        people, more = selectors.person_search(terms=terms)
    return render(
        request,
        "people/search.html",
        {
            "form": form,
            "people": people,
            "more": more,
            "searched": form.is_bound and form.is_valid(),
        },
    )


@require_http_methods(["GET", "POST"])
def person_create(request: HttpRequest) -> HttpResponse:
    form = PersonCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        identifiers = []
        if data["identifier_scheme"]:
            identifiers.append((data["identifier_scheme"], data["identifier_value"]))
        try:
            person = services.person_create(
                actor=request.user,
                given_name=data["given_name"],
                family_name=data["family_name"],
                date_of_birth=data["date_of_birth"],
                date_of_birth_precision=data["date_of_birth_precision"],
                sex=data["sex"],
                ethnicity=data["ethnicity"],
                identifiers=identifiers,
            )
        except ValidationError as exc:
            _apply_service_errors(form, exc, {"value": "identifier_value"})
        else:
            messages.success(request, f"{person.full_name} has been created.")
            return redirect("people:detail", person_id=person.id)
    return render(request, "people/create.html", {"form": form}, status=400 if form.errors else 200)


@require_GET
def person_detail(request: HttpRequest, person_id) -> HttpResponse:
    person = _person_or_404(person_id)
    return render(
        request,
        "people/detail.html",
        {
            "person": person,
            "relationships": selectors.relationships_of(person),
            "timeline": entries_for(person),
        },
    )


@require_http_methods(["GET", "POST"])
def identifier_add(request: HttpRequest, person_id) -> HttpResponse:
    person = _person_or_404(person_id)
    form = IdentifierAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            identifier = services.identifier_add(
                actor=request.user, person=person, **form.cleaned_data
            )
        except ValidationError as exc:
            _apply_service_errors(form, exc, {})
        else:
            messages.success(request, f"{identifier} added.")
            return redirect("people:detail", person_id=person.id)
    return render(
        request,
        "people/identifier_add.html",
        {"form": form, "person": person},
        status=400 if form.errors else 200,
    )
