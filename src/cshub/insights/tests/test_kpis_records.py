"""The three KPIs over the interventions and workforce records, pinned on hand-built cases:
NEET children who go on to ETE following exploitation interventions, staff trained for HSB
direct work and AIM3, and HSB consultations offered."""

from __future__ import annotations

import datetime as dt

import pytest

from cshub.core.vocab import AgencyKind, HarmType
from cshub.insights import periods, selectors
from cshub.insights.kpis import KPIS
from cshub.interventions.choices import EteStatusKind, InterventionKind, InterventionOutcome
from cshub.interventions.models import EteStatus, Intervention, InterventionHarm
from cshub.workforce.choices import Course
from cshub.workforce.models import HsbConsultation, TrainingRecord
from tests import factories

pytestmark = pytest.mark.django_db
Q2 = periods.parse("2026-Q2")  # 1 April to 30 June 2026
D = dt.date


def _statuses(person, *history):
    for day, status in history:
        EteStatus.objects.create(person=person, status=status, from_date=day)


def _intervention(person, started, ended=None, harms=(HarmType.CCE,)):
    i = Intervention.objects.create(
        person=person,
        kind=InterventionKind.MENTORING,
        provider_name="Youth mentoring project",
        started_on=started,
        ended_on=ended,
        outcome=InterventionOutcome.COMPLETED if ended else InterventionOutcome.ONGOING,
    )
    for harm in harms:
        InterventionHarm.objects.create(intervention=i, harm_type=harm)
    return i


@pytest.fixture
def neet():
    NEET, COLLEGE = EteStatusKind.NEET, EteStatusKind.IN_COLLEGE
    kids = {k: factories.PersonFactory(given_name=k) for k in "ABCDEFGH"}
    # A: NEET, exploitation work from February, college from 1 May: counted, and moved to ETE.
    _statuses(kids["A"], (D(2026, 1, 10), NEET), (D(2026, 5, 1), COLLEGE))
    _intervention(kids["A"], D(2026, 2, 1))
    # B: NEET, work started in the quarter, still NEET at its end: counted, not moved.
    _statuses(kids["B"], (D(2026, 3, 1), NEET))
    _intervention(kids["B"], D(2026, 4, 15))
    # C: left NEET before the work started: not "following" an intervention.
    _statuses(kids["C"], (D(2026, 3, 1), NEET), (D(2026, 5, 1), COLLEGE))
    _intervention(kids["C"], D(2026, 5, 20))
    # D: work for going missing only, not exploitation.
    _statuses(kids["D"], (D(2026, 2, 1), NEET), (D(2026, 5, 1), COLLEGE))
    _intervention(kids["D"], D(2026, 2, 5), harms=(HarmType.MISSING,))
    # E: the work ended in February, while NEET; ETE from 10 April: counted, and moved.
    _statuses(kids["E"], (D(2026, 1, 1), NEET), (D(2026, 4, 10), EteStatusKind.EMPLOYMENT))
    _intervention(kids["E"], D(2026, 1, 5), ended=D(2026, 2, 1))
    # F: into ETE in March, before the quarter: not in it.
    _statuses(kids["F"], (D(2026, 1, 1), NEET), (D(2026, 3, 15), COLLEGE))
    _intervention(kids["F"], D(2026, 1, 5))
    # G: NEET to "not known" in the quarter: counted, not moved.
    _statuses(kids["G"], (D(2026, 1, 1), NEET), (D(2026, 5, 1), EteStatusKind.NOT_KNOWN))
    _intervention(kids["G"], D(2026, 1, 5))
    # H: the work ended before the NEET spell began: not under way while NEET.
    _statuses(kids["H"], (D(2025, 1, 1), COLLEGE), (D(2026, 3, 1), NEET), (D(2026, 6, 1), COLLEGE))
    _intervention(kids["H"], D(2025, 6, 1), ended=D(2025, 9, 1))
    return kids


def test_neet_to_ete(neet):
    kpi = KPIS["neet_to_ete"]
    result = kpi(Q2.start, Q2.end)
    assert (result.numerator, result.denominator) == (2, 4)  # A, E of A, B, E, G
    counted = kpi.counted(Q2.start, Q2.end)
    assert {s.person.given_name for s in counted.numerator_rows()} == {"A", "E"}
    assert {s.person.given_name for s in counted.rows} == {"A", "B", "E", "G"}
    # The quarter before: A, E, F and G (B's work started in April, after it): F moved.
    q1 = kpi(D(2026, 1, 1), D(2026, 3, 31))
    assert (q1.numerator, q1.denominator) == (1, 4)


def test_neet_to_ete_counts_a_child_once_across_two_spells():
    kid = factories.PersonFactory()
    NEET, COLLEGE = EteStatusKind.NEET, EteStatusKind.IN_COLLEGE
    _statuses(kid, (D(2026, 1, 1), NEET), (D(2026, 4, 5), COLLEGE), (D(2026, 5, 1), NEET))
    _statuses(kid, (D(2026, 6, 1), COLLEGE))
    _intervention(kid, D(2026, 1, 5))
    result = KPIS["neet_to_ete"](Q2.start, Q2.end)
    assert (result.numerator, result.denominator) == (1, 1)


def test_hsb_trained_staff_are_current_on_the_last_day():
    a, b, c, d = (factories.UserFactory() for _ in range(4))
    TrainingRecord.objects.create(user=a, course=Course.AIM3, completed_on=D(2025, 1, 1))
    TrainingRecord.objects.create(
        user=a, course=Course.HSB_DIRECT_INTERVENTION, completed_on=D(2025, 2, 1)
    )  # two courses: one person
    TrainingRecord.objects.create(
        user=b, course=Course.AIM3, completed_on=D(2024, 1, 1), expires_on=D(2026, 6, 30)
    )  # expires on the last day: still current
    TrainingRecord.objects.create(
        user=c, course=Course.AIM3, completed_on=D(2024, 1, 1), expires_on=D(2026, 6, 29)
    )  # expired the day before
    TrainingRecord.objects.create(user=d, course=Course.CE_AWARENESS, completed_on=D(2025, 1, 1))
    TrainingRecord.objects.create(user=c, course=Course.AIM3, completed_on=D(2026, 7, 1))
    assert KPIS["hsb_trained_staff"](Q2.start, Q2.end).numerator == 2
    assert KPIS["hsb_trained_staff"](D(2026, 7, 1), D(2026, 7, 31)).numerator == 2  # a, c


def test_hsb_consultations_offered_in_the_period_by_agency():
    hsb = factories.UserFactory()
    school = factories.AgencyFactory(code="school1", kind=AgencyKind.EDUCATION)
    police = factories.AgencyFactory(code="police", kind=AgencyKind.POLICE)
    for day, agency in (
        (D(2026, 3, 31), school),
        (D(2026, 4, 1), school),
        (D(2026, 6, 30), police),
        (D(2026, 6, 30), school),
    ):
        HsbConsultation.objects.create(
            offered_on=day, offered_by=hsb, offered_to_agency=agency, offered_to_name="DSL"
        )
    kpi = KPIS["hsb_consultations"]
    assert kpi(Q2.start, Q2.end).numerator == 3
    rows = selectors.breakdown(kpi, Q2.start, Q2.end, "agency")
    assert {r.group: r.numerator for r in rows} == {"Education": 2, "Police": 1}
