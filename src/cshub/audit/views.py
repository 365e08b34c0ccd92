"""Reading the audit trail: who viewed a child's record, and the DPO's search and export."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cshub.access.policy import can_see_access_log, is_data_protection_officer
from cshub.core.exports import csv_response
from cshub.people.models import Person

from .forms import AuditFilterForm, PersonLogFilterForm
from .models import Outcome
from .selectors import AuditFilter, audit_events
from .services import record

PAGE_SIZE = 100
EXPORT_CAP = 50_000
EXPORT_COLUMNS = [
    "seq", "at", "actor_username", "actor_roles", "actor_agencies", "action", "outcome",
    "object_type", "object_id", "person_id", "relationship", "reason", "ip_address", "request_id",
]  # fmt: skip


def _filters(form) -> AuditFilter:
    data = form.cleaned_data if form.is_valid() else {}
    return AuditFilter(
        username=data.get("user") or "",
        person_id=str(data["person"]) if data.get("person") else "",
        action=data.get("action") or "",
        outcome=data.get("outcome") or "",
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
    )


def _filters_for_audit(filters: AuditFilter) -> dict:
    return {k: str(v) for k, v in filters.__dict__.items() if v}


def _merged_into(person) -> tuple[str, ...]:
    """Records merged into this person (and into those, and so on), while the merge stands: who
    viewed them is part of who viewed this child."""
    from cshub.people.models import PersonMerge

    found: list[str] = []
    frontier = [person.pk]
    while frontier:
        absorbed = list(
            PersonMerge.objects.filter(kept_id__in=frontier, split_at__isnull=True).values_list(
                "absorbed_id", flat=True
            )
        )
        found += [str(pk) for pk in absorbed if str(pk) not in found]
        frontier = [pk for pk in absorbed if str(pk) != str(person.pk)][:100]
        if len(found) > 1000:
            break
    return tuple(found)


@require_GET
def person_log(request: HttpRequest, person_id) -> HttpResponse:
    """'Who has viewed this record': managers who may see the person, and the DPO."""
    person = Person.objects.filter(pk=person_id).first()
    if person is None or not can_see_access_log(request.user, person_id):
        record(action="audit.person_log.viewed", outcome=Outcome.DENIED, person_id=person_id)
        raise Http404("No such record")
    form = PersonLogFilterForm(request.GET or None)
    base = _filters(form) if form.is_bound else AuditFilter()
    filters = AuditFilter(
        username=base.username,
        person_id=str(person.pk),
        merged_person_ids=_merged_into(person),
        date_from=base.date_from,
        date_to=base.date_to,
    )
    # Record first: the page is read afterwards and so includes this viewing too.
    record(action="audit.person_log.viewed", person=person, details=_filters_for_audit(filters))
    page = Paginator(audit_events(filters=filters), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/person_log.html",
        {
            "person": person,
            "form": form,
            "page": page,
            "is_dpo": is_data_protection_officer(request.user),
        },
    )


def _dpo_or_404(request: HttpRequest, action: str) -> None:
    if not is_data_protection_officer(request.user):
        record(action=action, outcome=Outcome.DENIED)
        raise Http404("No such page")


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    _dpo_or_404(request, "audit.events.searched")
    form = AuditFilterForm(request.GET or None)
    filters = _filters(form) if form.is_bound else AuditFilter()
    record(action="audit.events.searched", details=_filters_for_audit(filters))
    page = Paginator(audit_events(filters=filters), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/search.html",
        {"form": form, "page": page, "query": query.urlencode(), "cap": EXPORT_CAP},
    )


@require_GET
def export(request: HttpRequest) -> HttpResponse:
    _dpo_or_404(request, "audit.events.exported")
    form = AuditFilterForm(request.GET or None)
    filters = _filters(form) if form.is_bound else AuditFilter()
    rows = list(audit_events(filters=filters).values_list(*EXPORT_COLUMNS)[: EXPORT_CAP + 1])
    capped = len(rows) > EXPORT_CAP
    rows = rows[:EXPORT_CAP]
    record(
        action="audit.events.exported",
        details={**_filters_for_audit(filters), "rows": len(rows), "capped": capped},
    )
    return csv_response("cshub-audit.csv", EXPORT_COLUMNS, rows)
