"""Merging two records of one person, and splitting them again: nothing is lost either way.

The check is generic: every row in every app that names either person (found from the app
registry, as the service finds them) is snapshotted before the merge; after the merge each one
names the kept person, unless it had to stay on the retired record; after the split the snapshot
is exactly as before."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from cshub.access.policy import people_searchable_by
from cshub.audit.models import AuditEvent
from cshub.core.vocab import RelationshipKind, VulnerabilityFactor
from cshub.people.models import Alias, Person, Relationship, Vulnerability
from cshub.people.selectors import person_references
from cshub.people.services import person_merge, person_split
from tests import factories
from tests.test_pages import borough  # noqa: F401  (a person with records in every app)

pytestmark = pytest.mark.django_db


def snapshot(*people) -> dict:
    """{(model label, field, pk): person id} for every row naming any of these people."""
    ids = [p.pk for p in people]
    rows = {}
    for model, field in person_references():
        for pk, who in model._base_manager.filter(**{f"{field}__in": ids}).values_list("pk", field):
            rows[(model._meta.label, field, str(pk))] = who
    return rows


def totals() -> dict:
    return {m._meta.label: m._base_manager.count() for m, _ in person_references()}


@pytest.fixture
def two_records(borough, cypf_team, cypf_worker):  # noqa: F811
    kept = borough["person"]
    dup = factories.PersonFactory(
        given_name="Kasey", family_name=kept.family_name, date_of_birth=kept.date_of_birth
    )
    factories.AllocationFactory(case__person=dup, team=cypf_team, worker=cypf_worker)
    factories.FlagFactory(person=dup)
    factories.IdentifierFactory(person=dup)
    friend = factories.PersonFactory(given_name="Robin", family_name="Peerson")
    Relationship.objects.create(person=dup, other=friend, kind=RelationshipKind.PEER, source="csc")
    # a relationship between the two records: it cannot join one person to themself
    Relationship.objects.create(person=kept, other=dup, kind=RelationshipKind.FAMILY, source="csc")
    # the same current vulnerability on both: the kept record already holds that fact
    factor = VulnerabilityFactor.values[0]
    for p in (kept, dup):
        Vulnerability.objects.create(person=p, factor=factor, identified_on=dt.date(2025, 1, 1))
    dup.is_restricted = False
    dup.save()
    return kept, dup, friend


def test_merge_moves_everything_and_split_restores_it_exactly(two_records, cypf_worker):
    kept, dup, friend = two_records
    before = snapshot(kept, dup)
    counts = totals()
    labels = {label for label, _, _ in before}
    # the generic walk reaches the workflow apps' records, not just people's own
    for expected in (
        "people.Case",
        "people.Flag",
        "people.Identifier",
        "people.Relationship",
        "people.Vulnerability",
        "contexts.PersonPlace",
        "contexts.PersonGroup",
        "assessments.Assessment",
        "missing.Episode",
        "missing.StrategyMeetingPrompt",
        "nrm.Referral",
    ):
        assert expected in labels, expected

    merge = person_merge(actor=cypf_worker, kept=kept, absorbed=dup, reason="Same child")
    after = snapshot(kept, dup)
    assert totals() == {**counts, "people.Alias": counts.get("people.Alias", 0) + 1}
    left = {(e["model"], e["field"], e["pk"]) for e in merge.left}
    assert left == {
        ("people.Relationship", "other", key[2])
        for key, who in before.items()
        if key[0] == "people.Relationship" and key[1] == "other" and who == dup.pk
    } | {key for key, who in before.items() if key[0] == "people.Vulnerability" and who == dup.pk}
    for key in before:
        if key in left:
            assert after[key] == dup.pk, key
        else:
            assert after[key] == kept.pk, key
    assert len(merge.moved) == sum(1 for k, w in before.items() if w == dup.pk) - len(left)
    dup.refresh_from_db()
    assert dup.merged_into == kept
    assert Alias.objects.filter(person=kept, given_name="Kasey").exists()
    assert kept.cases.count() == 2 and friend.relationships_in.get().person == kept
    assert not people_searchable_by(cypf_worker).filter(pk=dup.pk).exists()
    assert AuditEvent.objects.filter(action="people.person.merged", person_id=dup.pk).exists()
    assert AuditEvent.objects.filter(action="people.person.merged", person_id=kept.pk).exists()

    person_split(actor=cypf_worker, merge=merge, reason="Two children after all")
    assert snapshot(kept, dup) == before
    assert totals() == counts  # the alias the merge made is gone, nothing else changed
    dup.refresh_from_db()
    merge.refresh_from_db()
    assert dup.merged_into is None and merge.is_split
    assert merge.split_report["moved_back"] == len(merge.moved)
    assert merge.split_report["not_found"] == []
    assert people_searchable_by(cypf_worker).filter(pk=dup.pk).exists()
    assert AuditEvent.objects.filter(action="people.person.split", person_id=dup.pk).exists()


def test_merge_fills_blanks_and_seals_and_split_restores_them(cypf_worker):
    kept = factories.PersonFactory(date_of_birth=None, date_of_birth_precision="unknown", sex="U")
    dup = factories.PersonFactory(is_restricted=True)
    merge = person_merge(actor=cypf_worker, kept=kept, absorbed=dup, reason="Same child")
    kept.refresh_from_db()
    assert kept.date_of_birth == dup.date_of_birth and kept.sex == dup.sex
    assert kept.is_restricted  # the stricter of the two
    person_split(actor=cypf_worker, merge=merge, reason="Not the same")
    kept.refresh_from_db()
    assert kept.date_of_birth is None and kept.sex == "U" and not kept.is_restricted


def test_a_field_changed_since_the_merge_is_left_as_it_is(cypf_worker):
    kept = factories.PersonFactory(sex="U")
    dup = factories.PersonFactory(sex="F")
    merge = person_merge(actor=cypf_worker, kept=kept, absorbed=dup, reason="Same child")
    Person.objects.filter(pk=kept.pk).update(sex="M")  # corrected by someone since
    person_split(actor=cypf_worker, merge=merge, reason="Not the same")
    kept.refresh_from_db()
    merge.refresh_from_db()
    assert kept.sex == "M" and merge.split_report["changed_since"] == ["sex"]


def test_bad_merges_and_splits_are_refused_and_change_nothing(cypf_worker):
    a, b, c = (factories.PersonFactory() for _ in range(3))
    with pytest.raises(ValidationError, match="two different people"):
        person_merge(actor=cypf_worker, kept=a, absorbed=a, reason="x")
    with pytest.raises(ValidationError, match="Say why"):
        person_merge(actor=cypf_worker, kept=a, absorbed=b, reason="  ")
    merge = person_merge(actor=cypf_worker, kept=a, absorbed=b, reason="Same")
    with pytest.raises(ValidationError, match="already merged"):
        person_merge(actor=cypf_worker, kept=c, absorbed=b, reason="Same")
    later = person_merge(actor=cypf_worker, kept=c, absorbed=a, reason="Same")
    with pytest.raises(ValidationError, match="split that merge first"):
        person_split(actor=cypf_worker, merge=merge, reason="No")
    person_split(actor=cypf_worker, merge=later, reason="No")
    person_split(actor=cypf_worker, merge=merge, reason="No")
    with pytest.raises(ValidationError, match="already been split"):
        person_split(actor=cypf_worker, merge=merge, reason="No")
    assert (
        apps.get_model("people", "PersonMerge").objects.filter(split_at__isnull=True).count() == 0
    )


def test_who_viewed_the_kept_record_includes_the_merged_one(cypf_worker, client):
    from django.urls import reverse

    from cshub.audit.services import record
    from tests.security.conftest import signed_in

    kept, dup = factories.PersonFactory(), factories.PersonFactory()
    record(action="people.person.viewed", actor=cypf_worker, person=dup)
    person_merge(actor=cypf_worker, kept=kept, absorbed=dup, reason="Same child")
    dpo_team = factories.TeamFactory()
    dpo = factories.MembershipFactory(team=dpo_team, role="data_protection_officer").user
    response = signed_in(dpo).get(reverse("audit:person_log", args=[kept.pk]))
    assert response.status_code == 200
    person_ids = {str(e.person_id) for e in response.context["page"].object_list}
    assert str(dup.pk) in person_ids
