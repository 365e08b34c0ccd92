import datetime as dt

import pytest

from cshub.frontdoor.matching import likely_matches
from cshub.people.models import Person
from tests import factories


@pytest.fixture
def people(db):
    target = factories.PersonFactory(
        given_name="Jordan", family_name="Ashworth", date_of_birth=dt.date(2010, 4, 9)
    )
    factories.IdentifierFactory(person=target)
    factories.PersonFactory(
        given_name="Morgan", family_name="Kettleby", date_of_birth=dt.date(2012, 1, 1)
    )
    return target


def _find(**terms):
    return [m.person for m in likely_matches(within=Person.objects.all(), **terms)]


def test_a_last_name_alone_finds(people):
    assert _find(family_name="Ashworth") == [people]


def test_a_date_of_birth_alone_finds_including_swapped(people):
    assert _find(date_of_birth=dt.date(2010, 4, 9)) == [people]
    assert _find(date_of_birth=dt.date(2010, 9, 4)) == [people]


def test_misspelt_and_reversed_names_find(people):
    assert _find(given_name="Jordon", family_name="Ashwerth") == [people]
    assert _find(given_name="Ashworth", family_name="Jordan") == [people]


def test_an_identifier_finds(people):
    assert _find(identifier=people.identifiers.get().value) == [people]


def test_unrelated_terms_find_no_one(people):
    assert (
        _find(given_name="Zara", family_name="Quintrell", date_of_birth=dt.date(2001, 12, 25)) == []
    )
