"""Demo extension: missing episodes, Return Home Interviews and strategy-meeting prompts.

Two years of police missing reports (the `police` agency, references like `MP/24/012345`) come
out of the borough's own case histories: children whose cases record the harm "missing" go
missing several times, often in bursts (so some reach the repeat-missing rule in a financial
quarter); children with criminal or sexual exploitation go missing now and then; a few other
known children have a one-off episode. Each episode is missing from home, a care placement (for
a child looked after then; some "away from placement"), school or elsewhere, with the police's
risk grading, where and with whom the child was last seen, when and how they came back, and when
the council was told (about seven in ten within the 24 hours). Places the child was last seen or
found at are linked to them as the service would (`seen_at`, `found_at`, an agency record from the
police, confirmed), and people already tied to the child they were seen with are named.

Every returned episode of the history has its Return Home Interview: offered within the 72 hours
about two times in three (later otherwise; a few recorded as not offered, with the reason), about
four in five answered offers accepted, the interviews held by specialist-team practitioners, and
every outcome shared with the police a day or two after it was finished.

Today (10:00 Europe/London on `borough.today`): children still missing (one at high risk),
returns of the last four days with no offer yet (at least two past the 72 hours, at least two
with hours left), offers awaiting an answer, accepted interviews not yet written up and finished
ones not yet shared, several of them for children allocated to `specialist.worker` and
`cypf.worker`; two or three police reports that match nobody; and the strategy-meeting prompts
the repeat-missing rule (`cshub.missing.rules.current_rule`) raises, replayed as
`services.repeat_check` would have raised them, episode by episode: older ones answered by a
meeting a few days later, the last three weeks' still open (one at least for a child of
`cypf.worker` or `specialist.worker`).

Deadlines are computed by `cshub.core.clocks` as the services store them. Nothing calls the
services (they audit each write): rows are written in bulk. Deterministic: one stream
(`borough.stream("missing")`), rows read in a stable order, UUIDs drawn from the stream, every
time derived from `borough.today` (local times in Europe/London, stored in UTC).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import F
from django.db.models.functions import Coalesce, Greatest

from cshub.accounts.models import Agency, Membership, User
from cshub.contexts.models import PersonPlace, Place
from cshub.core import clocks
from cshub.core.vocab import (
    CaseLevel,
    CaseStatus,
    Confidence,
    HarmType,
    IdentifierScheme,
    InformationSource,
    PlaceAssociationKind,
    PlaceKind,
    RelationshipKind,
    Role,
    TeamFunction,
)
from cshub.missing.choices import (
    EpisodeType,
    MissingFrom,
    NotOfferedReason,
    PlacementType,
    PoliceRisk,
    PullFactor,
    PushFactor,
    ReturnMethod,
    RhiResponse,
    Source,
    Substance,
)
from cshub.missing.models import (
    Episode,
    EpisodePerson,
    ReturnInterview,
    RhiExploitationSign,
    StrategyMeetingPrompt,
)
from cshub.missing.rules import current_rule
from cshub.people.models import Allocation, Case, CaseHarm, Identifier, Person, Relationship

from . import generator, names
from .extensions import Extension

LONDON = clocks.LONDON
NOW_LOCAL = time(10, 0)  # "now" in the demo: 10:00 today, Europe/London
HISTORY_UNTIL = 9  # history episodes are reported at least this many days before today
LIVE_CHILD_QUIET = 30  # a child with live work has no history episode in these last days
PROMPT_CHILD_QUIET = 60  # ...nor the child given a fresh open prompt, before its episodes
OPEN_PROMPT_DAYS = 21  # prompts raised in these last days are still waiting for the meeting
MISSING_AGES = (10, 17)  # the ages at which the borough's children go missing
NOTIFIED_IN_TIME = 0.70  # police notifications within the 24 hours
NOT_OFFERED = 0.03
OFFERED_IN_TIME = 0.70  # of the interviews offered, offered within the 72 hours
ACCEPTED = 0.82  # of the offers answered
ONE_OFF_SHARE = 0.07  # other known children with a one-off episode
CARE_SHARE = 0.5  # other children looked after who go missing from their placement
EXPLOITATION = {HarmType.CCE, HarmType.CSE}
SIGN_HARMS = (HarmType.CCE, HarmType.CSE, HarmType.SYV, HarmType.MODERN_SLAVERY)
EXCLUDED_PLACES = {PlaceKind.SCHOOL, PlaceKind.CARE_HOME}

# Local hour of a police report (evenings and nights).
REPORT_HOURS = (4, 3, 2, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 4, 6, 7, 8, 9, 10, 10, 8, 6)
PLACE_WEIGHTS = {
    PlaceKind.TRANSPORT: 8,
    PlaceKind.PARK: 7,
    PlaceKind.TAKEAWAY: 6,
    PlaceKind.STREET: 6,
    PlaceKind.SHOP: 4,
    PlaceKind.RESIDENTIAL: 4,
    PlaceKind.HOTEL: 3,
    PlaceKind.YOUTH_CLUB: 2,
    PlaceKind.LICENSED: 1,
    PlaceKind.OTHER: 2,
}
RISK_WEIGHTS = (
    (PoliceRisk.MEDIUM.value, 50),
    (PoliceRisk.LOW.value, 30),
    (PoliceRisk.HIGH.value, 13),
    (PoliceRisk.NO_APPARENT_RISK.value, 7),
)
FROM_IN_SCHOOL_HOURS = (
    (MissingFrom.SCHOOL.value, 55),
    (MissingFrom.HOME.value, 35),
    (MissingFrom.OTHER.value, 10),
)
FROM_OUT_OF_SCHOOL_HOURS = ((MissingFrom.HOME.value, 87), (MissingFrom.OTHER.value, 13))
AWAY_RISK_WEIGHTS = ((PoliceRisk.LOW.value, 60), (PoliceRisk.NO_APPARENT_RISK.value, 40))
RETURN_METHODS = (
    (ReturnMethod.RETURNED_THEMSELVES.value, 35),
    (ReturnMethod.FOUND_BY_POLICE.value, 25),
    (ReturnMethod.RETURNED_BY_FAMILY.value, 25),
    (ReturnMethod.FOUND_BY_PROFESSIONAL.value, 10),
    (ReturnMethod.OTHER.value, 5),
)
SOURCES = ((Source.API.value, 70), (Source.IMPORT.value, 15), (Source.WEB.value, 15))

# --- words ---------------------------------------------------------------------------------------

LAST_SEEN_WHERE = {
    MissingFrom.HOME: (
        "Left home after an argument about their phone",
        "Went out after tea saying they were going to a friend's; did not come back",
        "Bedroom window found open in the morning; bed not slept in",
        "Seen leaving the house by a neighbour at about 9pm",
        "Did not return from the shop at the end of the road",
    ),
    MissingFrom.CARE_PLACEMENT: (
        "Left the placement after refusing their evening meal",
        "Did not return by the agreed time of 9pm",
        "Staff saw them get into a car outside the home",
        "Walked out of the placement during a family contact session",
        "Left through the back garden after staff handover",
    ),
    MissingFrom.SCHOOL: (
        "Left school at lunchtime without permission",
        "Registered in the morning, not in afternoon lessons",
        "Walked out of the school gates after an incident in class",
    ),
    MissingFrom.OTHER: (
        "Did not return from a relative's house",
        "Left a friend's sleepover in the night",
        "Ran off from the youth club at closing time",
        "Did not get off the bus home from college",
    ),
}
LAST_SEEN_AT_PLACE = ("Last seen at {place}", "Seen on CCTV at {place}", "Dropped off near {place}")
LAST_SEEN_WITH = (
    "Two older males in a grey hatchback",
    "A group of four teenagers, not known to the family",
    "An older 'boyfriend' the family have not met",
    "Friends from school",
    "A man in his twenties on a moped",
    "Alone",
    "Another young person from the same placement",
    "Two girls from the estate",
)
FOUND_WHERE = {
    ReturnMethod.RETURNED_THEMSELVES: (
        "Came home by themselves in the early hours",
        "Walked back into the placement the next morning",
        "Turned up at school the next day",
    ),
    ReturnMethod.FOUND_BY_POLICE: (
        "Found by police at a flat in another town",
        "Stopped by British Transport Police at a railway station out of area",
        "Found by police in a car with older males",
        "Located by police at a friend's house",
    ),
    ReturnMethod.RETURNED_BY_FAMILY: (
        "Collected by mum from a friend's house",
        "Grandparent found them in the town centre and brought them home",
        "Foster carer collected them from the bus station",
    ),
    ReturnMethod.FOUND_BY_PROFESSIONAL: (
        "Found by their youth worker in the park",
        "Social worker found them at the takeaway on the high street",
    ),
    ReturnMethod.OTHER: (
        "Rang the placement to be collected",
        "Handed themselves in at the police station",
    ),
}
FOUND_AT_PLACE = ("Found at {place}", "Found near {place}", "Picked up at {place}")
PLACEMENT_WEIGHTS = (
    (PlacementType.FOSTER.value, 70),
    (PlacementType.SUPPORTED.value, 8),
    (PlacementType.PLACED_WITH_PARENTS.value, 8),
    (PlacementType.RESIDENTIAL_SCHOOL.value, 4),
    (PlacementType.SECURE_UNIT.value, 2),
    (PlacementType.OTHER.value, 8),
)
NOT_OFFERED_DETAIL = {
    NotOfferedReason.CUSTODY: (
        "Remanded into custody the day after they returned; the YOI's staff will speak to them.",
    ),
    NotOfferedReason.OUT_OF_AREA: (
        "Placed out of area; the host authority offers the interview under its own protocol.",
    ),
    NotOfferedReason.OVERLAPPING: (
        "Went missing again the next day; one interview covers both episodes.",
        "Interview for the previous episode was still being arranged; covered together.",
    ),
    NotOfferedReason.OTHER: (
        "Hospital admission on return; the ward's safeguarding nurse spoke with them instead.",
    ),
}
DECLINED_REASON = (
    "Said they did not want to talk about it and that they were 'just at a mate's'.",
    "Does not want another worker involved; says they talk to their social worker.",
    "Declined by text; said they were fine and it was nobody's business.",
    "Parent declined on their behalf and the young person agreed.",
    "Would not come to the door on two visits; declined when reached by phone.",
)
HELD_WHERE = (
    "At home",
    "At school, in the pastoral room",
    "At the placement",
    "Café in the town centre",
    "Youth centre",
    "In the car on a drive",
    "By video call",
)
WHERE_WENT = (
    "Stayed at a friend's flat in town; would not give the address.",
    "Went to another town on the train with older lads.",
    "Walked around town and slept in a stairwell.",
    "Stayed with a boyfriend's family on the estate.",
    "At a party at a house they did not know, then at a friend's.",
    "Went back to their old area to see family.",
    "Hung around the park and the takeaway until late, then stayed at a mate's.",
)
WENT_WITH = (
    "Friends from school.",
    "Older lads they met at the precinct.",
    "A boyfriend who is 19.",
    "On their own most of the time.",
    "A group from the estate; would not give names.",
    "Their cousin.",
)
HARM_DISCLOSED = (
    "Was told to carry a package to another town and was given £50.",
    "Was given alcohol and cannabis by adults at the party and felt pressured to stay.",
    "Was hit by an older lad when they wanted to go home.",
    "Slept at an address with adults they did not know; felt unsafe.",
    "Was asked to hold drugs for an older male.",
)
HEALTH_NEEDS = (
    "Had not eaten for a day; tired and hungover.",
    "Minor cuts to the hand; did not want to see the GP.",
    "Low mood; agreed to a CAMHS referral.",
    "Asked about the sexual health clinic; given details.",
)
CHILD_VIEWS = (
    "Says they go missing because home is loud and nobody listens; would like more time out "
    "with their youth worker instead.",
    "Feels the rules at the placement are unfair and wants a say in them.",
    "Says the older lads 'look after' them and they do not see a problem.",
    "Wants to stop going missing but feels they owe people money.",
    "Said they were bored and wanted to be with friends; wants to go back to football.",
    "Did not say much; agreed to meet the worker again next week.",
)
ACTIONS = (
    "Safety plan updated with the family; youth worker to meet weekly.",
    "Intelligence shared with the police about the address and the car.",
    "Referral to the substance misuse service; school informed of the plan.",
    "Social worker to review the placement with the carers.",
    "Discussed at the exploitation team's daily meeting; BACE review brought forward.",
    "Return home plan agreed: text the carer at 9pm, pick-up offered.",
)
SIGN_DETAIL = {
    HarmType.CCE: (
        "Carrying packages for older males; cash and a second phone.",
        "Owes money to people in another town.",
    ),
    HarmType.CSE: (
        "Older 'boyfriend' gives gifts, alcohol and lifts.",
        "Taken to a party at a flat by adults.",
    ),
    HarmType.SYV: ("Hit by an older male; fears retaliation.",),
    HarmType.MODERN_SLAVERY: ("Made to work at a car wash for no pay.",),
}
ATTENDEES = (
    "Social worker, police missing coordinator, school DSL, parent",
    "Social worker, exploitation practitioner, police missing coordinator, school DSL",
    "Team manager (chair), social worker, police, health, foster carer",
    "Social worker, police missing coordinator, residential home manager, youth worker",
    "Social worker, police, school DSL, YOT worker, parent",
)
MEETING_OUTCOME = (
    "Section 47 enquiry not needed; exploitation safety plan agreed, review in four weeks.",
    "Risk of exploitation high: referred to MACE; disruption plan for the addresses named.",
    "Placement stability meeting to be held; return-home plan and curfew agreed with the child.",
    "Section 47 enquiry agreed; child protection conference to be considered.",
    "Youth worker to be allocated; police to visit the address the child was found at.",
)
UNMATCHED_SURNAMES = ("Thackeray", "Pennington", "Ollerenshaw", "Braithwaite", "Cockcroft")


# --- helpers -------------------------------------------------------------------------------------


def _local(day: date, hour: int, minute: int = 0) -> datetime:
    """`hour:minute` on `day` in Europe/London, as an aware UTC datetime."""
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON).astimezone(UTC)


def _local_day(moment: datetime) -> date:
    return moment.astimezone(LONDON).date()


def _weighted(rng, pairs):
    items, weights = zip(*pairs, strict=True)
    return rng.choices(items, weights)[0]


def _minutes(rng, low: float, high: float) -> timedelta:
    """A whole number of minutes between `low` and `high` hours."""
    return timedelta(minutes=rng.randint(round(low * 60), round(high * 60)))


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _fit(rhi, base: datetime, limit: datetime) -> None:
    """Draw an interview's steps after `base` closer together, in the same order, when the last
    of them would come after `limit` (a recent return whose steps must all be in the past)."""
    steps = ("offered_at", "held_at", "shared_with_police_at")
    last = max((m for m in (getattr(rhi, name) for name in steps) if m is not None), default=None)
    if last is None or last <= limit or limit <= base:
        return
    factor = (limit - base) / (last - base)
    for name in steps:
        moment = getattr(rhi, name)
        if moment is not None:
            setattr(rhi, name, base + (moment - base) * factor)


@dataclass
class _Child:
    pid: object
    given: str
    family: str
    born: date | None
    cases: list = field(default_factory=list)  # (case id, level, status, opened, closed)
    harms: set = field(default_factory=set)
    in_care_home: bool = False
    nominal: str = ""
    nhs: str = ""

    def can_go_missing(self, day: date) -> bool:
        if self.born is None:
            return True
        low, high = MISSING_AGES
        return _years_after(self.born, low) <= day < _years_after(self.born, high + 1)

    def case_on(self, day: date):
        """The latest-opened case open on `day` (status open then), if any."""
        open_then = [c for c in self.cases if c[3] <= day and (c[4] is None or c[4] >= day)]
        return max(open_then, key=lambda c: (c[3], c[0].int)) if open_then else None


@dataclass
class _Rows:
    episodes: list = field(default_factory=list)
    named: list = field(default_factory=list)
    rhis: list = field(default_factory=list)
    signs: list = field(default_factory=list)
    prompts: list = field(default_factory=list)
    links: list = field(default_factory=list)


# --- the extension -------------------------------------------------------------------------------


class _Missing:
    def __init__(self, borough):
        self.rng = borough.stream("missing")
        self.scale = borough.scale
        self.today = borough.today
        self.start = borough.start
        self.now = _local(self.today, NOW_LOCAL.hour, NOW_LOCAL.minute)
        self.rule = current_rule()
        self.references: set[str] = set()
        self.rows = _Rows()

    # --- reading the borough ---------------------------------------------------------------------

    def load(self) -> bool:
        police = Agency.objects.filter(code="police").values_list("id", flat=True).first()
        if police is None:
            return False
        self.police = police
        self.user_id = dict(User.objects.order_by("username").values_list("username", "id"))
        specialists = list(
            Membership.objects.filter(
                ended_on__isnull=True,
                team__function=TeamFunction.SPECIALIST,
                role=Role.PRACTITIONER,
            )
            .order_by("user__username")
            .values_list("user__username", "user_id")
            .distinct()
        )
        if not specialists:
            return False
        self.specialists = [uid for _name, uid in specialists]
        self.specialist_weights = [
            4 if name == "specialist.worker" else 1 for name, _ in specialists
        ]
        self.recorders = [
            self.user_id[name]
            for name in ("police.officer", "ifd.worker", "specialist.worker")
            if name in self.user_id
        ] or self.specialists

        children: dict = {}
        cases = Case.objects.order_by("id").values_list(
            "id", "person_id", "level", "status", "opened_on", "closed_on"
        )
        people = {
            pid: (given, family, born)
            for pid, given, family, born in Person.objects.order_by("id").values_list(
                "id", "given_name", "family_name", "date_of_birth"
            )
        }
        self.names = {pid: f"{g} {f}".strip() for pid, (g, f, _b) in people.items()}
        self.surnames = {f for _g, f, _b in people.values()}
        case_person = {}
        for case_id, pid, level, status, opened, closed in cases:
            if pid not in children:
                given, family, born = people[pid]
                children[pid] = _Child(pid, given, family, born)
            children[pid].cases.append((case_id, level, status, opened, closed))
            case_person[case_id] = pid
        for case_id, harm in CaseHarm.objects.order_by("case_id", "harm_type").values_list(
            "case_id", "harm_type"
        ):
            children[case_person[case_id]].harms.add(harm)
        self.children = [children[pid] for pid in sorted(children, key=lambda p: p.int)]
        self.child = children
        for pid, scheme, value in (
            Identifier.objects.filter(
                person_id__in=list(children),
                scheme__in=(IdentifierScheme.POLICE_NOMINAL_ID, IdentifierScheme.NHS_NUMBER),
            )
            .order_by("person_id", "scheme", "value")
            .values_list("person_id", "scheme", "value")
        ):
            if scheme == IdentifierScheme.POLICE_NOMINAL_ID:
                children[pid].nominal = children[pid].nominal or value
            else:
                children[pid].nhs = children[pid].nhs or value

        # Who works with the child: all workers ever allocated (independence of the interview),
        # the lead worker of each case, and the named users' current children.
        self.workers: dict = defaultdict(set)
        self.lead: dict = {}
        self.named_children: dict[str, list] = {"specialist.worker": [], "cypf.worker": []}
        self.team_children: dict[str, list] = {"specialist": [], "cypf": []}
        named_ids = {self.user_id[n]: n for n in self.named_children if n in self.user_id}
        for case_id, team, worker, role, ended, status in Allocation.objects.order_by(
            "case_id", "started_on", "role", "team__code", "id"
        ).values_list("case_id", "team__code", "worker_id", "role", "ended_on", "case__status"):
            pid = case_person[case_id]
            if worker:
                self.workers[pid].add(worker)
                if role == "lead":
                    self.lead[case_id] = worker
            current = ended is None and status == CaseStatus.OPEN
            if current and worker in named_ids:
                self.named_children[named_ids[worker]].append(pid)
            if current and team in self.team_children:
                self.team_children[team].append(pid)
        for pools in (self.named_children, self.team_children):
            for key, pids in pools.items():
                unique = sorted(set(pids), key=lambda p: p.int)
                pools[key] = [p for p in unique if children[p].can_go_missing(self.today)]

        # Places: the borough's non-school places, weighted to where children go missing, and
        # the ones each child is already linked to.
        self.places = {}
        weighted = []
        for pid, kind, name in Place.objects.order_by("id").values_list("id", "kind", "name"):
            if kind in EXCLUDED_PLACES:
                continue
            self.places[pid] = name
            weighted.append((pid, PLACE_WEIGHTS.get(kind, 1)))
        self.place_picker = generator.Picker(*zip(*weighted, strict=True)) if weighted else None
        self.child_places: dict = defaultdict(list)
        # (person, place, kind) -> [pk, first_seen, last_seen, last_seen as read]
        self.existing_links: dict = {}
        for pk, pid, place, kind, first, last, place_kind in PersonPlace.objects.order_by(
            "person_id", "place_id", "kind", "first_seen", "id"
        ).values_list(
            "id", "person_id", "place_id", "kind", "first_seen", "last_seen", "place__kind"
        ):
            if pid not in children:
                continue
            if kind == PlaceAssociationKind.LIVES_AT and place_kind == PlaceKind.CARE_HOME:
                children[pid].in_care_home = True
            if place in self.places and place not in self.child_places[pid]:
                self.child_places[pid].append(place)
            if kind in (PlaceAssociationKind.SEEN_AT, PlaceAssociationKind.FOUND_AT):
                self.existing_links.setdefault((pid, place, kind), [pk, first, last, last])

        # People a child is tied to (peers, partners, adults of concern): who they are seen with.
        self.ties: dict = defaultdict(list)
        for pid, other, started in (
            Relationship.objects.filter(
                kind__in=(
                    RelationshipKind.PEER,
                    RelationshipKind.INTIMATE_PARTNER,
                    RelationshipKind.ADULT_OF_CONCERN,
                ),
                ended_on__isnull=True,
            )
            .order_by("person_id", "other_id", "kind")
            .values_list("person_id", "other_id", "started_on")
        ):
            self.ties[pid].append((other, started))
            self.ties[other].append((pid, started))
        return bool(self.children)

    # --- planning --------------------------------------------------------------------------------

    def _span(self, child: _Child) -> tuple[date, date]:
        """From a while before their first case to a while after their last (or today)."""
        first = min(c[3] for c in child.cases) - timedelta(days=90)
        last = max((c[4] or self.today) for c in child.cases) + timedelta(days=60)
        return max(first, self.start), min(last, self.today)

    def _days(self, child: _Child, until: date) -> list[date]:
        """The days of a child's history episodes: bursts for "missing" (and more of them while
        in care), fewer for exploitation, now and then one for other children."""
        rng = self.rng
        first, last = self._span(child)
        last = min(last, until)
        if last <= first:
            return []
        in_care = [
            (max(first, c[3]), min(last, c[4] or self.today))
            for c in child.cases
            if c[1] == CaseLevel.CHILD_LOOKED_AFTER and max(first, c[3]) < min(last, c[4] or last)
        ]
        if HarmType.MISSING in child.harms:
            bursts = rng.choices((1, 2, 3, 4), (30, 35, 25, 10))[0]
            sizes = [rng.choices((1, 2, 3, 4, 5), (25, 25, 24, 16, 10))[0] for _ in range(bursts)]
        elif child.harms & EXPLOITATION:
            count = rng.choices((0, 1, 2, 3), (35, 35, 20, 10))[0]
            sizes = [count] if count else []
        elif in_care and rng.chance(CARE_SHARE):
            sizes = [rng.choice((1, 2, 3)) for _ in range(rng.choice((1, 2)))]
        elif rng.chance(ONE_OFF_SHARE):
            sizes = [1]
        else:
            sizes = []
        if in_care:
            sizes = [s + 1 for s in sizes]
        days = []
        for size in sizes:
            if in_care and rng.chance(0.8):  # looked-after children go missing more
                day = rng.day_between(*rng.choice(in_care))
            else:
                day = rng.day_between(first, last)
            for _ in range(size):
                if day > last:
                    break
                if child.can_go_missing(day):
                    days.append(day)
                day += timedelta(days=rng.randint(2, 21))
        return sorted(days)

    def _reported(self, day: date) -> datetime:
        hour = self.rng.choices(range(24), REPORT_HOURS)[0]
        return _local(day, hour, self.rng.randint(0, 59))

    # --- building an episode ---------------------------------------------------------------------

    def _reference(self, reported: datetime) -> str:
        year = _local_day(reported).year % 100
        while True:
            ref = f"MP/{year:02d}/{self.rng.randint(1, 999_999):06d}"
            if ref not in self.references:
                self.references.add(ref)
                return ref

    def _place(self, child: _Child | None):
        rng = self.rng
        own = self.child_places.get(child.pid) if child else None
        if own and rng.chance(0.5):
            return rng.choice(own)
        return self.place_picker.pick(rng) if self.place_picker else None

    def _notified(self, reported: datetime, in_time: bool | None = None) -> datetime:
        rng = self.rng
        if in_time is None:
            in_time = rng.chance(NOTIFIED_IN_TIME)
        if in_time:
            if rng.chance(0.55):
                return reported + _minutes(rng, 0.1, 2)
            return reported + _minutes(rng, 2, 23.9)
        return reported + _minutes(rng, 24.1, 72)

    def episode(
        self,
        child: _Child | None,
        reported: datetime,
        *,
        returned: datetime | None | bool = True,
        risk: str = "",
        notified: datetime | None = None,
        unmatched: tuple | None = None,
    ) -> Episode:
        """One police report (and the child's return, unless `returned` is None)."""
        rng = self.rng
        day = _local_day(reported)
        case = child.case_on(day) if child else None
        looked_after = case is not None and case[1] == CaseLevel.CHILD_LOOKED_AFTER
        local = reported.astimezone(LONDON)
        school_hours = local.weekday() < 5 and 9 <= local.hour < 16
        if looked_after and rng.chance(0.85):
            missing_from = MissingFrom.CARE_PLACEMENT
        elif school_hours:
            missing_from = _weighted(rng, FROM_IN_SCHOOL_HOURS)
        else:
            missing_from = _weighted(rng, FROM_OUT_OF_SCHOOL_HOURS)
        placement, episode_type = "", EpisodeType.MISSING
        if missing_from == MissingFrom.CARE_PLACEMENT:
            if child.in_care_home:
                placement = PlacementType.CHILDRENS_HOME.value
            else:
                placement = _weighted(rng, PLACEMENT_WEIGHTS)
            if rng.chance(0.25):
                episode_type = EpisodeType.AWAY
        if not risk:
            risk = _weighted(
                rng, AWAY_RISK_WEIGHTS if episode_type == EpisodeType.AWAY else RISK_WEIGHTS
            )
        last_seen_at = reported - _minutes(rng, 0.5, 10) if rng.chance(0.7) else None
        last_seen_place = None
        if rng.chance(0.45):
            last_seen_place = self._place(child)
        if last_seen_place:
            where = rng.choice(LAST_SEEN_AT_PLACE).format(place=self.places[last_seen_place])
        else:
            where = rng.choice(LAST_SEEN_WHERE[missing_from]) if rng.chance(0.9) else ""
        seen_with, named = "", None
        tied = (
            [o for o, started in self.ties.get(child.pid, ()) if started is None or started <= day]
            if child
            else []
        )
        if tied and rng.chance(0.15):
            named = rng.choice(tied)
            seen_with = self.names[named] + rng.choice(("", "", " and another young person"))
        elif rng.chance(0.35):
            seen_with = rng.choice(LAST_SEEN_WITH)
        if notified is None:
            notified = self._notified(reported)
        source = Source.API.value if unmatched else _weighted(rng, SOURCES)
        recorded_by = rng.choice(self.recorders) if source == Source.WEB else None
        if unmatched:
            given, family, born = unmatched
            nominal = nhs = ""
            basis, matched_by = "", None
        else:
            given, family, born = child.given, child.family, child.born
            nominal = child.nominal if child.nominal and rng.chance(0.6) else ""
            nhs = child.nhs if child.nhs and rng.chance(0.15) else ""
            if born is not None and rng.chance(0.04):
                born = None
            matched_by = None
            if source == Source.WEB:
                basis = "recorded from the child's record"
            elif nominal or nhs:
                labels = [
                    IdentifierScheme(s).label
                    for s, v in (
                        (IdentifierScheme.POLICE_NOMINAL_ID, nominal),
                        (IdentifierScheme.NHS_NUMBER, nhs),
                    )
                    if v
                ]
                basis = "same " + " and ".join(labels)
            elif born is not None and rng.chance(0.94):
                basis = "same name and date of birth"
            else:
                basis, matched_by = "matched by hand", self._specialist()
        episode = Episode(
            id=rng.uuid(),
            person_id=child.pid if child and not unmatched else None,
            reporting_agency_id=self.police,
            police_reference=self._reference(reported),
            source=source,
            episode_type=episode_type,
            reported_given_name=given,
            reported_family_name=family,
            reported_date_of_birth=born,
            reported_police_nominal_id=nominal,
            reported_nhs_number=nhs,
            reported_at=reported,
            notified_at=notified,
            notification_due_at=clocks.missing_notification_due(reported),
            missing_from=missing_from,
            placement_type=placement,
            police_risk=risk,
            last_seen_at=last_seen_at,
            last_seen_where=where,
            last_seen_place_id=last_seen_place,
            last_seen_with=seen_with,
            returned_at=None,
            rhi_due_at=None,
            found_where="",
            found_place_id=None,
            return_method="",
            recorded_by_id=recorded_by,
            matched_by_id=matched_by,
            match_basis=basis,
        )
        if named is not None:
            self.rows.named.append(
                EpisodePerson(
                    episode_id=episode.id, person_id=named, role=EpisodePerson.Role.LAST_SEEN_WITH
                )
            )
        if returned is True:
            returned = reported + self._missing_for()
        if returned:
            self._return(episode, child, returned)
        self.rows.episodes.append(episode)
        return episode

    def _missing_for(self) -> timedelta:
        rng = self.rng
        band = rng.choices(((1, 12), (12, 36), (36, 72), (72, 168)), (40, 35, 20, 5))[0]
        return _minutes(rng, *band)

    def _return(self, episode: Episode, child: _Child | None, returned: datetime) -> None:
        rng = self.rng
        method = _weighted(rng, RETURN_METHODS)
        found_place = None
        if method != ReturnMethod.RETURNED_THEMSELVES and rng.chance(0.4):
            found_place = self._place(child)
        if found_place:
            found = rng.choice(FOUND_AT_PLACE).format(place=self.places[found_place])
        else:
            found = rng.choice(FOUND_WHERE[method])
        episode.returned_at = returned
        episode.rhi_due_at = clocks.rhi_offer_due(returned)
        episode.return_method = method
        episode.found_where = found
        episode.found_place_id = found_place

    def _specialist(self) -> int:
        return self.rng.choices(self.specialists, self.specialist_weights)[0]

    # --- Return Home Interviews ------------------------------------------------------------------

    def rhi(self, episode: Episode, child: _Child, stage: str = "shared") -> ReturnInterview:
        """The interview of a returned episode, taken as far as `stage`: "offered" (awaiting an
        answer), "accepted" (not yet written up), "finished" (not shared) or "shared"."""
        rng = self.rng
        returned, due = episode.returned_at, episode.rhi_due_at
        rhi = ReturnInterview(
            id=rng.uuid(),
            episode_id=episode.id,
            push_factors=[],
            pull_factors=[],
            substances=[],
        )
        self.rows.rhis.append(rhi)
        base = max(returned, episode.notified_at)  # the council knows of it from here
        if stage == "shared" and rng.chance(NOT_OFFERED):
            reasons = [NotOfferedReason.OVERLAPPING] * 3 + [
                NotOfferedReason.OUT_OF_AREA,
                NotOfferedReason.CUSTODY,
                NotOfferedReason.OTHER,
            ]
            reason = rng.choice(reasons)
            rhi.not_offered_reason = reason.value
            rhi.not_offered_detail = rng.choice(NOT_OFFERED_DETAIL[reason])
            rhi.updated_by_id = self._specialist()
            finished = base + _minutes(rng, 24, 96)
            self._share(rhi, finished, base)
            return rhi
        # Today's work: the offers of the last days were mostly made in time.
        in_time = rng.chance(OFFERED_IN_TIME if stage == "shared" else 0.85)
        if in_time:
            offered = returned + _minutes(rng, 1, 71.5)
            offered = min(offered, due)
        else:
            offered = due + _minutes(rng, 2, 24 * rng.choice((1, 2, 4, 6)))
        if offered < base:  # told late: offered once the council knew
            offered = base + _minutes(rng, 0.5, 6)
        rhi.offered_at = offered
        rhi.offered_by_id = self._specialist()
        rhi.updated_by_id = rhi.offered_by_id
        if stage == "offered":
            return rhi
        accepted = stage == "accepted" or rng.chance(ACCEPTED)
        if not accepted:
            rhi.response = RhiResponse.DECLINED.value
            rhi.declined_reason = rng.choice(DECLINED_REASON)
            finished = offered + _minutes(rng, 0, 48)
        else:
            rhi.response = RhiResponse.ACCEPTED.value
            if stage == "accepted":
                return rhi
            finished = offered + _minutes(rng, 3, 24 * rng.choice((1, 2, 4, 7)))
            rhi.held_at = finished
            self._interview(rhi, episode, child)
        if stage == "finished":
            return rhi
        self._share(rhi, finished, base)
        return rhi

    def _interview(self, rhi: ReturnInterview, episode: Episode, child: _Child) -> None:
        rng = self.rng
        interviewer = self._specialist()
        rhi.interviewer_id = interviewer
        rhi.updated_by_id = interviewer
        rhi.interviewer_independent = interviewer not in self.workers.get(child.pid, ())
        rhi.held_where = rng.choice(HELD_WHERE)
        rhi.where_went = rng.choice(WHERE_WENT)
        rhi.went_with = rng.choice(WENT_WITH)
        push = list(PushFactor.values)
        if episode.missing_from != MissingFrom.CARE_PLACEMENT:
            push.remove(PushFactor.PLACEMENT_UNHAPPY)
        if rng.chance(0.85):
            rhi.push_factors = sorted(rng.sample(push, rng.choice((1, 1, 2))))
        pull = [PullFactor.FRIENDS, PullFactor.FRIENDS, PullFactor.PARTIES, PullFactor.FAMILY]
        if HarmType.CSE in child.harms:
            pull += [PullFactor.PARTNER, PullFactor.ADULTS_GIFTS, PullFactor.ONLINE]
        if HarmType.CCE in child.harms:
            pull += [PullFactor.ADULTS_GIFTS, PullFactor.SUBSTANCES, PullFactor.ADULTS_GIFTS]
        if rng.chance(0.9):
            chosen = {rng.choice(pull) for _ in range(rng.choice((1, 2, 2)))}
            rhi.pull_factors = sorted(str(v.value) for v in chosen)
        if rng.chance(0.55):
            substances = [
                Substance.CANNABIS,
                Substance.CANNABIS,
                Substance.ALCOHOL,
                Substance.ALCOHOL,
                Substance.NITROUS_OXIDE,
                Substance.KETAMINE,
            ]
            if HarmType.CCE in child.harms:
                substances.append(Substance.COCAINE)
            chosen = {rng.choice(substances) for _ in range(rng.choice((1, 1, 2)))}
            rhi.substances = sorted(str(v.value) for v in chosen)
        if rng.chance(0.25):
            rhi.harm_disclosed = rng.choice(HARM_DISCLOSED)
            rhi.harm_not_told_to_police = rng.chance(0.4)
        if rng.chance(0.3):
            rhi.health_needs = rng.choice(HEALTH_NEEDS)
        rhi.child_views = rng.choice(CHILD_VIEWS)
        rhi.actions = rng.choice(ACTIONS)
        harms = [h for h in SIGN_HARMS if h in child.harms]
        if harms and rng.chance(0.45):
            for harm in sorted(rng.sample(harms, min(len(harms), rng.choice((1, 1, 2))))):
                self.rows.signs.append(
                    RhiExploitationSign(
                        rhi_id=rhi.id, harm_type=harm, detail=rng.choice(SIGN_DETAIL[harm])
                    )
                )

    def _share(self, rhi: ReturnInterview, finished: datetime, base: datetime) -> None:
        """Shared a day or two after it was finished; steps after `base` (the return, or the
        notification if later) drawn closer together when that would be after now."""
        rng = self.rng
        shared = finished + _minutes(rng, 18, 48)
        rhi.shared_with_police_at = shared
        rhi.shared_by_id = self._specialist()
        rhi.updated_by_id = rhi.shared_by_id
        _fit(rhi, base, self.now - timedelta(hours=2))

    # --- the history -----------------------------------------------------------------------------

    def history(self, live: set, prompt_child) -> None:
        rng = self.rng
        default_until = self.today - timedelta(days=HISTORY_UNTIL)
        for child in self.children:
            until = default_until
            if child.pid == prompt_child:
                until = self.today - timedelta(days=PROMPT_CHILD_QUIET)
            elif child.pid in live:
                until = self.today - timedelta(days=LIVE_CHILD_QUIET)
            free_from = None
            for day in self._days(child, until):
                reported = self._reported(day)
                if free_from and reported < free_from:
                    reported = free_from + _minutes(rng, 6, 48)
                if _local_day(reported) > until:
                    break
                episode = self.episode(child, reported)
                self.rhi(episode, child)
                free_from = episode.returned_at

    def prompt_episodes(self, child: _Child) -> None:
        """Enough episodes in the rule's period, the last in the final fortnight, for an open
        strategy-meeting prompt."""
        rng = self.rng
        first_allowed = self.today - timedelta(days=OPEN_PROMPT_DAYS - 1)
        last = self.today - timedelta(days=4)
        for back in range(11):
            candidate = self.today - timedelta(days=4 + back)
            start, _end = self.rule.window(candidate)
            if (candidate - max(start, first_allowed)).days >= 6:
                last = candidate
                break
        start, _end = self.rule.window(last)
        first = max(start, first_allowed)
        count = self.rule.episodes
        span = (last - first).days
        days = sorted(
            first + timedelta(days=round(span * i / max(1, count - 1))) for i in range(count)
        )
        days[-1] = last
        free_from = None
        for day in days:
            reported = self._reported(day)
            if free_from and reported < free_from:
                reported = free_from + _minutes(rng, 2, 6)
            episode = self.episode(
                child,
                reported,
                returned=reported + _minutes(rng, 2, 20),
                notified=reported + _minutes(rng, 0.1, 3),
            )
            self.rhi(episode, child)
            free_from = episode.returned_at

    # --- today -----------------------------------------------------------------------------------

    def _count(self, low: int, high: int) -> int:
        return max(low, round(self.rng.randint(low, high) * self.scale))

    def choose_live(self) -> dict:
        """Which children have today's work: named users' children first, then others."""
        rng = self.rng
        pools = {}
        for username, team in (("specialist.worker", "specialist"), ("cypf.worker", "cypf")):
            named = list(self.named_children[username])
            rest = [p for p in self.team_children[team] if p not in set(named)]
            rng.shuffle(named)
            rng.shuffle(rest)
            pools[team] = named + rest  # the named worker's children, then their team's
        spec, cypf = pools["specialist"], pools["cypf"]
        others = [
            c.pid
            for c in self.children
            if c.harms & (EXPLOITATION | {HarmType.MISSING}) and c.can_go_missing(self.today)
        ]
        rng.shuffle(others)
        taken: set = set()

        def take(pool: list):
            for pid in pool:
                if pid not in taken:
                    taken.add(pid)
                    return pid
            for pid in others:
                if pid not in taken:
                    taken.add(pid)
                    return pid
            return None

        # The prompt child first: one of cypf.worker's (cypf.manager sees the prompt too).
        prompt_child = take(cypf or spec)
        plan = {"prompt": prompt_child}
        counts = {
            "missing": self._count(2, 4),
            "breach": self._count(3, 3),
            "left": self._count(2, 3),
            "offered": self._count(2, 2),
            "accepted": self._count(2, 2),
            "finished": self._count(2, 2),
        }
        counts["no_offer"] = max(0, self._count(5, 8) - counts["breach"] - counts["left"])
        # Who is named where: breaches and hours left twice each for specialist.worker's
        # children (their team's when they have too few), so the queue shows both whatever the
        # coordinator relationship; cypf.worker's children spread over every stage.
        named = {
            "missing": [cypf, spec],
            "breach": [spec, spec, cypf],
            "left": [spec, spec, cypf],
            "no_offer": [cypf],
            "offered": [spec, cypf],
            "accepted": [cypf, spec],
            "finished": [spec, cypf],
        }
        for stage in ("breach", "left", "missing", "no_offer", "offered", "accepted", "finished"):
            pools = named[stage]
            plan[stage] = [
                take(pools[i] if i < len(pools) else others) for i in range(counts[stage])
            ]
            plan[stage] = [p for p in plan[stage] if p is not None]
        return plan

    def live(self, plan: dict) -> None:
        rng = self.rng
        now = self.now
        for i, pid in enumerate(plan["missing"]):  # still missing, the first at high risk
            reported = now - _minutes(rng, 3, 40)
            self.episode(
                self.child[pid],
                reported,
                returned=None,
                risk=PoliceRisk.HIGH.value if i == 0 else "",
                notified=min(reported + _minutes(rng, 0.1, 2.5), now - timedelta(minutes=5)),
            )
        bands = {
            "breach": (72.5, 95),  # returned three to four days ago: past the 72 hours
            "left": (4, 60),  # hours left on the clock
            "no_offer": (2, 95),
            "offered": (30, 90),
            "accepted": (72, 180),
            "finished": (96, 240),
        }
        for stage, band in bands.items():
            for pid in plan[stage]:
                child = self.child[pid]
                returned = now - _minutes(rng, *band)
                reported = returned - self._missing_for()
                notified = min(self._notified(reported), now - timedelta(minutes=30))
                episode = self.episode(child, reported, returned=returned, notified=notified)
                if stage in ("breach", "left", "no_offer"):
                    continue
                rhi = self.rhi(episode, child, stage)
                # The steps so far happened before now (the council knew by `base`).
                base = max(returned, episode.notified_at)
                _fit(rhi, base, max(now - _minutes(rng, 0.5, 4), base + (now - base) / 2))

    def unmatched(self) -> None:
        """Two or three police reports about nobody the borough knows; one still missing."""
        rng = self.rng
        pool = [
            s
            for s in sorted({*names.BRITISH["surnames"], *UNMATCHED_SURNAMES})
            if s not in self.surnames
        ] or list(UNMATCHED_SURNAMES)
        count = rng.randint(2, 3)
        for n in range(count):
            given = rng.choice(names.BRITISH[rng.choice(("boys", "girls"))])
            family = rng.choice(pool)
            age = rng.randint(12, 16)
            born = None
            if rng.chance(0.7):
                born = self.today - timedelta(days=age * 365 + rng.randint(0, 364))
            if n == 0:
                reported = self.now - _minutes(rng, 4, 20)
                returned = None
            else:
                returned = self.now - _minutes(rng, 3, 40)
                reported = returned - _minutes(rng, 3, 30)
            notified = min(reported + _minutes(rng, 0.1, 6), self.now - timedelta(minutes=10))
            self.episode(
                None,
                reported,
                returned=returned,
                notified=notified,
                unmatched=(given, family, born),
            )

    # --- after the episodes: links, prompts ------------------------------------------------------

    def place_links(self) -> None:
        """`seen_at` and `found_at` links as the services make them, in the order recorded."""
        events = []
        for e in self.rows.episodes:
            if e.person_id is None:
                continue
            if e.last_seen_place_id:
                events.append(
                    (e.notified_at, e.id.int, PlaceAssociationKind.SEEN_AT, e, e.last_seen_place_id)
                )
            if e.found_place_id:
                events.append(
                    (e.returned_at, e.id.int, PlaceAssociationKind.FOUND_AT, e, e.found_place_id)
                )
        events.sort(key=lambda item: (item[0], item[1], item[2]))
        new: dict = {}
        for _at, _i, kind, episode, place in events:
            key = (episode.person_id, place, kind)
            on = _local_day(episode.reported_at if kind == "seen_at" else episode.returned_at)
            link = self.existing_links.get(key) or new.get(key)
            if link is None:
                new[key] = PersonPlace(
                    person_id=episode.person_id,
                    place_id=place,
                    kind=kind,
                    first_seen=on,
                    last_seen=None,
                    source=InformationSource.RECORD.value,
                    source_agency_id=self.police,
                    confidence=Confidence.CONFIRMED.value,
                    notes=f"Missing episode {episode.police_reference}",
                    recorded_by_id=episode.recorded_by_id,
                )
            elif isinstance(link, PersonPlace):
                if link.last_seen is None or link.last_seen < on:
                    link.last_seen = max(on, link.first_seen)
            elif link[2] is None or link[2] < on:  # a link the core borough made
                link[2] = max(on, link[1])
        self.rows.links = list(new.values())
        for pk, _first, last, before in self.existing_links.values():
            if last != before:
                PersonPlace.objects.filter(pk=pk).update(last_seen=last)

    def prompts(self) -> None:
        """Replay `services.repeat_check` after each matched episode, in the order recorded."""
        rng = self.rng
        rule = self.rule
        by_person: dict = defaultdict(list)
        for e in self.rows.episodes:
            if e.person_id is not None:
                by_person[e.person_id].append(e)
        open_from = self.now - timedelta(days=OPEN_PROMPT_DAYS)
        for pid in sorted(by_person, key=lambda p: p.int):
            child = self.child[pid]
            episodes = sorted(by_person[pid], key=lambda e: (e.notified_at, e.reported_at))
            recorded: list = []
            open_prompt = None
            last_meeting = None
            for episode in episodes:
                moment = episode.notified_at
                if open_prompt is not None and open_prompt.meeting_on is not None:
                    held = _local(open_prompt.meeting_on, 17)
                    if held <= moment:
                        last_meeting = open_prompt.meeting_on
                        open_prompt = None
                recorded.append(episode)
                latest = max(e.reported_at for e in recorded)
                start, end = rule.window(_local_day(latest))
                if last_meeting and last_meeting >= start:
                    start = last_meeting + timedelta(days=1)
                    if start > end:
                        continue
                lower, upper = clocks.local_days(start, end)
                count = sum(1 for e in recorded if lower <= e.reported_at < upper)
                if count < rule.episodes or open_prompt is not None:
                    continue
                raised = moment + timedelta(seconds=rng.randint(1, 30))
                case = child.case_on(_local_day(raised))
                prompt = StrategyMeetingPrompt(
                    id=rng.uuid(),
                    person_id=pid,
                    case_id=case[0] if case else None,
                    raised_at=raised,
                    period_start=start,
                    period_end=end,
                    episode_count=count,
                    rule=rule.describe(),
                    meeting_on=None,
                    attendees="",
                    outcome="",
                    recorded_by_id=None,
                )
                if raised < open_from:
                    prompt.meeting_on = min(
                        _local_day(raised) + timedelta(days=rng.randint(2, 9)),
                        self.today - timedelta(days=1),
                    )
                    prompt.attendees = rng.choice(ATTENDEES)
                    prompt.outcome = rng.choice(MEETING_OUTCOME)
                    lead = self.lead.get(case[0]) if case else None
                    prompt.recorded_by_id = lead or self._specialist()
                self.rows.prompts.append(prompt)
                open_prompt = prompt

    # --- writing ---------------------------------------------------------------------------------

    def write(self) -> None:
        rows = self.rows
        rows.episodes.sort(key=lambda e: (e.reported_at, e.id.int))
        for model, objs in (
            (Episode, rows.episodes),
            (EpisodePerson, rows.named),
            (ReturnInterview, rows.rhis),
            (RhiExploitationSign, rows.signs),
            (StrategyMeetingPrompt, rows.prompts),
            (PersonPlace, rows.links),
        ):
            generator.bulk_insert(model, objs)

    def restamp(self) -> None:
        """`created_at`/`updated_at` as the records' own times, not the moment of seeding; the
        content hash leaves these out."""
        Episode.objects.update(
            created_at=F("notified_at"),
            updated_at=Greatest("notified_at", Coalesce("returned_at", "notified_at")),
        )
        ReturnInterview.objects.update(
            created_at=Coalesce("offered_at", "shared_with_police_at", "created_at"),
            updated_at=Coalesce("shared_with_police_at", "held_at", "offered_at", "updated_at"),
        )
        StrategyMeetingPrompt.objects.update(created_at=F("raised_at"), updated_at=F("raised_at"))


def run(borough) -> None:
    missing = _Missing(borough)
    if not missing.load():
        return
    plan = missing.choose_live()
    live = {p for key, pids in plan.items() if key != "prompt" for p in pids}
    missing.history(live, plan["prompt"])
    if plan["prompt"] is not None:
        missing.prompt_episodes(missing.child[plan["prompt"]])
    missing.live(plan)
    missing.unmatched()
    missing.place_links()
    missing.prompts()
    missing.write()
    missing.restamp()


# PersonPlace (the seen-at and found-at links) is written too; it is one of the core models, so
# `content_hash()` covers it already.
EXTENSION = Extension(
    name="missing",
    run=run,
    models=(Episode, EpisodePerson, ReturnInterview, RhiExploitationSign, StrategyMeetingPrompt),
)
