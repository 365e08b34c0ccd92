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
from cshub.core.vocab import IdentifierScheme, Sex

from . import schemas
from .choices import (
    OPEN_STATUSES,
    CandidateKind,
    CandidateStatus,
    ImportStatus,
    MatchMethod,
    RunStatus,
)
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


# --- matching source records into people ---------------------------------------------------------
#
# A run compares every unmatched source record with every person (their own details) and every
# source record already matched (so a child's other spellings count too), then:
# - the system's own id already recorded on a person joins the record to that person;
# - one person reaching the upper threshold (not likely twins, not a contradicted identifier)
#   takes the record (deterministic NHS number / UPN, or probabilistic);
# - a person between the thresholds, likely twins, a contradicted identifier, or two people at
#   the upper threshold send the record to review, where it waits unmatched;
# - the rest are new people: unmatched records linked to each other become one new person each
#   group, and a pair of them between the thresholds is a "people" pair for review;
# - two people whose records match at the upper threshold are a "people" pair for review (a
#   steward linking them merges them).

_METHODS = {
    "probabilistic": MatchMethod.PROBABILISTIC,
    "deterministic_nhs_number": MatchMethod.DETERMINISTIC_NHS,
    "deterministic_upn": MatchMethod.DETERMINISTIC_UPN,
}
REASON_TWINS = "Likely twins: the same date of birth and home, different given names"
REASON_CONTRADICTED = (
    "They share a valid NHS number or UPN, but the date of birth and given name disagree"
)
REASON_AMBIGUOUS = "The record matches more than one person"
REASON_BETWEEN = "The match probability is between the thresholds"
REASON_DUPLICATE = "Records of two different people match at the upper threshold"
NOT_KNOWN_NAME = "Not known"


def _thresholds():
    from django.conf import settings as dj

    from .engine import Thresholds

    return Thresholds(upper=dj.CSHUB_LINKAGE_UPPER, lower=dj.CSHUB_LINKAGE_LOWER)


def _standard_frame():
    """People (ids "p:<uuid>") and source records ("s:<uuid>") as standard person rows."""
    import pandas as pd

    from cshub.people.models import Address, Identifier, Person

    ids: dict = {}
    for person_id, scheme, value in Identifier.objects.filter(
        scheme__in=[IdentifierScheme.NHS_NUMBER, IdentifierScheme.UPN]
    ).values_list("person_id", "scheme", "value"):
        ids.setdefault(person_id, {}).setdefault(scheme, value)
    homes: dict = {}
    for person_id, line1, postcode in (
        Address.objects.filter(moved_out__isnull=True)
        .order_by("person_id", "-moved_in")
        .values_list("person_id", "line1", "postcode")
    ):
        homes.setdefault(person_id, (line1, postcode))
    rows = []
    for pk, given, family, dob, sex in Person.objects.filter(merged_into__isnull=True).values_list(
        "pk", "given_name", "family_name", "date_of_birth", "sex"
    ):
        line1, postcode = homes.get(pk, (None, None))
        rows.append(
            {
                "record_id": f"p:{pk}",
                "given_name": given or None,
                "family_name": family or None,
                "date_of_birth": dob.isoformat() if dob else None,
                "sex": sex if sex in (Sex.FEMALE, Sex.MALE) else None,
                "postcode": postcode or None,
                "address": line1 or None,
                "nhs_number": ids.get(pk, {}).get(IdentifierScheme.NHS_NUMBER),
                "upn": ids.get(pk, {}).get(IdentifierScheme.UPN),
            }
        )
    for r in SourceRecord.objects.values(
        "pk", "given_name", "family_name", "date_of_birth", "sex", "postcode", "address",
        "nhs_number", "upn",
    ):  # fmt: skip
        rows.append(
            {
                "record_id": f"s:{r['pk']}",
                "given_name": r["given_name"] or None,
                "family_name": r["family_name"] or None,
                "date_of_birth": r["date_of_birth"].isoformat() if r["date_of_birth"] else None,
                "sex": r["sex"] if r["sex"] in (Sex.FEMALE, Sex.MALE) else None,
                "postcode": r["postcode"] or None,
                "address": r["address"] or None,
                "nhs_number": r["nhs_number"] or None,
                "upn": r["upn"] or None,
            }
        )
    from .engine import STANDARD_COLUMNS

    return pd.DataFrame(rows, columns=STANDARD_COLUMNS)


def _field_weights(row, labels: dict, prior: float) -> tuple[list[dict], float]:
    """Each compared field's level and weight (log2 Bayes factor), and the total match weight."""
    import math

    from .engine import COMPARED

    fields = [{"field": "prior", "level": "two records picked at random", "weight": prior}]
    for field in COMPARED:
        gamma = int(row[f"gamma_{field}"])
        bf = float(row[f"bf_{field}"])
        fields.append(
            {
                "field": field,
                "level": labels.get(field, {}).get(gamma, "not compared"),
                "weight": round(math.log2(bf), 3) if bf > 0 else -99.0,
            }
        )
    p = min(max(float(row["match_probability"]), 1e-12), 1 - 1e-12)
    return fields, math.log2(p / (1 - p))


NO_FACTS = (None, None)


def _facts(frame) -> dict[str, tuple[str | None, str | None]]:
    """{row id: (given name in lower case, date of birth)} for the veto below."""
    given = frame["given_name"].map(lambda v: v.strip().lower() if isinstance(v, str) else None)
    return dict(
        zip(frame["record_id"], zip(given, frame["date_of_birth"], strict=True), strict=True)
    )


def _vetoed(a: tuple, b: tuple) -> bool:
    """Two rows that cannot be one person whatever else they share (a home, a family name):
    dates of birth both known and more than a typo or a day/month swap apart (a parent and a
    child, siblings), or, with a date of birth missing, given names both known and not alike
    (brothers at one address). A shared home counts heavily in the model; this keeps families
    from being called one person. Deterministic identifier matches are not vetoed here (the
    engine's contradiction rule covers them)."""
    from .engine import _dob_close, _given_alike

    (given_a, dob_a), (given_b, dob_b) = a, b
    if dob_a and dob_b:
        return not _dob_close(dob_a, dob_b)
    return not _given_alike(given_a, given_b)


@dataclass
class _Pair:
    probability: float
    method: str
    twins: bool
    decision: str
    fields: list
    weight: float
    compared: str | None  # the other side's "s:<uuid>", or None for the person's own row
    vetoed: bool = False


def linkage_model_store(*, model_json: dict, fitted: bool, records: int, label: str):
    from . import selectors
    from .models import LinkageModel

    latest = selectors.current_model()
    return LinkageModel.objects.create(
        version=(latest.version + 1) if latest else 1,
        model_json=model_json,
        fingerprint=selectors.model_fingerprint(model_json),
        fitted=fitted,
        records=records,
        trained_at=timezone.now(),
        trained_by_label=label,
    )


def linkage_model_fit(*, actor, frame=None, seed: int | None = None):
    """Fit the matching model to every person and source record and store it as the next
    version. `seed` makes it reproducible (the demo borough)."""
    from .engine import fit

    _, label = _label(actor)
    frame = _standard_frame() if frame is None else frame
    model_json, fitted = fit(frame, seed=seed)
    stored = linkage_model_store(
        model_json=model_json, fitted=fitted, records=len(frame), label=label
    )
    record(
        action="linkage.model.fitted",
        obj=stored,
        actor=_label(actor)[0],
        details={"version": stored.version, "fitted": fitted, "records": len(frame)},
    )
    return stored


def _person_from_record(rec: SourceRecord, held: set[tuple[str, str]]):
    """A new person from one source record, with its identifiers (those no one holds yet) and
    address. Not bulk: each is validated like any other person."""
    from cshub.core.vocab import DatePrecision
    from cshub.people.models import Address, Person

    person = Person(
        given_name=rec.given_name or NOT_KNOWN_NAME,
        middle_names=rec.middle_names,
        family_name=rec.family_name or NOT_KNOWN_NAME,
        date_of_birth=rec.date_of_birth,
        date_of_birth_precision=DatePrecision.EXACT if rec.date_of_birth else DatePrecision.UNKNOWN,
        sex=rec.sex or Sex.NOT_KNOWN,
    )
    person.full_clean()
    person.save()
    _add_identifiers(person, rec, held)
    if rec.address or rec.postcode:
        Address.objects.create(
            person=person,
            line1=(rec.address or rec.postcode)[:200],
            postcode=rec.postcode[:8],
            **_place_of(rec.postcode),
        )
    return person


def _place_of(postcode: str) -> dict:
    """The ward, town and map point of a postcode, from the partnership's own addresses there
    (as an address lookup would give), so a new person is on the map and in area counts; none
    when no address with that postcode is known."""
    from cshub.people.models import Address

    if not postcode:
        return {}
    return (
        Address.objects.filter(postcode=postcode[:8], ward__isnull=False)
        .order_by("id")
        .values("ward_id", "latitude", "longitude", "town")
        .first()
    ) or {}


def _add_identifiers(person, rec: SourceRecord, held: set[tuple[str, str]]) -> None:
    """The record's identifiers (NHS number, UPN, the system's own id) on the person it made or
    joined in a new group, unless someone holds them already."""
    from cshub.people.models import Identifier

    wanted = [
        (IdentifierScheme.NHS_NUMBER, rec.nhs_number),
        (IdentifierScheme.UPN, rec.upn),
        *rec.other_identifiers.items(),
    ]
    for scheme, value in wanted:
        if value and scheme in IdentifierScheme.values and (scheme, value) not in held:
            Identifier.objects.create(person=person, scheme=scheme, value=value)
            held.add((scheme, value))


def _attach(rec_ids: list, person_id, method: str, probability: float | None) -> None:
    SourceRecord.objects.filter(pk__in=rec_ids, person__isnull=True).update(
        person_id=person_id,
        match_method=method,
        match_probability=probability,
        updated_at=timezone.now(),
    )


def _one_run_at_a_time() -> None:
    """Two runs at once would each make a new person for the same record. SQLite's transactions
    here are immediate (one writer); PostgreSQL takes a transaction-scoped advisory lock, so a
    second run waits for the first to commit and then finds the records matched."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('cshub.linkage.matching_run'))")


@transaction.atomic
def matching_run(*, actor, refit: bool = False, progress: Callable[[str], None] | None = None):
    """Match every unmatched source record (see the comment above). Returns the `MatchRun`.

    The newest stored model scores the pairs; with `refit`, or when none is stored, a model is
    fitted to the records first and stored as a new version. A stale model is still used (the
    run records why it is stale; `cshub match-records --refit` fits a new one)."""
    from cshub.people.models import Identifier

    from . import selectors
    from .engine import link
    from .models import MatchCandidate, MatchRun

    say = progress or (lambda _text: None)
    _one_run_at_a_time()
    started = timezone.now()
    user, label = _label(actor)
    thresholds = _thresholds()
    counts = dict.fromkeys(
        ("records", "system_id", "deterministic", "probabilistic", "new_people", "review",
         "duplicate_people"), 0,
    )  # fmt: skip
    open_record_ids = set(
        MatchCandidate.objects.filter(status__in=OPEN_STATUSES, record__isnull=False).values_list(
            "record_id", flat=True
        )
    )
    unmatched = SourceRecord.objects.filter(person__isnull=True).exclude(pk__in=open_record_ids)
    counts["records"] = unmatched.count()
    # 1. The system's own id, already on a person.
    by_id = {}
    for scheme, value, person_id in Identifier.objects.filter(
        scheme__in=[
            s for s in SourceSystem.objects.values_list("identifier_scheme", flat=True) if s
        ]
    ).values_list("scheme", "value", "person_id"):
        by_id[(scheme, value)] = person_id
    if by_id:
        now = timezone.now()
        joined = [
            SourceRecord(
                pk=pk,
                person_id=by_id[(scheme, record_id)],
                match_method=MatchMethod.SYSTEM_ID,
                match_probability=1.0,
                updated_at=now,
            )
            for pk, scheme, record_id in unmatched.values_list(
                "pk", "system__identifier_scheme", "record_id"
            )
            if (scheme, record_id) in by_id
        ]
        SourceRecord.objects.bulk_update(joined, [*_MATCH_FIELDS, "updated_at"], batch_size=BATCH)
        counts["system_id"] = len(joined)
    # 2. The engine.
    frame = _standard_frame()
    model = selectors.current_model()
    stale = selectors.model_staleness(model, records=len(frame)) if model else []
    fit = refit or model is None
    unmatched_ids = {
        str(pk) for pk in unmatched.filter(person__isnull=True).values_list("pk", flat=True)
    }
    run_model = model
    if fit:
        say(f"Fitting a model to {len(frame):,} people and records")
        run_model = linkage_model_fit(actor=actor, frame=frame)
        stale = []
    result = None
    if unmatched_ids:
        say(f"Scoring {len(frame):,} people and records (model v{run_model.version})")
        result = link(frame, thresholds=thresholds, model=run_model.model_json)
    run = MatchRun.objects.create(
        model=run_model,
        run_by=user,
        run_by_label=label,
        started_at=started,
        upper=thresholds.upper,
        lower=thresholds.lower,
        stale_reasons=stale,
    )
    if result is not None and unmatched_ids:
        _resolve(run, result, unmatched_ids, counts, thresholds, say, _facts(frame))
    run.counts = counts
    run.status = RunStatus.SUCCEEDED
    run.finished_at = timezone.now()
    run.save()
    record(
        action="linkage.match_run.completed",
        obj=run,
        actor=user,
        details={"model": run_model.version, "counts": counts, "stale": stale, "run_by": label},
    )
    return run


def _resolve(run, result, unmatched_ids, counts, thresholds, say, facts) -> None:
    import math

    from cshub.people.models import Identifier

    from .engine import level_labels
    from .models import MatchCandidate

    labels = level_labels(run.model.model_json)
    lam = float(run.model.model_json.get("probability_two_random_records_match", 0.0001))
    prior = round(math.log2(lam / (1 - lam)), 3)
    owner = {
        str(pk): (str(person) if person else None)
        for pk, person in SourceRecord.objects.values_list("pk", "person_id")
    }
    kept_apart = set()
    for kind, rec, person, other in MatchCandidate.objects.filter(
        status=CandidateStatus.KEPT_APART
    ).values_list("kind", "record_id", "person_id", "other_person_id"):
        if kind == CandidateKind.RECORD:
            kept_apart.add((str(rec), str(person)))
        else:
            kept_apart.add(tuple(sorted((str(person), str(other)))))
    open_people = {
        tuple(sorted((str(a), str(b))))
        for a, b in MatchCandidate.objects.filter(
            status__in=OPEN_STATUSES, kind=CandidateKind.PEOPLE
        ).values_list("person_id", "other_person_id")
    }

    def side(ident: str) -> tuple[str, str]:
        kind, pk = ident[0], ident[2:]
        if kind == "p":
            return "person", pk
        if pk in unmatched_ids:
            return "record", pk
        person = owner.get(pk)
        return ("person", person) if person else ("other", pk)

    per_record: dict[str, dict[str, _Pair]] = {}
    between_records: list[tuple[str, str, _Pair]] = []
    duplicates: dict[tuple[str, str], tuple[_Pair, str | None, str | None]] = {}

    def fact(ident: str) -> tuple:
        return facts.get(ident, NO_FACTS)

    columns = list(result.pairs.columns)
    for values in result.pairs.itertuples(index=False, name=None):
        row = dict(zip(columns, values, strict=True))
        a_kind, a = side(row["left_id"])
        b_kind, b = side(row["right_id"])
        if "other" in (a_kind, b_kind):
            continue  # a record waiting in review, or matched elsewhere since
        fields, weight = _field_weights(row, labels, prior)
        compared_a = row["left_id"][2:] if row["left_id"][0] == "s" else None
        compared_b = row["right_id"][2:] if row["right_id"][0] == "s" else None
        pair = _Pair(
            probability=float(row["match_probability"]),
            method=row["method"],
            twins=bool(row["twins"]),
            decision=row["decision"],
            fields=fields,
            weight=weight,
            compared=None,
        )
        if not row["method"].startswith("deterministic"):
            # the rows compared, and the people's own details where a side is a person
            golden = [f"p:{x}" for x, kind in ((a, a_kind), (b, b_kind)) if kind == "person"]
            checks = [(row["left_id"], row["right_id"])]
            if len(golden) == 2:
                checks.append((golden[0], golden[1]))
            elif len(golden) == 1:
                record_row = row["left_id"] if a_kind == "record" else row["right_id"]
                checks.append((record_row, golden[0]))
            pair.vetoed = any(_vetoed(fact(x), fact(y)) for x, y in checks)
        if a_kind == "person" and b_kind == "person":
            key = tuple(sorted((a, b)))
            if (
                a != b
                and pair.probability >= thresholds.upper
                and not pair.twins
                and not pair.vetoed
                and key not in kept_apart
                and key not in open_people
            ):
                best = duplicates.get(key)
                if best is None or best[0].probability < pair.probability:
                    ca, cb = (compared_a, compared_b) if key == (a, b) else (compared_b, compared_a)
                    duplicates[key] = (pair, ca, cb)
            continue
        if a_kind == "record" and b_kind == "record":
            between_records.append((a, b, pair))
            continue
        rec, person, compared = (a, b, compared_b) if a_kind == "record" else (b, a, compared_a)
        if (rec, person) in kept_apart:
            continue
        pair.compared = compared
        best = per_record.setdefault(rec, {}).get(person)
        if best is None or best.probability < pair.probability:
            per_record[rec][person] = pair

    say(f"Deciding {len(unmatched_ids):,} records")
    candidates = []

    def candidate(**kw):
        pair = kw.pop("pair")
        candidates.append(
            MatchCandidate(
                run=run,
                match_probability=min(max(pair.probability, 0.0), 1.0),
                match_weight=pair.weight,
                method=pair.method,
                likely_twins=pair.twins,
                fields=pair.fields,
                **kw,
            )
        )

    pool = []
    for rec in sorted(unmatched_ids):
        # a person the record cannot be (see `_vetoed`) is no candidate for it
        people = {p: pair for p, pair in per_record.get(rec, {}).items() if not pair.vetoed}
        upper = [p for p, pair in people.items() if pair.probability >= thresholds.upper]
        if len(upper) == 1 and people[upper[0]].decision == "link":
            pair = people[upper[0]]
            method = _METHODS.get(pair.method, MatchMethod.PROBABILISTIC)
            _attach([rec], upper[0], method, pair.probability)
            counts["deterministic" if method != MatchMethod.PROBABILISTIC else "probabilistic"] += 1
            continue
        if people:
            for person, pair in people.items():
                if len(upper) > 1:
                    reason = REASON_AMBIGUOUS
                elif pair.twins:
                    reason = REASON_TWINS
                elif pair.method == "contradicted_identifier":
                    reason = REASON_CONTRADICTED
                else:
                    reason = REASON_BETWEEN
                candidate(
                    pair=pair,
                    kind=CandidateKind.RECORD,
                    record_id=rec,
                    person_id=person,
                    compared_record_id=pair.compared,
                    reason=reason,
                )
            counts["review"] += 1
            continue
        pool.append(rec)

    # New people: unmatched records linked to each other are one person.
    parent = {rec: rec for rec in pool}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    between_records = [(a, b, pair) for a, b, pair in between_records if not pair.vetoed]
    for a, b, pair in between_records:
        if a in parent and b in parent and pair.decision == "link":
            parent[find(a)] = find(b)
    groups: dict[str, list[str]] = {}
    for rec in pool:
        groups.setdefault(find(rec), []).append(rec)
    held = set(Identifier.objects.values_list("scheme", "value"))
    records = SourceRecord.objects.in_bulk(pool)
    best_link = {}
    for a, b, pair in between_records:
        if a in parent and b in parent and pair.decision == "link":
            for x in (a, b):
                if x not in best_link or best_link[x].probability < pair.probability:
                    best_link[x] = pair
    made = {}
    say(f"Making {len(groups):,} new people")
    for members in groups.values():
        members.sort(key=lambda r: (-_completeness(records[_uuid(r)]), r))
        seed = records[_uuid(members[0])]
        person = _person_from_record(seed, held)
        counts["new_people"] += 1
        _attach([members[0]], person.pk, MatchMethod.NEW_PERSON, None)
        for rec in members[1:]:
            _add_identifiers(person, records[_uuid(rec)], held)
            pair = best_link[rec]
            method = _METHODS.get(pair.method, MatchMethod.PROBABILISTIC)
            _attach([rec], person.pk, method, pair.probability)
        for rec in members:
            made[rec] = str(person.pk)
    for a, b, pair in between_records:
        pa, pb = made.get(a), made.get(b)
        if not pa or not pb or pa == pb:
            continue
        key = tuple(sorted((pa, pb)))
        if key in open_people:
            continue
        open_people.add(key)
        ca, cb = (a, b) if key == (pa, pb) else (b, a)
        candidate(
            pair=pair,
            kind=CandidateKind.PEOPLE,
            person_id=key[0],
            other_person_id=key[1],
            compared_record_id=ca,
            other_compared_record_id=cb,
            reason=REASON_TWINS if pair.twins else REASON_BETWEEN,
        )
        counts["duplicate_people"] += 1
    for (a, b), (pair, ca, cb) in duplicates.items():
        candidate(
            pair=pair,
            kind=CandidateKind.PEOPLE,
            person_id=a,
            other_person_id=b,
            compared_record_id=ca,
            other_compared_record_id=cb,
            reason=REASON_DUPLICATE,
        )
        counts["duplicate_people"] += 1
    MatchCandidate.objects.bulk_create(candidates, batch_size=BATCH)


def _uuid(text: str):
    import uuid

    return uuid.UUID(text)


def _completeness(rec: SourceRecord) -> int:
    return sum(
        bool(v)
        for v in (
            rec.given_name, rec.family_name, rec.date_of_birth, rec.postcode, rec.address,
            rec.nhs_number, rec.upn, rec.sex != Sex.NOT_KNOWN,
        )
    )  # fmt: skip


# --- the data steward's decisions ---------------------------------------------------------------

# What a new person made by "keep apart" may hold for the decision to be undone: only what
# making them created (their identifiers and address) and the record itself.
_MADE_WITH_PERSON = ("people.Identifier", "people.Address", "linkage.SourceRecord")
_MATCH_FIELDS = ("person", "match_method", "match_probability")


def _lock_candidate(candidate):
    from .models import MatchCandidate

    return MatchCandidate.objects.select_for_update().get(pk=candidate.pk)


@transaction.atomic
def match_decide(*, actor, candidate, decision: str, note: str = "", keep=None):
    """Record a steward's decision on a candidate and carry it out.

    Record pairs: "link" joins the record to the person; "keep_apart" leaves it out, and when no
    other candidate for the record is open it becomes a new person; "defer" puts it to the back
    of the queue. People pairs: "link" merges the two (`keep` says which record stays; default
    the first). A decision on a pair already decided (a form posted twice) is refused."""
    from django.core.exceptions import ValidationError

    from cshub.people.models import Identifier
    from cshub.people.services import person_merge

    from .choices import Decision
    from .models import MatchCandidate, MatchDecision

    if decision not in Decision.values:
        raise ValidationError({"decision": "Choose link, keep apart or defer."})
    candidate = _lock_candidate(candidate)
    if not candidate.is_open:
        raise ValidationError("This pair has already been decided: see its history below.")
    if decision == Decision.DEFER and candidate.status == CandidateStatus.DEFERRED:
        raise ValidationError("This pair is already deferred.")
    note = (note or "").strip()
    made = merge = None
    previous = candidate.status
    if candidate.kind == CandidateKind.RECORD:
        rec = SourceRecord.objects.select_for_update().get(pk=candidate.record_id)
        if rec.person_id is not None and decision != Decision.DEFER:
            raise ValidationError("This record has been matched since: nothing was changed.")
        if decision == Decision.LINK:
            rec.person_id = candidate.person_id
            rec.match_method = MatchMethod.MANUAL
            rec.match_probability = candidate.match_probability
            rec.save(update_fields=[*_MATCH_FIELDS, "updated_at"])
            MatchCandidate.objects.filter(record=rec, status__in=OPEN_STATUSES).exclude(
                pk=candidate.pk
            ).update(status=CandidateStatus.SUPERSEDED, updated_at=timezone.now())
        elif decision == Decision.KEEP_APART:
            others_open = (
                MatchCandidate.objects.filter(record=rec, status__in=OPEN_STATUSES)
                .exclude(pk=candidate.pk)
                .exists()
            )
            if not others_open:
                made = _person_from_record(
                    rec, set(Identifier.objects.values_list("scheme", "value"))
                )
                rec.person = made
                rec.match_method = MatchMethod.NEW_PERSON
                rec.match_probability = None
                rec.save(
                    update_fields=["person", "match_method", "match_probability", "updated_at"]
                )
    elif decision == Decision.LINK:
        from cshub.access.policy import as_uuid

        keep_id = as_uuid(getattr(keep, "pk", keep)) if keep else candidate.person_id
        pair = {candidate.person_id, candidate.other_person_id}
        if keep_id not in pair:
            raise ValidationError({"keep": "Keep one of the two records."})
        absorbed_id = (pair - {keep_id}).pop()
        from cshub.people.models import Person

        merge = person_merge(
            actor=actor,
            kept=Person.objects.get(pk=keep_id),
            absorbed=Person.objects.get(pk=absorbed_id),
            reason="Linked in data steward review" + (f": {note}" if note else ""),
        )
    candidate.status = {
        Decision.LINK: CandidateStatus.LINKED,
        Decision.KEEP_APART: CandidateStatus.KEPT_APART,
        Decision.DEFER: CandidateStatus.DEFERRED,
    }[decision]
    candidate.save(update_fields=["status", "updated_at"])
    decided = MatchDecision.objects.create(
        candidate=candidate,
        decision=decision,
        note=note,
        decided_by=actor,
        decided_at=timezone.now(),
        previous_status=previous,
        created_person=made,
        merge=merge,
    )
    record(
        action="linkage.candidate.decided",
        obj=candidate,
        person_id=candidate.person_id,
        actor=actor,
        reason=note,
        details={
            "decision": decision,
            "kind": candidate.kind,
            "probability": round(candidate.match_probability, 4),
            "record": str(candidate.record_id) if candidate.record_id else None,
            "other_person": str(candidate.other_person_id) if candidate.other_person_id else None,
            "new_person": str(made.pk) if made else None,
            "merge": str(merge.pk) if merge else None,
        },
    )
    return decided


@transaction.atomic
def match_decision_undo(*, actor, decision):
    """Undo the newest decision on a candidate: the record leaves the person it was linked to
    (or the new person made for it is removed), a merge is split, and the pair is open again.
    Refused, changing nothing, when what the decision did has changed since."""
    from django.core.exceptions import ValidationError

    from cshub.people.models import Address, Identifier, Person
    from cshub.people.selectors import person_holdings
    from cshub.people.services import person_split

    from .choices import Decision
    from .models import MatchCandidate, MatchDecision

    candidate = _lock_candidate(decision.candidate)
    decision = MatchDecision.objects.select_for_update().get(pk=decision.pk)
    latest = candidate.decisions.filter(undone_at__isnull=True).order_by("-decided_at").first()
    if decision.undone_at is not None or latest is None or latest.pk != decision.pk:
        raise ValidationError("Only the newest decision on a pair can be undone, and only once.")
    if candidate.kind == CandidateKind.RECORD and decision.decision != Decision.DEFER:
        rec = SourceRecord.objects.select_for_update().get(pk=candidate.record_id)
        if decision.decision == Decision.LINK:
            if rec.person_id != candidate.person_id or rec.match_method != MatchMethod.MANUAL:
                raise ValidationError("The record has been moved since: nothing was changed.")
            MatchCandidate.objects.filter(record=rec, status=CandidateStatus.SUPERSEDED).update(
                status=CandidateStatus.PENDING, updated_at=timezone.now()
            )
        elif decision.created_person_id:
            made = Person.objects.select_for_update().get(pk=decision.created_person_id)
            extra = {
                k: v
                for k, v in person_holdings(made, ignore=_MADE_WITH_PERSON[:2]).items()
                if not (k == "linkage.SourceRecord" and v == 1)
            }
            if rec.person_id != made.pk or extra or made.merged_into_id:
                raise ValidationError(
                    f"The new person made for this record ({made.full_name}) now holds more "
                    "than this record: nothing was changed. Merge or split the people instead."
                )
        rec.person = None
        rec.match_method = MatchMethod.UNMATCHED
        rec.match_probability = None
        rec.save(update_fields=[*_MATCH_FIELDS, "updated_at"])
        if decision.decision == Decision.KEEP_APART and decision.created_person_id:
            Identifier.objects.filter(person_id=decision.created_person_id).delete()
            Address.objects.filter(person_id=decision.created_person_id).delete()
            Person.objects.filter(pk=decision.created_person_id).delete()
    elif decision.decision == Decision.LINK and decision.merge_id:
        person_split(actor=actor, merge=decision.merge, reason="Undoing a data steward's link")
    candidate.status = decision.previous_status
    candidate.save(update_fields=["status", "updated_at"])
    decision.undone_at = timezone.now()
    decision.undone_by = actor
    decision.save(update_fields=["undone_at", "undone_by", "updated_at"])
    record(
        action="linkage.candidate.decision_undone",
        obj=candidate,
        person_id=candidate.person_id,
        actor=actor,
        details={"decision": decision.decision, "decided_at": decision.decided_at.isoformat()},
    )
    return decision
