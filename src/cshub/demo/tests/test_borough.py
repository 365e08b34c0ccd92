"""The synthetic borough at the default scale: valid, on the real wards, and lively.

One borough (--scale 1, about 1,000 people) is seeded once for this module inside a transaction
that is rolled back when the module ends; every test here only reads it. Tests that seed their
own boroughs are in test_seed.py.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.contrib.auth import authenticate
from django.db import transaction
from django.db.models import Count, F
from django.test import RequestFactory

from cshub.accounts.models import Agency, Membership, Team, User
from cshub.contexts.models import Group, PersonGroup, PersonPlace, Place
from cshub.core.geo import ward_code_at
from cshub.core.identifiers import normalise
from cshub.core.vocab import CaseStatus, GroupKind, PlaceKind, Role, TeamFunction
from cshub.demo.generator import DEFAULT_PASSWORD, generate, specialist_cohort
from cshub.people.models import (
    YOUNG_ADULT_AGE_LIMIT,
    Address,
    Allocation,
    Case,
    Flag,
    Identifier,
    Person,
    Relationship,
    age_on,
)

TODAY = dt.date(2026, 11, 25)
PASSWORD = "not-the-default-1"  # noqa: S105
NAMED = (
    "school.dsl",
    "ifd.worker",
    "ifd.manager",
    "cypf.worker",
    "specialist.worker",
    "specialist.manager",
    "police.analyst",
    "yjs.worker",
    "mace.chair",
    "data.steward",
    "dpo",
    "admin",
)


@pytest.fixture(scope="module")
def borough(django_db_setup, django_db_blocker):
    """One default-scale borough for the module's read-only checks, rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        result = generate(scale=1, seed=11, today=TODAY, password=PASSWORD)
        yield result
        transaction.set_rollback(True)


# --- validity -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_identifier_is_valid_normalised_and_unique(borough):
    rows = list(Identifier.objects.values_list("scheme", "value"))
    assert len(rows) > 1000
    assert len(set(rows)) == len(rows)
    for scheme, value in rows:
        assert normalise(scheme, value) == value, (scheme, value)
    schemes = Counter(scheme for scheme, _ in rows)
    assert set(schemes) == {"nhs", "upn", "mosaic", "synergy", "police_nominal", "pnc", "yjs"}
    # NHS numbers are one per person at most, and every UPN is Barnsley's (LA 370).
    nhs = Identifier.objects.filter(scheme="nhs")
    assert nhs.values("person").distinct().count() == nhs.count()
    assert all(v[1:4] == "370" for v in Identifier.objects.filter(scheme="upn").values_list(
        "value", flat=True
    ))  # fmt: skip


@pytest.mark.django_db
def test_every_address_and_place_lies_inside_its_ward(borough):
    located = 0
    for model in (Address, Place):
        for ward, lon, lat, postcode in model.objects.values_list(
            "ward_id", "longitude", "latitude", "postcode"
        ):
            assert ward and lon is not None and lat is not None
            assert ward_code_at(float(lon), float(lat)) == ward
            assert postcode.split()[0] in {"S70", "S71", "S72", "S73", "S74", "S75", "S36"}
            located += 1
    assert located > 1000
    # Every ward has families in it, and a few places draw far more links than the rest.
    assert Address.objects.values("ward").distinct().count() == 21
    links = sorted(
        PersonPlace.objects.values("place").annotate(n=Count("id")).values_list("n", flat=True),
        reverse=True,
    )
    assert links[0] >= 5 * links[len(links) // 2]


@pytest.mark.django_db
def test_dates_are_consistent(borough):
    assert not Case.objects.filter(closed_on__lt=F("opened_on")).exists()
    assert not Case.objects.filter(status=CaseStatus.CLOSED, closed_on__isnull=True).exists()
    assert not Case.objects.filter(status=CaseStatus.OPEN, closed_on__isnull=False).exists()
    assert not Case.objects.filter(opened_on__gt=TODAY).exists()
    assert not Case.objects.filter(opened_on__lt=TODAY - dt.timedelta(days=730)).exists()
    assert not Flag.objects.filter(review_on__lt=F("raised_on")).exists()
    assert not Flag.objects.filter(closed_on__lt=F("raised_on")).exists()
    assert not Allocation.objects.filter(ended_on__lt=F("started_on")).exists()
    assert not PersonPlace.objects.filter(last_seen__lt=F("first_seen")).exists()
    assert not PersonGroup.objects.filter(last_seen__lt=F("first_seen")).exists()
    assert not Person.objects.filter(date_of_birth__gt=TODAY).exists()
    # Nobody over 25 is the subject of a case when it opens, and nobody before they were born.
    for opened, born in Case.objects.filter(person__date_of_birth__isnull=False).values_list(
        "opened_on", "person__date_of_birth"
    ):
        assert born <= opened
        assert age_on(born, opened) <= YOUNG_ADULT_AGE_LIMIT
    # Every person has one current address at most.
    current = Address.objects.filter(moved_out__isnull=True).values("person")
    assert current.annotate(n=Count("id")).filter(n__gt=1).count() == 0


# --- the demo users -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_named_demo_users_exist_with_memberships_and_the_password(borough):
    for username in NAMED:
        user = User.objects.get(username=username)
        assert user.first_name and user.last_name and user.job_title
        assert user.current_memberships().exists(), username
        assert user.check_password(PASSWORD) and not user.check_password(DEFAULT_PASSWORD)
    request = RequestFactory().post("/accounts/login/")  # the lockout backend wants a request
    assert authenticate(request, username="school.dsl", password=PASSWORD) is not None
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert not User.objects.filter(is_superuser=True).exclude(username="admin").exists()
    assert set(Membership.objects.values_list("role", flat=True)) == set(Role.values)
    assert User.objects.get(username="school.dsl").memberships.get().team.function == "school"
    assert set(Agency.objects.values_list("code", flat=True)) >= {
        "csc",
        "police",
        "yjs",
        "health",
        "education",
    }
    assert {t.value for t in TeamFunction} - {"other"} <= set(
        Team.objects.values_list("function", flat=True)
    )
    # Each school is a place with a DfE number and a team of the same name.
    schools = Place.objects.filter(kind=PlaceKind.SCHOOL)
    assert schools.count() >= 5
    for name, dfe in schools.values_list("name", "dfe_number"):
        assert dfe.startswith("370/") and len(dfe) == 8
        assert Team.objects.filter(name=name, function=TeamFunction.SCHOOL).exists()


@pytest.mark.django_db
def test_named_workers_carry_open_cases(borough):
    for username in ("cypf.worker", "specialist.worker", "yjs.worker", "ifd.worker"):
        mine = Allocation.objects.filter(
            worker__username=username, ended_on__isnull=True, case__status=CaseStatus.OPEN
        )
        assert mine.count() >= 5, username
        team = User.objects.get(username=username).memberships.get().team
        team_open = Allocation.objects.filter(
            team=team, ended_on__isnull=True, case__status=CaseStatus.OPEN
        )
        assert team_open.count() > mine.count(), username


# --- the shape of the borough ---------------------------------------------------------------------


@pytest.mark.django_db
def test_default_scale_is_a_lively_borough(borough):
    counts = borough.counts
    assert 900 <= counts["people"] <= 1300
    known = Person.objects.filter(cases__isnull=False).distinct()
    assert 300 <= known.count() <= 600
    assert 24 <= specialist_cohort().count() <= 200
    assert Case.objects.filter(status=CaseStatus.OPEN).count() > Case.objects.count() / 2
    assert Case.objects.filter(status=CaseStatus.CLOSED).exists()
    assert Group.objects.filter(kind=GroupKind.PEER_GROUP, area__isnull=False).exists()
    assert Group.objects.filter(kind=GroupKind.ONLINE_GROUP).exclude(platform="").exists()
    kinds = set(Relationship.objects.values_list("kind", flat=True))
    assert {"family", "peer", "adult_of_concern"} <= kinds
    details = set(Relationship.objects.filter(kind="family").values_list("detail", flat=True))
    assert {"mother", "father", "carer"} <= details
    # Mostly White British, as in Barnsley, with a minority mix.
    ethnicity = Counter(Person.objects.values_list("ethnicity", flat=True))
    assert 0.75 < ethnicity["WBRI"] / counts["people"] < 0.95
    assert len(ethnicity) >= 8
    # Children with more vulnerability factors are likelier to be flagged.
    rates = {}
    for k_low, k_high in ((0, 1), (3, 99)):
        group = known.annotate(k=Count("vulnerabilities", distinct=True)).filter(
            k__gte=k_low, k__lte=k_high
        )
        flagged = group.filter(flags__isnull=False).distinct().count()
        rates[k_low] = flagged / max(1, group.count())
    assert rates[3] > rates[0] + 0.2
