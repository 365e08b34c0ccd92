"""Linkage pages for data stewards (and, read-only, the data protection officer): imports, the
matching model and runs, the review queue of uncertain pairs, decisions and their undoing,
merges and splits. Thin: authorise, read through `selectors`, write through `services`, render;
every request writes audit rows. Everyone else gets a 404 and a "denied" row."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cshub.access.policy import grants_for
from cshub.audit.models import Outcome
from cshub.audit.services import record
from cshub.core.forms import add_service_errors
from cshub.core.pages import record_failed
from cshub.people.services import merge_counts

from . import policy, selectors, services
from .choices import CandidateKind, CandidateStatus, ImportStatus
from .forms import DecisionForm, SplitForm
from .models import MatchDecision, SourceRecord

PAGE_SIZE = 50
REVIEW_FILTERS = {"open": "Open (waiting, then deferred)", **dict(CandidateStatus.choices)}
REVIEW_FILTERS.pop(CandidateStatus.PENDING)
REVIEW_FILTERS.pop(CandidateStatus.DEFERRED)


def _refuse(action: str, **details):
    record(action=action, outcome=Outcome.DENIED, details=details)
    raise Http404("No such page")


def _steward_or_404(request: HttpRequest, action: str, **details) -> None:
    if not policy.can_view_linkage(request.user):
        _refuse(action, **details)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    action = "linkage.home.viewed"
    _steward_or_404(request, action)
    model = selectors.current_model()
    records = selectors.record_count()
    record(action=action)
    return render(
        request,
        "linkage/home.html",
        {
            "model": model,
            "stale": selectors.model_staleness(model, records=records) if model else [],
            "records": records,
            "unmatched": SourceRecord.objects.filter(person__isnull=True).count(),
            "open_pairs": selectors.review_queue().count(),
            "runs": selectors.match_runs()[:10],
            "labels": selectors.threshold_check(
                upper=settings.CSHUB_LINKAGE_UPPER, lower=settings.CSHUB_LINKAGE_LOWER
            ),
            "upper": settings.CSHUB_LINKAGE_UPPER,
            "lower": settings.CSHUB_LINKAGE_LOWER,
        },
    )


@require_GET
def imports(request: HttpRequest) -> HttpResponse:
    action = "linkage.imports.viewed"
    _steward_or_404(request, action)
    page = Paginator(selectors.import_runs(), PAGE_SIZE).get_page(request.GET.get("page"))
    record(action=action, details={"page": page.number})
    return render(
        request,
        "linkage/imports.html",
        {
            "page": page,
            "running": any(r.status == ImportStatus.RUNNING for r in page),
        },
    )


@require_GET
def import_run(request: HttpRequest, run_id) -> HttpResponse:
    action = "linkage.import_run.viewed"
    _steward_or_404(request, action, requested_id=str(run_id))
    run = selectors.import_run(run_id)
    if run is None:
        _refuse(action, requested_id=str(run_id))
    record(action=action, obj=run)
    return render(
        request,
        "linkage/import_run.html",
        {"run": run, "more_problems": max(run.error_count - len(run.problems), 0)},
    )


@require_GET
def review(request: HttpRequest) -> HttpResponse:
    action = "linkage.review.viewed"
    _steward_or_404(request, action)
    status = request.GET.get("status", "open")
    if status not in REVIEW_FILTERS:  # an allowlist: anything else is the open queue
        status = "open"
    page = Paginator(selectors.review_queue(status=status), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    record(action=action, details={"status": status, "page": page.number, "hits": len(page)})
    return render(
        request,
        "linkage/review.html",
        {
            "page": page,
            "status": status,
            "filters": REVIEW_FILTERS,
            "visible": _visible_ids(
                request.user, [c.person_id for c in page] + [c.other_person_id for c in page]
            ),
        },
    )


def _visible_ids(user, ids) -> set:
    """Which of these people the user may open: one query for a whole page."""
    from cshub.access.policy import people_visible_to

    wanted = {i for i in ids if i}
    return set(people_visible_to(user).filter(pk__in=wanted).values_list("pk", flat=True))


def _side(user, person, compared):
    """One side of a pair as the steward sees it; a person the user may not open (a sealed
    record, or a decided pair's person) is named as restricted."""
    if person is None:
        return None
    grants = grants_for(user, person.pk)
    visible = bool(grants)
    return {
        "visible": visible,
        "grants": ",".join(g.key for g in grants),
        "summary": selectors.person_summary(person) if visible else None,
        "compared": compared,
    }


_COMPARED_ROWS = (
    ("given_name", "Given name"),
    ("family_name", "Family name"),
    ("date_of_birth", "Date of birth"),
    ("sex", "Sex"),
    ("address", "Address"),
    ("postcode", "Postcode"),
    ("nhs_number", "NHS number"),
    ("upn", "UPN"),
    ("school", "School"),
)


def _values(obj) -> dict:
    """The compared fields of a source record, or of a person's own record."""
    if obj is None:
        return {}
    if isinstance(obj, SourceRecord):
        values = {name: getattr(obj, name) for name, _ in _COMPARED_ROWS}
        values["sex"] = obj.get_sex_display()
        return values
    home = obj.addresses.filter(moved_out__isnull=True).first()
    ids = {i.scheme: i.value for i in obj.identifiers.all()}
    return {
        "given_name": obj.given_name,
        "family_name": obj.family_name,
        "date_of_birth": obj.date_of_birth,
        "sex": obj.get_sex_display(),
        "address": home.line1 if home else "",
        "postcode": home.postcode if home else "",
        "nhs_number": ids.get("nhs", ""),
        "upn": ids.get("upn", ""),
        "school": obj.school.name if obj.school_id else "",
    }


def _column(title: str, obj, visible: bool) -> dict:
    return {"title": title, "values": _values(obj) if visible else None}


def _describe(rec) -> str:
    if rec is not None:
        return f"{rec.system.name} record {rec.record_id}"
    return "Their record in cshub"


def _comparison(pair, left, right) -> tuple[list[dict], list[dict]]:
    if pair.kind == CandidateKind.RECORD:
        a = _column(_describe(pair.record), pair.record, True)
        b = _column(
            _describe(pair.compared_record),
            pair.compared_record or pair.person,
            left["visible"],
        )
    else:
        a = _column(
            _describe(pair.compared_record),
            pair.compared_record or pair.person,
            left["visible"],
        )
        b = _column(
            _describe(pair.other_compared_record),
            pair.other_compared_record or pair.other_person,
            right["visible"],
        )
    rows = []
    for name, label in _COMPARED_ROWS:
        va = a["values"].get(name, "") if a["values"] is not None else None
        vb = b["values"].get(name, "") if b["values"] is not None else None
        differs = va is not None and vb is not None and (va or vb) and va != vb
        rows.append({"label": label, "a": va, "b": vb, "differs": differs})
    return [a, b], rows


FIELD_LABELS = {"prior": "Starting point", **dict(_COMPARED_ROWS)}


def _field_rows(candidate) -> list[dict]:
    scale = max([abs(f["weight"]) for f in candidate.fields] + [1.0])
    return [
        {
            **f,
            "label": FIELD_LABELS.get(f["field"], f["field"]),
            "width": min(10, round(10 * abs(f["weight"]) / scale)),
            "up": f["weight"] >= 0,
        }
        for f in candidate.fields
    ]


@require_http_methods(["GET", "POST"])
def candidate(request: HttpRequest, candidate_id) -> HttpResponse:
    is_post = request.method == "POST"
    action = "linkage.candidate.viewed"
    _steward_or_404(request, action, requested_id=str(candidate_id))
    pair = selectors.candidate(candidate_id)
    if pair is None:
        _refuse(action, requested_id=str(candidate_id))
    if is_post and not policy.can_steward(request.user):
        _refuse("linkage.candidate.decided", candidate=str(pair.pk))
    left = _side(request.user, pair.person, pair.compared_record)
    right = _side(request.user, pair.other_person, pair.other_compared_record)
    hidden = not left["visible"] or (right is not None and not right["visible"])
    can_decide = policy.can_steward(request.user) and pair.is_open and not hidden
    form = DecisionForm(request.POST or None, candidate=pair) if can_decide or is_post else None
    if is_post:
        if not can_decide:
            form.add_error(
                None,
                "This pair has already been decided: see its history below. Nothing was changed."
                if not pair.is_open
                else "This pair involves a sealed record you are not named on: only its named "
                "users can decide it. Nothing was changed.",
            )
        elif form.is_valid():
            try:
                services.match_decide(
                    actor=request.user,
                    candidate=pair,
                    decision=form.cleaned_data["decision"],
                    note=form.cleaned_data["note"],
                    keep=form.cleaned_data.get("keep") or None,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "Decision saved. You can undo it from the pair's page.")
                return redirect("linkage:candidate", candidate_id=pair.pk)
        record_failed("linkage.candidate.decided", pair, pair.person_id, form.errors)
    else:
        for person, side in ((pair.person, left), (pair.other_person, right)):
            if person is not None:  # the relationship that let them see it, or none (withheld)
                record(action=action, obj=pair, person_id=person.pk, relationship=side["grants"])
    columns, rows = _comparison(pair, left, right)
    decisions = list(pair.decisions.all())
    newest = next((d for d in decisions if d.undone_at is None), None)
    return render(
        request,
        "linkage/candidate.html",
        {
            "pair": pair,
            "record": pair.record,
            "left": left,
            "right": right,
            "fields": _field_rows(pair),
            "columns": columns,
            "rows": rows,
            "form": form,
            "decisions": decisions,
            "undoable": newest if policy.can_steward(request.user) else None,
            "is_people": pair.kind == CandidateKind.PEOPLE,
        },
        status=400 if is_post else 200,
    )


@require_POST
def decision_undo(request: HttpRequest, decision_id) -> HttpResponse:
    action = "linkage.candidate.decision_undone"
    if not policy.can_steward(request.user):
        _refuse(action, requested_id=str(decision_id))
    decision = (
        MatchDecision.objects.select_related("candidate", "merge").filter(pk=decision_id).first()
    )
    if decision is None:
        _refuse(action, requested_id=str(decision_id))
    try:
        services.match_decision_undo(actor=request.user, decision=decision)
    except ValidationError as exc:
        record_failed(action, decision.candidate, decision.candidate.person_id, {"undo": 1})
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Decision undone: the pair is open again.")
    return redirect("linkage:candidate", candidate_id=decision.candidate_id)


@require_GET
def merges(request: HttpRequest) -> HttpResponse:
    action = "linkage.merges.viewed"
    _steward_or_404(request, action)
    page = Paginator(selectors.merges(), PAGE_SIZE).get_page(request.GET.get("page"))
    record(action=action, details={"page": page.number})
    visible = _visible_ids(request.user, [m.kept_id for m in page] + [m.absorbed_id for m in page])
    return render(request, "linkage/merges.html", {"page": page, "visible": visible})


@require_http_methods(["GET", "POST"])
def merge(request: HttpRequest, merge_id) -> HttpResponse:
    is_post = request.method == "POST"
    action = "people.person.split" if is_post else "linkage.merge.viewed"
    _steward_or_404(request, action, requested_id=str(merge_id))
    found = selectors.merge(merge_id)
    if found is None or (is_post and not policy.can_steward(request.user)):
        _refuse(action, requested_id=str(merge_id))
    visible = {p.pk: bool(grants_for(request.user, p.pk)) for p in (found.kept, found.absorbed)}
    can_split = policy.can_steward(request.user) and not found.is_split and all(visible.values())
    form = SplitForm(request.POST or None) if can_split or is_post else None
    if is_post:
        if not can_split:
            form.add_error(None, "This merge cannot be split here. Nothing was changed.")
        elif form.is_valid():
            from cshub.people.services import person_split

            try:
                person_split(actor=request.user, merge=found, reason=form.cleaned_data["reason"])
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "Merge split: each record has what it held before.")
                return redirect("linkage:merge", merge_id=found.pk)
        record_failed(action, found, found.kept_id, form.errors)
    else:
        for person in (found.kept, found.absorbed):
            record(action=action, obj=found, person_id=person.pk)
    return render(
        request,
        "linkage/merge.html",
        {
            "merge": found,
            "visible_ids": {pk for pk, ok in visible.items() if ok},
            "moved": merge_counts(found.moved),
            "left": merge_counts(found.left),
            "form": form,
        },
        status=400 if is_post else 200,
    )
