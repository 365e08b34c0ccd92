"""Demo extension: the partnership's panels over the last year.

Four panels: the MACE panel (monthly), the child exploitation tactical group (CETG, fortnightly),
the HSB panel (monthly) and strategy meetings (convened a few days after the Front Door decided
on a strategy discussion). Each meeting has its invitees (the chair and the member agencies'
demo users, most attending, some sending apologies), an agenda published a week before, access
for the invitees until `rules.access_ends`, and, once held, structured minutes per item and
actions under the 4 Ps; the chair approves the minutes a few days later.

MACE: children with criminal or sexual exploitation cases come by referral: a Front Door decision
to refer to MACE about that child, an approved BACE assessment, a manager, or now and then a
partner; a few are declined. At a child's first MACE the panel records its risk judgement per
harm type (initial stage) and the reviews at 3 and 6 months are scheduled; the child comes back
for them, the review judgement holds the open review due by then nearest the meeting (as
`services.item_minute` does), and the 6-month outcomes vary: mostly reduced, some the same, a
few higher. Some reviews were never held (overdue). Adults of concern, hotspot places and peer
groups come too. The last MACE, a few days ago, is published but not yet minuted (its invitees
can see the children on it now; the demo can minute it); the next, a week ahead, is a draft
with referrals waiting to be put on its agenda.

HSB panel: referrals from children's social care (Front Door HSB pathway, AIM3 assessment,
manager) and from partners (schools, police, health); each referred child's incidents name one
to three children, each with their own role, on the Hackett continuum; children who harmed at
the serious end get direct work or therapy from the HSB service.

The services' rules hold for every row (see `cshub.panels.services`): one subject per item and
referral, a referral's route matching its contact or assessment, one waiting referral per
person and panel, actions due on or after their meeting and only on published agendas, closed
actions dated, judgements only for children, interventions starting after the incident.

Deterministic: one stream (`borough.stream("panels")`), rows read in a stable order, every date
derived from `borough.today` (local times in Europe/London, stored in UTC), written in bulk. The
calendar is the same at any scale (a panel hears what it can in a morning); only the pools the
children are drawn from grow.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import Count

from cshub.accounts.models import Agency, Membership, Team
from cshub.assessments.models import Assessment, AssessmentKind, AssessmentState
from cshub.contexts.models import PersonGroup, PersonPlace
from cshub.core import clocks
from cshub.core.vocab import FourP, HarmType, PlaceKind, RelationshipKind, TeamFunction
from cshub.frontdoor.choices import Outcome, SubjectRole
from cshub.frontdoor.models import ContactHarm, ContactSubject
from cshub.panels import rules
from cshub.panels.choices import (
    ActionStatus,
    Attendance,
    HackettLevel,
    HsbRole,
    InterventionKind,
    JudgementStage,
    PanelKind,
    ReferralSource,
    ReferralStatus,
)
from cshub.panels.models import (
    Action,
    AgendaItem,
    HsbIncident,
    HsbIntervention,
    HsbInvolvement,
    Invitee,
    Meeting,
    Panel,
    Referral,
    Review,
    RiskJudgement,
)
from cshub.people.models import CaseHarm, Relationship, age_on

from . import generator
from .extensions import Extension

AGENCIES = ("csc", "eh", "education", "yjs", "police", "health")
USERS = (
    "mace.chair",
    "specialist.worker",
    "specialist.manager",
    "police.officer",
    "police.analyst",
    "yjs.worker",
    "yjs.manager",
    "health.worker",
    "school.dsl",
    "hsb.worker",
    "cypf.worker",
    "cypf.manager",
    "eh.worker",
)

EXPLOITATION = (HarmType.CCE, HarmType.CSE)
JUDGED_HARMS = (
    HarmType.CCE,
    HarmType.CSE,
    HarmType.MISSING,
    HarmType.SYV,
    HarmType.MODERN_SLAVERY,
)
POOL_HARMS = (*JUDGED_HARMS, HarmType.HSB)
HOTSPOT_KINDS = (
    PlaceKind.PARK,
    PlaceKind.SHOP,
    PlaceKind.TAKEAWAY,
    PlaceKind.TRANSPORT,
    PlaceKind.LICENSED,
    PlaceKind.HOTEL,
    PlaceKind.YOUTH_CLUB,
    PlaceKind.STREET,
)
MACE_AGES = (10, 16)  # at referral: still a child at the 6-month review
HSB_AGES = (8, 17)

# Meeting states
APPROVED, MINUTED, PUBLISHED, DRAFT = "approved", "minuted", "published", "draft"

# The 6-month review's outcome against the initial MACE: mostly reduced, some the same, a few
# higher. Dealt in this order from a random starting point, so any run of four or more shows
# both reduced and not reduced.
SIX_MONTH_DECK = (
    "reduced",
    "same",
    "reduced",
    "higher",
    "reduced",
    "reduced",
    "same",
    "reduced",
    "reduced",
    "same",
)
# Incidents along the Hackett continuum, dealt in turn: mostly problematic and abusive.
HACKETT_DECK = (
    HackettLevel.PROBLEMATIC,
    HackettLevel.ABUSIVE,
    HackettLevel.INAPPROPRIATE,
    HackettLevel.VIOLENT,
    HackettLevel.PROBLEMATIC,
    HackettLevel.ABUSIVE,
    HackettLevel.NORMAL,
    HackettLevel.ABUSIVE,
    HackettLevel.VIOLENT,
    HackettLevel.PROBLEMATIC,
)
# Referral routes to the HSB panel, dealt in turn: children's social care and partners.
HSB_ROUTES = ("csc", "education", "csc", "police", "csc", "health", "education", "csc")


@dataclass(frozen=True)
class PanelSpec:
    kind: str
    name: str
    chair: str
    agencies: tuple[str, ...]
    core: tuple[str, ...]  # invited to every meeting, with the chair
    optional: tuple[str, ...]  # invited now and then
    hour: tuple[int, int]
    locations: tuple[str, ...]


PANELS = (
    PanelSpec(
        PanelKind.MACE,
        "MACE panel",
        "mace.chair",
        ("csc", "police", "education", "health", "yjs", "eh"),
        (
            "specialist.worker",
            "specialist.manager",
            "police.officer",
            "yjs.worker",
            "health.worker",
            "school.dsl",
        ),
        ("eh.worker", "cypf.manager"),
        (10, 0),
        ("Town Hall, Committee Room 2", "Online (Microsoft Teams)"),
    ),
    PanelSpec(
        PanelKind.CETG,
        "Child exploitation tactical group",
        "mace.chair",
        ("police", "csc", "yjs", "education"),
        ("police.officer", "police.analyst", "specialist.manager", "specialist.worker"),
        ("yjs.manager", "school.dsl"),
        (14, 0),
        ("Police station, briefing room 1", "Online (Microsoft Teams)"),
    ),
    PanelSpec(
        PanelKind.HSB,
        "HSB panel",
        "mace.chair",
        ("csc", "education", "health", "police"),
        ("hsb.worker", "specialist.manager", "school.dsl", "health.worker", "police.officer"),
        ("cypf.manager",),
        (13, 30),
        ("Family Centre, meeting room", "Online (Microsoft Teams)"),
    ),
    PanelSpec(
        PanelKind.STRATEGY,
        "Strategy meetings",
        "specialist.manager",
        ("csc", "police", "health", "education"),
        ("police.officer", "cypf.worker", "health.worker"),
        ("school.dsl", "specialist.worker", "yjs.worker"),
        (9, 30),
        ("Online (Microsoft Teams)", "Integrated Front Door, meeting room"),
    ),
)

# --- words ----------------------------------------------------------------------------------------

CONCERNS = {  # the child in the third person plural: the demo's children are of any sex
    HarmType.CCE: (
        "Found out of area twice with cash and a second phone; intelligence links them to a "
        "local drug line",
        "Carrying a bladed article when stopped; says they are paying off a debt for lost drugs",
        "Seen daily with older males outside a takeaway; new clothes and trainers the family "
        "cannot explain",
        "Arrested at an address used to deal class A drugs in another force area",
        "Out of school; spends the day with an adult of concern who 'gives them lifts'",
    ),
    HarmType.CSE: (
        "Picked up from school by older males in cars; disclosed 'parties' at a short-let flat",
        "Online contact with adults who send money for images; missing overnight twice",
        "An older 'partner' aged 23 supplies alcohol and cannabis; attending sexual health "
        "services",
        "Found in a hotel room with adults; would not say how they got there",
        "Images of them shared in a group chat; withdrawn and self-harming",
    ),
    HarmType.MISSING: (
        "Missing six times in eight weeks, often overnight; found at addresses linked to adults "
        "of concern",
        "Declines return home interviews; comes back tired, hungry and with unexplained money",
        "Missing from placement repeatedly; found in another force area",
    ),
    HarmType.SYV: (
        "Victim of a stabbing in the park; will not name those responsible",
        "In a fight that was filmed and shared online; threats of retaliation since",
        "Police intelligence of a rival group targeting them; carries a knife 'for protection'",
    ),
    HarmType.MODERN_SLAVERY: (
        "Found working unpaid at a car wash; documents held by an adult 'uncle'",
        "Made to sell drugs to pay off a debt; positive reasonable grounds decision (NRM)",
    ),
}
TREND_NOTES = {
    "initial": (
        "The panel agreed the level on everything shared today.",
        "Several agencies hold information pointing the same way; level agreed by consensus.",
        "Police intelligence is graded reliable and weighed accordingly.",
        "Protective factors (a trusted youth worker, part-time school) noted but do not "
        "outweigh the concerns.",
    ),
    "down": (
        "Fewer missing episodes since the safety plan; engaging with the specialist worker.",
        "Disruption of the adult of concern (warning notice issued) has broken the contact.",
        "Moved placement out of area; no sightings in the hotspot for two months.",
        "Back in full-time education; attendance 92% this half term.",
    ),
    "same": (
        "No real change: still going missing, though for shorter spells.",
        "Engagement is patchy; intelligence still links them to the same group.",
        "Some progress at school, but the adult of concern remains in contact.",
    ),
    "up": (
        "New intelligence: seen at an address used for dealing in another force area.",
        "Escalating: arrested with drugs and cash; injuries unexplained.",
        "New disclosure to the school nurse; missing twice more this month.",
    ),
}
CHILD_VOICE = (
    "'I'm not being exploited, they're my mates.' Wants to get a job in a garage.",
    "Told the worker they feel safer since moving school, but miss their friends.",
    "Did not want to talk about the adults; said 'you lot always make it worse'.",
    "Wants to go back to boxing; says the gym is the only place they feel calm.",
    "Says they know the 'parties' are not right now and want help to block numbers.",
    "Would not meet the worker before panel; their parent says they are frightened of being "
    "seen as a grass.",
    "Says they owe money and cannot stop until it is paid; asked whether the police can help.",
    "Liked the youth worker's sessions and wants them to carry on after the summer.",
    "'Nobody notices when I go missing anyway.' Wants more time with their nan.",
    "Not seen before panel (refused two visits); views taken from the last review and their "
    "parent.",
    "Told the social worker they want to move out of the area to 'start again'.",
    "Said the online friend was 'nice to me' and did not understand why people were worried.",
)
INFORMATION = {
    "police": (
        "Police: two intelligence logs this month placing them with adults of concern.",
        "Police: stop and search near the transport hub; cash found, no arrest.",
        "Police: no new intelligence since the last panel.",
    ),
    "education": (
        "School: attendance 61% this term; two suspensions.",
        "School: attendance up to 88%; meeting the mentor weekly.",
        "School: part-time timetable at alternative provision.",
    ),
    "health": (
        "Health: seen at the sexual health clinic; advice given.",
        "Health: A&E attendance with a hand injury; the account was inconsistent.",
        "Health: CAMHS referral accepted; first appointment booked.",
    ),
    "yjs": (
        "Youth justice: on a referral order, meeting the case manager weekly.",
        "Youth justice: no current order; voluntary sessions offered.",
    ),
    "csc": (
        "Specialist team: seen weekly; safety plan reviewed with the family.",
        "Social care: child protection plan in place; core group met last week.",
        "Specialist team: return home interviews completed after each episode.",
    ),
    "eh": ("Early help: family support worker visiting the younger siblings.",),
}
DISCUSSION = {
    "child": (
        "Panel discussed the pattern of missing episodes and the adults seen with the child.",
        "Agencies agreed the risk is outside the home; parents are protective but struggling.",
        "Discussion of whether a move of school would reduce contact with the peer group.",
        "Panel considered an NRM referral and the disruption options against the adults.",
    ),
    "adult": (
        "Police outlined the adult's links to several children known to the partnership.",
        "Panel considered which disruption tactics are open: warning notice, orders, arrest.",
    ),
    "place": (
        "Sightings of children with adults of concern at this location after school.",
        "Licensing and community safety described the complaints received this quarter.",
    ),
    "group": (
        "The group's members and their links to adults of concern were mapped by the analyst.",
        "Schools report the group meeting at lunchtimes and leaving together.",
    ),
    "hsb": (
        "Panel discussed the AIM3 outcome and the safety plan at home and at school.",
        "Schools and the HSB service agreed supervision arrangements between the children.",
        "Panel considered the support the harmed child is receiving and the family's views.",
    ),
    "strategy": (
        "Threshold for section 47 enquiries discussed; police to lead on the criminal "
        "investigation.",
        "Agencies shared what they hold; immediate safety of the child and siblings considered.",
    ),
}
DECISIONS = {
    "adult": (
        "Refer to CETG for tasking; police to consider a child abduction warning notice.",
        "Police to continue intelligence development; review at the next panel.",
    ),
    "place": (
        "Stays on the tasking list; licensing and police to visit; patrols after school.",
        "Hotspot response agreed: outreach youth workers on Friday evenings.",
    ),
    "group": (
        "Contextual assessment of the group to be completed; schools to share a joint plan.",
        "Group to be mapped against intelligence; outreach through the youth service.",
    ),
    "cetg_child": (
        "Disruption plan agreed; police to prioritise the adults around this child.",
        "Protective plan in place; no further tasking this round.",
    ),
    "school": (
        "Whole-school response: staff training on HSB and supervision at break times.",
        "Education safeguarding team to support the school's review of its HSB policy.",
    ),
    "hsb_new": (
        "Accepted by the HSB panel: AIM3 assessment and safety plan; review in two months.",
        "Accepted: direct work with the HSB service; supervision plan at school.",
        "Accepted: family safety planning; school to separate timetables.",
    ),
    "hsb_update": (
        "Progress noted; intervention continues; review in three months.",
        "Safety plan working at school; step down to the lead professional.",
        "Concerns persist; therapeutic input to be added to the plan.",
    ),
    "strategy": (
        "Section 47 enquiry to proceed (single agency, social care).",
        "Section 47 enquiry to proceed jointly with the police.",
        "Threshold not met for section 47; child in need assessment and a safety plan.",
    ),
}
ACTIONS = {
    FourP.PREVENT: (
        "Offer mentoring through the youth service",
        "Deliver an awareness session on exploitation to the child's year group",
        "Arrange a trusted adult at school for daily check-ins",
        "Refer to the positive activities programme (boxing club)",
    ),
    FourP.PURSUE: (
        "Complete a child abduction warning notice for the adult of concern",
        "Develop the intelligence on the address; submit a 3x5x2 report",
        "Apply for a closure order on the premises",
        "Target the vehicle seen collecting children (ANPR marker)",
    ),
    FourP.PROTECT: (
        "Update the safety plan with the family and share it with the school",
        "Licensing visit to the premises; review CCTV",
        "Arrange transport to and from school for the next half term",
        "Share the return home interview findings with the police",
    ),
    FourP.PREPARE: (
        "Prepare the NRM referral with the child's consent",
        "Plan for the child's return from the out-of-area placement",
        "Prepare the family for the criminal proceedings; victim support referral",
        "Agree a contingency plan if the child goes missing again",
    ),
}
FOUR_P_OWNERS = {
    FourP.PREVENT: ("csc", "education", "yjs", "eh", "health"),
    FourP.PURSUE: ("police", "police", "police", "csc"),
    FourP.PROTECT: ("csc", "police", "education", "health"),
    FourP.PREPARE: ("csc", "yjs", "police"),
}
DONE_UPDATES = (
    "Done; outcome shared with the panel.",
    "Completed and recorded on the case file.",
    "Done: the family agreed the plan.",
)
CANCELLED_UPDATES = (
    "Cancelled: the child moved out of the area; handed over to the receiving authority.",
    "Cancelled: overtaken by the strategy meeting's plan.",
    "Cancelled: the adult is in custody.",
)
OPEN_UPDATES = ("", "", "Chased at the last panel.", "Started; waiting for a date from the family.")
DECLINED_REASONS = (
    "Risk is managed through the child protection plan; MACE would add nothing for now.",
    "No indicators of exploitation found at screening; advice given to the referrer.",
    "The child is already known to another authority's panel; information shared with them.",
    "Threshold not met: support through early help; refer again if the concerns grow.",
)
HSB_REASONS = {
    "csc": (
        "AIM3 assessment recommends panel oversight of the safety plan.",
        "Sexualised behaviour towards a younger sibling reported by the foster carer.",
        "Front Door decision (HSB pathway): peer-on-peer sexual assault reported by a parent.",
    ),
    "education": (
        "School: sexualised behaviour towards younger pupils in the toilets; two children "
        "disclosed.",
        "School: pupil shared a sexual image of a classmate on social media.",
    ),
    "police": (
        "Police: report of a sexual assault by a peer at a party; victim is 14.",
        "Police: indecent images of a peer found on the child's phone.",
    ),
    "health": (
        "Health: a younger child disclosed to the school nurse being made to touch an older child.",
        "Health: sexualised behaviour noticed at a paediatric appointment.",
    ),
}
HSB_INCIDENTS = {
    HackettLevel.NORMAL: "Consensual, age-appropriate behaviour reported by a worried parent.",
    HackettLevel.INAPPROPRIATE: "Sexual language and gestures towards classmates.",
    HackettLevel.PROBLEMATIC: "Repeated sexualised behaviour towards younger children at break.",
    HackettLevel.ABUSIVE: "Coerced a younger child into sexual activity; threats not to tell.",
    HackettLevel.VIOLENT: "Sexual assault involving physical force; reported to the police.",
}


# --- helpers --------------------------------------------------------------------------------------


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=clocks.LONDON).astimezone(UTC)


def _weekday_before(day: date) -> date:
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def _weekday_after(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _age(dob: date | None, on: date) -> int | None:
    return age_on(dob, on) if dob else None


def _aged(dob: date | None, on: date, ages: tuple[int, int]) -> bool:
    age = _age(dob, on)
    return age is not None and ages[0] <= age <= ages[1]


@dataclass(eq=False)
class _Meeting:
    row: Meeting
    spec: PanelSpec
    day: date
    state: str
    invited: list[str]
    items: list = field(default_factory=list)
    subjects: set = field(default_factory=set)

    @property
    def minuted(self) -> bool:
        return self.state in (APPROVED, MINUTED)


@dataclass(eq=False)
class _Child:
    """A child heard at MACE: their initial judgement and scheduled reviews."""

    person_id: object
    dob: date
    harms: list
    first_day: date  # the initial MACE
    initial: dict = field(default_factory=dict)  # harm -> rank at the initial MACE
    reviews: list = field(default_factory=list)
    rolled: set = field(default_factory=set)  # reviews (by months) whose fate is decided
    never: set = field(default_factory=set)  # reviews (by months) never brought to panel
    tops: list = field(default_factory=list)  # (day, highest rank judged that day)

    def top_before(self, day: date) -> int | None:
        earlier = [top for d, top in self.tops if d < day]
        return earlier[-1] if earlier else None


# --- the seeder -----------------------------------------------------------------------------------


class _Panels:
    def __init__(self, borough):
        self.rng = borough.stream("panels")
        self.today = borough.today
        self.levels = [code for code, _ in rules.risk_levels()]
        self.rows: dict[type, list] = defaultdict(list)
        self.meetings: list[_Meeting] = []
        self.mace_children: dict = {}  # person id -> _Child
        self.used: dict[str, set] = defaultdict(set)  # panel kind -> people referred
        self.action_log: list[tuple[Action, _Meeting]] = []
        self.mace_harms: dict = {}  # person id -> harms to judge, once referred to MACE
        self.deck = self.rng.randrange(len(SIX_MONTH_DECK))
        self.hsb_route = self.rng.randrange(len(HSB_ROUTES))
        self.hackett = self.rng.randrange(len(HACKETT_DECK))

    # --- reading the borough ----------------------------------------------------------------------

    def load(self) -> bool:
        self.agency = dict(Agency.objects.filter(code__in=AGENCIES).values_list("code", "id"))
        if len(self.agency) < len(AGENCIES):
            return False  # not the demo borough's organisation
        self.agency_code = {v: k for k, v in self.agency.items()}
        self.user: dict[str, tuple[int, int]] = {}  # username -> (user id, agency id)
        for name, uid, agency in (
            Membership.objects.filter(ended_on__isnull=True, user__username__in=USERS)
            .order_by("user__username", "started_on", "id")
            .values_list("user__username", "user_id", "team__agency_id")
        ):
            self.user.setdefault(name, (uid, agency))
        hsb_team = (
            Team.objects.filter(function=TeamFunction.HSB_SERVICE)
            .order_by("code")
            .values_list("agency_id", flat=True)
            .first()
        )
        if len(self.user) < len(USERS) or hsb_team is None:
            return False
        self.hsb_agency = hsb_team
        start = self.today - timedelta(days=430)
        self._load_cases()
        self._load_front_door(start)
        self._load_assessments(start)
        self._load_ties()
        self._load_contexts()
        return True

    def _load_cases(self) -> None:
        self.dob: dict = {}
        self.school: dict = {}
        self.cases: dict = defaultdict(dict)  # person -> case id -> [opened, closed, harms]
        for case_id, person, opened, closed, harm, dob, school in (
            CaseHarm.objects.filter(harm_type__in=POOL_HARMS)
            .order_by("case_id", "harm_type")
            .values_list(
                "case_id",
                "case__person_id",
                "case__opened_on",
                "case__closed_on",
                "harm_type",
                "case__person__date_of_birth",
                "case__person__school_id",
            )
        ):
            self.dob[person] = dob
            self.school[person] = school
            self.cases[person].setdefault(case_id, [opened, closed, set()])[2].add(harm)
        self.case_people = sorted(self.cases, key=lambda p: p.int)
        self.with_harm = {  # people who ever had a case with these harms, in a stable order
            "exploitation": [p for p in self.case_people if self._ever(p) & set(EXPLOITATION)],
            HarmType.HSB: [p for p in self.case_people if HarmType.HSB in self._ever(p)],
        }

    def _ever(self, person) -> set:
        return {h for _o, _c, harms in self.cases[person].values() for h in harms}

    def harms_on(self, person, day: date) -> set:
        """Harm types of the person's cases open on that day."""
        return {
            h
            for opened, closed, harms in self.cases.get(person, {}).values()
            if opened <= day and (closed is None or closed >= day)
            for h in harms
        }

    def _load_front_door(self, start: date) -> None:
        self.fd: dict[str, list] = defaultdict(list)  # outcome -> events, oldest first
        contacts = set()
        for contact, person, outcome, decided_at, decided_by, dob, school in (
            ContactSubject.objects.filter(
                role=SubjectRole.CHILD,
                contact__decision__outcome__in=(
                    Outcome.MACE,
                    Outcome.HSB_PATHWAY,
                    Outcome.STRATEGY_DISCUSSION,
                ),
                contact__decision__decided_at__gte=_at(start, 0),
            )
            .order_by("contact__decision__decided_at", "contact_id", "person_id")
            .values_list(
                "contact_id",
                "person_id",
                "contact__decision__outcome",
                "contact__decision__decided_at",
                "contact__decision__decided_by_id",
                "person__date_of_birth",
                "person__school_id",
            )
        ):
            day = decided_at.astimezone(clocks.LONDON).date()
            if day >= self.today:
                continue
            self.dob.setdefault(person, dob)
            self.school.setdefault(person, school)
            self.fd[outcome].append((day, contact, person, decided_by, decided_at))
            contacts.add(contact)
        self.contact_harms = defaultdict(set)
        for contact, harm in (
            ContactHarm.objects.filter(
                contact__decision__outcome=Outcome.MACE,
                contact__decision__decided_at__gte=_at(start, 0),
            )
            .order_by("contact_id", "harm_type")
            .values_list("contact_id", "harm_type")
        ):
            self.contact_harms[contact].add(harm)
        # Everyone else a strategy contact names: siblings, peers, adults of concern.
        self.contact_others = defaultdict(list)
        for contact, person, role, dob in (
            ContactSubject.objects.filter(
                contact__decision__outcome=Outcome.STRATEGY_DISCUSSION,
                contact__decision__decided_at__gte=_at(start, 0),
                role__in=(SubjectRole.CHILD, SubjectRole.PEER, SubjectRole.ADULT_OF_CONCERN),
            )
            .order_by("contact_id", "person_id")
            .values_list("contact_id", "person_id", "role", "person__date_of_birth")
        ):
            self.contact_others[contact].append((person, role, dob))

    def _load_assessments(self, start: date) -> None:
        self.assessments: dict[str, list] = defaultdict(list)  # kind -> approved, oldest first
        for pk, kind, person, author, agency, approved_at, dob in (
            Assessment.objects.filter(
                state=AssessmentState.APPROVED,
                kind__in=(AssessmentKind.BACE, AssessmentKind.AIM3),
                approved_at__gte=_at(start, 0),
            )
            .order_by("approved_at", "id")
            .values_list(
                "id",
                "kind",
                "person_id",
                "author_id",
                "team__agency_id",
                "approved_at",
                "person__date_of_birth",
            )
        ):
            day = approved_at.astimezone(clocks.LONDON).date()
            if day < self.today:
                self.dob.setdefault(person, dob)
                self.assessments[kind].append((day, pk, person, author, agency))

    def _load_ties(self) -> None:
        self.adults_of = defaultdict(list)  # child -> adults of concern
        self.children_of = defaultdict(list)  # adult of concern -> children
        self.adult_dob: dict = {}
        for child, adult, dob in (
            Relationship.objects.filter(kind=RelationshipKind.ADULT_OF_CONCERN)
            .order_by("id")
            .values_list("person_id", "other_id", "other__date_of_birth")
        ):
            self.adults_of[child].append(adult)
            self.children_of[adult].append(child)
            self.adult_dob[adult] = dob
        self.adults = sorted(self.children_of, key=lambda a: (-len(self.children_of[a]), a.int))[
            :40
        ]
        self._peers: dict = {}

    def peers(self, person) -> list:
        """The person's peers and their dates of birth: one query per child referred to the HSB
        panel (a few dozen at any scale)."""
        if person not in self._peers:
            ties = Relationship.objects.filter(kind=RelationshipKind.PEER)
            self._peers[person] = [
                *ties.filter(person_id=person)
                .order_by("id")
                .values_list("other_id", "other__date_of_birth"),
                *ties.filter(other_id=person)
                .order_by("id")
                .values_list("person_id", "person__date_of_birth"),
            ]
        return self._peers[person]

    def _load_contexts(self) -> None:
        exploited = {"person__cases__harms__harm_type__in": EXPLOITATION}
        self.places = list(
            PersonPlace.objects.filter(place__kind__in=HOTSPOT_KINDS, **exploited)
            .values("place_id", "place__kind")
            .annotate(n=Count("person_id", distinct=True))
            .order_by("-n", "place_id")
            .values_list("place_id", "place__kind", "n")[:15]
        )
        self.groups = list(
            PersonGroup.objects.filter(**exploited)
            .values("group_id")
            .annotate(n=Count("person_id", distinct=True))
            .order_by("-n", "group_id")
            .values_list("group_id", "n")[:8]
        )

    # --- rows -------------------------------------------------------------------------------------

    def key(self, model) -> dict:
        """A UUID key from the stream for a model keyed by UUID (else the database's integer)."""
        return {"id": self.rng.uuid()} if model._meta.pk.get_internal_type() == "UUIDField" else {}

    def uid(self, username: str) -> int:
        return self.user[username][0]

    def agency_of(self, username: str) -> int:
        return self.user[username][1]

    def _panels(self) -> None:
        self.spec = {}
        self.panel_id = {}
        for spec in PANELS:
            panel = Panel(
                id=self.rng.uuid(),
                kind=spec.kind,
                name=spec.name,
                chair_id=self.uid(spec.chair),
                is_active=True,
            )
            self.rows[Panel].append(panel)
            self.spec[spec.kind] = spec
            self.panel_id[spec.kind] = panel.id
            for code in spec.agencies:
                self.rows[Panel.member_agencies.through].append(
                    Panel.member_agencies.through(panel_id=panel.id, agency_id=self.agency[code])
                )

    def _state(self, day: date) -> tuple[str, int]:
        """A past meeting's minutes are approved a few days after it, if that day has come."""
        delay = self.rng.randint(2, 6)
        return (APPROVED if day + timedelta(days=delay) < self.today else MINUTED), delay

    def meeting(
        self, kind: str, day: date, state: str, *, delay: int = 0, published=None
    ) -> _Meeting:
        rng = self.rng
        spec = self.spec[kind]
        invited = [spec.chair, *spec.core, *(u for u in spec.optional if rng.chance(0.4))]
        starts = _at(day, *spec.hour)
        if state != DRAFT and published is None:
            published = _at(day - timedelta(days=7), rng.randint(11, 16), rng.choice((0, 30)))
        row = Meeting(
            id=rng.uuid(),
            panel_id=self.panel_id[kind],
            starts_at=starts,
            location=rng.choice(spec.locations),
            chair_id=self.uid(spec.chair),
            published_at=published if state != DRAFT else None,
            access_ends_at=rules.access_ends(starts) if state != DRAFT else None,
            minutes_approved_at=(
                _at(day + timedelta(days=delay), rng.randint(9, 16), rng.choice((0, 15, 30, 45)))
                if state == APPROVED
                else None
            ),
            version=1,
            created_by_id=self.uid(
                "specialist.worker" if kind == PanelKind.MACE and rng.chance(0.5) else spec.chair
            ),
        )
        mt = _Meeting(row, spec, day, state, invited)
        self.meetings.append(mt)
        self.rows[Meeting].append(row)
        for username in invited:
            if state in (PUBLISHED, DRAFT):
                attendance = Attendance.INVITED
            elif username == spec.chair:
                attendance = Attendance.ATTENDED
            else:
                roll = rng.random()
                attendance = (
                    Attendance.ATTENDED
                    if roll < 0.8
                    else Attendance.APOLOGIES
                    if roll < 0.94
                    else Attendance.ABSENT
                )
            self.rows[Invitee].append(
                Invitee(
                    **self.key(Invitee),
                    meeting_id=row.id,
                    user_id=self.uid(username),
                    agency_id=self.agency_of(username),
                    attendance=attendance,
                )
            )
        return mt

    def item(
        self, mt: _Meeting, purpose: str, *, person=None, place=None, group=None, referral=None
    ) -> AgendaItem | None:
        subject = person or place or group
        if subject is None or subject in mt.subjects:
            return None
        if referral is not None:
            referral.status = ReferralStatus.LISTED
            purpose = purpose or referral.reason
        item = AgendaItem(
            id=self.rng.uuid(),
            meeting_id=mt.row.id,
            position=len(mt.items) + 1,
            referral_id=referral.id if referral else None,
            purpose=purpose,
            subject_person_id=person,
            subject_place_id=place,
            subject_group_id=group,
            information_shared="",
            discussion="",
            decision="",
            minuted_by_id=None,
        )
        mt.subjects.add(subject)
        mt.items.append(item)
        self.rows[AgendaItem].append(item)
        mt.row.version += 1  # item_add
        return item

    def minute(self, mt: _Meeting, item: AgendaItem, topic: str, decision: str) -> None:
        rng = self.rng
        codes = sorted({self.agency_code[self.agency_of(u)] for u in mt.invited})
        lines = [rng.choice(INFORMATION[c]) for c in rng.sample(codes, min(3, len(codes)))]
        item.information_shared = "\n".join(lines)
        item.discussion = rng.choice(DISCUSSION[topic])
        item.decision = decision
        minute_taker = "specialist.worker" if "specialist.worker" in mt.invited else mt.spec.chair
        item.minuted_by_id = self.uid(minute_taker)
        mt.row.version += 1  # item_minute

    def referral(
        self,
        kind: str,
        *,
        day: date,
        reason: str,
        by: str | None = None,
        agency: int | None = None,
        referred_by: int | None = None,
        person=None,
        place=None,
        group=None,
        contact=None,
        assessment=None,
        manager: bool = False,
        status: str = ReferralStatus.WAITING,
        declined: str = "",
    ) -> Referral:
        """As `services.referral_create` routes it: contact, assessment, manager, partner."""
        agency = agency or self.agency_of(by)
        referred_by = referred_by or self.uid(by)
        if contact:
            source = ReferralSource.FRONT_DOOR
        elif assessment:
            source = ReferralSource.ASSESSMENT
        elif manager:
            source = ReferralSource.MANAGER
        else:
            source = ReferralSource.PARTNER
            assert self.agency_code[agency] not in ("csc", "eh")
        row = Referral(
            id=self.rng.uuid(),
            panel_kind=kind,
            source=source,
            referring_agency_id=agency,
            contact_id=contact,
            assessment_id=assessment,
            reason=reason,
            referred_on=min(day, self.today),
            referred_by_id=referred_by,
            subject_person_id=person,
            subject_place_id=place,
            subject_group_id=group,
            status=status,
            declined_reason=declined,
        )
        self.rows[Referral].append(row)
        if person is not None:
            self.used[kind].add(person)
        return row

    def actions(self, mt: _Meeting, item: AgendaItem, count: int, weights: dict) -> None:
        rng = self.rng
        fours = list(weights)
        codes = {self.agency_code[self.agency_of(u)]: [] for u in mt.invited}
        for u in mt.invited:
            if u != mt.spec.chair:
                codes[self.agency_code[self.agency_of(u)]].append(u)
        for four_p in rng.choices(fours, [weights[f] for f in fours], k=count):
            owners = [c for c in FOUR_P_OWNERS[four_p] if c in codes] or ["csc"]
            code = rng.choice(owners)
            people = codes.get(code, [])
            owner = rng.choice(people) if people and rng.chance(0.45) else None
            due = mt.day + timedelta(days=rng.choice((7, 14, 14, 21, 28, 28, 42, 56)))
            status, completed, update = ActionStatus.OPEN, None, rng.choice(OPEN_UPDATES)
            roll = rng.random()
            if due < self.today:
                # Still open: some of last month's, hardly any older ones.
                late = (self.today - due).days
                still_open = 0.25 if late <= 30 else 0.08 if late <= 90 else 0.02
                if roll < 1 - still_open - 0.08:
                    status = ActionStatus.DONE
                elif roll < 1 - still_open:
                    status = ActionStatus.CANCELLED
            elif roll < 0.25 and mt.day < self.today - timedelta(days=2):
                status = ActionStatus.DONE
            if status != ActionStatus.OPEN:
                completed = rng.day_between(
                    min(mt.day + timedelta(days=1), self.today),
                    min(due + timedelta(days=10), self.today),
                )
                update = rng.choice(
                    DONE_UPDATES if status == ActionStatus.DONE else CANCELLED_UPDATES
                )
            action = Action(
                **self.key(Action),
                meeting_id=mt.row.id,
                item_id=item.id,
                description=rng.choice(ACTIONS[four_p]),
                owner_user_id=self.uid(owner) if owner else None,
                owner_agency_id=self.agency[code],
                due_on=due,
                four_p=four_p,
                status=status,
                completed_on=completed,
                update=update,
                created_by_id=self.uid(mt.spec.chair),
            )
            self.rows[Action].append(action)
            self.action_log.append((action, mt))

    # --- MACE -------------------------------------------------------------------------------------

    def mace(self) -> None:
        rng = self.rng
        last = next(
            d for d in (self.today - timedelta(days=n) for n in (3, 2, 4, 5, 6)) if d.weekday() < 5
        )
        days = [_weekday_before(rules.add_months(last, -k)) for k in range(12, 0, -1)] + [last]
        window_start = days[0] - timedelta(days=45)
        for day in days:
            state, delay = (PUBLISHED, 0) if day == last else self._state(day)
            mt = self.meeting(PanelKind.MACE, day, state, delay=delay)
            published = mt.row.published_at.astimezone(clocks.LONDON).date()
            target = rng.randint(4, 8)
            others = rng.choice((0, 1, 1, 2))
            slots = target - others
            due = self._reviews_due(day)[: max(0, slots - 1)]
            for person in due:
                self.item(mt, self._review_purpose(person, day), person=person)
            for _ in range(max(1, min(4, slots - len(due)))):
                ref = self.mace_referral((window_start, published - timedelta(days=1)))
                if ref is not None:
                    self.item(mt, "", person=ref.subject_person_id, referral=ref)
            if rng.chance(0.3):
                self.mace_referral(
                    (window_start, published - timedelta(days=1)), status=ReferralStatus.DECLINED
                )
            for _ in range(max(others, 3 - len(mt.items))):
                self._context_item(mt, cohort=True)
            if mt.minuted:
                for item in mt.items:
                    self._minute_mace(mt, item)
            window_start = published
        # The next meeting: a draft, and referrals waiting for its agenda.
        self.meeting(PanelKind.MACE, _weekday_after(self.today + timedelta(days=7)), DRAFT)
        window = (window_start - timedelta(days=7), self.today - timedelta(days=1))
        for _ in range(rng.randint(2, 3)):
            self.mace_referral(window)

    def _reviews_due(self, day: date) -> list:
        """Children with a review due by about this meeting, that has not been held, oldest
        first; some reviews are never brought (so they show as overdue)."""
        due = []
        for child in self.mace_children.values():
            if _age(child.dob, day) >= 18:
                continue
            ready = []
            for review in child.reviews:
                if review.held_item_id or review.due_on > day + timedelta(days=10):
                    continue
                if review.months not in child.rolled:
                    child.rolled.add(review.months)
                    if self.rng.chance(0.12):
                        child.never.add(review.months)
                if review.months not in child.never:
                    ready.append(review.due_on)
            if ready:
                due.append((min(ready), child.person_id.int, child.person_id))
        return [p for *_, p in sorted(due)]

    def _nearest_review(self, child: _Child, day: date) -> Review | None:
        """The open review due by about this meeting and nearest it (as the service holds it)."""
        open_reviews = [
            r
            for r in child.reviews
            if r.held_item_id is None and r.due_on <= day + rules.REVIEW_LOOKAHEAD
        ]
        if not open_reviews:
            return None
        return min(open_reviews, key=lambda r: (abs((r.due_on - day).days), r.due_on))

    def _review_purpose(self, person, day: date) -> str:
        child = self.mace_children[person]
        review = self._nearest_review(child, day)
        return (
            f"{review.months}-month review of the risk judgement made at MACE on "
            f"{child.first_day:%d %B %Y}."
        )

    def mace_referral(self, window: tuple[date, date], *, status=None):
        """A new child for MACE, by whichever route has a child to offer in the window."""
        rng = self.rng
        first, last = window
        if last < first:
            return None
        status = status or ReferralStatus.WAITING
        used = self.used[PanelKind.MACE]
        routes = ["front_door", "assessment", "manager", "partner"]
        weights = [4, 3, 2, 1]
        for _ in range(4):
            route = rng.choices(routes, weights)[0]
            chosen = self._mace_child(route, first, last, used)
            if chosen is not None:
                break
            i = routes.index(route)
            del routes[i], weights[i]
        else:
            return None
        day, person, harms, kwargs = chosen
        concern = rng.choice(CONCERNS[harms[0]])
        reason = {
            "front_door": f"Front Door decision: MACE referral. {concern}.",
            "assessment": f"BACE assessment approved: risk outside the home. {concern}.",
            "manager": f"Manager's referral. {concern}.",
            "partner": f"{concern}. Partner agency asks for a multi-agency plan.",
        }[route]
        ref = self.referral(
            PanelKind.MACE,
            day=day,
            reason=reason,
            person=person,
            status=status,
            declined=rng.choice(DECLINED_REASONS) if status == ReferralStatus.DECLINED else "",
            **kwargs,
        )
        if status != ReferralStatus.DECLINED:
            self.mace_harms[person] = harms
        return ref

    def _mace_child(self, route: str, first: date, last: date, used: set):
        rng = self.rng
        if route == "front_door":
            events = [
                e
                for e in self.fd[Outcome.MACE]
                if first <= e[0] <= last
                and e[2] not in used
                and _aged(self.dob[e[2]], e[0], MACE_AGES)
            ]
            if not events:
                return None
            day, contact, person, decided_by, _ = rng.choice(events)
            harms = self._judged_harms(person, day, self.contact_harms[contact])
            day = min(day + timedelta(days=rng.randint(0, 2)), last)
            return (
                day,
                person,
                harms,
                {"contact": contact, "agency": self.agency["csc"], "referred_by": decided_by},
            )
        if route == "assessment":
            events = [
                e
                for e in self.assessments[AssessmentKind.BACE]
                if first <= e[0] <= last
                and e[2] not in used
                and self.harms_on(e[2], e[0]) & set(EXPLOITATION)
                and _aged(self.dob[e[2]], e[0], MACE_AGES)
            ]
            if not events:
                return None
            day, pk, person, author, agency = rng.choice(events)
            harms = self._judged_harms(person, day, set())
            day = min(day + timedelta(days=rng.randint(0, 5)), last)
            return day, person, harms, {"assessment": pk, "agency": agency, "referred_by": author}
        day = rng.day_between(first, last)
        people = [
            p
            for p in self.with_harm["exploitation"]
            if p not in used
            and self.harms_on(p, day) & set(EXPLOITATION)
            and _aged(self.dob[p], day, MACE_AGES)
        ]
        if not people:
            return None
        person = rng.choice(people)
        harms = self._judged_harms(person, day, set())
        if route == "manager":
            by = rng.choice(
                ("specialist.manager", "specialist.manager", "cypf.manager", "yjs.manager")
            )
            return day, person, harms, {"by": by, "manager": True}
        by = rng.choice(
            ("police.officer", "police.officer", "yjs.worker", "school.dsl", "health.worker")
        )
        return day, person, harms, {"by": by}

    def _judged_harms(self, person, day: date, extra: set) -> list:
        """The harms the panel judges: an exploitation harm first, then up to two others."""
        known = (self.harms_on(person, day) | extra) & set(JUDGED_HARMS)
        primary = sorted(known & set(EXPLOITATION)) or [HarmType.CCE]
        first = self.rng.choice(primary)
        rest = sorted(known - {first})
        self.rng.shuffle(rest)
        if not rest and self.rng.chance(0.5):
            rest = [self.rng.choice((HarmType.MISSING, HarmType.SYV))]
        return [first, *rest[: self.rng.randint(0, 2)]]

    def _context_item(self, mt: _Meeting, *, cohort: bool) -> None:
        """An adult of concern, a hotspot place or a peer group."""
        rng = self.rng
        for _ in range(4):
            roll = rng.random()
            if roll < 0.4:
                adults = self.adults
                if cohort:
                    linked = {a for c in self.mace_children for a in self.adults_of.get(c, ())}
                    adults = [a for a in self.adults if a in linked] or adults
                adults = [
                    a
                    for a in adults
                    if a not in mt.subjects and (_age(self.adult_dob[a], mt.day) or 18) >= 18
                ]
                if adults:
                    adult = rng.choice(adults[:12])
                    n = len(self.children_of[adult])
                    self.item(
                        mt,
                        f"Adult of concern linked to {n} child{'ren' if n > 1 else ''} known to "
                        "the partnership: disruption options.",
                        person=adult,
                    )
                    return
            elif roll < 0.8:
                places = [p for p in self.places if p[0] not in mt.subjects]
                if places:
                    place, kind, n = rng.choice(places[:10])
                    self.item(
                        mt,
                        f"Hotspot: {n} children at risk of exploitation linked to this "
                        f"{PlaceKind(kind).label.lower()}.",
                        place=place,
                    )
                    return
            else:
                groups = [g for g in self.groups if g[0] not in mt.subjects]
                if groups:
                    group, n = rng.choice(groups)
                    self.item(
                        mt,
                        f"Peer group with {n} members at risk of exploitation: contextual plan.",
                        group=group,
                    )
                    return

    def _minute_mace(self, mt: _Meeting, item: AgendaItem) -> None:
        person = item.subject_person_id
        if person is None or person not in self.mace_harms:
            kind = (
                "place" if item.subject_place_id else "group" if item.subject_group_id else "adult"
            )
            self.minute(mt, item, kind, self.rng.choice(DECISIONS[kind]))
            weights = {FourP.PURSUE: 4, FourP.PROTECT: 3, FourP.PREVENT: 2, FourP.PREPARE: 1}
            self.actions(mt, item, self.rng.randint(1, 2), weights)
            return
        child = self.mace_children.get(person)
        if child is None:
            self._initial(mt, item, person)
        else:
            self._review(mt, item, child)

    def _judgement(self, mt, item, person, harm, rank, stage, trend) -> RiskJudgement:
        rng = self.rng
        level = self.levels[rank]
        return RiskJudgement(
            **self.key(RiskJudgement),
            item_id=item.id,
            person_id=person,
            harm_type=harm,
            level=level,
            rank=rules.risk_rank(level),
            stage=stage,
            judged_on=mt.day,
            rationale=f"{rng.choice(CONCERNS[harm])}. {rng.choice(TREND_NOTES[trend])}",
            child_voice=rng.choice(CHILD_VOICE),
            recorded_by_id=item.minuted_by_id,
        )

    def _initial(self, mt: _Meeting, item: AgendaItem, person) -> None:
        rng = self.rng
        n = len(self.levels)
        harms = self.mace_harms[person]
        tops = [r for r in (n - 1, n - 2, n - 3) if r >= 1] or [n - 1]
        top = rng.choices(tops, (45, 45, 10)[: len(tops)])[0]
        ranks = {harms[0]: top}
        for h in harms[1:]:
            ranks[h] = max(0, top - rng.choice((0, 1, 1, 2)))
        label = rules.risk_label(self.levels[top]).lower()
        self.minute(
            mt,
            item,
            "child",
            f"Accepted onto MACE. Highest risk judged {label} "
            f"({HarmType(harms[0]).label.lower()}). Reviews set at "
            f"{' and '.join(str(m) for m in rules.review_months())} months.",
        )
        for h, r in ranks.items():
            self.rows[RiskJudgement].append(
                self._judgement(mt, item, person, h, r, JudgementStage.INITIAL, "initial")
            )
        child = _Child(person, self.dob[person], harms, mt.day, ranks, tops=[(mt.day, top)])
        for months, due in rules.reviews_due(mt.day):
            review = Review(
                **self.key(Review),
                person_id=person,
                initial_item_id=item.id,
                months=months,
                due_on=due,
            )
            child.reviews.append(review)
            self.rows[Review].append(review)
        self.mace_children[person] = child
        weights = {FourP.PROTECT: 4, FourP.PREVENT: 3, FourP.PURSUE: 2, FourP.PREPARE: 2}
        self.actions(mt, item, rng.randint(2, 3), weights)

    def _review(self, mt: _Meeting, item: AgendaItem, child: _Child) -> None:
        rng = self.rng
        n = len(self.levels)
        review = self._nearest_review(child, mt.day)
        top0 = max(child.initial.values())
        if review is not None and review.months == rules.OUTCOME_REVIEW_MONTHS:
            outcome = SIX_MONTH_DECK[self.deck % len(SIX_MONTH_DECK)]
            self.deck += 1
            top = {
                "reduced": max(0, top0 - rng.choice((1, 1, 2))),
                "same": top0,
                "higher": min(n - 1, top0 + 1),
            }[outcome]
        else:
            top = min(n - 1, max(0, child.tops[-1][1] + rng.choice((-1, -1, 0, 0, 0, 1))))
        if review is not None:
            review.held_item_id = item.id
        harms = list(child.harms)
        if len(harms) > 1 and rng.chance(0.2):
            harms.pop()
        if HarmType.MISSING not in harms and rng.chance(0.1):
            harms.append(HarmType.MISSING)
        ranks = {harms[0]: top}
        for h in harms[1:]:
            ranks[h] = min(top, max(0, child.initial.get(h, top) + rng.choice((-1, 0, 0))))
        trend = "down" if top < top0 else "same" if top == top0 else "up"
        label = rules.risk_label(self.levels[top]).lower()
        months = review.months if review else rules.OUTCOME_REVIEW_MONTHS
        closing = months >= rules.OUTCOME_REVIEW_MONTHS
        decision = {
            "down": f"Risk has reduced to {label}. "
            + (
                "Closed to MACE; support continues through the lead professional."
                if closing
                else "Continue the plan; next review as scheduled."
            ),
            "same": f"Risk remains {label}. Stays on MACE; plan refreshed with new actions.",
            "up": f"Risk has increased to {label}. Strategy discussion to be convened; CETG to "
            "task disruption.",
        }[trend]
        self.minute(mt, item, "child", decision)
        for h, r in ranks.items():
            self.rows[RiskJudgement].append(
                self._judgement(mt, item, child.person_id, h, r, JudgementStage.REVIEW, trend)
            )
        child.tops.append((mt.day, top))
        weights = {FourP.PROTECT: 3, FourP.PREVENT: 3, FourP.PURSUE: 2, FourP.PREPARE: 2}
        self.actions(mt, item, rng.randint(0, 1) if trend == "down" else rng.randint(1, 2), weights)

    # --- CETG -------------------------------------------------------------------------------------

    def cetg(self) -> None:
        rng = self.rng
        last = _weekday_before(self.today - timedelta(days=6))
        for k in range(25, -1, -1):
            day = last - timedelta(days=14 * k)
            state, delay = self._state(day)
            mt = self.meeting(PanelKind.CETG, day, state, delay=delay)
            target = rng.randint(3, 6)
            high = [
                c.person_id
                for c in self.mace_children.values()
                if (c.top_before(day) or 0) >= len(self.levels) - 1 and _age(c.dob, day) < 18
            ]
            if high and rng.chance(0.5):
                self.item(
                    mt,
                    "Child judged at high risk at MACE: disruption around them.",
                    person=rng.choice(sorted(high, key=lambda p: p.int)),
                )
            tries = 0
            while len(mt.items) < target and tries < 12:
                tries += 1
                before = len(mt.items)
                self._context_item(mt, cohort=False)
                if len(mt.items) > before and rng.chance(0.35):
                    self._cetg_referral(mt, mt.items[-1])
            if rng.chance(0.08):
                place, kind, _n = rng.choice(self.places) if self.places else (None, None, 0)
                if place is not None:
                    self.referral(
                        PanelKind.CETG,
                        day=day - timedelta(days=rng.randint(8, 20)),
                        reason="Complaints of young people gathering late at night.",
                        by="police.officer",
                        place=place,
                        status=ReferralStatus.DECLINED,
                        declined=(
                            "No link to exploitation found; passed to the neighbourhood team."
                        ),
                    )
            for item in mt.items if mt.minuted else ():
                topic = (
                    "place"
                    if item.subject_place_id
                    else "group"
                    if item.subject_group_id
                    else "adult"
                    if item.subject_person_id not in self.mace_children
                    else "cetg_child"
                )
                self.minute(
                    mt,
                    item,
                    "child" if topic == "cetg_child" else topic,
                    rng.choice(DECISIONS[topic]),
                )
                weights = {FourP.PURSUE: 4, FourP.PROTECT: 3, FourP.PREVENT: 2, FourP.PREPARE: 1}
                self.actions(mt, item, rng.randint(1, 3), weights)

    def _cetg_referral(self, mt: _Meeting, item: AgendaItem) -> None:
        """Police (a partner) or the specialist team's manager asked for this to be tasked."""
        rng = self.rng
        day = mt.day - timedelta(days=rng.randint(8, 20))
        police = rng.chance(0.7)
        ref = self.referral(
            PanelKind.CETG,
            day=day,
            reason=item.purpose
            + (" Police ask for tasking." if police else " Specialist team asks for tasking."),
            by="police.officer" if police else "specialist.manager",
            manager=not police,
            person=item.subject_person_id,
            place=item.subject_place_id,
            group=item.subject_group_id,
            status=ReferralStatus.LISTED,
        )
        item.referral_id = ref.id

    # --- HSB --------------------------------------------------------------------------------------

    def hsb(self) -> None:
        rng = self.rng
        last = _weekday_before(self.today - timedelta(days=12))
        days = [_weekday_before(rules.add_months(last, -k)) for k in range(11, 0, -1)] + [last]
        window_start = days[0] - timedelta(days=45)
        heard: list[tuple[date, object]] = []
        for day in days:
            state, delay = self._state(day)
            mt = self.meeting(PanelKind.HSB, day, state, delay=delay)
            published = mt.row.published_at.astimezone(clocks.LONDON).date()
            window = (window_start, published - timedelta(days=1))
            target = rng.randint(3, 7)
            new = []
            for _ in range(rng.randint(1, 3)):
                ref = self.hsb_referral(window)
                if ref is not None:
                    self.item(mt, "", person=ref.subject_person_id, referral=ref)
                    new.append(ref.subject_person_id)
            if rng.chance(0.3):
                self.hsb_referral(window, status=ReferralStatus.DECLINED)
            earlier = [p for d, p in heard if d >= day - timedelta(days=130)]
            rng.shuffle(earlier)
            for person in earlier:
                if len(mt.items) >= target:
                    break
                if _aged(self.dob.get(person), day, (0, 17)):
                    self.item(
                        mt,
                        "Progress since the last panel: safety plan and intervention.",
                        person=person,
                    )
            if len(mt.items) < 3:
                schools = sorted(
                    {self.school[p] for p in new if self.school.get(p)}, key=lambda s: s.int
                )
                if schools:
                    self.item(
                        mt,
                        "School with several incidents this term: whole-school response.",
                        place=schools[0],
                    )
            heard += [(day, p) for p in new]
            if mt.minuted:
                for item in mt.items:
                    if item.subject_place_id:
                        self.minute(mt, item, "hsb", rng.choice(DECISIONS["school"]))
                    else:
                        topic = "hsb_new" if item.referral_id else "hsb_update"
                        self.minute(mt, item, "hsb", rng.choice(DECISIONS[topic]))
                    weights = {
                        FourP.PROTECT: 4,
                        FourP.PREVENT: 3,
                        FourP.PREPARE: 2,
                        FourP.PURSUE: 1,
                    }
                    self.actions(mt, item, rng.randint(1, 2), weights)
            window_start = published
        self.hsb_referral((window_start, self.today - timedelta(days=1)), route="education")

    def hsb_referral(self, window, *, status=ReferralStatus.WAITING, route: str | None = None):
        rng = self.rng
        first, last = window
        if last < first:
            return None
        if route is None:
            route = HSB_ROUTES[self.hsb_route % len(HSB_ROUTES)]
            self.hsb_route += 1
        used = self.used[PanelKind.HSB]
        kwargs: dict = {}
        person = day = None
        if route == "csc":
            events = [
                e
                for e in self.fd[Outcome.HSB_PATHWAY]
                if first <= e[0] <= last
                and e[2] not in used
                and _aged(self.dob[e[2]], e[0], HSB_AGES)
            ]
            if events:
                day, contact, person, decided_by, _ = rng.choice(events)
                kwargs = {
                    "contact": contact,
                    "agency": self.agency["csc"],
                    "referred_by": decided_by,
                }
            else:
                events = [
                    e
                    for e in self.assessments[AssessmentKind.AIM3]
                    if first <= e[0] <= last
                    and e[2] not in used
                    and _aged(self.dob[e[2]], e[0], HSB_AGES)
                ]
                if events:
                    day, pk, person, author, agency = rng.choice(events)
                    kwargs = {"assessment": pk, "agency": agency, "referred_by": author}
        if person is None:
            day = rng.day_between(first, last)
            pool = [
                p
                for p in self.with_harm[HarmType.HSB]
                if p not in used
                and HarmType.HSB in self.harms_on(p, day)
                and _aged(self.dob[p], day, HSB_AGES)
            ]
            if not pool and route != "csc":
                # A school or the police may raise HSB about any child they know.
                pool = [
                    p
                    for p in self.case_people
                    if p not in used and self.harms_on(p, day) and _aged(self.dob[p], day, (10, 16))
                ]
            if not pool:
                return None
            person = rng.choice(pool)
            if route == "csc":
                kwargs = {"by": rng.choice(("cypf.manager", "specialist.manager")), "manager": True}
            else:
                kwargs = {
                    "by": {
                        "education": "school.dsl",
                        "police": "police.officer",
                        "health": "health.worker",
                    }[route]
                }
        if "contact" in kwargs:
            reason = HSB_REASONS["csc"][2]
        elif "assessment" in kwargs:
            reason = HSB_REASONS["csc"][0]
        elif route == "csc":
            reason = HSB_REASONS["csc"][1]
        else:
            reason = rng.choice(HSB_REASONS[route])
        ref = self.referral(
            PanelKind.HSB,
            day=day,
            reason=reason,
            person=person,
            status=status,
            declined=(
                "Age-appropriate behaviour on the Hackett continuum; advice to the school."
                if status == ReferralStatus.DECLINED
                else ""
            ),
            **kwargs,
        )
        if status != ReferralStatus.DECLINED:
            self.incidents(ref)
        return ref

    def incidents(self, ref: Referral) -> None:
        rng = self.rng
        person = ref.subject_person_id
        for _ in range(2 if rng.chance(0.15) else 1):
            occurred = ref.referred_on - timedelta(days=rng.randint(2, 40))
            level = HACKETT_DECK[self.hackett % len(HACKETT_DECK)]
            self.hackett += 1
            own = rng.choices((HsbRole.HARMER, HsbRole.BOTH, HsbRole.HARMED), (65, 20, 15))[0]
            others_roles = (
                [HsbRole.HARMED, HsbRole.WITNESS]
                if own != HsbRole.HARMED
                else [HsbRole.HARMER, HsbRole.WITNESS]
            )
            count = rng.choices((0, 1, 2), (15, 50, 35))[0]
            peers = [
                p for p, dob in self.peers(person) if p != person and _aged(dob, occurred, (6, 17))
            ]
            pool = sorted(set(peers), key=lambda p: p.int)
            if len(pool) < count:
                extra = [
                    p
                    for p in self.case_people
                    if p != person and p not in pool and _aged(self.dob[p], occurred, (6, 17))
                ]
                pool += rng.sample(extra, min(len(extra), count - len(pool)))
            children = [(person, own)]
            for other, role in zip(
                rng.sample(pool, min(count, len(pool))), others_roles, strict=False
            ):
                children.append((other, role))
            school = self.school.get(person)
            roll = rng.random()
            place = school if roll < 0.4 and school else None
            if place is None and roll < 0.7 and self.places:
                place = rng.choice(self.places)[0]
            incident = HsbIncident(
                id=rng.uuid(),
                referral_id=ref.id,
                occurred_on=occurred,
                place_id=place,
                hackett_level=level,
                description=HSB_INCIDENTS[level],
                recorded_by_id=self.uid("hsb.worker"),
            )
            self.rows[HsbIncident].append(incident)
            for child, role in children:
                involvement = HsbInvolvement(  # keyed by UUID: interventions point at it
                    id=rng.uuid(), incident_id=incident.id, person_id=child, role=role
                )
                self.rows[HsbInvolvement].append(involvement)
                self._interventions(involvement, incident)

    def _interventions(self, involvement: HsbInvolvement, incident: HsbIncident) -> None:
        rng = self.rng
        serious = incident.hackett_level in (HackettLevel.ABUSIVE, HackettLevel.VIOLENT)
        harming = involvement.role in (HsbRole.HARMER, HsbRole.BOTH)
        kinds = []
        if harming and serious:
            if rng.chance(0.5):
                kinds.append(InterventionKind.AIM3)
            if rng.chance(0.85):
                kinds.append(
                    rng.choice((InterventionKind.DIRECT_WORK, InterventionKind.THERAPEUTIC))
                )
        elif harming and incident.hackett_level == HackettLevel.PROBLEMATIC:
            if rng.chance(0.6):
                kinds.append(rng.choice((InterventionKind.AIM3, InterventionKind.SAFETY_PLAN)))
        elif harming and rng.chance(0.3):
            kinds.append(InterventionKind.SAFETY_PLAN)
        elif involvement.role == HsbRole.HARMED and rng.chance(0.35):
            kinds.append(rng.choice((InterventionKind.THERAPEUTIC, InterventionKind.OTHER)))
        started = incident.occurred_on
        for kind in kinds:
            started = started + timedelta(days=rng.randint(7, 45))
            if started >= self.today:
                return
            ended = started + timedelta(days=rng.randint(30, 160))
            self.rows[HsbIntervention].append(
                HsbIntervention(
                    **self.key(HsbIntervention),
                    involvement_id=involvement.id,
                    kind=kind,
                    practitioner_id=self.uid("hsb.worker"),
                    agency_id=self.hsb_agency,
                    started_on=started,
                    ended_on=ended if ended < self.today and rng.chance(0.6) else None,
                    notes="",
                )
            )

    # --- strategy meetings ------------------------------------------------------------------------

    def strategy(self) -> None:
        rng = self.rng
        since = self.today - timedelta(days=365)
        events = [
            e
            for e in self.fd[Outcome.STRATEGY_DISCUSSION]
            if e[0] >= since and _aged(self.dob[e[2]], e[0], (0, 17))
        ]
        share = min(1.0, 24 / len(events)) if events else 0
        for day_decided, contact, person, decided_by, decided_at in events:
            if not rng.chance(share):
                continue
            day = _weekday_after(day_decided + timedelta(days=rng.randint(1, 3)))
            if day >= self.today:
                continue
            state, delay = self._state(day)
            published = max(_at(day - timedelta(days=1), 15), decided_at + timedelta(hours=1))
            mt = self.meeting(PanelKind.STRATEGY, day, state, delay=delay, published=published)
            ref = self.referral(
                PanelKind.STRATEGY,
                day=day_decided,
                reason="Front Door decision: strategy discussion. Concerns of significant harm "
                "outside the home.",
                person=person,
                contact=contact,
                agency=self.agency["csc"],
                referred_by=decided_by,
                status=ReferralStatus.LISTED,
            )
            self.item(mt, "", person=person, referral=ref)
            for other, role, dob in self.contact_others.get(contact, ())[:3]:
                if len(mt.items) >= 3:
                    break
                if role == SubjectRole.ADULT_OF_CONCERN:
                    self.item(mt, "Adult named in the contact: information to share.", person=other)
                elif _aged(dob, day, (0, 17)):
                    self.item(
                        mt,
                        "Sibling or peer named in the contact: are they at risk too?",
                        person=other,
                    )
            for item in mt.items if mt.minuted else ():
                self.minute(mt, item, "strategy", rng.choice(DECISIONS["strategy"]))
                weights = {FourP.PROTECT: 4, FourP.PURSUE: 2, FourP.PREVENT: 2, FourP.PREPARE: 1}
                self.actions(mt, item, rng.randint(1, 3), weights)

    # --- finishing --------------------------------------------------------------------------------

    def finish(self) -> None:
        for mt in self.meetings:
            if mt.state != DRAFT:
                mt.row.version += 1  # published
            if mt.state == APPROVED:
                mt.row.version += 1
        self._overdue_for("specialist.worker", PanelKind.MACE)
        self._overdue_for("police", PanelKind.CETG)

    def _overdue_for(self, owner: str, kind: str) -> None:
        """At least one open action past its date for the demo's owner (a user or an agency),
        from an earlier meeting, so it is in their queue and carried to the panel's next
        meeting."""
        user = self.uid(owner) if owner in self.user else None
        agency = self.agency_of(owner) if user else self.agency[owner]

        def mine(a: Action) -> bool:
            if user:
                return a.owner_user_id == user
            return a.owner_agency_id == agency and a.owner_user_id is None

        overdue = [
            (a, mt)
            for a, mt in self.action_log
            if a.due_on < self.today - timedelta(days=7) and mt.spec.kind == kind
        ]
        if any(a.status == ActionStatus.OPEN and mine(a) for a, _ in overdue):
            return
        fits = [
            (a, mt)
            for a, mt in overdue
            if (user is None or owner in mt.invited) and a.owner_agency_id == agency
        ] or [(a, mt) for a, mt in overdue if user is None or owner in mt.invited]
        if not fits:
            return
        action, _mt = max(fits, key=lambda pair: (pair[0].due_on, pair[1].row.id.int))
        action.owner_user_id = user
        action.owner_agency_id = agency
        action.status = ActionStatus.OPEN
        action.completed_on = None
        action.update = "Chased at the last panel."

    def write(self) -> None:
        generator.bulk_insert(Panel, self.rows[Panel])
        through = Panel.member_agencies.through
        through.objects.bulk_create(self.rows[through], batch_size=generator.BATCH_SIZE)
        for model in (Meeting, Invitee, Referral, AgendaItem, RiskJudgement, Review, Action):
            generator.bulk_insert(model, self.rows[model])
        for model in (HsbIncident, HsbInvolvement, HsbIntervention):
            generator.bulk_insert(model, self.rows[model])


def run(borough) -> None:
    panels = _Panels(borough)
    if not panels.load():
        return
    panels.mace_harms = {}
    panels._panels()
    panels.mace()
    panels.cetg()
    panels.hsb()
    panels.strategy()
    panels.finish()
    panels.write()


EXTENSION = Extension(
    name="panels",
    run=run,
    models=(
        Meeting,
        Panel,
        Panel.member_agencies.through,
        Invitee,
        Referral,
        AgendaItem,
        RiskJudgement,
        Review,
        Action,
        HsbIncident,
        HsbInvolvement,
        HsbIntervention,
    ),
)
