"""NRM referrals: the reasonable grounds clock, the decisions' rules, the pages in the
need-to-know matrix (every request audited, refusals are 404), and the KPI count."""

from __future__ import annotations

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from cshub.accounts.models import Agency
from cshub.audit.models import AuditEvent
from cshub.core import clocks
from cshub.insights.kpis import KPIS
from cshub.nrm import services
from cshub.nrm.models import Referral
from tests import factories
from tests.security.conftest import borough, clients  # noqa: F401
from tests.security.test_need_to_know import ALLOWED, REFUSED

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)
RECORDERS = {"cypf_worker", "cypf_colleague", "cypf_manager", "specialist_manager"}

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _seq() -> int:
    return AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def _outcomes(since: int) -> list[str]:
    return list(
        AuditEvent.objects.filter(seq__gt=since).order_by("seq").values_list("outcome", flat=True)
    )


def _referral(borough, **overrides):  # noqa: F811
    values = {
        "actor": borough["users"]["cypf_worker"],
        "person": borough["child"],
        "submitted_at": dt.datetime(2026, 11, 20, 14, 0, tzinfo=LONDON),
        "first_responder": Agency.objects.get(code="csc"),
        "exploitation_types": ["criminal"],
        "location": "uk",
        "summary": "Found 40 miles away with cash and two phones.",
    }
    values.update(overrides)
    return services.referral_create(**values)


# --- the clock -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("submitted", "due"),
    [
        # Friday afternoon: five working days is the next Friday, same time.
        (dt.datetime(2026, 11, 20, 16, 0), dt.datetime(2026, 11, 27, 16, 0)),
        # Over Christmas 2026: 25 and 28 December and 1 January are bank holidays.
        (dt.datetime(2026, 12, 23, 10, 0), dt.datetime(2027, 1, 4, 10, 0)),
        # Submitted on a Saturday: the clock starts at 09:00 on Monday.
        (dt.datetime(2026, 11, 21, 11, 0), dt.datetime(2026, 11, 30, 9, 0)),
    ],
)
def test_reasonable_grounds_are_due_five_working_days_after_submission(submitted, due):
    got = clocks.nrm_reasonable_grounds_due(submitted.replace(tzinfo=LONDON))
    assert got == due.replace(tzinfo=LONDON)


# --- services ------------------------------------------------------------------------------------


def test_a_referral_stores_its_clock_and_is_audited(borough):  # noqa: F811
    referral = _referral(borough)
    assert referral.reasonable_grounds == "pending"
    assert referral.reasonable_grounds_due_at == dt.datetime(2026, 11, 27, 14, 0, tzinfo=LONDON)
    event = AuditEvent.objects.get(action="nrm.referral.created")
    assert event.person_id == borough["child"].pk


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"exploitation_types": []}, "exploitation_types"),
        ({"exploitation_types": ["pickpocketing"]}, "exploitation_types"),
        ({"submitted_at": dt.datetime(2026, 11, 26, 9, 0, tzinfo=LONDON)}, "submitted_at"),
        ({"summary": "  "}, "summary"),
        ({"location": "mars"}, "location"),
    ],
)
def test_bad_referrals_are_refused_and_nothing_is_stored(borough, change, field):  # noqa: F811
    with pytest.raises(ValidationError) as refused:
        _referral(borough, **change)
    assert field in refused.value.message_dict
    assert not Referral.objects.exists()


def test_a_case_of_another_child_is_refused(borough):  # noqa: F811
    other = factories.CaseFactory()
    with pytest.raises(ValidationError, match="not this child"):
        _referral(borough, case=other)
    assert not Referral.objects.exists()


@pytest.mark.parametrize(
    ("decision", "field"),
    [
        (
            {"reasonable_grounds": "pending", "reasonable_grounds_on": dt.date(2026, 11, 24)},
            "reasonable_grounds_on",
        ),
        (
            {"reasonable_grounds": "positive", "reasonable_grounds_on": None, "decided_by": "sca"},
            "reasonable_grounds_on",
        ),
        (
            {
                "reasonable_grounds": "positive",
                "reasonable_grounds_on": dt.date(2026, 11, 19),
                "decided_by": "sca",
            },
            "reasonable_grounds_on",
        ),  # before the referral
        (
            {
                "reasonable_grounds": "positive",
                "reasonable_grounds_on": dt.date(2026, 11, 26),
                "decided_by": "sca",
            },
            "reasonable_grounds_on",
        ),  # tomorrow
        (
            {"reasonable_grounds": "positive", "reasonable_grounds_on": dt.date(2026, 11, 24)},
            "decided_by",
        ),
        (
            {
                "reasonable_grounds": "negative",
                "reasonable_grounds_on": dt.date(2026, 11, 24),
                "conclusive_grounds": "positive",
                "conclusive_grounds_on": dt.date(2026, 11, 25),
                "decided_by": "sca",
            },
            "conclusive_grounds",
        ),
        (
            {
                "reasonable_grounds": "positive",
                "reasonable_grounds_on": dt.date(2026, 11, 24),
                "conclusive_grounds": "positive",
                "conclusive_grounds_on": dt.date(2026, 11, 23),
                "decided_by": "sca",
            },
            "conclusive_grounds_on",
        ),
    ],
)
def test_bad_decisions_are_refused_and_change_nothing(borough, decision, field):  # noqa: F811
    referral = _referral(borough)
    with pytest.raises(ValidationError) as refused:
        services.referral_decide(actor=None, referral=referral, **decision)
    assert field in refused.value.message_dict
    assert Referral.objects.get().reasonable_grounds == "pending"


def test_decisions_in_and_out_of_time(borough):  # noqa: F811
    referral = _referral(borough)  # due Friday 27 November
    services.referral_decide(
        actor=None,
        referral=referral,
        reasonable_grounds="positive",
        reasonable_grounds_on=dt.date(2026, 11, 25),
        decided_by="devolved",
    )
    assert Referral.objects.get().rg_in_time is True
    late = _referral(borough, submitted_at=dt.datetime(2026, 11, 2, 9, 0, tzinfo=LONDON))
    services.referral_decide(
        actor=None,
        referral=late,
        reasonable_grounds="positive",
        reasonable_grounds_on=dt.date(2026, 11, 10),  # due 9 November
        conclusive_grounds="positive",
        conclusive_grounds_on=dt.date(2026, 11, 24),
        decided_by="sca",
    )
    late.refresh_from_db()
    assert late.rg_in_time is False and late.conclusive_grounds == "positive"


def test_the_kpi_counts_referrals_by_submission_date(borough):  # noqa: F811
    _referral(borough)
    _referral(borough, submitted_at=dt.datetime(2026, 10, 31, 23, 30, tzinfo=dt.UTC))  # 31 Oct GMT
    _referral(borough, submitted_at=dt.datetime(2026, 9, 30, 23, 30, tzinfo=dt.UTC))  # 1 Oct BST
    kpi = KPIS["nrm_referrals"]
    assert kpi(dt.date(2026, 11, 1), dt.date(2026, 11, 30)).numerator == 1
    assert kpi(dt.date(2026, 10, 1), dt.date(2026, 10, 31)).numerator == 2
    assert kpi(dt.date(2026, 9, 1), dt.date(2026, 9, 30)).numerator == 0


# --- pages ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", sorted(ALLOWED | REFUSED))
def test_pages_need_a_relationship_and_are_audited(borough, clients, role):  # noqa: F811
    referral = _referral(borough)
    pages = {
        "referral": (reverse("nrm:referral", args=[referral.id]), role in ALLOWED),
        "summary": (reverse("nrm:summary", args=[referral.id]), role in ALLOWED),
        "decide": (reverse("nrm:decide", args=[referral.id]), role in RECORDERS),
        "new": (reverse("nrm:referral_new", args=[borough["child"].id]), role in RECORDERS),
    }
    for name, (url, allowed) in pages.items():
        since = _seq()
        response = clients[role].get(url)
        assert response.status_code == (200 if allowed else 404), (role, name)
        assert _outcomes(since) == ["allowed" if allowed else "denied"], (role, name)
    if role in REFUSED:
        since = _seq()
        url = reverse("nrm:decide", args=[referral.id])
        data = {"reasonable_grounds": "withdrawn", "decided_by": "sca"}
        assert clients[role].post(url, data).status_code == 404
        assert Referral.objects.get().reasonable_grounds == "pending"
        assert _outcomes(since) == ["denied"]


def test_unknown_referral_is_404_and_audited(clients):  # noqa: F811
    since = _seq()
    assert (
        clients["cypf_worker"].get(reverse("nrm:referral", args=[uuid.uuid4()])).status_code == 404
    )
    assert _outcomes(since) == ["denied"]


def test_a_worker_records_a_referral_and_the_summary_is_prefilled(borough, clients):  # noqa: F811
    client = clients["cypf_worker"]
    url = reverse("nrm:referral_new", args=[borough["child"].id])
    csc = Agency.objects.get(code="csc")
    data = {
        "first_responder": str(csc.pk),
        "submitted_on_0": "24",
        "submitted_on_1": "11",
        "submitted_on_2": "2026",
        "submitted_time": "15:30",
        "exploitation_types": ["criminal", "sexual"],
        "location": "uk",
        "summary": "Disclosed being made to carry drugs to Doncaster.",
        "save": "",
    }
    since = _seq()
    bad = client.post(url, {**data, "exploitation_types": [], "submitted_on_1": "13"})
    assert bad.status_code == 400 and not Referral.objects.exists()
    assert _outcomes(since) == ["failed"]
    police = Agency.objects.get(code="police")  # not an organisation the worker acts for
    assert client.post(url, {**data, "first_responder": str(police.pk)}).status_code == 400
    response = client.post(url, data)
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.first_responder == csc
    summary = client.get(reverse("nrm:summary", args=[referral.id])).content.decode()
    for expected in (
        borough["child"].full_name,
        borough["child"].identifiers.get().value,
        "Criminal exploitation (including county lines)",
        "Disclosed being made to carry drugs to Doncaster.",
    ):
        assert expected in summary
