"""Which person a police report is about. Identifiers first (police nominal id, NHS number);
then the Front Door's own search (`cshub.frontdoor.matching.likely_matches`). A report is linked
without a human only when the answer is unambiguous: one person holds the identifier given, or
exactly one person has the same date of birth and a matching name and nobody else comes close.
Anything else waits in the unmatched queue for a person to decide; nothing here creates a person.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from cshub.core import identifiers
from cshub.core.vocab import IdentifierScheme
from cshub.frontdoor.matching import Match, likely_matches
from cshub.people.models import Identifier, Person

AUTO_LINK_SCORE = 75  # name matches (>= 45 of 50) and the same date of birth (30)
RUNNER_UP_LIMIT = 60  # a second candidate this close means a person must look


@dataclass
class MatchResult:
    person: Person | None
    basis: str
    candidates: list[Match] = field(default_factory=list)


def _by_identifier(scheme: str, value: str) -> tuple[set, str]:
    if not value:
        return set(), ""
    try:
        normal = identifiers.normalise(scheme, value)
    except identifiers.InvalidIdentifier:
        return set(), ""
    ids = set(
        Identifier.objects.filter(scheme=scheme, value=normal).values_list("person_id", flat=True)
    )
    return ids, IdentifierScheme(scheme).label


def match_reported_child(
    *,
    given_name: str,
    family_name: str,
    date_of_birth: date | None,
    police_nominal_id: str = "",
    nhs_number: str = "",
) -> MatchResult:
    found: set = set()
    labels = []
    for scheme, value in (
        (IdentifierScheme.POLICE_NOMINAL_ID, police_nominal_id),
        (IdentifierScheme.NHS_NUMBER, nhs_number),
    ):
        ids, label = _by_identifier(scheme, value)
        if ids:
            found |= ids
            labels.append(label)
    if len(found) == 1:
        return MatchResult(Person.objects.get(pk=found.pop()), "same " + " and ".join(labels))
    if len(found) > 1:
        return MatchResult(None, "the identifiers given belong to different people")
    candidates = likely_matches(
        within=Person.objects.all(),
        given_name=given_name,
        family_name=family_name,
        date_of_birth=date_of_birth,
    )
    if candidates:
        best = candidates[0]
        runner_up = candidates[1].score if len(candidates) > 1 else 0
        if (
            best.score >= AUTO_LINK_SCORE
            and "same date of birth" in best.reasons
            and "name matches" in best.reasons
            and runner_up < RUNNER_UP_LIMIT
        ):
            return MatchResult(best.person, "same name and date of birth", candidates)
    return MatchResult(None, "", candidates)
