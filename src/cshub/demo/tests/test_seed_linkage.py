"""The linkage extension of the synthetic borough: five partner extracts imported (one refused
first), matched into people, the hard cases in the review queue, the steward's three decisions,
and the same content from the same seed."""

from __future__ import annotations

import datetime as dt

import jellyfish
import pytest
from django.db import transaction

from cshub.core.vocab import HarmType, IdentifierScheme
from cshub.demo import seed_linkage
from cshub.demo.extensions import extensions
from cshub.demo.generator import _content_models, content_hash, generate
from cshub.linkage import engine
from cshub.linkage.choices import (
    OPEN_STATUSES,
    CandidateKind,
    CandidateStatus,
    ImportStatus,
    MatchMethod,
)
from cshub.linkage.models import (
    ImportRun,
    LinkageModel,
    MatchCandidate,
    MatchDecision,
    MatchRun,
    SourceRecord,
)
from cshub.missing.models import Episode
from cshub.people.models import Flag, Person, Relationship

TODAY = dt.date(2026, 11, 25)
_distance = jellyfish.levenshtein_distance


class _Rollback(Exception):
    pass


def _seed_and_hash(**kwargs) -> tuple[str, bool]:
    digest, fitted = "", False
    try:
        with transaction.atomic():
            generate(**kwargs)
            digest = content_hash()
            fitted = LinkageModel.objects.get().fitted
            raise _Rollback
    except _Rollback:
        pass
    return digest, fitted


# First in the file: it seeds boroughs of its own, before the module's borough exists.
@pytest.mark.django_db
def test_the_same_seed_gives_the_same_imports_model_and_queue(monkeypatch):
    """A small borough, with the model fitted (as at scale 1 and above) to show that is
    reproducible too."""
    monkeypatch.setattr(engine, "MIN_RECORDS_TO_TRAIN", 100)
    first, fitted = _seed_and_hash(scale=0.2, seed=21, today=TODAY)
    again, _ = _seed_and_hash(scale=0.2, seed=21, today=TODAY)
    assert fitted and first == again


@pytest.fixture(scope="module")
def borough(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield generate(scale=1, seed=13, today=TODAY)
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_each_system_is_imported_once_and_the_youth_justice_file_refused_first(borough):
    assert [e.name for e in extensions()][-1] == "linkage"
    for model in (ImportRun, SourceRecord, LinkageModel, MatchRun, MatchCandidate, MatchDecision):
        assert model in _content_models()
    runs = list(ImportRun.objects.select_related("system").order_by("started_at"))
    done = [r for r in runs if r.status == ImportStatus.SUCCEEDED]
    assert [r.system.code for r in done] == list(seed_linkage.SYSTEMS)
    for run in done:
        assert run.rows == run.created > 0 and run.run_by_label == "command:seed"
        assert run.started_at.date() == TODAY - dt.timedelta(days=1)
    refused = [r for r in runs if r.status == ImportStatus.REFUSED]
    assert [r.system.code for r in refused] == ["childview"]
    assert {(p["row"], p["column"]) for p in refused[0].problems} == {
        (2, "date_of_birth"),
        (5, "sex"),
    }
    assert not refused[0].records_first_seen.exists()
    counts = {r.system.code: r.rows for r in done}
    children = Person.objects.filter(cases__isnull=False).distinct().count()
    assert counts["mosaic"] > 0.7 * children
    assert counts["synergy"] > counts["systmone"] > counts["childview"]
    assert counts["niche"] > counts["childview"]


@pytest.mark.django_db
def test_rows_carry_their_systems_flags(borough):
    open_cse = set(
        Flag.objects.filter(closed_on__isnull=True, harm_type=HarmType.CSE).values_list(
            "person_id", flat=True
        )
    )
    episodes = {}
    for pid in Episode.objects.filter(person__isnull=False).values_list("person_id", flat=True):
        episodes[pid] = episodes.get(pid, 0) + 1
    by_id = SourceRecord.objects.filter(match_method=MatchMethod.SYSTEM_ID)
    mosaic = list(by_id.filter(system__code="mosaic"))
    assert mosaic and any(r.flags["cse_flag"] for r in mosaic)
    for r in mosaic:
        assert r.flags["cse_flag"] == (r.person_id in open_cse)
        assert r.other_identifiers == {"mosaic": r.record_id}
    police = list(by_id.filter(system__code="niche"))
    assert any(r.flags["missing_count"] for r in police)
    for r in police:
        assert r.flags["missing_count"] == episodes.get(r.person_id, 0)
    for r in SourceRecord.objects.filter(system__code="systmone"):
        assert r.nhs_number == r.record_id
    synergy = SourceRecord.objects.filter(system__code="synergy")
    assert 0 < synergy.exclude(upn="").count() < synergy.count()
    assert all(0 <= r.flags["attendance_pct"] <= 100 for r in synergy)


@pytest.mark.django_db
def test_most_records_are_matched_by_each_route(borough):
    total = SourceRecord.objects.count()
    matched = SourceRecord.objects.filter(person__isnull=False).count()
    assert matched >= 0.9 * total
    methods = set(SourceRecord.objects.values_list("match_method", flat=True))
    assert {
        MatchMethod.SYSTEM_ID,
        MatchMethod.DETERMINISTIC_NHS,
        MatchMethod.PROBABILISTIC,
        MatchMethod.NEW_PERSON,
        MatchMethod.MANUAL,
        MatchMethod.UNMATCHED,
    } <= methods
    run = MatchRun.objects.get()
    assert run.status == "succeeded" and run.counts["records"] == total
    assert run.model.fitted and not run.stale_reasons
    # Every unmatched record waits in review.
    waiting = SourceRecord.objects.filter(person__isnull=True)
    assert not waiting.exclude(candidates__status__in=OPEN_STATUSES).exists()


@pytest.mark.django_db
def test_the_queue_has_twins_siblings_and_duplicate_people(borough):
    open_pairs = MatchCandidate.objects.filter(status__in=OPEN_STATUSES)
    twins = Relationship.objects.filter(detail__startswith="twin")
    assert twins.count() >= 2
    for tie in twins.select_related("person", "other"):
        assert tie.person.date_of_birth == tie.other.date_of_birth
        assert tie.person.given_name != tie.other.given_name
    twin_ids = {p for tie in twins.values_list("person_id", "other_id") for p in tie}
    assert open_pairs.filter(
        kind=CandidateKind.RECORD, likely_twins=True, person_id__in=twin_ids
    ).exists()
    # The twins nobody knew: two new people, a pair for review.
    assert open_pairs.filter(kind=CandidateKind.PEOPLE, likely_twins=True).exists()

    # A Front Door duplicate and the child it duplicates: born the same day, living at the
    # same address, the family name one letter out.
    def home(person):
        return person.addresses.filter(moved_out__isnull=True).values_list("line1", flat=True)[0]

    duplicates = [
        c
        for c in open_pairs.filter(kind=CandidateKind.PEOPLE, likely_twins=False).select_related(
            "person", "other_person"
        )
        if c.person.date_of_birth == c.other_person.date_of_birth
        and home(c.person) == home(c.other_person)
        and 0 < _distance(c.person.family_name, c.other_person.family_name) <= 2
    ]
    assert duplicates
    # A police record with no given name or date of birth, between two siblings.
    sparse = SourceRecord.objects.filter(
        system__code="niche", given_name="", date_of_birth__isnull=True
    )
    assert sparse.exists()


@pytest.mark.django_db
def test_children_nobody_knew_became_new_people(borough):
    new = Person.objects.filter(
        family_name__in=seed_linkage.NEW_SURNAMES, created_by__isnull=True
    )  # made by the matching run, not the generator
    assert new.count() >= 3
    for person in new:
        records = list(person.source_records.all())
        assert records and person.created_by_id is None
        assert any(r.match_method == MatchMethod.NEW_PERSON for r in records)
        assert person.identifiers.filter(scheme=IdentifierScheme.SYNERGY_ID).exists()
    assert any(p.source_records.count() >= 2 for p in new)


@pytest.mark.django_db
def test_the_steward_decided_three_pairs_and_left_the_rest_open(borough):
    decisions = list(MatchDecision.objects.select_related("candidate", "decided_by"))
    assert sorted(d.decision for d in decisions) == ["defer", "keep_apart", "link"]
    assert {d.decided_by.username for d in decisions} == {"data.steward"}
    by = {d.decision: d.candidate for d in decisions}
    assert by["keep_apart"].likely_twins and by["keep_apart"].status == CandidateStatus.KEPT_APART
    assert by["link"].record_id == by["keep_apart"].record_id
    assert by["link"].record.person_id == by["link"].person_id
    assert by["link"].record.match_method == MatchMethod.MANUAL
    assert by["defer"].status == CandidateStatus.DEFERRED
    assert MatchCandidate.objects.filter(status=CandidateStatus.PENDING).count() > 10
