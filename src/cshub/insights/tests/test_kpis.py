"""The four missing-children KPIs (strategy section 14), pinned on hand-built cases, and the
frame of all fifteen.

Every case asserts the exact numerator, denominator and exclusions, so a change of definition
fails here first. Rows are built through `cshub.missing.services`, as the police API and the
pages build them; times are Europe/London unless they say UTC.
"""

from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import pytest
import time_machine

from cshub.core.vocab import AgencyKind
from cshub.insights.kpis import KPIS, Better, Result
from cshub.missing import services
from cshub.missing.choices import MissingFrom, NotOfferedReason, PoliceRisk, RhiResponse, Source
from cshub.missing.models import Episode
from tests import factories

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2026, 1, 15, 12, 0, tzinfo=dt.UTC)  # after every event below
MINUTE = dt.timedelta(minutes=1)
H24 = dt.timedelta(hours=24)
H72 = dt.timedelta(hours=72)

ACCEPTANCE = KPIS["rhi_acceptance_rate"]
NOTIFIED_24H = KPIS["missing_reports_24h"]
OFFERED_72H = KPIS["rhi_offered_72h"]
REPEAT = KPIS["repeat_missing_strategy"]

JUNE = dt.date(2025, 6, 1), dt.date(2025, 6, 30)
JULY = dt.date(2025, 7, 1), dt.date(2025, 7, 31)
SEPTEMBER = dt.date(2025, 9, 1), dt.date(2025, 9, 30)
Q4_2024_25 = dt.date(2025, 1, 1), dt.date(2025, 3, 31)  # financial quarters from April
Q1_2025_26 = dt.date(2025, 4, 1), dt.date(2025, 6, 30)
Q2_2025_26 = dt.date(2025, 7, 1), dt.date(2025, 9, 30)

RUNNING = "clock still running"
AWAITING = "awaiting an answer"
UNMATCHED = "episodes not yet matched to a child"

pytestmark = pytest.mark.django_db
_references = itertools.count(1)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def police(db):
    return factories.AgencyFactory(code="police", name="Borough Police", kind=AgencyKind.POLICE)


def local(year, month, day, hour=12, minute=0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=LONDON)


def utc(year, month, day, hour=12, minute=0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=dt.UTC)


def report(police, reported_at, *, notified_at=None, child=None) -> Episode:
    """A police report of `child` (None: a child nobody has matched yet), told to the council
    at `notified_at` (default: an hour after the police were told)."""
    episode, created = services.report_missing(
        agency=police,
        report=services.Report(
            police_reference=f"MP/25/{next(_references):05d}",
            reported_at=reported_at,
            notified_at=notified_at or reported_at + dt.timedelta(hours=1),
            given_name=child.given_name if child else "Riley",
            family_name=child.family_name if child else "Nomatchwood",
            date_of_birth=child.date_of_birth if child else None,
            missing_from=MissingFrom.HOME,
            police_risk=PoliceRisk.MEDIUM,
            person=child,
        ),
        source=Source.API,
    )
    assert created
    assert (episode.person_id is None) == (child is None)
    return episode


def returned(police, returned_at, *, reported_at=None) -> Episode:
    """An episode reported two hours before the child came back at `returned_at`."""
    episode = report(police, reported_at or returned_at - dt.timedelta(hours=2))
    return services.record_return(episode=episode, returned_at=returned_at)[0]


def offer(episode, offered_at, response="") -> None:
    services.rhi_offer(
        episode=episode,
        offered_at=offered_at,
        response=response,
        declined_reason="Did not want to talk" if response == RhiResponse.DECLINED else "",
        actor=None,
    )


def not_offered(episode) -> None:
    services.rhi_not_offered(
        episode=episode, reason=NotOfferedReason.CUSTODY, detail="Remanded", actor=None
    )


# --- the definitions' frame ----------------------------------------------------------------------


def test_the_kpis_with_their_baselines_and_direction():
    ex, hsb, missing = "Exploitation", "Harmful sexual behaviour", "Missing"
    assert {key: (k.area, k.baseline, k.better, k.is_rate) for key, k in KPIS.items()} == {
        "bace_completed_ifd": (ex, None, Better.HIGHER, False),
        "bace_completed_cypf": (ex, None, Better.HIGHER, False),
        "bace_completed_specialist": (ex, None, Better.HIGHER, False),
        "nrm_referrals": (ex, None, Better.HIGHER, False),
        "mace_reduced_risk_6m": (ex, None, Better.HIGHER, True),
        "neet_to_ete": (ex, None, Better.HIGHER, True),
        "perpetrators_disrupted_charged": (ex, None, Better.HIGHER, True),
        "hsb_panel_referrals": (hsb, None, Better.HIGHER, False),
        "hsb_direct_interventions": (hsb, None, Better.HIGHER, False),
        "hsb_trained_staff": (hsb, None, Better.HIGHER, False),
        "hsb_consultations": (hsb, None, Better.HIGHER, False),
        "rhi_acceptance_rate": (missing, 0.80, Better.MAINTAIN_OR_HIGHER, True),
        "missing_reports_24h": (missing, 0.65, Better.HIGHER, True),
        "rhi_offered_72h": (missing, 0.64, Better.HIGHER, True),
        "repeat_missing_strategy": (missing, None, Better.LOWER, False),
    }


@pytest.mark.parametrize("key", sorted(KPIS))
def test_a_period_ending_before_it_starts_is_refused(key):
    with pytest.raises(ValueError):
        KPIS[key](dt.date(2025, 7, 1), dt.date(2025, 6, 30))


@pytest.mark.parametrize("key", ["rhi_acceptance_rate", "missing_reports_24h"])
def test_a_rate_with_nothing_to_count_has_no_value(key):
    result = KPIS[key](*JUNE)
    assert (result.numerator, result.denominator) == (0, 0)
    assert result.value is None


def test_a_one_day_period_is_that_local_day(police):
    report(police, local(2025, 6, 30, 0, 30))  # 23:30 UTC on 29 June
    report(police, local(2025, 6, 30, 23, 30))
    report(police, local(2025, 7, 1, 0, 30))
    assert NOTIFIED_24H(dt.date(2025, 6, 30), dt.date(2025, 6, 30)) == Result(2, 2, {})


# --- RHI acceptance ------------------------------------------------------------------------------


def test_acceptance_is_accepted_over_answered_offers_made_in_the_period(police):
    held = returned(police, local(2025, 6, 9))
    offer(held, local(2025, 6, 10), RhiResponse.ACCEPTED)
    services.rhi_record_interview(
        episode=held, fields={"held_at": local(2025, 6, 12)}, signs={}, actor=None
    )
    offer(returned(police, local(2025, 6, 10)), local(2025, 6, 11), RhiResponse.ACCEPTED)
    offer(returned(police, local(2025, 6, 11)), local(2025, 6, 12), RhiResponse.DECLINED)
    offer(returned(police, local(2025, 6, 12)), local(2025, 6, 13))  # awaiting an answer
    not_offered(returned(police, local(2025, 6, 13)))  # no offer: not counted at all
    # Returned in May, offered in June: the offer's date decides.
    offer(returned(police, local(2025, 5, 30)), local(2025, 6, 2), RhiResponse.DECLINED)
    # Offered on 31 May, answered later: May's.
    offer(returned(police, local(2025, 5, 30)), local(2025, 5, 31), RhiResponse.ACCEPTED)
    # 23:30 UTC on 30 June is 00:30 on 1 July in London: July's.
    offer(returned(police, local(2025, 6, 29)), utc(2025, 6, 30, 23, 30), RhiResponse.ACCEPTED)
    # 23:30 UTC on 31 May is 00:30 on 1 June in London: June's.
    offer(returned(police, local(2025, 5, 30)), utc(2025, 5, 31, 23, 30), RhiResponse.DECLINED)

    result = ACCEPTANCE(*JUNE)

    assert result == Result(2, 5, {AWAITING: 1})
    assert result.value == 0.4
    assert ACCEPTANCE(*JULY) == Result(1, 1, {AWAITING: 0})


def test_acceptance_with_only_unanswered_offers_has_no_value(police):
    offer(returned(police, local(2025, 6, 10)), local(2025, 6, 11))
    not_offered(returned(police, local(2025, 6, 10)))

    result = ACCEPTANCE(*JUNE)

    assert result == Result(0, 0, {AWAITING: 1})
    assert result.value is None


# --- notified within 24 hours --------------------------------------------------------------------


def test_notified_within_24_hours_of_the_police_report(police):
    reported = local(2025, 9, 10, 10)
    report(police, reported, notified_at=reported + H24)  # exactly 24 hours: in time
    report(police, reported, notified_at=reported + H24 + MINUTE)  # a minute late
    report(police, reported, notified_at=reported)  # at once
    report(police, reported, notified_at=reported + dt.timedelta(hours=2), child=None)
    child = factories.PersonFactory()
    report(police, reported, child=child)  # matched or not, every report counts
    # Reported on 30 September, notified in October, late: September's, and late.
    report(police, local(2025, 9, 30, 22), notified_at=local(2025, 10, 2, 9))
    # Reported on 31 August, notified on 1 September: August's.
    report(police, local(2025, 8, 31, 23), notified_at=local(2025, 9, 1, 8))

    result = NOTIFIED_24H(*SEPTEMBER)

    assert result == Result(4, 6, {})
    assert result.value == pytest.approx(4 / 6)


def test_notified_24_hours_are_elapsed_hours_when_the_clocks_go_forward(police):
    # The clocks go forward at 01:00 UTC on Sunday 30 March 2025: noon GMT on the 29th plus 24
    # elapsed hours is 13:00 BST on the 30th, not noon.
    reported = local(2025, 3, 29, 12)
    on_time = report(police, reported, notified_at=local(2025, 3, 30, 13))
    report(police, reported, notified_at=local(2025, 3, 30, 13, 1))
    report(police, reported, notified_at=local(2025, 3, 30, 12, 30))  # 23.5 elapsed hours

    assert on_time.notification_due_at == utc(2025, 3, 30, 12)
    assert NOTIFIED_24H(dt.date(2025, 3, 1), dt.date(2025, 3, 31)) == Result(2, 3, {})


def test_notified_24_hours_are_elapsed_hours_when_the_clocks_go_back(police):
    # The clocks go back at 01:00 UTC on Sunday 26 October 2025: noon BST on the 25th plus 24
    # elapsed hours is 11:00 GMT on the 26th.
    reported = local(2025, 10, 25, 12)
    report(police, reported, notified_at=local(2025, 10, 26, 11))
    report(police, reported, notified_at=local(2025, 10, 26, 11, 30))  # 24.5 elapsed hours

    assert NOTIFIED_24H(dt.date(2025, 10, 1), dt.date(2025, 10, 31)) == Result(1, 2, {})


# --- RHI offered within 72 hours -----------------------------------------------------------------


def test_offered_within_72_hours_of_the_return(police):
    back = local(2025, 9, 10, 10)
    offer(returned(police, back), back + H72)  # exactly 72 hours: in time
    offer(returned(police, back), back + H72 + MINUTE, RhiResponse.ACCEPTED)  # a minute late
    offer(returned(police, back), back + dt.timedelta(hours=1), RhiResponse.DECLINED)  # in time
    not_offered(returned(police, back))  # a decision not to offer: counted, not in time
    returned(police, back)  # never offered, the 72 hours long gone: a miss
    report(police, local(2025, 9, 10))  # still missing: not counted
    # Reported in August, back in September: September's.
    offer(returned(police, back, reported_at=local(2025, 8, 25)), back + MINUTE)
    # Back at 23:30 UTC on 30 September, 00:30 on 1 October in London: October's.
    offer(returned(police, utc(2025, 9, 30, 23, 30)), utc(2025, 10, 1, 9))

    result = OFFERED_72H(*SEPTEMBER)

    assert result == Result(3, 6, {RUNNING: 0})
    assert result.value == 0.5
    assert OFFERED_72H(dt.date(2025, 10, 1), dt.date(2025, 10, 31)) == Result(1, 1, {RUNNING: 0})


def test_a_running_clock_is_left_out_until_it_runs_out(police):
    period = dt.date(2025, 11, 1), dt.date(2025, 11, 30)
    waiting = returned(police, utc(2025, 11, 20, 10))  # no offer yet
    returned(police, utc(2025, 11, 10, 10))  # no offer, ran out on the 13th: a miss
    offer(returned(police, utc(2025, 11, 21, 10)), utc(2025, 11, 21, 12))  # clock running: in
    not_offered(returned(police, utc(2025, 11, 21, 10)))  # decided while running: counted

    now = utc(2025, 11, 22, 10)
    assert OFFERED_72H(*period, now) == Result(1, 3, {RUNNING: 1})
    # At the deadline itself the 72 hours have not yet run out.
    assert OFFERED_72H(*period, waiting.rhi_due_at) == Result(1, 3, {RUNNING: 1})
    assert OFFERED_72H(*period, waiting.rhi_due_at + MINUTE) == Result(1, 4, {RUNNING: 0})


def test_a_period_of_running_clocks_only_has_no_value(police):
    returned(police, utc(2025, 11, 20, 10))

    result = OFFERED_72H(dt.date(2025, 11, 1), dt.date(2025, 11, 30), utc(2025, 11, 21))

    assert result == Result(0, 0, {RUNNING: 1})
    assert result.value is None


def test_offered_72_hours_are_elapsed_hours_across_the_clocks_going_forward(police):
    # Back at noon GMT on Friday 28 March 2025; 72 elapsed hours later is 13:00 BST on Monday.
    back = local(2025, 3, 28, 12)
    in_time = returned(police, back)
    offer(in_time, local(2025, 3, 31, 13))
    offer(returned(police, back), local(2025, 3, 31, 13, 1))

    assert in_time.rhi_due_at == utc(2025, 3, 31, 12)
    assert OFFERED_72H(dt.date(2025, 3, 1), dt.date(2025, 3, 31)) == Result(1, 2, {RUNNING: 0})


# --- periods -------------------------------------------------------------------------------------


def test_an_episode_across_the_financial_year_counts_where_each_event_falls(police):
    # Reported 23:30 on 31 March (Q4 of 2024-25), back 01:00 on 1 April (Q1 of 2025-26).
    episode = report(police, local(2025, 3, 31, 23, 30), notified_at=local(2025, 3, 31, 23, 45))
    services.record_return(episode=episode, returned_at=local(2025, 4, 1, 1))
    offer(episode, local(2025, 4, 2, 10), RhiResponse.ACCEPTED)

    assert NOTIFIED_24H(*Q4_2024_25) == Result(1, 1, {})
    assert OFFERED_72H(*Q4_2024_25) == Result(0, 0, {RUNNING: 0})
    assert ACCEPTANCE(*Q4_2024_25) == Result(0, 0, {AWAITING: 0})

    assert NOTIFIED_24H(*Q1_2025_26) == Result(0, 0, {})
    assert OFFERED_72H(*Q1_2025_26) == Result(1, 1, {RUNNING: 0})
    assert ACCEPTANCE(*Q1_2025_26) == Result(1, 1, {AWAITING: 0})


DECEMBER = dt.date(2025, 12, 1), dt.date(2025, 12, 31)
JANUARY = dt.date(2026, 1, 1), dt.date(2026, 1, 31)


@pytest.mark.parametrize(
    "instant, month, not_month",
    [
        (utc(2025, 6, 30, 23, 30), JULY, JUNE),  # BST: 00:30 on 1 July in London
        (utc(2025, 6, 30, 22, 59), JUNE, JULY),  # BST: 23:59 on 30 June
        (utc(2025, 12, 31, 23, 30), DECEMBER, JANUARY),  # GMT: London is UTC
    ],
)
def test_an_event_belongs_to_its_london_date_not_its_utc_date(police, instant, month, not_month):
    report(police, instant)
    assert NOTIFIED_24H(*month) == Result(1, 1, {})
    assert NOTIFIED_24H(*not_month) == Result(0, 0, {})


# --- children missing repeatedly -----------------------------------------------------------------


@pytest.fixture
def repeat_children(police):
    """Episodes reported around Q2 of 2025-26 (July to September), by child."""
    child = {name: factories.PersonFactory(given_name=name) for name in "ABCDE"}
    in_q2 = [local(2025, 7, 3), local(2025, 8, 14), local(2025, 9, 25)]
    for moment in in_q2:
        report(police, moment, child=child["A"])  # three: counts
    for moment in [*in_q2, local(2025, 9, 30, 23, 59)]:
        report(police, moment, child=child["B"])  # four: counts once
    # Two in the quarter and one reported in June, back in July: does not count.
    before = report(police, local(2025, 6, 30, 20), child=child["C"])
    services.record_return(episode=before, returned_at=local(2025, 7, 1, 2))
    for moment in in_q2[:2]:
        report(police, moment, child=child["C"])
    # Two in the quarter and one reported at 00:30 on 1 October (23:30 UTC on 30 September).
    for moment in [*in_q2[:2], utc(2025, 9, 30, 23, 30)]:
        report(police, moment, child=child["D"])
    # One in the quarter; two reported at 23:30 UTC on 30 June, 00:30 on 1 July in London.
    for moment in [local(2025, 8, 1), utc(2025, 6, 30, 23, 30), utc(2025, 6, 30, 23, 30)]:
        report(police, moment, child=child["E"])
    for moment in in_q2:
        report(police, moment)  # the same unmatched child three times: not counted
    return child


def test_repeat_children_are_those_the_rule_prompted_in_the_period(repeat_children):
    result = REPEAT(*Q2_2025_26)

    assert result == Result(3, None, {UNMATCHED: 3})  # A, B and E
    assert result.value == 3.0
    assert REPEAT(*Q1_2025_26) == Result(0, None, {UNMATCHED: 0})


# With 1, C's June episode raised its prompt in Q1, still open when its July ones came.
@pytest.mark.parametrize("threshold, children", [(1, 4), (2, 5), (3, 3), (4, 1), (5, 0)])
def test_repeat_children_follow_the_rule_as_it_stood_when_recorded(
    police, settings, threshold, children, request
):
    settings.CSHUB_REPEAT_MISSING_EPISODES = threshold
    request.getfixturevalue("repeat_children")
    assert REPEAT(*Q2_2025_26) == Result(children, None, {UNMATCHED: 3})
    settings.CSHUB_REPEAT_MISSING_EPISODES = 3  # a later change of rule leaves the past alone
    assert REPEAT(*Q2_2025_26) == Result(children, None, {UNMATCHED: 3})


def test_a_child_prompted_twice_in_a_year_counts_once_in_the_year(police):
    child = factories.PersonFactory(given_name="Twice")
    for month in (5, 5, 6, 8, 8, 9):
        report(police, local(2025, month, 10), child=child)
    prompt = child.strategy_prompts.get()
    services.strategy_meeting_record(
        prompt=prompt, meeting_on=dt.date(2026, 1, 10), attendees="SW", outcome="Plan", actor=None
    )
    report(police, local(2025, 12, 1), child=child)  # before the meeting: answered by it
    assert child.strategy_prompts.count() == 1
    for day in (11, 12, 13):
        report(police, local(2026, 1, day), child=child)
    assert child.strategy_prompts.count() == 2
    assert REPEAT(dt.date(2025, 4, 1), dt.date(2026, 3, 31)).numerator == 1
    assert REPEAT(dt.date(2026, 1, 1), dt.date(2026, 3, 31)).numerator == 1


def test_no_repeat_children_is_zero_not_no_value():
    result = REPEAT(*Q2_2025_26)
    assert result == Result(0, None, {UNMATCHED: 0})
    assert result.value == 0.0
