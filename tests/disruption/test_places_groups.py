"""Disruption against places and groups, the activity at a place or against a group, and the
tactical group's list: who may record and see what, the children named only to those who may see
them, bad input refused whole, and every request audited."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.urls import reverse

from cshub.accounts.models import Agency
from cshub.audit.models import AuditEvent
from cshub.core.vocab import RelationshipKind, Role
from cshub.disruption import services
from cshub.disruption.models import Activity
from cshub.people.models import Relationship
from tests import factories
from tests.security.conftest import signed_in
from tests.security.test_need_to_know import ALLOWED, REFUSED

pytestmark = pytest.mark.django_db
RECORDERS = {"specialist_manager"}  # of the matrix: specialist team, or police (not analysts)
TARGETS = ("place", "group")


@pytest.fixture
def group(borough):
    group = factories.GroupFactory(name="Matrix Crew")
    factories.PersonGroupFactory(person=borough["child"], group=group)
    return group


@pytest.fixture
def adult(borough, group):
    """An adult of concern, tied to the child and linked to the place and the group."""
    adult = factories.PersonFactory(
        given_name="Dean", family_name="Adultconcern", date_of_birth=dt.date(1990, 1, 1)
    )
    Relationship.objects.create(
        person=adult,
        other=borough["child"],
        kind=RelationshipKind.ADULT_OF_CONCERN,
        source="intelligence",
    )
    factories.PersonPlaceFactory(person=adult, place=borough["place"])
    factories.PersonGroupFactory(person=adult, group=group)
    return adult


@pytest.fixture
def targets(borough, group, adult):
    return {"place": borough["place"], "group": group}


def _member(borough, username, team, role):
    return factories.MembershipFactory(
        user__username=username, team=borough["teams"][team], role=role
    ).user


@pytest.fixture
def panel_chair(borough):
    """Chairs MACE: sees the tactical group's list, but no one's record (no agenda published)."""
    return signed_in(_member(borough, "mace.chair", "specialist", Role.PANEL_CHAIR))


@pytest.fixture
def police_officer(borough):
    """A police practitioner: records disruption, but has no relationship with anyone."""
    return signed_in(_member(borough, "police.officer", "police", Role.PRACTITIONER))


def _seq() -> int:
    return AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def _events(since: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(seq__gt=since).order_by("seq"))


def _form(**overrides) -> dict:
    data = {
        "kind": "closure",
        "occurred_on_0": "2",
        "occurred_on_1": "3",
        "occurred_on_2": "2026",
        "agency": str(Agency.objects.get(code="csc").pk),
        "four_p": "pursue",
        "outcome": "issued",
        "notes": "Closure order granted at the magistrates' court.",
        "save": "",
    }
    data.update(overrides)
    return data


def _activity(target, **overrides) -> Activity:
    """An activity straight through the service (the write path the pages use)."""
    values = {
        "actor": None,
        "kind": "closure",
        "occurred_on": dt.date(2026, 3, 3),
        "agency": Agency.objects.get(code="police"),
        "four_p": "pursue",
        "outcome": "issued",
        f"target_{target._meta.model_name}": target,
    }
    values.update(overrides)
    return services.activity_record(**values)


# Recording against a place or a group


@pytest.mark.parametrize("what", TARGETS)
def test_a_recorder_records_disruption_against_a_place_or_group(
    borough, clients, targets, adult, what
):
    client, target, child = clients["specialist_manager"], targets[what], borough["child"]
    url = reverse(f"disruption:{what}_activity_new", args=[target.id])

    since = _seq()
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert target.name in html
    assert f'value="{child.pk}"' in html  # a linked child they may see is offered
    assert f'value="{adult.pk}"' not in html  # an adult linked there is not a child
    (viewed,) = _events(since)
    assert (viewed.action, viewed.outcome) == ("disruption.activity.new_viewed", "allowed")
    assert viewed.object_id == str(target.pk)

    since = _seq()
    response = client.post(url, _form(children=[str(child.pk)]))
    assert response.status_code == 302
    assert response["Location"] == reverse(f"disruption:{what}_activity", args=[target.id])
    activity = Activity.objects.get()
    assert getattr(activity, f"target_{what}") == target
    assert activity.target_person is None
    assert list(activity.children.all()) == [child]
    assert activity.recorded_by == borough["users"]["specialist_manager"]
    (recorded,) = _events(since)
    assert (recorded.action, recorded.outcome) == ("disruption.activity.recorded", "allowed")
    assert recorded.object_id == str(activity.pk)
    assert recorded.details["children"] == [str(child.pk)]


@pytest.mark.parametrize("what", TARGETS)
def test_only_children_the_recorder_may_see_are_offered(borough, targets, police_officer, what):
    url = reverse(f"disruption:{what}_activity_new", args=[targets[what].id])
    page = police_officer.get(url)
    assert page.status_code == 200
    assert borough["child"].family_name not in page.content.decode()
    # ... and a child posted anyway is refused, not quietly linked
    data = _form(
        children=[str(borough["child"].pk)], agency=str(Agency.objects.get(code="police").pk)
    )
    assert police_officer.post(url, data).status_code == 400
    assert not Activity.objects.exists()
    assert police_officer.post(url, {**data, "children": []}).status_code == 302
    assert not Activity.objects.get().children.exists()


@pytest.mark.parametrize("what", TARGETS)
@pytest.mark.parametrize("role", sorted((ALLOWED | REFUSED) - RECORDERS))
def test_others_are_refused_with_a_404_and_nothing_is_saved(borough, clients, targets, role, what):
    url = reverse(f"disruption:{what}_activity_new", args=[targets[what].id])
    since = _seq()
    assert clients[role].get(url).status_code == 404
    assert clients[role].post(url, _form()).status_code == 404
    assert not Activity.objects.exists()
    events = _events(since)
    assert [(e.action, e.outcome) for e in events] == [
        ("disruption.activity.new_viewed", "denied")
    ] * 2, role


@pytest.mark.parametrize("what", TARGETS)
@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"occurred_on_2": "2099"}, "occurred_on"),  # the future
        ({"kind": "fine"}, "kind"),  # not a kind of disruption
        ({"occurred_on_1": "14"}, "occurred_on"),  # no 14th month
        ({"children": [str(uuid.uuid4())]}, "children"),  # not a child linked there
        ({"agency": "police"}, "agency"),  # not the recorder's agency (replaced by its id)
        ({"target_person": str(uuid.uuid4())}, "__all__"),  # a field the form does not have
    ],
)
def test_bad_input_is_refused_whole_and_audited(borough, clients, targets, what, change, field):
    url = reverse(f"disruption:{what}_activity_new", args=[targets[what].id])
    if change.get("agency") == "police":
        change = {"agency": str(Agency.objects.get(code="police").pk)}
    since = _seq()
    response = clients["specialist_manager"].post(url, _form(**change))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert b"govuk-error-summary" in response.content
    assert not Activity.objects.exists()
    (refused,) = _events(since)
    assert (refused.action, refused.outcome) == ("disruption.activity.refused", "failed")
    assert refused.object_id == str(targets[what].pk)
    assert field in refused.details["errors"]


@pytest.mark.parametrize("what", TARGETS)
def test_an_unknown_place_or_group_is_a_404_and_audited(borough, clients, targets, what):
    missing = uuid.uuid4()
    for name, role in (
        (f"disruption:{what}_activity_new", "specialist_manager"),
        (f"disruption:{what}_activity", "specialist_manager"),
        (f"disruption:{what}_activity", "school_dsl"),
    ):
        since = _seq()
        client = clients[role]
        assert client.get(reverse(name, args=[missing])).status_code == 404, name
        if name.endswith("_new"):
            assert client.post(reverse(name, args=[missing]), _form()).status_code == 404
        events = _events(since)
        assert events and all(e.outcome == "denied" for e in events), name
        assert all(e.details == {"requested_id": str(missing)} for e in events), name
    assert not Activity.objects.exists()


# The activity at a place or against a group (read-only)


@pytest.mark.parametrize("what", TARGETS)
def test_any_signed_in_user_sees_the_activity_with_children_named_by_need_to_know(
    borough, clients, targets, what
):
    target, child = targets[what], borough["child"]
    _activity(target, children=[child], kind="licensing", four_p="prevent")
    _activity(target, kind="warrant", occurred_on=dt.date(2026, 4, 1))
    url = reverse(f"disruption:{what}_activity", args=[target.id])
    for role in sorted(ALLOWED | REFUSED):
        since = _seq()
        response = clients[role].get(url)
        assert response.status_code == 200, role
        html = response.content.decode()
        assert "Licensing action" in html and "Warrant" in html
        assert html.index("Warrant") < html.index("Licensing action")  # newest first
        assert (child.family_name in html) == (role in ALLOWED), role
        assert ("1 child you have no relationship with" in html) == (role in REFUSED), role
        assert ("Record disruption against" in html) == (role in RECORDERS), role
        (viewed,) = _events(since)
        assert (viewed.action, viewed.outcome) == (f"disruption.{what}_activity.viewed", "allowed")
        assert viewed.object_id == str(target.pk)
        assert viewed.details == {"activities": 2}


@pytest.mark.parametrize("what", TARGETS)
def test_the_place_and_group_pages_link_to_their_disruption(clients, targets, what):
    target = targets[what]
    html = clients["school_dsl"].get(reverse(f"contexts:{what}_detail", args=[target.id]))
    assert reverse(f"disruption:{what}_activity", args=[target.id]) in html.content.decode()


# The tactical group's list


def test_the_list_is_for_recorders_and_panel_chairs(borough, clients, panel_chair, police_officer):
    url = reverse("disruption:activity_list")
    viewers = {"specialist_manager": clients["specialist_manager"]}
    viewers |= {"panel_chair": panel_chair, "police_officer": police_officer}
    for name, client in viewers.items():
        since = _seq()
        assert client.get(url).status_code == 200, name
        (listed,) = _events(since)
        assert (listed.action, listed.outcome) == ("disruption.activity.listed", "allowed"), name
    for role in sorted((ALLOWED | REFUSED) - RECORDERS):
        since = _seq()
        assert clients[role].get(url).status_code == 404, role
        (refused,) = _events(since)
        assert (refused.action, refused.outcome) == ("disruption.activity.listed", "denied"), role


def test_the_list_filters_and_audits_its_filters(borough, clients, targets, adult):
    place, group = targets["place"], targets["group"]
    _activity(place, kind="closure", outcome="issued", four_p="prevent")
    _activity(group, kind="arrest", outcome="charged", occurred_on=dt.date(2026, 5, 1))
    _activity(adult, kind="cawn", outcome="pending", four_p="protect")
    client, url = clients["specialist_manager"], reverse("disruption:activity_list")

    def kinds(**params) -> list[str]:
        response = client.get(url, params)
        assert response.status_code == 200
        return [a.kind for a in response.context["page"].object_list]

    assert kinds() == ["arrest", "cawn", "closure"]  # newest first
    assert kinds(kind="closure") == ["closure"]
    assert kinds(outcome="charged") == ["arrest"]
    assert kinds(four_p="protect") == ["cawn"]
    assert kinds(four_p="pursue") == ["arrest"]
    assert kinds(target="place") == ["closure"]
    assert kinds(target="group") == ["arrest"]
    assert kinds(target="person") == ["cawn"]
    assert kinds(target="person", kind="closure") == []
    assert kinds(kind="fine", target="place") == ["closure"]  # an unknown value is ignored
    since = _seq()
    kinds(kind="arrest", target="group")
    (listed,) = _events(since)
    assert listed.details == {"kind": "arrest", "target_type": "group", "page": 1}


def test_the_list_is_paginated(borough, clients, targets):
    for day in range(1, 53):
        _activity(targets["place"], occurred_on=dt.date(2025, 1, 1) + dt.timedelta(days=day))
    client, url = clients["specialist_manager"], reverse("disruption:activity_list")
    first = client.get(url).context["page"]
    second = client.get(url, {"page": 2, "target": "place"}).context["page"]
    assert (len(first.object_list), len(second.object_list)) == (50, 2)
    assert first.object_list[0].occurred_on == dt.date(2025, 2, 22)


def test_the_list_names_a_person_target_only_to_those_who_may_see_them(
    borough, clients, targets, adult, panel_chair
):
    _activity(adult, kind="cawn", children=[borough["child"]])
    _activity(targets["place"], kind="closure")
    url = reverse("disruption:activity_list")

    chair_view = panel_chair.get(url).content.decode()
    assert "Child abduction warning notice" in chair_view
    assert "Adultconcern" not in chair_view
    assert "Matrixchild" not in chair_view  # nor the child it protects
    assert "An adult (restricted)" in chair_view
    assert reverse("people:detail", args=[adult.id]) not in chair_view
    assert reverse("contexts:place_detail", args=[targets["place"].id]) in chair_view

    manager_view = clients["specialist_manager"].get(url).content.decode()
    assert "Dean Adultconcern" in manager_view
    assert "An adult (restricted)" not in manager_view
    assert reverse("people:detail", args=[adult.id]) in manager_view
