"""The KPI registry as a whole: the fifteen section-14 ids, `cshub kpis`, breakdowns that add up
to the figure, the drill-down that names only those the viewer may see, and small-number
suppression. Definitions are pinned KPI by KPI in test_kpis.py and in each app's tests."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from cshub.assessments.models import Assessment
from cshub.audit.models import AuditEvent
from cshub.core.vocab import Role, Sex, TeamFunction
from cshub.insights import periods, selectors
from cshub.insights.kpis import KPIS
from cshub.people.models import Address
from tests import factories

UTC = dt.UTC
Q2 = periods.parse("2026-Q2")
SECTION_14 = [
    "bace_completed_ifd", "bace_completed_cypf", "bace_completed_specialist", "nrm_referrals",
    "mace_reduced_risk_6m", "neet_to_ete", "perpetrators_disrupted_charged",
    "hsb_panel_referrals", "hsb_direct_interventions", "hsb_trained_staff", "hsb_consultations",
    "rhi_acceptance_rate", "missing_reports_24h", "rhi_offered_72h", "repeat_missing_strategy",
]  # fmt: skip
NOW = dt.datetime(2026, 12, 4, 12, tzinfo=UTC)


def test_all_fifteen_section_14_measures_each_defined_once():
    assert sorted(KPIS) == sorted(SECTION_14) and len(SECTION_14) == 15
    for kpi in KPIS.values():
        assert kpi.title and kpi.numerator and kpi.denominator and kpi.better
        assert kpi.area in {"Exploitation", "Harmful sexual behaviour", "Missing"}
    baselines = {k: v.baseline for k, v in KPIS.items() if v.baseline is not None}
    assert baselines == {
        "rhi_acceptance_rate": 0.80,
        "missing_reports_24h": 0.65,
        "rhi_offered_72h": 0.64,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("key", SECTION_14)
def test_every_kpi_computes_on_an_empty_borough(key):
    result = KPIS[key](Q2.start, Q2.end, NOW)
    assert result.numerator == 0
    assert (result.denominator is None) == (not KPIS[key].is_rate)


# --- cshub kpis ---------------------------------------------------------------------------------


def _kpis(*args) -> str:
    out = io.StringIO()
    call_command("kpis", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_cshub_kpis_json_for_a_quarter_and_audited():
    data = json.loads(_kpis("--period", "2026-Q2"))
    assert [d["id"] for d in data] == list(KPIS)
    for d in data:
        assert {"id", "title", "value", "numerator", "denominator", "baseline"} <= set(d)
        assert (d["period_start"], d["period_end"]) == ("2026-04-01", "2026-06-30")
    by_id = {d["id"]: d for d in data}
    assert by_id["nrm_referrals"]["denominator"] is None
    assert by_id["rhi_acceptance_rate"]["baseline"] == 0.8
    assert by_id["rhi_acceptance_rate"]["value"] is None  # nothing to count: no value, not 0
    event = AuditEvent.objects.filter(action="insights.kpis.exported").latest("seq")
    assert event.details["period_start"] == "2026-04-01" and event.details["format"] == "json"


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2026, 12, 4, 9, tzinfo=UTC), tick=False)
def test_cshub_kpis_default_is_the_last_complete_calendar_quarter():
    data = json.loads(_kpis())
    assert (data[0]["period_start"], data[0]["period_end"]) == ("2026-07-01", "2026-09-30")


@pytest.mark.django_db
def test_cshub_kpis_csv_and_from_to():
    text = _kpis("--from", "2026-04-01", "--to", "2026-04-30", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["id"] for r in rows] == list(KPIS)
    assert rows[0]["period_start"] == "2026-04-01" and rows[0]["period_end"] == "2026-04-30"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "args, message",
    [
        (["--period", "2026-Q7"], "is not a period"),
        (["--period", "2026-Q2", "--from", "2026-01-01", "--to", "2026-02-01"], "not both"),
        (["--from", "2026-01-01"], "both --from and --to"),
        (["--from", "2026-13-01", "--to", "2026-12-31"], "is not a date"),
        (["--from", "2026-05-01", "--to", "2026-04-01"], "before it starts"),
    ],
)
def test_cshub_kpis_refuses_a_bad_period_and_writes_nothing(args, message, tmp_path):
    before = AuditEvent.objects.count()
    with pytest.raises(CommandError, match=message):
        _kpis(*args, "--out", str(tmp_path / "kpis.json"))
    assert not (tmp_path / "kpis.json").exists()
    assert AuditEvent.objects.count() == before


# --- a small borough of BACE assessments --------------------------------------------------------


@pytest.fixture
def specialist(db):
    team = factories.TeamFactory(function=TeamFunction.SPECIALIST, name="B-SAFE")
    author = factories.MembershipFactory(team=team).user
    manager = factories.MembershipFactory(team=team, role=Role.MANAGER).user
    return {"team": team, "author": author, "manager": manager}


def _bace(org, person, approved_at):
    return Assessment.objects.create(
        kind="bace",
        person=person,
        team=org["team"],
        author=org["author"],
        state="approved",
        started_on=approved_at.date() - dt.timedelta(days=10),
        submitted_at=approved_at - dt.timedelta(days=2),
        submitted_by=org["author"],
        approved_at=approved_at,
        approved_by=org["manager"],
        review_on=approved_at.date() + dt.timedelta(days=180),
        child_voice="x",
        parent_view="y",
    )


@pytest.fixture
def children(specialist):
    """Four children assessed in 2026-Q2: one turns 18 in the quarter, one has no date of birth,
    one was assessed twice; two live in wards, one has moved out of hers."""
    at = dt.datetime(2026, 5, 10, 12, tzinfo=UTC)
    turning_18 = factories.PersonFactory(date_of_birth=dt.date(2008, 6, 1), sex=Sex.MALE)
    fifteen = factories.PersonFactory(date_of_birth=dt.date(2011, 1, 1), ethnicity="WBRI")
    unknown = factories.PersonFactory(
        date_of_birth=None, date_of_birth_precision="unknown", sex=Sex.NOT_KNOWN
    )
    twelve = factories.PersonFactory(date_of_birth=dt.date(2014, 3, 3), ethnicity="WBRI")
    Address.objects.create(person=fifteen, line1="1 A St", ward_id="E05000976")
    Address.objects.create(
        person=twelve, line1="2 B St", ward_id="E05000976", moved_out=dt.date(2026, 6, 1)
    )
    for person in (turning_18, fifteen, unknown, twelve, twelve):
        _bace(specialist, person, at)
    return {"turning_18": turning_18, "fifteen": fifteen, "unknown": unknown, "twelve": twelve}


@pytest.mark.parametrize("dimension", sorted(selectors.DIMENSIONS))
def test_breakdowns_add_up_to_the_figure(children, dimension):
    kpi = KPIS["bace_completed_specialist"]
    rows = selectors.breakdown(kpi, Q2.start, Q2.end, dimension, NOW)
    assert sum(r.numerator for r in rows) == kpi(Q2.start, Q2.end, NOW).numerator == 5


def test_breakdown_groups(children):
    kpi = KPIS["bace_completed_specialist"]
    by = {
        d: {r.group: r.numerator for r in selectors.breakdown(kpi, Q2.start, Q2.end, d, NOW)}
        for d in selectors.DIMENSIONS
    }
    # Age at the last day of the period: the child who turned 18 on 1 June counts as 18+.
    assert by["age_band"] == {"10 to 13": 2, "14 to 15": 1, "18+": 1, "Not recorded": 1}
    assert list(by["age_band"]) == ["10 to 13", "14 to 15", "18+", "Not recorded"]
    assert by["sex"] == {"Female": 2 + 1, "Male": 1, "Not known": 1}
    assert by["ward"]["Not recorded"] == 4  # moved out before the period ended: no ward
    assert sum(by["ward"].values()) == 5 and len(by["ward"]) == 2
    assert by["team"] == {"B-SAFE": 5}  # BACE: the completing team
    eth = by["ethnicity"]
    white_british = "White: English, Welsh, Scottish, Northern Irish or British"
    assert eth[white_british] == 3  # twelve (assessed twice) and fifteen
    from cshub.core.vocab import Ethnicity

    assert eth[Ethnicity.NOT_OBTAINED.label] == 2 and sum(eth.values()) == 5


def test_unknown_breakdown_is_refused(children):
    with pytest.raises(ValueError, match="no breakdown"):
        selectors.breakdown(KPIS["bace_completed_specialist"], Q2.start, Q2.end, "shoe", NOW)


def test_drill_down_names_only_those_the_viewer_may_see(children, specialist):
    viewer = factories.MembershipFactory(team=factories.TeamFactory()).user
    case = factories.CaseFactory(person=children["fifteen"])
    factories.AllocationFactory(case=case, team=viewer.memberships.first().team)
    kpi = KPIS["bace_completed_specialist"]
    seen = selectors.records(kpi, Q2, viewer, now=NOW)
    assert [a.person for a in seen.rows] == [children["fifteen"]]
    assert (seen.hidden, seen.total) == (4, 5)
    nobody = factories.UserFactory()
    assert selectors.records(kpi, Q2, nobody, now=NOW).rows == []


def test_small_numbers_are_suppressed():
    assert [selectors.suppress(n) for n in (0, 1, 4, 5, 17, None)] == [
        "0", "<5", "<5", "5", "17", "",
    ]  # fmt: skip


def test_cshub_kpis_suppress(children, specialist):
    _bace(specialist, children["fifteen"], dt.datetime(2026, 6, 2, 12, tzinfo=UTC))
    plain = {d["id"]: d for d in json.loads(_kpis("--period", "2026-05"))}
    small = {d["id"]: d for d in json.loads(_kpis("--period", "2026-05", "--suppress"))}
    assert plain["bace_completed_specialist"]["numerator"] == 5
    assert small["bace_completed_specialist"]["numerator"] == "5"
    assert small["bace_completed_ifd"]["numerator"] == "0"
    # June has one: "<5", and no value that would give it away.
    june = {d["id"]: d for d in json.loads(_kpis("--period", "2026-06", "--suppress"))}
    assert june["bace_completed_specialist"]["numerator"] == "<5"
    assert june["bace_completed_specialist"]["value"] is None
    csv_text = _kpis("--period", "2026-06", "--suppress", "--format", "csv")
    assert "<5" in csv_text and ",1," not in csv_text


def test_the_direction_of_good():
    better = KPIS["rhi_acceptance_rate"]
    lower = KPIS["repeat_missing_strategy"]
    assert selectors.moved_the_right_way(better, 0.7, 0.8) is True
    assert selectors.moved_the_right_way(better, 0.8, 0.7) is False
    assert selectors.moved_the_right_way(lower, 5, 3) is True
    assert selectors.moved_the_right_way(lower, 3, 3) is None
    assert selectors.moved_the_right_way(lower, None, 3) is None
