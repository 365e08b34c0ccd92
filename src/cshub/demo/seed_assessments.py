"""Demo extension: BACE and AIM3 assessments for the synthetic borough.

For each case with an exploitation-related harm (criminal or sexual exploitation, modern slavery,
serious youth violence, missing), a BACE soon after the case opens and a review about every six
months while it stays open, each completed by the team holding the case that day: the Front Door
or the Assessment team early on, then CYPF or the specialist team. So the strategy's three KPIs
(completed by the Front Door and Assessment team, by CYPF, by the specialist team) come out of
the borough's own case histories. Most are approved; recent ones are waiting for approval, in
draft or returned. Cases with harmful sexual behaviour get an AIM3 outcome, completed by an HSB
practitioner and recorded by the team holding the case.

The named demo logins get work of their own: `specialist.worker` has drafts, submissions waiting
for `specialist.manager` and one returned; `cypf.worker` has a draft, a returned one and one
waiting for `cypf.manager`. The Front Door manager (`ifd.manager`) also manages the Assessment
team here (the partnership counts the two together), so that team's assessments are approved.

Deterministic: one stream (`borough.stream("assessments")`), cases read in id order, written in
bulk.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta

from cshub.accounts.models import Membership, Team, User
from cshub.assessments.models import (
    Aim3Outcome,
    Assessment,
    AssessmentKind,
    AssessmentState,
    HarmRisk,
)
from cshub.core.vocab import CaseStatus, HarmType, RiskLevel, Role
from cshub.people.models import YOUNG_ADULT_AGE_LIMIT, Case, age_on

from .extensions import Extension

BACE_HARMS = {
    HarmType.CCE,
    HarmType.CSE,
    HarmType.MODERN_SLAVERY,
    HarmType.SYV,
    HarmType.MISSING,
}
BACE_TEAMS = ("ifd", "assessment", "cypf", "specialist")
AIM3_TEAMS = ("assessment", "cypf", "specialist")
REVIEW_EVERY = (160, 230)  # days between a BACE and its review
RECENT_DAYS = 45  # younger than this, an assessment may still be in progress
LEVELS = (RiskLevel.NO, RiskLevel.LOW, RiskLevel.MEDIUM, RiskLevel.HIGH)

CHILD_VOICE = (
    "Says they ‘just hang about’ with older lads because it is better than being at home. Wants "
    "to go back to football and to stop getting grief from school.",
    "Told me they owe someone money for a phone that was ‘taken’ and are scared of what happens "
    "if they do not pay. Would like help to move schools.",
    "Was quiet at first, then talked about feeling looked after by the group: ‘they have my "
    "back’. Did not want police involved.",
    "Said they go missing because nobody notices anyway. Wants their own room and to see their "
    "nan more.",
    "Described the person they meet online as a boyfriend who ‘gets them’. Agreed to talk again "
    "next week with their key worker.",
    "Drew a map of where they feel safe and unsafe: the precinct and the bus station are the "
    "unsafe places. Wants a youth worker they can text.",
)
CHILD_VOICE_NOT = (
    "Declined to meet on three planned visits; we spoke briefly at the door. Will try again "
    "with the youth worker they trust.",
    "Missing from home during the assessment period; views gathered from school staff instead.",
)
PARENT_VIEW = (
    "Mum is worried about new clothes and trainers she did not buy, and late nights. Feels she "
    "has lost control and wants help setting boundaries.",
    "Dad thinks it is ‘a phase’ but agreed the new friends are older. Willing to attend the "
    "safety planning meeting.",
    "Carer reports the young person comes back smelling of cannabis and with cash. Asks for "
    "respite and clearer information from the police.",
    "Mum is frightened of the group who come to the house and has asked about a move.",
)
PARENT_VIEW_NOT = (
    "Parents did not respond to letters, calls or two visits; the school's family liaison "
    "officer is trying to reach them.",
)
VULNERABILITIES = (
    "Persistent absence from school; recent bereavement; a diagnosis of ADHD without support in "
    "place.",
    "Previous care episode; low mood and self-harm last year; substance use (cannabis) daily.",
    "Excluded from mainstream school; debt to peers; older associates with police records.",
    "Unsettled immigration status; limited English at home; isolated from peers.",
)
STRENGTHS = (
    "Close to their grandmother, who is a safe adult. Enjoys boxing and still goes twice a week.",
    "Talks openly with their teaching assistant. Good at art; wants to do a college course.",
    "Mum engages well with services. Younger siblings are a motivation to stay safe.",
    "Has a part-time job at weekends and is proud of it. Keeps in touch with their social worker.",
)
PEERS = (
    "Seen with an older peer group linked to drug supply in the town centre.",
    "Friendship group has changed in the last three months; new friends are 17-19.",
    "Peer group includes two children already open to the specialist team.",
    "None known: spends most time alone or with family.",
)
PLACES = (
    "The bus station and the retail park after dark; found twice at a flat on the estate.",
    "The park by the leisure centre; a takeaway on the high street where older males gather.",
    "Travels by train to other towns without explanation.",
    "None known outside home and school.",
)
ONLINE = (
    "Snapchat and Telegram contact with unknown adults; location sharing switched on.",
    "Receives gifts and money through online games; messages deleted regularly.",
    "Shared images online that were then used to pressure them.",
    "None known: phone checked with the young person's agreement.",
)
SCHOOL = (
    "Attendance 61% this term; two fixed-term exclusions for bringing a knife to school.",
    "On a reduced timetable; school reports concerns about money and new phones.",
    "Attends a pupil referral unit; staff note improved engagement since September.",
    "Not in education, employment or training since leaving Year 11.",
)
ANALYSIS = (
    "The pattern of missing episodes, unexplained items and older associates indicates criminal "
    "exploitation. Risk is heightened by exclusion and debt; the relationship with grandmother "
    "and the boxing club are protective and should be built on.",
    "Indicators of sexual exploitation through an online relationship with an adult. The "
    "young person does not yet see the harm; a relational approach is needed, with disruption "
    "of the adult by the police.",
    "Risk has reduced since the last review: fewer missing episodes and back in education. "
    "Contextual risks in the town centre remain and need continued place-based work.",
    "Serious youth violence risk from a dispute between groups; the young person is both at "
    "risk and a risk to others. Safety planning and a mentor are the priority.",
)
ACTIONS = (
    "Refer to MACE; safety plan with family; youth worker twice a week; police to consider a "
    "Child Abduction Warning Notice.",
    "Education placement review; NRM referral to be considered; return home interviews after "
    "every missing episode.",
    "Continue specialist team intervention; review in six months; share place concerns with "
    "the community safety partnership.",
    "Mentoring through the youth service; disruption plan for the adult of concern; strategy "
    "discussion if further missing episodes.",
)
INDICATORS = {
    HarmType.CCE: (
        "Unexplained cash and phones; found out of area; older associates.",
        "Debt bondage to peers; going missing overnight.",
    ),
    HarmType.CSE: (
        "Relationship with an older adult online; gifts; secrecy about phone.",
        "Picked up in cars by unknown adults; sexual health concerns.",
    ),
    HarmType.MODERN_SLAVERY: ("Controlled movement and work; documents held by others.",),
    HarmType.SYV: (
        "Carrying a knife; involved in a fight filmed online.",
        "Threats from a rival group; injuries not explained.",
    ),
    HarmType.MISSING: (
        "Three missing episodes in the last quarter, found out of area.",
        "Late returns and one overnight missing episode.",
    ),
    HarmType.HSB: ("Sexualised behaviour towards younger children at school.",),
    HarmType.RADICALISATION: ("Sharing extremist material in an online group.",),
}
RETURN_REASONS = (
    "The analysis does not yet say what the risk is and why. Please add how the contexts link "
    "to the risk level you have given.",
    "The child's voice is missing: please record what they said, or why you could not see them.",
    "Recommended actions need owners and timescales.",
)
AIM3_SUMMARY = (
    "AIM3 completed with the young person and carers. Outcome reflects concerns about behaviour "
    "in school and strengths in family support.",
    "AIM3 completed jointly with the HSB service. Supervision and a safety plan at school agreed.",
)


class _Plan:
    """An assessment to write, with the dates of its transitions."""

    def __init__(self, **kwargs):
        self.__dict__.update(kwargs)


def _at(rng, day: date) -> datetime:
    return datetime.combine(day, time(rng.randint(8, 17), rng.randint(0, 59)), tzinfo=UTC)


def _team_on(case: Case, day: date, allowed: tuple[str, ...], team_code: dict) -> tuple | None:
    """The (team code, allocated worker or None) holding the case on `day`, among `allowed`:
    the lead first, then a supporting team."""
    held = [
        a
        for a in case.allocations.all()
        if a.started_on <= day and (a.ended_on is None or a.ended_on >= day)
    ]
    held.sort(key=lambda a: (a.role != "lead", a.started_on, team_code.get(a.team_id, "")))
    for allocation in held:
        code = team_code.get(allocation.team_id)
        if code in allowed:
            return code, allocation.worker_id
    return None


def _bace_days(rng, case: Case, window_end: date, team_code: dict) -> list[date]:
    """When a case's BACE assessments happen: one as it comes in (by the Front Door while it
    holds the case, else a few weeks in), one when CYPF takes it over, then reviews about every
    six months while it stays open."""
    opened = case.opened_on
    front_door = [
        a for a in case.allocations.all() if team_code.get(a.team_id) == "ifd" and a.role == "lead"
    ]
    if front_door and rng.chance(0.6):
        until = front_door[0].ended_on or window_end
        days = [opened + timedelta(days=rng.randint(0, max(0, (until - opened).days)))]
    else:
        days = [opened + timedelta(days=rng.randint(5, 25))]
    for a in case.allocations.all():
        if team_code.get(a.team_id) == "cypf" and a.role == "lead" and rng.chance(0.7):
            days.append(max(days[-1], a.started_on) + timedelta(days=rng.randint(10, 40)))
            break
    while True:
        nxt = days[-1] + timedelta(days=rng.randint(*REVIEW_EVERY))
        if nxt > window_end:
            break
        days.append(nxt)
    return [d for d in days if d <= window_end and (rng.chance(0.85) or d == days[0])]


def _next_level(rng, level: str) -> str:
    rank = LEVELS.index(level)
    if rng.chance(0.35) and rank > 0:
        rank -= 1
    elif rng.chance(0.1) and rank < len(LEVELS) - 1:
        rank += 1
    return LEVELS[rank]


def _first_level(rng) -> str:
    roll = rng.random()
    return (
        RiskLevel.HIGH
        if roll < 0.3
        else RiskLevel.MEDIUM
        if roll < 0.75
        else RiskLevel.LOW
        if roll < 0.95
        else RiskLevel.NO
    )


def run(borough) -> None:
    rng = borough.stream("assessments")
    today, start = borough.today, borough.start
    yesterday = today - timedelta(days=1)
    teams = {t.code: t for t in Team.objects.filter(code__in=(*BACE_TEAMS, "hsb"))}
    if set(BACE_TEAMS) - set(teams):
        return  # not the demo borough's organisation
    team_code = {t.id: code for code, t in teams.items()}
    workers: dict[str, list[int]] = defaultdict(list)
    managers: dict[str, list[int]] = defaultdict(list)
    current = (
        Membership.objects.filter(team__in=teams.values(), ended_on__isnull=True)
        .select_related("user")
        .order_by("user__username")
    )
    for m in current:
        bucket = managers if m.role == Role.MANAGER else workers
        if m.role in (Role.MANAGER, Role.PRACTITIONER):
            bucket[team_code[m.team_id]].append(m.user_id)
    users = dict(
        User.objects.filter(
            username__in=("ifd.manager", "specialist.worker", "cypf.worker")
        ).values_list("username", "id")
    )
    # The Front Door manager also manages the Assessment team (counted together by the strategy).
    if not managers["assessment"] and "ifd.manager" in users:
        since = (
            Membership.objects.filter(user_id=users["ifd.manager"], team=teams["ifd"])
            .values_list("started_on", flat=True)
            .first()
        )
        Membership.objects.bulk_create(
            [
                Membership(
                    user_id=users["ifd.manager"],
                    team=teams["assessment"],
                    role=Role.MANAGER,
                    started_on=since or start,
                )
            ]
        )
        managers["assessment"].append(users["ifd.manager"])

    cases = list(
        Case.objects.select_related("person")
        .prefetch_related("harms", "allocations")
        .order_by("id")
    )
    named_cases: dict[str, list[Case]] = defaultdict(list)  # username -> their open cases
    for case in cases:
        if case.status != CaseStatus.OPEN:
            continue
        for allocation in case.allocations.all():
            for username in ("specialist.worker", "cypf.worker"):
                if allocation.ended_on is None and allocation.worker_id == users.get(username):
                    named_cases[username].append(case)
    named_in_progress = {
        "specialist.worker": (
            AssessmentState.DRAFT,
            AssessmentState.SUBMITTED,
            AssessmentState.SUBMITTED,
            AssessmentState.DRAFT,
            AssessmentState.SUBMITTED,
            AssessmentState.RETURNED,
        ),
        "cypf.worker": (AssessmentState.DRAFT, AssessmentState.RETURNED, AssessmentState.SUBMITTED),
    }
    reserved = {
        case.id: (username, state)
        for username, states in named_in_progress.items()
        for case, state in zip(named_cases[username], states, strict=False)
    }

    plans: list[_Plan] = []

    def fits_age(case: Case, day: date) -> bool:
        born = case.person.date_of_birth
        return born is None or (born <= day and age_on(born, day) <= YOUNG_ADULT_AGE_LIMIT)

    for case in cases:
        harms = sorted(h.harm_type for h in case.harms.all())
        window_end = min(case.closed_on or today, today)
        if window_end < start:
            continue
        if set(harms) & BACE_HARMS:
            levels = {harm: _first_level(rng) for harm in harms}
            for day in _bace_days(rng, case, window_end, team_code):
                holder = _team_on(case, day, BACE_TEAMS, team_code)
                if day >= start and holder and fits_age(case, day):
                    code, worker = holder
                    author = worker if worker in workers[code] else None
                    if author is None and workers[code]:
                        author = rng.choice(workers[code])
                    if author is not None and managers[code]:
                        plans.append(
                            _Plan(
                                case=case,
                                kind=AssessmentKind.BACE,
                                team=code,
                                author=author,
                                day=day,
                                risks=dict(levels),
                            )
                        )
                levels = {harm: _next_level(rng, level) for harm, level in levels.items()}
        if HarmType.HSB in harms and workers["hsb"]:
            day = case.opened_on + timedelta(days=rng.randint(20, 70))
            holder = _team_on(case, day, AIM3_TEAMS, team_code)
            if (
                start <= day <= window_end
                and holder
                and fits_age(case, day)
                and managers[holder[0]]
            ):
                code, worker = holder
                author = worker if worker in workers[code] else rng.choice(workers[code])
                completer = rng.choice(workers["hsb"]) if rng.chance(0.7) else author
                plans.append(
                    _Plan(
                        case=case,
                        kind=AssessmentKind.AIM3,
                        team=code,
                        author=author,
                        day=day,
                        completed_by=completer,
                        completed_on=max(start, day - timedelta(days=rng.randint(0, 14))),
                        outcome=rng.choice(
                            (Aim3Outcome.LOW,) * 7
                            + (Aim3Outcome.MEDIUM,) * 8
                            + (Aim3Outcome.HIGH,) * 5
                        ),
                    )
                )

    # The named workers' own work in progress: a BACE review started in the last few weeks.
    latest_levels: dict = {}
    for plan in plans:
        if plan.kind == AssessmentKind.BACE:
            latest_levels[plan.case.id] = plan.risks
    for case in cases:
        if case.id not in reserved:
            continue
        username, state = reserved[case.id]
        code = "specialist" if username == "specialist.worker" else "cypf"
        day = today - timedelta(days=rng.randint(3, 25))
        if day < case.opened_on or not fits_age(case, day):
            continue
        harms = sorted(h.harm_type for h in case.harms.all()) or [HarmType.CCE]
        levels = latest_levels.get(case.id) or {harm: _first_level(rng) for harm in harms}
        plans.append(
            _Plan(
                case=case,
                kind=AssessmentKind.BACE,
                team=code,
                author=users[username],
                day=day,
                risks={h: _next_level(rng, lv) for h, lv in levels.items()},
                state=state,
            )
        )

    assessments, risks = [], []
    for plan in plans:
        state = getattr(plan, "state", None)
        age = (today - plan.day).days
        if state is None:
            if plan.case.id in reserved:
                state = AssessmentState.APPROVED  # the named worker's in-progress one is added
            elif age > RECENT_DAYS:
                state = AssessmentState.APPROVED if rng.chance(0.96) else AssessmentState.DRAFT
            else:
                roll = rng.random()
                state = (
                    AssessmentState.APPROVED
                    if roll < 0.4
                    else AssessmentState.SUBMITTED
                    if roll < 0.7
                    else AssessmentState.DRAFT
                    if roll < 0.9
                    else AssessmentState.RETURNED
                )
        a = Assessment(
            id=rng.uuid(),
            kind=plan.kind,
            person_id=plan.case.person_id,
            case_id=plan.case.id,
            team_id=teams[plan.team].id,
            author_id=plan.author,
            updated_by_id=plan.author,
            started_on=plan.day,
            version=1,
        )
        _write_sections(rng, a, plan)
        manager = rng.choice(managers[plan.team])
        if state != AssessmentState.DRAFT:
            if plan.day >= yesterday:
                state = AssessmentState.DRAFT
            else:
                _transitions(rng, a, plan, state, manager, yesterday)
        assessments.append(a)
        if plan.kind == AssessmentKind.BACE:
            for harm, level in sorted(plan.risks.items()):
                texts = INDICATORS.get(harm, ("Concerns noted by the referrer.",))
                risks.append(
                    HarmRisk(
                        assessment_id=a.id,
                        harm_type=harm,
                        risk_level=level,
                        indicators="" if level == RiskLevel.NO else rng.choice(texts),
                    )
                )
    Assessment.objects.bulk_create(assessments, batch_size=2000)
    HarmRisk.objects.bulk_create(risks, batch_size=2000)


def _write_sections(rng, a: Assessment, plan: _Plan) -> None:
    if plan.kind == AssessmentKind.AIM3:
        a.aim3_outcome = plan.outcome
        a.aim3_completed_by_id = plan.completed_by
        a.aim3_completed_on = plan.completed_on
        a.analysis = rng.choice(AIM3_SUMMARY)
        a.recommended_actions = rng.choice(ACTIONS)
        return
    if rng.chance(0.85):
        a.child_voice = rng.choice(CHILD_VOICE)
    else:
        a.child_voice_not_obtained = rng.choice(CHILD_VOICE_NOT)
    if rng.chance(0.8):
        a.parent_view = rng.choice(PARENT_VIEW)
    else:
        a.parent_view_not_obtained = rng.choice(PARENT_VIEW_NOT)
    a.vulnerabilities = rng.choice(VULNERABILITIES)
    a.strengths = rng.choice(STRENGTHS)
    a.context_peers = rng.choice(PEERS)
    a.context_places = rng.choice(PLACES)
    a.context_online = rng.choice(ONLINE)
    a.context_school = rng.choice(SCHOOL)
    a.analysis = rng.choice(ANALYSIS)
    a.recommended_actions = rng.choice(ACTIONS)


def _transitions(rng, a: Assessment, plan: _Plan, state: str, manager: int, last: date) -> None:
    """Submitted (perhaps returned and submitted again), then approved or returned, all on or
    before `last` and in order."""

    def later(day: date, lo: int, hi: int) -> date:
        return min(last, day + timedelta(days=rng.randint(lo, hi)))

    submitted = later(plan.day, 1, 12)
    a.submitted_at, a.submitted_by_id = _at(rng, submitted), plan.author
    versions = 2
    if state == AssessmentState.APPROVED and rng.chance(0.12) and submitted < last:
        returned = later(submitted, 1, 5)
        a.returned_at, a.returned_by_id = _at(rng, returned), manager
        a.return_reason = rng.choice(RETURN_REASONS)
        resubmitted = later(returned, 1, 7)
        a.submitted_at = max(_at(rng, resubmitted), a.returned_at + timedelta(minutes=5))
        versions += 3
    if state == AssessmentState.RETURNED:
        returned = later(submitted, 1, 5)
        a.returned_at = max(_at(rng, returned), a.submitted_at + timedelta(minutes=5))
        a.returned_by_id = manager
        a.return_reason = rng.choice(RETURN_REASONS)
        versions += 1
    if state == AssessmentState.APPROVED:
        approved = later(a.submitted_at.date(), 1, 14)
        a.approved_at = max(_at(rng, approved), a.submitted_at + timedelta(minutes=5))
        a.approved_by_id = manager
        a.review_on = a.approved_at.date() + timedelta(days=182)
        versions += 1
    a.state = state
    a.version = versions
    a.updated_by_id = (
        manager if state in (AssessmentState.APPROVED, AssessmentState.RETURNED) else (plan.author)
    )


EXTENSION = Extension(name="assessments", run=run, models=(Assessment, HarmRisk))
