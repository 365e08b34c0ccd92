"""Demo extension: the partners' extracts, matched into people, with a review queue to work.

Yesterday morning the five partner systems sent their overnight extracts, built here from the
borough's own people in each system's CSV format (`cshub.linkage.schemas`, `docs/imports.md`):

- Mosaic (social care): the children with a case (early help ones now and then), with the CE
  and CSE flags open on them and the case's CIN/CP/CLA status;
- Synergy (education): the children of school age at a school or college, with this year's
  suspensions, attendance and SEND;
- Niche (police): the children known to the police (exploitation or violence flags, a youth
  justice id, a police id, missing episodes) with their offences and missing episodes (as the
  missing pathway recorded them), and adults of concern;
- ChildView (youth justice): the children with a youth justice id, and a few others on an
  out-of-court disposal, with their offences and current order;
- SystmOne (health): a subset of the children, keyed by NHS number, with A&E attendances.

A row carries the system's own id: the one the person already holds in cshub when they hold one
(those match by id), otherwise a new one, so the rest go through the matching engine. NHS numbers
and UPNs are on some rows only, and only the person's own synthetic ones (or, for a child nobody
knows yet, a new number in the 999 range held by no one). Each system adds its own noise:
nicknames and short forms, typing errors, day and month swapped, the address before a house
move, a double-barrelled surname (the mother's too) or one part of one, given and family name
the wrong way round, blank cells.

The hard cases are put in on purpose: twin pairs (new people: a twin of a known child, same
birthday and home, a different given name, tied as family), siblings in police rows with no given
name or date of birth, namesakes (children nobody knows, named like a known child), children
nobody knows yet (in two systems each, one pair of them twins; they become new people), and
"Front Door" duplicates (a second record of a known child, the family name misspelt), so the
queue has people to merge. The youth justice file is first refused for two bad rows, then sent
again corrected.

Then one matching run, and the demo data steward (`data.steward`) decides three pairs in the
afternoon: keeps a wrong twin apart, links the right one, defers a namesake; the rest stay open.

Scale: extracts cover at most `MAX_CHILDREN` children and `MAX_ADULTS` adults (a sample at larger
scales). The matching run scores every person in the borough, so above `MATCH_PEOPLE_LIMIT`
people (benchmark boroughs) the extracts are imported and left unmatched, for
`cshub match-records`.

Deterministic: one stream (`borough.stream("linkage")`), rows read in id order. The services
give their rows random UUIDs and stamp them with the time; while this extension runs, the keys of
the rows they make are drawn from the stream and the clock reads the demo's own times
(`_Deterministic`). Splink's model is fitted by the service the command uses
(`linkage_model_fit`), with a seed (rows in id order, a seeded sample on one DuckDB thread), and
stored before the run, which then scores with it.
"""

from __future__ import annotations

import csv
import io
import logging
from collections import defaultdict
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from unittest import mock

from cshub.accounts.models import Agency, User
from cshub.core import clocks
from cshub.core.identifiers import make_nhs_number, make_upn
from cshub.core.vocab import (
    CaseLevel,
    CaseStatus,
    DatePrecision,
    HarmType,
    IdentifierScheme,
    InformationSource,
    RelationshipKind,
    Sex,
)
from cshub.linkage import services as linkage
from cshub.linkage.choices import CandidateKind, CandidateStatus, Decision
from cshub.linkage.models import (
    ImportRun,
    LinkageModel,
    MatchCandidate,
    MatchDecision,
    MatchRun,
    SourceRecord,
    SourceSystem,
)
from cshub.linkage.nicknames import NICKNAMES
from cshub.linkage.schemas import column_names
from cshub.people.models import (
    Address,
    Case,
    Flag,
    Identifier,
    Person,
    PersonMerge,
    Relationship,
)

from . import generator, names
from .extensions import Extension

LONDON = clocks.LONDON
ACTOR = "command:seed"
STEWARD = "data.steward"
SYSTEMS = ("mosaic", "synergy", "niche", "childview", "systmone")
MAX_CHILDREN = 900  # at most this many children in the extracts (a sample at larger scales)
MAX_ADULTS = 120
# The matching run scores every person in the borough (not only the extracts): above this many
# people (about --scale 18) the seed imports the extracts and leaves them for
# `cshub match-records`, so benchmark boroughs seed in reasonable time and memory.
MATCH_PEOPLE_LIMIT = 20_000
SCHOOL_AGES = (4, 18)
SEED = 20261125  # Splink's sampling seed (any fixed number)

EXPLOITATION = {HarmType.CCE, HarmType.CSE, HarmType.MODERN_SLAVERY}
POLICE_HARMS = {HarmType.CCE, HarmType.CSE, HarmType.SYV, HarmType.MISSING}
CIN_STATUS = {
    CaseLevel.CHILD_IN_NEED: "cin",
    CaseLevel.CHILD_PROTECTION: "cp",
    CaseLevel.CHILD_LOOKED_AFTER: "cla",
    CaseLevel.EXPLOITATION: "cin",
    CaseLevel.YOUTH_JUSTICE: "cin",
    CaseLevel.EARLY_HELP: "early_help",
}
ORDERS = (
    ("referral_order", 40),
    ("yro", 20),
    ("youth_conditional_caution", 15),
    ("youth_caution", 10),
    ("dto", 3),
    ("", 12),
)
# Surnames nobody in the borough has (checked), for the children nobody knows yet.
NEW_SURNAMES = (
    "Oakenshaw", "Thistlewood", "Marchetti", "Okonkwo", "Lindqvist", "Fairbairn", "Pennock",
    "Haworth-Dyson", "Quarmby", "Szymanski", "Ackroyd-Bell", "Mensah", "Greenhalgh", "Varga",
)  # fmt: skip
NOTES = {
    "keep_apart": "Twins: the school confirms two children with these names. Not the same child.",
    "link": "Same child: the school's record, given name and home match; UPN to follow.",
    "defer": "Not sure yet: asked the partner agency to check its record before deciding.",
}

# Noise per system: the chance a row has each kind.
NOISE = {
    "mosaic": {"nick": 0.04, "typo": 0.04, "swap": 0.01, "old": 0.05, "blank": 0.03},
    "synergy": {"nick": 0.10, "typo": 0.04, "swap": 0.01, "old": 0.10, "blank": 0.03},
    "niche": {"nick": 0.15, "typo": 0.10, "swap": 0.05, "old": 0.15, "blank": 0.10},
    "childview": {"nick": 0.06, "typo": 0.05, "swap": 0.02, "old": 0.08, "blank": 0.04},
    "systmone": {"nick": 0.03, "typo": 0.04, "swap": 0.02, "old": 0.20, "blank": 0.02},
}
# Which rows carry an NHS number / UPN (when the person has one).
CARRIES = {
    "mosaic": (0.6, 0.3),
    "synergy": (0.0, 0.75),
    "niche": (0.0, 0.0),
    "childview": (0.5, 0.2),
    "systmone": (1.0, 0.0),
}


@dataclass(slots=True, eq=False)
class _Kid:
    pid: object
    given: str
    middle: str
    family: str
    preferred: str
    dob: date | None
    sex: str
    home: tuple | None = None  # (line1, town, postcode)
    old: tuple | None = None  # the address before the last move
    school: str = ""
    ids: dict = field(default_factory=dict)
    harms: set = field(default_factory=set)
    level: str = ""
    case_open: bool = False
    missing: int = 0
    mother_family: str = ""
    known: bool = True  # False: nobody in the borough holds this child yet
    adult: bool = False


class _Clock:
    """What `timezone.now()` returns while the extension runs: the demo's own times."""

    def __init__(self, at: datetime):
        self.at = at

    def now(self) -> datetime:
        return self.at


@contextmanager
def _deterministic(rng, clock: _Clock, models: tuple):
    """Rows the services make get keys from the stream and times from the clock."""
    fields = [model._meta.pk for model in models]
    saved = [(f, f.default) for f in fields]
    try:
        for f in fields:
            f.default = rng.uuid
            f.__dict__.pop("_get_default", None)  # Django caches the default's callable
        with mock.patch("django.utils.timezone.now", clock.now):
            yield
    finally:
        for f, default in saved:
            f.default = default
            f.__dict__.pop("_get_default", None)


def _local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON).astimezone(UTC)


def _age(dob: date, on: date) -> int:
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


class _Linkage:
    def __init__(self, borough):
        self.borough = borough
        self.rng = borough.stream("linkage")
        self.today = borough.today
        self.day = borough.today - timedelta(days=1)  # the extracts came in yesterday
        self.scale = borough.scale
        self.rows: dict[str, list[dict]] = defaultdict(list)
        self.used: dict[str, set] = defaultdict(set)
        self.hard: dict[str, list] = defaultdict(list)  # what was put in on purpose
        self.truth: dict[tuple[str, str], object] = {}  # (system, record id) -> person id

    def _count(self, base: float, low: int, high: int) -> int:
        return max(low, min(high, round(base * self.scale)))

    # --- reading the borough ---------------------------------------------------------------------

    def load(self) -> bool:
        users = dict(User.objects.filter(username__in=(STEWARD, "ifd.worker")).values_list(
            "username", "id"
        ))  # fmt: skip
        if STEWARD not in users or SourceSystem.objects.filter(code__in=SYSTEMS).count() < 5:
            return False  # not the demo borough's organisation
        self.steward = User.objects.get(pk=users[STEWARD])
        self.front_door = users.get("ifd.worker")
        self.csc = Agency.objects.filter(code="csc").values_list("id", flat=True).first()
        for scheme, value in Identifier.objects.values_list("scheme", "value"):
            self.used[scheme].add(value)
        self.surnames = set(Person.objects.values_list("family_name", flat=True))
        given = defaultdict(set)
        young = Person.objects.filter(date_of_birth__year__gte=self.today.year - 25)
        for name, sex in young.values_list("given_name", "sex"):
            given[sex].add(name)
        self.given_names = {sex: sorted(names_) for sex, names_ in given.items()}

        schools = dict(
            Person.objects.filter(school__isnull=False).values_list("school_id", "school__name")
        )
        harms = defaultdict(set)
        for pid, harm in Flag.objects.filter(closed_on__isnull=True).values_list(
            "person_id", "harm_type"
        ):
            harms[pid].add(harm)
        cases = {}
        for pid, level, status in Case.objects.order_by("opened_on", "id").values_list(
            "person_id", "level", "status"
        ):
            cases[pid] = (level, status == CaseStatus.OPEN)  # the latest case
        ids = defaultdict(dict)
        for pid, scheme, value in Identifier.objects.order_by("id").values_list(
            "person_id", "scheme", "value"
        ):
            ids[pid].setdefault(scheme, value)
        homes, old = {}, {}
        for pid, line1, town, postcode, moved_out in Address.objects.order_by(
            "person_id", "-moved_in", "id"
        ).values_list("person_id", "line1", "town", "postcode", "moved_out"):
            if moved_out is None:
                homes.setdefault(pid, (line1, town, postcode))
            else:
                old.setdefault(pid, (line1, town, postcode))
        mothers = {}
        for pid, family in (
            Relationship.objects.filter(kind=RelationshipKind.FAMILY, detail="mother")
            .order_by("id")
            .values_list("person_id", "other__family_name")
        ):
            mothers.setdefault(pid, family)
        self.siblings = defaultdict(list)
        for a, b in (
            Relationship.objects.filter(
                kind=RelationshipKind.FAMILY, detail__in=("brother", "sister", "sibling")
            )
            .order_by("id")
            .values_list("person_id", "other_id")
        ):
            self.siblings[a].append(b)
            self.siblings[b].append(a)
        from cshub.missing.models import Episode

        missing = defaultdict(int)
        for pid in Episode.objects.filter(person__isnull=False).values_list("person_id", flat=True):
            missing[pid] += 1
        adults = set(
            Relationship.objects.filter(kind=RelationshipKind.ADULT_OF_CONCERN).values_list(
                "other_id", flat=True
            )
        )

        self.kids: list[_Kid] = []
        self.adults: list[_Kid] = []
        people = Person.objects.filter(merged_into__isnull=True).order_by("id")
        for pid, given, middle, family, preferred, dob, sex, school in people.values_list(
            "id", "given_name", "middle_names", "family_name", "preferred_name",
            "date_of_birth", "sex", "school_id",
        ):  # fmt: skip
            case = cases.get(pid)
            age = _age(dob, self.today) if dob else None
            child = case is not None or (
                age is not None and SCHOOL_AGES[0] <= age <= SCHOOL_AGES[1]
            )
            is_adult = pid in adults
            if not child and not is_adult:
                continue
            kid = _Kid(
                pid=pid,
                given=given,
                middle=middle,
                family=family,
                preferred=preferred,
                dob=dob,
                sex=sex,
                home=homes.get(pid),
                old=old.get(pid),
                school=schools.get(school, "") if school else "",
                ids=ids.get(pid, {}),
                harms=harms.get(pid, set()),
                level=case[0] if case else "",
                case_open=bool(case and case[1]),
                missing=missing.get(pid, 0),
                mother_family=mothers.get(pid, ""),
                adult=is_adult and not child,
            )
            (self.kids if child else self.adults).append(kid)
        rng = self.rng
        if len(self.kids) > MAX_CHILDREN:
            self.kids = sorted(rng.sample(self.kids, MAX_CHILDREN), key=lambda k: k.pid.int)
        if len(self.adults) > MAX_ADULTS:
            self.adults = sorted(rng.sample(self.adults, MAX_ADULTS), key=lambda k: k.pid.int)
        return bool(self.kids)

    # --- new people: twins and duplicates --------------------------------------------------------

    def _other_given(self, sex: str, *avoid: str) -> str:
        pool = self.given_names.get(sex) or self.given_names.get(Sex.FEMALE) or ["Sam"]
        for _ in range(50):
            name = self.rng.choice(pool)
            if name not in avoid and NICKNAMES.get(name.lower()) is None:
                return name
        return pool[0]

    def _new_person(self, kid: _Kid, *, given: str, family: str, dob, sex: str) -> Person:
        src = Person.objects.get(pk=kid.pid)
        return Person(
            id=self.rng.uuid(),
            given_name=given,
            middle_names="",
            family_name=family,
            date_of_birth=dob,
            date_of_birth_precision=DatePrecision.EXACT,
            sex=sex,
            ethnicity=src.ethnicity,
            school_id=src.school_id,
            created_by_id=self.front_door,
        )

    def _home_of(self, person_id) -> Address | None:
        return (
            Address.objects.filter(person_id=person_id, moved_out__isnull=True)
            .order_by("-moved_in", "id")
            .first()
        )

    def make_people(self) -> None:
        """Twins of known children, and Front Door duplicates of others."""
        rng = self.rng
        pool = [
            k
            for k in self.kids
            if k.home and k.dob and k.level and 5 <= _age(k.dob, self.today) <= 16 and k.school
        ]
        rng.shuffle(pool)
        twins_n = self._count(3, 2, 6)
        dupes_n = self._count(3, 2, 6)
        people, addresses, ties = [], [], []
        for kid in pool[:twins_n]:
            sex = rng.choice((Sex.MALE, Sex.FEMALE))
            twin = self._new_person(
                kid,
                given=self._other_given(sex, kid.given, kid.preferred),
                family=kid.family,
                dob=kid.dob,
                sex=sex,
            )
            people.append(twin)
            home = self._home_of(kid.pid)
            addresses.append(self._copy_address(home, twin.id))
            detail = {Sex.MALE: "twin brother", Sex.FEMALE: "twin sister"}[sex]
            ties.append(
                Relationship(
                    person_id=kid.pid,
                    other_id=twin.id,
                    kind=RelationshipKind.FAMILY,
                    detail=detail,
                    source=InformationSource.RECORD,
                    source_agency_id=self.csc,
                    started_on=kid.dob,
                )
            )
            new = _Kid(
                pid=twin.id,
                given=twin.given_name,
                middle="",
                family=twin.family_name,
                preferred="",
                dob=twin.date_of_birth,
                sex=sex,
                home=kid.home,
                old=kid.old,
                school=kid.school,
                mother_family=kid.mother_family,
            )
            self.kids.append(new)
            self.hard["twins"].append((kid, new))
        for kid in pool[twins_n : twins_n + dupes_n]:
            given = kid.given
            if rng.chance(0.4) and kid.preferred:
                given = kid.preferred
            dob = kid.dob
            if rng.chance(0.3):
                dob = _swap(dob) or dob
            dupe = self._new_person(
                kid, given=given, family=_typo(rng, kid.family), dob=dob, sex=kid.sex
            )
            dupe.school_id = None
            people.append(dupe)
            addresses.append(self._copy_address(self._home_of(kid.pid), dupe.id))
            self.hard["duplicates"].append((kid, dupe))
        generator.bulk_insert(Person, people)
        generator.bulk_insert(Address, [a for a in addresses if a is not None])
        generator.bulk_insert(Relationship, ties)

    @staticmethod
    def _copy_address(home: Address | None, person_id) -> Address | None:
        if home is None:
            return None
        return Address(
            person_id=person_id,
            line1=home.line1,
            line2=home.line2,
            town=home.town,
            postcode=home.postcode,
            ward_id=home.ward_id,
            latitude=home.latitude,
            longitude=home.longitude,
            moved_in=home.moved_in,
            moved_out=None,
        )

    # --- children nobody knows yet ---------------------------------------------------------------

    def _new_nhs(self) -> str:
        used = self.used[IdentifierScheme.NHS_NUMBER]
        while True:
            value = make_nhs_number(self.rng.randrange(1_000_000))
            if value not in used:
                used.add(value)
                return value

    def _new_upn(self, dob: date) -> str:
        used = self.used[IdentifierScheme.UPN]
        while True:
            value = make_upn(
                la_code=generator.LA_CODE,
                establishment=2000 + self.rng.randint(1, 399),
                year=dob.year + 4,
                serial=self.rng.randrange(1000),
            )
            if value not in used:
                used.add(value)
                return value

    def make_unknown(self) -> list[_Kid]:
        """Children in the extracts that no one in the borough holds yet."""
        rng = self.rng
        surnames = [s for s in NEW_SURNAMES if s not in self.surnames]
        rng.shuffle(surnames)
        homes = [k for k in self.kids if k.home and k.known]
        unknown = []
        for n in range(self._count(4, 3, 8)):
            sex = rng.choice((Sex.MALE, Sex.FEMALE))
            age = rng.randint(11, 16)
            dob = self.today - timedelta(days=age * 365 + rng.randint(0, 364))
            far = rng.choice(homes)  # a street in the borough, another house number
            line1 = f"{rng.randint(1, 160)} {_street(far.home[0])}"
            kid = _Kid(
                pid=None,
                given=self._other_given(sex),
                middle="",
                family=surnames[n % len(surnames)] if surnames else "Newcombe",
                preferred="",
                dob=dob,
                sex=sex,
                home=(line1, far.home[1], far.home[2]),
                school=rng.choice([k.school for k in homes if k.school] or [""]),
                known=False,
            )
            kid.ids[IdentifierScheme.NHS_NUMBER] = self._new_nhs()
            kid.ids[IdentifierScheme.UPN] = self._new_upn(dob)
            unknown.append(kid)
        # One pair of them are twins: the same birthday and home, another given name.
        first = unknown[0]
        sex = rng.choice((Sex.MALE, Sex.FEMALE))
        twin = _Kid(
            pid=None,
            given=self._other_given(sex, first.given),
            middle="",
            family=first.family,
            preferred="",
            dob=first.dob,
            sex=sex,
            home=first.home,
            school=first.school,
            known=False,
        )
        twin.ids[IdentifierScheme.NHS_NUMBER] = self._new_nhs()
        twin.ids[IdentifierScheme.UPN] = self._new_upn(first.dob)
        unknown.append(twin)
        self.hard["unknown_twins"].append((first, twin))
        # Namesakes: named like a known child, another birthday and home.
        named = [
            k
            for k in self.kids
            if k.known and k.home and k.dob and k.level and 8 <= _age(k.dob, self.today) <= 15
        ]
        for kid in rng.sample(named, min(len(named), self._count(3, 2, 5))):
            dob = kid.dob + timedelta(days=rng.choice((-1, 1)) * rng.randint(200, 700))
            other = rng.choice(homes)
            namesake = _Kid(
                pid=None,
                given=kid.given,
                middle="",
                family=kid.family,
                preferred="",
                dob=dob,
                sex=kid.sex,
                home=(f"{rng.randint(1, 160)} {_street(other.home[0])}", *other.home[1:]),
                school=other.school,
                known=False,
            )
            namesake.ids[IdentifierScheme.NHS_NUMBER] = self._new_nhs()
            unknown.append(namesake)
            self.hard["namesakes"].append((kid, namesake))
        return unknown

    # --- the extracts ----------------------------------------------------------------------------

    def _local_id(self, kid: _Kid, scheme: str, make) -> str:
        if kid.ids.get(scheme):
            return kid.ids[scheme]
        used = self.used[scheme]
        while True:
            value = make()
            if value not in used:
                used.add(value)
                kid.ids[scheme] = value  # the same child keeps it across systems' rows
                return value

    def row(self, system: str, kid: _Kid, record_id: str, **flags) -> dict:
        """One row of `system`'s extract for `kid`, with the system's noise."""
        rng = self.rng
        noise = NOISE[system]
        given, family, middle = kid.given, kid.family, kid.middle
        aliases = []
        if kid.preferred and rng.chance(0.5):
            aliases.append(kid.preferred)
        if rng.chance(noise["nick"]):
            nick = _nickname(rng, given) or kid.preferred
            if nick:
                given = nick
        if rng.chance(noise["typo"]):
            if rng.chance(0.5):
                family = _typo(rng, family)
            else:
                given = _typo(rng, given)
        if "-" in family and rng.chance(0.5):
            family = rng.choice(family.split("-"))  # one part of a double-barrelled name
        elif (
            system in ("synergy", "systmone")
            and kid.mother_family
            and kid.mother_family != family
            and rng.chance(0.3)
        ):
            family = f"{family}-{kid.mother_family}"
        if system == "niche" and rng.chance(0.03):
            given, family = family, given  # written the wrong way round
        dob = kid.dob
        if dob and rng.chance(noise["swap"]):
            dob = _swap(dob) or dob
        home = kid.home
        if kid.old and rng.chance(noise["old"]):
            home = kid.old  # not told about the move
        blank = rng.chance(noise["blank"])
        blank_what = rng.choice(("dob", "address", "sex", "middle")) if blank else ""
        line1, town, postcode = home if home else ("", "", "")
        address = line1
        if line1 and system in ("niche", "systmone") and rng.chance(0.5):
            address = f"{line1}, {town}" if town else line1
        nhs_p, upn_p = CARRIES[system]
        nhs = kid.ids.get(IdentifierScheme.NHS_NUMBER, "") if rng.chance(nhs_p) else ""
        upn = kid.ids.get(IdentifierScheme.UPN, "") if rng.chance(upn_p) else ""
        if system == "systmone":
            nhs = record_id
        row = {
            "record_id": record_id,
            "given_name": given,
            "middle_names": "" if blank_what == "middle" else middle,
            "family_name": family,
            "aliases": ";".join(aliases),
            "date_of_birth": "" if blank_what == "dob" or not dob else dob.isoformat(),
            "sex": "" if blank_what == "sex" else kid.sex,
            "address": "" if blank_what == "address" else address,
            "postcode": "" if blank_what == "address" else postcode,
            "school": kid.school if system in ("synergy", "systmone", "childview") else "",
            "nhs_number": nhs,
            "upn": upn,
        }
        row.update({k: _cell(v) for k, v in flags.items()})
        self.rows[system].append(row)
        self.truth[(system, record_id)] = kid.pid
        return row

    def build(self, unknown: list[_Kid]) -> None:
        rng = self.rng
        today = self.today
        for kid in self.kids:
            age = _age(kid.dob, today) if kid.dob else None
            harms = kid.harms
            # Social care: children with a case (early help ones half the time).
            has_mosaic = IdentifierScheme.MOSAIC_ID in kid.ids
            if kid.level and (has_mosaic or rng.chance(0.5)):
                status = CIN_STATUS.get(kid.level, "cin") if kid.case_open else "none"
                if kid.level == CaseLevel.CHILD_LOOKED_AFTER and age is not None and age >= 18:
                    status = "care_leaver"
                mos = self._local_id(
                    kid,
                    IdentifierScheme.MOSAIC_ID,
                    lambda: f"MOS{rng.randrange(100_000, 10_000_000)}",
                )
                self.row(
                    "mosaic",
                    kid,
                    mos,
                    ce_flag=bool(harms & {HarmType.CCE, HarmType.MODERN_SLAVERY}),
                    cse_flag=HarmType.CSE in harms,
                    cin_status=status,
                )
            # Education: children of school age at a school or college.
            if kid.school and age is not None and age <= 18 and rng.chance(0.97):
                syn = self._local_id(
                    kid, IdentifierScheme.SYNERGY_ID, lambda: str(rng.randrange(10**6, 10**7))
                )
                worry = len(harms) + (1 if kid.level in (CaseLevel.CHILD_PROTECTION,) else 0)
                exclusions = 0
                if rng.chance(min(0.8, 0.08 + 0.25 * worry)):
                    exclusions = rng.randint(1, 2 + 2 * min(worry, 2))
                attendance = max(
                    12.0, min(100.0, rng.gauss(95.5 - 9 * min(worry, 3), 3 + 4 * min(worry, 2)))
                )
                self.row(
                    "synergy",
                    kid,
                    syn,
                    exclusions=exclusions,
                    attendance_pct=f"{attendance:.1f}",
                    send=rng.chance(0.15 + 0.05 * min(worry, 2)),
                )
            # Police: children the police know.
            yjs = IdentifierScheme.YOUTH_JUSTICE_ID in kid.ids
            police = (
                IdentifierScheme.POLICE_NOMINAL_ID in kid.ids
                or yjs
                or kid.missing
                or (harms & POLICE_HARMS and rng.chance(0.8))
            )
            if police and age is not None and age >= 10:
                self._police_row(kid, yjs)
            # Youth justice: the youth justice team's children, and a few out-of-court disposals.
            if yjs or (
                harms & {HarmType.SYV, HarmType.CCE} and age and age >= 10 and rng.chance(0.1)
            ):
                yj = self._local_id(
                    kid,
                    IdentifierScheme.YOUTH_JUSTICE_ID,
                    lambda: f"YJ{rng.randrange(100_000, 1_000_000)}",
                )
                order = rng.choices(*zip(*ORDERS, strict=True))[0]
                if not yjs:
                    order = rng.choice(("youth_caution", "youth_conditional_caution", ""))
                self.row(
                    "childview",
                    kid,
                    yj,
                    offences=rng.randint(1, 9) if order else rng.randint(0, 2),
                    order_type=order,
                )
            # Health: about half the children (more of those with a worry).
            if rng.chance(0.4 + 0.15 * min(len(harms), 2)):
                nhs = kid.ids.get(IdentifierScheme.NHS_NUMBER) or self._new_nhs()
                kid.ids[IdentifierScheme.NHS_NUMBER] = nhs
                ae = 0
                if rng.chance(0.2 + 0.2 * bool(harms & {HarmType.SYV, HarmType.CSE})):
                    ae = rng.randint(1, 5)
                self.row("systmone", kid, nhs, ae_attendances=ae)
        for adult in self.adults:
            self._police_row(adult, False)
        # Sparse police rows for a few siblings: no given name and no date of birth.
        known = {k.pid: k for k in self.kids if k.known}
        pairs = [k for k in self.kids if k.known and k.home and self.siblings.get(k.pid)]
        for kid in rng.sample(pairs, min(len(pairs), self._count(3, 2, 6))):
            sibling = known.get(self.siblings[kid.pid][0])
            if sibling is None:
                continue
            nom = self._mint(
                IdentifierScheme.POLICE_NOMINAL_ID, lambda: f"NOM{rng.randrange(10**6, 10**7)}"
            )
            row = self.row("niche", kid, nom, offences_count=0, missing_count=0)
            row.update(given_name="", date_of_birth="", middle_names="", aliases="")
            self.hard["siblings"].append((kid, sibling))
        # The children nobody knows yet: in education, and in health or the police.
        namesakes = {id(kid) for _known, kid in self.hard["namesakes"]}
        for kid in unknown:
            syn = self._local_id(
                kid, IdentifierScheme.SYNERGY_ID, lambda: str(rng.randrange(10**6, 10**7))
            )
            self.row("synergy", kid, syn, exclusions=0, attendance_pct="91.0", send=False)
            if id(kid) in namesakes or rng.chance(0.7):
                nhs = kid.ids[IdentifierScheme.NHS_NUMBER]
                self.row("systmone", kid, nhs, ae_attendances=rng.randint(0, 2))
            else:
                self._police_row(kid, False)

    def _mint(self, scheme: str, make) -> str:
        used = self.used[scheme]
        while True:
            value = make()
            if value not in used:
                used.add(value)
                return value

    def _police_row(self, kid: _Kid, yjs: bool) -> None:
        rng = self.rng
        nom = self._local_id(
            kid,
            IdentifierScheme.POLICE_NOMINAL_ID,
            lambda: f"NOM{rng.randrange(10**6, 10**7)}",
        )
        violent = bool(kid.harms & {HarmType.SYV, HarmType.CCE})
        offences = rng.randint(1, 8) if yjs or kid.adult else (
            rng.randint(0, 4) if violent else rng.choice((0, 0, 0, 1))
        )  # fmt: skip
        self.row("niche", kid, nom, offences_count=offences, missing_count=kid.missing)

    def csv(self, system: str) -> str:
        out = io.StringIO()
        header = column_names(SourceSystem.objects.get(code=system).kind)
        writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        rows = self.rows[system]
        if system == "systmone":
            rows = sorted(rows, key=lambda r: r["record_id"])
        for row in rows:
            writer.writerow({h: row.get(h, "") for h in header})
        return out.getvalue()


def _street(line1: str) -> str:
    """ "Flat 3, 12 Park Road" and "12 Park Road" -> "Park Road"."""
    if line1.startswith("Flat ") and ", " in line1:
        line1 = line1.split(", ", 1)[1]
    return line1.split(" ", 1)[-1]


def _cell(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _swap(day: date) -> date | None:
    if day.day > 12 or day.day == day.month:
        return None
    try:
        return day.replace(month=day.day, day=day.month)
    except ValueError:
        return None


def _typo(rng, name: str) -> str:
    if len(name) < 4:
        return name + name[-1]
    i = rng.randint(1, len(name) - 2)
    kind = rng.choice(("swap", "drop", "double", "vowel"))
    if kind == "swap" and name[i] != name[i + 1]:
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    if kind == "drop":
        return name[:i] + name[i + 1 :]
    if kind == "vowel" and name[i].lower() in "aeiou":
        return name[:i] + rng.choice([v for v in "aeiou" if v != name[i].lower()]) + name[i + 1 :]
    return name[:i] + name[i] + name[i:]


_SHORT: dict[str, list[str]] = defaultdict(list)
for _nick, _root in sorted(NICKNAMES.items()):
    _SHORT[_root].append(_nick)
for _full, _short in sorted(names.PREFERRED_NAMES.items()):
    if _short.lower() not in _SHORT[_full.lower()]:
        _SHORT[_full.lower()].append(_short.lower())


def _nickname(rng, given: str) -> str:
    options = _SHORT.get(given.lower())
    return rng.choice(options).capitalize() if options else ""


# --- the model, the run and the decisions ---------------------------------------------------------


def _decide(job: _Linkage, clock: _Clock) -> None:
    """The steward's afternoon, on pairs whose truth the extension knows: keep a wrong twin apart
    and link the record to the right one, then defer another pair; the rest stay open."""
    steward = job.steward
    pending = MatchCandidate.objects.filter(
        status=CandidateStatus.PENDING, kind=CandidateKind.RECORD
    ).select_related("record__system")
    pending = pending.order_by(
        "-match_probability", "record__system__code", "record__record_id", "person_id"
    )

    def truth(candidate) -> object:
        return job.truth.get((candidate.record.system.code, candidate.record.record_id))

    at = _local(job.day, 14, 5)
    wrong_twin = next(
        (c for c in pending if c.likely_twins and truth(c) and c.person_id != truth(c)), None
    )
    if wrong_twin is not None:
        clock.at = at
        linkage.match_decide(
            actor=steward,
            candidate=wrong_twin,
            decision=Decision.KEEP_APART,
            note=NOTES["keep_apart"],
        )
    right = next(
        (
            c
            for c in pending.filter(status=CandidateStatus.PENDING)
            if truth(c) == c.person_id
            and (wrong_twin is None or c.record_id == wrong_twin.record_id)
        ),
        None,
    )
    if right is not None:
        clock.at = at + timedelta(minutes=3)
        linkage.match_decide(
            actor=steward, candidate=right, decision=Decision.LINK, note=NOTES["link"]
        )
    later = pending.filter(status=CandidateStatus.PENDING)
    # A namesake's record if one is waiting, else a pair the engine put between the thresholds.
    defer = (
        next((c for c in later if truth(c) is None), None)
        or next((c for c in later if c.reason == linkage.REASON_BETWEEN), None)
        or later.first()
    )
    if defer is not None:
        clock.at = at + timedelta(minutes=11)
        linkage.match_decide(
            actor=steward, candidate=defer, decision=Decision.DEFER, note=NOTES["defer"]
        )


def run(borough) -> None:
    job = _Linkage(borough)
    clock = _Clock(_local(job.day, 5, 30))
    quiet = logging.getLogger("splink")
    level = quiet.level
    quiet.setLevel(logging.WARNING)  # its INFO lines would drown the seed command's summary
    try:
        _run(job, clock)
    finally:
        quiet.setLevel(level)


def _run(job: _Linkage, clock: _Clock) -> None:
    made = (Person, PersonMerge, ImportRun, SourceRecord, MatchRun, MatchCandidate, MatchDecision)
    with _deterministic(job.rng, clock, made):
        if not job.load():
            return
        job.make_people()
        unknown = job.make_unknown()
        job.build(unknown)
        day = job.day
        minute = 0
        for system in SYSTEMS:
            minute += 4
            name = f"{system}-extract-{day:%Y%m%d}.csv"
            text = job.csv(system)
            if system == "childview":  # first sent with two bad rows, refused; then corrected
                clock.at = _local(day, 6, minute)
                bad = _spoil(text)
                with suppress(linkage.ImportRefused):
                    linkage.import_source_file(
                        system=system, path_or_file=_named(bad, name), actor=ACTOR
                    )
                minute += 9
            clock.at = _local(day, 6, minute)
            linkage.import_source_file(system=system, path_or_file=_named(text, name), actor=ACTOR)
        if Person.objects.count() > MATCH_PEOPLE_LIMIT:
            return
        clock.at = _local(day, 6, 45)
        # fitted as the engine fits, with a seed so the same borough gives the same model
        linkage.linkage_model_fit(actor=ACTOR, seed=SEED)
        clock.at = _local(day, 6, 50)
        linkage.matching_run(actor=ACTOR)
        _decide(job, clock)


def _named(text: str, name: str) -> io.StringIO:
    buffer = io.StringIO(text)
    buffer.name = name
    return buffer


def _spoil(text: str) -> str:
    """The file as first sent: a date not in the calendar on one row, a sex code of the
    system's own on another."""
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    rows[1][header.index("date_of_birth")] = "2011-02-30"
    rows[min(4, len(rows) - 1)][header.index("sex")] = "X"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


EXTENSION = Extension(
    name="linkage",
    run=run,
    models=(ImportRun, SourceRecord, LinkageModel, MatchRun, MatchCandidate, MatchDecision),
)
