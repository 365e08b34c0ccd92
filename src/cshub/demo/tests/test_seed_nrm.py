"""The NRM extension of the synthetic borough: referrals that obey every rule a service would
apply, deadlines from the clocks module, decisions in order, and live pending ones."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from cshub.core import clocks
from cshub.demo.extensions import extensions
from cshub.demo.generator import _content_models, generate
from cshub.nrm.models import Referral

TODAY = dt.date(2026, 11, 25)


@pytest.fixture(scope="module")
def borough(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield generate(scale=1, seed=13, today=TODAY)
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_referrals_are_made_hashed_and_valid(borough):
    assert "nrm" in [e.name for e in extensions()]
    assert Referral in _content_models()
    referrals = list(Referral.objects.select_related("case", "first_responder"))
    assert len(referrals) >= 10
    for r in referrals:
        r.full_clean()
        assert r.case.person_id == r.person_id
        assert r.reasonable_grounds_due_at == clocks.nrm_reasonable_grounds_due(r.submitted_at)
        assert r.submitted_at.date() <= TODAY
        if r.reasonable_grounds_on:
            assert r.decided_by and r.reasonable_grounds_on < TODAY
            assert r.reasonable_grounds_on >= r.submitted_at.date()
        if r.conclusive_grounds:
            assert r.reasonable_grounds == "positive"
            assert r.reasonable_grounds_on < r.conclusive_grounds_on < TODAY
    assert {r.first_responder.code for r in referrals} == {"csc", "police"}
    outcomes = {r.reasonable_grounds for r in referrals}
    assert {"positive", "pending"} <= outcomes
    assert any(r.conclusive_grounds for r in referrals)
    assert any(r.rg_in_time is False for r in referrals)
    assert any(r.rg_in_time for r in referrals)
