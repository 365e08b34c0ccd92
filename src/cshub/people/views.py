"""People pages. Thin: parse, authorise through `access`, call a selector or a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from cshub.access.policy import (
    access_person,
    can_see_access_log,
    people_searchable_by,
    people_visible_to,
)
from cshub.audit.services import record
from cshub.core.forms import add_service_errors
from cshub.people.profile import sections_for
from cshub.people.timeline import entries_for

from . import selectors, services
from .forms import IdentifierAddForm, PersonCreateForm, PersonSearchForm


def _load_profile(person_id):
    return selectors.person_get(person_id=person_id)


@require_http_methods(["GET", "POST"])
def person_search(request: HttpRequest) -> HttpResponse:
    """Anyone may search. Without a relationship a result shows only that a record exists and
    which team to contact; sealed records are left out entirely.

    Searches are POSTed so that names and dates of birth never appear in URLs, and so never in
    browser history, proxy or web-server logs."""
    form = PersonSearchForm(request.POST if request.method == "POST" else None)
    rows, more, searched = [], False, form.is_bound and form.is_valid()
    if searched:
        data = form.cleaned_data
        terms = selectors.SearchTerms(
            name=data["name"], date_of_birth=data["date_of_birth"], identifier=data["identifier"]
        )
        people, more = selectors.person_search(
            within=people_searchable_by(request.user), terms=terms
        )
        ids = [p.id for p in people]
        visible = set(
            people_visible_to(request.user).filter(pk__in=ids).values_list("pk", flat=True)
        )
        contacts = selectors.contacts_for(person_ids=[i for i in ids if i not in visible])
        rows = [
            {"person": p, "visible": p.id in visible, "contacts": contacts.get(p.id, [])}
            for p in people
        ]
        record(
            action="people.person.searched",
            details={
                "terms": {
                    "name": terms.name,
                    "date_of_birth": str(terms.date_of_birth or ""),
                    "identifier": terms.identifier,
                },
                "hits": len(people),
                "more": more,
                "opened": len(visible),
            },
        )
    return render(
        request,
        "people/search.html",
        {"form": form, "rows": rows, "more": more, "searched": searched},
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
            add_service_errors(form, exc, {"value": "identifier_value"})
        else:
            messages.success(request, f"{person.full_name} has been created.")
            return redirect("people:detail", person_id=person.id)
    if request.method == "POST":
        record(
            action="people.person.create_refused",
            outcome="failed",
            details={"errors": sorted(form.errors)},
        )
    return render(request, "people/create.html", {"form": form}, status=400 if form.errors else 200)


@require_GET
def person_detail(request: HttpRequest, person_id) -> HttpResponse:
    person, grants = access_person(
        request.user, person_id, action="people.person.viewed", loader=_load_profile
    )
    return render(
        request,
        "people/detail.html",
        {
            "person": person,
            "grants": grants,
            "can_see_access_log": can_see_access_log(request.user, person.id),
            "relationships": selectors.relationships_of(person),
            "timeline": entries_for(person),
            "sections": sections_for(request.user, person),
        },
    )


@require_http_methods(["GET", "POST"])
def identifier_add(request: HttpRequest, person_id) -> HttpResponse:
    is_post = request.method == "POST"
    person, grants = access_person(
        request.user, person_id, action=None if is_post else "people.identifier.form_viewed"
    )
    form = IdentifierAddForm(request.POST or None)
    if is_post:
        if form.is_valid():
            try:
                identifier = services.identifier_add(
                    actor=request.user,
                    person=person,
                    relationship=",".join(g.key for g in grants),
                    **form.cleaned_data,
                )
            except ValidationError as exc:
                add_service_errors(form, exc, {})
            else:
                messages.success(request, f"{identifier} added.")
                return redirect("people:detail", person_id=person.id)
        record(
            action="people.identifier.refused",
            person=person,
            outcome="failed",
            details={"errors": sorted(form.errors)},
        )
    return render(
        request,
        "people/identifier_add.html",
        {"form": form, "person": person},
        status=400 if form.errors else 200,
    )
