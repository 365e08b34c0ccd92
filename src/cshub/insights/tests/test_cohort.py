"""The cohort (children open to the exploitation response on a day), its breakdowns, the child
population table and its loading, and the disproportionality ratios with their intervals."""

from __future__ import annotations

import datetime as dt
import io
import math

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from cshub.audit.models import AuditEvent
from cshub.core.models import ChildPopulation
from cshub.core.services import population_load, population_rows_from_csv
from cshub.core.vocab import HarmType, Sex, VulnerabilityFactor
from cshub.insights import cohort
from cshub.people.models import Address, Vulnerability
from tests import factories

pytestmark = pytest.mark.django_db
ON = dt.date(2026, 6, 30)
WARD = "E05000976"


def _child(dob, *, sex=Sex.FEMALE, harms=(HarmType.CCE,), opened=dt.date(2026, 1, 1), closed=None):
    extra = {"status": "closed", "close_reason": "Risk reduced"} if closed else {}
    case = factories.CaseFactory(
        person=factories.PersonFactory(date_of_birth=dob, sex=sex),
        opened_on=opened,
        closed_on=closed,
        harms=list(harms),
        **extra,
    )
    return case.person


@pytest.fixture
def children():
    a = _child(dt.date(2012, 1, 1), harms=(HarmType.CCE, HarmType.CSE))
    b = _child(dt.date(2010, 7, 1), sex=Sex.MALE)  # 15 on the day
    c = _child(dt.date(2008, 6, 30), sex=Sex.MALE)  # 18 on the day: not a child
    d = _child(dt.date(2011, 1, 1), closed=dt.date(2026, 6, 30))  # closed that day
    e = _child(dt.date(2011, 1, 1), opened=dt.date(2026, 7, 1))  # opened the day after
    f = _child(dt.date(2011, 1, 1), harms=(HarmType.MISSING,))  # not exploitation
    g = _child(dt.date(2009, 1, 1), sex=Sex.MALE, harms=(HarmType.CSE,))
    Address.objects.create(person=a, line1="1 A St", ward_id=WARD)
    Vulnerability.objects.create(
        person=b, factor=VulnerabilityFactor.CIN_OR_CARE, identified_on=dt.date(2025, 1, 1)
    )
    Vulnerability.objects.create(
        person=b, factor=VulnerabilityFactor.SEND, identified_on=dt.date(2025, 1, 1)
    )
    return {"in": {a, b, g}, "out": {c, d, e, f}}


def test_the_cohort_is_children_open_to_exploitation_on_the_day(children):
    assert set(cohort.cohort(ON)) == children["in"]


def test_breakdowns(children):
    by = {d: {g.group: g.count for g in cohort.breakdown(ON, d)} for d in cohort.DIMENSIONS}
    assert by["harm_type"] == {
        "Child criminal exploitation": 2,
        "Child sexual exploitation": 2,
    }  # a child with both is in both
    # a is 14, b 15 (16 the next day), g 17 on the day.
    assert by["age_band"] == {"14 to 15": 2, "16 to 17": 1}
    assert by["sex"] == {"Male": 2, "Female": 1}
    assert sum(by["ward"].values()) == 3 and by["ward"]["Not recorded"] == 2
    assert by["care_status"] == {"Child in need or care experienced": 1, "Not recorded as such": 2}
    assert by["jay_factor"]["Child in need or care experienced"] == 1
    assert by["jay_factor"]["Not recorded"] == 2
    assert by["school"] == {"Not recorded": 3}
    with pytest.raises(ValueError):
        cohort.breakdown(ON, "shoe size")


def test_katz_interval_known_values():
    # 30 of a cohort of 100 against 1,000 of 10,000: ratio 3.
    ratio, low, high = cohort.katz_interval(30, 100, 1000, 10000)
    se = math.sqrt(1 / 30 - 1 / 100 + 1 / 1000 - 1 / 10000)
    assert ratio == pytest.approx(3.0)
    assert low == pytest.approx(3 * math.exp(-1.959964 * se), rel=1e-5)
    assert high == pytest.approx(3 * math.exp(1.959964 * se), rel=1e-5)
    none, low0, high0 = cohort.katz_interval(0, 100, 1000, 10000)
    assert none == 0 and 0 < low0 < high0


def _population(year=2026, **counts):
    rows = [("sex", "F", counts.get("F", 500)), ("sex", "M", counts.get("M", 500))]
    text = "dimension,group,count\n" + "\n".join(f"{d},{g},{n}" for d, g, n in rows)
    return population_load(rows=population_rows_from_csv(text), year=year, source="test")


def test_disproportionality_by_sex(children):
    assert cohort.disproportionality(ON, "sex") == (None, [])  # nothing loaded yet
    _population(F=900, M=100)
    year, ratios = cohort.disproportionality(ON, "sex")
    by = {r.group: r for r in ratios}
    assert year == 2026 and set(by) == {"Female", "Male"}
    assert by["Male"].ratio == pytest.approx((2 / 3) / 0.1)
    assert by["Female"].ratio == pytest.approx((1 / 3) / 0.9)
    assert by["Male"].low < by["Male"].ratio < by["Male"].high
    with pytest.raises(ValueError):
        cohort.disproportionality(ON, "school")


def test_the_latest_population_up_to_the_year_is_used():
    _population(year=2024)
    _population(year=2025)
    _population(year=2027)
    assert cohort.population_year(ON) == 2025
    assert cohort.population_year(dt.date(2023, 1, 1)) == 2024


@pytest.mark.parametrize(
    "text, message",
    [
        ("dim,group,count\nsex,F,1\n", "The header must be"),
        ("dimension,group,count\n", "no rows"),
        ("dimension,group,count\nshoe,F,1\n", "unknown dimension"),
        ("dimension,group,count\nsex,X,1\n", "not a known sex group"),
        ("dimension,group,count\nsex,F,-4\n", "not a whole number"),
        ("dimension,group,count\nsex,F,4\nsex,F,5\n", "given twice"),
        ("dimension,group,count\nward,E99999999,4\n", "not a known ward group"),
        ("dimension,group,count\nage_band,18+,4\n", "not a known age_band group"),
    ],
)
def test_a_bad_population_file_is_refused_whole(text, message, tmp_path):
    _population(year=2026)
    before = list(ChildPopulation.objects.values_list("group", "count"))
    path = tmp_path / "population.csv"
    path.write_text(text if message in ("The header must be", "no rows") else text + "sex,M,10\n")
    with pytest.raises(CommandError, match=message):
        call_command("load-population", str(path), "--year", "2026", "--source", "ONS")
    assert list(ChildPopulation.objects.values_list("group", "count")) == before


def test_load_population_replaces_the_year_and_is_audited(tmp_path):
    _population(year=2026)
    path = tmp_path / "population.csv"
    path.write_text(
        f"dimension,group,count\nsex,F,10\nsex,M,12\nward,{WARD},22\nage_band,Under 10,22\n"
    )
    out = io.StringIO()
    call_command("load-population", str(path), "--year", "2026", "--source", "ONS", stdout=out)
    assert "Loaded 4" in out.getvalue()
    assert ChildPopulation.objects.filter(year=2026).count() == 4
    assert (
        AuditEvent.objects.filter(action="core.population.loaded").latest("seq").details["rows"]
        == 4
    )
    with pytest.raises(ValidationError):
        population_load(rows=[], year=1800, source="x")
    with pytest.raises(CommandError, match="No such file"):
        call_command(
            "load-population", str(tmp_path / "nope.csv"), "--year", "2026", "--source", "x"
        )
