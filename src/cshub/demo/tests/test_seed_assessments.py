"""The demo's assessments (seed_assessments.py): valid by every rule the pages enforce, spread
across the three KPI team groups and both years, and with work waiting for the named logins."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import transaction

from cshub.accounts.models import User
from cshub.assessments import selectors
from cshub.assessments.models import Assessment, AssessmentState, BaceTeamGroup, HarmRisk
from cshub.assessments.policy import can_decide
from cshub.demo.generator import generate

TODAY = dt.date(2026, 11, 25)


@pytest.fixture(scope="module")
def borough(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        generate(scale=1, seed=7, today=TODAY)
        yield
        transaction.set_rollback(True)


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2026, 11, 25, 18, tzinfo=dt.UTC), tick=False)
def test_every_assessment_is_valid_and_in_a_consistent_state(borough):
    assessments = list(
        Assessment.objects.select_related("person", "case", "team").prefetch_related("risks")
    )
    assert len(assessments) > 150
    for a in assessments:
        a.full_clean()  # the model's rules and every database constraint, checked again
        if a.state in (AssessmentState.SUBMITTED, AssessmentState.APPROVED):
            assert a.missing_for_submission() == [], a.pk
        if a.approved_by_id:
            assert a.approved_by_id != a.author_id
            assert can_decide(a.approved_by, a) or a.approved_at.date() < TODAY
        assert a.case.person_id == a.person_id
        assert a.started_on <= (a.submitted_at.date() if a.submitted_at else TODAY)
    assert HarmRisk.objects.filter(assessment__kind="aim3").count() == 0


@pytest.mark.django_db
def test_the_kpis_have_something_to_count_in_each_group_and_year(borough):
    for year in (2025, 2026):
        counts = selectors.bace_completed_counts(
            start=dt.date(year, 1, 1), end=min(dt.date(year, 12, 31), TODAY)
        )
        assert all(counts[group] > 0 for group in BaceTeamGroup), (year, counts)
    states = set(Assessment.objects.values_list("state", flat=True))
    assert states == set(AssessmentState.values)
    assert Assessment.objects.filter(kind="aim3", state="approved").exists()
    approved = Assessment.objects.filter(state="approved").count()
    assert approved / Assessment.objects.count() > 0.75  # mostly approved


@pytest.mark.django_db
def test_the_named_logins_have_work(borough):
    mine = lambda username: set(  # noqa: E731
        Assessment.objects.filter(author__username=username).values_list("state", flat=True)
    )
    assert {"draft", "submitted"} <= mine("specialist.worker")
    assert {"draft", "returned", "submitted"} <= mine("cypf.worker")
    queue = selectors.awaiting_approval_by(user=User.objects.get(username="specialist.manager"))
    assert queue.filter(author__username="specialist.worker").exists()
    assert selectors.awaiting_approval_by(user=User.objects.get(username="cypf.manager")).exists()
