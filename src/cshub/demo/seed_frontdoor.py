"""Demo extension: the Integrated Front Door's contacts, screenings and decisions.

Two years of history come out of the borough's own case histories: most cases the Front Door
could have routed (every level but youth justice, which comes from the courts) get a decided
contact a few days before the case opened, its outcome matching the case (specialist team:
specialist or MACE; assessment team: assessment or strategy discussion; early help: early help;
HSB service: HSB pathway) and its receiving team the team the case was allocated to. Other
children (peers known only through a known child, and known children outside their cases) get
contacts that ended in advice and no further action or universal services. Referrers are a mix
of police notifications, schools and health through the partner portal or by phone, children's
social care, the voluntary sector and the public; a partner's own demo user raises what came
through the portal, a Front Door worker logs phone calls and e-mails.

Every child of a submitted contact is screened with the current tool: an answer for every
indicator, the suggested level computed by `cshub.frontdoor.screening.suggest_level` from those
answers (never set by hand), and a final level that now and then differs by one step, with the
worker's reason.

Today: a live queue of contacts in triage received over the last working days (at least one with
immediate danger, at least two overdue at 10:00 today, some already screened), two or three
drafts of `school.dsl`, and decided contacts of `school.dsl` and `police.officer` in the last
months, so "Contacts I have raised" shows outcomes.

Deterministic: one stream (`borough.stream("frontdoor")`), rows read in a stable order, UUIDs
and references drawn from the stream, every time derived from `borough.today` (local times in
Europe/London, stored in UTC), written in bulk.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import F, OuterRef, Subquery
from django.db.models.base import ModelState

from cshub.accounts.models import Agency, Membership, Team, User
from cshub.contexts.models import PersonPlace, Place
from cshub.core import clocks
from cshub.core.vocab import (
    CaseLevel,
    HarmType,
    PlaceKind,
    RelationshipKind,
    Role,
    Sex,
    TeamFunction,
    VulnerabilityFactor,
)
from cshub.frontdoor.choices import (
    CONCERN_ORDER,
    Answer,
    Basis,
    Channel,
    ConcernLevel,
    Consent,
    ContactState,
    NrmConsideration,
    Outcome,
    SubjectRole,
)
from cshub.frontdoor.models import (
    Contact,
    ContactHarm,
    ContactPlace,
    ContactSubject,
    Decision,
    Screening,
    ScreeningAnswer,
    ScreeningFactor,
    ScreeningTool,
)
from cshub.frontdoor.routing import NRM_HARMS, ROUTES
from cshub.frontdoor.screening import RED_FLAG, Scored, suggest_level
from cshub.people.models import Allocation, Case, CaseHarm, Person, Relationship, Vulnerability

from . import generator, names
from .extensions import Extension

LONDON = clocks.LONDON
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRTUVWXYZ2346789"  # as services._new_reference: no look-alikes
NOW_LOCAL = time(10, 0)  # "now" in the demo: 10:00 today, Europe/London
CASE_CONTACT_SHARE = 0.88  # of the cases the Front Door could have routed
NO_CASE_CONTACTS_PER_CASE_CONTACT = 0.55  # contacts ending in advice/NFA or universal services
LATE_DECISIONS = 0.13  # drawn late; about 10% end up late (a case opening caps some)
TIE_COMING_TO_LIGHT = timedelta(days=60)  # a tie recorded up to this long after the contact
IMMEDIATE_DANGER = 0.03
RECENT_DAYS = 120  # "the last months" for the named referrers' own contacts
NAMED_RECENT_MINIMUM = 4
FLUSH_EVERY = 2000  # contacts built before their rows are written
ROUTED_LEVELS = {
    CaseLevel.EARLY_HELP,
    CaseLevel.CHILD_IN_NEED,
    CaseLevel.CHILD_PROTECTION,
    CaseLevel.CHILD_LOOKED_AFTER,
    CaseLevel.EXPLOITATION,
}
DEFAULT_TEAM = {  # a route's team when the case has no allocation to one yet
    TeamFunction.ASSESSMENT: "assessment",
    TeamFunction.SPECIALIST: "specialist",
    TeamFunction.EARLY_HELP: "early-help",
    TeamFunction.HSB_SERVICE: "hsb",
}

# --- what gets written ---------------------------------------------------------------------------

# The level of concern a screening comes out at, by the decision that followed it (the answers
# are drawn until the rule suggests it, or near it); the live queue is not decided yet.
NONE, LOW, MEDIUM, HIGH = CONCERN_ORDER
TARGET_LEVELS = {
    Outcome.ADVICE_NFA: ((NONE, 45), (LOW, 47), (MEDIUM, 8)),
    Outcome.UNIVERSAL: ((NONE, 25), (LOW, 55), (MEDIUM, 20)),
    Outcome.EARLY_HELP: ((LOW, 50), (MEDIUM, 42), (HIGH, 8)),
    Outcome.HSB_PATHWAY: ((LOW, 15), (MEDIUM, 55), (HIGH, 30)),
    Outcome.ASSESSMENT: ((LOW, 15), (MEDIUM, 55), (HIGH, 30)),
    Outcome.STRATEGY_DISCUSSION: ((MEDIUM, 25), (HIGH, 75)),
    Outcome.SPECIALIST: ((MEDIUM, 30), (HIGH, 70)),
    Outcome.MACE: ((MEDIUM, 10), (HIGH, 90)),
}
QUEUE_LEVELS = ((LOW, 30), (MEDIUM, 40), (HIGH, 30))
LEVEL_INTENSITY = {NONE: 0.0, LOW: 0.07, MEDIUM: 0.2, HIGH: 0.42}  # chance of a fitting "yes"
RED_FLAG_FACTOR = {NONE: 0.0, LOW: 0.0, MEDIUM: 0.5, HIGH: 1.5}
NOT_KNOWN_CHANCE = {NONE: 0.02, LOW: 0.06, MEDIUM: 0.07, HIGH: 0.07}
SCREENING_TRIES = 8
YES, NO, NOT_KNOWN = Answer.YES.value, Answer.NO.value, Answer.NOT_KNOWN.value
BASES = (
    (Basis.INFORMATION.value, 0.55),
    (Basis.INTELLIGENCE.value, 0.75),
    (Basis.DISCLOSURE.value, 1.1),
)
BASES_POLICE = (
    (Basis.INFORMATION.value, 0.25),
    (Basis.INTELLIGENCE.value, 0.8),
    (Basis.DISCLOSURE.value, 1.1),
)
HARM_INDICATORS = {
    HarmType.CCE: {
        "missing_episodes", "found_out_of_area", "late_nights", "unexplained_money",
        "multiple_phones", "debt_bondage", "older_associates", "gang_association",
        "substance_use", "drugs_found", "weapon", "absence", "exclusion", "secretive",
        "offending", "hotspot_location",
    },
    HarmType.CSE: {
        "missing_episodes", "late_nights", "unexplained_money", "older_associates",
        "controlling_relationship", "substance_use", "online_contact", "sharing_images",
        "online_grooming", "sexual_health", "self_harm", "secretive", "hotels_short_lets",
        "absence",
    },
    HarmType.MISSING: {
        "missing_episodes", "found_out_of_area", "late_nights", "secretive", "absence",
        "new_friends",
    },
    HarmType.SYV: {
        "weapon", "injuries", "aggression", "offending", "gang_association", "new_friends",
        "hotspot_location", "exclusion",
    },
    HarmType.HSB: {"sharing_images", "aggression", "online_contact", "exclusion", "secretive"},
    HarmType.MODERN_SLAVERY: {
        "found_out_of_area", "debt_bondage", "hotels_short_lets", "unexplained_money",
        "absence", "older_associates",
    },
    HarmType.RADICALISATION: {
        "online_contact", "new_friends", "secretive", "aggression", "attainment_drop",
    },
}  # fmt: skip
EVIDENCE = {
    "missing_episodes": (
        "Reported missing twice this month; came back after two nights and will not say where.",
        "Missing from school at lunchtime three times; found by staff at the bus station.",
    ),
    "found_out_of_area": (
        "Stopped by British Transport Police in another town at 1am, no reason to be there.",
        "Found by police in a city centre 20 miles away with two older males.",
    ),
    "late_nights": ("Parent says they come home after midnight most weekends.",),
    "unexplained_money": (
        "New designer trainers and a coat; says a friend bought them.",
        "Had about £300 in cash in their school bag.",
    ),
    "multiple_phones": ("Seen with two phones; one is a cheap handset that rings constantly.",),
    "debt_bondage": (
        "Told a teacher they 'owe' an older lad for a lost package and must work it off.",
    ),
    "older_associates": (
        "Picked up from school by older males in a car; police know the driver.",
        "Hangs around with 18-20 year olds at the precinct most evenings.",
    ),
    "controlling_relationship": (
        "In a relationship with a 22-year-old who checks their location and phone.",
    ),
    "new_friends": ("Dropped old friends this term; now with a new group from another school.",),
    "gang_association": (
        "Police intelligence links them to a drug line run from the town centre.",
    ),
    "substance_use": ("Smells of cannabis; says they use it most days.",),
    "drugs_found": ("Found with wraps of crack cocaine and cash at the railway station.",),
    "weapon": (
        "Found with a kitchen knife in their bag at school.",
        "Police seized a knife from them during a stop and search.",
    ),
    "absence": ("Attendance has fallen from 94% to 63% this term.",),
    "exclusion": ("Fixed-term exclusion for fighting; now on a reduced timetable.",),
    "attainment_drop": ("Teachers report a sudden drop in effort and grades since September.",),
    "injuries": ("Came to school with a black eye and cut knuckles and would not explain them.",),
    "sexual_health": ("Attended the sexual health clinic three times in two months.",),
    "self_harm": ("Disclosed cutting to the school nurse; low mood for several weeks.",),
    "online_contact": ("Messages on Snapchat from adults they have never met.",),
    "sharing_images": ("Was asked for, and sent, sexual images to an older person online.",),
    "online_grooming": ("Receives gaming credit and money from someone met online.",),
    "secretive": ("Will not say where they go or who with; deletes messages.",),
    "aggression": ("Angry outbursts at home; seems frightened when their phone rings.",),
    "offending": ("Arrested with two older youths for shoplifting to order.",),
    "hotspot_location": ("Seen repeatedly at the precinct known for drug dealing.",),
    "hotels_short_lets": ("Seen at a hotel by the motorway with adults of concern.",),
}
EVIDENCE_FALLBACK = ("Reported by the referrer; not yet corroborated.",)
WHAT_HAPPENED = {
    HarmType.CCE: (
        "Found at the railway station at 1am with cash and two phones; would not say who they "
        "were with and said they were 'just helping a mate'.",
        "Has new clothes and trainers, is missing lessons and was seen getting into a car with "
        "older males after school.",
        "Parent called: their child goes out late, comes back with money and says they owe "
        "someone. The family are frightened of the young men who come to the door.",
        "Arrested in another force area with drugs packaged for supply; released under "
        "investigation. Possible county lines.",
    ),
    HarmType.CSE: (
        "Has an older 'boyfriend' who gives gifts and alcohol; comes home late and upset.",
        "Told a friend, who told a teacher, that they were taken to a party at a flat by older "
        "men and 'things happened'.",
        "Seen getting into cars with older males near the takeaways in the town centre.",
        "Sending images to an adult met online who now threatens to share them.",
    ),
    HarmType.MISSING: (
        "Third missing episode this month; found in another town each time and will not say "
        "how they got there.",
        "Missing overnight from home; returned the next afternoon tired and with a new phone.",
        "Keeps going missing from the placement at night; staff think they go to an address "
        "in town.",
    ),
    HarmType.SYV: (
        "Involved in a group fight in the town centre that was filmed and shared online; "
        "retaliation is feared.",
        "Found with a knife at school; says they need it 'for protection'.",
        "Came to A&E with a stab wound to the leg; gave no account of how it happened.",
    ),
    HarmType.HSB: (
        "Sexualised behaviour towards younger children at school, reported by two staff.",
        "Shared an indecent image of a classmate without consent.",
        "A peer alleges they were touched sexually by them at a sleepover.",
    ),
    HarmType.MODERN_SLAVERY: (
        "Seen working long hours at a car wash on school days; an adult holds their passport.",
        "Moved between addresses by adults who are not family; not registered with a school or GP.",
    ),
    HarmType.RADICALISATION: (
        "Sharing extremist material in a group chat; a teacher overheard talk of 'doing "
        "something'.",
        "Spending long hours online with an older person who encourages hateful views.",
    ),
}
ADDED_HARM = {  # a suspected harm for a contact whose case records none (not borne out later)
    Sex.MALE: ((HarmType.MISSING, 5), (HarmType.CCE, 4), (HarmType.SYV, 2), (HarmType.HSB, 1)),
    Sex.FEMALE: ((HarmType.MISSING, 5), (HarmType.CSE, 4), (HarmType.CCE, 1), (HarmType.HSB, 1)),
}
ADDED_HARM[Sex.NOT_KNOWN] = ADDED_HARM[Sex.FEMALE]
RATIONALE = {
    Outcome.ADVICE_NFA: (
        "The school and family have already addressed the concern and screening found no "
        "indicators of harm outside the home. Advice given to the referrer on what to do if "
        "anything changes; no further action.",
        "Screening found nothing beyond ordinary teenage behaviour; parents are engaged and "
        "protective. No further action; referrer advised.",
        "One-off incident with a clear explanation, checked with the school and police. No "
        "further action.",
    ),
    Outcome.UNIVERSAL: (
        "Needs can be met by universal services: school pastoral support and the school nurse. "
        "Referrer advised to contact us again if the picture changes.",
        "Low concern: signposted to the youth service and the GP for emotional wellbeing. "
        "Family happy with that plan.",
    ),
    Outcome.EARLY_HELP: (
        "Low-level concerns with a willing family: early help assessment and a family support "
        "worker offered, and the family agreed.",
        "Emerging worries about friendships and attendance; early help to work with the child "
        "and school before things escalate.",
    ),
    Outcome.ASSESSMENT: (
        "Several indicators of exploitation and unmet needs at home: a social work assessment "
        "is needed to understand the risk.",
        "The picture is unclear and the child may be in need: assessment by the Assessment "
        "Team, seeing the child within five working days.",
    ),
    Outcome.STRATEGY_DISCUSSION: (
        "Reasonable cause to suspect significant harm from exploitation outside the home: "
        "strategy discussion convened today with police and health.",
        "Disclosure of harm and a risk of further harm: section 47 threshold met; strategy "
        "discussion held the same day.",
    ),
    Outcome.SPECIALIST: (
        "Clear indicators of exploitation with police intelligence to support them: referred "
        "to the specialist exploitation team for assessment and intervention.",
        "Screening at high concern with exploitation the main risk: specialist team to "
        "allocate and complete a BACE.",
    ),
    Outcome.HSB_PATHWAY: (
        "Concerning sexualised behaviour towards peers: referred to the HSB service for an "
        "AIM3 assessment, with a school safety plan meanwhile.",
    ),
    Outcome.MACE: (
        "High risk of exploitation linked to the same adults as other children: referred to "
        "MACE for a multi-agency disruption plan, specialist team allocated.",
        "Part of a wider pattern at a known location: MACE referral so partners can act on the "
        "place and the adults, alongside specialist team work with the child.",
    ),
}
NRM_NOT_APPROPRIATE = (
    "No indication yet of movement, control or gain by others; to be reviewed at assessment.",
    "Concerns are about risk rather than current exploitation; the receiving team will "
    "reconsider if more comes to light.",
)
NRM_REFERRAL = ("The receiving team will make the NRM referral as first responder this week.",)
NRM_ALREADY = ("Police made an NRM referral last month; reasonable grounds decision awaited.",)
IMMEDIATE_DANGER_NOTE = (
    "Police attended and the child is now safe at home with a parent; the receiving team will "
    "see them tomorrow, so no strategy discussion is needed tonight.",
    "The danger passed before the decision: the child was found and returned home by police, "
    "and a safety plan is in place with the family.",
)
CONSENT_NOT_SOUGHT = (
    "Seeking consent could alert the adults exploiting the child and increase the risk.",
    "Parent is thought to be involved; asking for consent could put the child at risk.",
)
CONSENT_OVERRIDDEN = (
    "Parent refused, but the risk of significant harm outweighs the refusal (Children Act "
    "1989, s.47).",
    "Young person refused; shared without consent because of the risk of serious harm.",
)
CHILD_VOICE = (
    "Says they are fine and the older lads 'look out for them'. Wants to be left alone.",
    "Told the worker they are scared of someone they owe money to and want to move schools.",
    "Said they go out because home is boring and loud; would like to get back into football.",
    "Agreed that the 'boyfriend' is older, but says he is the only one who listens to them.",
    "Quiet on the phone; said school is 'a joke' and they feel nobody notices them.",
)
CHILD_VOICE_MISSING = (
    "Child declined to speak to the worker.",
    "Child was missing when the screening was done; views taken from the referrer.",
    "Not seen within the decision timescale; the receiving team will gather their views.",
)
PARENT_VIEW = (
    "Mum is worried about late nights and new things she did not buy; wants help.",
    "Dad thinks it is a phase but agrees the new friends are older; will work with services.",
    "Carer says they have lost control and asks for support and clear advice from police.",
    "Parent is frightened of the group who come to the house and asks about a move.",
)
PARENT_VIEW_MISSING = (
    "Parent did not answer calls on three attempts.",
    "Not sought: speaking to the parent could increase the risk to the child.",
    "Parent declined to talk to the Front Door.",
)
DIFFERENCE_UP = (
    "Professional judgement: the referrer's account and the child's age put the risk higher "
    "than the indicators alone.",
    "Intelligence shared by police after the screening raises the concern.",
)
DIFFERENCE_DOWN = (
    "Known to the specialist team with a safety plan that is working; the indicators are old.",
    "Several 'yes' answers describe the same incident, which has been dealt with.",
)
VOLUNTARY_ORGS = (
    ("Dearne Valley Youth Project", "dvyp.org.example"),
    ("Kestrel Mentoring Trust", "kestrelmentoring.org.example"),
    ("Northway Young People's Service", "northway.org.example"),
    ("Open Door Youth Café", "opendoorcafe.org.example"),
)
VOLUNTARY_ROLES = ("Youth worker", "Mentor", "Project manager", "Detached youth worker")
PUBLIC_ROLES = (
    "Member of the public",
    "Neighbour",
    "Grandparent",
    "Family friend",
    "Shopkeeper near the precinct",
)
HEALTH_PHONE_ROLES = (
    "GP",
    "Emergency department nurse",
    "Sexual health nurse",
    "CAMHS practitioner",
    "Midwife",
)
DRAFT_TEXT = (
    "Pastoral lead noticed a change in friendships and a new phone this week; I am still "
    "gathering what the form tutor saw",
    "Student disclosed to a teaching assistant that an older",
    "",
)
REFERRER_WEIGHTS = {
    "police": 30,
    "school": 24,
    "health": 12,
    "csc": 10,
    "voluntary": 8,
    "public": 16,
}
HARM_REFERRERS = {  # which referrers a harm makes more likely
    HarmType.CCE: {"police": 1.6},
    HarmType.SYV: {"police": 1.6, "health": 1.3},
    HarmType.MISSING: {"police": 1.8},
    HarmType.CSE: {"health": 1.7, "school": 1.2},
    HarmType.HSB: {"school": 2.2},
    HarmType.RADICALISATION: {"school": 1.8, "police": 1.2},
    HarmType.MODERN_SLAVERY: {"police": 1.5, "voluntary": 1.5},
}


# --- helpers -------------------------------------------------------------------------------------


def _local(day: date, hour: int, minute: int = 0) -> datetime:
    """`hour:minute` on `day` in Europe/London, as an aware UTC datetime."""
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON).astimezone(UTC)


def _previous_working_day(day: date) -> date:
    day -= timedelta(days=1)
    while not clocks.is_working_day(day):
        day -= timedelta(days=1)
    return day


def _working_moment(rng, after: datetime, before: datetime) -> datetime:
    """A minute between `after` and `before`, in working hours when the span allows."""
    minutes = int((before - after).total_seconds() // 60)
    if minutes <= 2:
        return after + timedelta(minutes=1)
    moment = after
    for _ in range(12):
        moment = after + timedelta(minutes=rng.randint(1, minutes - 1))
        local = moment.astimezone(LONDON)
        if 8 <= local.hour < 19 and clocks.is_working_day(local.date()):
            break
    return moment


def _weighted(rng, pairs):
    items, weights = zip(*pairs, strict=True)
    return rng.choices(items, weights)[0]


def _bare(model, **values):
    """An instance made without `Model.__init__`, which costs more than the rest of building a
    row (a million screening answers at --scale 100). `values` must name every concrete field
    but an integer key; the instance then serves `bulk_insert` and `bulk_create` alike."""
    obj = model.__new__(model)
    obj.__dict__.update(values, id=None, _state=ModelState())
    return obj


def _subject(contact_id, person_id, role: str):
    return _bare(
        ContactSubject, contact_id=contact_id, person_id=person_id, role=role, created_new=False
    )


def _age(born: date | None, on: date) -> int | None:
    if born is None:
        return None
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


@dataclass
class _Plan:
    """A contact to write."""

    child: object  # person id
    day: date  # received (local)
    state: str
    harms: list
    outcome: str = ""
    receiving_team: int | None = None
    opened_on: date | None = None  # a case opened from it: decided by then
    referrer: str = ""  # force this referrer kind ("school", "police")
    raised_by: str = ""  # ...and this demo user
    immediate_danger: bool | None = None
    received_at: datetime | None = None  # the live queue sets its own times
    screened: bool = True


@dataclass
class _Rows:
    contacts: list = field(default_factory=list)
    harms: list = field(default_factory=list)
    subjects: list = field(default_factory=list)
    places: list = field(default_factory=list)
    screenings: list = field(default_factory=list)
    answers: list = field(default_factory=list)
    factors: list = field(default_factory=list)
    decisions: list = field(default_factory=list)

    def write(self) -> None:
        for model, rows in (
            (Contact, self.contacts),
            (ContactHarm, self.harms),
            (ContactSubject, self.subjects),
            (ContactPlace, self.places),
            (Screening, self.screenings),
            (ScreeningAnswer, self.answers),
            (ScreeningFactor, self.factors),
            (Decision, self.decisions),
        ):
            generator.bulk_insert(model, rows)
            rows.clear()


# --- the extension -------------------------------------------------------------------------------


class _FrontDoor:
    def __init__(self, borough, tool: ScreeningTool):
        self.rng = borough.stream("frontdoor")
        self.scale = borough.scale
        self.today = borough.today
        self.start = borough.start
        self.now = _local(self.today, NOW_LOCAL.hour, NOW_LOCAL.minute)
        self.tool = tool
        self.indicators = list(
            tool.indicators.order_by("order", "code").values_list("id", "code", "weight")
        )
        self.references: set[str] = set()
        self.rows = _Rows()
        self.built = 0

    # --- reading the borough ---------------------------------------------------------------------

    def load(self) -> bool:
        teams = {
            code: (tid, agency, function, name)
            for code, tid, agency, function, name in Team.objects.order_by("code").values_list(
                "code", "id", "agency_id", "function", "name"
            )
        }
        if {"ifd", *DEFAULT_TEAM.values()} - set(teams):
            return False  # not the demo borough's organisation
        self.teams = teams
        self.team_code = {tid: code for code, (tid, *_rest) in teams.items()}
        self.team_function = {tid: function for _c, (tid, _a, function, _n) in teams.items()}
        self.agency = dict(Agency.objects.values_list("code", "id"))
        self.users = {
            username: (uid, f"{first} {last}".strip(), title, email)
            for uid, username, first, last, title, email in User.objects.order_by(
                "username"
            ).values_list("id", "username", "first_name", "last_name", "job_title", "email")
        }
        self.team_of: dict[str, str] = {}  # username -> team code (current membership)
        members: dict[str, list[str]] = defaultdict(list)  # team code -> practitioner usernames
        for username, code, role in (
            Membership.objects.filter(ended_on__isnull=True)
            .order_by("user__username", "team__code", "role")
            .values_list("user__username", "team__code", "role")
        ):
            self.team_of.setdefault(username, code)
            if role in (Role.PRACTITIONER, Role.INTELLIGENCE_OFFICER):
                members[code].append(username)
        if not members["ifd"] or "ifd.manager" not in self.users:
            return False
        self.members = members
        weight = {"ifd.worker": 3, "police.officer": 2, "health.worker": 2}
        self.ifd_workers = (members["ifd"], [weight.get(u, 1) for u in members["ifd"]])
        police = sorted(set(members["police-exploitation"]))
        self.police_users = (police, [weight.get(u, 1) for u in police])
        health = members.get("health-safeguarding", [])
        self.health_users = (health, [weight.get(u, 1) for u in health])
        self.csc_users = members.get("cypf", []) + members.get("assessment", [])
        # Schools: the place each school team stands for, and its designated safeguarding lead.
        school_teams = {
            name: code
            for code, (_tid, _agency, function, name) in teams.items()
            if function == TeamFunction.SCHOOL
        }
        self.school_team = {
            pid: school_teams[name]
            for pid, name in Place.objects.filter(kind=PlaceKind.SCHOOL)
            .order_by("id")
            .values_list("id", "name")
            if name in school_teams
        }
        self.dsl_school = self.team_of.get("school.dsl")

        self.people = {
            pid: (born, school, sex)
            for pid, born, school, sex in Person.objects.order_by("id").values_list(
                "id", "date_of_birth", "school_id", "sex"
            )
        }
        self.cases = list(
            Case.objects.order_by("id").values_list(
                "id", "person_id", "level", "opened_on", "closed_on"
            )
        )
        self.case_harms: dict = defaultdict(list)
        for case_id, harm in CaseHarm.objects.order_by("case_id", "harm_type").values_list(
            "case_id", "harm_type"
        ):
            self.case_harms[case_id].append(harm)
        self.allocations: dict = defaultdict(list)
        for row in Allocation.objects.order_by(
            "case_id", "started_on", "role", "team__code"
        ).values_list("case_id", "team_id", "role", "started_on"):
            self.allocations[row[0]].append(row[1:])
        self.latest_harms = {}  # person -> the harms of their latest case that has any
        for case_id, person, _level, _opened, _closed in sorted(
            self.cases, key=lambda c: (c[3], c[0].int)
        ):
            if self.case_harms.get(case_id):
                self.latest_harms[person] = self.case_harms[case_id]
        self.case_periods: dict = defaultdict(list)  # person -> [(opened, closed or None)]
        for _cid, person, _level, opened, closed in self.cases:
            self.case_periods[person].append((opened, closed))
        self.ties: dict = defaultdict(list)  # person -> [(role, other, started, ended)]
        no_case_peers = set()
        excluded = set()
        for person, other, kind, detail, started, ended in Relationship.objects.order_by(
            "person_id", "other_id", "kind", "detail"
        ).values_list("person_id", "other_id", "kind", "detail", "started_on", "ended_on"):
            if kind in (RelationshipKind.PEER, RelationshipKind.INTIMATE_PARTNER):
                self.ties[person].append((SubjectRole.PEER, other, started, ended))
                self.ties[other].append((SubjectRole.PEER, person, started, ended))
                no_case_peers.update((person, other))
            elif kind == RelationshipKind.ADULT_OF_CONCERN:
                self.ties[person].append((SubjectRole.ADULT_OF_CONCERN, other, started, ended))
                excluded.add(other)
            elif kind == RelationshipKind.FAMILY and detail in ("mother", "father", "carer"):
                self.ties[person].append((SubjectRole.PARENT_CARER, other, started, ended))
                excluded.add(other)
            else:
                excluded.update((person, other))
        # Children new to services: peers known only through a known child, with no case.
        self.new_to_services = sorted(
            (p for p in no_case_peers - excluded if p not in self.case_periods),
            key=lambda p: p.int,
        )
        self.known_children = sorted(self.case_periods, key=lambda p: p.int)
        self.place_links: dict = defaultdict(list)
        for person, place, first in PersonPlace.objects.order_by(
            "person_id", "place_id", "kind", "first_seen"
        ).values_list("person_id", "place_id", "first_seen"):
            self.place_links[person].append((place, first))
        self.vulnerabilities: dict = defaultdict(list)
        for person, factor, identified, ended in Vulnerability.objects.order_by(
            "person_id", "factor", "identified_on"
        ).values_list("person_id", "factor", "identified_on", "ended_on"):
            self.vulnerabilities[person].append((factor, identified, ended))
        return True

    # --- planning --------------------------------------------------------------------------------

    def _is_child_on(self, person, day: date) -> bool:
        age = _age(self.people[person][0], day)
        return age is None or 8 <= age <= 17

    def _receiving_team(self, case_id, outcome: str) -> int:
        function = ROUTES[outcome][0]
        for team_id, _role, _started in self.allocations[case_id]:
            if self.team_function.get(team_id) == function:
                return team_id
        return self.teams[DEFAULT_TEAM[function]][0]

    def _case_outcome(self, case_id, level: str, harms: list) -> str:
        rng = self.rng
        teams = {self.team_code.get(t) for t, _role, _s in self.allocations[case_id]}
        hsb_levels = (CaseLevel.EARLY_HELP, CaseLevel.CHILD_IN_NEED)
        if HarmType.HSB in harms and "hsb" in teams and level in hsb_levels and rng.chance(0.8):
            return Outcome.HSB_PATHWAY
        if level == CaseLevel.EXPLOITATION:
            return Outcome.MACE if rng.chance(0.3) else Outcome.SPECIALIST
        if level == CaseLevel.EARLY_HELP:
            return Outcome.EARLY_HELP
        strategy = {
            CaseLevel.CHILD_IN_NEED: 0.15,
            CaseLevel.CHILD_PROTECTION: 0.65,
            CaseLevel.CHILD_LOOKED_AFTER: 0.5,
        }[level]
        return Outcome.STRATEGY_DISCUSSION if rng.chance(strategy) else Outcome.ASSESSMENT

    def _suspected(self, person, harms: list) -> list:
        if harms:
            return list(harms)
        sex = self.people[person][2]
        return [_weighted(self.rng, ADDED_HARM.get(sex, ADDED_HARM[Sex.FEMALE]))]

    def plan_history(self) -> list[_Plan]:
        rng = self.rng
        plans: list[_Plan] = []
        for case_id, person, level, opened, _closed in self.cases:
            if level not in ROUTED_LEVELS or not rng.chance(CASE_CONTACT_SHARE):
                continue
            day = opened - timedelta(days=rng.randint(1, 5))
            if day > self.today - timedelta(days=1) or not self._is_child_on(person, day):
                continue
            harms = self.case_harms.get(case_id, [])
            outcome = self._case_outcome(case_id, level, harms)
            plans.append(
                _Plan(
                    child=person,
                    day=day,
                    state=ContactState.DECIDED,
                    harms=self._suspected(person, harms),
                    outcome=outcome,
                    receiving_team=self._receiving_team(case_id, outcome),
                    opened_on=opened,
                )
            )
        for _ in range(round(len(plans) * NO_CASE_CONTACTS_PER_CASE_CONTACT)):
            plan = self._no_case_plan(self.start, self.today - timedelta(days=1), new_share=0.4)
            if plan:
                plans.append(plan)
        return plans

    def _outside_cases(self, person, day: date) -> bool:
        """Not within a case of theirs (nor a month either side): a contact then opens none."""
        margin = timedelta(days=30)
        return all(
            not (opened - margin <= day <= (closed or self.today) + margin)
            for opened, closed in self.case_periods.get(person, ())
        )

    def _no_case_plan(self, first: date, last: date, *, new_share: float) -> _Plan | None:
        rng = self.rng
        for _ in range(10):
            pool = (
                self.new_to_services
                if self.new_to_services and rng.chance(new_share)
                else self.known_children
            )
            if not pool:
                return None
            person = rng.choice(pool)
            day = rng.day_between(first, last)
            if self._is_child_on(person, day) and self._outside_cases(person, day):
                sex = self.people[person][2]
                harms = [_weighted(rng, ADDED_HARM.get(sex, ADDED_HARM[Sex.FEMALE]))]
                return _Plan(
                    child=person,
                    day=day,
                    state=ContactState.DECIDED,
                    harms=harms,
                    outcome=Outcome.ADVICE_NFA if rng.chance(0.62) else Outcome.UNIVERSAL,
                )
        return None

    def assign_named_referrers(self, plans: list[_Plan]) -> list[_Plan]:
        """`school.dsl` and `police.officer` get recent decided contacts of their own: some of the
        recent contacts about the school's pupils (police: any child) become theirs, topped up
        with contacts that ended in advice or universal services."""
        rng = self.rng
        recent_from = self.today - timedelta(days=RECENT_DAYS)
        recent = [p for p in plans if p.day >= recent_from]
        extra: list[_Plan] = []
        school_place = next(
            (pid for pid, code in self.school_team.items() if code == self.dsl_school), None
        )
        for username, kind in (("school.dsl", "school"), ("police.officer", "police")):
            if username not in self.users or (kind == "school" and school_place is None):
                continue
            if kind == "school":
                mine = [p for p in recent if self.people[p.child][1] == school_place]
            else:
                mine = [p for p in recent if not p.referrer]
            mine = mine[: NAMED_RECENT_MINIMUM + 1]
            for plan in mine:
                plan.referrer, plan.raised_by = kind, username
            pupils = [
                p
                for p in self.known_children + self.new_to_services
                if kind != "school" or self.people[p][1] == school_place
            ]
            for _ in range(60):
                if len(mine) >= NAMED_RECENT_MINIMUM or not pupils:
                    break
                person = rng.choice(pupils)
                day = self.today - timedelta(days=rng.randint(2, 90))
                if not (self._is_child_on(person, day) and self._outside_cases(person, day)):
                    continue
                sex = self.people[person][2]
                plan = _Plan(
                    child=person,
                    day=day,
                    state=ContactState.DECIDED,
                    harms=[_weighted(rng, ADDED_HARM.get(sex, ADDED_HARM[Sex.FEMALE]))],
                    outcome=Outcome.ADVICE_NFA if rng.chance(0.5) else Outcome.UNIVERSAL,
                    referrer=kind,
                    raised_by=username,
                )
                mine.append(plan)
                extra.append(plan)
        return plans + extra

    def plan_queue(self) -> list[_Plan]:
        """Contacts in triage now: received over the last working days, a few overdue."""
        rng = self.rng
        count = max(6, round(rng.randint(8, 15) * self.scale))
        overdue = max(2, round(count * rng.uniform(0.15, 0.25)))
        danger = max(1, round(count * 0.08))
        day1 = _previous_working_day(self.today)
        day2 = _previous_working_day(day1)
        day3 = _previous_working_day(day2)
        today_working = clocks.is_working_day(self.today)
        plans, taken = [], set()
        for i in range(count):
            if i < overdue:  # received two or three working days ago: due before now
                day = day2 if rng.chance(0.7) else day3
                received = _local(day, rng.randint(9, 16), rng.randint(0, 59))
            elif today_working and rng.chance(0.35):  # this morning, before 10:00
                day = self.today
                received = _local(day, rng.randint(7, 9), rng.randint(0, 40))
            else:  # the last working day, from 11:00: due after now
                day = day1
                received = _local(day, rng.randint(11, 17), rng.randint(0, 59))
                if not today_working:
                    received = _local(day, rng.randint(9, 17), rng.randint(0, 59))
            new = self.new_to_services and rng.chance(0.45)
            pool = self.new_to_services if new else self.known_children
            person = rng.choice(pool)
            for _ in range(10):
                if self._is_child_on(person, day) and person not in taken:
                    break
                person = rng.choice(pool)
            taken.add(person)
            harms = self.case_harms_for(person)
            plans.append(
                _Plan(
                    child=person,
                    day=day,
                    state=ContactState.IN_TRIAGE,
                    harms=harms,
                    immediate_danger=overdue <= i < overdue + danger,
                    received_at=received,
                    screened=rng.chance(0.35) or i == 0,
                )
            )
        return plans

    def case_harms_for(self, person) -> list:
        """A known child's harms as their latest case records them, else one suspected."""
        return self._suspected(person, self.latest_harms.get(person, [])[:2])

    # --- building --------------------------------------------------------------------------------

    def _reference(self) -> str:
        while True:
            ref = "CT-" + "".join(self.rng.choice(REFERENCE_ALPHABET) for _ in range(7))
            if ref not in self.references:
                self.references.add(ref)
                return ref

    def _user(self, username: str) -> dict:
        uid, name, title, email = self.users[username]
        team = self.team_of.get(username)
        return {
            "raised_by_id": uid,
            "referrer_name": name,
            "referrer_role": title,
            "referrer_contact_details": email,
            "referrer_team_id": self.teams[team][0] if team else None,
            "referrer_agency_id": self.teams[team][1] if team else None,
        }

    def _person_name(self) -> str:
        rng = self.rng
        pool = names.BRITISH
        first = rng.choice(pool["women"] if rng.chance(0.6) else pool["men"])
        return f"{first} {rng.choice(pool['surnames'])}"

    def _phone(self) -> str:
        return f"07700 900{self.rng.randint(0, 999):03d}"  # Ofcom's range for drama

    def _logger(self) -> int:
        usernames, weights = self.ifd_workers
        return self.users[self.rng.choices(usernames, weights)[0]][0]

    def _referrer(self, plan: _Plan) -> dict:
        """Who told the Front Door, how, and who typed it into cshub."""
        rng = self.rng
        child_school = self.school_team.get(self.people[plan.child][1])
        kind = plan.referrer
        if not kind:
            weights = dict(REFERRER_WEIGHTS)
            for harm in plan.harms:
                for agency, factor in HARM_REFERRERS.get(harm, {}).items():
                    weights[agency] *= factor
            if not child_school:
                weights["school"] = 0
            if not self.police_users[0]:
                weights["police"] = 0
            if not self.health_users[0]:
                weights["health"] *= 0.3  # phone calls only
            kind = _weighted(rng, sorted(weights.items()))
        if kind == "police":
            username = plan.raised_by or rng.choices(*self.police_users)[0]
            return {**self._user(username), "channel": Channel.POLICE_NOTIFICATION}
        if kind == "school":
            school = child_school or self.dsl_school
            dsls = self.members.get(school, [])
            username = plan.raised_by or (dsls[0] if dsls else "")
            if username and (plan.raised_by or rng.chance(0.75)):
                return {**self._user(username), "channel": Channel.PARTNER_PORTAL}
            fields = (
                self._user(username)
                if username
                else {
                    "referrer_name": self._person_name(),
                    "referrer_role": "Designated safeguarding lead",
                    "referrer_team_id": self.teams[school][0] if school else None,
                    "referrer_agency_id": self.agency.get("education"),
                }
            )
            return {
                **fields,
                "referrer_contact_details": self._phone(),
                "raised_by_id": self._logger(),
                "channel": Channel.PHONE,
            }
        if kind == "health":
            if self.health_users[0] and rng.chance(0.65):
                username = rng.choices(*self.health_users)[0]
                return {**self._user(username), "channel": Channel.PARTNER_PORTAL}
            return {
                "raised_by_id": self._logger(),
                "referrer_name": self._person_name(),
                "referrer_role": rng.choice(HEALTH_PHONE_ROLES),
                "referrer_contact_details": self._phone(),
                "referrer_agency_id": self.agency.get("health"),
                "referrer_team_id": None,
                "channel": Channel.PHONE,
            }
        if kind == "csc":
            if self.csc_users and rng.chance(0.5):
                return {**self._user(rng.choice(self.csc_users)), "channel": Channel.PARTNER_PORTAL}
            return {
                "raised_by_id": self._logger(),
                "referrer_name": self._person_name(),
                "referrer_role": "Emergency Duty Team social worker",
                "referrer_contact_details": "01632 960999",
                "referrer_agency_id": self.agency.get("csc"),
                "referrer_team_id": None,
                "channel": Channel.PHONE,
            }
        if kind == "voluntary":
            org, domain = rng.choice(VOLUNTARY_ORGS)
            name = self._person_name()
            email = rng.chance(0.55)
            return {
                "raised_by_id": self._logger(),
                "referrer_name": name,
                "referrer_role": f"{rng.choice(VOLUNTARY_ROLES)}, {org}",
                "referrer_contact_details": (
                    f"{name.lower().replace(' ', '.')}@{domain}" if email else self._phone()
                ),
                "referrer_agency_id": None,
                "referrer_team_id": None,
                "channel": Channel.EMAIL if email else Channel.PHONE,
            }
        anonymous = rng.chance(0.3)
        email = not anonymous and rng.chance(0.2)
        name = self._person_name()
        return {
            "raised_by_id": self._logger(),
            "referrer_name": "Anonymous caller" if anonymous else name,
            "referrer_role": "Member of the public" if anonymous else rng.choice(PUBLIC_ROLES),
            "referrer_contact_details": (
                ""
                if anonymous
                else f"{name.lower().replace(' ', '.')}@mail.example"
                if email
                else self._phone()
            ),
            "referrer_agency_id": None,
            "referrer_team_id": None,
            "channel": Channel.EMAIL if email else Channel.PHONE,
        }

    def _received(self, plan: _Plan, channel: str) -> datetime:
        rng = self.rng
        day = plan.day
        if channel == Channel.POLICE_NOTIFICATION:
            hour = rng.randint(0, 23) if rng.chance(0.35) else rng.randint(8, 18)
            return _local(day, hour, rng.randint(0, 59))
        if not clocks.is_working_day(day):
            day = _previous_working_day(day)
        return _local(day, rng.randint(8, 17), rng.randint(0, 59))

    def _decided_at(self, plan: _Plan, submitted: datetime, due: datetime) -> datetime:
        rng = self.rng
        if rng.chance(LATE_DECISIONS):
            decided = _working_moment(rng, due + timedelta(minutes=15), due + timedelta(hours=40))
        else:
            decided = _working_moment(rng, submitted + timedelta(minutes=20), due)
        cap = self.now - timedelta(minutes=15)
        if plan.opened_on is not None:  # the case opened on the day of the decision, at latest
            cap = min(cap, _local(plan.opened_on, 17, rng.randint(0, 59)))
        decided = min(decided, cap)
        if decided <= submitted + timedelta(minutes=10):
            decided = submitted + timedelta(minutes=rng.randint(20, 90))
        return decided

    def build(self, plan: _Plan) -> None:
        rng = self.rng
        referrer = self._referrer(plan)
        channel = referrer.pop("channel")
        if plan.received_at is not None:
            received = plan.received_at
        else:
            received = self._received(plan, channel)
        if channel in (Channel.PARTNER_PORTAL, Channel.POLICE_NOTIFICATION):
            submitted = received  # raised in cshub: received as it is submitted
        else:
            submitted = received + timedelta(minutes=rng.randint(5, 75))
        if plan.state == ContactState.IN_TRIAGE:
            submitted = min(submitted, self.now - timedelta(minutes=5))
        due = clocks.front_door_decision_due(received).astimezone(UTC)
        danger = plan.immediate_danger
        if danger is None:
            danger = rng.chance(IMMEDIATE_DANGER)
        consent_roll = rng.random()
        consent, consent_reason = Consent.GIVEN, ""
        if consent_roll < 0.12:
            consent, consent_reason = Consent.NOT_SOUGHT, rng.choice(CONSENT_NOT_SOUGHT)
        elif consent_roll < 0.2:
            consent, consent_reason = Consent.OVERRIDDEN, rng.choice(CONSENT_OVERRIDDEN)
        harm = rng.choice(plan.harms)
        contact = Contact(
            id=rng.uuid(),
            reference=self._reference(),
            state=plan.state,
            version=rng.randint(2, 6),
            received_at=received,
            channel=channel,
            what_happened=rng.choice(WHAT_HAPPENED[harm]),
            immediate_danger=danger,
            consent=consent,
            consent_reason=consent_reason,
            submitted_at=submitted,
            decision_due_at=due,
            **referrer,
        )
        rows = self.rows
        rows.contacts.append(contact)
        for h in sorted(set(plan.harms)):
            rows.harms.append(_bare(ContactHarm, contact_id=contact.id, harm_type=h))
        rows.subjects.append(_subject(contact.id, plan.child, SubjectRole.CHILD))
        self._others(contact, plan)

        decided = None
        if plan.state == ContactState.DECIDED:
            decided = self._decided_at(plan, submitted, due)
            contact.version += 2
        if plan.screened:
            until = decided or self.now - timedelta(minutes=5)
            span = max(2, int((until - submitted).total_seconds() // 60))
            completed = submitted + timedelta(minutes=rng.randint(max(1, span * 3 // 10), span - 1))
            self._screen(contact, plan, completed)
        if decided is not None:
            self._decide(contact, plan, decided)
        self.built += 1
        if self.built % FLUSH_EVERY == 0:
            rows.write()

    def _others(self, contact: Contact, plan: _Plan) -> None:
        """Sometimes a peer, an adult of concern or a parent already linked to the child, and a
        place they are linked to."""
        rng = self.rng
        day = plan.day
        chances = {
            SubjectRole.PEER: 0.3,
            SubjectRole.ADULT_OF_CONCERN: 0.4 if set(plan.harms) & NRM_HARMS else 0.12,
            SubjectRole.PARENT_CARER: 0.35,
        }
        seen = {plan.child}
        for role, chance in chances.items():
            tied = [
                other
                for r, other, started, ended in self.ties.get(plan.child, ())
                if r == role
                and other not in seen
                and (started is None or started <= day + TIE_COMING_TO_LIGHT)
                and (ended is None or ended >= day)
            ]
            if tied and rng.chance(chance):
                other = rng.choice(tied)
                seen.add(other)
                self.rows.subjects.append(_subject(contact.id, other, role))
        places = [place for place, first in self.place_links.get(plan.child, ()) if first <= day]
        if places and rng.chance(0.4):
            chosen = set(rng.sample(places, min(len(places), rng.choice((1, 1, 2)))))
            for place in sorted(chosen, key=lambda p: p.int):
                self.rows.places.append(_bare(ContactPlace, contact_id=contact.id, place_id=place))

    def _answers(self, relevant: set, target: str, intensity: float, police: bool) -> list:
        """One draw of answers to every indicator: (indicator id, weight, answer, basis,
        evidence). Yes leans to the indicators that fit the suspected harms."""
        rng = self.rng
        red_flags = RED_FLAG_FACTOR[target]
        not_known = NOT_KNOWN_CHANCE[target]
        bases = BASES_POLICE if police else BASES
        drawn = []
        for indicator_id, code, weight in self.indicators:
            fits = code in relevant
            p_yes = intensity if fits else intensity * 0.12
            if weight >= RED_FLAG:
                p_yes *= red_flags
            p_not_known = not_known * (2 if fits else 1)
            roll = rng.random()
            if roll < p_yes:
                basis_roll = rng.random()
                basis = next(b for b, upto in bases if basis_roll < upto)
                evidence = rng.choice(EVIDENCE.get(code, EVIDENCE_FALLBACK))
                drawn.append((indicator_id, weight, YES, basis, evidence))
            elif roll < p_yes + p_not_known:
                drawn.append((indicator_id, weight, NOT_KNOWN, "", ""))
            else:
                drawn.append((indicator_id, weight, NO, "", ""))
        return drawn

    def _screen(self, contact: Contact, plan: _Plan, completed: datetime) -> None:
        """Answers drawn until the rule's suggestion is near the level the outcome implies (the
        suggestion is always the rule's, computed from the answers kept)."""
        rng = self.rng
        target = _weighted(rng, TARGET_LEVELS.get(plan.outcome, QUEUE_LEVELS))
        rank = CONCERN_ORDER.index(target)
        intensity = LEVEL_INTENSITY[target]
        relevant = set().union(*(HARM_INDICATORS.get(h, set()) for h in plan.harms))
        police = contact.channel == Channel.POLICE_NOTIFICATION
        best = None
        for _ in range(1 if contact.immediate_danger else SCREENING_TRIES):
            drawn = self._answers(relevant, target, intensity, police)
            level = suggest_level(
                (Scored(weight, answer, basis) for _i, weight, answer, basis, _e in drawn),
                immediate_danger=contact.immediate_danger,
            ).level
            distance = CONCERN_ORDER.index(level) - rank
            if best is None or abs(distance) < abs(best[0]):
                best = (distance, drawn, level)
            if distance == 0:
                break
            intensity = intensity * 0.7 if distance > 0 else max(0.05, intensity * 1.4)
        _distance, drawn, suggested = best
        screening = Screening(
            id=rng.uuid(),
            contact_id=contact.id,
            person_id=plan.child,
            tool_id=self.tool.id,
            completed_by_id=self._logger(),
            completed_at=completed,
        )
        self.rows.answers.extend(
            _bare(
                ScreeningAnswer,
                screening_id=screening.id,
                indicator_id=indicator_id,
                answer=answer,
                basis=basis,
                evidence=evidence,
            )
            for indicator_id, _weight, answer, basis, evidence in drawn
        )
        final, reason = suggested, ""
        if not contact.immediate_danger and rng.chance(0.14):
            rank = CONCERN_ORDER.index(suggested)
            step = 1 if rank == 0 or (rank < len(CONCERN_ORDER) - 1 and rng.chance(0.5)) else -1
            final = CONCERN_ORDER[rank + step]
            reason = rng.choice(DIFFERENCE_UP if step > 0 else DIFFERENCE_DOWN)
        screening.suggested_level = ConcernLevel(suggested).value
        screening.final_level = ConcernLevel(final).value
        screening.difference_reason = reason
        if rng.chance(0.75):
            screening.child_voice = rng.choice(CHILD_VOICE)
        else:
            screening.child_voice_missing_reason = rng.choice(CHILD_VOICE_MISSING)
        if contact.consent == Consent.NOT_SOUGHT and rng.chance(0.7):
            screening.parent_view_missing_reason = PARENT_VIEW_MISSING[1]
        elif rng.chance(0.72):
            screening.parent_view = rng.choice(PARENT_VIEW)
        else:
            screening.parent_view_missing_reason = rng.choice(PARENT_VIEW_MISSING)
        self.rows.screenings.append(screening)
        day = plan.day
        factors = {
            factor
            for factor, identified, ended in self.vulnerabilities.get(plan.child, ())
            if identified <= day and (ended is None or ended >= day) and rng.chance(0.7)
        }
        if not self.vulnerabilities.get(plan.child) and rng.chance(0.35):
            factors.add(rng.choice(VulnerabilityFactor.values))
        for factor in sorted(factors):
            self.rows.factors.append(
                _bare(ScreeningFactor, screening_id=screening.id, factor=factor)
            )

    def _decide(self, contact: Contact, plan: _Plan, decided: datetime) -> None:
        rng = self.rng
        outcome = plan.outcome
        nrm, nrm_note = "", ""
        harms = set(plan.harms)
        if harms & NRM_HARMS:
            serious = outcome in (
                Outcome.STRATEGY_DISCUSSION,
                Outcome.SPECIALIST,
                Outcome.MACE,
                Outcome.ASSESSMENT,
            )
            if HarmType.MODERN_SLAVERY in harms and rng.chance(0.5):
                nrm = NrmConsideration.ALREADY_REFERRED
            elif serious and rng.chance(0.45):
                nrm = NrmConsideration.REFERRAL_TO_FOLLOW
            elif rng.chance(0.1):
                nrm = NrmConsideration.ALREADY_REFERRED
            else:
                nrm = NrmConsideration.NOT_APPROPRIATE
            nrm_note = rng.choice(
                {
                    NrmConsideration.ALREADY_REFERRED: NRM_ALREADY,
                    NrmConsideration.REFERRAL_TO_FOLLOW: NRM_REFERRAL,
                    NrmConsideration.NOT_APPROPRIATE: NRM_NOT_APPROPRIATE,
                }[nrm]
            )
        danger_note = ""
        if contact.immediate_danger and outcome != Outcome.STRATEGY_DISCUSSION:
            danger_note = rng.choice(IMMEDIATE_DANGER_NOTE)
        decider = self.users["ifd.manager"][0] if rng.chance(0.4) else self._logger()
        self.rows.decisions.append(
            Decision(
                id=rng.uuid(),
                contact_id=contact.id,
                outcome=outcome,
                rationale=rng.choice(RATIONALE[outcome]),
                decided_by_id=decider,
                decided_at=decided,
                receiving_team_id=plan.receiving_team,
                nrm_consideration=nrm,
                nrm_note=nrm_note,
                immediate_danger_note=danger_note,
                outcome_sent_at=decided + timedelta(minutes=1),
            )
        )

    def drafts(self) -> None:
        """Two or three drafts `school.dsl` has started and not yet submitted."""
        rng = self.rng
        if "school.dsl" not in self.users:
            return
        school_place = next(
            (pid for pid, code in self.school_team.items() if code == self.dsl_school), None
        )
        pupils = [
            p
            for p in self.known_children + self.new_to_services
            if self.people[p][1] == school_place and self._is_child_on(p, self.today)
        ] or [p for p in self.known_children if self._is_child_on(p, self.today)]
        for n in range(rng.randint(2, 3)):
            contact = Contact(
                id=rng.uuid(),
                reference=self._reference(),
                state=ContactState.DRAFT,
                version=rng.randint(1, 4),
                channel=Channel.PARTNER_PORTAL,
                what_happened=DRAFT_TEXT[n],
                **self._user("school.dsl"),
            )
            self.rows.contacts.append(contact)
            if n < 2 and pupils:
                child = rng.choice(pupils)
                self.rows.subjects.append(_subject(contact.id, child, SubjectRole.CHILD))
            if n == 0:
                contact.consent = Consent.GIVEN
                harm = rng.choice((HarmType.CCE, HarmType.CSE, HarmType.MISSING))
                self.rows.harms.append(_bare(ContactHarm, contact_id=contact.id, harm_type=harm))

    def restamp(self) -> None:
        """`created_at`/`updated_at` as the records' own times, not the moment of seeding (the
        lists order by them); the content hash leaves these out."""
        Contact.objects.exclude(state=ContactState.DRAFT).update(
            created_at=F("submitted_at"), updated_at=F("submitted_at")
        )
        Contact.objects.filter(state=ContactState.DECIDED).update(
            updated_at=Subquery(
                Decision.objects.filter(contact=OuterRef("pk")).values("decided_at")[:1]
            )
        )
        drafts = Contact.objects.filter(state=ContactState.DRAFT).order_by("reference")
        for n, pk in enumerate(drafts.values_list("pk", flat=True)):
            started = self.now - timedelta(days=n * 2 + 1, hours=n + 1)
            Contact.objects.filter(pk=pk).update(
                created_at=started, updated_at=started + timedelta(minutes=25)
            )
        Screening.objects.update(created_at=F("completed_at"), updated_at=F("completed_at"))
        Decision.objects.update(created_at=F("decided_at"), updated_at=F("decided_at"))


def run(borough) -> None:
    enabled = gc.isenabled()
    gc.disable()  # a million short-lived rows that make no reference cycles: GC only costs time
    try:
        _run(borough)
    finally:
        if enabled:
            gc.enable()


def _run(borough) -> None:
    tool = ScreeningTool.objects.filter(is_current=True).first()
    if tool is None:
        return
    front_door = _FrontDoor(borough, tool)
    if not front_door.load():
        return
    plans = front_door.assign_named_referrers(front_door.plan_history())
    plans.sort(key=lambda p: (p.day, p.child.int, p.outcome))
    for plan in plans + front_door.plan_queue():
        front_door.build(plan)
    front_door.drafts()
    front_door.rows.write()
    front_door.restamp()


EXTENSION = Extension(
    name="frontdoor",
    run=run,
    models=(
        Contact,
        ContactHarm,
        ContactSubject,
        ContactPlace,
        Screening,
        ScreeningAnswer,
        ScreeningFactor,
        Decision,
    ),
)
