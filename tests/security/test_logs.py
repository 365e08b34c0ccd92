"""No personal data reaches the application logs, and none travels in URLs."""

from __future__ import annotations

import logging

import pytest
from django.urls import reverse

from cshub.core import identifiers

SENTINEL_GIVEN = "Zebediah"
SENTINEL_FAMILY = "Sentinelworth"
SENTINEL_DOB = ("29", "2", "2012")
SENTINEL_NHS = identifiers.make_nhs_number(777_001)


@pytest.mark.django_db
def test_sentinel_personal_data_never_reaches_the_logs(clients, borough, caplog, client):
    caplog.set_level(logging.DEBUG)  # every logger, every level
    worker = clients["cypf_worker"]
    create = {
        "given_name": SENTINEL_GIVEN,
        "family_name": SENTINEL_FAMILY,
        "date_of_birth_0": SENTINEL_DOB[0],
        "date_of_birth_1": SENTINEL_DOB[1],
        "date_of_birth_2": SENTINEL_DOB[2],
        "date_of_birth_precision": "exact",
        "sex": "M",
        "ethnicity": "WBRI",
        "identifier_scheme": "nhs",
        "identifier_value": SENTINEL_NHS,
    }
    assert worker.post(reverse("people:create"), create).status_code == 302
    # the same again: refused as a duplicate identifier (a 400 is logged by Django)
    assert worker.post(reverse("people:create"), create).status_code == 400
    # a bad date of birth
    assert (
        worker.post(reverse("people:create"), {**create, "date_of_birth_0": "31"}).status_code
        == 400
    )
    for terms in ({"name": f"{SENTINEL_GIVEN} {SENTINEL_FAMILY}"}, {"identifier": SENTINEL_NHS}):
        clients["school_dsl"].post(reverse("people:search"), terms)
        worker.post(reverse("people:search"), terms)
    # refused profile views and failed sign-ins with a sentinel as the username
    from cshub.people.models import Person

    person = Person.objects.get(family_name=SENTINEL_FAMILY)
    assert clients["school_dsl"].get(reverse("people:detail", args=[person.id])).status_code == 404
    client.post(reverse("accounts:login"), {"username": SENTINEL_FAMILY, "password": "x"})

    logged = caplog.text + "".join(str(r.args) for r in caplog.records)
    for sentinel in (SENTINEL_GIVEN, SENTINEL_FAMILY, SENTINEL_NHS, "2012-02-29", "29/02/2012"):
        assert sentinel not in logged, f"{sentinel!r} found in the application log"
    assert caplog.records, "nothing was logged at all: the test would prove nothing"


@pytest.mark.django_db
def test_search_terms_never_travel_in_the_url(clients, borough):
    """A search is a POST; a GET with terms in the query string searches nothing."""
    response = clients["cypf_worker"].get(reverse("people:search"), {"name": "matrixchild"})
    assert response.status_code == 200
    assert response.context["rows"] == []
    assert not response.context["searched"]
    html = clients["cypf_worker"].get(reverse("people:search")).content.decode()
    assert 'method="post"' in html
