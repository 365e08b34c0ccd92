"""Search before create: the people a new entry on a contact probably already is.

Candidates come from the database by cheap, indexed tests (same or swapped date of birth, the
start of a name, an identifier, a postcode); rapidfuzz's Jaro-Winkler then scores the names, so
a misspelling or a swapped first and last name still surfaces the existing record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q, QuerySet
from rapidfuzz.distance import JaroWinkler

from cshub.core import identifiers
from cshub.core.vocab import IdentifierScheme
from cshub.people.models import Person

CANDIDATE_LIMIT = 500
SHOW = 10
THRESHOLD = 45


@dataclass
class Match:
    person: Person
    score: int
    reasons: list[str] = field(default_factory=list)


def _swapped(day: date) -> date | None:
    try:
        return (
            day.replace(day=day.month, month=day.day)
            if day.day <= 12 and day.day != day.month
            else None
        )
    except ValueError:
        return None


def _identifier_q(text: str) -> Q:
    q = Q(pk__in=[])
    for scheme in IdentifierScheme:
        try:
            q |= Q(
                identifiers__scheme=scheme, identifiers__value=identifiers.normalise(scheme, text)
            )
        except identifiers.InvalidIdentifier:
            continue
    return q


def likely_matches(
    *,
    within: QuerySet[Person],
    given_name: str = "",
    family_name: str = "",
    date_of_birth: date | None = None,
    identifier: str = "",
    postcode: str = "",
) -> list[Match]:
    given, family = given_name.strip().lower(), family_name.strip().lower()
    postcode = postcode.replace(" ", "").upper()
    q = Q(pk__in=[])
    if date_of_birth:
        q |= Q(date_of_birth=date_of_birth)
        swapped = _swapped(date_of_birth)
        if swapped:
            q |= Q(date_of_birth=swapped)
    if family[:2]:
        q |= Q(family_name__istartswith=family[:2]) | Q(
            aliases__family_name__istartswith=family[:2]
        )
    if given[:2] and family[:1]:
        q |= Q(given_name__istartswith=given[:2], family_name__istartswith=family[:1])
    if given[:2] and family[:2]:  # first and last name the other way round
        q |= Q(given_name__istartswith=family[:2], family_name__istartswith=given[:2])
    if identifier.strip():
        q |= _identifier_q(identifier)
    if postcode:
        q |= Q(addresses__postcode__iexact=postcode[:-3] + " " + postcode[-3:])
    candidates = (
        within.filter(q)
        .distinct()
        .prefetch_related("identifiers", "addresses", "aliases")
        .order_by("family_name", "given_name", "id")[:CANDIDATE_LIMIT]
    )
    # The bar is relative to what was given: a last name alone, or a date of birth alone, can
    # still find someone; with more to go on, more must agree.
    possible = (
        (50 if given or family else 0)
        + (30 if date_of_birth else 0)
        + (100 if identifier.strip() else 0)
        + (10 if postcode else 0)
    )
    threshold = min(THRESHOLD, int(possible * 0.6))
    matches = []
    for person in candidates:
        match = _score(person, given, family, date_of_birth, identifier, postcode)
        if match.score >= threshold and match.score > 0:
            matches.append(match)
    matches.sort(key=lambda m: (-m.score, m.person.family_name, m.person.given_name))
    return matches[:SHOW]


def _score(person, given, family, dob, identifier, postcode) -> Match:
    match = Match(person, 0)
    names = [(person.given_name.lower(), person.family_name.lower())]
    names += [(a.given_name.lower(), a.family_name.lower()) for a in person.aliases.all()]
    if given or family:
        best = 0.0
        for g, f in names:
            if given and family:
                direct = (JaroWinkler.similarity(given, g) + JaroWinkler.similarity(family, f)) / 2
                crossed = (JaroWinkler.similarity(given, f) + JaroWinkler.similarity(family, g)) / 2
                best = max(best, direct, crossed - 0.05)
            else:  # only one name given: compare it with that name alone
                mine, theirs = (family, f) if family else (given, g)
                best = max(best, JaroWinkler.similarity(mine, theirs))
        match.score += int(best * 50)
        if best >= 0.9:
            match.reasons.append("name matches")
        elif best >= 0.75:
            match.reasons.append("name is similar")
    if dob and person.date_of_birth:
        if person.date_of_birth == dob:
            match.score += 30
            match.reasons.append("same date of birth")
        elif person.date_of_birth == _swapped(dob):
            match.score += 20
            match.reasons.append("date of birth with day and month swapped")
        elif person.date_of_birth.year == dob.year:
            match.score += 5
    if identifier.strip():
        wanted = set()
        for scheme in IdentifierScheme:
            try:
                wanted.add((scheme.value, identifiers.normalise(scheme, identifier)))
            except identifiers.InvalidIdentifier:
                continue
        if any((i.scheme, i.value) in wanted for i in person.identifiers.all()):
            match.score += 100
            match.reasons.append("same identifier")
    if postcode and any(
        a.postcode.replace(" ", "").upper() == postcode for a in person.addresses.all()
    ):
        match.score += 10
        match.reasons.append("same postcode")
    return match
