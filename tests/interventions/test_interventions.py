"""ETE statuses and interventions: the services' rules (each bad input a clear message and no
change, a second identical post refused), the read helpers the KPIs will use, and the pages in
the need-to-know matrix (every request audited, refusals are 404)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from cshub.accounts.models import Agency
from cshub.audit.models import AuditEvent
from cshub.core.vocab import Role
from cshub.interventions import selectors, services
from cshub.interventions.choices import ETE_KINDS, EXPLOITATION_HARMS, NEET, EteStatusKind
from cshub.interventions.models import EteStatus, Intervention, InterventionHarm
from tests import factories
from tests.security.conftest import borough, clients, signed_in  # noqa: F401
from tests.security.test_need_to_know import ALLOWED, REFUSED

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


def _ete(borough, **overrides):  # noqa: F811
    values = {
        "actor": borough["users"]["cypf_worker"],
        "person": borough["child"],
        "status": EteStatusKind.NEET,
        "from_date": dt.date(2026, 9, 1),
        "source": Agency.objects.get(code="education"),
        "source_note": "Attendance team",
    }
    values.update(overrides)
    return services.ete_status_record(**values)


def _start(borough, **overrides):  # noqa: F811
    values = {
        "actor": borough["users"]["cypf_worker"],
        "person": borough["child"],
        "kind": "mentoring",
        "started_on": dt.date(2026, 10, 1),
        "harm_types": ["cce"],
        "case": borough["case"],
        "provider": None,
        "provider_name": "Northfield Youth Mentoring Project",
    }
    values.update(overrides)
    return services.intervention_start(**values)


# --- vocabularies --------------------------------------------------------------------------------


def test_ete_and_neet_partition_the_statuses_but_not_known():
    assert NEET not in ETE_KINDS
    assert set(EteStatusKind) == set(ETE_KINDS) | {NEET, EteStatusKind.NOT_KNOWN}
    assert {"cce", "cse"} == set(EXPLOITATION_HARMS)


# --- ETE statuses --------------------------------------------------------------------------------


def test_an_ete_status_is_recorded_and_audited(borough):  # noqa: F811
    row = _ete(borough)
    assert row.is_neet and not row.is_ete
    assert row.recorded_by == borough["users"]["cypf_worker"]
    event = AuditEvent.objects.get(action="interventions.ete_status.recorded")
    assert event.person_id == borough["child"].pk
    assert event.actor_username == "cypf.worker"
    assert event.details["status"] == "neet"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"status": "on_holiday"}, "status", "Choose an education"),
        ({"from_date": dt.date(2026, 11, 26)}, "from_date", "in the future"),
        ({"from_date": dt.date(2011, 5, 16)}, "from_date", "before the young person was born"),
        ({"from_date": None}, "from_date", "Enter the date"),
        ({"source_note": "x" * 201}, "source_note", "200 characters"),
    ],
)
def test_bad_ete_statuses_are_refused_and_nothing_is_stored(borough, change, field, message):  # noqa: F811
    since = _seq()
    with pytest.raises(ValidationError) as refused:
        _ete(borough, **change)
    assert message in " ".join(refused.value.message_dict[field])
    assert not EteStatus.objects.exists()
    assert _outcomes(since) == []


def test_a_status_already_holding_or_a_second_on_the_same_day_is_refused(borough):  # noqa: F811
    _ete(borough)  # NEET from 1 September
    with pytest.raises(ValidationError, match="already recorded as"):
        _ete(borough, from_date=dt.date(2026, 10, 1))  # still NEET then: not a change
    with pytest.raises(ValidationError, match="already recorded from 1 September 2026"):
        _ete(borough, status=EteStatusKind.IN_COLLEGE)  # same day, another status
    with pytest.raises(ValidationError, match="already recorded from"):
        _ete(borough)  # the identical post again
    assert EteStatus.objects.count() == 1
    _ete(borough, status=EteStatusKind.IN_COLLEGE, from_date=dt.date(2026, 11, 2))
    # Back-filling history: in school before the NEET spell is a change; NEET then is not.
    _ete(borough, status=EteStatusKind.IN_SCHOOL, from_date=dt.date(2025, 9, 1))
    with pytest.raises(ValidationError, match="already recorded as"):
        _ete(borough, status=EteStatusKind.IN_COLLEGE, from_date=dt.date(2026, 11, 20))
    assert EteStatus.objects.count() == 3


def test_history_helpers(borough):  # noqa: F811
    child = borough["child"]
    _ete(borough, status=EteStatusKind.IN_SCHOOL, from_date=dt.date(2025, 9, 1))
    _ete(borough, status=EteStatusKind.NEET, from_date=dt.date(2026, 3, 1))
    _ete(borough, status=EteStatusKind.APPRENTICESHIP, from_date=dt.date(2026, 10, 5))
    other = factories.PersonFactory()
    _ete(borough, person=other, status=EteStatusKind.NEET, from_date=dt.date(2026, 1, 1))

    history = selectors.ete_history(person=child)
    assert [r.status for r in history] == ["apprenticeship", "neet", "in_school"]
    assert [r.until for r in history] == [None, dt.date(2026, 10, 5), dt.date(2026, 3, 1)]
    assert selectors.ete_status_on(person=child, day=dt.date(2026, 3, 1)).status == "neet"
    assert selectors.ete_status_on(person=child, day=dt.date(2025, 8, 31)) is None
    on_day = EteStatus.objects.holding_on(dt.date(2026, 6, 1))
    assert sorted(on_day.values_list("status", flat=True)) == ["neet", "neet"]
    moves = EteStatus.objects.with_previous().ete().filter(previous_status=NEET)
    assert list(moves.values_list("person", "status")) == [(child.pk, "apprenticeship")]
    assert EteStatus.objects.neet().count() == 2 and EteStatus.objects.ete().count() == 2


# --- interventions -------------------------------------------------------------------------------


def test_an_intervention_starts_with_its_harms_and_is_audited(borough):  # noqa: F811
    intervention = _start(borough, harm_types=["cse", "cce", "cce"])
    assert intervention.outcome == "ongoing" and intervention.is_ongoing
    assert sorted(intervention.harms.values_list("harm_type", flat=True)) == ["cce", "cse"]
    assert intervention in borough["case"].interventions.all()
    event = AuditEvent.objects.get(action="interventions.intervention.started")
    assert event.person_id == borough["child"].pk
    assert event.details["harm_types"] == ["cce", "cse"]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"kind": "astrology"}, "kind", "Choose a kind"),
        ({"started_on": dt.date(2026, 11, 26)}, "started_on", "in the future"),
        ({"started_on": dt.date(2010, 1, 1)}, "started_on", "before the young person was born"),
        ({"harm_types": []}, "harm_types", "at least one harm"),
        ({"harm_types": ["cce", "gossip"]}, "harm_types", "Unknown harm type: gossip"),
        ({"provider_name": "  "}, "provider", "Say who provides it"),
        ({"provider_name": "y" * 201}, "provider_name", "200 characters"),
    ],
)
def test_bad_interventions_are_refused_and_nothing_is_stored(borough, change, field, message):  # noqa: F811
    with pytest.raises(ValidationError) as refused:
        _start(borough, **change)
    assert message in " ".join(refused.value.message_dict[field])
    assert not Intervention.objects.exists() and not InterventionHarm.objects.exists()


def test_another_childs_case_and_a_second_identical_start_are_refused(borough):  # noqa: F811
    with pytest.raises(ValidationError, match="not this young person's"):
        _start(borough, case=factories.CaseFactory())
    assert not Intervention.objects.exists()
    _start(borough, provider=Agency.objects.get(code="csc"), provider_name="")
    with pytest.raises(ValidationError, match="already recorded"):
        _start(borough)
    assert Intervention.objects.count() == 1 and InterventionHarm.objects.count() == 1


def test_an_intervention_ends_once(borough):  # noqa: F811
    intervention = _start(borough)
    actor = borough["users"]["cypf_colleague"]
    for bad, field in (
        ({"ended_on": dt.date(2026, 9, 30), "outcome": "completed"}, "ended_on"),
        ({"ended_on": dt.date(2026, 11, 26), "outcome": "completed"}, "ended_on"),
        ({"ended_on": dt.date(2026, 11, 1), "outcome": "ongoing"}, "outcome"),
        ({"ended_on": None, "outcome": "completed"}, "ended_on"),
    ):
        with pytest.raises(ValidationError) as refused:
            services.intervention_end(actor=actor, intervention=intervention, **bad)
        assert field in refused.value.message_dict
    assert Intervention.objects.get().is_ongoing
    services.intervention_end(
        actor=actor,
        intervention=intervention,
        ended_on=dt.date(2026, 11, 20),
        outcome="completed",
        note=" Goals met. ",
    )
    ended = Intervention.objects.get()
    assert (ended.ended_on, ended.outcome, ended.outcome_note, ended.ended_by) == (
        dt.date(2026, 11, 20),
        "completed",
        "Goals met.",
        actor,
    )
    assert AuditEvent.objects.filter(action="interventions.intervention.ended").count() == 1
    with pytest.raises(ValidationError, match="already ended on 20 November 2026"):
        services.intervention_end(
            actor=actor, intervention=intervention, ended_on=TODAY, outcome="disengaged"
        )
    assert Intervention.objects.get().outcome == "completed"


def test_exploitation_interventions_and_activity_in_a_period(borough):  # noqa: F811
    cce = _start(borough, kind="mentoring", harm_types=["cce", "missing"])
    both = _start(borough, kind="therapy", harm_types=["cce", "cse"])
    hsb = _start(borough, kind="direct_work", harm_types=["hsb"])
    assert set(selectors.exploitation_interventions()) == {cce, both}
    assert selectors.exploitation_interventions().count() == 2  # each once
    assert set(Intervention.objects.addressing(["hsb"])) == {hsb}
    services.intervention_end(
        actor=None, intervention=cce, ended_on=dt.date(2026, 10, 10), outcome="completed"
    )
    active = Intervention.objects.active_between(dt.date(2026, 10, 11), dt.date(2026, 10, 31))
    assert set(active) == {both, hsb}


# --- pages ---------------------------------------------------------------------------------------


def _pages(borough, intervention):  # noqa: F811
    child = borough["child"]
    return {
        "ete_new": reverse("interventions:ete_new", args=[child.id]),
        "intervention_new": reverse("interventions:intervention_new", args=[child.id]),
        "intervention_end": reverse("interventions:intervention_end", args=[intervention.id]),
    }


@pytest.mark.parametrize("role", sorted(ALLOWED | REFUSED))
def test_pages_need_a_relationship_and_are_audited(borough, clients, role):  # noqa: F811
    intervention = _start(borough)
    allowed = role in ALLOWED
    for name, url in _pages(borough, intervention).items():
        since = _seq()
        response = clients[role].get(url)
        assert response.status_code == (200 if allowed else 404), (role, name)
        assert _outcomes(since) == ["allowed" if allowed else "denied"], (role, name)
        if not allowed:
            assert borough["child"].family_name not in response.content.decode()
    if not allowed:
        posts = {
            "ete_new": {"status": "neet", "from_date_0": "1", "from_date_1": "9",
                        "from_date_2": "2026"},
            "intervention_new": {"kind": "therapy", "harm_types": ["cce"],
                                 "started_on_0": "1", "started_on_1": "10",
                                 "started_on_2": "2026", "provider_name": "X"},
            "intervention_end": {"ended_on_0": "1", "ended_on_1": "11", "ended_on_2": "2026",
                                 "outcome": "completed"},
        }  # fmt: skip
        for name, url in _pages(borough, intervention).items():
            since = _seq()
            assert clients[role].post(url, posts[name]).status_code == 404, (role, name)
            assert _outcomes(since) == ["denied"], (role, name)
        assert not EteStatus.objects.exists()
        assert Intervention.objects.count() == 1 and Intervention.objects.get().is_ongoing


def test_unknown_intervention_is_404_and_audited(clients):  # noqa: F811
    since = _seq()
    url = reverse("interventions:intervention_end", args=[uuid.uuid4()])
    assert clients["cypf_worker"].get(url).status_code == 404
    assert _outcomes(since) == ["denied"]


@pytest.fixture
def cypf_analyst(borough):  # noqa: F811
    """Sees the child (their team is allocated) but holds no recording role."""
    return factories.MembershipFactory(
        user__username="cypf.analyst", team=borough["teams"]["cypf"], role=Role.ANALYST
    ).user


def test_the_profile_section_shows_only_with_a_relationship(borough, clients, cypf_analyst):  # noqa: F811
    _ete(borough, status=EteStatusKind.IN_SCHOOL, from_date=dt.date(2025, 9, 1))
    _ete(borough, status=EteStatusKind.NEET, from_date=dt.date(2026, 3, 1))
    _start(borough, provider_name="Riverside Mentoring Scheme")
    url = reverse("people:detail", args=[borough["child"].id])
    for role in sorted(ALLOWED):
        html = clients[role].get(url).content.decode()
        assert 'id="interventions"' in html, role
        assert "Riverside Mentoring Scheme" in html and "In school" in html, role
        assert reverse("interventions:ete_new", args=[borough["child"].id]) in html, role
    for role in sorted(REFUSED):
        response = clients[role].get(url)
        assert response.status_code == 404, role
        assert "Riverside Mentoring Scheme" not in response.content.decode(), role
    analyst = signed_in(cypf_analyst)
    html = analyst.get(url).content.decode()
    assert "Riverside Mentoring Scheme" in html  # may see the section...
    assert reverse("interventions:ete_new", args=[borough["child"].id]) not in html
    since = _seq()
    ete_url = reverse("interventions:ete_new", args=[borough["child"].id])
    assert analyst.get(ete_url).status_code == 404  # ...but not record
    assert _outcomes(since) == ["denied"]


def _date(prefix: str, day: dt.date) -> dict:
    return {
        f"{prefix}_0": str(day.day),
        f"{prefix}_1": str(day.month),
        f"{prefix}_2": str(day.year),
    }


def test_a_worker_records_a_status_and_a_second_identical_post_is_refused(borough, clients):  # noqa: F811
    client = clients["cypf_worker"]
    url = reverse("interventions:ete_new", args=[borough["child"].id])
    data = {"status": "neet", **_date("from_date", dt.date(2026, 9, 1)), "source_note": "YJS"}
    response = client.post(url, data)
    assert response.status_code == 302
    assert response["Location"].endswith("#interventions")
    assert EteStatus.objects.get().source_note == "YJS"
    since = _seq()
    again = client.post(url, data)
    assert again.status_code == 400
    assert "already recorded from 1 September 2026" in again.content.decode()
    assert EteStatus.objects.count() == 1
    assert _outcomes(since) == ["failed"]


def test_a_worker_starts_and_ends_an_intervention(borough, clients):  # noqa: F811
    client = clients["cypf_worker"]
    url = reverse("interventions:intervention_new", args=[borough["child"].id])
    data = {
        "kind": "camhs",
        "harm_types": ["cse"],
        **_date("started_on", dt.date(2026, 10, 1)),
        "case": str(borough["case"].pk),
        "provider": str(Agency.objects.get(code="csc").pk),
    }
    since = _seq()
    bad = client.post(url, {**data, "harm_types": []})
    assert bad.status_code == 400 and "Choose at least one harm" in bad.content.decode()
    assert _outcomes(since) == ["failed"] and not Intervention.objects.exists()
    smuggled = client.post(url, {**data, "recorded_by": "1"})
    assert smuggled.status_code == 400 and not Intervention.objects.exists()
    assert client.post(url, data).status_code == 302
    intervention = Intervention.objects.get()
    assert intervention.case == borough["case"] and intervention.kind == "camhs"
    end_url = reverse("interventions:intervention_end", args=[intervention.id])
    ended = {**_date("ended_on", dt.date(2026, 11, 20)), "outcome": "disengaged"}
    assert client.post(end_url, ended).status_code == 302
    since = _seq()
    again = client.post(end_url, ended)
    assert again.status_code == 400 and "already ended" in again.content.decode()
    assert _outcomes(since) == ["failed"]
    assert Intervention.objects.get().outcome == "disengaged"
    page = client.get(end_url).content.decode()
    assert "This intervention ended on 20 Nov 2026" in page


def test_a_case_of_another_child_cannot_be_chosen(borough, clients):  # noqa: F811
    other = factories.CaseFactory()
    url = reverse("interventions:intervention_new", args=[borough["child"].id])
    data = {
        "kind": "camhs",
        "harm_types": ["cse"],
        **_date("started_on", dt.date(2026, 10, 1)),
        "case": str(other.pk),
        "provider_name": "CAMHS",
    }
    assert clients["cypf_worker"].post(url, data).status_code == 400
    assert not Intervention.objects.exists()
