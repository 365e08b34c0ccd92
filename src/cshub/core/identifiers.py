"""Validation and normalisation of the identifiers the partners' systems use.

Each scheme has one function, `normalise(scheme, value)`, that returns the canonical form or
raises `InvalidIdentifier` with a message a worker can act on. Check-digit schemes:

- NHS number: 10 digits; the 10th is a modulus-11 check digit over the first nine (weights 10..2);
  a remainder giving 10 means the number was never issued.
- Unique Pupil Number: 13 characters; the first is a check letter, computed over characters 2-13
  (weights 2..13, letters by their place in the alphabet below), modulo 23. The last character may
  be a letter (a temporary UPN). Delegated to python-stdnum's `gb.upn` (the DfE rule).
- PNC id: year (YY or YYYY), "/", a serial of up to 7 digits, a check letter: the two-digit year
  and the 7-digit serial read as one number, modulo 23, indexed into "ZABCDEFGHJKLMNPQRTUVWXY".

The local systems' own ids (Mosaic/LCS, Synergy, police nominal, youth justice) have no check
digit; they are checked for shape only.

`make_*` functions build valid identifiers from a number; the synthetic borough uses them.
"""

from __future__ import annotations

import re
from datetime import date

from stdnum.exceptions import ValidationError as StdnumError
from stdnum.gb import upn as stdnum_upn

from cshub.core.vocab import IdentifierScheme


class InvalidIdentifier(ValueError):
    """The value is not a valid identifier for its scheme; the message says why."""


_UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
_PNC_LETTERS = "ZABCDEFGHJKLMNPQRTUVWXY"
_SPACES = re.compile(r"[\s\-]")


def nhs_check_digit(first_nine: str) -> int | None:
    """The modulus-11 check digit for nine digits, or None if no valid number has them."""
    total = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def normalise_nhs_number(value: str) -> str:
    digits = _SPACES.sub("", value)
    if not re.fullmatch(r"\d{10}", digits):
        raise InvalidIdentifier("An NHS number is 10 digits, for example 943 476 5919.")
    check = nhs_check_digit(digits[:9])
    if check is None or check != int(digits[9]):
        raise InvalidIdentifier("This NHS number's check digit is wrong: check for a typing error.")
    return digits


def upn_check_letter(body: str) -> str:
    """The check letter for the 12 characters after it."""
    return stdnum_upn.calc_check_digit(body)


def normalise_upn(value: str) -> str:
    upn = _SPACES.sub("", value).upper()
    if not re.fullmatch(r"[A-HJ-NP-RT-Z]\d{11}[0-9A-HJ-NP-RT-Z]", upn):
        raise InvalidIdentifier(
            "A Unique Pupil Number is 13 characters: a letter, 11 digits, then a digit or letter"
            " (never I, O or S)."
        )
    try:
        stdnum_upn.validate(upn)
    except StdnumError as exc:
        if isinstance(exc, stdnum_upn.InvalidChecksum):
            raise InvalidIdentifier(
                "This UPN's check letter is wrong: check for a typing error."
            ) from exc
        raise InvalidIdentifier(f"This is not a valid UPN ({exc.message}).") from exc
    return upn


def pnc_check_letter(year2: str, serial7: str) -> str:
    return _PNC_LETTERS[int(year2 + serial7) % 23]


def normalise_pnc_id(value: str, *, today: date | None = None) -> str:
    text = _SPACES.sub("", value).upper()
    match = re.fullmatch(r"(\d{2}|\d{4})/?(\d{1,7})([A-Z])", text)
    if not match:
        raise InvalidIdentifier("A PNC id looks like 2019/0012345A: year, serial and check letter.")
    year, serial, letter = match.groups()
    if len(year) == 2:
        this_year = (today or date.today()).year
        century = 2000 if 2000 + int(year) <= this_year else 1900
        year = str(century + int(year))
    serial = serial.zfill(7)
    if pnc_check_letter(year[2:], serial) != letter:
        raise InvalidIdentifier("This PNC id's check letter is wrong: check for a typing error.")
    return f"{year}/{serial}{letter}"


_LOCAL_SHAPES = {
    IdentifierScheme.MOSAIC_ID: (
        r"[A-Z]{0,4}\d{1,10}",
        "A social care id is up to 4 letters then up to 10 digits, for example MOS123456.",
    ),
    IdentifierScheme.SYNERGY_ID: (r"\d{1,10}", "An education (Synergy) id is up to 10 digits."),
    IdentifierScheme.POLICE_NOMINAL_ID: (
        r"[A-Z0-9]{4,20}",
        "A police nominal id is 4 to 20 letters and digits.",
    ),
    IdentifierScheme.YOUTH_JUSTICE_ID: (
        r"[A-Z0-9]{3,20}",
        "A youth justice id is 3 to 20 letters and digits.",
    ),
}


def normalise(scheme: str, value: str) -> str:
    """The canonical form of `value` under `scheme`, or InvalidIdentifier saying why not."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidIdentifier("Enter the identifier.")
    if scheme == IdentifierScheme.NHS_NUMBER:
        return normalise_nhs_number(value)
    if scheme == IdentifierScheme.UPN:
        return normalise_upn(value)
    if scheme == IdentifierScheme.PNC_ID:
        return normalise_pnc_id(value)
    if scheme in _LOCAL_SHAPES:
        pattern, message = _LOCAL_SHAPES[IdentifierScheme(scheme)]
        text = _SPACES.sub("", value).upper()
        if not re.fullmatch(pattern, text):
            raise InvalidIdentifier(message)
        return text
    raise InvalidIdentifier(f"Unknown identifier scheme {scheme!r}.")


def is_valid(scheme: str, value: str) -> bool:
    try:
        normalise(scheme, value)
    except InvalidIdentifier:
        return False
    return True


# --- makers, for the synthetic borough and tests --------------------------------------------


def make_nhs_number(n: int) -> str:
    """A valid NHS number derived from n. Uses the 999 range, which is never issued to people."""
    for step in range(11):
        body = f"999{(n + step) % 1_000_000:06d}"
        check = nhs_check_digit(body)
        if check is not None:
            return body + str(check)
    raise AssertionError("unreachable: at most one of 11 consecutive bodies lacks a check digit")


def make_upn(*, la_code: int, establishment: int, year: int, serial: int) -> str:
    body = f"{la_code:03d}{establishment:04d}{year % 100:02d}{serial % 1000:03d}"
    return upn_check_letter(body) + body


def make_pnc_id(*, year: int, serial: int) -> str:
    serial7 = f"{serial % 10_000_000:07d}"
    return f"{year}/{serial7}{pnc_check_letter(f'{year % 100:02d}', serial7)}"
