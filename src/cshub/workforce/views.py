"""Workforce pages: staff training for managers, HSB consultations for the HSB service. Thin:
authorise through `policy`, call a selector or a service, render. Writes only on POST, through
`services`. Every request writes one audit row; a refusal is a 404 audited as "denied"; bad input
answers 400 and changes nothing."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from cshub.access.policy import access_person
from cshub.audit.models import Outcome
from cshub.audit.services import record
from cshub.core.pages import form_page

from . import policy, selectors, services
from .choices import ConsultationStatus, Course
from .forms import ConsultationForm, TrainingRecordForm

PAGE_SIZE = 50


def _refuse(action: str, person_id=None) -> None:
    record(action=action, outcome=Outcome.DENIED, person_id=person_id)
    raise Http404("No such page")


def _saved(request: HttpRequest, message: str, to: str):
    """What a saved form answers: the message, and on to `to` (a URL or URL name)."""

    def done(_result) -> HttpResponse:
        messages.success(request, message)
        return redirect(to)

    return done


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    action = "workforce.home.viewed"
    user = request.user
    if not policy.can_view_workforce(user):
        _refuse(action)
    today = timezone.localdate()
    context: dict = {"today": today}
    if policy.can_manage_training(user):
        staff = policy.staff_in_scope(user)
        context["training"] = {
            "staff": staff.count(),
            "hsb_trained": selectors.hsb_trained_staff(on=today).filter(pk__in=staff).count(),
            "expired": selectors.training_of(users=staff).expired_on(today).count(),
        }
    if policy.can_view_consultations(user):
        offered = selectors.consultations_offered(today - timedelta(days=364), today)
        context["consultations"] = {
            "year": offered.count(),
            "taken_up": offered.filter(status=ConsultationStatus.TAKEN_UP).count(),
            "can_record": policy.can_record_consultations(user),
        }
    record(action=action)
    return render(request, "workforce/home.html", context)


@require_GET
def training_list(request: HttpRequest) -> HttpResponse:
    action = "workforce.training.listed"
    if not policy.can_manage_training(request.user):
        _refuse(action)
    course = request.GET.get("course", "")
    course = course if course in Course.values else ""
    records = selectors.training_of(users=policy.staff_in_scope(request.user))
    if course:
        records = records.filter(course=course)
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for r in page.object_list:
        r.current = r.is_current_on(today)
    record(action=action, details={"course": course or None, "page": page.number})
    return render(
        request,
        "workforce/training_list.html",
        {"page": page, "course": course, "courses": Course.choices, "today": today},
    )


@require_http_methods(["GET", "POST"])
def training_new(request: HttpRequest) -> HttpResponse:
    is_post = request.method == "POST"
    if not policy.can_manage_training(request.user):
        _refuse("workforce.training.record_requested")
    if not is_post:
        record(action="workforce.training.new_viewed")
    return form_page(
        request,
        form=TrainingRecordForm(request.POST or None, staff=policy.staff_in_scope(request.user)),
        template="workforce/training_new.html",
        context={},
        save=lambda data: services.training_record_add(
            actor=request.user,
            user=data["user"],
            course=data["course"],
            completed_on=data["completed_on"],
            expires_on=data["expires_on"],
            provider=data["provider"],
        ),
        failed_action="workforce.training.record_refused",
        obj=None,
        person_id=None,
        done=_saved(request, "Training recorded.", "workforce:training"),
    )


@require_GET
def consultation_list(request: HttpRequest) -> HttpResponse:
    action = "workforce.consultation.listed"
    if not policy.can_view_consultations(request.user):
        _refuse(action)
    page = Paginator(selectors.consultation_list(), PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.name_people(request.user, page.object_list)
    record(action=action, details={"page": page.number})
    return render(
        request,
        "workforce/consultation_list.html",
        {"page": page, "can_record": policy.can_record_consultations(request.user)},
    )


@require_http_methods(["GET", "POST"])
def consultation_new(request: HttpRequest) -> HttpResponse:
    """Record a consultation; from a child's profile (`?person=<id>`) it is about that child, who
    must be one the user may see (else 404, audited, as for any record of theirs)."""
    is_post = request.method == "POST"
    action = None if is_post else "workforce.consultation.new_viewed"
    person_id = request.GET.get("person")
    if not policy.can_record_consultations(request.user):
        _refuse(action or "workforce.consultation.record_requested")
    person = None
    if person_id:
        person, _ = access_person(request.user, person_id, action=action)
    elif action:
        record(action=action)
    back = (
        reverse("people:detail", args=[person.id]) + "#hsb-consultations"
        if person is not None
        else "workforce:consultations"
    )
    return form_page(
        request,
        form=ConsultationForm(
            request.POST or None,
            hsb_staff=policy.hsb_staff(),
            initial={"offered_by": request.user.pk, "offered_on": timezone.localdate()},
        ),
        template="workforce/consultation_new.html",
        context={"person": person},
        save=lambda data: services.hsb_consultation_record(
            actor=request.user,
            person=person,
            offered_on=data["offered_on"],
            offered_by=data["offered_by"],
            offered_to_agency=data["offered_to_agency"],
            offered_to_name=data["offered_to_name"],
            status=data["status"],
            notes=data["notes"],
        ),
        failed_action="workforce.consultation.record_refused",
        obj=None,
        person_id=person.pk if person else None,
        done=_saved(request, "HSB consultation recorded.", back),
    )
