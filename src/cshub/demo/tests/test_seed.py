"""`cshub seed` and the generator behind it: the same seed and day give the same borough,
a database with people is refused (or skipped with --if-empty) and nothing half-made is left.

Each test seeds small boroughs of its own (--scale 0.1 or 0.2, 100-200 people) and rolls them
back. The checks of a default-scale borough (validity, wards, users, caseloads) are in
test_borough.py.
"""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import RequestFactory

from cshub.accounts.models import Agency, User
from cshub.demo import generator
from cshub.demo.generator import DEFAULT_PASSWORD, BoroughNotEmpty, content_hash, generate
from cshub.people.models import Person

TODAY = dt.date(2026, 11, 25)


class _Rollback(Exception):
    pass


def _seed_and_hash(**kwargs) -> str:
    """Seed a borough, hash it, and roll it back."""
    digest = ""
    try:
        with transaction.atomic():
            generate(**kwargs)
            digest = content_hash()
            raise _Rollback
    except _Rollback:
        pass
    assert not Person.objects.exists()
    return digest


# --- determinism ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_same_seed_and_today_give_the_same_content_and_another_seed_does_not():
    first = _seed_and_hash(scale=0.2, seed=5, today=TODAY)
    again = _seed_and_hash(scale=0.2, seed=5, today=TODAY)
    other_seed = _seed_and_hash(scale=0.2, seed=6, today=TODAY)
    other_day = _seed_and_hash(scale=0.2, seed=5, today=TODAY - dt.timedelta(days=1))
    assert first == again
    assert len({first, other_seed, other_day}) == 3


@pytest.mark.django_db
def test_the_fast_insert_writes_what_bulk_create_would(monkeypatch):
    fast = _seed_and_hash(scale=0.1, seed=8, today=TODAY)
    monkeypatch.setattr(
        generator,
        "bulk_insert",
        lambda model, objs: model.objects.bulk_create(objs, batch_size=generator.BATCH_SIZE),
    )
    assert _seed_and_hash(scale=0.1, seed=8, today=TODAY) == fast


# --- the command ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_seed_command_refuses_a_second_run_and_if_empty_skips():
    out = StringIO()
    call_command("seed", "--scale", "0.2", "--seed", "3", "--today", "2026-11-25", stdout=out)
    text = out.getvalue()
    assert "specialist cohort" in text and "cypf.worker" in text and DEFAULT_PASSWORD in text
    before = content_hash()
    people = Person.objects.count()

    with pytest.raises(CommandError, match="already holds"):
        call_command("seed", "--scale", "0.2", "--seed", "4", stdout=StringIO())
    assert content_hash() == before

    out = StringIO()
    call_command("seed", "--if-empty", "--scale", "0.2", "--seed", "4", stdout=out)
    assert "skipped" in out.getvalue()
    assert Person.objects.count() == people
    assert content_hash() == before


@pytest.mark.django_db
def test_generate_refuses_a_database_with_people_and_clashing_users():
    Person.objects.create(
        given_name="Existing", family_name="Person", date_of_birth_precision="unknown"
    )
    with pytest.raises(BoroughNotEmpty):
        generate(scale=0.2, seed=1, today=TODAY)
    Person.objects.all().delete()
    User.objects.create_user(username="cypf.worker", password="x")  # noqa: S106
    with pytest.raises(CommandError, match="already exist"):
        call_command("seed", "--scale", "0.2", stdout=StringIO())
    assert not Person.objects.exists()
    assert not Agency.objects.exists()


@pytest.mark.django_db
def test_password_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("CSHUB_DEMO_PASSWORD", "from-the-env-9")
    call_command("seed", "--scale", "0.2", stdout=StringIO())
    request = RequestFactory().post("/accounts/login/")
    assert authenticate(request, username="dpo", password="from-the-env-9") is not None


@pytest.mark.django_db
@pytest.mark.parametrize(
    "args",
    [("--scale", "0"), ("--scale", "lots"), ("--today", "2026-02-30"), ("--seed", "x")],
)
def test_bad_arguments_are_refused(args):
    with pytest.raises(CommandError):
        call_command("seed", *args, stdout=StringIO())
    assert not Person.objects.exists()
