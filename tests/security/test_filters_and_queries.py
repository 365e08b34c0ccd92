"""Filters come from allowlists (fuzzed), and list pages make a bounded number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import factories

FILTERED_PAGES = ["contexts:place_list", "contexts:group_list", "people:search", "audit:search"]

junk = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        ["'; DROP TABLE people_person; --", "__class__", "id__gt", "../..", "\x00", "9" * 40]
    ),
)
PARAMETER_NAMES = [
    "kind",
    "ward",
    "page",
    "name",
    "identifier",
    "order",
    "sort",
    "person",
    "action",
    "outcome",
    "user",
    "date_from_0",
    "date_of_birth_2",
    "id__in",
    "is_restricted",
]
params = st.dictionaries(st.sampled_from(PARAMETER_NAMES), junk, max_size=5)


@pytest.mark.django_db
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=params, page=st.sampled_from(FILTERED_PAGES))
def test_any_query_string_gets_a_page_never_an_error(clients, query, page):
    query = {k: v.replace("\x00", "") for k, v in query.items()}
    for method in ("get", "post"):
        response = getattr(clients["dpo"], method)(reverse(page), query)
        assert response.status_code in (200, 400, 405), (page, method, query, response.status_code)


@pytest.mark.django_db
def test_unknown_parameters_do_not_reach_the_query(clients, borough):
    """A parameter outside the allowlist (e.g. a raw ORM lookup) is ignored."""
    factories.PlaceFactory(name="Other place")
    response = clients["cypf_worker"].get(
        reverse("contexts:place_list"), {"name__startswith": "Matrix"}
    )
    assert response.context["page"].paginator.count == 2


def _count_queries(client, url, data=None, method="get") -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = getattr(client, method)(url, data or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "view, data, method",
    [
        ("core:home", None, "get"),
        ("people:search", {"name": "bulk"}, "post"),
        ("contexts:place_list", None, "get"),
        ("contexts:group_list", None, "get"),
    ],
)
def test_list_pages_make_a_bounded_number_of_queries(clients, borough, view, data, method):
    team = borough["teams"]["cypf"]
    worker = borough["users"]["cypf_worker"]

    def add(n):
        for i in range(n):
            person = factories.PersonFactory(given_name=f"Bulk{i}", family_name="Bulkperson")
            factories.IdentifierFactory(person=person)
            factories.AllocationFactory(
                case__person=person, team=team, worker=worker if i % 2 else None
            )
            place = factories.PlaceFactory()
            factories.PersonPlaceFactory(person=person, place=place)
            factories.PersonGroupFactory(person=person)

    add(2)
    few = _count_queries(clients["cypf_worker"], reverse(view), data, method)
    add(15)
    many = _count_queries(clients["cypf_worker"], reverse(view), data, method)
    assert many == few, f"{view}: {few} queries for few rows, {many} for many (N+1?)"


@pytest.mark.django_db
def test_profile_queries_do_not_grow_with_the_record(clients, borough):
    child = borough["child"]
    url = reverse("people:detail", args=[child.id])
    few = _count_queries(clients["cypf_worker"], url)
    for i in range(10):
        factories.FlagFactory(person=child)
        factories.PersonPlaceFactory(person=child)
        factories.PersonGroupFactory(person=child)
        other = factories.PersonFactory(given_name=f"Peer{i}")
        child.relationships_out.create(other=other, kind="peer", source="record")
        child.aliases.create(given_name=f"Alias{i}")
    many = _count_queries(clients["cypf_worker"], url)
    assert many == few, f"profile: {few} queries, then {many} with a fuller record"
