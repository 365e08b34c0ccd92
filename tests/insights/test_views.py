"""The KPI dashboard, a KPI's page and its drill-down: managers, analysts and panel chairs see
the figures (aggregates name no one); the drill-down lists only the people the viewer may see;
anyone else gets a 404 and a "denied" audit row; the page, the JSON and the drill-down agree."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cshub.assessments.models import Assessment
from cshub.audit.models import AuditEvent, Outcome
from cshub.core.vocab import Role
from cshub.insights.kpis import KPIS
from tests import factories
from tests.security.conftest import signed_in

pytestmark = pytest.mark.django_db
UTC = dt.UTC
PERIOD = "2026-Q2"
URLS = [
    ("insights:dashboard", {}),
    ("insights:kpi", {"key": "bace_completed_cypf"}),
    ("insights:records", {"key": "bace_completed_cypf"}),
]


def _bace(team, person, approved_at):
    author = factories.MembershipFactory(team=team).user
    manager = factories.MembershipFactory(team=team, role=Role.MANAGER).user
    return Assessment.objects.create(
        kind="bace", person=person, team=team, author=author, state="approved",
        started_on=approved_at.date() - dt.timedelta(days=10),
        submitted_at=approved_at - dt.timedelta(days=2), submitted_by=author,
        approved_at=approved_at, approved_by=manager,
        review_on=approved_at.date() + dt.timedelta(days=180), child_voice="x", parent_view="y",
    )  # fmt: skip


@pytest.fixture
def assessed(borough):
    """Casey (allocated to CYPF) and two children nobody in the borough works with, each
    assessed by the CYPF team in May 2026."""
    others = [factories.PersonFactory(given_name=f"Unseen{i}") for i in range(2)]
    for person in [borough["child"], *others]:
        _bace(borough["teams"]["cypf"], person, dt.datetime(2026, 5, 10, 12, tzinfo=UTC))
    return others


def _last(action):
    return AuditEvent.objects.filter(action=action).latest("seq")


@pytest.mark.parametrize("name, kwargs", URLS)
@pytest.mark.parametrize("role", ["cypf_worker", "school_dsl", "dpo", "former_cypf"])
def test_who_may_not_open_the_dashboard_gets_a_404_and_it_is_audited(clients, role, name, kwargs):
    response = clients[role].get(reverse(name, kwargs=kwargs), {"period": PERIOD})
    assert response.status_code == 404
    event = AuditEvent.objects.latest("seq")
    assert event.outcome == Outcome.DENIED and event.action.startswith("insights.")


def test_signed_out_is_sent_to_sign_in(client):
    response = client.get(reverse("insights:dashboard"))
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize("role", ["cypf_manager", "specialist_manager", "police_analyst"])
def test_managers_and_analysts_see_every_kpi(clients, role, assessed):
    response = clients[role].get(reverse("insights:dashboard"), {"period": PERIOD})
    assert response.status_code == 200
    html = response.content.decode()
    for kpi in KPIS.values():
        assert kpi.title in html, kpi.key
    assert 'id="kpi-bace_completed_cypf"' in html
    event = _last("insights.dashboard.viewed")
    assert event.outcome == Outcome.ALLOWED and event.details["period"] == PERIOD
    assert ">KPIs</a>" in html  # in the menu


def test_the_menu_shows_kpis_only_to_those_who_may_open_them(clients):
    from cshub.core.context_processors import KPI_ROLES
    from cshub.insights.policy import DASHBOARD_ROLES

    assert set(KPI_ROLES) == set(DASHBOARD_ROLES)
    home = reverse("people:search")
    assert ">KPIs</a>" not in clients["cypf_worker"].get(home).content.decode()


def test_a_bad_period_says_why_and_shows_the_last_quarter(clients):
    before = AuditEvent.objects.count()
    response = clients["cypf_manager"].get(reverse("insights:dashboard"), {"period": "2026-Q9"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html and "is not a period" in html
    assert AuditEvent.objects.count() == before + 1
    assert _last("insights.dashboard.viewed").details["bad_period"] is True


@pytest.mark.parametrize("name", ["insights:kpi", "insights:records"])
def test_an_unknown_kpi_is_a_404_and_audited(clients, name):
    response = clients["cypf_manager"].get(reverse(name, kwargs={"key": "no_such"}))
    assert response.status_code == 404
    event = AuditEvent.objects.latest("seq")
    assert event.outcome == Outcome.DENIED and event.details["kpi"] == "no_such"


def test_the_kpi_page_shows_definition_trend_and_breakdowns(clients, assessed):
    url = reverse("insights:kpi", kwargs={"key": "bace_completed_cypf"})
    response = clients["specialist_manager"].get(url, {"period": PERIOD})
    assert response.status_code == 200
    html = response.content.decode()
    kpi = KPIS["bace_completed_cypf"]
    assert kpi.numerator in html and "<strong>3</strong>" in html
    for label in ("By age band", "By sex", "By ethnicity", "By ward", "By team"):
        assert label in html
    # Charts, each with its spec on the page and the numbers in the table beside it.
    assert 'data-vega-spec="chart-trend"' in html and 'data-vega-spec="chart-by-sex"' in html
    assert 'id="chart-by-sex" type="application/json"' in html
    assert "2026-Q2" in html and "2024-Q3" in html  # eight quarters
    assert "Unseen0" not in html  # aggregates name no one


def test_the_drill_down_lists_only_those_the_viewer_may_see(clients, borough, assessed):
    url = reverse("insights:records", kwargs={"key": "bace_completed_cypf"})
    mine = clients["cypf_manager"].get(url, {"period": PERIOD}).content.decode()
    assert "Matrixchild" in mine and "Unseen" not in mine
    assert "2 of them are about people you have no relationship with" in mine
    event = _last("insights.kpi_records.viewed")
    assert (event.details["shown"], event.details["hidden"]) == (1, 2)
    assert event.details["people"] == [str(borough["child"].pk)]
    # An analyst with no relationship to any of them sees the number, and no one.
    none = clients["police_analyst"].get(url, {"period": PERIOD}).content.decode()
    assert "Matrixchild" not in none and "Unseen" not in none
    assert "3 of them are about people" in none


@pytest.mark.parametrize("query", [{"period": "nonsense"}, {"period": PERIOD, "part": "x"}])
def test_the_drill_down_refuses_bad_input(clients, query):
    url = reverse("insights:records", kwargs={"key": "nrm_referrals"})
    assert clients["cypf_manager"].get(url, query).status_code == 404
    assert _last("insights.kpi_records.viewed").outcome == Outcome.DENIED


def test_a_count_has_no_denominator_to_drill_into(clients):
    url = reverse("insights:records", kwargs={"key": "nrm_referrals"})
    response = clients["cypf_manager"].get(url, {"period": PERIOD, "part": "denominator"})
    assert response.status_code == 404


def test_dashboard_json_and_drill_down_agree(clients, assessed):
    out = io.StringIO()
    call_command("kpis", "--period", PERIOD, stdout=out)
    figure = {d["id"]: d for d in json.loads(out.getvalue())}["bace_completed_cypf"]
    html = (
        clients["cypf_manager"]
        .get(reverse("insights:dashboard"), {"period": PERIOD})
        .content.decode()
    )
    row = html.split('id="kpi-bace_completed_cypf"')[1].split("</tr>")[0]
    assert f"{figure['numerator']}</a>" in row and figure["numerator"] == 3
    clients["cypf_manager"].get(
        reverse("insights:records", kwargs={"key": "bace_completed_cypf"}), {"period": PERIOD}
    )
    event = _last("insights.kpi_records.viewed")
    assert event.details["shown"] + event.details["hidden"] == figure["numerator"]


def test_the_dashboard_runs_a_bounded_number_of_queries(borough, assessed):
    client = signed_in(borough["users"]["cypf_manager"])
    url = reverse("insights:dashboard")
    with CaptureQueriesContext(connection) as few:
        client.get(url, {"period": PERIOD})
    for i in range(5):
        _bace(
            borough["teams"]["cypf"],
            factories.PersonFactory(),
            dt.datetime(2026, 4, 2 + i, tzinfo=UTC),
        )
    with CaptureQueriesContext(connection) as more:
        client.get(url, {"period": PERIOD})
    assert len(more.captured_queries) == len(few.captured_queries)


def test_the_cohort_page(clients, assessed):
    response = clients["police_analyst"].get(reverse("insights:cohort"), {"on": "2026-06-30"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "The exploitation cohort on 30 June 2026" in html
    assert "No child population is loaded yet" in html and "Matrixchild" not in html
    event = _last("insights.cohort.viewed")
    assert event.details["on"] == "2026-06-30"
    bad = clients["police_analyst"].get(reverse("insights:cohort"), {"on": "30/06/2026"})
    assert bad.status_code == 400 and "is not a date" in bad.content.decode()
    refused = clients["cypf_worker"].get(reverse("insights:cohort"))
    assert refused.status_code == 404
    assert _last("insights.cohort.viewed").outcome == Outcome.DENIED
