"""Reads for the linkage pages."""

from __future__ import annotations

from .models import ImportRun


def import_runs():
    return ImportRun.objects.select_related("system", "run_by").defer("problems")


def import_run(run_id) -> ImportRun | None:
    return ImportRun.objects.select_related("system", "run_by").filter(pk=run_id).first()
