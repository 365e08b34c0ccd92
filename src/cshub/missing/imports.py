"""Bulk loads of missing reports from a CSV file (format: `docs/imports.md`).

All or nothing: every row is checked first (the same serializers as the API, then the same
rules as the service); a file with any bad row is refused whole, listing every bad row and why.
A good file is written in one transaction. A row whose police reference is already held is left
as it is and counted (a reload of the same file changes nothing).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from cshub.accounts.models import Agency
from cshub.audit.services import record
from cshub.core import clocks
from cshub.core.vocab import AgencyKind

from . import services
from .choices import Source
from .serializers import MissingReportSerializer, ReturnSerializer

COLUMNS = (
    "police_reference",
    "reported_at",
    "notified_at",
    "given_name",
    "family_name",
    "date_of_birth",
    "police_nominal_id",
    "nhs_number",
    "missing_from",
    "placement_type",
    "episode_type",
    "risk_level",
    "last_seen_at",
    "last_seen_where",
    "last_seen_with",
    "returned_at",
    "found_where",
    "return_method",
)
REQUIRED = {
    "police_reference",
    "reported_at",
    "given_name",
    "family_name",
    "missing_from",
    "risk_level",
}
MAX_ROWS = 50_000


class ImportRefused(Exception):
    def __init__(self, problems: list[str]):
        super().__init__(f"{len(problems)} problem(s); nothing was imported")
        self.problems = problems


@dataclass
class ImportResult:
    created: int = 0
    already_held: int = 0
    returns: int = 0
    unmatched: int = 0
    episodes: list = field(default_factory=list)


@dataclass
class _Row:
    number: int
    report: services.Report
    returned: dict | None


def _flatten(errors, prefix="") -> list[str]:
    out = []
    for key, value in errors.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out += _flatten(value, prefix=f"{name}.")
        else:
            out += [f"{name}: {m}" for m in value]
    return out


def _parse(number: int, raw: dict, now) -> tuple[_Row | None, list[str]]:
    cells = {k: (raw.get(k) or "").strip() for k in COLUMNS}
    payload = {
        "police_reference": cells["police_reference"],
        "reported_at": cells["reported_at"],
        "child": {
            "given_name": cells["given_name"],
            "family_name": cells["family_name"],
            "date_of_birth": cells["date_of_birth"] or None,
            "police_nominal_id": cells["police_nominal_id"],
            "nhs_number": cells["nhs_number"],
        },
        "missing_from": cells["missing_from"],
        "placement_type": cells["placement_type"],
        "risk_level": cells["risk_level"],
        "last_seen_at": cells["last_seen_at"] or None,
        "last_seen_where": cells["last_seen_where"],
        "last_seen_with": cells["last_seen_with"],
    }
    if cells["episode_type"]:
        payload["episode_type"] = cells["episode_type"]
    problems = []
    report_in = MissingReportSerializer(data=payload)
    if not report_in.is_valid():
        problems += _flatten(report_in.errors)
    notified = None
    if cells["notified_at"]:
        notified_in = ReturnSerializer(data={"returned_at": cells["notified_at"]})
        if notified_in.is_valid():
            notified = notified_in.validated_data["returned_at"]
        else:
            problems.append("notified_at: Enter an ISO 8601 time, e.g. 2026-11-01T14:30:00Z.")
    returned = None
    if cells["returned_at"] or cells["found_where"] or cells["return_method"]:
        return_in = ReturnSerializer(
            data={
                "returned_at": cells["returned_at"],
                "found_where": cells["found_where"],
                "return_method": cells["return_method"],
            }
        )
        if return_in.is_valid():
            returned = return_in.validated_data
        else:
            problems += _flatten(return_in.errors)
    if problems:
        return None, problems
    data = report_in.validated_data
    child = data["child"]
    report = services.Report(
        police_reference=data["police_reference"],
        reported_at=data["reported_at"],
        notified_at=notified,
        given_name=child["given_name"],
        family_name=child["family_name"],
        date_of_birth=child.get("date_of_birth"),
        police_nominal_id=child.get("police_nominal_id", ""),
        nhs_number=child.get("nhs_number", ""),
        missing_from=data["missing_from"],
        placement_type=data.get("placement_type", ""),
        episode_type=data["episode_type"],
        police_risk=data["risk_level"],
        last_seen_at=data.get("last_seen_at"),
        last_seen_where=data.get("last_seen_where", ""),
        last_seen_with=data.get("last_seen_with", ""),
    )
    problems += _flatten(services.check_report(report, now))
    if returned and returned["returned_at"] < report.reported_at:
        problems.append("returned_at: The child cannot return before they were reported missing.")
    if returned and clocks.in_future(returned["returned_at"], now):
        problems.append("returned_at: This time is in the future.")
    return (None if problems else _Row(number, report, returned)), problems


def import_missing_csv(*, text: str, agency_code: str, actor=None) -> ImportResult:
    """Check the whole file, then load it in one transaction; `ImportRefused` lists problems."""
    agency = Agency.objects.filter(code=agency_code).first()
    if agency is None:
        raise ImportRefused([f"No agency with code {agency_code!r}."])
    if agency.kind != AgencyKind.POLICE:
        _refused(agency, [f"{agency.name} is not a police agency: missing reports come from one."])
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing_columns = sorted(REQUIRED - set(header))
    unknown_columns = sorted(set(header) - set(COLUMNS))
    if missing_columns or unknown_columns:
        problems = []
        if missing_columns:
            problems.append("header: missing column(s) " + ", ".join(missing_columns))
        if unknown_columns:
            problems.append("header: unknown column(s) " + ", ".join(unknown_columns))
        _refused(agency, problems)
    reader.fieldnames = header
    now = timezone.now()
    rows, problems, seen = [], [], {}
    for count, raw in enumerate(reader, start=1):
        number = reader.line_num  # as the file shows it: blank lines and the header count
        if count > MAX_ROWS:
            problems.append(f"file: more than {MAX_ROWS} rows; split it")
            break
        if None in raw:
            problems.append(f"row {number}: more cells than columns")
            continue
        row, row_problems = _parse(number, raw, now)
        reference = (raw.get("police_reference") or "").strip().upper()
        if reference and reference in seen:
            row_problems.append(
                f"police_reference: {reference} is also on row {seen[reference]} of this file"
            )
        seen.setdefault(reference, number)
        problems += [f"row {number}: {p}" for p in row_problems]
        if row is not None and not row_problems:
            rows.append(row)
    if not rows and not problems:
        problems.append("file: no rows to import")
    if problems:
        _refused(agency, problems)
    result = ImportResult()
    with transaction.atomic():
        for row in rows:
            episode, created = services.report_missing(
                agency=agency, report=row.report, source=Source.IMPORT, actor=actor
            )
            if not created:
                result.already_held += 1
                continue
            result.created += 1
            result.unmatched += episode.person_id is None
            result.episodes.append(episode.pk)
            if row.returned:
                services.record_return(
                    episode=episode,
                    returned_at=row.returned["returned_at"],
                    found_where=row.returned.get("found_where", ""),
                    return_method=row.returned.get("return_method", ""),
                    actor=actor,
                )
                result.returns += 1
        record(
            action="missing.import.loaded",
            actor=actor,
            details={
                "agency": agency.code,
                "created": result.created,
                "already_held": result.already_held,
                "returns": result.returns,
                "unmatched": result.unmatched,
            },
        )
    return result


def _refused(agency: Agency, problems: list[str]) -> None:
    record(
        action="missing.import.refused",
        outcome="failed",
        details={"agency": agency.code, "problems": problems[:50], "count": len(problems)},
    )
    raise ImportRefused(problems)
