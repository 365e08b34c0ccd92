"""The missing pathway in the need-to-know matrix: role x relationship x page. A refusal is a 404
that looks like a missing record; every request, allowed or refused, writes an audit row; a
refused or bad POST changes nothing."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from cshub.audit.models import AuditEvent
from cshub.core.vocab import Role
from cshub.missing import services
from cshub.missing.models import Episode, ReturnInterview, StrategyMeetingPrompt
from tests import factories

from .test_need_to_know import ALLOWED, REFUSED

ROLES = sorted(ALLOWED | REFUSED)
# Children's services practitioners and managers who may see the child (the RHI is theirs).
INTERVIEWERS = {"cypf_worker", "cypf_colleague", "cypf_manager", "specialist_manager"}


def _last_seq() -> int:
    return AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def _events(since: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(seq__gt=since).order_by("seq"))


@pytest.fixture
def police(borough):
    from cshub.accounts.models import Agency

    return Agency.objects.get(code="police")


def _report(police, child, reference="MP/1", *, days_ago=2, given="Casey", family="Matrixchild"):
    return services.report_missing(
        agency=police,
        report=services.Report(
            police_reference=reference,
            reported_at=timezone.now() - dt.timedelta(days=days_ago),
            given_name=given,
            family_name=family,
            missing_from="home",
            police_risk="high",
            person=child,
        ),
        source="web",
    )[0]


@pytest.fixture
def episode(borough, police):
    episode = _report(police, borough["child"])
    services.record_return(episode=episode, returned_at=timezone.now() - dt.timedelta(days=1))
    return Episode.objects.get(pk=episode.pk)


def _pages(episode) -> dict[str, str]:
    return {
        "episode": reverse("missing:episode", args=[episode.id]),
        "return": reverse("missing:return", args=[episode.id]),
        "rhi_offer": reverse("missing:rhi_offer", args=[episode.id]),
        "rhi_not_offered": reverse("missing:rhi_not_offered", args=[episode.id]),
        "rhi_interview": reverse("missing:rhi_interview", args=[episode.id]),
        "episode_new": reverse("missing:episode_new", args=[episode.person_id]),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_episode_pages_need_a_relationship_and_every_request_is_audited(
    borough, clients, episode, role
):
    for name, url in _pages(episode).items():
        since = _last_seq()
        response = clients[role].get(url)
        events = _events(since)
        allowed = role in ALLOWED and (name == "episode" or role in INTERVIEWERS)
        assert response.status_code == (200 if allowed else 404), (role, name)
        assert len(events) == 1, (role, name, [e.action for e in events])
        assert events[0].outcome == ("allowed" if allowed else "denied"), (role, name)
        assert events[0].person_id in (borough["child"].pk, None)
        if allowed:
            assert events[0].relationship, (role, name)


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(REFUSED))
def test_refused_posts_change_nothing(borough, clients, episode, role):
    client = clients[role]
    before = ReturnInterview.objects.count(), Episode.objects.count()
    posts = {
        "rhi_offer": {
            "offered_at_date_0": "24",
            "offered_at_date_1": "11",
            "offered_at_date_2": "2026",
            "offered_at_time": "10:00",
            "response": "accepted",
        },
        "rhi_not_offered": {"reason": "other", "detail": "No"},
        "episode_new": {"police_reference": "MP/evil"},
    }
    for name, data in posts.items():
        since = _last_seq()
        assert client.post(_pages(episode)[name], data).status_code == 404, name
        assert [e.outcome for e in _events(since)] == ["denied"], name
    since = _last_seq()
    assert client.post(reverse("missing:rhi_share", args=[episode.id])).status_code == 404
    assert [e.outcome for e in _events(since)] == ["denied"]
    assert (ReturnInterview.objects.count(), Episode.objects.count()) == before


@pytest.mark.django_db
def test_unknown_and_malformed_episode_ids_are_404_and_audited(clients):
    for url in (
        reverse("missing:episode", args=[uuid.uuid4()]),
        "/missing/episodes/not-a-uuid/",
    ):
        since = _last_seq()
        response = clients["cypf_worker"].get(url)
        assert response.status_code == 404
        if "not-a-uuid" not in url:  # the URL converter refuses it before any view runs
            assert [e.outcome for e in _events(since)] == ["denied"]


@pytest.mark.django_db
def test_queue_lists_only_children_the_user_may_see(borough, clients, episode):
    name = borough["child"].full_name
    for role in ROLES:
        response = clients[role].get(reverse("missing:queue"))
        assert response.status_code == 200, role
        assert (name in response.content.decode()) == (role in ALLOWED), role


@pytest.mark.django_db
def test_unmatched_reports_are_for_the_coordinator_and_front_door_only(borough, clients, police):
    unmatched = _report(police, None, "MP/U1", given="Nobody", family="Zzyzx")
    assert unmatched.person is None
    for role in ROLES:
        since = _last_seq()
        listing = clients[role].get(reverse("missing:unmatched"))
        page = clients[role].get(reverse("missing:resolve", args=[unmatched.id]))
        may = role in {"ifd_worker", "specialist_manager"}
        assert listing.status_code == page.status_code == (200 if may else 404), role
        assert [e.outcome for e in _events(since)] == (
            ["allowed", "allowed"] if may else ["denied", "denied"]
        ), role


@pytest.mark.django_db
def test_resolving_a_report_links_it_and_a_second_post_changes_nothing(borough, clients, police):
    unmatched = _report(police, None, "MP/U2", given="Casey", family="Matrixchld")
    url = reverse("missing:resolve", args=[unmatched.id])
    client = clients["ifd_worker"]
    page = client.get(url)
    assert str(borough["child"].pk) in page.content.decode()  # offered as a candidate
    assert client.post(url, {"choice": str(uuid.uuid4())}).status_code == 400  # not offered
    assert Episode.objects.get(pk=unmatched.pk).person is None
    response = client.post(url, {"choice": str(borough["child"].pk)})
    assert response.status_code == 302
    assert Episode.objects.get(pk=unmatched.pk).person == borough["child"]
    assert client.post(url, {"choice": "new"}).status_code == 404  # no longer unmatched
    assert Episode.objects.get(pk=unmatched.pk).person == borough["child"]


@pytest.mark.django_db
def test_the_missing_coordinator_sees_a_child_only_while_there_is_missing_work(borough, police):
    from cshub.access.policy import grants_for

    coordinator = factories.MembershipFactory(
        user__username="specialist.coordinator",
        team=borough["teams"]["specialist"],
        role=Role.PRACTITIONER,
    ).user
    child = borough["child"]
    assert not grants_for(coordinator, child.pk)
    episode = _report(police, child, "MP/C1", days_ago=60)
    assert "missing_coordination" in [g.key for g in grants_for(coordinator, child.pk)]
    services.record_return(episode=episode, returned_at=timezone.now() - dt.timedelta(days=45))
    assert grants_for(coordinator, child.pk)  # the interview is still outstanding
    worker = borough["users"]["cypf_worker"]
    services.rhi_not_offered(episode=episode, reason="custody", detail="In custody", actor=worker)
    services.rhi_share(episode=episode, actor=worker)
    assert not grants_for(coordinator, child.pk)  # done, and returned over 30 days ago


@pytest.mark.django_db
def test_a_worker_records_a_return_an_offer_an_interview_and_shares_it(borough, clients, episode):
    client = clients["cypf_worker"]
    offered = timezone.localtime(episode.returned_at + dt.timedelta(hours=2))
    held = offered + dt.timedelta(hours=3)

    def moment(name, when):
        return {
            f"{name}_date_0": str(when.day),
            f"{name}_date_1": str(when.month),
            f"{name}_date_2": str(when.year),
            f"{name}_time": f"{when:%H:%M}",
        }

    # An offer before the return: refused with a message, nothing stored, audited "failed".
    early = timezone.localtime(episode.returned_at - dt.timedelta(hours=2))
    since = _last_seq()
    response = client.post(
        reverse("missing:rhi_offer", args=[episode.id]),
        {**moment("offered_at", early), "response": "accepted"},
    )
    assert response.status_code == 400
    assert "offered after the child returns" in response.content.decode()
    assert not ReturnInterview.objects.exists()
    assert [e.outcome for e in _events(since)] == ["failed"]
    # A field the form does not have: refused whole.
    response = client.post(
        reverse("missing:rhi_offer", args=[episode.id]),
        {**moment("offered_at", offered), "response": "accepted", "shared_with_police_at": "x"},
    )
    assert response.status_code == 400 and not ReturnInterview.objects.exists()

    response = client.post(
        reverse("missing:rhi_offer", args=[episode.id]),
        {**moment("offered_at", offered), "response": "accepted"},
    )
    assert response.status_code == 302
    interview = {
        **moment("held_at", held),
        "held_where": "School",
        "interviewer_independent": "yes",
        "where_went": "Town centre",
        "push_factors": ["conflict_home"],
        "pull_factors": ["friends", "adults_gifts"],
        "harm_disclosed": "none",
        "substances": ["alcohol"],
        "child_views": "I was bored",
        "actions": "Youth club referral",
        "sign_cce": "Carrying cash",
    }
    response = client.post(reverse("missing:rhi_interview", args=[episode.id]), interview)
    assert response.status_code == 302, response.content.decode()[:2000]
    rhi = ReturnInterview.objects.get()
    assert rhi.held_at and [s.harm_type for s in rhi.signs.all()] == ["cce"]
    assert rhi.pull_factors == ["friends", "adults_gifts"]
    # Unknown codes in a multiple choice: refused, nothing changed.
    bad = {**interview, "substances": ["glue-sniffing"]}
    assert client.post(reverse("missing:rhi_interview", args=[episode.id]), bad).status_code == 400
    assert ReturnInterview.objects.get().substances == ["alcohol"]

    share = reverse("missing:rhi_share", args=[episode.id])
    assert client.post(share).status_code == 302
    shared_at = ReturnInterview.objects.get().shared_with_police_at
    assert shared_at is not None
    # Posted twice: the second is refused with a message and changes nothing.
    since = _last_seq()
    response = client.post(share, follow=True)
    assert "already been shared" in response.content.decode()
    assert ReturnInterview.objects.get().shared_with_police_at == shared_at
    assert "failed" in [e.outcome for e in _events(since)]


@pytest.mark.django_db
def test_recording_an_episode_twice_with_one_reference_is_refused(borough, clients):
    client = clients["cypf_worker"]
    now = timezone.localtime() - dt.timedelta(hours=3)
    from cshub.accounts.models import Agency

    data = {
        "reporting_agency": str(Agency.objects.get(code="police").pk),
        "police_reference": "MP/WEB/1",
        "reported_at_date_0": str(now.day),
        "reported_at_date_1": str(now.month),
        "reported_at_date_2": str(now.year),
        "reported_at_time": f"{now:%H:%M}",
        "episode_type": "M",
        "missing_from": "home",
        "police_risk": "low",
    }
    url = reverse("missing:episode_new", args=[borough["child"].id])
    assert client.post(url, data).status_code == 302
    response = client.post(url, data)
    assert response.status_code == 400
    assert "already recorded" in response.content.decode()
    assert Episode.objects.filter(police_reference="MP/WEB/1").count() == 1
    wrong_date = {**data, "police_reference": "MP/WEB/2", "reported_at_date_1": "13"}
    assert client.post(url, wrong_date).status_code == 400
    assert not Episode.objects.filter(police_reference="MP/WEB/2").exists()


@pytest.mark.django_db
def test_third_episode_prompts_a_meeting_that_a_worker_records(borough, clients, police):
    child = borough["child"]
    for n in range(3):
        _report(police, child, f"MP/R{n}", days_ago=3 - n)
    prompt = StrategyMeetingPrompt.objects.get(person=child)
    assert prompt.case == borough["case"] and prompt.episode_count == 3
    manager = clients["cypf_manager"]
    assert child.full_name in manager.get(reverse("missing:queue")).content.decode()
    profile = manager.get(reverse("people:detail", args=[child.id])).content.decode()
    assert "A strategy meeting is needed" in profile
    url = reverse("missing:meeting", args=[prompt.id])
    for role in REFUSED:
        since = _last_seq()
        assert clients[role].get(url).status_code == 404, role
        assert [e.outcome for e in _events(since)] == ["denied"], role
        assert clients[role].post(url, {"attendees": "x", "outcome": "y"}).status_code == 404
    assert StrategyMeetingPrompt.objects.get(pk=prompt.pk).meeting_on is None
    today = timezone.localdate()
    response = manager.post(
        url,
        {
            "meeting_on_0": str(today.day),
            "meeting_on_1": str(today.month),
            "meeting_on_2": str(today.year),
            "attendees": "",
            "outcome": "Safety plan",
        },
    )
    assert response.status_code == 400
    assert StrategyMeetingPrompt.objects.get(pk=prompt.pk).meeting_on is None
    response = manager.post(
        url,
        {
            "meeting_on_0": str(today.day),
            "meeting_on_1": str(today.month),
            "meeting_on_2": str(today.year),
            "attendees": "SW, police, school",
            "outcome": "Safety plan; MACE referral",
        },
    )
    assert response.status_code == 302
    assert StrategyMeetingPrompt.objects.get(pk=prompt.pk).meeting_on == today
    assert (
        "A strategy meeting is needed"
        not in manager.get(reverse("people:detail", args=[child.id])).content.decode()
    )


@pytest.mark.django_db
def test_school_and_health_do_not_see_the_missing_menu(borough, clients):
    home = reverse("core:home")
    assert 'href="/missing/"' not in clients["school_dsl"].get(home).content.decode()
    assert 'href="/missing/"' in clients["cypf_worker"].get(home).content.decode()
