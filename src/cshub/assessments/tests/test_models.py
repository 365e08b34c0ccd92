"""The database holds the workflow's rules too: a row written behind the services' back cannot
claim a state without its timestamps, be approved by its author, or carry an unknown value."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cshub.assessments.models import Assessment, HarmRisk
from tests import factories


def _refused(assessment, **changes):
    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.filter(pk=assessment.pk).update(**changes)


@pytest.mark.django_db
class TestStateConstraints:
    def test_unknown_kind_or_state(self, draft):
        _refused(draft, state="archived")
        _refused(draft, kind="asset")

    def test_a_draft_has_no_transition_timestamps(self, draft):
        _refused(draft, submitted_at=timezone.now())

    def test_submitted_needs_who_and_when(self, draft, org):
        _refused(draft, state="submitted")
        _refused(draft, state="submitted", submitted_at=timezone.now())

    def test_submitted_needs_the_childs_and_parents_voice(self, draft, org):
        _refused(
            draft,
            state="submitted",
            submitted_at=timezone.now(),
            submitted_by=org["users"]["worker"],
        )

    def test_approved_needs_approval_review_date_and_order(self, submitted, org):
        _refused(submitted, state="approved")
        _refused(
            submitted,
            state="approved",
            approved_at=timezone.now(),
            approved_by=org["users"]["manager"],
        )  # no review date
        _refused(
            submitted,
            state="approved",
            approved_at=submitted.submitted_at - dt.timedelta(hours=1),
            approved_by=org["users"]["manager"],
            review_on=dt.date(2027, 1, 1),
        )

    def test_never_approved_or_returned_by_its_author(self, submitted, org):
        _refused(
            submitted,
            state="approved",
            approved_at=timezone.now(),
            approved_by=org["users"]["worker"],
            review_on=dt.date(2027, 1, 1),
        )
        _refused(
            submitted,
            state="returned",
            returned_at=timezone.now(),
            returned_by=org["users"]["worker"],
            return_reason="x",
        )

    def test_returned_needs_a_reason(self, submitted, org):
        _refused(
            submitted,
            state="returned",
            returned_at=timezone.now(),
            returned_by=org["users"]["manager"],
        )

    def test_a_bace_holds_no_aim3_outcome_and_an_aim3_submitted_holds_one(self, draft, org):
        _refused(draft, aim3_outcome="high")
        _refused(draft, aim3_outcome="extreme", kind="aim3")
        aim3 = factories.AssessmentFactory(
            kind="aim3",
            person=org["child"],
            team=org["teams"]["cypf"],
            author=org["users"]["worker"],
        )
        _refused(
            aim3,
            state="submitted",
            submitted_at=timezone.now(),
            submitted_by=org["users"]["worker"],
        )

    def test_version_starts_at_one(self, draft):
        _refused(draft, version=0)


@pytest.mark.django_db
class TestHarmRiskConstraints:
    def test_unknown_harm_type_or_level_and_duplicates(self, draft):
        for bad in ({"harm_type": "witchcraft"}, {"risk_level": "extreme"}):
            with pytest.raises(IntegrityError), transaction.atomic():
                HarmRisk.objects.create(
                    assessment=draft, **{"harm_type": "cce", "risk_level": "low", **bad}
                )
        HarmRisk.objects.create(assessment=draft, harm_type="cce", risk_level="low")
        with pytest.raises(IntegrityError), transaction.atomic():
            HarmRisk.objects.create(assessment=draft, harm_type="cce", risk_level="high")


@pytest.mark.django_db
class TestValidation:
    def test_not_for_someone_over_25(self, org):
        adult = factories.PersonFactory(date_of_birth=dt.date(1980, 1, 1))
        a = Assessment(
            kind="bace",
            person=adult,
            team=org["teams"]["cypf"],
            author=org["users"]["worker"],
        )
        with pytest.raises(ValidationError, match="up to 25"):
            a.full_clean()

    def test_not_started_in_the_future(self, draft):
        draft.started_on = timezone.localdate() + dt.timedelta(days=1)
        with pytest.raises(ValidationError, match="cannot be in the future"):
            draft.full_clean()
