"""Bad input gets a clear message and changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cshub.core import identifiers
from cshub.people.models import Identifier, Person

from . import factories

URL = reverse("people:create")


def _form(**overrides):
    data = {
        "given_name": "Riley",
        "family_name": "Formtest",
        "date_of_birth_0": "17",
        "date_of_birth_1": "5",
        "date_of_birth_2": "2012",
        "date_of_birth_precision": "exact",
        "sex": "F",
        "ethnicity": "WBRI",
        "identifier_scheme": "nhs",
        "identifier_value": identifiers.make_nhs_number(424242),
    }
    data.update(overrides)
    return data


def _error_summary(response) -> str:
    html = response.content.decode()
    assert "govuk-error-summary" in html, "no GOV.UK error summary on the page"
    return html


@pytest.mark.django_db
def test_a_valid_person_is_created_with_their_identifier(cypf_worker_client, cypf_worker):
    response = cypf_worker_client.post(URL, _form())
    person = Person.objects.get(family_name="Formtest")
    assert response.status_code == 302
    assert response["Location"] == reverse("people:detail", args=[person.id])
    assert person.date_of_birth == dt.date(2012, 5, 17)
    assert person.created_by == cypf_worker
    assert person.identifiers.get().value == identifiers.make_nhs_number(424242)


@pytest.mark.django_db
def test_future_date_of_birth_is_refused(cypf_worker_client):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = cypf_worker_client.post(
        URL,
        _form(
            date_of_birth_0=str(tomorrow.day),
            date_of_birth_1=str(tomorrow.month),
            date_of_birth_2=str(tomorrow.year),
        ),
    )
    assert response.status_code == 400
    assert "Date of birth must be today or in the past" in _error_summary(response)
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_impossible_date_is_refused(cypf_worker_client):
    response = cypf_worker_client.post(URL, _form(date_of_birth_0="31", date_of_birth_1="2"))
    assert response.status_code == 400
    _error_summary(response)
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_bad_nhs_number_is_refused(cypf_worker_client):
    good = identifiers.make_nhs_number(424242)
    bad = good[:9] + str((int(good[9]) + 1) % 10)
    response = cypf_worker_client.post(URL, _form(identifier_value=bad))
    assert response.status_code == 400
    assert "check digit is wrong" in _error_summary(response)
    assert not Person.objects.exists()
    assert not Identifier.objects.exists()


@pytest.mark.django_db
def test_duplicate_identifier_is_refused_and_nothing_saved(cypf_worker_client):
    existing = factories.IdentifierFactory()
    response = cypf_worker_client.post(URL, _form(identifier_value=existing.value))
    assert response.status_code == 400
    assert "already recorded for another person" in _error_summary(response)
    assert Person.objects.count() == 1  # only the existing one
    assert Identifier.objects.count() == 1


@pytest.mark.django_db
def test_identifier_value_without_a_type_is_refused(cypf_worker_client):
    response = cypf_worker_client.post(URL, _form(identifier_scheme=""))
    assert response.status_code == 400
    assert "Choose the identifier type" in _error_summary(response)
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_unknown_choice_codes_are_refused(cypf_worker_client):
    response = cypf_worker_client.post(URL, _form(sex="X", ethnicity="ZZZZ"))
    assert response.status_code == 400
    assert "Select a valid choice" in _error_summary(response)
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_adding_a_duplicate_identifier_to_a_profile_is_refused(cypf_worker_client, allocated_case):
    child = allocated_case.person
    other = factories.IdentifierFactory()
    url = reverse("people:identifier_add", args=[child.id])
    response = cypf_worker_client.post(url, {"scheme": "nhs", "value": other.value})
    assert response.status_code == 400
    assert "already recorded for another person" in _error_summary(response)
    assert child.identifiers.count() == 1


@pytest.mark.django_db
def test_adding_a_valid_identifier_normalises_it(cypf_worker_client, allocated_case):
    child = allocated_case.person
    upn = identifiers.make_upn(la_code=370, establishment=4001, year=2016, serial=12)
    url = reverse("people:identifier_add", args=[child.id])
    response = cypf_worker_client.post(url, {"scheme": "upn", "value": upn.lower()})
    assert response.status_code == 302
    assert child.identifiers.filter(scheme="upn", value=upn).exists()


@pytest.mark.django_db
def test_search_finds_by_partial_name_dob_and_identifier(cypf_worker_client, child):
    nhs = child.identifiers.get().value
    search = reverse("people:search")
    for query in (
        {"name": "jor test"},
        {"name": "Testw"},
        {"date_of_birth_0": "17", "date_of_birth_1": "5", "date_of_birth_2": "2011"},
        {"identifier": f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}"},
    ):
        response = cypf_worker_client.post(search, query)
        assert [row["person"] for row in response.context["rows"]] == [child], query
    response = cypf_worker_client.post(search, {"name": "nobody"})
    assert list(response.context["rows"]) == []


@pytest.mark.django_db
def test_search_finds_by_alias(cypf_worker_client, child):
    child.aliases.create(kind="street", given_name="Shadow")
    response = cypf_worker_client.post(reverse("people:search"), {"name": "shad"})
    assert [row["person"] for row in response.context["rows"]] == [child]


@pytest.mark.django_db
def test_empty_search_asks_for_a_term(cypf_worker_client):
    response = cypf_worker_client.post(reverse("people:search"), {"name": ""})
    assert "Enter a name, a date of birth or an identifier" in response.content.decode()


@pytest.mark.django_db
def test_a_person_without_a_date_of_birth_is_recorded_as_not_known(cypf_worker_client):
    data = _form(date_of_birth_0="", date_of_birth_1="", date_of_birth_2="")
    response = cypf_worker_client.post(URL, data)
    assert response.status_code == 302
    person = Person.objects.get(family_name="Formtest")
    assert person.date_of_birth is None
    assert person.date_of_birth_precision == "unknown"
