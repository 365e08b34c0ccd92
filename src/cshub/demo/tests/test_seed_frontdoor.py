"""The Front Door in the synthetic borough: decided history, today's queue, screenings that
follow the rule, and the named referrers' own contacts.

One borough (--scale 1) is seeded once for this module inside a transaction that is rolled back
when the module ends; every test here only reads it. Determinism (content_hash now covers the
Front Door's models) is tested in test_seed.py.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import pytest
from django.db import transaction
from django.db.models import F

from cshub.accounts.models import User
from cshub.core import clocks
from cshub.core.vocab import HarmType
from cshub.demo.extensions import extensions
from cshub.demo.generator import _content_models, generate
from cshub.frontdoor.choices import (
    Answer,
    Channel,
    Consent,
    ContactState,
    Outcome,
    SubjectRole,
)
from cshub.frontdoor.models import (
    Contact,
    Decision,
    Screening,
    ScreeningAnswer,
    ScreeningIndicator,
)
from cshub.frontdoor.routing import NRM_HARMS, ROUTES
from cshub.frontdoor.screening import Scored, suggest_level
from cshub.frontdoor.selectors import contacts_raised_by, front_door_queue
from cshub.people.models import Case

TODAY = dt.date(2026, 11, 25)  # a Wednesday
NOW = dt.datetime.combine(TODAY, dt.time(10, 0), tzinfo=clocks.LONDON)
REFERENCE = re.compile(r"^CT-[ABCDEFGHJKLMNPQRTUVWXYZ2346789]{7}$")


@pytest.fixture(scope="module")
def borough(django_db_setup, django_db_blocker):
    """One default-scale borough for the module's read-only checks, rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        result = generate(scale=1, seed=11, today=TODAY)
        yield result
        transaction.set_rollback(True)


def _children(contact: Contact) -> set:
    return {s.person_id for s in contact.subjects.all() if s.role == SubjectRole.CHILD}


@pytest.mark.django_db
def test_the_extension_runs_after_assessments_and_its_models_are_hashed(borough):
    names = [e.name for e in extensions()]
    assert names.index("frontdoor") > names.index("assessments")
    assert {Contact, Screening, ScreeningAnswer, Decision} <= set(_content_models())


@pytest.mark.django_db
def test_decided_contacts_for_every_outcome_each_screened_and_routed(borough):
    decided = list(
        Contact.objects.filter(state=ContactState.DECIDED)
        .prefetch_related("subjects", "screenings", "harms")
        .select_related("decision__receiving_team")
    )
    assert len(decided) > 300
    outcomes = Counter(c.decision.outcome for c in decided)
    assert set(outcomes) == set(Outcome.values), outcomes
    late = 0
    for contact in decided:
        decision = contact.decision
        children = _children(contact)
        assert children
        assert {s.person_id for s in contact.screenings.all()} == children
        assert decision.rationale.strip()
        assert contact.received_at <= contact.submitted_at < decision.decided_at <= NOW
        assert contact.decision_due_at == clocks.front_door_decision_due(contact.received_at)
        for screening in contact.screenings.all():
            assert contact.submitted_at <= screening.completed_at < decision.decided_at
        late += decision.decided_at > contact.decision_due_at
        route = ROUTES[decision.outcome]
        if route is None:
            assert decision.receiving_team is None
        else:
            assert decision.receiving_team.function == route[0]
            # The case it opened: on the day of the decision or a few days later.
            decided_on = decision.decided_at.astimezone(clocks.LONDON).date()
            opened = Case.objects.filter(person_id__in=children).values_list("opened_on", flat=True)
            assert any(0 <= (day - decided_on).days <= 14 for day in opened), contact
        harms = {h.harm_type for h in contact.harms.all()}
        assert harms
        if harms & NRM_HARMS:
            assert decision.nrm_consideration and decision.nrm_note
        else:
            assert not decision.nrm_consideration
        if contact.immediate_danger and decision.outcome != Outcome.STRATEGY_DISCUSSION:
            assert decision.immediate_danger_note
        if contact.consent != Consent.GIVEN:
            assert contact.consent_reason
    assert 0.05 <= late / len(decided) <= 0.16
    assert 0.01 <= sum(c.immediate_danger for c in decided) / len(decided) <= 0.06
    # A realistic mix of referrers, each through a channel that fits.
    channels = Counter(c.channel for c in decided)
    assert set(channels) == set(Channel.values)
    for contact in decided:
        if contact.channel == Channel.POLICE_NOTIFICATION:
            assert contact.referrer_agency.code == "police"
            assert contact.raised_by.memberships.filter(team=contact.referrer_team).exists()
        if contact.channel == Channel.PARTNER_PORTAL:
            assert contact.raised_by.get_full_name() == contact.referrer_name
        if contact.channel in (Channel.PHONE, Channel.EMAIL):
            assert contact.raised_by.memberships.filter(team__code="ifd").exists()
    kinds = Counter(c.referrer_agency.code if c.referrer_agency else "" for c in decided)
    assert {"police", "education", "health", "csc", ""} <= set(kinds)


@pytest.mark.django_db
def test_every_screening_follows_the_rule(borough):
    indicators = {i.pk: i for i in ScreeningIndicator.objects.all()}
    screenings = Screening.objects.select_related("contact", "tool").prefetch_related("answers")
    assert screenings.count() > 300
    levels = Counter()
    for screening in screenings:
        answers = list(screening.answers.all())
        assert {a.indicator_id for a in answers} == set(
            screening.tool.indicators.values_list("pk", flat=True)
        )
        for a in answers:
            if a.answer == Answer.YES:
                assert a.basis and a.evidence
            else:
                assert not a.basis
        suggestion = suggest_level(
            (Scored(indicators[a.indicator_id].weight, a.answer, a.basis) for a in answers),
            immediate_danger=screening.contact.immediate_danger,
        )
        assert screening.suggested_level == suggestion.level, screening.pk
        if screening.final_level != screening.suggested_level:
            assert screening.difference_reason
        assert screening.child_voice or screening.child_voice_missing_reason
        assert screening.parent_view or screening.parent_view_missing_reason
        levels[screening.final_level] += 1
    assert len(levels) == 4
    assert Screening.objects.exclude(final_level=F("suggested_level")).exists()


@pytest.mark.django_db
def test_the_live_queue(borough):
    rows = front_door_queue(now=NOW)
    assert 8 <= len(rows) <= 15
    assert rows[0].contact.immediate_danger
    overdue = [r for r in rows if r.clock.overdue]
    assert len(overdue) >= 2
    assert len(overdue) < len(rows) / 2  # most are due later
    for row in rows:  # received over the last three working days (Friday to this morning)
        assert NOW - dt.timedelta(days=6) <= row.contact.received_at <= NOW
        assert not Decision.objects.filter(contact=row.contact).exists()
    screened = [r for r in rows if r.contact.screenings.all()]
    assert 0 < len(screened) < len(rows)
    children = {p for r in rows for p in _children(r.contact)}
    known = set(Case.objects.filter(person_id__in=children).values_list("person_id", flat=True))
    assert known and children - known  # known children and children new to services


@pytest.mark.django_db
def test_named_referrers_see_their_contacts_and_outcomes(borough):
    recent = NOW - dt.timedelta(days=120)
    school = User.objects.get(username="school.dsl")
    mine = list(contacts_raised_by(user=school))
    drafts = [c for c in mine if c.state == ContactState.DRAFT]
    assert 2 <= len(drafts) <= 3
    assert all(c.received_at is None and c.referrer_name for c in drafts)
    decided = [c for c in mine if c.state == ContactState.DECIDED and c.received_at >= recent]
    assert len(decided) >= 3
    assert all(c.decision.outcome for c in decided)
    police = User.objects.get(username="police.officer")
    decided = [
        c
        for c in contacts_raised_by(user=police)
        if c.state == ContactState.DECIDED and c.received_at >= recent
    ]
    assert len(decided) >= 3
    assert all(c.channel == Channel.POLICE_NOTIFICATION for c in decided)


@pytest.mark.django_db
def test_references_are_well_formed_and_unique(borough):
    references = list(Contact.objects.values_list("reference", flat=True))
    assert len(references) == len(set(references))
    assert all(REFERENCE.match(r) for r in references)
    # A sample passes the models' own validation (choices, constraints).
    for contact in Contact.objects.order_by("reference")[:40]:
        contact.full_clean()
    for screening in Screening.objects.order_by("id")[:40]:
        screening.full_clean()
    for decision in Decision.objects.order_by("id")[:40]:
        decision.full_clean()
    # Suspected harms come from the case; exploitation ones prompt the NRM question above.
    assert set(
        Contact.objects.values_list("harms__harm_type", flat=True).exclude(
            harms__harm_type__isnull=True
        )
    ) >= {HarmType.CCE, HarmType.CSE, HarmType.MISSING}
