"""The KPI counts (BACE completed by completing team and period), the risk history and the
manager's queue."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cshub.assessments import selectors
from cshub.assessments.models import Assessment, BaceTeamGroup, HarmRisk
from cshub.core.vocab import Role
from tests import factories

UTC = dt.UTC


def _approved(org, team, approved_at, *, kind="bace", risks=()):
    """An approved assessment written straight to the database, as it would be after approval."""
    author = factories.MembershipFactory(team=org["teams"][team]).user
    manager = factories.MembershipFactory(team=org["teams"][team], role=Role.MANAGER).user
    extra = (
        {
            "aim3_outcome": "low",
            "aim3_completed_by": author,
            "aim3_completed_on": dt.date(2026, 1, 1),
        }
        if kind == "aim3"
        else {"child_voice": "x", "parent_view": "y"}
    )
    a = Assessment.objects.create(
        kind=kind,
        person=org["child"],
        team=org["teams"][team],
        author=author,
        state="approved",
        started_on=approved_at.date() - dt.timedelta(days=10),
        submitted_at=approved_at - dt.timedelta(days=2),
        submitted_by=author,
        approved_at=approved_at,
        approved_by=manager,
        review_on=approved_at.date() + dt.timedelta(days=180),
        **extra,
    )
    for harm, level in risks:
        HarmRisk.objects.create(assessment=a, harm_type=harm, risk_level=level, indicators="i")
    return a


@pytest.fixture
def completed(org):
    at = lambda *args: dt.datetime(*args, tzinfo=UTC)  # noqa: E731
    _approved(org, "ifd", at(2026, 1, 10, 12))
    _approved(org, "assessment", at(2026, 2, 10, 12))
    _approved(org, "cypf", at(2026, 2, 11, 12))
    _approved(org, "cypf", at(2026, 3, 5, 12))
    _approved(org, "specialist", at(2026, 3, 6, 12))
    # 23:30 UTC on 31 March is 00:30 on 1 April in London (BST): an April approval.
    _approved(org, "specialist", at(2026, 3, 31, 23, 30))
    _approved(org, "yjs", at(2026, 2, 1, 12), kind="aim3")  # AIM3: never counted
    _approved(org, "specialist", at(2026, 2, 1, 12), kind="aim3")


@pytest.mark.django_db
class TestBaceCompletedCount:
    Q1 = (dt.date(2026, 1, 1), dt.date(2026, 3, 31))

    def test_counts_by_completing_team_group_in_the_period(self, org, completed, submitted):
        start, end = self.Q1
        counts = {
            group: selectors.bace_completed_count(team_group=group, start=start, end=end)
            for group in BaceTeamGroup
        }
        assert counts == {
            BaceTeamGroup.FRONT_DOOR_ASSESSMENT: 2,  # the Front Door and Assessment together
            BaceTeamGroup.CYPF: 2,
            BaceTeamGroup.SPECIALIST: 1,  # the other was approved on 1 April, London time
        }
        assert selectors.bace_completed_counts(start=start, end=end) == counts

    def test_the_period_is_inclusive_local_days(self, org, completed):
        april = selectors.bace_completed_counts(start=dt.date(2026, 4, 1), end=dt.date(2026, 4, 1))
        assert april[BaceTeamGroup.SPECIALIST] == 1
        one_day = selectors.bace_completed_count(
            team_group="cypf", start=dt.date(2026, 3, 5), end=dt.date(2026, 3, 5)
        )
        assert one_day == 1

    def test_submitted_drafts_and_returned_are_not_completed(self, org, submitted, draft):
        counts = selectors.bace_completed_counts(start=dt.date(2000, 1, 1), end=dt.date(2100, 1, 1))
        assert sum(counts.values()) == 0

    def test_it_is_one_aggregate_query(self, org, completed):
        with CaptureQueriesContext(connection) as queries:
            selectors.bace_completed_counts(start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
        assert len(queries) == 1
        assert "COUNT" in queries[0]["sql"].upper()

    def test_a_period_ending_before_it_starts_is_refused(self):
        with pytest.raises(ValueError, match="ends before it starts"):
            selectors.period_bounds(dt.date(2026, 2, 1), dt.date(2026, 1, 1))

    def test_an_unknown_group_is_refused(self):
        with pytest.raises(ValueError):
            selectors.bace_completed_count(
                team_group="police", start=dt.date(2026, 1, 1), end=dt.date(2026, 2, 1)
            )


@pytest.mark.django_db
def test_risk_history_is_the_latest_approved_level_per_harm_with_earlier_ones(org):
    at = lambda *args: dt.datetime(*args, tzinfo=UTC)  # noqa: E731
    _approved(org, "ifd", at(2025, 6, 1, 12), risks=[("cce", "high"), ("missing", "medium")])
    latest = _approved(org, "specialist", at(2026, 1, 1, 12), risks=[("cce", "medium")])
    rows = {r["harm_type"]: r for r in selectors.risk_history(person=org["child"])}
    assert set(rows) == {"Child criminal exploitation", "Missing"}
    cce = rows["Child criminal exploitation"]
    assert cce["latest"].assessment == latest and cce["latest"].risk_level == "medium"
    assert [r.risk_level for r in cce["earlier"]] == ["high"]
    assert rows["Missing"]["latest"].risk_level == "medium"


@pytest.mark.django_db
def test_the_queue_is_the_managers_teams_submissions_they_did_not_write(org, submitted):
    manager = org["users"]["manager"]
    assert list(selectors.awaiting_approval_by(user=manager)) == [submitted]
    assert list(selectors.awaiting_approval_by(user=org["users"]["specialist_manager"])) == []
    assert list(selectors.awaiting_approval_by(user=org["users"]["worker"])) == []
    Assessment.objects.filter(pk=submitted.pk).update(author=manager)
    assert list(selectors.awaiting_approval_by(user=manager)) == []


@pytest.mark.django_db
def test_the_three_bace_kpis_are_these_counts(org, completed):
    """One child assessed by several teams (a reassessment by a second team) counts once per
    completed assessment, in the KPI of each completing team's group."""
    from cshub.insights.kpis import KPIS

    start, end = TestBaceCompletedCount.Q1
    counts = selectors.bace_completed_counts(start=start, end=end)
    assert {
        BaceTeamGroup.FRONT_DOOR_ASSESSMENT: KPIS["bace_completed_ifd"](start, end).numerator,
        BaceTeamGroup.CYPF: KPIS["bace_completed_cypf"](start, end).numerator,
        BaceTeamGroup.SPECIALIST: KPIS["bace_completed_specialist"](start, end).numerator,
    } == counts
    assert Assessment.objects.values("person").distinct().count() == 1  # all the same child
