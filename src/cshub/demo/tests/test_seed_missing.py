"""The missing pathway in the synthetic borough: two years of episodes whose stored deadlines are
the clocks' own, Return Home Interviews, the strategy-meeting prompts the repeat-missing rule
raises, today's work for the named logins, and police reports that match nobody.

One borough (--scale 1) is seeded once for this module inside a transaction that is rolled back
when the module ends; every test here only reads it. Determinism (content_hash covers the
extension's models) is tested in test_seed.py.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict

import pytest
import time_machine
from django.db import transaction

from cshub.accounts.models import Membership, User
from cshub.contexts.models import PersonPlace
from cshub.core import clocks
from cshub.core.vocab import (
    CaseLevel,
    CaseStatus,
    Confidence,
    HarmType,
    InformationSource,
    PlaceAssociationKind,
    PlaceKind,
    Role,
    TeamFunction,
)
from cshub.demo.extensions import extensions
from cshub.demo.generator import _content_models, generate
from cshub.insights.kpis import KPIS
from cshub.missing import selectors
from cshub.missing.choices import (
    EpisodeType,
    MissingFrom,
    PoliceRisk,
    RhiResponse,
)
from cshub.missing.models import (
    Episode,
    EpisodePerson,
    ReturnInterview,
    RhiExploitationSign,
    StrategyMeetingPrompt,
)
from cshub.missing.rules import current_rule, quarter_of
from cshub.people.models import Allocation, CaseHarm, Person

TODAY = dt.date(2026, 11, 25)  # a Wednesday
NOW = dt.datetime.combine(TODAY, dt.time(10, 0), tzinfo=clocks.LONDON)
REFERENCE = re.compile(r"^MP/\d{2}/\d{6}$")
LIVE = dt.timedelta(days=12)  # today's work returned within this; the history before it


@pytest.fixture(scope="module")
def borough(django_db_setup, django_db_blocker):
    """One default-scale borough for the module's read-only checks, rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        result = generate(scale=1, seed=13, today=TODAY)
        yield result
        transaction.set_rollback(True)


def _local_day(moment: dt.datetime) -> dt.date:
    return moment.astimezone(clocks.LONDON).date()


def _allocated_to(username: str) -> set:
    return set(
        Allocation.objects.filter(
            worker__username=username, ended_on__isnull=True, case__status=CaseStatus.OPEN
        ).values_list("case__person_id", flat=True)
    )


@pytest.mark.django_db
def test_the_extension_runs_after_frontdoor_and_its_models_are_hashed(borough):
    names = [e.name for e in extensions()]
    assert names.index("missing") > names.index("frontdoor")
    assert {
        Episode,
        EpisodePerson,
        ReturnInterview,
        RhiExploitationSign,
        StrategyMeetingPrompt,
        PersonPlace,
    } <= set(_content_models())
    assert borough.counts["episodes (missing)"] == Episode.objects.count()


@pytest.mark.django_db
def test_episodes_are_valid_and_store_the_clocks_deadlines(borough):
    episodes = list(Episode.objects.select_related("reporting_agency", "last_seen_place"))
    assert 300 <= len(episodes) <= 1200
    references = [e.police_reference for e in episodes]
    assert len(set(references)) == len(references)
    late = 0
    for e in episodes:
        e.full_clean()  # choices and every database constraint, checked again
        assert REFERENCE.match(e.police_reference)
        assert e.police_reference[3:5] == f"{_local_day(e.reported_at).year % 100:02d}"
        assert e.reporting_agency.code == "police"
        assert e.notification_due_at == clocks.missing_notification_due(e.reported_at)
        if e.returned_at is None:
            assert e.rhi_due_at is None
        else:
            assert e.rhi_due_at == clocks.rhi_offer_due(e.returned_at)
            assert e.reported_at <= e.returned_at <= NOW
            assert e.return_method and e.found_where
        assert e.reported_at <= e.notified_at <= NOW
        assert e.notified_at <= e.reported_at + dt.timedelta(hours=72)
        late += e.notified_at > e.notification_due_at
        if e.last_seen_at:
            assert e.last_seen_at <= e.reported_at
        if e.missing_from == MissingFrom.CARE_PLACEMENT:
            assert e.placement_type
        else:
            assert not e.placement_type
            assert e.episode_type == EpisodeType.MISSING
        if e.last_seen_place:
            assert e.last_seen_place.kind != PlaceKind.SCHOOL
        if e.missing_from == MissingFrom.SCHOOL:  # reported in the school day
            local = e.reported_at.astimezone(clocks.LONDON)
            assert local.weekday() < 5 and 9 <= local.hour < 16
    assert 0.2 <= late / len(episodes) <= 0.4
    # The mix: home most, every kind of missing_from and grading, some away from placement.
    where = Counter(e.missing_from for e in episodes)
    assert set(where) == set(MissingFrom.values)
    assert where.most_common(1)[0][0] == MissingFrom.HOME
    risks = Counter(e.police_risk for e in episodes)
    assert set(risks) == set(PoliceRisk.values)
    assert risks[PoliceRisk.MEDIUM] > risks[PoliceRisk.HIGH] > risks[PoliceRisk.NO_APPARENT_RISK]
    assert any(e.episode_type == EpisodeType.AWAY for e in episodes)
    assert sum(bool(e.last_seen_place_id) for e in episodes) > 50
    assert sum(bool(e.last_seen_with) for e in episodes) > 50
    assert EpisodePerson.objects.exists()
    # Two years of them; a child goes missing again only once back from the last time.
    days = [_local_day(e.reported_at) for e in episodes]
    assert min(days) < TODAY - dt.timedelta(days=600)
    by_child = defaultdict(list)
    for e in episodes:
        if e.person_id:
            by_child[e.person_id].append(e)
    for theirs in by_child.values():
        theirs.sort(key=lambda e: e.reported_at)
        for earlier, later in zip(theirs, theirs[1:], strict=False):
            assert earlier.returned_at and earlier.returned_at <= later.reported_at


@pytest.mark.django_db
def test_who_goes_missing(borough):
    harms = defaultdict(set)
    for person, harm in CaseHarm.objects.values_list("case__person_id", "harm_type"):
        harms[person].add(harm)
    per_child = Counter(
        Episode.objects.filter(person__isnull=False).values_list("person_id", flat=True)
    )
    missing = [n for p, n in per_child.items() if HarmType.MISSING in harms[p]]
    exploited = [
        n
        for p, n in per_child.items()
        if HarmType.MISSING not in harms[p] and harms[p] & {HarmType.CCE, HarmType.CSE}
    ]
    others = [
        n
        for p, n in per_child.items()
        if not harms[p] & {HarmType.MISSING, HarmType.CCE, HarmType.CSE}
    ]
    assert len(missing) > 30 and exploited and others
    assert sum(missing) / len(missing) > sum(exploited) / len(exploited)
    assert sum(missing) > sum(exploited) > 0
    # Some children reach the rule in one financial quarter.
    quarters = Counter(
        (person, quarter_of(_local_day(at)))
        for person, at in Episode.objects.filter(person__isnull=False).values_list(
            "person_id", "reported_at"
        )
    )
    assert sum(1 for n in quarters.values() if n >= 3) >= 5
    # Missing from a care placement: children looked after at the time.
    for e in Episode.objects.filter(missing_from=MissingFrom.CARE_PLACEMENT).prefetch_related(
        "person__cases"
    ):
        day = _local_day(e.reported_at)
        assert any(
            c.level == CaseLevel.CHILD_LOOKED_AFTER
            and c.opened_on <= day
            and (c.closed_on is None or c.closed_on >= day)
            for c in e.person.cases.all()
        ), e.police_reference


@pytest.mark.django_db
def test_places_seen_and_found_at_are_linked_as_the_service_links_them(borough):
    for e in Episode.objects.filter(person__isnull=False).exclude(
        last_seen_place__isnull=True, found_place__isnull=True
    ):
        for place, kind in (
            (e.last_seen_place_id, PlaceAssociationKind.SEEN_AT),
            (e.found_place_id, PlaceAssociationKind.FOUND_AT),
        ):
            if place:
                assert PersonPlace.objects.filter(
                    person_id=e.person_id, place_id=place, kind=kind
                ).exists(), e.police_reference
    made = PersonPlace.objects.filter(notes__startswith="Missing episode MP/")
    assert made.count() > 50
    assert set(made.values_list("source", "confidence", "source_agency__code").distinct()) == {
        (InformationSource.RECORD.value, Confidence.CONFIRMED.value, "police")
    }
    assert not made.filter(place__kind=PlaceKind.SCHOOL).exists()
    for link in made.order_by("id")[:50]:
        link.full_clean()


@pytest.mark.django_db
def test_return_home_interviews(borough):
    specialists = set(
        Membership.objects.filter(
            team__function=TeamFunction.SPECIALIST, role=Role.PRACTITIONER, ended_on__isnull=True
        ).values_list("user_id", flat=True)
    )
    returned = Episode.objects.filter(person__isnull=False, returned_at__lt=NOW - LIVE)
    assert not returned.filter(rhi__isnull=True).exists()  # every past return has its interview
    rhis = list(
        ReturnInterview.objects.select_related("episode").prefetch_related("signs").order_by("id")
    )
    assert len(rhis) > 300
    for rhi in rhis:
        rhi.full_clean()  # codes, choices and constraints
        episode = rhi.episode
        assert episode.person_id and episode.returned_at
        if rhi.not_offered_reason:
            assert rhi.not_offered_detail and not rhi.offered_at
        else:  # offered after the return, once the council knew of the episode
            assert max(episode.returned_at, episode.notified_at) <= rhi.offered_at <= NOW
            assert rhi.offered_by_id in specialists
        if rhi.response == RhiResponse.DECLINED:
            assert rhi.declined_reason and rhi.held_at is None
        if rhi.held_at:
            assert rhi.offered_at < rhi.held_at <= NOW
            assert rhi.interviewer_id in specialists
            assert rhi.interviewer_independent is not None
            assert rhi.where_went and rhi.child_views and rhi.actions
        if rhi.shared_with_police_at:
            assert rhi.is_closed and rhi.shared_by_id in specialists
            assert rhi.shared_with_police_at <= NOW
            assert rhi.shared_with_police_at >= (rhi.held_at or rhi.offered_at or NOW - LIVE * 100)
        elif episode.returned_at < NOW - LIVE:
            pytest.fail(f"an old interview not shared: {episode.police_reference}")
    responses = Counter(r.response for r in rhis)
    assert responses[RhiResponse.ACCEPTED] > responses[RhiResponse.DECLINED] > 0
    assert 0.01 <= sum(bool(r.not_offered_reason) for r in rhis) / len(rhis) <= 0.06
    assert sum(r.harm_not_told_to_police for r in rhis) > 0
    assert any(r.push_factors for r in rhis) and any(r.pull_factors for r in rhis)
    assert any(r.substances for r in rhis)
    signs = set(RhiExploitationSign.objects.values_list("harm_type", flat=True))
    assert signs and signs <= set(HarmType.values)


@pytest.mark.django_db
def test_kpis_over_the_last_year_are_plausible(borough):
    start = TODAY - dt.timedelta(days=364)
    values = {key: kpi(start, TODAY, NOW) for key, kpi in KPIS.items()}
    assert 0.6 <= values["rhi_acceptance_rate"].value <= 0.95
    assert 0.5 <= values["missing_reports_24h"].value <= 0.9
    assert 0.5 <= values["rhi_offered_72h"].value <= 0.9
    assert values["rhi_offered_72h"].excluded["clock still running"] >= 2
    assert values["repeat_missing_strategy"].value > 0
    assert values["rhi_acceptance_rate"].denominator > 100


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_todays_work_for_the_named_logins(borough):
    specialist = User.objects.get(username="specialist.worker")
    rows = selectors.rhi_queue(user=specialist, now=NOW)
    offers = [r for r in rows if r.stage == "Offer an interview"]
    breaches = [r for r in offers if r.clock.overdue]
    running = [r for r in offers if not r.clock.overdue]
    assert 5 <= len(offers) <= 10
    assert len(breaches) >= 2 and len(running) >= 2
    for row in offers:  # returned in the last four days, no offer or decision yet
        assert NOW - dt.timedelta(days=4) <= row.episode.returned_at <= NOW
        assert not ReturnInterview.objects.filter(episode=row.episode).exists()
    stages = Counter(r.stage for r in rows)
    assert stages["Record the child's answer"] >= 2
    assert stages["Record the interview"] >= 2
    assert stages["Share the outcome with the police"] >= 2
    still = list(selectors.still_missing(user=specialist))
    assert 2 <= len(still) <= 4
    assert any(e.police_risk == PoliceRisk.HIGH for e in still)
    # Both named workers have children of their own in today's work.
    for username in ("specialist.worker", "cypf.worker"):
        user = User.objects.get(username=username)
        mine = _allocated_to(username)
        queue = selectors.rhi_queue(user=user, now=NOW)
        assert queue
        assert {r.episode.person_id for r in queue} & mine, username
    cypf = User.objects.get(username="cypf.worker")
    assert selectors.still_missing(user=cypf).exists()
    # Breaches and hours left for children allocated to the specialist team itself: there
    # whatever the date (the coordinator's own sight of returns is for 30 days).
    team = set(
        Allocation.objects.filter(
            team__code="specialist", ended_on__isnull=True, case__status=CaseStatus.OPEN
        ).values_list("case__person_id", flat=True)
    )
    assert sum(1 for r in breaches if r.episode.person_id in team) >= 2
    assert sum(1 for r in running if r.episode.person_id in team) >= 2


@pytest.mark.django_db
def test_unmatched_reports(borough):
    unmatched = list(selectors.unmatched_reports())
    assert 2 <= len(unmatched) <= 3
    assert sum(e.returned_at is None for e in unmatched) == 1
    surnames = set(Person.objects.values_list("family_name", flat=True))
    for e in unmatched:
        assert e.person_id is None and not e.match_basis
        assert e.reported_family_name not in surnames
        assert NOW - dt.timedelta(days=3) <= e.reported_at <= NOW


@pytest.mark.django_db
def test_strategy_meeting_prompts_follow_the_rule(borough):
    rule = current_rule()
    prompts = list(StrategyMeetingPrompt.objects.select_related("case").order_by("raised_at"))
    assert len(prompts) >= 10
    episodes = defaultdict(list)
    for person, reported, notified in Episode.objects.filter(person__isnull=False).values_list(
        "person_id", "reported_at", "notified_at"
    ):
        episodes[person].append((reported, notified))
    open_prompts = [p for p in prompts if p.meeting_on is None]
    assert open_prompts and len(open_prompts) < len(prompts)
    by_person = defaultdict(list)
    for prompt in prompts:
        prompt.full_clean()
        by_person[prompt.person_id].append(prompt)
        assert prompt.rule == rule.describe()
        lower, upper = clocks.local_days(prompt.period_start, prompt.period_end)
        known = [r for r, n in episodes[prompt.person_id] if n <= prompt.raised_at]
        assert prompt.episode_count == sum(1 for r in known if lower <= r < upper)
        assert prompt.episode_count >= rule.episodes
        assert prompt.period_end == rule.window(_local_day(max(known)))[1]
        if prompt.case:
            raised = _local_day(prompt.raised_at)
            assert prompt.case.person_id == prompt.person_id
            assert prompt.case.opened_on <= raised
            assert prompt.case.closed_on is None or prompt.case.closed_on >= raised
        if prompt.meeting_on is None:
            assert prompt.raised_at >= NOW - dt.timedelta(days=21)
        else:
            assert 2 <= (prompt.meeting_on - _local_day(prompt.raised_at)).days <= 9
            assert prompt.meeting_on < TODAY
            assert prompt.attendees and prompt.outcome and prompt.recorded_by_id
    for theirs in by_person.values():  # a meeting answers the episodes before it
        assert sum(p.meeting_on is None for p in theirs) <= 1
        for earlier, later in zip(theirs, theirs[1:], strict=False):
            assert earlier.meeting_on is not None
            assert _local_day(later.raised_at) > earlier.meeting_on
            assert later.period_start > earlier.meeting_on
    # Every child who reached the rule in a quarter has had a prompt.
    if rule.period == "quarter":
        quarters = Counter(
            (person, quarter_of(_local_day(r))) for person, es in episodes.items() for r, _n in es
        )
        reached = {person for (person, _q), n in quarters.items() if n >= rule.episodes}
        assert reached and reached <= set(by_person)
    # An open prompt for a child of the named workers (their managers see it).
    named = _allocated_to("cypf.worker") | _allocated_to("specialist.worker")
    assert any(p.person_id in named for p in open_prompts)
    manager = User.objects.get(username="cypf.manager")
    assert selectors.open_prompts(user=manager).exists()
