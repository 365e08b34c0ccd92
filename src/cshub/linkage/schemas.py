"""The CSV format of each kind of source system's extract, declared once (docs/imports.md).

Every extract has the common columns; each kind adds its own flag columns. A column declares how
a cell is checked and normalised; `parse_row` applies them to one row and returns the normalised
record or the list of problems. Only `record_id` is required: any other column may be left out
of the header, and an empty cell means "not given".
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

from cshub.core import identifiers
from cshub.core.identifiers import InvalidIdentifier
from cshub.core.vocab import IdentifierScheme, Sex

from .choices import SourceKind


class CellError(ValueError):
    """A cell's value is not allowed; the message says why, in words a data steward can act on."""


# --- cell types --------------------------------------------------------------------------------


def text(max_length: int) -> Callable[[str], str]:
    def parse(value: str) -> str:
        value = " ".join(value.split())
        if len(value) > max_length:
            raise CellError(f"At most {max_length} characters (this has {len(value)}).")
        if any(ord(c) < 32 for c in value):
            raise CellError("Contains a control character.")
        return value

    parse.kind = f"text, up to {max_length} characters"  # type: ignore[attr-defined]
    return parse


def record_id(value: str) -> str:
    value = value.strip()
    if not value:
        raise CellError("Every row needs the system's record id.")
    if len(value) > 64 or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9/_.\-]*", value):
        raise CellError(
            "A record id is up to 64 letters, digits, '/', '_', '.' and '-', starting with a "
            "letter or digit."
        )
    return value


record_id.kind = "required; up to 64 letters, digits, `/ _ . -`"  # type: ignore[attr-defined]

OLDEST_BIRTH = dt.date(1900, 1, 1)


def date_of_birth(value: str) -> dt.date | None:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise CellError("Write a date as YYYY-MM-DD, for example 2011-05-17.")
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise CellError(f"{value} is not a date in the calendar.") from None
    if day > timezone.localdate():
        raise CellError("This date is in the future.")
    if day < OLDEST_BIRTH:
        raise CellError("This date is before 1900: check for a typing error.")
    return day


date_of_birth.kind = "`YYYY-MM-DD`, a real date, not in the future"  # type: ignore[attr-defined]


def sex(value: str) -> str:
    code = value.upper() or Sex.NOT_KNOWN.value
    if code not in Sex.values:
        raise CellError("Sex is M, F or U (not known); an empty cell means U.")
    return code


sex.kind = "`M`, `F` or `U`; empty means `U`"  # type: ignore[attr-defined]


def aliases(value: str) -> list[str]:
    names = [" ".join(n.split()) for n in value.split(";")]
    names = [n for n in names if n]
    if any(len(n) > 200 for n in names):
        raise CellError("An alias is at most 200 characters.")
    return names


aliases.kind = "other names, separated by `;`"  # type: ignore[attr-defined]


def postcode(value: str) -> str:
    code = " ".join(value.upper().split())
    if len(code) > 10:
        raise CellError("A postcode is at most 10 characters.")
    return code


postcode.kind = "stored in upper case"  # type: ignore[attr-defined]


def _identifier(normalise: Callable[[str], str], kind: str) -> Callable[[str], str]:
    def parse(value: str) -> str:
        try:
            return normalise(value)
        except InvalidIdentifier as exc:
            raise CellError(str(exc)) from None

    parse.kind = kind  # type: ignore[attr-defined]
    return parse


nhs_number = _identifier(
    identifiers.normalise_nhs_number,
    "10 digits with a valid check digit (spaces and hyphens ignored)",
)
upn = _identifier(identifiers.normalise_upn, "13 characters with a valid check letter")

_TRUE = {"yes", "true", "1", "y"}
_FALSE = {"no", "false", "0", "n"}


def boolean(value: str) -> bool:
    word = value.lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise CellError("Write yes or no (or true/false, 1/0).")


boolean.kind = "`yes`/`no`, `true`/`false`, `1`/`0`"  # type: ignore[attr-defined]


def count(value: str) -> int:
    if not re.fullmatch(r"\d{1,6}", value):
        raise CellError("A count is a whole number, 0 or more, for example 3.")
    return int(value)


count.kind = "a whole number, 0 or more"  # type: ignore[attr-defined]


def percent(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise CellError("A percentage is a number from 0 to 100, for example 81.5.") from None
    if not 0 <= number <= 100:  # also refuses nan and inf
        raise CellError("A percentage is a number from 0 to 100, for example 81.5.")
    return number


percent.kind = "a number from 0 to 100, for example `81.5`"  # type: ignore[attr-defined]


# --- the schema ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str
    parse: Callable[[str], object]
    help: str = ""

    @property
    def kind(self) -> str:
        return getattr(self.parse, "kind", "")


COMMON = (
    Column("record_id", record_id, "the system's own id for the record"),
    Column("given_name", text(100)),
    Column("middle_names", text(200)),
    Column("family_name", text(100)),
    Column("aliases", aliases, "other names and spellings the system holds"),
    Column("date_of_birth", date_of_birth),
    Column("sex", sex),
    Column("address", text(300), "one line, the current address"),
    Column("postcode", postcode, "of the current address"),
    Column("school", text(200), "the school or college attended"),
    Column("nhs_number", nhs_number),
    Column("upn", upn, "Unique Pupil Number"),
)

FLAGS: dict[str, tuple[Column, ...]] = {
    SourceKind.SOCIAL_CARE: (
        Column("ce_flag", boolean, "child exploitation flag on the record"),
        Column("cse_flag", boolean, "child sexual exploitation flag"),
        Column("cin_status", text(40), "e.g. cin, cp, cla, care_leaver, none"),
    ),
    SourceKind.EDUCATION: (
        Column("exclusions", count, "suspensions and exclusions this academic year"),
        Column("attendance_pct", percent, "attendance this academic year"),
        Column("send", boolean, "special educational needs or disability"),
    ),
    SourceKind.POLICE: (
        Column("offences_count", count, "offences recorded against the nominal"),
        Column("missing_count", count, "missing episodes recorded"),
    ),
    SourceKind.YOUTH_JUSTICE: (
        Column("offences", count, "offences on the youth justice record"),
        Column("order_type", text(60), "current order, e.g. referral_order, yro"),
    ),
    SourceKind.HEALTH: (Column("ae_attendances", count, "A&E attendances in the last year"),),
    SourceKind.OTHER: (),
}

# Local id schemes: a system whose ids use one has every record_id checked against its shape.
LOCAL_SCHEMES = {
    IdentifierScheme.MOSAIC_ID,
    IdentifierScheme.SYNERGY_ID,
    IdentifierScheme.POLICE_NOMINAL_ID,
    IdentifierScheme.YOUTH_JUSTICE_ID,
}


def columns(kind: str) -> tuple[Column, ...]:
    return COMMON + FLAGS[SourceKind(kind)]


def column_names(kind: str) -> tuple[str, ...]:
    return tuple(c.name for c in columns(kind))


REQUIRED = ("record_id",)


def canonical_cells(kind: str, raw: dict[str, str]) -> dict[str, str]:
    """Every column of the kind, trimmed; a column the file leaves out is an empty cell."""
    return {name: (raw.get(name) or "").strip() for name in column_names(kind)}


def parse_row(
    kind: str, cells: dict[str, str], scheme: str = ""
) -> tuple[dict | None, list[tuple[str, str]]]:
    """Check one row's cells; return (normalised fields, []) or (None, [(column, message)])."""
    values: dict[str, object] = {}
    flags: dict[str, object] = {}
    problems: list[tuple[str, str]] = []
    flag_names = {c.name for c in FLAGS[SourceKind(kind)]}
    for column in columns(kind):
        cell = cells.get(column.name, "")
        if not cell and column.name not in ("record_id", "sex"):
            values[column.name] = None if column.name == "date_of_birth" else ""
            continue
        try:
            value = column.parse(cell)
        except CellError as exc:
            problems.append((column.name, str(exc)))
            continue
        (flags if column.name in flag_names else values)[column.name] = value
    if values.get("aliases") == "":
        values["aliases"] = []
    other: dict[str, str] = {}
    if scheme in LOCAL_SCHEMES and "record_id" in values:
        try:
            other[scheme] = identifiers.normalise(scheme, str(values["record_id"]))
        except InvalidIdentifier as exc:
            problems.append(("record_id", str(exc)))
    if problems:
        return None, problems
    for name in flag_names:
        values.pop(name, None)
    values["flags"] = flags
    values["other_identifiers"] = other
    return values, []
