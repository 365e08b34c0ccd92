"""The hash chain over the audit trail, and its verification."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

GENESIS = "0" * 64

CHAINED_FIELDS = (
    "seq",
    "at",
    "actor_id",
    "actor_username",
    "actor_roles",
    "actor_agencies",
    "action",
    "outcome",
    "object_type",
    "object_id",
    "person_id",
    "relationship",
    "reason",
    "details",
    "ip_address",
    "request_id",
    "prev_hash",
)


def _canonical(value):
    if hasattr(value, "isoformat"):
        return value.isoformat(timespec="microseconds")
    if value is None or isinstance(value, int | str | dict | list | bool | float):
        return value
    return str(value)


def event_hash(event) -> str:
    payload = {name: _canonical(getattr(event, name)) for name in CHAINED_FIELDS}
    encoded = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(encoded.encode()).hexdigest()


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    first_bad_seq: int | None = None
    problem: str = ""


def verify(events) -> VerifyResult:
    """Walk the events in seq order; stop at the first that is altered, missing or out of place."""
    expected_seq, prev = 1, GENESIS
    checked = 0
    for event in events:
        if event.seq != expected_seq:
            return VerifyResult(
                False,
                checked,
                expected_seq,
                f"event #{expected_seq} is missing (next is #{event.seq})",
            )
        if event.prev_hash != prev:
            return VerifyResult(
                False, checked, event.seq, f"event #{event.seq} does not follow #{event.seq - 1}"
            )
        if event_hash(event) != event.hash:
            return VerifyResult(False, checked, event.seq, f"event #{event.seq} has been altered")
        prev, expected_seq = event.hash, expected_seq + 1
        checked += 1
    return VerifyResult(True, checked)
