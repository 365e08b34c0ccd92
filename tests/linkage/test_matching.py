"""Matching source records into people: the system's own id, deterministic NHS number / UPN
rules, Splink, likely twins to review, new people (one per group of records of one child), and
the stored model with its version and staleness."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone

from cshub.audit.models import AuditEvent
from cshub.core.vocab import IdentifierScheme
from cshub.linkage import selectors
from cshub.linkage.choices import CandidateKind, CandidateStatus, MatchMethod
from cshub.linkage.models import LinkageModel, MatchCandidate, SourceRecord
from cshub.linkage.services import import_source_file, matching_run
from cshub.people.models import Address, Person
from tests import factories

from .conftest import NHS, UPN

pytestmark = pytest.mark.django_db

SOCIAL = (
    "record_id,given_name,middle_names,family_name,aliases,date_of_birth,sex,address,postcode,"
    "school,nhs_number,upn,ce_flag,cse_flag,cin_status\n"
)
EDUCATION = (
    "record_id,given_name,middle_names,family_name,aliases,date_of_birth,sex,address,postcode,"
    "school,nhs_number,upn,exclusions,attendance_pct,send\n"
)


def load(system: str, header: str, rows: list[str]):
    text = header + "".join(r + "\n" for r in rows)
    return import_source_file(system=system, path_or_file=io.StringIO(text), actor="command:test")


def person(given, family, born, *, address=None, postcode=None, **ids):
    p = factories.PersonFactory(
        given_name=given, family_name=family, date_of_birth=dt.date.fromisoformat(born)
    )
    for scheme, value in ids.items():
        factories.IdentifierFactory(person=p, scheme=scheme, value=value)
    if address:
        Address.objects.create(person=p, line1=address, postcode=postcode or "")
    return p


def rec(system_code: str, record_id: str) -> SourceRecord:
    return SourceRecord.objects.get(system__code=system_code, record_id=record_id)


@pytest.fixture
def world():
    people = {
        "casey": person(
            "Casey", "Matrixchild", "2011-05-17", address="1 Example Road", postcode="S70 1AA",
            mosaic="MOS1001",
        ),
        "robin": person("Robin", "Example", "2010-01-02", nhs=NHS[1]),
        "alex": person(
            "Alex", "Twinfield", "2012-03-03", address="5 Twin Lane", postcode="S70 2AB"
        ),
        "jordan": person(
            "Jordan", "Quillfeather", "2009-08-09", address="9 Mill Street", postcode="S71 4CD"
        ),
    }  # fmt: skip
    load(
        "mosaic",
        SOCIAL,
        [
            # its own Mosaic id is on Casey's record already
            "MOS1001,Casey,,Matrixchild,,2011-05-17,F,1 Example Road,S70 1AA,,,,yes,no,cin",
            # Robin's NHS number, his name misspelt
            f"MOS1002,Robyn,,Exampel,,2010-01-02,M,,,,{NHS[1]},,no,no,none",
            # a child no one knows yet, also in the education extract below
            "MOS1003,Tamsin,,Oakenshaw,,2013-02-14,F,7 New Road,S75 3EF,,,,no,no,cin",
        ],
    )
    load(
        "synergy",
        EDUCATION,
        [
            # Casey as the school knows her: a typo in the family name, no ids in common
            f"5001,Casey,,Matrixchlid,,2011-05-17,F,1 Example Rd,S70 1AA,,,{UPN[0]},2,81.5,no",
            # Alex's twin: same birthday and home, another given name
            "5002,Sam,,Twinfield,,2012-03-03,F,5 Twin Lane,S70 2AB,,,,0,97,no",
            # Tamsin, her address written another way
            "5003,Tamsin,,Oakenshaw,,2013-02-14,F,7 New Rd,S75 3EF,,,,0,90,no",
            # a child no one else knows
            "5004,Priya,,Lindqvist,,2014-06-30,F,3 Far Lane,S72 9ZZ,,,,0,99,no",
        ],
    )
    return people


def test_a_run_matches_each_record_the_right_way(world):
    run = matching_run(actor="command:test")
    casey = rec("mosaic", "MOS1001")
    assert casey.person == world["casey"] and casey.match_method == MatchMethod.SYSTEM_ID
    robin = rec("mosaic", "MOS1002")
    assert robin.person == world["robin"] and robin.match_method == MatchMethod.DETERMINISTIC_NHS
    kasey = rec("synergy", "5001")
    assert kasey.person == world["casey"] and kasey.match_method == MatchMethod.PROBABILISTIC
    assert kasey.match_probability >= 0.95
    # Tamsin's two records are one new person, made from the fuller record
    t1, t2 = rec("mosaic", "MOS1003"), rec("synergy", "5003")
    assert t1.person_id and t1.person_id == t2.person_id
    tamsin = t1.person
    assert (tamsin.given_name, tamsin.family_name) == ("Tamsin", "Oakenshaw")
    assert tamsin.identifiers.filter(scheme=IdentifierScheme.MOSAIC_ID, value="MOS1003").exists()
    assert {t1.match_method, t2.match_method} == {MatchMethod.NEW_PERSON, MatchMethod.PROBABILISTIC}
    priya = rec("synergy", "5004")
    assert priya.match_method == MatchMethod.NEW_PERSON and priya.person.given_name == "Priya"
    assert priya.person.created_by is None  # the runner gains no sight of the people it makes
    # the twin waits for review, unmatched, flagged as likely twins
    sam = rec("synergy", "5002")
    assert sam.person is None
    pair = MatchCandidate.objects.get(record=sam)
    assert pair.kind == CandidateKind.RECORD and pair.person == world["alex"]
    assert pair.likely_twins and "twins" in pair.reason.lower()
    assert pair.status == CandidateStatus.PENDING
    fields = {f["field"]: f for f in pair.fields}
    assert fields["date_of_birth"]["level"] == "exact" and fields["date_of_birth"]["weight"] > 0
    assert fields["given_name"]["weight"] < 0
    total = sum(f["weight"] for f in pair.fields)
    assert total == pytest.approx(pair.match_weight, abs=0.05)
    assert run.counts == {
        "records": 7,
        "system_id": 1,
        "deterministic": 1,
        "probabilistic": 1,  # Casey's school record (Tamsin's second record counts as new)
        "new_people": 2,
        "review": 1,
        "duplicate_people": 0,
    }
    event = AuditEvent.objects.get(action="linkage.match_run.completed")
    assert event.details["counts"] == run.counts


def test_a_second_run_changes_nothing(world):
    matching_run(actor="command:test")
    people = Person.objects.count()
    pairs = MatchCandidate.objects.count()
    matched = dict(SourceRecord.objects.values_list("pk", "person_id"))
    second = matching_run(actor="command:test")
    assert second.counts["records"] == 0
    assert Person.objects.count() == people and MatchCandidate.objects.count() == pairs
    assert dict(SourceRecord.objects.values_list("pk", "person_id")) == matched


def test_the_model_is_stored_with_a_version_and_reused(world):
    first = matching_run(actor="command:test")
    assert first.model.version == 1 and not first.model.fitted  # too few records to fit
    assert first.model.fingerprint == selectors.engine_fingerprint()
    load("synergy", EDUCATION, ["5010,Noor,,Ashdown,,2012-01-01,F,,,,,,0,90,no"])
    second = matching_run(actor="command:test")
    assert second.model == first.model
    refit = matching_run(actor="command:test", refit=True)
    assert refit.model.version == 2
    assert LinkageModel.objects.count() == 2


def test_staleness_says_why(world):
    run = matching_run(actor="command:test")
    model = run.model
    records = selectors.record_count()
    assert selectors.model_staleness(model, records=records) == []
    later = timezone.now() + dt.timedelta(days=181)
    assert any(
        "days ago" in r for r in selectors.model_staleness(model, records=records, now=later)
    )
    assert any("now" in r for r in selectors.model_staleness(model, records=records * 3))
    model.fingerprint = "0" * 64
    assert any(
        "comparisons have changed" in r for r in selectors.model_staleness(model, records=records)
    )
    model.fingerprint = selectors.engine_fingerprint()
    model.fitted = False
    assert any("enough to fit" in r for r in selectors.model_staleness(model, records=5000))


def test_the_command_reports_counts_and_a_stale_model(world):
    from django.core.management import call_command

    out, err = io.StringIO(), io.StringIO()
    call_command("match-records", stdout=out, stderr=err)
    assert "Matched with model v1: 7 record(s) to match" in out.getvalue()
    assert "1 by the system's own id, 1 by NHS number or UPN" in out.getvalue()
    assert "stale" not in err.getvalue()
    LinkageModel.objects.update(trained_at=timezone.now() - dt.timedelta(days=400))
    out, err = io.StringIO(), io.StringIO()
    call_command("match-records", stdout=out, stderr=err)
    assert "The model is stale: run `cshub match-records --refit`" in err.getvalue()
    call_command("match-records", "--refit", stdout=out, stderr=io.StringIO())
    assert LinkageModel.objects.count() == 2


def test_a_new_person_is_placed_like_the_known_addresses_at_their_postcode(world):
    from decimal import Decimal

    from cshub.core.models import Ward

    ward = Ward.objects.order_by("code").first()
    assert ward is not None  # the borough's wards come with the migrations
    neighbour = person("Ellis", "Nextdoor", "1980-01-01")
    Address.objects.create(
        person=neighbour,
        line1="5 Far Lane",
        postcode="S72 9ZZ",
        ward=ward,
        latitude=Decimal("53.55"),
        longitude=Decimal("-1.48"),
    )
    matching_run(actor="command:test")
    home = rec("synergy", "5004").person.addresses.get()
    assert (home.line1, home.ward, home.latitude) == ("3 Far Lane", ward, Decimal("53.55"))
    tamsin = rec("mosaic", "MOS1003").person.addresses.get()
    assert tamsin.ward is None  # no known address at that postcode: nothing invented


def test_family_at_one_home_is_not_one_person():
    """A father and son with the same name at one address, and a brother whose record has no
    date of birth: the home and family name they share must not make them one person."""
    dad = person("Daniel", "Wilkinsworth", "1986-03-21", address="8 Long Row", postcode="S70 6AA")
    load(
        "mosaic",
        SOCIAL,
        [
            # the son: Danny, same family name and home, born 2012
            "MOS2001,Danny,,Wilkinsworth,,2012-12-27,M,8 Long Row,S70 6AA,,,,no,no,cin",
            # his brother, on a record with no date of birth
            "MOS2002,Kyle,,Wilkinsworth,,,M,8 Long Row,S70 6AA,,,,no,no,none",
        ],
    )
    run = matching_run(actor="command:test")
    son, brother = rec("mosaic", "MOS2001"), rec("mosaic", "MOS2002")
    assert son.person_id and son.person_id != dad.pk
    assert brother.person_id and brother.person_id not in (dad.pk, son.person_id)
    assert run.counts["new_people"] == 2 and not MatchCandidate.objects.exists()
