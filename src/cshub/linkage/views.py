"""Linkage pages for data stewards: the imports and why a file was refused. Thin: authorise,
read through `selectors`, render; every request writes one audit row."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cshub.audit.models import Outcome
from cshub.audit.services import record

from . import policy, selectors
from .choices import ImportStatus

PAGE_SIZE = 50


def _steward_or_404(request: HttpRequest, action: str, **details) -> None:
    if not policy.can_view_imports(request.user):
        record(action=action, outcome=Outcome.DENIED, details=details)
        raise Http404("No such page")


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
        record(action=action, outcome=Outcome.DENIED, details={"requested_id": str(run_id)})
        raise Http404("No such import")
    record(action=action, obj=run)
    return render(
        request,
        "linkage/import_run.html",
        {"run": run, "more_problems": max(run.error_count - len(run.problems), 0)},
    )
