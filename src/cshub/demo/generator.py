"""The synthetic borough: a deterministic generator of demo and test data.

Every person it makes is synthetic. First names and surnames come from lists of common names
(``names.py``) and are combined at random; dates of birth, addresses and identifiers are invented
(NHS numbers come from the 999 range, which is never issued). Nothing here describes, or is drawn
from, any real identifiable person. The geography is real: the borough is laid on the 21 Barnsley
electoral wards (ONS 2019 boundaries, ``cshub/core/data``) and every address and place gets a point
inside its ward, a synthetic postcode in the S70-S75 or S36 districts and the ward's key.

Determinism: everything comes from ``random.Random`` streams derived from the seed (never the
global ``random``, ``uuid4`` or the clock), including the UUID primary keys, so the same seed and
``today`` give the same content. Only ``created_at``/``updated_at`` stamps, the integer keys the
database hands out and the salt of the (shared) password hash differ between runs;
``content_hash()`` leaves them out.

Speed: rows are built in memory with their keys and foreign keys already set and written with
``bulk_create`` in batches: no per-row ``save()`` and no per-row queries, so ``--scale 100``
(100,000+ people) takes minutes.
"""

from __future__ import annotations

import hashlib
import math
import operator
import random
import re
import uuid
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from itertools import accumulate

import shapely
from django.contrib.auth.hashers import make_password
from django.db import connections, router, transaction
from django.db.models import Q
from django.utils import timezone
from shapely.geometry import shape

from cshub.accounts.models import Agency, Membership, Team, User
from cshub.contexts.models import Group, PersonGroup, PersonPlace, Place
from cshub.core.identifiers import make_nhs_number, make_pnc_id, make_upn
from cshub.core.models import Ward
from cshub.core.vocab import (
    AgencyKind,
    AllocationRole,
    CaseLevel,
    CaseStatus,
    Confidence,
    DatePrecision,
    Ethnicity,
    FlagStatus,
    GroupKind,
    HarmType,
    IdentifierScheme,
    InformationSource,
    PlaceAssociationKind,
    PlaceKind,
    RelationshipKind,
    Role,
    Sex,
    TeamFunction,
    VulnerabilityFactor,
)
from cshub.demo.extensions import extensions
from cshub.people.models import (
    Address,
    Alias,
    Allocation,
    Case,
    CaseHarm,
    Flag,
    Identifier,
    Person,
    Relationship,
    Vulnerability,
)

from . import names

HISTORY_DAYS = 730  # two years of history up to `today`
BATCH_SIZE = 4000
DEFAULT_PASSWORD = "cshub-demo"  # noqa: S105 - the published demo password, not a secret
LA_CODE = 370  # the DfE local authority number used for UPNs and school DfE numbers

# Per unit of --scale: about 1,080 people, of whom 450 children and young people known to the
# partnership, ~550 parents and carers, 45 peers known only through them, 35 adults of concern.
# (Comfortably over 1,000 so that --scale 100 makes 100,000+ people whatever the seed.)
KNOWN_CHILDREN_PER_SCALE = 450
PEERS_PER_SCALE = 45
ADULTS_OF_CONCERN_PER_SCALE = 35
MIN_NAMED_CASELOAD = 6  # named demo practitioners get at least this many open cases if there are


class BoroughNotEmpty(Exception):
    """The database already holds people: seeding would mix synthetic and existing records."""


class SeedClash(Exception):
    """An agency, team or user the generator makes already exists."""


# --- small helpers --------------------------------------------------------------------------------


class Rng(random.Random):
    """A seeded random stream with the few extra draws the generator needs."""

    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.getrandbits(128), version=4)

    def chance(self, p: float) -> bool:
        return self.random() < p

    def day_between(self, start: date, end: date) -> date:
        if end <= start:
            return start
        return start + timedelta(days=self.randint(0, (end - start).days))


class Picker:
    """Weighted choice over a fixed list, O(log n) per draw."""

    __slots__ = ("items", "cum", "total")

    def __init__(self, items, weights):
        self.items = list(items)
        self.cum = list(accumulate(weights))
        self.total = self.cum[-1] if self.cum else 0.0

    def __bool__(self) -> bool:
        return bool(self.items) and self.total > 0

    def pick(self, rng: random.Random):
        return self.items[bisect_right(self.cum, rng.random() * self.total)]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _age_on(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


# --- geography ------------------------------------------------------------------------------------

# Ward name: (town, postcode district, postcode sectors, relative weight of families known).
WARD_INFO = {
    "Central": ("Barnsley", "S70", (1, 2, 4), 1.25),
    "Cudworth": ("Cudworth", "S72", (8,), 1.0),
    "Darfield": ("Darfield", "S73", (9,), 0.95),
    "Darton East": ("Darton", "S75", (5,), 0.8),
    "Darton West": ("Darton", "S75", (4, 6), 0.8),
    "Dearne North": ("Goldthorpe", "S73", (0,), 1.2),
    "Dearne South": ("Bolton upon Dearne", "S73", (0, 8), 1.15),
    "Dodworth": ("Dodworth", "S75", (3,), 0.85),
    "Hoyland Milton": ("Hoyland", "S74", (0, 9), 0.95),
    "Kingstone": ("Barnsley", "S70", (6,), 1.15),
    "Monk Bretton": ("Barnsley", "S71", (2, 5), 1.0),
    "North East": ("Grimethorpe", "S72", (7,), 1.15),
    "Old Town": ("Barnsley", "S75", (1, 2), 0.85),
    "Penistone East": ("Penistone", "S36", (6, 7), 0.55),
    "Penistone West": ("Penistone", "S36", (8, 9), 0.5),
    "Rockingham": ("Birdwell", "S70", (5,), 0.9),
    "Royston": ("Royston", "S71", (4,), 1.0),
    "St Helens": ("Barnsley", "S71", (1, 3), 1.15),
    "Stairfoot": ("Barnsley", "S70", (3,), 1.1),
    "Wombwell": ("Wombwell", "S73", (0, 8), 1.1),
    "Worsbrough": ("Worsbrough", "S70", (4, 5), 1.0),
}
POSTCODE_UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # the letters a postcode's last two may use
TOWN_CENTRE_WARD = "Central"


class WardArea:
    """A ward's polygon, for points inside it, with the made-up streets laid in it."""

    def __init__(self, ward: Ward):
        self.code = ward.code
        self.name = ward.name
        town, district, sectors, weight = WARD_INFO.get(ward.name, ("Barnsley", "S70", (1,), 1.0))
        self.town, self.district, self.sectors, self.weight = town, district, sectors, weight
        self.geom = shape(ward.boundary)
        shapely.prepare(self.geom)
        self.bounds = self.geom.bounds
        self.hotspot = False
        self.streets: list[tuple[str, str, float, float]] = []  # name, postcode, lon, lat

    def contains(self, lon: float, lat: float) -> bool:
        return bool(shapely.contains_xy(self.geom, lon, lat))

    def random_point(self, rng: Rng) -> tuple[float, float]:
        """A point inside the ward, already rounded to the 5 places the database keeps."""
        minx, miny, maxx, maxy = self.bounds
        for _ in range(10_000):
            lon = round(rng.uniform(minx, maxx), 5)
            lat = round(rng.uniform(miny, maxy), 5)
            if self.contains(lon, lat):
                return lon, lat
        raise RuntimeError(f"Could not find a point inside ward {self.code}")

    def point_near(self, rng: Rng, lon: float, lat: float, spread: float) -> tuple[float, float]:
        """A point within `spread` degrees of (lon, lat) and inside the ward, else (lon, lat)."""
        for _ in range(8):
            x = round(lon + rng.uniform(-spread, spread), 5)
            y = round(lat + rng.uniform(-spread, spread) * 0.6, 5)
            if self.contains(x, y):
                return x, y
        return lon, lat

    def postcode(self, rng: Rng) -> str:
        unit = rng.choice(POSTCODE_UNIT_LETTERS) + rng.choice(POSTCODE_UNIT_LETTERS)
        return f"{self.district} {rng.choice(self.sectors)}{unit}"


def _dec(value: float) -> Decimal:
    return Decimal(f"{value:.5f}")


# --- organisations --------------------------------------------------------------------------------

AGENCIES = (
    ("csc", "Borough Council Children's Social Care", AgencyKind.CHILDRENS_SOCIAL_CARE),
    ("eh", "Borough Council Early Help", AgencyKind.EARLY_HELP),
    ("education", "Borough Council Education Service", AgencyKind.EDUCATION),
    ("yjs", "Borough Youth Justice Service", AgencyKind.YOUTH_JUSTICE),
    ("police", "Borough Police", AgencyKind.POLICE),
    ("health", "Borough NHS Safeguarding Partnership", AgencyKind.HEALTH),
)


@dataclass(frozen=True)
class TeamSpec:
    code: str
    name: str
    function: str
    agency: str
    prefix: str  # username prefix of its practitioners: <prefix>.worker, <prefix>.worker2...
    practitioners: int  # at --scale 1; scales linearly so caseloads stay realistic
    titles: tuple[str, ...]


TEAMS = (
    TeamSpec(
        "ifd",
        "Integrated Front Door",
        TeamFunction.FRONT_DOOR,
        "csc",
        "ifd",
        3,
        ("Front Door social worker", "Contact officer", "Senior practitioner"),
    ),
    TeamSpec(
        "assessment",
        "Assessment Team",
        TeamFunction.ASSESSMENT,
        "csc",
        "assessment",
        4,
        ("Social worker", "Senior social worker"),
    ),
    TeamSpec(
        "cypf",
        "Children, Young People and Families",
        TeamFunction.CYPF,
        "csc",
        "cypf",
        10,
        ("Social worker", "Senior social worker", "Family support worker"),
    ),
    TeamSpec(
        "specialist",
        "Specialist Exploitation Team",
        TeamFunction.SPECIALIST,
        "csc",
        "specialist",
        6,
        (
            "Exploitation practitioner",
            "Social worker (exploitation)",
            "Youth worker",
            "Assistant psychologist",
        ),
    ),
    TeamSpec(
        "hsb",
        "Harmful Sexual Behaviour Service",
        TeamFunction.HSB_SERVICE,
        "csc",
        "hsb",
        2,
        ("HSB practitioner",),
    ),
    TeamSpec(
        "early-help",
        "Early Help Locality Team",
        TeamFunction.EARLY_HELP,
        "eh",
        "eh",
        5,
        ("Early help worker", "Family support worker"),
    ),
    TeamSpec(
        "yjs",
        "Youth Justice Team",
        TeamFunction.YOUTH_JUSTICE,
        "yjs",
        "yjs",
        4,
        ("Youth justice officer", "Case manager"),
    ),
    TeamSpec(
        "police-exploitation",
        "Police Exploitation Team",
        TeamFunction.POLICE_EXPLOITATION,
        "police",
        "police",
        3,
        ("Detective constable", "Police constable"),
    ),
    TeamSpec(
        "health-safeguarding",
        "Safeguarding Children Health Team",
        TeamFunction.HEALTH,
        "health",
        "health",
        2,
        ("Named nurse for safeguarding", "School nurse"),
    ),
    TeamSpec(
        "information-governance",
        "Information Governance",
        TeamFunction.INFORMATION_GOVERNANCE,
        "csc",
        "",
        0,
        (),
    ),
)

SCHOOL_TEAM = "<first secondary school>"

# username, team code, role, job title. The practitioners among them are their team's first
# worker and get a caseload; the rest sign in to see the borough from their seat.
NAMED_USERS = (
    ("school.dsl", SCHOOL_TEAM, Role.PRACTITIONER, "Designated safeguarding lead"),
    ("ifd.worker", "ifd", Role.PRACTITIONER, "Front Door social worker"),
    ("ifd.manager", "ifd", Role.MANAGER, "Front Door team manager"),
    ("assessment.worker", "assessment", Role.PRACTITIONER, "Social worker"),
    ("cypf.worker", "cypf", Role.PRACTITIONER, "Social worker"),
    ("cypf.manager", "cypf", Role.MANAGER, "Team manager"),
    ("specialist.worker", "specialist", Role.PRACTITIONER, "Exploitation practitioner"),
    ("specialist.manager", "specialist", Role.MANAGER, "Team manager, exploitation"),
    ("hsb.worker", "hsb", Role.PRACTITIONER, "HSB practitioner"),
    ("eh.worker", "early-help", Role.PRACTITIONER, "Early help worker"),
    ("yjs.worker", "yjs", Role.PRACTITIONER, "Youth justice officer"),
    ("yjs.manager", "yjs", Role.MANAGER, "Youth justice team manager"),
    ("police.officer", "police-exploitation", Role.INTELLIGENCE_OFFICER, "Detective constable"),
    ("police.analyst", "police-exploitation", Role.ANALYST, "Intelligence analyst"),
    ("health.worker", "health-safeguarding", Role.PRACTITIONER, "Named nurse for safeguarding"),
    ("mace.chair", "specialist", Role.PANEL_CHAIR, "Head of service and MACE chair"),
    ("data.steward", "information-governance", Role.DATA_STEWARD, "Data steward"),
    ("dpo", "information-governance", Role.DATA_PROTECTION_OFFICER, "Data protection officer"),
    ("admin", "information-governance", Role.ADMINISTRATOR, "System administrator"),
)

# --- people ---------------------------------------------------------------------------------------

ETHNICITY_WEIGHTS = (
    (Ethnicity.WHITE_BRITISH, 87.0),
    (Ethnicity.WHITE_OTHER, 3.0),
    (Ethnicity.WHITE_ROMA, 0.8),
    (Ethnicity.WHITE_GYPSY_TRAVELLER, 0.5),
    (Ethnicity.WHITE_IRISH, 0.3),
    (Ethnicity.MIXED_WHITE_BLACK_CARIBBEAN, 1.5),
    (Ethnicity.MIXED_WHITE_ASIAN, 0.8),
    (Ethnicity.MIXED_WHITE_BLACK_AFRICAN, 0.5),
    (Ethnicity.MIXED_OTHER, 0.7),
    (Ethnicity.ASIAN_PAKISTANI, 0.7),
    (Ethnicity.ASIAN_INDIAN, 0.4),
    (Ethnicity.ASIAN_BANGLADESHI, 0.2),
    (Ethnicity.ASIAN_CHINESE, 0.3),
    (Ethnicity.ASIAN_OTHER, 0.3),
    (Ethnicity.BLACK_AFRICAN, 0.8),
    (Ethnicity.BLACK_CARIBBEAN, 0.2),
    (Ethnicity.BLACK_OTHER, 0.2),
    (Ethnicity.OTHER_ARAB, 0.4),
    (Ethnicity.OTHER, 0.4),
)
ORIGIN = {  # which name pool fits a recorded ethnicity
    Ethnicity.WHITE_OTHER: "eastern_european",
    Ethnicity.WHITE_ROMA: "eastern_european",
    Ethnicity.ASIAN_PAKISTANI: "south_asian",
    Ethnicity.ASIAN_INDIAN: "south_asian",
    Ethnicity.ASIAN_BANGLADESHI: "south_asian",
    Ethnicity.ASIAN_OTHER: "south_asian",
    Ethnicity.ASIAN_CHINESE: "chinese",
    Ethnicity.BLACK_AFRICAN: "african",
    Ethnicity.OTHER_ARAB: "arab",
    Ethnicity.OTHER: "arab",
}
MIXED_FATHER = {  # a mixed-heritage child's other parent, for names
    Ethnicity.MIXED_WHITE_BLACK_CARIBBEAN: (Ethnicity.BLACK_CARIBBEAN,),
    Ethnicity.MIXED_WHITE_BLACK_AFRICAN: (Ethnicity.BLACK_AFRICAN,),
    Ethnicity.MIXED_WHITE_ASIAN: (Ethnicity.ASIAN_PAKISTANI, Ethnicity.ASIAN_INDIAN),
    Ethnicity.MIXED_OTHER: (Ethnicity.WHITE_OTHER, Ethnicity.OTHER, Ethnicity.ASIAN_CHINESE),
}
CARIBBEAN = {Ethnicity.BLACK_CARIBBEAN, Ethnicity.BLACK_OTHER}

# Age of the children and young people known to the partnership, today.
KNOWN_AGE_WEIGHTS = {
    10: 3, 11: 4, 12: 6, 13: 9, 14: 12, 15: 14, 16: 13, 17: 11,
    18: 4, 19: 3, 20: 2, 21: 1.5, 22: 1, 23: 0.8, 24: 0.7,
}  # fmt: skip

# How common each vulnerability factor is among known children (before scaling by risk).
FACTOR_PREVALENCE = {
    VulnerabilityFactor.ACES: 0.34,
    VulnerabilityFactor.POOR_MENTAL_HEALTH: 0.30,
    VulnerabilityFactor.SEND: 0.27,
    VulnerabilityFactor.PERSISTENT_ABSENCE: 0.28,
    VulnerabilityFactor.CIN_OR_CARE: 0.22,
    VulnerabilityFactor.DOMESTIC_ABUSE: 0.22,
    VulnerabilityFactor.POVERTY_HOMELESSNESS: 0.20,
    VulnerabilityFactor.SUBSTANCE_MISUSE: 0.13,
    VulnerabilityFactor.STATUS_BELONGING: 0.12,
    VulnerabilityFactor.EXCLUDED: 0.08,
    VulnerabilityFactor.YOUTH_JUSTICE_CONTACT: 0.09,
    VulnerabilityFactor.BEREAVEMENT: 0.08,
    VulnerabilityFactor.YOUNG_CARER: 0.05,
    VulnerabilityFactor.IMMIGRATION_STATUS: 0.015,
}

HARM_WEIGHTS = {
    Sex.MALE: {
        HarmType.CCE: 40,
        HarmType.MISSING: 20,
        HarmType.SYV: 18,
        HarmType.HSB: 8,
        HarmType.CSE: 6,
        HarmType.MODERN_SLAVERY: 2.5,
        HarmType.RADICALISATION: 1.5,
    },
    Sex.FEMALE: {
        HarmType.CSE: 38,
        HarmType.MISSING: 28,
        HarmType.CCE: 14,
        HarmType.SYV: 5,
        HarmType.HSB: 4,
        HarmType.MODERN_SLAVERY: 2,
        HarmType.RADICALISATION: 0.5,
    },
}
HARM_WEIGHTS[Sex.NOT_KNOWN] = HARM_WEIGHTS[Sex.FEMALE]
EXPLOITATION_HARMS = {HarmType.CCE, HarmType.CSE, HarmType.MODERN_SLAVERY}

FLAG_REASONS = {
    HarmType.CCE: (
        "Found with cash and two phones; intelligence suggests running drugs for an older group.",
        "Seen in cars with unknown adults and missing overnight; new clothes and trainers.",
        "Arrested in another force area with class A drugs: possible county lines.",
        "School report a sudden change in friends and a debt to older young people.",
    ),
    HarmType.CSE: (
        "Older 'boyfriend' giving gifts and alcohol; returning home late and distressed.",
        "Images shared online; contact with unknown adults on social media.",
        "Seen getting into cars with older males near takeaways in the town centre.",
        "Disclosed to a teacher that she was taken to a party at a flat by older males.",
    ),
    HarmType.HSB: (
        "Sexualised behaviour towards younger children at school.",
        "Shared an indecent image of a peer without consent.",
        "Allegation of harmful sexual behaviour from a peer; AIM3 assessment requested.",
    ),
    HarmType.MISSING: (
        "Three missing episodes in the last month; found in another town each time.",
        "Repeatedly missing from placement overnight; will not say where.",
        "Missing for two days; found at an address linked to older males.",
    ),
    HarmType.SYV: (
        "Victim of a stabbing; peers involved in an ongoing dispute.",
        "Found carrying a knife at school.",
        "Involved in a group assault in the town centre; retaliation feared.",
    ),
    HarmType.MODERN_SLAVERY: (
        "Found working long hours at a car wash; referred to the NRM.",
        "Suspected of being trafficked for criminal purposes; NRM referral made.",
    ),
    HarmType.RADICALISATION: (
        "Sharing extremist material online; Prevent referral made.",
        "Teacher concerned about contact with an extremist group online.",
    ),
}

CASE_SUMMARIES = {
    CaseLevel.EARLY_HELP: (
        "Referral from school about attendance, behaviour and friendships.",
        "Family asked for help with a teenager staying out late.",
    ),
    CaseLevel.CHILD_IN_NEED: (
        "Child in need plan: support at home and school; worries about peers.",
        "Assessment found unmet needs; plan focuses on safety outside the home.",
    ),
    CaseLevel.CHILD_PROTECTION: (
        "Child protection plan after a strategy discussion about harm outside the home.",
        "Subject to a child protection plan; multi-agency safety plan in place.",
    ),
    CaseLevel.CHILD_LOOKED_AFTER: (
        "Looked after under section 20; placement stability is the main worry.",
        "Care order; placed out of the family home after escalating risk.",
    ),
    CaseLevel.YOUTH_JUSTICE: (
        "Referral order after a first offence; reparation and ETE work.",
        "Youth rehabilitation order; offending linked to exploitation.",
    ),
    CaseLevel.EXPLOITATION: (
        "Open to the specialist team: exploitation risk assessed as significant.",
        "Specialist team involvement after MACE; disruption plan agreed.",
    ),
}

CLOSE_REASONS = (
    "Risk reduced; plan ended.",
    "Stepped down to early help.",
    "Stepped down to universal services.",
    "Moved out of the area; case transferred.",
    "Turned 18; transferred to adult services.",
    "Family declined further support.",
)

AOC_DETAILS = {
    HarmType.CCE: ("suspected exploiter", "drug line holder", "older associate"),
    HarmType.CSE: ("older boyfriend", "suspected perpetrator", "adult met online"),
    HarmType.MODERN_SLAVERY: ("suspected trafficker", "employer of concern"),
    HarmType.SYV: ("older associate", "suspected supplier of weapons"),
}

PLACE_BASE_COUNTS = {
    PlaceKind.PARK: 9,
    PlaceKind.SHOP: 10,
    PlaceKind.TAKEAWAY: 10,
    PlaceKind.TRANSPORT: 4,
    PlaceKind.LICENSED: 6,
    PlaceKind.HOTEL: 3,
    PlaceKind.YOUTH_CLUB: 5,
    PlaceKind.CARE_HOME: 3,
    PlaceKind.STREET: 5,
    PlaceKind.RESIDENTIAL: 3,
    PlaceKind.OTHER: 2,
}
COMMERCIAL_KINDS = {
    PlaceKind.SHOP,
    PlaceKind.TAKEAWAY,
    PlaceKind.TRANSPORT,
    PlaceKind.LICENSED,
    PlaceKind.HOTEL,
    PlaceKind.STREET,
    PlaceKind.RESIDENTIAL,
}
HOTSPOT_KINDS = (
    PlaceKind.TRANSPORT,
    PlaceKind.TAKEAWAY,
    PlaceKind.PARK,
    PlaceKind.HOTEL,
    PlaceKind.STREET,
    PlaceKind.SHOP,
)
# How likely each harm is tied to each kind of place.
PLACE_RELEVANCE = {
    HarmType.CCE: {"transport": 5, "takeaway": 4, "park": 3, "street": 4, "shop": 3, "hotel": 2,
                   "residential": 4, "licensed": 1, "youth_club": 1, "other": 1, "care_home": 1},
    HarmType.CSE: {"hotel": 5, "takeaway": 4, "park": 3, "licensed": 3, "residential": 3,
                   "transport": 2, "street": 2, "shop": 1, "youth_club": 1, "other": 1,
                   "care_home": 1},
    HarmType.MISSING: {"transport": 5, "park": 3, "street": 3, "hotel": 2, "takeaway": 2,
                       "residential": 2, "other": 2, "shop": 1, "care_home": 1},
    HarmType.SYV: {"park": 4, "street": 4, "takeaway": 3, "shop": 3, "transport": 3,
                   "licensed": 2, "youth_club": 2, "other": 1},
    HarmType.HSB: {"youth_club": 4, "park": 3, "school": 3, "other": 1, "street": 1},
    HarmType.MODERN_SLAVERY: {"residential": 4, "hotel": 3, "shop": 3, "takeaway": 3, "other": 1},
    HarmType.RADICALISATION: {"youth_club": 2, "other": 2, "park": 1},
}  # fmt: skip

SOURCE_WEIGHTS = (
    (InformationSource.INTELLIGENCE, 35),
    (InformationSource.INFORMATION, 25),
    (InformationSource.OBSERVATION, 20),
    (InformationSource.RECORD, 12),
    (InformationSource.DISCLOSURE, 8),
)
CONFIDENCE_WEIGHTS = (
    (Confidence.CONFIRMED, 30),
    (Confidence.PROBABLE, 45),
    (Confidence.POSSIBLE, 25),
)
SOURCE_AGENCY_WEIGHTS = (("police", 50), ("csc", 22), ("education", 12), ("yjs", 10), ("health", 6))


# --- what the generator keeps about each known child ----------------------------------------------


@dataclass(slots=True, eq=False)
class Child:
    person: Person
    sex: str
    dob: date  # the true date of birth (the record may hold an approximate one or none)
    ward: WardArea
    school_id: uuid.UUID | None
    factors: list = field(default_factory=list)
    harms: dict = field(default_factory=dict)  # harm type -> flag status
    level: str = ""
    case_open: bool = True
    opened_on: date | None = None
    young_adult: bool = False
    address: Address | None = None  # the current one


@dataclass(slots=True, eq=False)
class Household:
    ward: WardArea
    address: dict
    moved_in: date
    previous: dict | None
    ethnicity: str
    father_ethnicity: str
    surname: str
    children: list = field(default_factory=list)


@dataclass
class SeedResult:
    counts: dict
    logins: list  # (username, role label, team name, job title)
    password: str


# --- the generator --------------------------------------------------------------------------------


# The core records, in the order they are written in bulk (foreign keys first).
BULK_MODELS = (
    Place,
    Group,
    Person,
    Alias,
    Address,
    Identifier,
    Vulnerability,
    Flag,
    Relationship,
    Case,
    CaseHarm,
    Allocation,
    PersonPlace,
    PersonGroup,
)


class Borough:
    """Builds the whole borough in memory, then writes it in one go."""

    def __init__(self, *, scale: float, seed: int, today: date, password: str):
        if scale <= 0:
            raise ValueError("scale must be positive")
        self.scale = scale
        self.seed = seed
        self.today = today
        self.start = today - timedelta(days=HISTORY_DAYS)
        self.password = password
        self.rows: dict[type, list] = defaultdict(list)
        self.case_allocations: dict[uuid.UUID, list[Allocation]] = {}

    def stream(self, name: str) -> Rng:
        """A deterministic random stream of its own for each name (for extensions too)."""
        return self._stream(name)

    def _stream(self, name: str) -> Rng:
        return Rng(f"cshub-demo:{self.seed}:{name}")

    def _n(self, base: float, exponent: float = 1.0, minimum: int = 1) -> int:
        return max(minimum, round(base * self.scale**exponent))

    # --- entry point ----------------------------------------------------------------------------

    def build(self) -> SeedResult:
        self._load_wards()
        self._build_places()
        self._build_org()
        self._build_groups()
        self._build_families()
        self._build_peers()
        self._build_adults_of_concern()
        self._link_places()
        self._link_groups()
        self._ensure_caseloads()
        self._number_cases()
        self._write()
        for extension in extensions():
            extension.run(self)
        return SeedResult(counts=summary(self.today), logins=self.logins, password=self.password)

    # --- geography ------------------------------------------------------------------------------

    def _load_wards(self) -> None:
        wards = list(Ward.objects.order_by("code"))
        if not wards:
            raise RuntimeError("No wards: run `cshub migrate` first (it loads the 21 wards).")
        self.wards = [WardArea(w) for w in wards]
        rng = self._stream("geo")
        central = [w for w in self.wards if w.name == TOWN_CENTRE_WARD]
        self.centre = central[0] if central else self.wards[0]
        others = [w for w in self.wards if w.name != TOWN_CENTRE_WARD and w.weight >= 1.1]
        for w in central + rng.sample(others, min(2, len(others))):
            w.hotspot = True
        self.population = Picker(self.wards, [w.weight for w in self.wards])
        self.busy = Picker(self.wards, [w.weight * (3.0 if w.hotspot else 1.0) for w in self.wards])
        pairs = [(b, s) for b in names.STREET_BASES for s in names.STREET_SUFFIXES]
        for w in self.wards:
            count = min(len(pairs), self._n(28 * w.weight, 0.5, 10))
            for base, suffix in rng.sample(pairs, count):
                lon, lat = w.random_point(rng)
                w.streets.append((f"{base} {suffix}", w.postcode(rng), lon, lat))

    def _address(self, rng: Rng, ward: WardArea, *, spread: float = 0.002) -> dict:
        street, postcode, lon, lat = rng.choice(ward.streets)
        number = rng.randint(1, 160)
        line1 = f"{number} {street}"
        if rng.chance(0.08):
            line1 = f"Flat {rng.randint(1, 12)}, {line1}"
        lon, lat = ward.point_near(rng, lon, lat, spread)
        return {
            "line1": line1,
            "town": ward.town,
            "postcode": postcode,
            "ward_id": ward.code,
            "latitude": _dec(lat),
            "longitude": _dec(lon),
        }

    # --- places and organisations ---------------------------------------------------------------

    def _build_places(self) -> None:
        rng = self._stream("places")
        self.schools: list[tuple[Place, str]] = []  # (place, phase)
        used_names: set[str] = set()
        used_estab: set[int] = set()

        def unique_name(candidate: str, ward: WardArea) -> str:
            name = candidate
            if name in used_names:
                name = f"{candidate} ({ward.name})"
            n = 2
            while name in used_names:
                name = f"{candidate} ({ward.name} {n})"
                n += 1
            used_names.add(name)
            return name

        def place(kind: str, name: str, ward: WardArea, **extra) -> Place:
            addr = self._address(rng, ward, spread=0.001)
            obj = Place(
                id=rng.uuid(),
                kind=kind,
                name=name,
                address=f"{addr['line1']}, {addr['town']}",
                postcode=addr["postcode"],
                ward_id=ward.code,
                latitude=addr["latitude"],
                longitude=addr["longitude"],
                **extra,
            )
            self.rows[Place].append(obj)
            return obj

        phases = (
            ("secondary", self._n(10, 0.5, 5), 4000),
            ("primary", self._n(6, 0.5, 3), 2000),
            ("college", self._n(1, 0.5), 8000),
            ("alternative", self._n(1, 0.5), 1100),
            ("special", self._n(1, 0.5), 7000),
        )
        for phase, count, estab_base in phases:
            for _ in range(count):
                ward = self.population.pick(rng)
                name = unique_name(
                    f"{rng.choice(names.LOCALITY_WORDS)} "
                    f"{rng.choice(names.SCHOOL_SUFFIXES[phase])}",
                    ward,
                )
                estab = estab_base + rng.randint(1, 899)
                while estab in used_estab:
                    estab = estab_base + rng.randint(1, 899)
                used_estab.add(estab)
                obj = place(
                    PlaceKind.SCHOOL,
                    name,
                    ward,
                    dfe_number=f"{LA_CODE}/{estab}",
                    description=f"{phase.capitalize()} phase school.",
                )
                self.schools.append((obj, phase))

        self.places_by_kind: dict[str, list[Place]] = defaultdict(list)
        for kind, base in PLACE_BASE_COUNTS.items():
            for _ in range(self._n(base, 0.75)):
                commercial = kind in COMMERCIAL_KINDS
                ward = (self.busy if commercial else self.population).pick(rng)
                if kind in (PlaceKind.TRANSPORT, PlaceKind.LICENSED) and rng.chance(0.3):
                    ward = self.centre
                street = rng.choice(ward.streets)[0]
                pattern = rng.choice(names.PLACE_PATTERNS[kind])
                candidate = pattern.format(
                    loc=rng.choice(names.LOCALITY_WORDS),
                    town=ward.town,
                    street=street,
                    pub=rng.choice(names.PUB_NAMES),
                )
                candidate = candidate[0].upper() + candidate[1:]
                obj = place(
                    kind,
                    unique_name(candidate, ward),
                    ward,
                    description=names.PLACE_DESCRIPTIONS[kind],
                )
                self.places_by_kind[kind].append(obj)

        # Hotspots: a few places, mostly in the busy wards, draw far more links than the rest.
        others = [p for kind in HOTSPOT_KINDS for p in self.places_by_kind[kind]]
        ward_of = {w.code: w for w in self.wards}
        chooser = Picker(others, [4.0 if ward_of[p.ward_id].hotspot else 1.0 for p in others])
        self.hotspot_places: set[uuid.UUID] = set()
        target = min(len(others), self._n(5, 0.5, 4))
        while len(self.hotspot_places) < target:
            self.hotspot_places.add(chooser.pick(rng).id)

        self.link_places = [p for p in self.rows[Place] if p.kind != PlaceKind.SCHOOL]
        self.place_weight = {
            p.id: (10.0 if p.id in self.hotspot_places else 1.0)
            * (2.0 if ward_of[p.ward_id].hotspot else 1.0)
            for p in self.link_places
        }
        self.place_picker = {}
        for harm, relevance in PLACE_RELEVANCE.items():
            pool = [p for p in self.link_places if relevance.get(p.kind, 0)]
            self.place_picker[harm] = Picker(
                pool, [self.place_weight[p.id] * relevance[p.kind] for p in pool]
            )
        self.ward_places: dict[str, Picker] = {}
        grouped = defaultdict(list)
        for p in self.link_places:
            grouped[p.ward_id].append(p)
        for code, pool in grouped.items():
            self.ward_places[code] = Picker(pool, [self.place_weight[p.id] for p in pool])
        self.all_places = Picker(
            self.link_places, [self.place_weight[p.id] for p in self.link_places]
        )

    def _build_org(self) -> None:
        rng = self._stream("org")
        self.password_hash = make_password(self.password)  # once: every demo user shares it
        agencies = [Agency(code=c, name=n, kind=k) for c, n, k in AGENCIES]
        team_specs = list(TEAMS)
        first_school = None
        codes = {spec.code for spec in TEAMS}
        for school, phase in self.schools:
            code = f"school-{_slug(school.name)}"[:40].rstrip("-")
            n = 2
            while code in codes:
                code = f"{code[:36].rstrip('-')}-{n}"
                n += 1
            codes.add(code)
            spec = TeamSpec(
                code,
                school.name,
                TeamFunction.SCHOOL,
                "education",
                "",
                0,
                ("Designated safeguarding lead",),
            )
            team_specs.append(spec)
            if first_school is None and phase == "secondary":
                first_school = spec.code
        self.school_team_of = {
            school.id: spec.code
            for (school, _phase), spec in zip(self.schools, team_specs[len(TEAMS) :], strict=True)
        }
        # Users: the named demo logins, then enough practitioners for realistic caseloads.
        planned: list[tuple[str, str, str, str]] = []
        for username, team, role, title in NAMED_USERS:
            planned.append((username, first_school if team == SCHOOL_TEAM else team, role, title))
        for spec in TEAMS:
            if not spec.prefix:
                continue
            for n in range(2, max(1, round(spec.practitioners * self.scale)) + 1):
                title = rng.choice(spec.titles)
                planned.append((f"{spec.prefix}.worker{n}", spec.code, Role.PRACTITIONER, title))
        school_number = 2
        for spec in team_specs[len(TEAMS) :]:
            if spec.code != first_school:
                planned.append(
                    (f"school{school_number}.dsl", spec.code, Role.PRACTITIONER, spec.titles[0])
                )
                school_number += 1
        self._check_clashes(agencies, team_specs, [p[0] for p in planned])

        Agency.objects.bulk_create(agencies)
        self.agency_id = dict(
            Agency.objects.filter(code__in=[a.code for a in agencies]).values_list("code", "id")
        )
        teams = []
        for number, spec in enumerate(team_specs, start=1):
            slug = spec.code.removeprefix("school-")
            teams.append(
                Team(
                    agency_id=self.agency_id[spec.agency],
                    code=spec.code,
                    name=spec.name,
                    function=spec.function,
                    email=f"{slug}@cshub.example",
                    phone=f"01632 960{number % 1000:03d}",  # Ofcom's range kept for drama
                )
            )
        Team.objects.bulk_create(teams)
        self.team_id = dict(
            Team.objects.filter(code__in=[t.code for t in teams]).values_list("code", "id")
        )

        users, memberships = [], []
        for username, team_code, role, title in planned:
            sex = rng.choice((Sex.FEMALE, Sex.FEMALE, Sex.MALE))
            pool = names.BRITISH if rng.chance(0.9) else names.POOLS[rng.choice(list(names.POOLS))]
            started = self.today - timedelta(days=rng.randint(60, 3000))
            superuser = role == Role.ADMINISTRATOR
            users.append(
                User(
                    username=username,
                    password=self.password_hash,
                    first_name=rng.choice(pool["women" if sex == Sex.FEMALE else "men"]),
                    last_name=rng.choice(pool["surnames"]),
                    email=f"{username}@cshub.example",
                    job_title=title,
                    phone=f"01632 960{rng.randint(0, 999):03d}",
                    is_staff=superuser,
                    is_superuser=superuser,
                    is_active=True,
                    date_joined=datetime.combine(started, time(9), tzinfo=UTC),
                )
            )
            memberships.append((username, team_code, role, started))
        User.objects.bulk_create(users, batch_size=BATCH_SIZE)
        self.user_id = dict(
            User.objects.filter(username__in=[u.username for u in users]).values_list(
                "username", "id"
            )
        )
        Membership.objects.bulk_create(
            [
                Membership(user_id=self.user_id[u], team_id=self.team_id[t], role=r, started_on=s)
                for u, t, r, s in memberships
            ],
            batch_size=BATCH_SIZE,
        )

        self.workers: dict[str, list[int]] = defaultdict(list)  # team code -> practitioner ids
        self.named_workers: dict[str, int] = {}  # team code -> its named practitioner
        for username, team_code, role, _started in memberships:
            if role == Role.PRACTITIONER:
                self.workers[team_code].append(self.user_id[username])
        for username, team_code, role, _title in planned[: len(NAMED_USERS)]:
            if role == Role.PRACTITIONER:
                self.named_workers.setdefault(team_code, self.user_id[username])
        self.raisers = Picker(
            [self.user_id[u] for u, t, r, _ in memberships if r == Role.PRACTITIONER]
            + [self.user_id["police.officer"]],
            [1.0] * sum(1 for m in memberships if m[2] == Role.PRACTITIONER) + [20.0],
        )
        team_name = {spec.code: spec.name for spec in team_specs}
        self.logins = [
            (u, Role(r).label, team_name[t], title)
            for (u, t, r, title) in planned[: len(NAMED_USERS)]
        ]
        self.users_by_agency: dict[str, list[int]] = defaultdict(list)
        agency_of_team = {spec.code: spec.agency for spec in team_specs}
        for username, team_code, role, _ in memberships:
            if role in (Role.PRACTITIONER, Role.INTELLIGENCE_OFFICER):
                self.users_by_agency[agency_of_team[team_code]].append(self.user_id[username])

    def _check_clashes(
        self, agencies: list[Agency], team_specs: list[TeamSpec], usernames: list[str]
    ) -> None:
        clashes = []
        codes = [a.code for a in agencies]
        names_ = [a.name for a in agencies]
        clashes += [
            f"agency {c}"
            for c in Agency.objects.filter(Q(code__in=codes) | Q(name__in=names_)).values_list(
                "code", flat=True
            )
        ]
        clashes += [
            f"team {c}"
            for c in Team.objects.filter(code__in=[s.code for s in team_specs]).values_list(
                "code", flat=True
            )
        ]
        clashes += [
            f"user {u}"
            for u in User.objects.filter(username__in=usernames).values_list("username", flat=True)
        ]
        if clashes:
            raise SeedClash(
                "The demo borough's agencies, teams or users already exist ("
                + ", ".join(sorted(clashes)[:10])
                + (", ..." if len(clashes) > 10 else "")
                + "): seed a fresh database."
            )

    def _build_groups(self) -> None:
        rng = self._stream("groups")
        self.peer_groups: list[Group] = []
        self.online_groups: list[Group] = []
        for _ in range(self._n(9)):
            ward = self.busy.pick(rng)
            anchor = rng.choice(
                (
                    ward.town,
                    ward.name,
                    rng.choice(ward.streets)[0],
                    rng.choice(names.LOCALITY_WORDS),
                )
            )
            obj = Group(
                id=rng.uuid(),
                kind=GroupKind.PEER_GROUP,
                name=f"{anchor} {rng.choice(names.PEER_GROUP_WORDS)}",
                area_id=ward.code,
                description="Peer group known to gather in the area.",
            )
            self.peer_groups.append(obj)
        for _ in range(self._n(5, 0.6, 3)):
            platform = rng.choice(names.ONLINE_PLATFORMS)
            handle = (
                rng.choice(names.STREET_NAMES).lower().replace("-", "")
                + " "
                + rng.choice(names.ONLINE_GROUP_WORDS)
            )
            obj = Group(
                id=rng.uuid(),
                kind=GroupKind.ONLINE_GROUP,
                name=f"'{handle}' {platform} group",
                platform=platform,
                description="Online group chat; screenshots shared by young people.",
            )
            self.online_groups.append(obj)
        self.rows[Group] = self.peer_groups + self.online_groups

    # --- people ---------------------------------------------------------------------------------

    def _name(self, rng: Rng, origin: str, kind: str) -> str:
        return rng.choice(names.POOLS[origin][kind])

    def _surname(self, rng: Rng, ethnicity: str) -> str:
        if ethnicity in CARIBBEAN and rng.chance(0.7):
            return rng.choice(names.CARIBBEAN_SURNAMES)
        return rng.choice(names.POOLS[ORIGIN.get(ethnicity, "british")]["surnames"])

    def _person(
        self,
        rng: Rng,
        *,
        given: str,
        family: str,
        sex: str,
        dob: date | None,
        ethnicity: str,
        precision_weights=((DatePrecision.EXACT, 92), ("none", 2)),
        school_id=None,
        middle_pool: str = "british",
    ) -> Person:
        precision = rng.choices(
            [p for p, _ in precision_weights], [w for _, w in precision_weights]
        )[0]
        recorded = dob
        if precision == "none":
            recorded, precision = None, DatePrecision.UNKNOWN
        elif precision == DatePrecision.MONTH:
            recorded = dob.replace(day=1)
        elif precision == DatePrecision.YEAR:
            recorded = date(dob.year, 7, 1) if date(dob.year, 7, 1) <= self.today else dob
        elif precision == DatePrecision.ESTIMATED:  # the age is right, the day a guess
            recorded = self._dob_for_age(rng, _age_on(dob, self.today))
        roll = rng.random()
        if roll < 0.02:
            ethnicity = Ethnicity.NOT_OBTAINED
        elif roll < 0.023:
            ethnicity = Ethnicity.REFUSED
        middle = ""
        if rng.chance(0.4):
            kind = "boys" if sex == Sex.MALE else "girls"
            middle = rng.choice(names.POOLS[middle_pool][kind])
            if middle == given:
                middle = ""
        person = Person(
            id=rng.uuid(),
            given_name=given,
            middle_names=middle,
            family_name=family,
            date_of_birth=recorded,
            date_of_birth_precision=precision,
            sex=sex,
            ethnicity=ethnicity,
            school_id=school_id,
            created_by_id=self.raisers.pick(rng),
        )
        self.rows[Person].append(person)
        return person

    def _dob_for_age(self, rng: Rng, age: int) -> date:
        return self.today - timedelta(days=int(age * 365.25) + rng.randint(1, 364))

    def _add_address(
        self, person_id, fields: dict, moved_in: date | None, moved_out=None
    ) -> Address:
        address = Address(person_id=person_id, moved_in=moved_in, moved_out=moved_out, **fields)
        self.rows[Address].append(address)
        return address

    def _identifier(self, person_id, scheme: str, value: str) -> None:
        self.rows[Identifier].append(Identifier(person_id=person_id, scheme=scheme, value=value))

    def _new_id(self, rng: Rng, scheme: str, make) -> str:
        used = self.used_ids[scheme]
        for _ in range(1000):
            value = make()
            if value not in used:
                used.add(value)
                return value
        raise RuntimeError(f"Ran out of {scheme} identifiers: the scale is too large")

    def _nhs(self, rng: Rng, person_id) -> None:
        value = self._new_id(
            rng, IdentifierScheme.NHS_NUMBER, lambda: make_nhs_number(rng.randrange(1_000_000))
        )
        self._identifier(person_id, IdentifierScheme.NHS_NUMBER, value)

    def _upn(self, rng: Rng, person_id, dob: date) -> None:
        value = self._new_id(
            rng,
            IdentifierScheme.UPN,
            lambda: make_upn(
                la_code=LA_CODE,
                establishment=2000 + rng.randint(1, 399),
                year=dob.year + 4,
                serial=rng.randrange(1000),
            ),
        )
        self._identifier(person_id, IdentifierScheme.UPN, value)

    def _local_id(self, rng: Rng, person_id, scheme: str, prefix: str, digits: int) -> None:
        low = 10 ** (digits - 1)
        value = self._new_id(rng, scheme, lambda: f"{prefix}{rng.randrange(low, low * 10)}")
        self._identifier(person_id, scheme, value)

    def _pnc(self, rng: Rng, person_id, dob: date | None) -> None:
        first = max(1995, dob.year + 12) if dob else self.today.year - 15
        first = min(first, self.today.year)
        value = self._new_id(
            rng,
            IdentifierScheme.PNC_ID,
            lambda: make_pnc_id(
                year=rng.randint(first, self.today.year), serial=rng.randrange(1, 1_000_000)
            ),
        )
        self._identifier(person_id, IdentifierScheme.PNC_ID, value)

    def _alias(self, rng: Rng, person: Person, kind: str) -> None:
        if kind == Alias.Kind.NICKNAME:
            given = rng.choice(names.NICKNAMES)
        elif kind == Alias.Kind.STREET:
            given = rng.choice(names.STREET_NAMES)
        elif kind == Alias.Kind.ONLINE:
            given = (
                f"{person.given_name.lower()}{rng.choice(names.HANDLE_SUFFIXES)}"
                f"{rng.randint(0, 99):02d}"
            )
        else:
            self.rows[Alias].append(
                Alias(
                    person_id=person.id,
                    kind=kind,
                    given_name=person.given_name,
                    family_name=rng.choice(names.BRITISH["surnames"]),
                )
            )
            return
        self.rows[Alias].append(Alias(person_id=person.id, kind=kind, given_name=given))

    def _relationship(
        self,
        rng: Rng,
        person_id,
        other_id,
        kind: str,
        detail: str = "",
        *,
        source=None,
        agency=None,
        started=None,
        ended=None,
    ) -> None:
        if source is None:
            source = rng.choices(*zip(*SOURCE_WEIGHTS, strict=True))[0]
        if agency is None:
            agency = rng.choices(*zip(*SOURCE_AGENCY_WEIGHTS, strict=True))[0]
        self.rows[Relationship].append(
            Relationship(
                person_id=person_id,
                other_id=other_id,
                kind=kind,
                detail=detail,
                source=source,
                source_agency_id=self.agency_id[agency],
                started_on=started,
                ended_on=ended,
            )
        )

    def _build_families(self) -> None:
        rng = self._stream("people")
        self.used_ids: dict[str, set[str]] = defaultdict(set)
        self.children: list[Child] = []
        target = self._n(KNOWN_CHILDREN_PER_SCALE)
        ages = Picker(list(KNOWN_AGE_WEIGHTS), list(KNOWN_AGE_WEIGHTS.values()))
        self.ethnicities = ethnicities = Picker(
            [e for e, _ in ETHNICITY_WEIGHTS], [w for _, w in ETHNICITY_WEIGHTS]
        )
        schools_by_phase = defaultdict(list)
        for school, phase in self.schools:
            schools_by_phase[phase].append(school)
        self.schools_by_phase = schools_by_phase
        self.local_schools = defaultdict(list)
        for school, phase in self.schools:
            self.local_schools[(phase, school.ward_id)].append(school)
        self.care_homes = self.places_by_kind[PlaceKind.CARE_HOME]

        while len(self.children) < target:
            ward = self.population.pick(rng)
            ethnicity = ethnicities.pick(rng)
            father_eth = ethnicity
            if ethnicity in MIXED_FATHER:
                father_eth = rng.choice(MIXED_FATHER[ethnicity])
            mixed = ethnicity in MIXED_FATHER
            moved_in = self.today - timedelta(days=rng.randint(45, 4500))
            previous = None
            if rng.chance(0.25):
                prev_in = moved_in - timedelta(days=rng.randint(200, 3000))
                previous = dict(self._address(rng, self.population.pick(rng)))
                previous["moved_in"] = prev_in
                previous["moved_out"] = moved_in - timedelta(days=rng.randint(0, 20))
            surname = self._surname(rng, father_eth if mixed and rng.chance(0.6) else ethnicity)
            household = Household(
                ward=ward,
                address=self._address(rng, ward),
                moved_in=moved_in,
                previous=previous,
                ethnicity=ethnicity,
                father_ethnicity=father_eth,
                surname=surname,
            )
            n_children = rng.choices((1, 2, 3), (86, 12, 2))[0]
            first_age = ages.pick(rng)
            for i in range(n_children):
                age = (
                    first_age
                    if i == 0
                    else min(24, max(10, first_age + rng.choice((-4, -3, -2, -1, 1, 2, 3))))
                )
                child = self._make_child(rng, household, age, mixed)
                household.children.append(child)
                self.children.append(child)
            self._make_parents(rng, household)
            for a, b in (
                (a, b)
                for i, a in enumerate(household.children)
                for b in household.children[i + 1 :]
            ):
                detail = {Sex.MALE: "brother", Sex.FEMALE: "sister"}.get(b.sex, "sibling")
                self._relationship(
                    rng,
                    a.person.id,
                    b.person.id,
                    RelationshipKind.FAMILY,
                    detail,
                    source=InformationSource.RECORD,
                    agency="csc",
                )

        for child in self.children:
            self._plan_case(rng, child)

    def _make_child(self, rng: Rng, household: Household, age: int, mixed: bool) -> Child:
        sex = rng.choices((Sex.MALE, Sex.FEMALE, Sex.NOT_KNOWN), (56, 43, 1))[0]
        origin = ORIGIN.get(household.ethnicity, "british")
        if mixed and rng.chance(0.4):
            origin = ORIGIN.get(household.father_ethnicity, "british")
        given = self._name(rng, origin, "boys" if sex == Sex.MALE else "girls")
        dob = self._dob_for_age(rng, age)
        young_adult = age >= 18
        school = self._choose_school(rng, household.ward, age)
        precision = (
            ((DatePrecision.EXACT, 97), (DatePrecision.ESTIMATED, 3))
            if young_adult
            else (
                (DatePrecision.EXACT, 92),
                (DatePrecision.MONTH, 3),
                (DatePrecision.YEAR, 1.5),
                (DatePrecision.ESTIMATED, 2.5),
                ("none", 1),
            )
        )
        person = self._person(
            rng,
            given=given,
            family=household.surname,
            sex=sex,
            dob=dob,
            ethnicity=household.ethnicity,
            precision_weights=precision,
            school_id=school.id if school else None,
            middle_pool=origin,
        )
        if rng.chance(0.006):
            person.gender_identity = rng.choice(("Non-binary", "Trans boy", "Trans girl"))
        if given in names.PREFERRED_NAMES and rng.chance(0.3):
            person.preferred_name = names.PREFERRED_NAMES[given]
        child = Child(
            person=person,
            sex=sex,
            dob=dob,
            ward=household.ward,
            school_id=person.school_id,
            young_adult=young_adult,
        )
        # Current address: the family home (a care-home move, if any, comes with the case).
        child.address = self._add_address(
            person.id, household.address, max(household.moved_in, dob)
        )
        if household.previous and household.previous["moved_out"] > dob:
            prev = dict(household.previous)
            moved_in, moved_out = max(prev.pop("moved_in"), dob), prev.pop("moved_out")
            self._add_address(person.id, prev, moved_in, moved_out)
        return child

    def _choose_school(self, rng: Rng, ward: WardArea, age: int) -> Place | None:
        if age <= 10:
            phase = "primary"
        elif age <= 15:
            phase = rng.choices(("secondary", "alternative", "special"), (90, 5, 5))[0]
        elif age <= 17:
            phase = rng.choices(("college", "secondary", "alternative", None), (45, 30, 5, 20))[0]
        elif age == 18:
            phase = rng.choices(("college", None), (40, 60))[0]
        else:
            return None
        if phase is None:
            return None
        if phase not in self.schools_by_phase:
            phase = "secondary"
        pool = self.schools_by_phase[phase]
        local = self.local_schools.get((phase, ward.code))
        if local and rng.chance(0.6):
            return rng.choice(local)
        return rng.choice(pool)

    def _make_parents(self, rng: Rng, household: Household) -> None:
        eldest_age = _age_on(min(c.dob for c in household.children), self.today)
        parents: list[tuple[Person, str, bool]] = []  # person, detail, lives with the children
        mother = rng.chance(0.86)
        father = rng.chance(0.5)
        parent_precision = (
            (DatePrecision.EXACT, 84),
            (DatePrecision.YEAR, 4),
            (DatePrecision.ESTIMATED, 4),
            ("none", 8),
        )
        # A mixed-heritage child's mother is recorded White British, the father by the other half.
        mixed = household.ethnicity in MIXED_FATHER
        mother_eth = Ethnicity.WHITE_BRITISH if mixed else household.ethnicity
        if mother:
            eth = mother_eth
            origin = ORIGIN.get(eth, "british")
            family = household.surname if rng.chance(0.65) else self._surname(rng, eth)
            person = self._person(
                rng,
                given=self._name(rng, origin, "women"),
                family=family,
                sex=Sex.FEMALE,
                dob=self._dob_for_age(rng, eldest_age + rng.randint(17, 40)),
                ethnicity=eth,
                precision_weights=parent_precision,
                middle_pool=origin,
            )
            parents.append((person, "mother", True))
        if father:
            eth = household.father_ethnicity
            origin = ORIGIN.get(eth, "british")
            family = household.surname if rng.chance(0.8) else self._surname(rng, eth)
            person = self._person(
                rng,
                given=self._name(rng, origin, "men"),
                family=family,
                sex=Sex.MALE,
                dob=self._dob_for_age(rng, eldest_age + rng.randint(19, 45)),
                ethnicity=eth,
                precision_weights=parent_precision,
                middle_pool=origin,
            )
            parents.append((person, "father", not mother or rng.chance(0.65)))
        if not parents:
            sex = rng.choice((Sex.FEMALE, Sex.FEMALE, Sex.MALE))
            person = self._person(
                rng,
                given=self._name(
                    rng, ORIGIN.get(mother_eth, "british"), "women" if sex == Sex.FEMALE else "men"
                ),
                family=household.surname if rng.chance(0.5) else self._surname(rng, mother_eth),
                sex=sex,
                dob=self._dob_for_age(rng, eldest_age + rng.randint(30, 55)),
                ethnicity=mother_eth,
                precision_weights=parent_precision,
            )
            parents.append((person, "carer", True))
        for person, detail, at_home in parents:
            if at_home:
                self._add_address(person.id, household.address, household.moved_in)
                if household.previous:
                    prev = dict(household.previous)
                    self._add_address(person.id, prev, prev.pop("moved_in"), prev.pop("moved_out"))
            else:
                self._add_address(
                    person.id,
                    self._address(rng, self.population.pick(rng)),
                    self.today - timedelta(days=rng.randint(30, 3000)),
                )
            if rng.chance(0.85):
                self._nhs(rng, person.id)
            if rng.chance(0.2):
                self._local_id(rng, person.id, IdentifierScheme.MOSAIC_ID, "MOS", 7)
            if rng.chance(0.08):
                self._local_id(rng, person.id, IdentifierScheme.POLICE_NOMINAL_ID, "NOM", 7)
            for child in household.children:
                self._relationship(
                    rng,
                    child.person.id,
                    person.id,
                    RelationshipKind.FAMILY,
                    detail,
                    source=InformationSource.RECORD,
                    agency=rng.choice(("csc", "csc", "education", "health")),
                    started=child.dob if detail != "carer" else None,
                )

    # --- cases, flags and factors ---------------------------------------------------------------

    def _plan_case(self, rng: Rng, child: Child) -> None:
        person = child.person
        # A latent risk drives how many vulnerability factors a child has; factors drive flags.
        risk = rng.betavariate(1.4, 2.6) + (0.25 if child.young_adult else 0.0)
        age = _age_on(child.dob, self.today)
        factors = []
        for factor, base in FACTOR_PREVALENCE.items():
            p = base * (0.35 + 2.0 * risk)
            if factor == VulnerabilityFactor.SUBSTANCE_MISUSE and age < 13:
                p *= 0.3
            if factor == VulnerabilityFactor.IMMIGRATION_STATUS and person.ethnicity not in (
                Ethnicity.WHITE_BRITISH,
                Ethnicity.NOT_OBTAINED,
            ):
                p *= 8
            if rng.chance(min(p, 0.9)):
                factors.append(factor)
        k = len(factors)
        p_flag = 0.95 if child.young_adult else 0.03 + (1 - math.exp(-0.24 * k))
        harms: dict[str, str] = {}
        if rng.chance(p_flag):
            weights = HARM_WEIGHTS[child.sex]
            count = rng.choices((1, 2, 3), (60, 30, 10))[0]
            while len(harms) < count:
                harm = rng.choices(list(weights), list(weights.values()))[0]
                harms[harm] = (
                    FlagStatus.SUBJECT_TO if rng.chance(0.25 + 0.05 * k) else FlagStatus.AT_RISK
                )
            if harms.keys() & {HarmType.CCE, HarmType.CSE} and rng.chance(0.35):
                harms.setdefault(HarmType.MISSING, FlagStatus.SUBJECT_TO)
        child.harms = harms

        # The case: opened in the window, most still open.
        opened = self.start + timedelta(days=rng.randint(0, HISTORY_DAYS))
        age_at_open = _age_on(child.dob, opened)
        exploited = harms.keys() & EXPLOITATION_HARMS
        if child.young_adult and harms:
            level = CaseLevel.EXPLOITATION
            if age_at_open <= 17 and rng.chance(0.3):
                level = CaseLevel.YOUTH_JUSTICE
        elif exploited and (
            FlagStatus.SUBJECT_TO in [harms[h] for h in exploited] or rng.chance(0.5)
        ):
            level = rng.choices(
                (
                    CaseLevel.EXPLOITATION,
                    CaseLevel.CHILD_PROTECTION,
                    CaseLevel.CHILD_IN_NEED,
                    CaseLevel.CHILD_LOOKED_AFTER,
                ),
                (58, 18, 14, 10),
            )[0]
        elif HarmType.SYV in harms and rng.chance(0.5):
            level = CaseLevel.YOUTH_JUSTICE
        else:
            level = rng.choices(
                (
                    CaseLevel.EARLY_HELP,
                    CaseLevel.CHILD_IN_NEED,
                    CaseLevel.CHILD_PROTECTION,
                    CaseLevel.CHILD_LOOKED_AFTER,
                    CaseLevel.YOUTH_JUSTICE,
                ),
                (40, 30, 13, 10, 7),
            )[0]
        if level == CaseLevel.YOUTH_JUSTICE and age_at_open < 10:
            level = CaseLevel.CHILD_IN_NEED
        if child.young_adult and not harms:
            level = CaseLevel.CHILD_LOOKED_AFTER  # a care leaver, still open at 18+
        child.level = level

        # Factors the case level implies.
        if (
            level in (CaseLevel.CHILD_LOOKED_AFTER,)
            and VulnerabilityFactor.CIN_OR_CARE not in factors
        ):
            factors.append(VulnerabilityFactor.CIN_OR_CARE)
        if (
            level == CaseLevel.YOUTH_JUSTICE
            and VulnerabilityFactor.YOUTH_JUSTICE_CONTACT not in factors
        ):
            factors.append(VulnerabilityFactor.YOUTH_JUSTICE_CONTACT)
        child.factors = factors

        days_open = (self.today - opened).days
        closed = None
        if days_open >= 30 and rng.chance(0.32):
            closed = opened + timedelta(days=rng.randint(21, min(540, days_open)))
        child.case_open = closed is None
        child.opened_on = opened

        # A re-referral: an earlier case, opened and closed before this one.
        if (opened - self.start).days > 150 and rng.chance(0.12):
            prev_open = self.start + timedelta(
                days=rng.randint(0, (opened - self.start).days - 120)
            )
            prev_close = prev_open + timedelta(days=rng.randint(21, (opened - prev_open).days - 30))
            prev_level = rng.choice((CaseLevel.EARLY_HELP, CaseLevel.CHILD_IN_NEED))
            if _age_on(child.dob, prev_open) >= 8:
                self._case(rng, child, prev_level, prev_open, prev_close, {})

        case = self._case(rng, child, level, opened, closed, harms)

        # Factors, identified around the case.
        for factor in factors:
            identified = rng.day_between(
                max(self.start - timedelta(days=365), child.dob),
                min(self.today, opened + timedelta(days=90)),
            )
            ended = None
            if rng.chance(0.15):
                ended = rng.day_between(identified, self.today)
            self.rows[Vulnerability].append(
                Vulnerability(
                    person_id=person.id,
                    factor=factor,
                    identified_on=identified,
                    ended_on=ended,
                    recorded_by_id=self._lead_worker(case) or self.raisers.pick(rng),
                )
            )

        # Flags, raised around the case opening and reviewed on a cycle.
        span_end = closed or self.today
        for harm, status in harms.items():
            if rng.chance(0.2):
                raised = rng.day_between(max(self.start, opened - timedelta(days=60)), opened)
            else:
                raised = rng.day_between(opened, min(span_end, opened + timedelta(days=120)))
            cycle = rng.choice((28, 56, 90, 90, 180))
            review = raised + timedelta(days=cycle)
            flag_closed = None
            if closed and rng.chance(0.8):
                flag_closed = max(closed, raised)
            elif not closed and rng.chance(0.15):
                flag_closed = rng.day_between(raised, self.today)
            if flag_closed is None and review < self.today and rng.chance(0.8):
                # Reviewed on time so far: the next review is the first cycle date from today.
                cycles = math.ceil((self.today - raised).days / cycle)
                review = raised + timedelta(days=cycles * cycle)
            raiser = self._lead_worker(case) if rng.chance(0.5) else None
            self.rows[Flag].append(
                Flag(
                    person_id=person.id,
                    harm_type=harm,
                    status=status,
                    reason=rng.choice(FLAG_REASONS[harm]),
                    raised_on=raised,
                    raised_by_id=raiser or self.raisers.pick(rng),
                    review_on=review,
                    closed_on=flag_closed,
                )
            )

        # Identifiers.
        if rng.chance(0.97):
            self._nhs(rng, person.id)
        if rng.chance(0.95):
            self._upn(rng, person.id, child.dob)
        if person.school_id or (age <= 18 and rng.chance(0.6)):
            self._local_id(rng, person.id, IdentifierScheme.SYNERGY_ID, "", rng.choice((6, 7)))
        if level != CaseLevel.EARLY_HELP or rng.chance(0.3):
            self._local_id(rng, person.id, IdentifierScheme.MOSAIC_ID, "MOS", rng.choice((6, 7)))
        yjs_known = (
            level == CaseLevel.YOUTH_JUSTICE
            or VulnerabilityFactor.YOUTH_JUSTICE_CONTACT in factors
            or self._case_has_team(case, "yjs")
        )
        police_known = yjs_known or bool(harms.keys() & {HarmType.CCE, HarmType.SYV, HarmType.CSE})
        if yjs_known:
            self._local_id(rng, person.id, IdentifierScheme.YOUTH_JUSTICE_ID, "YJ", 6)
        if police_known and rng.chance(0.6 if yjs_known else 0.4):
            self._local_id(rng, person.id, IdentifierScheme.POLICE_NOMINAL_ID, "NOM", 7)
        if age >= 14 and (
            (yjs_known and rng.chance(0.55))
            or (harms.keys() & {HarmType.CCE, HarmType.SYV} and rng.chance(0.2))
        ):
            self._pnc(rng, person.id, child.dob)

        # Aliases.
        if harms and rng.chance(0.12):
            self._alias(rng, person, Alias.Kind.STREET)
        if rng.chance(0.06):
            self._alias(rng, person, Alias.Kind.NICKNAME)
        if harms.keys() & {HarmType.CSE, HarmType.RADICALISATION} and rng.chance(0.3):
            self._alias(rng, person, Alias.Kind.ONLINE)

        # Looked-after children: some live in a children's home, the rest with foster carers.
        if level == CaseLevel.CHILD_LOOKED_AFTER and child.case_open and not child.young_adult:
            self._move_into_care(rng, child, opened)

    def _move_into_care(self, rng: Rng, child: Child, opened: date) -> None:
        moved = rng.day_between(opened, min(self.today, opened + timedelta(days=60)))
        current = child.address
        current.moved_out = max(moved, current.moved_in or moved)
        moved = current.moved_out
        if self.care_homes and rng.chance(0.35):
            home = rng.choice(self.care_homes)
            line1, town = home.address.rsplit(", ", 1)
            fields = {
                "line1": line1,
                "town": town,
                "postcode": home.postcode,
                "ward_id": home.ward_id,
                "latitude": home.latitude,
                "longitude": home.longitude,
            }
            self._add_address(child.person.id, fields, moved)
            self._place_link(
                rng,
                child.person.id,
                home,
                PlaceAssociationKind.LIVES_AT,
                moved,
                source=InformationSource.RECORD,
                agency="csc",
                confidence=Confidence.CONFIRMED,
            )
        else:
            self._add_address(child.person.id, self._address(rng, self.population.pick(rng)), moved)

    def _case(self, rng: Rng, child: Child, level: str, opened: date, closed, harms) -> Case:
        case = Case(
            id=rng.uuid(),
            person_id=child.person.id,
            reference="",  # numbered in opening order once every case exists
            level=level,
            status=CaseStatus.CLOSED if closed else CaseStatus.OPEN,
            opened_on=opened,
            closed_on=closed,
            close_reason=rng.choice(CLOSE_REASONS) if closed else "",
            summary=rng.choice(CASE_SUMMARIES[level]),
        )
        self.rows[Case].append(case)
        case_harms = set(harms)
        if level == CaseLevel.EXPLOITATION and not case_harms & EXPLOITATION_HARMS:
            case_harms.add(HarmType.CCE)
        for harm in sorted(case_harms):
            self.rows[CaseHarm].append(CaseHarm(case_id=case.id, harm_type=harm))
        self._allocate(rng, case, child, case_harms)
        return case

    def _allocate(self, rng: Rng, case: Case, child: Child, harms: set) -> None:
        opened, closed, level = case.opened_on, case.closed_on, case.level
        end = closed or self.today
        allocations: list[Allocation] = []
        self.case_allocations[case.id] = allocations

        def add(team: str, role: str, started: date, ended: date | None = None) -> None:
            started = min(started, end)
            if ended is not None:
                ended = max(started, min(ended, end))
            elif closed:
                ended = closed
            workers = self.workers.get(team)
            worker = rng.choice(workers) if workers else None
            if worker and ended is None and rng.chance(0.05):
                worker = None  # awaiting allocation
            if team == "police-exploitation" and rng.chance(0.5):
                worker = self.user_id["police.officer"]
            allocations.append(
                Allocation(
                    case_id=case.id,
                    team_id=self.team_id[team],
                    worker_id=worker,
                    role=role,
                    started_on=started,
                    ended_on=ended,
                )
            )

        recent = (self.today - opened).days <= 28
        if not closed and recent and level != CaseLevel.YOUTH_JUSTICE and rng.chance(0.85):
            add("ifd", AllocationRole.LEAD, opened)  # still in the Front Door
            return
        start = opened
        if level != CaseLevel.YOUTH_JUSTICE and rng.chance(0.6):
            start = opened + timedelta(days=rng.randint(1, 7))
            add("ifd", AllocationRole.LEAD, opened, start)
        if level in (
            CaseLevel.CHILD_IN_NEED,
            CaseLevel.CHILD_PROTECTION,
            CaseLevel.CHILD_LOOKED_AFTER,
        ):
            if (end - start).days <= 60:
                add("assessment", AllocationRole.LEAD, start)
            else:
                handover = start + timedelta(days=rng.randint(30, 60))
                add("assessment", AllocationRole.LEAD, start, handover)
                add("cypf", AllocationRole.LEAD, handover)
        else:
            lead = {
                CaseLevel.EARLY_HELP: "early-help",
                CaseLevel.YOUTH_JUSTICE: "yjs",
                CaseLevel.EXPLOITATION: "specialist",
            }[level]
            add(lead, AllocationRole.LEAD, start)
        current = {a.team_id for a in allocations if a.ended_on is None or closed}

        def support(team: str, p: float) -> None:
            if self.team_id[team] not in current and rng.chance(p):
                current.add(self.team_id[team])
                add(team, AllocationRole.SUPPORTING, start + timedelta(days=rng.randint(0, 60)))

        if HarmType.HSB in harms:
            support("hsb", 0.8)
        if harms & EXPLOITATION_HARMS and level in (
            CaseLevel.CHILD_IN_NEED,
            CaseLevel.CHILD_PROTECTION,
            CaseLevel.CHILD_LOOKED_AFTER,
            CaseLevel.YOUTH_JUSTICE,
        ):
            support("specialist", 0.5)
        if level == CaseLevel.EXPLOITATION:
            support("police-exploitation", 0.35)
            if harms & {HarmType.CCE, HarmType.SYV}:
                support("yjs", 0.25)
            support("cypf", 0.2)
        if HarmType.SYV in harms and level != CaseLevel.YOUTH_JUSTICE:
            support("yjs", 0.2)
        support("health-safeguarding", 0.06)
        if child.school_id and harms:
            support(self.school_team_of[child.school_id], 0.15)

    def _lead_worker(self, case: Case) -> int | None:
        for allocation in reversed(self.case_allocations[case.id]):
            if allocation.role == AllocationRole.LEAD and allocation.worker_id:
                return allocation.worker_id
        return None

    def _case_has_team(self, case: Case, team: str) -> bool:
        team_id = self.team_id[team]
        return any(a.team_id == team_id for a in self.case_allocations[case.id])

    # --- people known through the children ------------------------------------------------------

    def _build_peers(self) -> None:
        rng = self._stream("peers")
        flagged = [c for c in self.children if c.harms]
        by_school = defaultdict(list)
        by_ward = defaultdict(list)
        for c in self.children:
            if c.school_id:
                by_school[c.school_id].append(c)
            by_ward[c.ward.code].append(c)
        self.peer_pairs: set[frozenset] = set()

        for child in self.children:
            count = rng.choice((0, 1, 1, 2, 2, 3, 4) if child.harms else (0, 0, 0, 1))
            for _ in range(count):
                roll = rng.random()
                if roll < 0.5 and child.school_id:
                    other = rng.choice(by_school[child.school_id])
                elif roll < 0.85:
                    other = rng.choice(by_ward[child.ward.code])
                else:
                    other = rng.choice(flagged or self.children)
                self._peer_tie(rng, child, other)

        # Partners between older children.
        older = [c for c in self.children if _age_on(c.dob, self.today) >= 15]
        for child in older:
            if rng.chance(0.03):
                other = rng.choice(older)
                if other.sex != child.sex and other is not child:
                    self._peer_tie(
                        rng,
                        child,
                        other,
                        kind=RelationshipKind.INTIMATE_PARTNER,
                        detail=rng.choice(("boyfriend", "girlfriend", "partner")),
                    )

        # Peers known only through a known child.
        self.unknown_peers: list[tuple[Person, WardArea]] = []
        for _ in range(self._n(PEERS_PER_SCALE)):
            anchor = rng.choice(flagged or self.children)
            ward = anchor.ward if rng.chance(0.7) else self.population.pick(rng)
            sex = rng.choices((Sex.MALE, Sex.FEMALE), (60, 40))[0]
            age = rng.randint(12, 19)
            dob = self._dob_for_age(rng, age)
            eth = self.ethnicities.pick(rng)
            origin = ORIGIN.get(eth, "british")
            school = self._choose_school(rng, ward, age) if rng.chance(0.8) else None
            person = self._person(
                rng,
                given=self._name(rng, origin, "boys" if sex == Sex.MALE else "girls"),
                family=self._surname(rng, eth),
                sex=sex,
                dob=dob,
                ethnicity=eth,
                precision_weights=(
                    (DatePrecision.EXACT, 60),
                    (DatePrecision.ESTIMATED, 20),
                    ("none", 20),
                ),
                school_id=school.id if school else None,
            )
            self.unknown_peers.append((person, ward))
            if rng.chance(0.6):
                self._add_address(
                    person.id,
                    self._address(rng, ward),
                    self.today - timedelta(days=rng.randint(30, 3000)),
                )
            if rng.chance(0.7):
                self._nhs(rng, person.id)
            if rng.chance(0.6):
                self._upn(rng, person.id, dob)
            if rng.chance(0.4):
                self._local_id(rng, person.id, IdentifierScheme.SYNERGY_ID, "", 7)
            if rng.chance(0.25):
                self._local_id(rng, person.id, IdentifierScheme.POLICE_NOMINAL_ID, "NOM", 7)
            if rng.chance(0.15):
                self._alias(rng, person, Alias.Kind.STREET)
            links = [anchor] + [
                rng.choice(by_ward[ward.code] or self.children)
                for _ in range(rng.choice((0, 0, 1, 2)))
            ]
            for child in links:
                pair = frozenset((child.person.id, person.id))
                if pair in self.peer_pairs:
                    continue
                self.peer_pairs.add(pair)
                started = rng.day_between(self.start, self.today)
                self._relationship(
                    rng,
                    child.person.id,
                    person.id,
                    RelationshipKind.PEER,
                    rng.choice(("friend", "associate", "friend", "older friend")),
                    started=started,
                )

    def _peer_tie(
        self, rng: Rng, a: Child, b: Child, *, kind=RelationshipKind.PEER, detail: str = ""
    ) -> None:
        if a is b:
            return
        pair = frozenset((a.person.id, b.person.id))
        if pair in self.peer_pairs:
            return
        self.peer_pairs.add(pair)
        started = rng.day_between(self.start, self.today)
        ended = rng.day_between(started, self.today) if rng.chance(0.12) else None
        self._relationship(
            rng,
            a.person.id,
            b.person.id,
            kind,
            detail or rng.choice(("friend", "school friend", "friend", "associate")),
            started=started,
            ended=ended,
        )

    def _build_adults_of_concern(self) -> None:
        rng = self._stream("adults")
        self.adults: list[tuple[Person, WardArea]] = []
        reach = []
        ages = Picker(
            list(range(19, 46)), [6 if a <= 25 else 3 if a <= 32 else 1 for a in range(19, 46)]
        )
        for _ in range(self._n(ADULTS_OF_CONCERN_PER_SCALE)):
            ward = self.busy.pick(rng)
            sex = rng.choices((Sex.MALE, Sex.FEMALE), (86, 14))[0]
            eth = self.ethnicities.pick(rng)
            origin = ORIGIN.get(eth, "british")
            dob = self._dob_for_age(rng, ages.pick(rng))
            person = self._person(
                rng,
                given=self._name(rng, origin, "men" if sex == Sex.MALE else "women"),
                family=self._surname(rng, eth),
                sex=sex,
                dob=dob,
                ethnicity=eth,
                precision_weights=(
                    (DatePrecision.EXACT, 50),
                    (DatePrecision.ESTIMATED, 25),
                    (DatePrecision.YEAR, 10),
                    ("none", 15),
                ),
                middle_pool=origin,
            )
            self.adults.append((person, ward))
            reach.append(min(12.0, rng.paretovariate(1.2)))  # a few reach many children
            if rng.chance(0.85):
                self._add_address(
                    person.id,
                    self._address(rng, ward),
                    self.today - timedelta(days=rng.randint(30, 2500)),
                )
            if rng.chance(0.45):
                self._nhs(rng, person.id)
            if rng.chance(0.92):
                self._local_id(rng, person.id, IdentifierScheme.POLICE_NOMINAL_ID, "NOM", 7)
            if rng.chance(0.8):
                self._pnc(rng, person.id, dob)
            if rng.chance(0.5):
                self._alias(rng, person, rng.choice((Alias.Kind.STREET, Alias.Kind.ALIAS)))
            if rng.chance(0.2):
                self._alias(rng, person, Alias.Kind.ONLINE)
        if not self.adults:
            return
        self.adult_reach = dict(zip((p.id for p, _ in self.adults), reach, strict=True))
        all_adults = Picker(self.adults, reach)
        by_ward = defaultdict(list)
        for (person, ward), r in zip(self.adults, reach, strict=True):
            by_ward[ward.code].append(((person, ward), r))
        ward_pickers = {
            code: Picker([a for a, _ in pairs], [r for _, r in pairs])
            for code, pairs in by_ward.items()
        }

        for child in self.children:
            concern = child.harms.keys() & (EXPLOITATION_HARMS | {HarmType.SYV})
            if not concern:
                continue
            count = rng.choices((0, 1, 2, 3), (30, 45, 20, 5))[0]
            linked = set()
            for _ in range(count):
                local = ward_pickers.get(child.ward.code)
                person, _ward = (local if local and rng.chance(0.5) else all_adults).pick(rng)
                if person.id in linked:
                    continue
                linked.add(person.id)
                harm = rng.choice(sorted(concern & AOC_DETAILS.keys()))
                started = rng.day_between(
                    max(self.start, child.opened_on - timedelta(days=90)), self.today
                )
                self._relationship(
                    rng,
                    child.person.id,
                    person.id,
                    RelationshipKind.ADULT_OF_CONCERN,
                    rng.choice(AOC_DETAILS[harm]),
                    source=rng.choices(
                        (
                            InformationSource.INTELLIGENCE,
                            InformationSource.DISCLOSURE,
                            InformationSource.OBSERVATION,
                        ),
                        (70, 15, 15),
                    )[0],
                    agency="police" if rng.chance(0.75) else "csc",
                    started=started,
                )
        # Adults of concern associate with each other.
        pairs = set()
        for person, ward in self.adults:
            for _ in range(rng.choice((0, 1, 1, 2))):
                local = ward_pickers.get(ward.code)
                other, _w = (local if local and rng.chance(0.6) else all_adults).pick(rng)
                pair = frozenset((person.id, other.id))
                if other.id == person.id or pair in pairs:
                    continue
                pairs.add(pair)
                self._relationship(
                    rng,
                    person.id,
                    other.id,
                    RelationshipKind.ASSOCIATE,
                    "associate",
                    source=InformationSource.INTELLIGENCE,
                    agency="police",
                    started=rng.day_between(self.start - timedelta(days=365), self.today),
                )

    # --- places and groups people are linked to -------------------------------------------------

    def _place_link(
        self,
        rng: Rng,
        person_id,
        place: Place,
        kind: str,
        first: date,
        *,
        source=None,
        agency=None,
        confidence=None,
        last=None,
    ) -> None:
        if last is None:
            last = rng.day_between(first, min(self.today, first + timedelta(days=240)))
        agency = agency or rng.choices(*zip(*SOURCE_AGENCY_WEIGHTS, strict=True))[0]
        recorders = self.users_by_agency.get(agency) or [None]
        self.rows[PersonPlace].append(
            PersonPlace(
                person_id=person_id,
                place_id=place.id,
                kind=kind,
                first_seen=first,
                last_seen=last,
                source=source or rng.choices(*zip(*SOURCE_WEIGHTS, strict=True))[0],
                source_agency_id=self.agency_id[agency],
                confidence=confidence or rng.choices(*zip(*CONFIDENCE_WEIGHTS, strict=True))[0],
                recorded_by_id=rng.choice(recorders),
            )
        )

    def _link_places(self) -> None:
        rng = self._stream("place-links")
        for child in self.children:
            if child.harms:
                count = rng.choices((0, 1, 2, 3, 4), (10, 30, 30, 20, 10))[0]
            else:
                count = 1 if rng.chance(0.2) else 0
            seen = set()
            for _ in range(count):
                harm = rng.choice(list(child.harms)) if child.harms else None
                local = self.ward_places.get(child.ward.code)
                if harm and rng.chance(0.55):
                    place = self.place_picker[harm].pick(rng) if self.place_picker[harm] else None
                elif local and rng.chance(0.6):
                    place = local.pick(rng)
                else:
                    place = self.all_places.pick(rng)
                if place is None or place.id in seen:
                    continue
                seen.add(place.id)
                kinds = [
                    PlaceAssociationKind.FREQUENTS,
                    PlaceAssociationKind.SEEN_AT,
                    PlaceAssociationKind.INCIDENT,
                ]
                weights = [40, 35, 12]
                if HarmType.MISSING in child.harms:
                    kinds.append(PlaceAssociationKind.FOUND_AT)
                    weights.append(20)
                kind = rng.choices(kinds, weights)[0]
                first = rng.day_between(
                    max(self.start, child.opened_on - timedelta(days=60)), self.today
                )
                self._place_link(rng, child.person.id, place, kind, first)
        for person, ward in self.adults:
            seen = set()
            for _ in range(rng.choices((1, 2, 3), (40, 40, 20))[0]):
                local = self.ward_places.get(ward.code)
                place = (local if local and rng.chance(0.4) else self.all_places).pick(rng)
                if place.id in seen:
                    continue
                seen.add(place.id)
                self._place_link(
                    rng,
                    person.id,
                    place,
                    rng.choice((PlaceAssociationKind.FREQUENTS, PlaceAssociationKind.SEEN_AT)),
                    rng.day_between(self.start, self.today),
                    agency="police",
                )

    def _link_groups(self) -> None:
        rng = self._stream("group-links")
        by_ward = defaultdict(list)
        for c in self.children:
            by_ward[c.ward.code].append(c)
        flagged = [c for c in self.children if c.harms] or self.children
        big = set(rng.sample(range(len(self.peer_groups)), min(2, len(self.peer_groups))))
        rows = self.rows[PersonGroup]

        def link(person_id, group: Group, role: str, agency: str | None = None) -> None:
            first = rng.day_between(self.start, self.today)
            agency = agency or rng.choices(*zip(*SOURCE_AGENCY_WEIGHTS, strict=True))[0]
            rows.append(
                PersonGroup(
                    person_id=person_id,
                    group_id=group.id,
                    role=role,
                    first_seen=first,
                    last_seen=rng.day_between(first, self.today),
                    source=rng.choices(*zip(*SOURCE_WEIGHTS, strict=True))[0],
                    source_agency_id=self.agency_id[agency],
                    confidence=rng.choices(*zip(*CONFIDENCE_WEIGHTS, strict=True))[0],
                    recorded_by_id=rng.choice(self.users_by_agency.get(agency) or [None]),
                )
            )

        for index, group in enumerate(self.peer_groups):
            size = rng.randint(10, 22) if index in big else rng.randint(4, 11)
            local = by_ward.get(group.area_id, [])
            local_flagged = [c for c in local if c.harms]
            members: dict = {}
            for _ in range(size * 2):
                if len(members) >= size:
                    break
                pool = local_flagged if local_flagged and rng.chance(0.7) else (local or flagged)
                child = rng.choice(pool)
                members[child.person.id] = child
            for i, child in enumerate(members.values()):
                link(child.person.id, group, "leader" if i == 0 and rng.chance(0.3) else "member")
            self._tie_members(rng, list(members.values()))
            if self.adults and rng.chance(0.35):
                adult, _ward = rng.choice(self.adults)
                link(adult.id, group, "organiser", agency="police")
        for group in self.online_groups:
            size = rng.randint(5, 18)
            members = {}
            for _ in range(size * 2):
                if len(members) >= size:
                    break
                child = rng.choice(flagged)
                members[child.person.id] = child
            for child in members.values():
                link(child.person.id, group, "member")
            self._tie_members(rng, list(members.values()))
            if self.adults and rng.chance(0.3):
                adult, _ward = rng.choice(self.adults)
                link(adult.id, group, "admin", agency="police")

    def _tie_members(self, rng: Rng, members: list[Child]) -> None:
        for _ in range(len(members) // 2):
            a, b = rng.choice(members), rng.choice(members)
            self._peer_tie(rng, a, b)

    # --- finishing ------------------------------------------------------------------------------

    def _ensure_caseloads(self) -> None:
        """Each named demo practitioner is the worker on at least a few open cases."""
        open_cases = {c.id for c in self.rows[Case] if c.status == CaseStatus.OPEN}
        by_team = defaultdict(list)
        for case_id in sorted(open_cases, key=lambda i: i.int):
            for allocation in self.case_allocations[case_id]:
                if allocation.ended_on is None:
                    by_team[allocation.team_id].append(allocation)
        for team_code, worker in self.named_workers.items():
            current = by_team.get(self.team_id[team_code], [])
            mine = {a.case_id for a in current if a.worker_id == worker}
            for allocation in current:
                if len(mine) >= MIN_NAMED_CASELOAD:
                    break
                if allocation.case_id not in mine:
                    allocation.worker_id = worker
                    mine.add(allocation.case_id)

    def _number_cases(self) -> None:
        rng = self._stream("references")
        first = rng.randint(1000, 9000)
        cases = sorted(self.rows[Case], key=lambda c: (c.opened_on, c.id.int))
        for number, case in enumerate(cases, start=first):
            case.reference = f"CS-{number:06d}"

    def _write(self) -> None:
        self.rows[Allocation] = [a for c in self.rows[Case] for a in self.case_allocations[c.id]]
        for model in BULK_MODELS:
            bulk_insert(model, self.rows[model])


_PLAIN_TYPES = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "EmailField",
    "IntegerField",
    "PositiveIntegerField",
    "SlugField",
    "SmallIntegerField",
    "TextField",
}


def bulk_insert(model, objs: list, batch_size: int = BATCH_SIZE) -> None:
    """Insert unsaved instances with one prepared INSERT run over batches (executemany).

    What `bulk_create` does, minus its per-value SQL compilation, which is most of its cost at
    100,000+ rows. The instances must carry every value already, their UUID keys included;
    integer keys are left to the database and not read back. `auto_now`/`auto_now_add` fields
    get one timestamp for the lot. Values go through each field's `get_db_prep_save`, so the
    database sees exactly what `bulk_create` would have sent.
    """
    if not objs:
        return
    connection = connections[router.db_for_write(model)]
    meta = model._meta
    fields = [
        f
        for f in meta.concrete_fields
        if not (f.primary_key and f.get_internal_type() in ("AutoField", "BigAutoField"))
    ]
    now = timezone.now()
    getters = []
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            constant = f.get_db_prep_save(now, connection)
            getters.append(lambda obj, constant=constant: constant)
        elif (kind := (f.target_field if f.is_relation else f).get_internal_type()) in _PLAIN_TYPES:
            getters.append(operator.attrgetter(f.attname))
        elif kind == "UUIDField" and not connection.features.has_native_uuid_field:
            getters.append(  # what UUIDField.get_db_prep_value stores: 32 hex digits
                lambda obj, get=operator.attrgetter(f.attname): (
                    None if (v := get(obj)) is None else v.hex
                )
            )
        elif kind == "DateField" and connection.vendor == "sqlite":
            getters.append(  # what SQLite's adapt_datefield_value sends: ISO 8601
                lambda obj, get=operator.attrgetter(f.attname): (
                    None if (v := get(obj)) is None else v.isoformat()
                )
            )
        else:
            getters.append(
                lambda obj, f=f, get=operator.attrgetter(f.attname): f.get_db_prep_save(
                    get(obj), connection
                )
            )
    quote = connection.ops.quote_name
    # Table and column names come from the model's metadata, quoted; values are parameters.
    head = "INSERT INTO {} ({}) VALUES ".format(  # noqa: S608
        quote(meta.db_table), ", ".join(quote(f.column) for f in fields)
    )
    row = "({})".format(", ".join(["%s"] * len(fields)))
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":  # executemany is a C loop there: the fastest way
            for start in range(0, len(objs), batch_size):
                batch = objs[start : start + batch_size]
                cursor.executemany(head + row, [tuple(g(obj) for g in getters) for obj in batch])
            return
        if connection.vendor == "postgresql":  # COPY: PostgreSQL's bulk load
            columns = ", ".join(quote(f.column) for f in fields)
            copy_sql = f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN"
            with cursor.cursor.copy(copy_sql) as copy:
                for obj in objs:
                    copy.write_row(tuple(g(obj) for g in getters))
            return
        for start in range(0, len(objs), batch_size):
            batch = objs[start : start + batch_size]
            cursor.executemany(head + row, [tuple(g(obj) for g in getters) for obj in batch])


def generate(
    *, scale: float = 1.0, seed: int = 1, today: date | None = None, password: str | None = None
) -> SeedResult:
    """Build the synthetic borough in the database, all or nothing.

    Raises BoroughNotEmpty if people already exist, SeedClash if the demo agencies, teams or users
    do; either way nothing is written.
    """
    today = today or date.today()
    with transaction.atomic():
        existing = Person.objects.count()
        if existing:
            raise BoroughNotEmpty(
                f"The database already holds {existing} people; the synthetic borough is only "
                "seeded into a database without any."
            )
        borough = Borough(
            scale=scale, seed=seed, today=today, password=password or DEFAULT_PASSWORD
        )
        return borough.build()


# --- reading back ---------------------------------------------------------------------------------


def specialist_cohort():
    """People with an open case at the exploitation level or allocated to the specialist team."""
    return Person.objects.filter(
        Q(cases__status=CaseStatus.OPEN, cases__level=CaseLevel.EXPLOITATION)
        | Q(
            cases__status=CaseStatus.OPEN,
            cases__allocations__team__function=TeamFunction.SPECIALIST,
            cases__allocations__ended_on__isnull=True,
        )
    ).distinct()


def summary(today: date | None = None) -> dict[str, int]:
    today = today or date.today()
    try:
        adult_from = today.replace(year=today.year - 18)
    except ValueError:  # 29 February
        adult_from = today.replace(year=today.year - 18, day=28)
    counts = {
        "people": Person.objects.count(),
        "children (under 18)": Person.objects.filter(date_of_birth__gt=adult_from).count(),
        "children and young people with a case": Person.objects.filter(cases__isnull=False)
        .distinct()
        .count(),
        "cases": Case.objects.count(),
        "open cases": Case.objects.filter(status=CaseStatus.OPEN).count(),
        "specialist cohort": specialist_cohort().count(),
        "open flags": Flag.objects.filter(closed_on__isnull=True).count(),
        "identifiers": Identifier.objects.count(),
        "relationships": Relationship.objects.count(),
        "places": Place.objects.count(),
        "groups": Group.objects.count(),
        "place and group links": PersonPlace.objects.count() + PersonGroup.objects.count(),
        "users": User.objects.count(),
    }
    for extension in extensions():  # what later capabilities added: their first model's rows
        if extension.models:
            model = extension.models[0]
            counts[f"{model._meta.verbose_name_plural} ({extension.name})"] = model.objects.count()
    return counts


def _content_models():
    return (
        Agency,
        Team,
        User,
        Membership,
        *BULK_MODELS,
        *(model for extension in extensions() for model in extension.models),
    )


SKIPPED_FIELDS = {"created_at", "updated_at", "password", "last_login"}


def content_hash() -> str:
    """A SHA-256 over the seeded content, in a stable order.

    Covers every row of the models the generator writes, field by field, leaving out what differs
    between two identical runs: created_at/updated_at, integer keys handed out by the database
    (references to users, agencies and teams are replaced by username or code) and the password
    hash (its salt is random).
    """
    natural = {
        User: dict(User.objects.values_list("id", "username")),
        Agency: dict(Agency.objects.values_list("id", "code")),
        Team: dict(Team.objects.values_list("id", "code")),
    }
    digest = hashlib.sha256()
    for model in _content_models():
        fields = []
        for f in model._meta.concrete_fields:
            if f.name in SKIPPED_FIELDS:
                continue
            if f.primary_key and f.get_internal_type() in ("AutoField", "BigAutoField"):
                continue
            fields.append(f)
        rows = []
        for values in model.objects.values_list(*(f.attname for f in fields)):
            row = []
            for f, value in zip(fields, values, strict=True):
                if f.is_relation and f.related_model in natural:
                    value = natural[f.related_model].get(value)
                row.append("" if value is None else str(value))
            rows.append("\x1f".join(row))
        rows.sort()
        digest.update(f"{model._meta.label}:{len(rows)}\n".encode())
        for row in rows:
            digest.update(row.encode())
            digest.update(b"\n")
    return digest.hexdigest()
