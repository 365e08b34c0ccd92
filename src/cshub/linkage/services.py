"""Loading source system extracts (format: `schemas.py`, `docs/imports.md`).

All or nothing: every row is checked first; a file with any bad row is refused whole, every bad
row listed with its row number (as the file shows it) and the reason, and nothing is kept but
the `ImportRun` marked refused and its audit row. A good file is written in one transaction. A
row whose content is as last imported is "unchanged" and left as it is (only `last_seen_run`
moves on), so loading the same file again changes nothing; a changed row updates its record.

Matching is not done here: a new record is "unmatched" until the engine (`engine.py`) runs.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.db import transaction
from django.utils import timezone

from cshub.audit.models import Outcome
from cshub.audit.services import record

from . import schemas
from .choices import ImportStatus
from .models import ImportRun, SourceRecord, SourceSystem

MAX_ROWS = 1_000_000
PROBLEMS_KEPT = 1_000  # on the ImportRun, for the page; the command lists every one
PROBLEMS_AUDITED = 50
PROGRESS_EVERY = 500  # rows between progress updates of the ImportRun
BATCH = 500

Progress = Callable[[str, int, int], None]  # (stage: "checking" | "writing", done, total)

_FIELDS = (
    "given_name", "middle_names", "family_name", "aliases", "date_of_birth", "sex", "address",
    "postcode", "school", "nhs_number", "upn", "other_identifiers", "flags",
)  # fmt: skip


@dataclass(frozen=True)
class Problem:
    row: int | None  # None: the file or its header
    column: str
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}" if self.row is not None else self.column
        if self.row is None:
            return f"{where}: {self.message}"
        return f"{where}: {self.column}: {self.message}"

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


class ImportRefused(Exception):
    def __init__(self, run: ImportRun, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s); nothing was imported")
        self.run = run
        self.problems = problems


@dataclass
class _Row:
    number: int
    record_id: str
    raw: dict
    row_hash: str
    values: dict


def _read(path_or_file: str | os.PathLike | IO) -> tuple[str, bytes]:
    if isinstance(path_or_file, str | os.PathLike):
        path = Path(path_or_file)
        return path.name, path.read_bytes()
    data = path_or_file.read()
    if isinstance(data, str):
        data = data.encode("utf-8")
    return Path(getattr(path_or_file, "name", "") or "upload.csv").name, data


def _row_hash(cells: dict[str, str]) -> str:
    canonical = json.dumps(cells, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _label(actor) -> tuple[object | None, str]:
    if actor is None:
        return None, "unknown"
    if isinstance(actor, str):
        return None, actor[:150]
    return actor, actor.get_username()


def _check_header(system: SourceSystem, fieldnames: list[str] | None) -> list[Problem]:
    header = [h.strip() for h in (fieldnames or [])]
    if not header:
        return [Problem(None, "file", "The file is empty: the first row must be the header.")]
    allowed = schemas.column_names(system.kind)
    problems = []
    missing = [c for c in schemas.REQUIRED if c not in header]
    if missing:
        problems.append(Problem(None, "header", "missing column(s) " + ", ".join(missing)))
    unknown = [h for h in header if h not in allowed]
    if unknown:
        problems.append(
            Problem(
                None,
                "header",
                f"unknown column(s) {', '.join(unknown)}: not in a "
                f"{system.get_kind_display().lower()} extract",
            )
        )
    twice = sorted({h for h in header if header.count(h) > 1})
    if twice:
        problems.append(Problem(None, "header", "column(s) given twice: " + ", ".join(twice)))
    return problems


def _check_rows(
    system: SourceSystem, run: ImportRun, text: str, progress: Progress | None
) -> tuple[list[_Row], list[Problem]]:
    lines = io.StringIO(text, newline="")
    reader = csv.DictReader(lines)
    try:
        header_problems = _check_header(system, reader.fieldnames)
    except csv.Error as exc:
        return [], [Problem(None, "file", f"not a readable CSV file ({exc})")]
    if header_problems:
        return [], header_problems
    header = [h.strip() for h in reader.fieldnames or []]
    reader.fieldnames = header
    try:
        raws = []
        for raw in reader:
            raws.append((reader.line_num, raw))  # the line the row ends on, as an editor shows
            if len(raws) > MAX_ROWS:
                return [], [Problem(None, "file", f"more than {MAX_ROWS:,} rows; split it")]
    except csv.Error as exc:
        return [], [Problem(reader.line_num, "file", f"not readable as CSV ({exc})")]
    total = len(raws)
    ImportRun.objects.filter(pk=run.pk).update(rows=total)
    run.rows = total
    rows: list[_Row] = []
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for done, (number, raw) in enumerate(raws, start=1):
        if None in raw:
            problems.append(Problem(number, "row", "more cells than columns in the header"))
        else:
            cells = schemas.canonical_cells(system.kind, raw)
            values, row_problems = schemas.parse_row(system.kind, cells, system.identifier_scheme)
            problems += [Problem(number, column, message) for column, message in row_problems]
            if values is not None:
                key = values["other_identifiers"].get(system.identifier_scheme) or str(
                    values["record_id"]
                )
                if key in seen:
                    problems.append(
                        Problem(
                            number, "record_id", f"{key} is also on row {seen[key]} of this file"
                        )
                    )
                else:
                    seen[key] = number
                    rows.append(
                        _Row(
                            number=number,
                            record_id=key,
                            raw={h: cells[h] for h in header},
                            row_hash=_row_hash(cells),
                            values={f: values[f] for f in _FIELDS},
                        )
                    )
        if done % PROGRESS_EVERY == 0 or done == total:
            ImportRun.objects.filter(pk=run.pk).update(rows_done=done)
            if progress:
                progress("checking", done, total)
    if not raws:
        problems.append(Problem(None, "file", "no rows to import"))
    return rows, problems


def _refuse(run: ImportRun, actor, problems: list[Problem]) -> ImportRefused:
    with transaction.atomic():
        run.status = ImportStatus.REFUSED
        run.finished_at = timezone.now()
        run.error_count = len(problems)
        run.problems = [p.as_dict() for p in problems[:PROBLEMS_KEPT]]
        run.save(update_fields=["status", "finished_at", "error_count", "problems", "updated_at"])
        record(
            action="linkage.import.refused",
            outcome=Outcome.FAILED,
            obj=run,
            actor=actor,
            details={
                "system": run.system.code,
                "file": run.file_name,
                "sha256": run.file_sha256,
                "run_by": run.run_by_label,
                "count": len(problems),
                "problems": [str(p) for p in problems[:PROBLEMS_AUDITED]],
            },
        )
    return ImportRefused(run, problems)


def _write(system: SourceSystem, run: ImportRun, rows: list[_Row], progress: Progress | None):
    held = {
        record_id: (pk, row_hash)
        for record_id, pk, row_hash in SourceRecord.objects.filter(system=system)
        .values_list("record_id", "pk", "row_hash")
        .iterator(chunk_size=5_000)
    }
    now = timezone.now()
    new, changed, unchanged = [], [], []
    for row in rows:
        pk, row_hash = held.get(row.record_id, (None, None))
        if pk is None:
            new.append(
                SourceRecord(
                    system=system,
                    record_id=row.record_id,
                    raw=row.raw,
                    row_hash=row.row_hash,
                    first_seen_run=run,
                    last_seen_run=run,
                    **row.values,
                )
            )
        elif row_hash == row.row_hash:
            unchanged.append(pk)
        else:
            changed.append(
                SourceRecord(
                    pk=pk,
                    raw=row.raw,
                    row_hash=row.row_hash,
                    last_seen_run=run,
                    updated_at=now,
                    **row.values,
                )
            )
    total, done = len(rows), 0
    for start in range(0, len(new), BATCH):
        SourceRecord.objects.bulk_create(new[start : start + BATCH])
        done += len(new[start : start + BATCH])
        if progress:
            progress("writing", done, total)
    update_fields = [*_FIELDS, "raw", "row_hash", "last_seen_run", "updated_at"]
    for start in range(0, len(changed), BATCH):
        SourceRecord.objects.bulk_update(changed[start : start + BATCH], update_fields)
        done += len(changed[start : start + BATCH])
        if progress:
            progress("writing", done, total)
    for start in range(0, len(unchanged), BATCH):
        chunk = unchanged[start : start + BATCH]
        SourceRecord.objects.filter(pk__in=chunk).update(last_seen_run=run)
        done += len(chunk)
        if progress:
            progress("writing", done, total)
    return len(new), len(unchanged), len(changed)


def import_source_file(
    *,
    system: SourceSystem | str,
    path_or_file: str | os.PathLike | IO,
    actor,
    progress: Progress | None = None,
) -> ImportRun:
    """Check a whole extract, then load it in one transaction and return its `ImportRun`.

    `actor` is the user who ran it, or a label such as "command:import-source". A refused file
    raises `ImportRefused`, which carries the run (status refused) and every problem.
    """
    if isinstance(system, str):
        system = SourceSystem.objects.get(code=system)
    user, label = _label(actor)
    name, data = _read(path_or_file)
    run = ImportRun.objects.create(
        system=system,
        file_name=name[:255],
        file_sha256=hashlib.sha256(data).hexdigest(),
        run_by=user,
        run_by_label=label,
        started_at=timezone.now(),
    )
    if not system.is_active:
        raise _refuse(run, user, [Problem(None, "system", f"{system.name} is not active.")])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problem = Problem(None, "file", f"cannot be read as UTF-8 (byte {exc.start}).")
        raise _refuse(run, user, [problem]) from None
    rows, problems = _check_rows(system, run, text, progress)
    if problems:
        raise _refuse(run, user, problems)
    try:
        with transaction.atomic():
            created, unchanged, updated = _write(system, run, rows, progress)
            run.status = ImportStatus.SUCCEEDED
            run.finished_at = timezone.now()
            run.rows_done = run.rows
            run.created, run.unchanged, run.updated = created, unchanged, updated
            run.save()
            record(
                action="linkage.import.succeeded",
                obj=run,
                actor=user,
                details={
                    "system": system.code,
                    "file": run.file_name,
                    "sha256": run.file_sha256,
                    "run_by": label,
                    "rows": run.rows,
                    "created": created,
                    "unchanged": unchanged,
                    "updated": updated,
                },
            )
    except Exception as exc:
        ImportRun.objects.filter(pk=run.pk).update(
            status=ImportStatus.FAILED, finished_at=timezone.now()
        )
        record(
            action="linkage.import.failed",
            outcome=Outcome.FAILED,
            obj=run,
            actor=user,
            details={"system": system.code, "file": run.file_name, "error": type(exc).__name__},
        )
        raise
    return run
