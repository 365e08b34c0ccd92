"""The interventions and workforce extensions of the synthetic borough: ETE histories and
interventions that obey every rule the services apply, with the variety the KPIs need (NEET
children moving into ETE after an exploitation intervention, some staying NEET, some leaving ETE),
and training and HSB consultations across the last 8 quarters. Their determinism is tested with
the whole borough's in test_seed.py: `content_hash` covers every extension's models."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

import pytest
from django.db import transaction

from cshub.demo.extensions import extensions
from cshub.demo.generator import _content_models, generate
from cshub.interventions.choices import (
    ETE_KINDS,
    EXPLOITATION_HARMS,
    NEET,
    InterventionKind,
    InterventionOutcome,
)
from cshub.interventions.models import EteStatus, Intervention, InterventionHarm
from cshub.interventions.selectors import exploitation_interventions
from cshub.people.models import Case, age_on
from cshub.workforce.choices import ConsultationStatus, Course
from cshub.workforce.models import HsbConsultation, TrainingRecord
from cshub.workforce.selectors import consultations_offered, hsb_trained_staff

TODAY = dt.date(2026, 11, 25)
START = TODAY - dt.timedelta(days=730)


@pytest.fixture(scope="module")
def borough(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield generate(scale=1, seed=13, today=TODAY)
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_ete_histories_obey_the_rules_and_vary(borough):
    names = [e.name for e in extensions()]
    assert "interventions" in names and "workforce" in names
    for model in (EteStatus, Intervention, InterventionHarm, TrainingRecord, HsbConsultation):
        assert model in _content_models()
    rows = list(EteStatus.objects.select_related("person").order_by("person", "from_date"))
    history = defaultdict(list)
    for row in rows:
        row.full_clean()
        assert row.from_date <= TODAY and row.from_date >= row.person.date_of_birth
        if row.status == NEET:
            assert age_on(row.person.date_of_birth, row.from_date) >= 16
        history[row.person_id].append(row.status)
    for statuses in history.values():
        assert all(a != b for a, b in zip(statuses, statuses[1:], strict=False))
    exploited = set(
        Case.objects.filter(harms__harm_type__in=EXPLOITATION_HARMS)
        .exclude(closed_on__lt=START)
        .values_list("person_id", flat=True)
    )
    assert len(set(history) & exploited) >= 0.8 * len(exploited) >= 40
    # The KPI's building blocks have plenty to count, each way.
    into_ete = set(
        EteStatus.objects.with_previous()
        .ete()
        .filter(previous_status=NEET)
        .values_list("person_id", flat=True)
    )
    stay_neet = {p for p, s in history.items() if s[-1] == NEET}
    into_neet = set(
        EteStatus.objects.with_previous()
        .neet()
        .filter(previous_status__in=ETE_KINDS)
        .values_list("person_id", flat=True)
    )
    assert len(into_ete) >= 10 and len(stay_neet) >= 5 and len(into_neet) >= 5
    followed = 0
    for person in into_ete:
        moved = (
            EteStatus.objects.with_previous()
            .ete()
            .filter(person_id=person, previous_status=NEET)
            .order_by("from_date")
            .first()
        )
        if (
            exploitation_interventions()
            .filter(person_id=person, started_on__lt=moved.from_date)
            .exists()
        ):
            followed += 1
    assert followed >= 8
    assert set(Counter(r.status for r in rows)) >= {"in_school", "in_college", "neet"}
    assert EteStatus.objects.filter(source__isnull=False).count() == len(rows)


@pytest.mark.django_db
def test_interventions_obey_the_rules_and_vary(borough):
    interventions = list(
        Intervention.objects.select_related("case", "person").prefetch_related("harms")
    )
    assert len(interventions) >= 100
    for i in interventions:
        i.full_clean()
        assert i.case.person_id == i.person_id
        assert START <= i.started_on <= TODAY and i.started_on >= i.case.opened_on
        assert i.harms.exists()
        if i.ended_on:
            assert i.started_on <= i.ended_on <= TODAY
            assert i.outcome != InterventionOutcome.ONGOING
        else:
            assert i.outcome == InterventionOutcome.ONGOING
            assert i.case.closed_on is None
    assert {i.kind for i in interventions} == set(InterventionKind.values)
    assert {i.outcome for i in interventions} == set(InterventionOutcome.values)
    assert len({i.provider_id for i in interventions}) >= 5
    assert len({i.provider_name for i in interventions}) >= 10
    quarters = {(i.started_on - START).days // 92 for i in interventions}
    assert len(quarters) >= 8
    exploitation = exploitation_interventions().count()
    assert 0.6 * len(interventions) <= exploitation < len(interventions)
    harms = set(InterventionHarm.objects.values_list("harm_type", flat=True))
    assert {"cce", "cse", "hsb"} <= harms


@pytest.mark.django_db
def test_training_and_consultations(borough):
    records = list(TrainingRecord.objects.select_related("user"))
    for r in records:
        r.full_clean()
        assert r.completed_on <= TODAY
    assert set(Counter(r.course for r in records)) == set(Course.values)
    assert any(r.expires_on and r.expires_on < TODAY for r in records)  # some expired
    current = TrainingRecord.objects.current_on(TODAY)
    assert current.count() > TrainingRecord.objects.expired_on(TODAY).count() > 0
    trained = set(hsb_trained_staff(on=TODAY).values_list("username", flat=True))
    assert {"hsb.worker", "hsb.worker2"} <= trained and len(trained) >= 3
    assert len({r.user_id for r in records}) >= 20
    consultations = list(HsbConsultation.objects.select_related("person", "offered_by"))
    for c in consultations:
        c.full_clean()
        assert START <= c.offered_on <= TODAY and c.offered_on.weekday() < 5
        assert c.offered_by.username.startswith("hsb.")
        if c.person:
            assert c.person.date_of_birth is None or c.person.date_of_birth <= c.offered_on
    assert len(consultations) >= 40
    assert {c.status for c in consultations} == set(ConsultationStatus.values)
    assert any(c.person_id for c in consultations) and any(not c.person_id for c in consultations)
    assert len({c.offered_to_agency_id for c in consultations}) >= 5
    for q in range(8):
        end = TODAY - dt.timedelta(days=91 * q)
        assert consultations_offered(end - dt.timedelta(days=90), end).exists(), q
