"""Impossible combinations are refused, by validation and by the database itself."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from cshub.core.vocab import CaseLevel, CaseStatus, RelationshipKind
from cshub.people.models import Case, Relationship
from tests import factories


@pytest.mark.django_db
class TestCaseRules:
    def test_a_case_cannot_open_for_someone_over_25(self):
        adult = factories.PersonFactory(date_of_birth=dt.date(1990, 1, 1))
        case = Case(
            person=adult,
            reference="CS-X1",
            level=CaseLevel.CHILD_IN_NEED,
            opened_on=dt.date(2025, 1, 1),
        )
        with pytest.raises(ValidationError, match="up to 25"):
            case.full_clean()

    def test_a_young_adult_of_24_may_have_a_case(self):
        young_adult = factories.PersonFactory(date_of_birth=dt.date(2000, 6, 1))
        case = Case(
            person=young_adult,
            reference="CS-X2",
            level=CaseLevel.EXPLOITATION,
            opened_on=dt.date(2025, 1, 1),
        )
        case.full_clean()

    def test_close_before_open_is_refused_by_validation(self):
        case = Case(
            person=factories.PersonFactory(),
            reference="CS-X4",
            level=CaseLevel.CHILD_IN_NEED,
            opened_on=dt.date(2025, 3, 1),
            closed_on=dt.date(2025, 2, 1),
            status=CaseStatus.CLOSED,
        )
        with pytest.raises(ValidationError, match="on or after the open date"):
            case.full_clean()

    def test_close_before_open_is_refused_by_the_database(self):
        case = factories.CaseFactory()
        with pytest.raises(IntegrityError), transaction.atomic():
            Case.objects.filter(pk=case.pk).update(
                status=CaseStatus.CLOSED, closed_on=dt.date(2020, 1, 1)
            )

    def test_closed_status_needs_a_close_date(self):
        case = factories.CaseFactory()
        with pytest.raises(IntegrityError), transaction.atomic():
            Case.objects.filter(pk=case.pk).update(status=CaseStatus.CLOSED)

    def test_a_case_cannot_open_before_birth(self):
        child = factories.PersonFactory(date_of_birth=dt.date(2015, 1, 1))
        case = Case(
            person=child,
            reference="CS-X3",
            level=CaseLevel.CHILD_IN_NEED,
            opened_on=dt.date(2014, 1, 1),
        )
        with pytest.raises(ValidationError, match="before the person was born"):
            case.full_clean()


@pytest.mark.django_db
def test_future_date_of_birth_fails_model_validation():
    person = factories.PersonFactory.build(date_of_birth=dt.date.today() + dt.timedelta(days=2))
    with pytest.raises(ValidationError, match="today or in the past"):
        person.full_clean()


@pytest.mark.django_db
def test_a_person_cannot_be_related_to_themselves():
    person = factories.PersonFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Relationship.objects.create(
            person=person, other=person, kind=RelationshipKind.PEER, source="record"
        )


@pytest.mark.django_db
def test_one_identifier_value_belongs_to_one_person():
    identifier = factories.IdentifierFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.IdentifierFactory(value=identifier.value)


@pytest.mark.django_db
def test_flag_review_date_cannot_precede_raising():
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.FlagFactory(raised_on=dt.date(2025, 5, 1), review_on=dt.date(2025, 4, 1))


@pytest.mark.django_db
def test_a_case_has_at_most_one_current_lead():
    allocation = factories.AllocationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.AllocationFactory(case=allocation.case)  # another team, also lead


@pytest.mark.django_db
def test_date_of_birth_precision_must_match_whether_there_is_a_date():
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.PersonFactory(date_of_birth=None)  # precision left at "exact"
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.PersonFactory(date_of_birth_precision="unknown")
    factories.PersonFactory(date_of_birth=None, date_of_birth_precision="unknown")
