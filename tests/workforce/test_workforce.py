"""Workforce: training records and HSB consultations. The services' rules (each bad input a
clear message and no change, duplicates refused), the helpers the KPIs will use, and who may
reach each page (managers for their own teams' staff, partnership-wide managers for everyone,
the HSB service for consultations); every request audited, refusals are 404."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from cshub.accounts.models import Agency
from cshub.audit.models import AuditEvent
from cshub.core.vocab import AgencyKind, Role, TeamFunction
from cshub.workforce import policy, selectors, services
from cshub.workforce.models import HsbConsultation, TrainingRecord
from tests import factories
from tests.security.conftest import signed_in

NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 11, 25)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _seq() -> int:
    return AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def _outcomes(since: int) -> list[str]:
    return list(
        AuditEvent.objects.filter(seq__gt=since).order_by("seq").values_list("outcome", flat=True)
    )


@pytest.fixture
def org(db):
    csc = factories.AgencyFactory(code="csc", kind=AgencyKind.CHILDRENS_SOCIAL_CARE)
    yjs = factories.AgencyFactory(code="yjs", kind=AgencyKind.YOUTH_JUSTICE)
    school = factories.AgencyFactory(code="education", kind=AgencyKind.EDUCATION)
    teams = {
        "cypf": factories.TeamFactory(agency=csc, code="cypf", function=TeamFunction.CYPF),
        "hsb": factories.TeamFactory(agency=csc, code="hsb", function=TeamFunction.HSB_SERVICE),
        "specialist": factories.TeamFactory(
            agency=csc, code="specialist", function=TeamFunction.SPECIALIST
        ),
        "yjs": factories.TeamFactory(agency=yjs, code="yjs", function=TeamFunction.YOUTH_JUSTICE),
        "hsb_north": factories.TeamFactory(
            agency=csc, code="hsb-north", function=TeamFunction.HSB_SERVICE
        ),
    }

    def member(username, team, role=Role.PRACTITIONER, **kwargs):
        return factories.MembershipFactory(
            user__username=username, team=teams[team], role=role, **kwargs
        ).user

    users = {
        "cypf_worker": member("cypf.worker", "cypf"),
        "cypf_manager": member("cypf.manager", "cypf", Role.MANAGER),
        "hsb_worker": member("hsb.worker", "hsb"),
        "hsb_manager": member("hsb.manager", "hsb", Role.MANAGER),
        "hsb_other": member("hsb.north", "hsb_north"),
        "specialist_manager": member("specialist.manager", "specialist", Role.MANAGER),
        "yjs_worker": member("yjs.worker", "yjs"),
        "former_cypf": member(
            "former.cypf", "cypf", started_on=dt.date(2023, 1, 1), ended_on=dt.date(2024, 1, 1)
        ),
    }
    child = factories.PersonFactory(given_name="Robin", family_name="Workforcechild")
    factories.AllocationFactory(case__person=child, team=teams["hsb"], worker=users["hsb_worker"])
    return {"teams": teams, "users": users, "child": child, "school": school, "csc": csc}


def _training(org, **overrides):
    values = {
        "actor": org["users"]["cypf_manager"],
        "user": org["users"]["cypf_worker"],
        "course": "hsb_direct_intervention",
        "completed_on": dt.date(2025, 6, 1),
        "expires_on": dt.date(2027, 6, 1),
        "provider": "Borough Safeguarding Partnership",
    }
    values.update(overrides)
    return services.training_record_add(**values)


def _consultation(org, **overrides):
    values = {
        "actor": org["users"]["hsb_worker"],
        "offered_on": dt.date(2026, 11, 2),
        "offered_by": org["users"]["hsb_worker"],
        "offered_to_agency": org["school"],
        "offered_to_name": "Head of Year 9",
        "status": "taken_up",
        "notes": "Advice on a safety plan in school.",
    }
    values.update(overrides)
    return services.hsb_consultation_record(**values)


# --- training ------------------------------------------------------------------------------------


def test_training_is_recorded_and_audited(org):
    record = _training(org)
    assert record.recorded_by == org["users"]["cypf_manager"]
    event = AuditEvent.objects.get(action="workforce.training.recorded")
    assert event.actor_username == "cypf.manager"
    assert event.details["user"] == "cypf.worker" and event.person_id is None


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"course": "knitting"}, "course", "Choose a course"),
        ({"completed_on": dt.date(2026, 11, 26)}, "completed_on", "in the future"),
        ({"completed_on": None}, "completed_on", "Enter the date"),
        ({"expires_on": dt.date(2025, 6, 1)}, "expires_on", "after the completion date"),
        ({"expires_on": dt.date(2025, 5, 1)}, "expires_on", "after the completion date"),
        ({"provider": "p" * 201}, "provider", "200 characters"),
    ],
)
def test_bad_training_is_refused_and_nothing_is_stored(org, change, field, message):
    since = _seq()
    with pytest.raises(ValidationError) as refused:
        _training(org, **change)
    assert message in " ".join(refused.value.message_dict[field])
    assert not TrainingRecord.objects.exists()
    assert _outcomes(since) == []


def test_the_same_course_on_the_same_day_is_refused(org):
    _training(org)
    with pytest.raises(ValidationError, match="already has HSB direct intervention recorded"):
        _training(org, expires_on=None)
    assert TrainingRecord.objects.count() == 1
    _training(org, course="aim3")  # another course that day is fine
    assert TrainingRecord.objects.count() == 2


def test_current_training_and_hsb_trained_staff(org):
    worker, hsb = org["users"]["cypf_worker"], org["users"]["hsb_worker"]
    _training(org, user=worker, expires_on=dt.date(2026, 11, 24))  # expired yesterday
    _training(org, user=worker, course="aim3", expires_on=None)
    _training(org, user=hsb, expires_on=dt.date(2026, 11, 25))  # last day today
    _training(org, user=hsb, course="aim3", completed_on=dt.date(2026, 11, 25), expires_on=None)
    current = TrainingRecord.objects.current_on(TODAY)
    assert set(current.values_list("user__username", "course")) == {
        ("cypf.worker", "aim3"),
        ("hsb.worker", "hsb_direct_intervention"),
        ("hsb.worker", "aim3"),
    }
    assert list(selectors.hsb_trained_staff(on=TODAY)) == [hsb]
    # Yesterday the worker's HSB training still held, and the HSB worker's AIM3 was not done.
    assert list(selectors.hsb_trained_staff(on=dt.date(2026, 11, 24))) == [worker]
    assert TrainingRecord.objects.expired_on(TODAY).count() == 1
    record = TrainingRecord.objects.get(user=worker, course="hsb_direct_intervention")
    assert record.is_current_on(dt.date(2026, 11, 24)) and not record.is_current_on(TODAY)


# --- consultations -------------------------------------------------------------------------------


def test_a_consultation_is_recorded_and_audited(org):
    c = _consultation(org, person=org["child"])
    assert c.status == "taken_up" and c.recorded_by == org["users"]["hsb_worker"]
    event = AuditEvent.objects.get(action="workforce.consultation.recorded")
    assert event.person_id == org["child"].pk and event.details["agency"] == "education"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"offered_on": dt.date(2026, 11, 26)}, "offered_on", "in the future"),
        ({"offered_on": None}, "offered_on", "Enter the date"),
        ({"offered_by": "cypf_worker"}, "offered_by", "offered by the HSB service"),
        ({"offered_by": None}, "offered_by", "offered by the HSB service"),
        ({"offered_to_agency": None}, "offered_to_agency", "Choose the agency"),
        ({"offered_to_name": "  "}, "offered_to_name", "Say who was offered it"),
        ({"status": "maybe"}, "status", "taken up"),
    ],
)
def test_bad_consultations_are_refused_and_nothing_is_stored(org, change, field, message):
    if change.get("offered_by"):
        change = {"offered_by": org["users"][change["offered_by"]]}
    with pytest.raises(ValidationError) as refused:
        _consultation(org, **change)
    assert message in " ".join(refused.value.message_dict[field])
    assert not HsbConsultation.objects.exists()


def test_a_consultation_before_the_child_was_born_or_recorded_twice_is_refused(org):
    with pytest.raises(ValidationError, match="before the child was born"):
        _consultation(org, person=org["child"], offered_on=dt.date(2010, 1, 1))
    _consultation(org)
    with pytest.raises(ValidationError, match="already recorded"):
        _consultation(org, offered_to_name="head of year 9 ")
    assert HsbConsultation.objects.count() == 1
    _consultation(org, offered_on=dt.date(2026, 11, 3))
    start, end = dt.date(2026, 11, 1), dt.date(2026, 11, 2)
    assert selectors.consultations_offered(start, end).count() == 1
    assert selectors.consultations_offered(start, TODAY).count() == 2


# --- who may do what -----------------------------------------------------------------------------


def test_scopes(org):
    u = org["users"]
    assert set(policy.staff_in_scope(u["cypf_manager"])) == {u["cypf_worker"], u["cypf_manager"]}
    assert set(policy.staff_in_scope(u["specialist_manager"])) == {
        v for k, v in u.items() if k != "former_cypf"
    }
    assert not policy.staff_in_scope(u["cypf_worker"]).exists()
    assert set(policy.hsb_staff()) == {u["hsb_worker"], u["hsb_manager"], u["hsb_other"]}


PAGES = ("home", "training", "training_new", "consultations", "consultation_new")
ACCESS = {  # role -> pages reached
    "cypf_worker": set(),
    "yjs_worker": set(),
    "former_cypf": set(),
    "cypf_manager": {"home", "training", "training_new"},
    "hsb_worker": {"home", "consultations", "consultation_new"},
    "hsb_manager": set(PAGES),
    "hsb_other": {"home", "consultations", "consultation_new"},
    "specialist_manager": {"home", "training", "training_new", "consultations"},
}


@pytest.mark.parametrize("role", sorted(ACCESS))
def test_pages_by_role_are_audited(org, role):
    client = signed_in(org["users"][role])
    for name in PAGES:
        allowed = name in ACCESS[role]
        since = _seq()
        response = client.get(reverse(f"workforce:{name}"))
        assert response.status_code == (200 if allowed else 404), (role, name)
        assert _outcomes(since) == ["allowed" if allowed else "denied"], (role, name)
    home = client.get(reverse("core:home")).content.decode()
    assert ('href="/workforce/"' in home) == bool(ACCESS[role]), role


@pytest.mark.parametrize("role", ["cypf_worker", "yjs_worker", "former_cypf", "hsb_worker"])
def test_refused_posts_change_nothing_and_are_audited(org, role):
    client = signed_in(org["users"][role])
    data = {
        "user": str(org["users"]["cypf_worker"].pk),
        "course": "aim3",
        "completed_on_0": "1",
        "completed_on_1": "6",
        "completed_on_2": "2025",
    }
    since = _seq()
    assert client.post(reverse("workforce:training_new"), data).status_code == 404
    assert _outcomes(since) == ["denied"]
    assert not TrainingRecord.objects.exists()
    if role != "hsb_worker":
        since = _seq()
        data = {
            "offered_on_0": "2",
            "offered_on_1": "11",
            "offered_on_2": "2026",
            "offered_by": str(org["users"]["hsb_worker"].pk),
            "offered_to_agency": str(org["school"].pk),
            "offered_to_name": "DSL",
            "status": "offered",
        }
        assert client.post(reverse("workforce:consultation_new"), data).status_code == 404
        assert _outcomes(since) == ["denied"]
        assert not HsbConsultation.objects.exists()


def test_a_manager_sees_and_records_training_for_their_own_staff_only(org):
    u = org["users"]
    _training(org, user=u["yjs_worker"], actor=u["specialist_manager"], provider="YJS trainer")
    _training(org, user=u["cypf_worker"], expires_on=dt.date(2026, 1, 1), provider="CYPF trainer")
    client = signed_in(u["cypf_manager"])
    html = client.get(reverse("workforce:training")).content.decode()
    assert "CYPF trainer" in html and "Expired" in html
    assert "YJS trainer" not in html
    url = reverse("workforce:training_new")
    data = {
        "course": "aim3",
        "completed_on_0": "1",
        "completed_on_1": "6",
        "completed_on_2": "2025",
        "expires_on_0": "1",
        "expires_on_1": "6",
        "expires_on_2": "2027",
    }
    since = _seq()
    outside = client.post(url, {**data, "user": str(u["yjs_worker"].pk)})
    assert outside.status_code == 400
    assert _outcomes(since) == ["failed"]
    assert TrainingRecord.objects.filter(course="aim3").count() == 0
    bad = client.post(url, {**data, "user": str(u["cypf_worker"].pk), "expires_on_2": "2024"})
    assert bad.status_code == 400 and "after the completion date" in bad.content.decode()
    ok = client.post(url, {**data, "user": str(u["cypf_worker"].pk)})
    assert ok.status_code == 302
    assert TrainingRecord.objects.filter(course="aim3", user=u["cypf_worker"]).count() == 1
    again = client.post(url, {**data, "user": str(u["cypf_worker"].pk)})
    assert again.status_code == 400 and "already has AIM3 recorded" in again.content.decode()
    specialist = signed_in(u["specialist_manager"]).get(reverse("workforce:training"))
    assert "YJS trainer" in specialist.content.decode()


def test_consultations_about_a_child_need_sight_of_the_child(org):
    u, child = org["users"], org["child"]
    url = reverse("workforce:consultation_new") + f"?person={child.id}"
    data = {
        "offered_on_0": "2",
        "offered_on_1": "11",
        "offered_on_2": "2026",
        "offered_by": str(u["hsb_worker"].pk),
        "offered_to_agency": str(org["school"].pk),
        "offered_to_name": "Designated safeguarding lead",
        "status": "offered",
    }
    manager = signed_in(u["hsb_other"])  # the HSB service, but not allocated to the child
    since = _seq()
    assert manager.get(url).status_code == 404
    assert manager.post(url, data).status_code == 404
    assert _outcomes(since) == ["denied", "denied"]
    assert not HsbConsultation.objects.exists()
    worker = signed_in(u["hsb_worker"])  # allocated: may see the child
    since = _seq()
    assert worker.get(url).status_code == 200
    response = worker.post(url, data)
    assert response.status_code == 302 and response["Location"].endswith("#hsb-consultations")
    assert HsbConsultation.objects.get().person == child
    assert _outcomes(since) == ["allowed", "allowed"]
    profile = worker.get(reverse("people:detail", args=[child.id])).content.decode()
    assert "Designated safeguarding lead" in profile and 'id="hsb-consultations"' in profile
    listed = worker.get(reverse("workforce:consultations")).content.decode()
    assert child.full_name in listed
    hidden = manager.get(reverse("workforce:consultations")).content.decode()
    assert child.full_name not in hidden and "cannot see" in hidden


def test_a_consultation_form_with_bad_input_answers_400_and_saves_nothing(org):
    client = signed_in(org["users"]["hsb_manager"])
    url = reverse("workforce:consultation_new")
    data = {
        "offered_on_0": "2",
        "offered_on_1": "11",
        "offered_on_2": "2026",
        "offered_by": str(org["users"]["hsb_worker"].pk),
        "offered_to_agency": str(org["school"].pk),
        "offered_to_name": "",
        "status": "offered",
    }
    since = _seq()
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Say who was offered it" in response.content.decode()
    assert _outcomes(since) == ["failed"]
    outsider = {**data, "offered_to_name": "DSL", "offered_by": str(org["users"]["yjs_worker"].pk)}
    assert client.post(url, outsider).status_code == 400
    assert not HsbConsultation.objects.exists()
    assert client.post(url, {**data, "offered_to_name": "DSL"}).status_code == 302
    assert Agency.objects.get(code="education").hsb_consultations.count() == 1
