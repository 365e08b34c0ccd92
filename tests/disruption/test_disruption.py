"""Disruption: one target, the children it protects, need-to-know on the pages and on a child's
profile, audit, and the two KPI counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from cshub.accounts.models import Agency
from cshub.audit.models import AuditEvent
from cshub.core.vocab import RelationshipKind
from cshub.disruption import services
from cshub.disruption.models import Activity
from cshub.insights.kpis import KPIS
from cshub.people.models import Relationship
from tests import factories
from tests.security.test_need_to_know import ALLOWED, REFUSED

pytestmark = pytest.mark.django_db
RECORDERS = {"specialist_manager"}  # of the matrix: specialist team, or police (not analysts)


@pytest.fixture
def adult(borough):
    adult = factories.PersonFactory(
        given_name="Dean", family_name="Adultconcern", date_of_birth=dt.date(1990, 1, 1)
    )
    Relationship.objects.create(
        person=adult,
        other=borough["child"],
        kind=RelationshipKind.ADULT_OF_CONCERN,
        source="intelligence",
    )
    return adult


def _record(borough, adult, **overrides):
    values = {
        "actor": None,
        "kind": "cawn",
        "occurred_on": dt.date(2026, 3, 3),
        "agency": Agency.objects.get(code="police"),
        "four_p": "pursue",
        "outcome": "issued",
        "target_person": adult,
        "children": [borough["child"]],
    }
    values.update(overrides)
    return services.activity_record(**values)


def _seq() -> int:
    return AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def test_an_activity_is_recorded_with_the_children_it_protects(borough, adult):
    activity = _record(borough, adult)
    assert list(activity.children.all()) == [borough["child"]]
    event = AuditEvent.objects.get(action="disruption.activity.recorded")
    assert event.person_id == adult.pk


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"occurred_on": dt.date(2099, 1, 1)}, "occurred_on"),
        ({"target_person": None}, "target"),
        ({"kind": "fine"}, "kind"),
        ({"four_p": "punish"}, "four_p"),
        ({"outcome": "maybe"}, "outcome"),
    ],
)
def test_bad_activity_is_refused_and_nothing_stored(borough, adult, change, field):
    with pytest.raises(ValidationError) as refused:
        _record(borough, adult, **change)
    assert field in refused.value.message_dict
    assert not Activity.objects.exists()


def test_two_targets_are_refused_by_the_service_and_the_database(borough, adult):
    with pytest.raises(ValidationError):
        _record(borough, adult, target_place=borough["place"])
    with pytest.raises(ValidationError):
        _record(borough, adult, children=[adult])
    with pytest.raises(IntegrityError), transaction.atomic():
        Activity.objects.create(
            kind="arrest",
            occurred_on=dt.date(2026, 3, 3),
            agency=Agency.objects.get(code="police"),
            four_p="pursue",
            target_person=adult,
            target_place=borough["place"],
        )


@pytest.mark.parametrize("role", sorted(ALLOWED | REFUSED))
def test_the_record_page_needs_a_recording_role_and_sight_of_the_target(
    borough,
    clients,
    adult,
    role,
):
    url = reverse("disruption:activity_new", args=[adult.id])
    since = _seq()
    response = clients[role].get(url)
    allowed = role in RECORDERS
    assert response.status_code == (200 if allowed else 404), role
    outcomes = list(AuditEvent.objects.filter(seq__gt=since).values_list("outcome", flat=True))
    assert outcomes == ["allowed" if allowed else "denied"], role
    if not allowed:
        data = {"kind": "arrest", "four_p": "pursue", "outcome": "pending"}
        assert clients[role].post(url, data).status_code == 404
        assert not Activity.objects.exists()


def test_a_specialist_manager_records_disruption_from_the_adults_record(borough, clients, adult):
    client = clients["specialist_manager"]
    url = reverse("disruption:activity_new", args=[adult.id])
    police = Agency.objects.get(code="police")
    csc = Agency.objects.get(code="csc")
    data = {
        "kind": "stpo",
        "occurred_on_0": "2",
        "occurred_on_1": "3",
        "occurred_on_2": "2026",
        "agency": str(csc.pk),
        "four_p": "pursue",
        "outcome": "issued",
        "children": [str(borough["child"].pk)],
        "save": "",
    }
    assert client.post(url, {**data, "agency": str(police.pk)}).status_code == 400  # not theirs
    assert client.post(url, {**data, "occurred_on_1": "14"}).status_code == 400
    assert not Activity.objects.exists()
    assert client.post(url, data).status_code == 302
    assert list(Activity.objects.get().children.all()) == [borough["child"]]


def test_a_childs_profile_names_the_target_only_to_those_who_may_see_them(
    borough,
    clients,
    adult,
):
    _record(borough, adult)
    child_page = reverse("people:detail", args=[borough["child"].id])

    def protecting(client) -> str:
        html = client.get(child_page).content.decode()
        return html[html.index("Disruption protecting this child") :].split("</table>")[0]

    worker_view = protecting(clients["cypf_worker"])  # no relationship with the adult
    assert "Child abduction warning notice" in worker_view
    assert "Adultconcern" not in worker_view
    assert "no access to their record" in worker_view
    assert "Adultconcern" in protecting(clients["specialist_manager"])


def test_kpis_count_adults_disrupted_and_charged(borough, adult):
    other = factories.PersonFactory(given_name="Gary", date_of_birth=dt.date(1985, 5, 5))
    _record(borough, adult)
    _record(borough, adult, kind="charge", outcome="charged", occurred_on=dt.date(2026, 3, 20))
    _record(borough, other, kind="arrest", outcome="nfa", children=[])
    _record(borough, other, kind="arrest", outcome="charged", occurred_on=dt.date(2026, 4, 2))
    march = dt.date(2026, 3, 1), dt.date(2026, 3, 31)
    kpi = KPIS["perpetrators_disrupted_charged"]
    result = kpi(*march)
    assert (result.numerator, result.denominator) == (1, 2)  # disrupted 2, of whom charged 1
    april = kpi(dt.date(2026, 4, 1), dt.date(2026, 4, 30))
    assert (april.numerator, april.denominator) == (1, 1)
