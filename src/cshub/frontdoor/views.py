"""Front Door pages: raise a contact (partners and the Front Door alike), search before create,
the triage queue, screening and the decision. Thin: parse, authorise, call a service, render."""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cshub.access.policy import people_searchable_by, people_visible_to
from cshub.audit.models import Outcome as AuditOutcome
from cshub.audit.services import record
from cshub.core.clocks import LONDON
from cshub.core.forms import add_service_errors

from . import matching, selectors, services
from .choices import ContactState, SubjectRole
from .forms import (
    AddExistingForm,
    ContactDraftForm,
    ContactPlaceForm,
    DecisionForm,
    NewPersonForm,
    ScreeningForm,
    SubjectSearchForm,
)
from .models import Contact, ScreeningTool
from .relationships import is_front_door

QUEUE_PAGE_SIZE = 50


def _deny(action: str, **details) -> Http404:
    record(
        action=action, outcome=AuditOutcome.DENIED, details={k: str(v) for k, v in details.items()}
    )
    return Http404("No such page")


def _own_draft(request: HttpRequest, contact_id, action: str) -> Contact:
    """The user's own draft contact, or 404 (audited) for anything else."""
    contact = Contact.objects.filter(pk=contact_id, raised_by=request.user).first()
    if contact is None:
        raise _deny(action, requested_id=contact_id)
    if contact.state != ContactState.DRAFT:
        raise _deny(action, requested_id=contact_id, reason="not a draft")
    return contact


def _front_door_only(request: HttpRequest, action: str) -> None:
    if not is_front_door(request.user):
        raise _deny(action)


# --- raising a contact -------------------------------------------------------------------------


@require_GET
def my_contacts(request: HttpRequest) -> HttpResponse:
    contacts = list(selectors.contacts_raised_by(user=request.user))
    record(action="frontdoor.contact.listed_own", details={"count": len(contacts)})
    return render(request, "frontdoor/my_contacts.html", {"contacts": contacts})


@require_http_methods(["GET", "POST"])
def contact_new(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        contact = services.contact_start(actor=request.user)
        return redirect("frontdoor:contact_edit", contact_id=contact.pk)
    record(action="frontdoor.contact.start_viewed")
    return render(request, "frontdoor/contact_start.html")


def _draft_data(form: ContactDraftForm) -> dict:
    data = {k: v for k, v in form.cleaned_data.items() if k not in ("version", "harm_types")}
    day, time = data.pop("received_date", None), data.pop("received_time", None)
    if day and time:
        hours, minutes = (int(x) for x in time.split(":"))
        data["received_at"] = datetime(day.year, day.month, day.day, hours, minutes, tzinfo=LONDON)
    return data


def _initial(contact: Contact) -> dict:
    received = contact.received_at.astimezone(LONDON) if contact.received_at else None
    return {
        "version": contact.version,
        "channel": contact.channel,
        "received_date": received.date() if received else None,
        "received_time": received.strftime("%H:%M") if received else "",
        "referrer_name": contact.referrer_name,
        "referrer_role": contact.referrer_role,
        "referrer_contact_details": contact.referrer_contact_details,
        "what_happened": contact.what_happened,
        "harm_types": list(contact.harms.values_list("harm_type", flat=True)),
        "immediate_danger": "yes" if contact.immediate_danger else "no",
        "consent": contact.consent,
        "consent_reason": contact.consent_reason,
    }


def _edit_context(contact: Contact, form, **extra) -> dict:
    return {
        "form": form,
        "contact": contact,
        "subjects": list(contact.subjects.select_related("person")),
        "places": list(contact.places.select_related("place")),
        "place_form": ContactPlaceForm(),
        **extra,
    }


@require_http_methods(["GET", "POST"])
def contact_edit(request: HttpRequest, contact_id) -> HttpResponse:
    contact = _own_draft(request, contact_id, "frontdoor.contact.edit_viewed")
    front_door = is_front_door(request.user)
    if request.method == "POST":
        form = ContactDraftForm(request.POST, front_door=front_door)
        saved = None
        if form.is_valid():
            try:
                saved = services.contact_save_draft(
                    actor=request.user,
                    contact=contact,
                    version=form.cleaned_data["version"],
                    data=_draft_data(form),
                    harm_types=form.cleaned_data["harm_types"],
                )
            except services.Conflict as exc:
                # Keep what this user typed on the page, and carry the current version, so a
                # second save knowingly replaces the other one rather than failing again.
                contact.refresh_from_db()
                data = request.POST.copy()
                data["version"] = str(contact.version)
                form = ContactDraftForm(data, front_door=front_door)
                form.is_valid()
                form.add_error(None, exc.messages[0])
            except ValidationError as exc:
                add_service_errors(form, exc, {"received_at": "received_date"})
        if request.htmx:  # the autosave: answer with the status line only
            return render(
                request,
                "frontdoor/_autosave_status.html",
                {
                    "form": form,
                    "contact": saved or contact,
                    "saved_at": timezone.now() if saved else None,
                },
                # htmx swaps only 2xx answers: the status line itself says whether it saved
                status=200,
            )
        if saved:
            if "submit" in request.POST:
                return contact_submit(request, contact_id)
            messages.success(request, f"Draft {saved.reference} saved.")
            return redirect("frontdoor:contact_edit", contact_id=saved.pk)
        record(action="frontdoor.contact.draft_refused", outcome=AuditOutcome.FAILED, obj=contact)
    else:
        form = ContactDraftForm(initial=_initial(contact), front_door=front_door)
        record(action="frontdoor.contact.edit_viewed", obj=contact)
    return render(
        request,
        "frontdoor/contact_edit.html",
        _edit_context(contact, form),
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def contact_people(request: HttpRequest, contact_id) -> HttpResponse:
    """Search before create: likely existing records first; a new record needs a click that says
    none of them is this person."""
    contact = _own_draft(request, contact_id, "frontdoor.contact.people_viewed")
    action = request.POST.get("action", "") if request.method == "POST" else ""
    search_form = SubjectSearchForm(request.POST if action == "search" else None)
    new_form = NewPersonForm(request.POST if action == "create" else None)
    matches, visible, searched = [], set(), False
    if action == "search" and search_form.is_valid():
        data = search_form.cleaned_data
        matches = matching.likely_matches(
            within=people_searchable_by(request.user).exclude(contact_links__contact=contact),
            given_name=data["given_name"],
            family_name=data["family_name"],
            date_of_birth=data["date_of_birth"],
            identifier=data["identifier"],
            postcode=data["postcode"],
        )
        ids = [m.person.pk for m in matches]
        visible = set(
            people_visible_to(request.user).filter(pk__in=ids).values_list("pk", flat=True)
        )
        searched = True
        new_form = NewPersonForm(
            initial={
                "role": data["role"],
                "given_name": data["given_name"],
                "family_name": data["family_name"],
                "date_of_birth": data["date_of_birth"],
            }
        )
        record(
            action="frontdoor.contact.people_searched",
            obj=contact,
            details={"hits": len(matches), "terms": {k: str(v) for k, v in data.items() if v}},
        )
    elif action == "add":
        form = AddExistingForm(request.POST)
        person = None
        if form.is_valid():
            person = (
                people_searchable_by(request.user).filter(pk=form.cleaned_data["person"]).first()
            )
        if person is None:
            raise _deny("frontdoor.contact.subject_add_refused", contact=contact.pk)
        try:
            services.contact_add_subject(
                actor=request.user, contact=contact, person=person, role=form.cleaned_data["role"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("frontdoor:contact_edit", contact_id=contact.pk)
    elif action == "create" and new_form.is_valid():
        data = new_form.cleaned_data
        try:
            services.contact_add_new_person(
                actor=request.user,
                contact=contact,
                role=data["role"],
                given_name=data["given_name"],
                family_name=data["family_name"],
                date_of_birth=data["date_of_birth"],
                sex=data["sex"],
                ethnicity=data["ethnicity"],
            )
        except ValidationError as exc:
            add_service_errors(new_form, exc)
        else:
            return redirect("frontdoor:contact_edit", contact_id=contact.pk)
    elif action in ("add_place", "remove_place"):
        if action == "add_place":
            place_form = ContactPlaceForm(request.POST)
            if place_form.is_valid():
                services.contact_add_place(
                    actor=request.user, contact=contact, place=place_form.cleaned_data["place"]
                )
                return redirect("frontdoor:contact_edit", contact_id=contact.pk)
            record(
                action="frontdoor.contact.place_refused", outcome=AuditOutcome.FAILED, obj=contact
            )
            messages.error(request, "Choose a place from the list.")
            return redirect("frontdoor:contact_edit", contact_id=contact.pk)
        services.contact_remove_place(
            actor=request.user, contact=contact, place_id=request.POST.get("place", "")[:64]
        )
        return redirect("frontdoor:contact_edit", contact_id=contact.pk)
    elif action == "remove":
        form = AddExistingForm(
            {"person": request.POST.get("person", ""), "role": SubjectRole.CHILD}
        )
        if form.is_valid():
            services.contact_remove_subject(
                actor=request.user, contact=contact, person_id=form.cleaned_data["person"]
            )
        return redirect("frontdoor:contact_edit", contact_id=contact.pk)
    elif not action:
        record(action="frontdoor.contact.people_viewed", obj=contact)
    failed = (action == "search" and not search_form.is_valid()) or (
        action == "create" and new_form.errors
    )
    if failed:
        record(action="frontdoor.contact.people_refused", outcome=AuditOutcome.FAILED, obj=contact)
    return render(
        request,
        "frontdoor/contact_people.html",
        {
            "contact": contact,
            "search_form": search_form,
            "new_form": new_form,
            "matches": [{"match": m, "visible": m.person.pk in visible} for m in matches],
            "searched": searched,
            "show_new": searched or action == "create",
        },
        status=400 if failed else 200,
    )


@require_POST
def contact_submit(request: HttpRequest, contact_id) -> HttpResponse:
    contact = Contact.objects.filter(pk=contact_id, raised_by=request.user).first()
    if contact is None:
        raise _deny("frontdoor.contact.submit_refused", requested_id=contact_id)
    try:
        services.contact_submit(actor=request.user, contact=contact)
    except ValidationError as exc:
        record(action="frontdoor.contact.submit_refused", outcome=AuditOutcome.FAILED, obj=contact)
        if contact.state != ContactState.DRAFT:  # a double submit: nothing changes, and we say so
            messages.error(request, " ".join(exc.messages))
            return redirect("frontdoor:contact_detail", contact_id=contact.pk)
        form = ContactDraftForm(initial=_initial(contact), front_door=is_front_door(request.user))
        return render(
            request,
            "frontdoor/contact_edit.html",
            _edit_context(
                contact,
                form,
                submit_errors=[m for messages_ in exc.message_dict.values() for m in messages_],
            ),
            status=400,
        )
    messages.success(
        request, f"Contact {contact.reference} has been sent to the Integrated Front Door."
    )
    return redirect("frontdoor:contact_detail", contact_id=contact.pk)


@require_GET
def contact_detail(request: HttpRequest, contact_id) -> HttpResponse:
    access = selectors.access_contact(request.user, contact_id, action="frontdoor.contact.viewed")
    contact = access.contact
    if contact.state == ContactState.DRAFT:
        return redirect("frontdoor:contact_edit", contact_id=contact.pk)
    return render(
        request,
        "frontdoor/contact_detail.html",
        {
            "contact": contact,
            "full": access.full,
            "front_door": access.full and is_front_door(request.user),
            "screened": {s.person_id: s for s in contact.screenings.all()},
            "decision": getattr(contact, "decision", None),
        },
    )


# --- triage --------------------------------------------------------------------------------------


@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    _front_door_only(request, "frontdoor.queue.viewed")
    rows = selectors.front_door_queue()
    page = Paginator(rows, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    record(action="frontdoor.queue.viewed", details={"in_triage": len(rows), "page": page.number})
    return render(
        request,
        "frontdoor/queue.html",
        {
            "rows": page.object_list,
            "page": page,
            "total": len(rows),
            "overdue": sum(1 for r in rows if r.clock.overdue),
        },
    )


def _triage_contact(request: HttpRequest, contact_id, action: str) -> Contact:
    _front_door_only(request, action)
    access = selectors.access_contact(request.user, contact_id, action=None)
    if access.contact.state != ContactState.IN_TRIAGE:
        raise _deny(action, requested_id=contact_id, reason="not in triage")
    return access.contact


@require_http_methods(["GET", "POST"])
def screening(request: HttpRequest, contact_id, person_id) -> HttpResponse:
    contact = _triage_contact(request, contact_id, "frontdoor.screening.viewed")
    subject = (
        contact.subjects.filter(person_id=person_id, role=SubjectRole.CHILD)
        .select_related("person")
        .first()
    )
    if subject is None:
        raise _deny("frontdoor.screening.viewed", requested_id=person_id)
    person = subject.person
    tool = ScreeningTool.objects.get(is_current=True)
    indicators = list(tool.indicators.all())
    form = ScreeningForm(request.POST or None, indicators=indicators)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            answers = [
                services.AnswerInput(
                    indicator_id=i.pk,
                    answer=data[f"answer_{i.pk}"],
                    basis=data[f"basis_{i.pk}"],
                    evidence=data[f"evidence_{i.pk}"],
                )
                for i in indicators
            ]
            try:
                services.screening_record(
                    actor=request.user,
                    contact=contact,
                    person=person,
                    answers=answers,
                    final_level=data["final_level"],
                    difference_reason=data["difference_reason"],
                    child_voice=data["child_voice"],
                    child_voice_missing_reason=data["child_voice_missing_reason"],
                    parent_view=data["parent_view"],
                    parent_view_missing_reason=data["parent_view_missing_reason"],
                    factors=data["factors"],
                    add_factors_to_record=data["add_factors_to_record"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"Screening of {person.full_name} recorded.")
                return redirect("frontdoor:contact_detail", contact_id=contact.pk)
        record(
            action="frontdoor.screening.refused",
            outcome=AuditOutcome.FAILED,
            obj=contact,
            person=person,
        )
    else:
        record(
            action="frontdoor.screening.viewed",
            obj=contact,
            person=person,
            relationship="front_door_triage",
        )
    themes: dict[str, list] = {}
    for row in form.rows():
        themes.setdefault(row[0].get_theme_display(), []).append(row)
    return render(
        request,
        "frontdoor/screening.html",
        {"form": form, "contact": contact, "person": person, "tool": tool, "themes": themes},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def decision(request: HttpRequest, contact_id) -> HttpResponse:
    contact = _triage_contact(request, contact_id, "frontdoor.decision.viewed")
    form = DecisionForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.contact_decide(
                    actor=request.user,
                    contact=contact,
                    outcome=data["outcome"],
                    rationale=data["rationale"],
                    receiving_team=data["receiving_team"],
                    nrm_consideration=data["nrm_consideration"],
                    nrm_note=data["nrm_note"],
                    immediate_danger_note=data["immediate_danger_note"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"Decision on {contact.reference} recorded.")
                return redirect("frontdoor:queue")
        record(action="frontdoor.decision.refused", outcome=AuditOutcome.FAILED, obj=contact)
    else:
        record(action="frontdoor.decision.viewed", obj=contact, relationship="front_door_triage")
    return render(
        request,
        "frontdoor/decision.html",
        {
            "form": form,
            "contact": contact,
            "screened": {s.person_id: s for s in contact.screenings.all()},
        },
        status=400 if form.errors else 200,
    )
