"""The police API: auth and scope, idempotency, bad payloads, and the outcome feed."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command

from cshub.accounts.api_auth import token_create, token_revoke
from cshub.accounts.models import ApiToken
from cshub.audit.models import AuditEvent
from cshub.missing import services
from cshub.missing.models import Episode, ReturnInterview
from tests import factories

from .conftest import api_client, report_payload

REPORTS = "/api/v1/missing-reports/"
OUTCOMES = "/api/v1/rhi-outcomes/"
NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


# --- auth ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [None, "Token", "Token nonsense", "Bearer abc", "Token a b", "Basic dXNlcjpwYXNz"],
)
def test_no_or_bad_token_is_401_audited_and_stores_nothing(borough, header):
    client = api_client(None)
    if header:
        client.credentials(HTTP_AUTHORIZATION=header)
    response = client.post(REPORTS, report_payload(), format="json")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert not Episode.objects.exists()
    refusal = AuditEvent.objects.filter(action="api.request.refused").latest("seq")
    assert refusal.outcome == "denied"


def test_revoked_token_is_refused(borough):
    token, key = token_create(agency_code="police", name="Old RMS")
    token_revoke(token=token)
    response = api_client(key).post(REPORTS, report_payload(), format="json")
    assert response.status_code == 401
    assert not Episode.objects.exists()


def test_token_of_a_non_police_agency_is_forbidden(borough):
    _, key = token_create(agency_code="education", name="School MIS")
    client = api_client(key)
    assert client.post(REPORTS, report_payload(), format="json").status_code == 403
    assert client.get(OUTCOMES, {"since": "2026-01-01T00:00:00Z"}).status_code == 403
    assert not Episode.objects.exists()
    assert (
        AuditEvent.objects.filter(
            action="api.request.refused", details__why="agency not police"
        ).count()
        == 2
    )


def test_tokens_are_stored_as_digests_only(borough):
    token, key = token_create(agency_code="police", name="RMS")
    stored = ApiToken.objects.get(pk=token.pk)
    assert key not in (stored.digest, stored.prefix * 2) and len(stored.digest) == 64
    assert stored.prefix == key[:8]


def test_api_token_command_prints_a_working_key_last(borough, capsys):
    call_command("api-token", "create", "--agency", "police", "--name", "Niche")
    key = capsys.readouterr().out.strip().splitlines()[-1]
    response = api_client(key).post(REPORTS, report_payload(), format="json")
    assert response.status_code == 201


def test_api_token_command_refuses_an_unknown_agency(borough):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No agency"):
        call_command("api-token", "create", "--agency", "nope", "--name", "X")
    assert not ApiToken.objects.exists()


# --- reports -------------------------------------------------------------------------------------


def test_report_creates_an_episode_matched_by_name_and_date_of_birth(borough, police):
    response = police.post(REPORTS, report_payload(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    episode = Episode.objects.get(pk=body["id"])
    assert body == {
        "id": str(episode.pk),
        "police_reference": "MP/26/0001",
        "status": "open",
        "matched": True,
        "reported_at": "2026-11-20T21:15:00Z",
        "returned_at": None,
    }
    assert episode.person == borough["child"]
    assert episode.notified_at == NOW
    assert episode.notification_due_at == dt.datetime(2026, 11, 21, 21, 15, tzinfo=dt.UTC)
    event = AuditEvent.objects.get(action="missing.episode.reported")
    assert event.actor_username == "api:Police RMS"
    assert event.actor_agencies == "police"
    assert event.person_id == borough["child"].pk


def test_same_reference_again_is_200_with_the_same_episode(borough, police):
    first = police.post(REPORTS, report_payload(), format="json")
    again = police.post(
        REPORTS, report_payload(risk_level="high", police_reference="mp/26/0001"), format="json"
    )
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert Episode.objects.count() == 1
    assert Episode.objects.get().police_risk == "medium"  # the resend changed nothing


def test_same_reference_from_another_force_is_another_episode(borough, police):
    other = factories.AgencyFactory(code="police2", name="Neighbouring Police", kind="police")
    _, key = token_create(agency_code=other.code, name="Their RMS")
    assert police.post(REPORTS, report_payload(), format="json").status_code == 201
    assert api_client(key).post(REPORTS, report_payload(), format="json").status_code == 201
    assert Episode.objects.count() == 2


def test_identifier_match_wins_over_names(borough, police):
    nhs = borough["child"].identifiers.get(scheme="nhs").value
    payload = report_payload(
        child={"given_name": "Kasey", "family_name": "Different", "nhs_number": nhs}
    )
    assert police.post(REPORTS, payload, format="json").status_code == 201
    episode = Episode.objects.get()
    assert episode.person == borough["child"]
    assert episode.match_basis == "same NHS number"


def test_unknown_child_waits_in_the_queue_and_no_person_is_made(borough, police):
    from cshub.people.models import Person

    people = Person.objects.count()
    payload = report_payload(child={"given_name": "Nobody", "family_name": "Knownhere"})
    response = police.post(REPORTS, payload, format="json")
    assert response.status_code == 201 and response.json()["matched"] is False
    assert Person.objects.count() == people
    assert Episode.objects.get().person is None


def test_two_similar_people_are_not_linked_automatically(borough, police):
    factories.PersonFactory(
        given_name="Casey", family_name="Matrixchild", date_of_birth=dt.date(2011, 5, 17)
    )
    police.post(REPORTS, report_payload(), format="json")
    assert Episode.objects.get().person is None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"risk_level": "extreme"}, "risk_level"),
        ({"missing_from": "moon"}, "missing_from"),
        ({"episode_type": "Z"}, "episode_type"),
        ({"reported_at": "yesterday"}, "reported_at"),
        ({"reported_at": "2026-13-01T10:00:00Z"}, "reported_at"),
        ({"reported_at": "2026-11-26T10:00:00Z"}, "reported_at"),  # tomorrow
        ({"police_reference": ""}, "police_reference"),
        ({"police_reference": "MP 26 0001; DROP"}, "police_reference"),
        ({"child": {"given_name": "Casey"}}, "child"),
        ({"child": {"given_name": "A", "family_name": "B", "nhs_number": "1234567890"}}, "child"),
        ({"last_seen_at": "2026-11-21T10:00:00Z"}, "last_seen_at"),  # after the report
        ({"missing_from": "care_placement"}, "placement_type"),  # no placement type
        ({"placement_type": "foster"}, "placement_type"),  # not from a placement
        ({"episode_type": "A"}, "episode_type"),  # away, but from home
    ],
)
def test_bad_payloads_are_400_with_field_errors_and_nothing_stored(borough, police, change, field):
    response = police.post(REPORTS, report_payload(**change), format="json")
    assert response.status_code == 400
    body = response.json()
    assert field in body["errors"], body
    assert not Episode.objects.exists()
    assert AuditEvent.objects.filter(
        action="api.missing_report.rejected", outcome="denied"
    ).exists()


def test_malformed_json_is_400(borough, police):
    response = police.generic(
        "POST", REPORTS, '{"police_reference": ', content_type="application/json"
    )
    assert response.status_code == 400
    assert "detail" in response.json()
    assert not Episode.objects.exists()


def test_non_json_body_is_415(borough, police):
    response = police.generic("POST", REPORTS, "a,b,c", content_type="text/csv")
    assert response.status_code == 415
    assert not Episode.objects.exists()


# --- returns -------------------------------------------------------------------------------------


def _return(client, reference="MP/26/0001", **body):
    return client.post(
        f"{REPORTS}{reference}/return/",
        {"returned_at": "2026-11-22T08:00:00Z", "found_where": "Friend's flat", **body},
        format="json",
    )


def test_return_stops_the_episode_and_starts_the_72_hour_clock(borough, police):
    police.post(REPORTS, report_payload(), format="json")
    response = _return(police, return_method="police")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "returned"
    episode = Episode.objects.get()
    assert episode.rhi_due_at == dt.datetime(2026, 11, 25, 8, 0, tzinfo=dt.UTC)
    assert _return(police).status_code == 200  # the same return again: harmless
    changed = _return(police, returned_at="2026-11-22T09:00:00Z")
    assert changed.status_code == 400 and "returned_at" in changed.json()["errors"]
    assert Episode.objects.get().returned_at == episode.returned_at


def test_return_before_the_report_is_400_and_changes_nothing(borough, police):
    police.post(REPORTS, report_payload(), format="json")
    response = _return(police, returned_at="2026-11-20T20:00:00Z")
    assert response.status_code == 400
    assert "returned_at" in response.json()["errors"]
    assert Episode.objects.get().returned_at is None


def test_return_for_an_unknown_reference_is_404(borough, police):
    response = _return(police, reference="NOPE-1")
    assert response.status_code == 404
    assert AuditEvent.objects.filter(action="api.missing_return.rejected").exists()


def test_return_for_another_forces_reference_is_404(borough, police):
    factories.AgencyFactory(code="police2", name="Neighbouring Police", kind="police")
    _, key = token_create(agency_code="police2", name="Their RMS")
    police.post(REPORTS, report_payload(), format="json")
    assert _return(api_client(key)).status_code == 404
    assert Episode.objects.get().returned_at is None


def test_return_with_a_bad_body_is_400(borough, police):
    police.post(REPORTS, report_payload(), format="json")
    response = _return(police, returned_at="not a time", return_method="teleported")
    assert response.status_code == 400
    assert {"returned_at", "return_method"} <= set(response.json()["errors"])


# --- outcomes ------------------------------------------------------------------------------------


def _finished_rhi(borough, police, reference="MP/26/0001"):
    police.post(REPORTS, report_payload(police_reference=reference), format="json")
    _return(police, reference=reference)
    episode = Episode.objects.get(police_reference=reference)
    worker = borough["users"]["cypf_worker"]
    services.rhi_offer(
        episode=episode,
        offered_at=dt.datetime(2026, 11, 23, 10, tzinfo=dt.UTC),
        response="accepted",
        actor=worker,
    )
    services.rhi_record_interview(
        episode=episode,
        fields={
            "held_at": dt.datetime(2026, 11, 24, 16, tzinfo=dt.UTC),
            "held_where": "School",
            "interviewer_independent": True,
            "where_went": "A flat in town",
            "went_with": "Older lads",
            "push_factors": ["conflict_home"],
            "pull_factors": ["adults_gifts"],
            "harm_disclosed": "Was given cannabis",
            "harm_not_told_to_police": True,
            "substances": ["cannabis"],
            "health_needs": "Asthma inhaler left at home",
            "child_views": "I just wanted to get away",
            "actions": "Referred to the specialist team",
        },
        signs={"cce": "Holding a phone not his"},
        actor=worker,
    )
    return services.rhi_share(episode=episode, actor=worker)


def test_outcomes_are_read_back_with_what_police_need_and_no_more(borough, police):
    rhi = _finished_rhi(borough, police)
    response = police.get(OUTCOMES, {"since": "2026-11-01T00:00:00Z"})
    assert response.status_code == 200
    body = response.json()
    assert body["more"] is False
    [item] = body["results"]
    assert item["police_reference"] == "MP/26/0001"
    assert item["outcome"] == "interview_held"
    assert item["exploitation_signs"] == [{"harm_type": "cce", "detail": "Holding a phone not his"}]
    assert item["harm_not_told_to_police"] is True
    assert "health_needs" not in item and "child_views" not in item
    read = AuditEvent.objects.filter(action="api.rhi_outcomes.read").latest("seq")
    assert read.details["episodes"] == [str(rhi.episode_id)]


def test_outcomes_since_a_later_time_are_empty_and_other_forces_see_none(borough, police):
    _finished_rhi(borough, police)
    assert police.get(OUTCOMES, {"since": "2026-11-26T00:00:00Z"}).json()["results"] == []
    factories.AgencyFactory(code="police2", name="Neighbouring Police", kind="police")
    _, key = token_create(agency_code="police2", name="Their RMS")
    other = api_client(key).get(OUTCOMES, {"since": "2026-01-01T00:00:00Z"})
    assert other.status_code == 200 and other.json()["results"] == []


def test_unshared_outcomes_are_not_released(borough, police):
    police.post(REPORTS, report_payload(), format="json")
    _return(police)
    episode = Episode.objects.get()
    services.rhi_offer(
        episode=episode,
        offered_at=dt.datetime(2026, 11, 23, 10, tzinfo=dt.UTC),
        response="declined",
        declined_reason="Did not want to talk",
        actor=borough["users"]["cypf_worker"],
    )
    assert police.get(OUTCOMES, {"since": "2026-01-01T00:00:00Z"}).json()["results"] == []
    assert ReturnInterview.objects.get().shared_with_police_at is None


@pytest.mark.parametrize("since", [None, "", "last week", "2026-02-30T00:00:00Z"])
def test_outcomes_need_a_valid_since(borough, police, since):
    params = {} if since is None else {"since": since}
    response = police.get(OUTCOMES, params)
    assert response.status_code == 400
    assert "since" in response.json()["errors"]


def test_schema_is_served_without_a_token(client):
    response = client.get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {
        "/api/v1/missing-reports/",
        "/api/v1/missing-reports/{police_reference}/return/",
        "/api/v1/rhi-outcomes/",
    } <= set(paths)


# --- refusals made before a view runs are audited too ----------------------------------------


def _refusals() -> list[dict]:
    return list(
        AuditEvent.objects.filter(action="api.request.refused")
        .order_by("seq")
        .values_list("details", flat=True)
    )


def test_unknown_paths_and_references_with_line_breaks_get_the_api_json_404(borough, police):
    police.post(REPORTS, report_payload(), format="json")
    for path in ("/api/v1/nothing-here/", f"{REPORTS}MP%0A1/return/"):
        response = police.post(path, {"returned_at": "2026-11-22T08:00:00Z"}, format="json")
        assert response.status_code == 404
        assert response.json() == {"detail": "No such API path.", "errors": {}}
    assert [d["why"] for d in _refusals()] == ["no such API path"] * 2
    assert Episode.objects.get().returned_at is None


def test_unparseable_unsupported_and_wrong_method_requests_are_audited(borough, police):
    police.generic("POST", REPORTS, "{", content_type="application/json")
    police.generic("POST", REPORTS, "a,b", content_type="text/csv")
    police.get(REPORTS)
    assert [(d["why"], d["status"]) for d in _refusals()] == [
        ("ParseError", 400),
        ("UnsupportedMediaType", 415),
        ("MethodNotAllowed", 405),
    ]


def test_the_rate_limit_answers_429_and_is_audited(borough, police, settings):
    from django.core.cache import cache

    cache.clear()
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"agency_token": "2/minute"},
    }
    codes = [police.get(OUTCOMES, {"since": "2026-01-01T00:00:00Z"}).status_code for _ in range(3)]
    cache.clear()
    assert codes == [200, 200, 429]
    assert [d["why"] for d in _refusals()] == ["Throttled"]


def test_a_resent_return_is_audited(borough, police):
    police.post(REPORTS, report_payload(), format="json")
    _return(police)
    _return(police)
    assert AuditEvent.objects.filter(action="missing.episode.return_repeated").count() == 1


def test_revoke_takes_a_short_prefix_but_never_an_ambiguous_one(borough):
    from django.core.management.base import CommandError

    token, _ = token_create(agency_code="police", name="RMS")
    with pytest.raises(CommandError, match="at least the first 4"):
        call_command("api-token", "revoke", token.prefix[:3])
    call_command("api-token", "revoke", token.prefix[:5])
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None


def test_keys_never_start_like_a_command_line_option(borough, monkeypatch):
    import secrets

    keys = iter(["-starts-with-a-dash" + "x" * 30, "Abc" + "y" * 40])
    monkeypatch.setattr(secrets, "token_urlsafe", lambda n: next(keys))
    token, key = token_create(agency_code="police", name="RMS")
    assert key.startswith("Abc") and token.prefix == key[:8]
