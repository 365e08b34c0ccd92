"""Read queries for people and cases. Views read through these, never through raw querysets,
and always within a scope from `cshub.access.policy` (or after `access_person`)."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date

from django.db.models import F, Prefetch, Q, QuerySet

from cshub.accounts.models import Team
from cshub.contexts.models import PersonGroup, PersonPlace
from cshub.core import identifiers
from cshub.core.vocab import CaseStatus, IdentifierScheme, TeamFunction

from .models import Address, Allocation, Case, Flag, Identifier, Person, Relationship

SEARCH_LIMIT = 50


def caseload_for(*, user) -> dict[str, QuerySet[Case]]:
    """The user's own open cases (named worker) and their teams' other open cases."""
    open_cases = Case.objects.filter(status=CaseStatus.OPEN).select_related("person")
    current = Allocation.objects.filter(ended_on__isnull=True)
    mine = open_cases.filter(id__in=current.filter(worker=user).values("case_id")).prefetch_related(
        "harms"
    )
    team_ids = user.memberships.filter(ended_on__isnull=True).values("team_id")
    team = (
        open_cases.filter(id__in=current.filter(team_id__in=team_ids).values("case_id"))
        .exclude(id__in=mine.values("id"))
        .prefetch_related(
            "harms",
            Prefetch("allocations", queryset=current.select_related("worker", "team")),
        )
    )
    return {"mine": mine.order_by("person__family_name"), "team": team.order_by("-opened_on")}


@dataclass(frozen=True)
class SearchTerms:
    name: str = ""
    date_of_birth: date | None = None
    identifier: str = ""

    @property
    def is_empty(self) -> bool:
        return not (self.name.strip() or self.date_of_birth or self.identifier.strip())


def _identifier_candidates(text: str) -> list[tuple[str, str]]:
    """Every (scheme, canonical value) the text could be; shape-only schemes included."""
    out = []
    for scheme in IdentifierScheme:
        try:
            out.append((scheme.value, identifiers.normalise(scheme, text)))
        except identifiers.InvalidIdentifier:
            continue
    return out


def person_search(
    *, within: QuerySet[Person], terms: SearchTerms, limit: int = SEARCH_LIMIT
) -> tuple[list[Person], bool]:
    """People in `within` (the caller's searchable scope) matching every given term. Each word
    of a name matches the start of a given, family or preferred name, or an alias (so "jo smi"
    finds Joanne Smith). Returns the first `limit` people and whether there were more."""
    if terms.is_empty:
        return [], False
    qs = within
    for word in re.findall(r"[\w'-]+", terms.name)[:5]:
        qs = qs.filter(
            Q(given_name__istartswith=word)
            | Q(family_name__istartswith=word)
            | Q(preferred_name__istartswith=word)
            | Q(aliases__given_name__istartswith=word)
            | Q(aliases__family_name__istartswith=word)
        )
    if terms.date_of_birth:
        qs = qs.filter(date_of_birth=terms.date_of_birth)
    if terms.identifier.strip():
        condition = Q(pk__in=[])
        for scheme, value in _identifier_candidates(terms.identifier):
            condition |= Q(scheme=scheme, value=value)
        qs = qs.filter(id__in=Identifier.objects.filter(condition).values("person_id"))
    people = list(
        qs.distinct()
        .select_related("school")
        .prefetch_related("identifiers")
        .order_by("family_name", "given_name", "id")[: limit + 1]
    )
    return people[:limit], len(people) > limit


def contacts_for(*, person_ids: list) -> dict:
    """Who to contact about each person: the teams allocated to their open cases, else the
    Integrated Front Door. For search results the user may not open."""
    allocations = (
        Allocation.objects.filter(
            case__person_id__in=person_ids, case__status=CaseStatus.OPEN, ended_on__isnull=True
        )
        .annotate(person_id=F("case__person_id"))
        .select_related("team__agency")
        .order_by("role", "team__name")
    )
    out: dict = {pid: [] for pid in person_ids}
    for allocation in allocations:
        if allocation.team not in out[allocation.person_id]:
            out[allocation.person_id].append(allocation.team)
    front_door = list(
        Team.objects.filter(function=TeamFunction.FRONT_DOOR).select_related("agency")[:1]
    )
    return {pid: teams or front_door for pid, teams in out.items()}


def person_get(*, person_id: uuid.UUID | str) -> Person | None:
    """One person with everything the profile shows, in a fixed number of queries."""
    return (
        Person.objects.select_related("school", "created_by")
        .prefetch_related(
            "aliases",
            "identifiers",
            Prefetch("addresses", queryset=Address.objects.select_related("ward")),
            "vulnerabilities",
            Prefetch("flags", queryset=Flag.objects.select_related("raised_by")),
            Prefetch(
                "relationships_out",
                queryset=Relationship.objects.select_related("other", "source_agency"),
            ),
            Prefetch(
                "relationships_in",
                queryset=Relationship.objects.select_related("person", "source_agency"),
            ),
            Prefetch(
                "place_links",
                queryset=PersonPlace.objects.select_related("place", "source_agency"),
            ),
            Prefetch(
                "group_links",
                queryset=PersonGroup.objects.select_related("group", "source_agency"),
            ),
            Prefetch(
                "cases",
                queryset=Case.objects.prefetch_related(
                    "harms",
                    Prefetch(
                        "allocations",
                        queryset=Allocation.objects.select_related("team__agency", "worker"),
                    ),
                ),
            ),
        )
        .filter(pk=person_id)
        .first()
    )


def relationships_of(person: Person) -> list[dict]:
    """Both directions of every relationship, each as seen from this person."""
    rows = [
        {"other": r.other, "kind": r.get_kind_display(), "detail": r.detail, "rel": r}
        for r in person.relationships_out.all()
    ]
    rows += [
        {
            "other": r.person,
            "kind": r.get_kind_display(),
            "detail": f"this person is their {r.detail}" if r.detail else "",
            "rel": r,
        }
        for r in person.relationships_in.all()
    ]
    return sorted(rows, key=lambda row: (row["kind"], row["other"].family_name))


def adult_born_on_or_before(today: date) -> date:
    """Anyone born on or before this day is 18 or over today."""
    from .models import CHILD_AGE_LIMIT

    try:
        return today.replace(year=today.year - CHILD_AGE_LIMIT)
    except ValueError:  # 29 February, and 18 years ago was not a leap year
        return today.replace(year=today.year - CHILD_AGE_LIMIT, day=28)


def linked_people(person: Person, among: QuerySet[Person], *, children_only: bool = False):
    """The people tied to `person` by a relationship either way, narrowed to `among` (e.g. those
    a user may see), by name; `children_only` leaves out people known to be adults today (an
    unknown date of birth stays in)."""
    from django.utils import timezone

    ids = Relationship.objects.filter(Q(person=person) | Q(other=person)).values_list(
        "person_id", "other_id"
    )
    linked = {i for pair in ids for i in pair} - {person.pk}
    people = among.filter(pk__in=linked)
    if children_only:
        people = people.exclude(date_of_birth__lte=adult_born_on_or_before(timezone.localdate()))
    return list(people.order_by("family_name", "given_name"))


# --- what refers to a person (merges, and whether a record holds anything) ---------------------


def person_references() -> list[tuple[type, str]]:
    """Every (model, foreign key) that points at a person, in every installed app, found from the
    app registry (so `people` imports no workflow app, and a new app's records follow a merge
    without anyone remembering to add them). The merge ledger, `merged_into` and fields a model
    names in `PERSON_MERGE_KEEPS` (history, such as who a decision created) are excluded."""
    from django.apps import apps

    from .models import PersonMerge

    found = []
    for model in apps.get_models(include_auto_created=True):
        if model in (PersonMerge, Person):
            continue
        for field in model._meta.concrete_fields:
            keeps = getattr(model, "PERSON_MERGE_KEEPS", ())
            if field.is_relation and field.related_model is Person and field.name not in keeps:
                found.append((model, field.name))
    return sorted(found, key=lambda mf: (mf[0]._meta.label, mf[1]))


def person_holdings(person: Person, *, ignore: tuple[str, ...] = ()) -> dict[str, int]:
    """{"app_label.Model": rows} naming this person, over every app; `ignore` skips models."""
    held = {}
    for model, field in person_references():
        if model._meta.label in ignore:
            continue
        n = model._base_manager.filter(**{field: person}).count()
        if n:
            held[model._meta.label] = held.get(model._meta.label, 0) + n
    return held
