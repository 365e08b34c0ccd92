"""The missing pathway's clocks at their edges (elapsed hours across the clock changes, local
days) and the repeat-missing rule that raises strategy-meeting prompts."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured, ValidationError

from cshub.audit.models import AuditEvent
from cshub.core import clocks
from cshub.missing import rules, services
from cshub.missing.models import StrategyMeetingPrompt
from tests import factories

LONDON = ZoneInfo("Europe/London")
UTC = dt.UTC
NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


def london(*args, fold: int = 0) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON, fold=fold)


def utc(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


# --- elapsed-hour clocks -------------------------------------------------------------------------
# 2026: the clocks go forward at 01:00 GMT on Sunday 29 March and back at 01:00 GMT (02:00 BST)
# on Sunday 25 October.


@pytest.mark.parametrize(
    ("reported", "due_local"),
    [
        # Saturday 01:30 GMT + 24 hours = Sunday 02:30 BST (the wall clock moved on an hour).
        (london(2026, 3, 28, 1, 30), london(2026, 3, 29, 2, 30)),
        # Reported half an hour before the change: 00:30 GMT + 24 hours = 01:30 BST.
        (london(2026, 3, 29, 0, 30), london(2026, 3, 30, 1, 30)),
        # Saturday 12:00 BST + 24 hours = Sunday 11:00 GMT (the wall clock went back an hour).
        (london(2026, 10, 24, 12, 0), london(2026, 10, 25, 11, 0)),
        # The first 01:30 (BST) on the morning the clocks go back: due 00:30 GMT next day.
        (london(2026, 10, 25, 1, 30, fold=0), london(2026, 10, 26, 0, 30)),
        # The second 01:30 (GMT) that morning: an hour later.
        (london(2026, 10, 25, 1, 30, fold=1), london(2026, 10, 26, 1, 30)),
    ],
)
def test_missing_notification_is_due_24_elapsed_hours_after_the_report(reported, due_local):
    due = clocks.missing_notification_due(reported)
    assert due == due_local
    assert due - reported == dt.timedelta(hours=24)
    assert due.tzinfo is UTC
    assert due.astimezone(LONDON).replace(tzinfo=None) == due_local.replace(tzinfo=None)


def test_the_spring_notification_clock_ends_an_hour_later_on_the_wall():
    due = clocks.missing_notification_due(london(2026, 3, 28, 1, 30))
    assert due == utc(2026, 3, 29, 1, 30)
    assert due.astimezone(LONDON).hour == 2  # not 01:30: that would be only 23 hours


@pytest.mark.parametrize(
    ("returned", "due_local"),
    [
        (london(2026, 3, 27, 12, 0), london(2026, 3, 30, 13, 0)),  # across spring: 13:00 BST
        (london(2026, 10, 23, 12, 0), london(2026, 10, 26, 11, 0)),  # across autumn: 11:00 GMT
        (london(2026, 7, 1, 23, 59), london(2026, 7, 4, 23, 59)),  # no change: same wall time
    ],
)
def test_rhi_offer_is_due_72_elapsed_hours_after_the_return(returned, due_local):
    due = clocks.rhi_offer_due(returned)
    assert due == due_local
    assert due - returned == dt.timedelta(hours=72)


def test_an_offset_other_than_london_gives_the_same_instant():
    here = dt.datetime(2026, 3, 28, 1, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    assert clocks.missing_notification_due(here) == clocks.missing_notification_due(
        here.astimezone(UTC)
    )


@pytest.mark.parametrize("clock", [clocks.missing_notification_due, clocks.rhi_offer_due])
def test_naive_datetimes_are_refused(clock):
    with pytest.raises(ValueError, match="aware"):
        clock(dt.datetime(2026, 3, 28, 1, 30))


@pytest.mark.parametrize("clock", [clocks.missing_notification_due, clocks.rhi_offer_due])
def test_met_is_true_at_the_deadline_and_false_a_second_after(clock):
    start = london(2026, 3, 28, 1, 30)
    deadline = clock(start)
    assert clocks.met(deadline, deadline)
    assert clocks.met(deadline, deadline.astimezone(LONDON))  # the same instant, another zone
    assert clocks.met(deadline, deadline - dt.timedelta(seconds=1))
    assert not clocks.met(deadline, deadline + dt.timedelta(seconds=1))
    assert not clocks.met(deadline, deadline + dt.timedelta(microseconds=1))


# --- local days ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "lower", "upper"),
    [
        # Winter (GMT): local midnight is UTC midnight.
        (dt.date(2026, 1, 10), dt.date(2026, 1, 10), utc(2026, 1, 10), utc(2026, 1, 11)),
        # Summer (BST): local midnight is 23:00 UTC the evening before.
        (dt.date(2026, 7, 1), dt.date(2026, 7, 1), utc(2026, 6, 30, 23), utc(2026, 7, 1, 23)),
        # The spring change day is 23 hours long.
        (dt.date(2026, 3, 29), dt.date(2026, 3, 29), utc(2026, 3, 29), utc(2026, 3, 29, 23)),
        # The autumn change day is 25 hours long.
        (
            dt.date(2026, 10, 25),
            dt.date(2026, 10, 25),
            utc(2026, 10, 24, 23),
            utc(2026, 10, 26),
        ),
        # A financial quarter starting in BST and ending in GMT.
        (dt.date(2026, 10, 1), dt.date(2026, 12, 31), utc(2026, 9, 30, 23), utc(2027, 1, 1)),
        # A quarter starting in GMT and ending in BST.
        (dt.date(2027, 1, 1), dt.date(2027, 3, 31), utc(2027, 1, 1), utc(2027, 3, 31, 23)),
    ],
)
def test_local_days_bound_europe_london_dates_in_utc(start, end, lower, upper):
    assert clocks.local_days(start, end) == (lower, upper)
    got_lower, got_upper = clocks.local_days(start, end)
    assert got_lower.tzinfo is UTC and got_upper.tzinfo is UTC
    assert got_lower.astimezone(LONDON).date() == start
    assert (got_upper - dt.timedelta(microseconds=1)).astimezone(LONDON).date() == end


def test_local_days_lengths_across_the_changes():
    def hours(day):
        lower, upper = clocks.local_days(day, day)
        return (upper - lower) / dt.timedelta(hours=1)

    assert hours(dt.date(2026, 3, 29)) == 23
    assert hours(dt.date(2026, 10, 25)) == 25
    assert hours(dt.date(2026, 6, 1)) == 24


# --- periods -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("month", "start", "end"),
    [
        (1, dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
        (2, dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
        (3, dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
        (4, dt.date(2026, 4, 1), dt.date(2026, 6, 30)),
        (5, dt.date(2026, 4, 1), dt.date(2026, 6, 30)),
        (6, dt.date(2026, 4, 1), dt.date(2026, 6, 30)),
        (7, dt.date(2026, 7, 1), dt.date(2026, 9, 30)),
        (8, dt.date(2026, 7, 1), dt.date(2026, 9, 30)),
        (9, dt.date(2026, 7, 1), dt.date(2026, 9, 30)),
        (10, dt.date(2026, 10, 1), dt.date(2026, 12, 31)),
        (11, dt.date(2026, 10, 1), dt.date(2026, 12, 31)),
        (12, dt.date(2026, 10, 1), dt.date(2026, 12, 31)),
    ],
)
def test_quarter_of_every_month(month, start, end):
    first = dt.date(2026, month, 1)
    last = rules.month_of(first)[1]
    for day in (first, dt.date(2026, month, 15), last):
        assert rules.quarter_of(day) == (start, end)


def test_quarter_of_the_first_and_last_days_of_the_financial_year():
    assert rules.quarter_of(dt.date(2026, 4, 1)) == (dt.date(2026, 4, 1), dt.date(2026, 6, 30))
    assert rules.quarter_of(dt.date(2027, 3, 31)) == (dt.date(2027, 1, 1), dt.date(2027, 3, 31))
    assert rules.quarter_of(dt.date(2026, 12, 31)) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert rules.quarter_of(dt.date(2028, 2, 29)) == (dt.date(2028, 1, 1), dt.date(2028, 3, 31))


@pytest.mark.parametrize(
    ("day", "start", "end"),
    [
        (dt.date(2026, 1, 31), dt.date(2026, 1, 1), dt.date(2026, 1, 31)),
        (dt.date(2026, 2, 14), dt.date(2026, 2, 1), dt.date(2026, 2, 28)),
        (dt.date(2028, 2, 1), dt.date(2028, 2, 1), dt.date(2028, 2, 29)),  # leap year
        (dt.date(2028, 2, 29), dt.date(2028, 2, 1), dt.date(2028, 2, 29)),
        (dt.date(2100, 2, 10), dt.date(2100, 2, 1), dt.date(2100, 2, 28)),  # not a leap year
        (dt.date(2026, 4, 30), dt.date(2026, 4, 1), dt.date(2026, 4, 30)),
        (dt.date(2026, 12, 1), dt.date(2026, 12, 1), dt.date(2026, 12, 31)),
    ],
)
def test_month_of(day, start, end):
    assert rules.month_of(day) == (start, end)


def test_repeat_rule_windows():
    day = dt.date(2026, 10, 5)
    quarter = (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert rules.RepeatRule(3, "quarter").window(day) == quarter
    assert rules.RepeatRule(3, "month").window(day) == (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    # 30 days ending on (and including) the day.
    assert rules.RepeatRule(3, "30").window(day) == (dt.date(2026, 9, 6), day)
    assert rules.RepeatRule(3, "1").window(day) == (day, day)
    assert rules.RepeatRule(3, "30").describe() == "3 or more episodes in 30 days"
    assert rules.RepeatRule(4, "quarter").describe() == "4 or more episodes in a quarter"


def test_current_rule_reads_the_settings(settings):
    assert rules.current_rule() == rules.RepeatRule(3, "quarter")
    settings.CSHUB_REPEAT_MISSING_EPISODES = 5
    settings.CSHUB_REPEAT_MISSING_PERIOD = " Month "
    assert rules.current_rule() == rules.RepeatRule(5, "month")
    settings.CSHUB_REPEAT_MISSING_PERIOD = 30
    assert rules.current_rule() == rules.RepeatRule(5, "30")


@pytest.mark.parametrize("period", [0, "0", "-1", "fortnight", "", "1.5", "quarterly"])
def test_current_rule_refuses_a_bad_period(settings, period):
    settings.CSHUB_REPEAT_MISSING_PERIOD = period
    with pytest.raises(ImproperlyConfigured, match="CSHUB_REPEAT_MISSING_PERIOD"):
        rules.current_rule()


@pytest.mark.parametrize("episodes", [0, -1, "-1", "3", "fortnight", 2.5, None])
def test_current_rule_refuses_a_bad_number_of_episodes(settings, episodes):
    settings.CSHUB_REPEAT_MISSING_EPISODES = episodes
    with pytest.raises(ImproperlyConfigured, match="CSHUB_REPEAT_MISSING_EPISODES"):
        rules.current_rule()


# --- the repeat-missing rule ---------------------------------------------------------------------


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def police(db):
    return factories.AgencyFactory(code="police", name="Borough Police", kind="police")


@pytest.fixture
def child(db):
    return factories.PersonFactory(given_name="Jordan", family_name="Repeatchild")


@pytest.fixture
def case(child):
    return factories.AllocationFactory(case__person=child).case


_references = iter(range(1, 100_000))


def report(police, child, reported_at: dt.datetime):
    """One episode for the child, recorded as a worker would from the child's record."""
    episode, created = services.report_missing(
        agency=police,
        report=services.Report(
            police_reference=f"MP/R/{next(_references)}",
            reported_at=reported_at,
            given_name=child.given_name,
            family_name=child.family_name,
            missing_from="home",
            police_risk="medium",
            person=child,
        ),
        source="web",
        actor=None,
    )
    assert created
    return episode


def prompts(child):
    return list(StrategyMeetingPrompt.objects.filter(person=child).order_by("raised_at", "pk"))


def test_three_episodes_in_a_quarter_raise_one_prompt_with_the_open_case(
    frozen, police, child, case
):
    report(police, child, utc(2026, 10, 5, 12))
    report(police, child, utc(2026, 10, 20, 12))
    assert prompts(child) == []
    report(police, child, utc(2026, 11, 1, 12))

    [prompt] = prompts(child)
    assert prompt.case == case
    assert prompt.is_open
    assert (prompt.period_start, prompt.period_end) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert prompt.episode_count == 3
    assert prompt.rule == "3 or more episodes in a quarter"
    assert prompt.raised_at == NOW
    raised = AuditEvent.objects.get(action="missing.strategy_prompt.raised")
    assert raised.details["episodes"] == 3
    assert raised.person_id == child.pk

    report(police, child, utc(2026, 11, 10, 12))  # a 4th while the prompt is open
    assert len(prompts(child)) == 1
    assert AuditEvent.objects.filter(action="missing.strategy_prompt.raised").count() == 1


def test_a_prompt_without_an_open_case_has_no_case(frozen, police, child):
    for day in (5, 6, 7):
        report(police, child, utc(2026, 10, day, 12))
    [prompt] = prompts(child)
    assert prompt.case is None


def test_a_closed_case_is_not_the_prompts_case(frozen, police, child):
    factories.CaseFactory(
        person=child, status="closed", opened_on=dt.date(2024, 1, 1), closed_on=dt.date(2025, 1, 1)
    )
    open_case = factories.CaseFactory(person=child, opened_on=dt.date(2026, 9, 1))
    for day in (5, 6, 7):
        report(police, child, utc(2026, 10, day, 12))
    assert prompts(child)[0].case == open_case


def test_two_in_one_quarter_and_one_in_the_next_raise_none(frozen, police, child):
    report(police, child, utc(2026, 5, 10, 12))
    report(police, child, utc(2026, 6, 20, 12))
    report(police, child, utc(2026, 7, 2, 12))
    assert prompts(child) == []


def test_the_london_date_decides_the_quarter_for_the_third_episode(frozen, police, child):
    report(police, child, utc(2026, 5, 10, 12))
    report(police, child, utc(2026, 6, 20, 12))
    report(police, child, utc(2026, 6, 30, 22, 30))  # 23:30 BST on 30 June
    [prompt] = prompts(child)
    assert (prompt.period_start, prompt.period_end) == (dt.date(2026, 4, 1), dt.date(2026, 6, 30))


def test_three_in_a_quarter_raise_a_prompt_whatever_order_they_are_recorded_in(
    frozen, police, child
):
    report(police, child, utc(2026, 7, 10, 12))  # the next quarter, recorded first
    report(police, child, utc(2026, 6, 20, 12))
    report(police, child, utc(2026, 6, 5, 12))
    report(police, child, utc(2026, 5, 1, 12))  # 3 in April-June now
    assert len(prompts(child)) == 1


def test_a_recorded_meeting_restarts_the_count(frozen, police, child, case):
    for day in (5, 20):
        report(police, child, utc(2026, 10, day, 12))
    report(police, child, utc(2026, 11, 1, 12))
    [first] = prompts(child)

    services.strategy_meeting_record(
        prompt=first,
        meeting_on=dt.date(2026, 11, 3),
        attendees=" Social worker, police, school ",
        outcome=" Safety plan agreed ",
        actor=None,
    )
    first.refresh_from_db()
    assert not first.is_open
    assert (first.attendees, first.outcome) == (
        "Social worker, police, school",
        "Safety plan agreed",
    )
    assert AuditEvent.objects.filter(action="missing.strategy_meeting.recorded").count() == 1

    # An episode reported on the meeting's own day is answered by it.
    report(police, child, london(2026, 11, 3, 20, 0))
    report(police, child, utc(2026, 11, 10, 12))
    report(police, child, utc(2026, 11, 15, 12))
    assert len(prompts(child)) == 1  # 2 since the meeting; the 4 before it no longer count

    report(police, child, utc(2026, 11, 20, 12))
    assert len(prompts(child)) == 2
    second = StrategyMeetingPrompt.objects.get(person=child, meeting_on__isnull=True)
    assert second != first
    assert (second.period_start, second.period_end) == (dt.date(2026, 11, 4), dt.date(2026, 12, 31))
    assert second.episode_count == 3


def test_a_meeting_in_an_earlier_quarter_does_not_shorten_this_one(frozen, police, child):
    frozen.move_to(utc(2026, 8, 10, 12))
    for day in (5, 6, 7):
        report(police, child, utc(2026, 8, day, 12))
    frozen.move_to(utc(2026, 9, 2, 12))
    services.strategy_meeting_record(
        prompt=prompts(child)[0],
        meeting_on=dt.date(2026, 9, 1),
        attendees="SW, police",
        outcome="Plan",
        actor=None,
    )
    frozen.move_to(NOW)
    for day in (1, 2, 3):
        report(police, child, utc(2026, 10, day, 12))
    assert len(prompts(child)) == 2
    second = StrategyMeetingPrompt.objects.get(person=child, meeting_on__isnull=True)
    assert (second.period_start, second.episode_count) == (dt.date(2026, 10, 1), 3)


def test_a_rolling_30_day_window_runs_across_a_quarter_boundary(settings, frozen, police, child):
    settings.CSHUB_REPEAT_MISSING_PERIOD = "30"
    report(police, child, utc(2026, 9, 20, 12))
    report(police, child, utc(2026, 9, 28, 12))
    report(police, child, utc(2026, 10, 5, 12))
    [prompt] = prompts(child)
    assert (prompt.period_start, prompt.period_end) == (dt.date(2026, 9, 6), dt.date(2026, 10, 5))
    assert prompt.rule == "3 or more episodes in 30 days"


def test_the_same_dates_under_the_quarter_rule_raise_none(frozen, police, child):
    report(police, child, utc(2026, 9, 20, 12))
    report(police, child, utc(2026, 9, 28, 12))
    report(police, child, utc(2026, 10, 5, 12))
    assert prompts(child) == []


def test_a_rolling_window_leaves_out_the_31st_day_back(settings, frozen, police, child):
    settings.CSHUB_REPEAT_MISSING_PERIOD = "30"
    report(police, child, utc(2026, 9, 5, 12))  # 31 days before 5 October: outside
    report(police, child, utc(2026, 9, 28, 12))
    report(police, child, utc(2026, 10, 5, 12))
    assert prompts(child) == []


def test_the_episode_count_setting_is_used(settings, frozen, police, child):
    settings.CSHUB_REPEAT_MISSING_EPISODES = 2
    settings.CSHUB_REPEAT_MISSING_PERIOD = "month"
    report(police, child, utc(2026, 10, 30, 12))
    report(police, child, utc(2026, 11, 2, 12))
    assert prompts(child) == []
    report(police, child, utc(2026, 11, 3, 12))
    [prompt] = prompts(child)
    assert prompt.rule == "2 or more episodes in a month"
    assert (prompt.period_start, prompt.period_end) == (dt.date(2026, 11, 1), dt.date(2026, 11, 30))


def test_an_unmatched_episode_does_not_count(frozen, police, child):
    assert services.repeat_check(person=None) is None
    for day in (5, 6):
        report(police, child, utc(2026, 10, day, 12))
    services.report_missing(
        agency=police,
        report=services.Report(
            police_reference="MP/UNMATCHED/1",
            reported_at=utc(2026, 10, 7, 12),
            given_name="Someone",
            family_name="Notknown",
            missing_from="home",
            police_risk="low",
        ),
        source="api",
    )
    assert prompts(child) == []


# --- recording the meeting -----------------------------------------------------------------------


@pytest.fixture
def prompt(frozen, police, child, case):
    for day in (5, 6, 7):
        report(police, child, utc(2026, 11, day, 12))
    return prompts(child)[0]


def _unchanged(prompt) -> None:
    prompt.refresh_from_db()
    assert prompt.meeting_on is None and prompt.attendees == "" and prompt.outcome == ""
    assert prompt.recorded_by is None
    assert not AuditEvent.objects.filter(action="missing.strategy_meeting.recorded").exists()


@pytest.mark.parametrize(
    ("meeting_on", "attendees", "outcome", "fields"),
    [
        (dt.date(2026, 11, 26), "SW, police", "Plan", {"meeting_on"}),  # tomorrow
        (dt.date(2026, 10, 24), "SW, police", "Plan", {"meeting_on"}),  # 32 days before
        (dt.date(2026, 11, 20), "", "Plan", {"attendees"}),
        (dt.date(2026, 11, 20), "SW", "   ", {"outcome"}),
        (dt.date(2026, 11, 26), " ", "", {"meeting_on", "attendees", "outcome"}),
    ],
)
def test_a_bad_meeting_is_refused_and_changes_nothing(
    prompt, meeting_on, attendees, outcome, fields
):
    with pytest.raises(ValidationError) as refused:
        services.strategy_meeting_record(
            prompt=prompt, meeting_on=meeting_on, attendees=attendees, outcome=outcome, actor=None
        )
    assert set(refused.value.message_dict) == fields
    _unchanged(prompt)


def test_a_meeting_today_and_a_month_back_are_accepted(prompt):
    services.strategy_meeting_record(
        prompt=prompt, meeting_on=dt.date(2026, 10, 25), attendees="SW", outcome="P", actor=None
    )
    prompt.refresh_from_db()
    assert prompt.meeting_on == dt.date(2026, 10, 25)


def test_today_is_the_london_date(police, child):
    # 23:30 UTC on 1 July is 00:30 on 2 July in London: a meeting on 2 July is not in the future.
    with time_machine.travel(utc(2026, 7, 1, 23, 30), tick=False):
        for day in (5, 6, 7):
            report(police, child, utc(2026, 6, day, 12))
        [prompt] = prompts(child)
        services.strategy_meeting_record(
            prompt=prompt, meeting_on=dt.date(2026, 7, 2), attendees="SW", outcome="P", actor=None
        )
        prompt.refresh_from_db()
        assert prompt.meeting_on == dt.date(2026, 7, 2)


def test_a_meeting_is_recorded_once(prompt):
    worker = factories.UserFactory()
    services.strategy_meeting_record(
        prompt=prompt,
        meeting_on=dt.date(2026, 11, 20),
        attendees="SW",
        outcome="Plan",
        actor=worker,
    )
    with pytest.raises(ValidationError, match="already been recorded"):
        services.strategy_meeting_record(
            prompt=prompt,
            meeting_on=dt.date(2026, 11, 24),
            attendees="Someone else",
            outcome="Another plan",
            actor=None,
        )
    prompt.refresh_from_db()
    assert (prompt.meeting_on, prompt.attendees, prompt.outcome) == (
        dt.date(2026, 11, 20),
        "SW",
        "Plan",
    )
    assert prompt.recorded_by == worker
    assert AuditEvent.objects.filter(action="missing.strategy_meeting.recorded").count() == 1
