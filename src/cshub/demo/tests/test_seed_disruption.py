"""The disruption extension: activity against adults of concern, protecting their children."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from cshub.core.vocab import RelationshipKind
from cshub.demo.generator import _content_models, generate
from cshub.disruption.models import Activity
from cshub.insights.kpis import KPIS
from cshub.people.models import Relationship

TODAY = dt.date(2026, 11, 25)


@pytest.fixture(scope="module")
def borough(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield generate(scale=1, seed=13, today=TODAY)
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_adults_of_concern_are_disrupted_to_protect_their_children(borough):
    assert Activity in _content_models()
    activities = list(Activity.objects.prefetch_related("children"))
    assert len(activities) >= 10
    ties = set(  # (adult, child): the adult of concern is the `other` of the child's tie
        Relationship.objects.filter(kind=RelationshipKind.ADULT_OF_CONCERN).values_list(
            "other_id", "person_id"
        )
    )
    for a in activities:
        a.full_clean()
        assert a.target_person_id and a.occurred_on < TODAY
        age = a.target_person.age(TODAY)
        assert age is None or age >= 18, "a disruption target is an adult"
        assert a.children.exists()
        assert all((a.target_person_id, c.pk) in ties for c in a.children.all())
    year = TODAY - dt.timedelta(days=365), TODAY
    result = KPIS["perpetrators_disrupted_charged"](*year)
    assert result.denominator > result.numerator > 0
