"""Demo extensions: ETE histories and interventions for the children with exploitation cases, and
the workforce's training and HSB consultations, over the borough's two years (8 quarters).

Interventions ("interventions"): most children with a criminal or sexual exploitation case get an
education, employment and training (ETE) history. Some were NEET and went into college, an
apprenticeship, a job or training some weeks after an exploitation intervention began; some stay
NEET (now and then "not known" while contact was lost); some left college or work and became
NEET; the rest stay in education (school, then college or an apprenticeship from the September
after they turn 16; a few younger ones move to alternative provision). NEET is only ever recorded
from 16. Each of them gets one to four interventions of every kind (direct work, therapy, CAMHS,
mentoring, ETE support, victim support) from the partner agencies or named local providers,
linked to their case and the exploitation harms it names; many have ended (completed, disengaged,
declined, transferred), the rest are ongoing. Children with harmful sexual behaviour or serious
youth violence cases get some interventions too, so not every intervention is for exploitation.

Workforce ("workforce"): staff of the children's services teams, the HSB service and youth
justice hold training records (HSB direct intervention, AIM3, child exploitation awareness,
contextual safeguarding) completed over the last five years, some expired, some renewed; the
HSB service offers consultations on HSB to schools and partners every quarter, about half about
a child with an HSB case, most taken up.

Every row obeys the services' rules (no future dates, nothing before birth, one ETE status per
person and day and never the status already held, ends after starts, an outcome when ended, a
provider and at least one harm, expiry after completion, one record per user, course and day).
Deterministic: streams `borough.stream("interventions")` and `borough.stream("workforce")`, rows
read in a stable order, every date derived from `borough.today`, written in bulk.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from cshub.accounts.models import Agency, Membership, Team
from cshub.core import clocks
from cshub.core.vocab import HarmType, Role, TeamFunction
from cshub.interventions.choices import (
    EXPLOITATION_HARMS,
    EteStatusKind,
    InterventionKind,
    InterventionOutcome,
)
from cshub.interventions.models import EteStatus, Intervention, InterventionHarm
from cshub.people.models import Case
from cshub.workforce.choices import ConsultationStatus, Course
from cshub.workforce.models import HsbConsultation, TrainingRecord

from . import generator
from .extensions import Extension

LONDON = clocks.LONDON
AGENCY_CODES = ("csc", "eh", "education", "yjs", "police", "health")
ETE_SHARE = 0.88  # children with an exploitation case who have an ETE history
POST16_ETE = (
    EteStatusKind.IN_COLLEGE,
    EteStatusKind.APPRENTICESHIP,
    EteStatusKind.EMPLOYMENT,
    EteStatusKind.TRAINING,
)
POST16_WEIGHTS = (45, 20, 15, 20)
# (pattern, weight) for children 16 or over during the two years.
PATTERNS = (("neet_to_ete", 40), ("stays_neet", 18), ("ete_to_neet", 14), ("stays_ete", 28))
SOURCES = {  # status family -> (agency code, note) choices
    "school": (("education", "School census (Synergy)"), ("education", "School attendance team")),
    "post16": (
        ("education", "Post-16 tracking (careers service)"),
        ("yjs", "Youth justice ETE worker"),
        ("education", "College enrolment return"),
    ),
    "neet": (
        ("education", "NEET tracking (careers service)"),
        ("yjs", "Youth justice ETE worker"),
        ("csc", "Social worker's home visit"),
    ),
    "unknown": (("education", "Post-16 tracking: no contact"),),
}
KIND_WEIGHTS = {
    InterventionKind.DIRECT_WORK: 30,
    InterventionKind.MENTORING: 20,
    InterventionKind.ETE_SUPPORT: 12,
    InterventionKind.THERAPY: 10,
    InterventionKind.CAMHS: 10,
    InterventionKind.VICTIM_SUPPORT: 8,
}
PROVIDERS = {  # kind -> (agency code or None, provider name) choices
    InterventionKind.DIRECT_WORK: (
        ("csc", "Specialist Exploitation Team"),
        ("csc", ""),
        ("yjs", "Youth Justice Team"),
        (None, "Safer Streets Youth Project"),
    ),
    InterventionKind.THERAPY: (
        ("health", "Clinical psychology (trauma-informed)"),
        (None, "Harbour Therapeutic Service"),
        ("csc", "Assistant psychologist, specialist team"),
    ),
    InterventionKind.CAMHS: (
        ("health", "CAMHS"),
        ("health", "Youth justice CAMHS team"),
    ),
    InterventionKind.MENTORING: (
        (None, "Northfield Youth Mentoring Project"),
        (None, "Street Sport Mentors"),
        (None, "Riverside Boxing Academy (mentoring)"),
        ("yjs", "YJS volunteer mentor"),
    ),
    InterventionKind.ETE_SUPPORT: (
        ("education", "Post-16 careers service"),
        ("yjs", "Youth justice ETE worker"),
        (None, "Pathways into Work (employability)"),
        (None, "Construction skills taster course"),
    ),
    InterventionKind.VICTIM_SUPPORT: (
        (None, "Young Victims' Service"),
        ("police", "Police victim care unit"),
        (None, "Borough Victim Care"),
    ),
}
ENDINGS = (
    (InterventionOutcome.COMPLETED, 55),
    (InterventionOutcome.DISENGAGED, 20),
    (InterventionOutcome.DECLINED, 10),
    (InterventionOutcome.TRANSFERRED, 15),
)
ENDING_NOTES = {
    InterventionOutcome.COMPLETED: (
        "Plan goals met; closed by agreement with the young person.",
        "Completed the programme; attending college regularly now.",
        "",
    ),
    InterventionOutcome.DISENGAGED: (
        "Stopped attending sessions after a missing episode.",
        "Would not engage after the first few sessions.",
    ),
    InterventionOutcome.DECLINED: ("Young person declined the offer.", "Family declined."),
    InterventionOutcome.TRANSFERRED: (
        "Moved out of the area; referred on to the local service.",
        "Transferred to adult services at 18.",
    ),
}


def _local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON).astimezone(UTC)


def _september_after_16(born: date) -> date:
    """The first day of post-16 education: 1 September of the year they finish Year 11."""
    year = born.year + 16 if (born.month, born.day) < (9, 1) else born.year + 17
    return date(year, 9, 1)


def _school_year_start(day: date) -> date:
    return date(day.year if day.month >= 9 else day.year - 1, 9, 1)


def _weighted(rng, pairs):
    items, weights = zip(*pairs, strict=True)
    return rng.choices(items, weights)[0]


# --- interventions and ETE ---------------------------------------------------------------------


class _Interventions:
    def __init__(self, borough, agencies: dict[str, int]):
        self.rng = borough.stream("interventions")
        self.today = borough.today
        self.start = borough.start
        self.agencies = agencies
        self.ete: list[EteStatus] = []
        self.interventions: list[Intervention] = []
        self.harms: list[InterventionHarm] = []
        self.started: set = set()  # (person, kind, started_on): one of a kind a day

    def run(self) -> None:
        cases = (
            Case.objects.filter(opened_on__lte=self.today)
            .exclude(closed_on__lt=self.start)
            .select_related("person")
            .prefetch_related("harms", "allocations")
            .order_by("opened_on", "id")
        )
        latest: dict = {}  # person id -> their latest case with criminal or sexual exploitation
        others: list[tuple[Case, set]] = []
        for case in cases:
            harms = {h.harm_type for h in case.harms.all()}
            if harms & EXPLOITATION_HARMS:
                latest[case.person_id] = (case, harms)
            elif harms & {HarmType.HSB, HarmType.SYV}:
                others.append((case, harms))
        for person_id in sorted(latest, key=str):
            case, harms = latest[person_id]
            self._child(case, harms)
        exploited = set(latest)
        for case, harms in others:
            if case.person_id not in exploited and self.rng.chance(0.45):
                self._other(case, harms)
        generator.bulk_insert(EteStatus, self.ete)
        generator.bulk_insert(Intervention, self.interventions)
        generator.bulk_insert(InterventionHarm, self.harms)

    # The window a case's work falls in: from its opening (or the history's start) to its close.
    def _window(self, case: Case) -> tuple[date, date]:
        return max(case.opened_on, self.start), min(case.closed_on or self.today, self.today)

    def _worker(self, case: Case) -> int | None:
        workers = [a.worker_id for a in case.allocations.all() if a.worker_id]
        return workers[0] if workers else None

    def _child(self, case: Case, harms: set) -> None:
        rng = self.rng
        first, last = self._window(case)
        worker = self._worker(case)
        exploitation = sorted(harms & EXPLOITATION_HARMS)
        extra = sorted(harms & {HarmType.MISSING, HarmType.SYV})
        planned: list[tuple[str, date]] = []
        born = case.person.date_of_birth
        if born is not None and rng.chance(ETE_SHARE):
            forced = self._ete_history(case.person_id, born, first, last, worker)
            if forced is not None:
                planned.append(forced)
        for _ in range(rng.choices((1, 2, 3, 4), (30, 35, 25, 10))[0]):
            kind = _weighted(rng, KIND_WEIGHTS.items())
            planned.append((kind, rng.day_between(first, last)))
        for kind, started in planned:
            chosen = list(exploitation)
            if extra and rng.chance(0.3):
                chosen.append(rng.choice(extra))
            self._intervention(case, kind, started, chosen, worker)

    def _other(self, case: Case, harms: set) -> None:
        """An intervention for harmful sexual behaviour or serious youth violence."""
        rng = self.rng
        first, last = self._window(case)
        if HarmType.HSB in harms:
            kind, harm = rng.choice((InterventionKind.DIRECT_WORK, InterventionKind.THERAPY)), "hsb"
        else:
            kind = rng.choice((InterventionKind.MENTORING, InterventionKind.VICTIM_SUPPORT))
            harm = HarmType.SYV
        self._intervention(case, kind, rng.day_between(first, last), [harm], self._worker(case))

    def _intervention(self, case, kind, started: date, harms, worker) -> None:
        rng = self.rng
        key = (case.person_id, kind, started)
        if key in self.started or not harms:
            return
        self.started.add(key)
        agency, name = rng.choice(PROVIDERS[kind])
        intervention = Intervention(
            id=rng.uuid(),
            person_id=case.person_id,
            case_id=case.id,
            kind=kind,
            provider_id=self.agencies[agency] if agency else None,
            provider_name=name,
            started_on=started,
            recorded_by_id=worker,
            recorded_at=_local(min(started + timedelta(days=rng.randint(0, 6)), self.today), 11),
        )
        outcome = _weighted(rng, ENDINGS)
        length = rng.randint(3, 40) if outcome == InterventionOutcome.DECLINED else None
        ends = started + timedelta(days=length or rng.randint(28, 300))
        limit = min(case.closed_on or self.today, self.today)
        if case.closed_on is not None and ends > limit:
            ends = max(started, limit)  # the case closed: the work ended with it
            outcome = rng.choice((InterventionOutcome.COMPLETED, InterventionOutcome.TRANSFERRED))
        if ends <= limit and ends < self.today:
            intervention.ended_on = ends
            intervention.outcome = outcome
            intervention.outcome_note = rng.choice(ENDING_NOTES[outcome])
            intervention.ended_by_id = worker
        self.interventions.append(intervention)
        for harm in sorted(set(harms)):
            self.harms.append(InterventionHarm(intervention_id=intervention.id, harm_type=harm))

    def _ete_history(self, person_id, born: date, first: date, last: date, worker):
        """Write the child's ETE history; return the (kind, start) of the exploitation
        intervention a NEET-to-ETE move follows, if the pattern needs one."""
        rng = self.rng
        today = self.today
        post16 = _september_after_16(born)
        anchor = _school_year_start(first - timedelta(days=rng.randint(60, 400)))
        anchor = max(anchor, born + timedelta(days=4 * 365))
        events: list[tuple[date, str]] = []
        forced = None
        if post16 > today - timedelta(days=60):  # under 16 for (almost) the whole two years
            events.append((anchor, EteStatusKind.IN_SCHOOL))
            roll = rng.random()
            if roll < 0.25:  # excluded: alternative provision
                events.append((rng.day_between(first, last), EteStatusKind.ALTERNATIVE_PROVISION))
            elif roll < 0.33:
                events.append((rng.day_between(first, last), EteStatusKind.NOT_KNOWN))
            if post16 <= today:
                events.append((post16, rng.choices(POST16_ETE, POST16_WEIGHTS)[0]))
        else:
            if anchor < post16:
                events.append((anchor, EteStatusKind.IN_SCHOOL))
            pattern = _weighted(rng, PATTERNS)
            earliest = max(post16, anchor)
            if pattern == "stays_ete":
                events.append((earliest, rng.choices(POST16_ETE, POST16_WEIGHTS)[0]))
            elif pattern == "ete_to_neet":
                events.append((earliest, rng.choices(POST16_ETE, POST16_WEIGHTS)[0]))
                dropped = rng.day_between(max(first, earliest + timedelta(days=30)), today)
                events.append((dropped, EteStatusKind.NEET))
            else:
                neet_from = rng.day_between(
                    max(earliest, first - timedelta(days=200)),
                    max(earliest, min(first + timedelta(days=30), today - timedelta(days=60))),
                )
                if earliest < neet_from - timedelta(days=30) and rng.chance(0.5):
                    events.append((earliest, rng.choices(POST16_ETE, POST16_WEIGHTS)[0]))
                events.append((neet_from, EteStatusKind.NEET))
                if pattern == "stays_neet":
                    if rng.chance(0.3):  # lost contact for a while, then found still NEET
                        lost = neet_from + timedelta(days=rng.randint(60, 200))
                        events.append((lost, EteStatusKind.NOT_KNOWN))
                        again = lost + timedelta(days=rng.randint(30, 120))
                        events.append((again, EteStatusKind.NEET))
                else:  # NEET, an exploitation intervention, then into ETE
                    started = rng.day_between(
                        max(neet_from, first),
                        max(neet_from, min(last, today - timedelta(days=45))),
                    )
                    kind = rng.choice(
                        (
                            InterventionKind.ETE_SUPPORT,
                            InterventionKind.ETE_SUPPORT,
                            InterventionKind.MENTORING,
                            InterventionKind.DIRECT_WORK,
                        )
                    )
                    if started <= last:  # the case was still open
                        forced = (kind, started)
                    events.append(
                        (
                            started + timedelta(days=rng.randint(21, 180)),
                            rng.choices(POST16_ETE, POST16_WEIGHTS)[0],
                        )
                    )
        self._write_history(person_id, born, events, worker)
        return forced

    def _write_history(self, person_id, born: date, events, worker) -> None:
        rng = self.rng
        held = None
        seen: set[date] = set()
        for day, status in sorted(events, key=lambda e: e[0]):
            if day > self.today or day < born or day in seen or status == held:
                continue
            seen.add(day)
            held = status
            family = (
                "neet"
                if status == EteStatusKind.NEET
                else "unknown"
                if status == EteStatusKind.NOT_KNOWN
                else "post16"
                if status in POST16_ETE
                else "school"
            )
            agency, note = rng.choice(SOURCES[family])
            self.ete.append(
                EteStatus(
                    id=rng.uuid(),
                    person_id=person_id,
                    status=status,
                    from_date=day,
                    source_id=self.agencies[agency],
                    source_note=note,
                    recorded_by_id=worker,
                    recorded_at=_local(
                        min(day + timedelta(days=rng.randint(1, 20)), self.today), 10
                    ),
                )
            )


def run_interventions(borough) -> None:
    agencies = dict(Agency.objects.filter(code__in=AGENCY_CODES).values_list("code", "id"))
    if len(agencies) < len(AGENCY_CODES):
        return  # not the demo borough's organisation
    _Interventions(borough, agencies).run()


# --- workforce ---------------------------------------------------------------------------------

HSB = Course.HSB_DIRECT_INTERVENTION
AIM3 = Course.AIM3
CE = Course.CE_AWARENESS
CS = Course.CONTEXTUAL_SAFEGUARDING
TRAINING_PLAN = {  # team code -> {course: share of its staff trained}
    "hsb": {HSB: 1.0, AIM3: 1.0, CE: 0.8, CS: 0.5},
    "specialist": {HSB: 0.35, AIM3: 0.35, CE: 1.0, CS: 0.8},
    "cypf": {HSB: 0.1, AIM3: 0.2, CE: 0.85, CS: 0.4},
    "assessment": {AIM3: 0.25, CE: 0.85, CS: 0.3},
    "ifd": {AIM3: 0.1, CE: 0.9, CS: 0.5},
    "yjs": {HSB: 0.15, AIM3: 0.4, CE: 0.8},
    "early-help": {CE: 0.7, CS: 0.3},
}
RENEWED = 0.6  # of expired training outside the HSB service, the share renewed
EXPIRY_YEARS = {HSB: 3, AIM3: 3, CE: 2, CS: None}
TRAINERS = {
    HSB: ("Regional HSB practice network", "HSB service (in-house)"),
    AIM3: ("Accredited AIM3 trainer", "Regional HSB practice network"),
    CE: ("Safeguarding Children Partnership", "Specialist Exploitation Team (in-house)"),
    CS: ("Safeguarding Children Partnership", "University contextual safeguarding programme"),
}
CONSULTED = (  # agency code, weight, roles offered a consultation
    (
        "education",
        45,
        ("Designated safeguarding lead", "Head of Year 8", "Head of Year 9", "SENCo"),
    ),
    ("csc", 20, ("Social worker, CYPF", "Senior practitioner, Front Door", "Social worker")),
    ("eh", 12, ("Early help worker", "Family support worker")),
    ("yjs", 8, ("Youth justice case manager",)),
    ("health", 8, ("School nurse", "Named nurse for safeguarding")),
    ("police", 7, ("Police schools officer", "PC, neighbourhood team")),
)
CONSULTATION_NOTES = (
    "Advice on a safety plan in school after sexualised behaviour towards a peer.",
    "Talked through the Hackett continuum; behaviour judged inappropriate, not harmful.",
    "Consultation on sharing of nude images between pupils.",
    "Advice on supervision at break times and a referral to the HSB panel.",
    "Guidance on speaking to parents after an incident on the school bus.",
    "",
)


def _weekday(day: date) -> date:
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


class _Workforce:
    def __init__(self, borough, agencies: dict[str, int]):
        self.rng = borough.stream("workforce")
        self.today = borough.today
        self.start = borough.start
        self.scale = borough.scale
        self.agencies = agencies

    def run(self) -> None:
        generator.bulk_insert(TrainingRecord, self._training())
        generator.bulk_insert(HsbConsultation, self._consultations())

    def _training(self) -> list[TrainingRecord]:
        rng, today = self.rng, self.today
        members = list(
            Membership.objects.filter(ended_on__isnull=True, team__code__in=TRAINING_PLAN)
            .order_by("team__code", "user__username")
            .values_list("team__code", "user_id", "role")
        )
        managers = {t: u for t, u, r in members if r == Role.MANAGER}
        fallback = managers.get("specialist")
        done: set[int] = set()
        rows: list[TrainingRecord] = []
        for team, user, _role in members:
            if user in done:
                continue
            done.add(user)
            for course, share in TRAINING_PLAN[team].items():
                if not rng.chance(share):
                    continue
                completed = today - timedelta(days=rng.randint(20, 5 * 365))
                while completed <= today:
                    years = EXPIRY_YEARS[course]
                    expires = completed + timedelta(days=365 * years) if years else None
                    rows.append(
                        TrainingRecord(
                            id=rng.uuid(),
                            user_id=user,
                            course=course,
                            completed_on=completed,
                            expires_on=expires,
                            provider=rng.choice(TRAINERS[course]),
                            recorded_by_id=managers.get(team, fallback),
                            recorded_at=_local(
                                min(completed + timedelta(days=rng.randint(1, 14)), today), 15
                            ),
                        )
                    )
                    if expires is None or expires >= today:
                        break  # still current, or never expires
                    if team == "hsb":  # the HSB service renews in time: it delivers the work
                        renewed = expires - timedelta(days=rng.randint(0, 45))
                    elif rng.chance(RENEWED):  # renewed around expiry, some late
                        renewed = expires + timedelta(days=rng.randint(-45, 60))
                    else:
                        break  # left to lapse
                    completed = max(completed + timedelta(days=1), renewed)
        return rows

    def _consultations(self) -> list[HsbConsultation]:
        rng, today = self.rng, self.today
        hsb_staff = list(
            Membership.objects.filter(
                ended_on__isnull=True,
                team__function=TeamFunction.HSB_SERVICE,
                role__in=(Role.PRACTITIONER, Role.MANAGER),
            )
            .order_by("user__username")
            .values_list("user_id", flat=True)
            .distinct()
        )
        if not hsb_staff:
            return []
        schools = list(
            Team.objects.filter(function=TeamFunction.SCHOOL)
            .order_by("code")
            .values_list("name", flat=True)
        )
        hsb_cases = list(
            Case.objects.filter(harms__harm_type=HarmType.HSB)
            .exclude(closed_on__lt=self.start)
            .select_related("person")
            .order_by("opened_on", "id")
            .distinct()
        )
        rows: list[HsbConsultation] = []
        seen: set = set()
        for quarter in range(8):
            q_end = today - timedelta(days=91 * quarter)
            q_start = q_end - timedelta(days=90)
            for _ in range(max(2, round(rng.randint(6, 12) * self.scale))):
                offered = _weekday(rng.day_between(q_start, q_end))
                code, roles = _weighted(rng, [((c[0], c[2]), c[1]) for c in CONSULTED])
                name = rng.choice(roles)
                if code == "education" and schools:
                    name = f"{name}, {rng.choice(schools)}"
                person = None
                if rng.chance(0.5):
                    open_then = [
                        c.person
                        for c in hsb_cases
                        if c.opened_on <= offered <= (c.closed_on or today)
                        and (c.person.date_of_birth is None or c.person.date_of_birth <= offered)
                    ]
                    person = rng.choice(open_then) if open_then else None
                offered_by = rng.choice(hsb_staff)
                key = (offered, offered_by, code, name.lower(), person.pk if person else None)
                if key in seen:
                    continue
                seen.add(key)
                if (today - offered).days <= 14:
                    status = rng.choices(
                        (ConsultationStatus.OFFERED, ConsultationStatus.TAKEN_UP), (60, 40)
                    )[0]
                else:
                    status = rng.choices(
                        (
                            ConsultationStatus.TAKEN_UP,
                            ConsultationStatus.DECLINED,
                            ConsultationStatus.OFFERED,
                        ),
                        (72, 18, 10),
                    )[0]
                rows.append(
                    HsbConsultation(
                        id=rng.uuid(),
                        offered_on=offered,
                        offered_by_id=offered_by,
                        offered_to_agency_id=self.agencies[code],
                        offered_to_name=name,
                        person=person,
                        status=status,
                        notes=rng.choice(CONSULTATION_NOTES),
                        recorded_by_id=offered_by,
                        recorded_at=_local(offered, rng.randint(9, 17), rng.randint(0, 59)),
                    )
                )
        return rows


def run_workforce(borough) -> None:
    agencies = dict(Agency.objects.filter(code__in=AGENCY_CODES).values_list("code", "id"))
    if len(agencies) < len(AGENCY_CODES):
        return  # not the demo borough's organisation
    _Workforce(borough, agencies).run()


INTERVENTIONS_EXTENSION = Extension(
    name="interventions",
    run=run_interventions,
    models=(Intervention, InterventionHarm, EteStatus),
)
WORKFORCE_EXTENSION = Extension(
    name="workforce", run=run_workforce, models=(TrainingRecord, HsbConsultation)
)
