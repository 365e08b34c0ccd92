"""Every page: anonymous users are sent to sign-in; a signed-in user gets the page.

The list of URLs is walked from the URL resolver, so a new view that is not listed here fails
the build until someone decides how it is reached and who may reach it.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from . import factories

PUBLIC = {"core:healthz", "accounts:login"}
POST_ONLY = {
    "panels:item_add",
    "panels:invitee_add",
    "panels:publish",
    "panels:approve",
    "panels:item_remove",
    "panels:decline",
    "accounts:logout",
    "accounts:sign_out_everywhere",
    "frontdoor:contact_submit",
    "missing:rhi_share",
    "linkage:decision_undo",
    "insights:report_commentary",
}
# The two-factor step: a verified user is sent on from it (tests/security/test_auth.py).
MFA_STEP = {"accounts:otp_verify", "accounts:otp_setup"}


def _named_patterns(resolver: URLResolver | None = None, namespace: str = "") -> set[str]:
    names = set()
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace in ("admin", "api"):
                continue  # the API answers 401, not a sign-in redirect: tests/missing/test_api.py
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names |= _named_patterns(entry, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(f"{namespace}{entry.name}")
    return names


@pytest.fixture
def borough(allocated_case):
    import datetime as dt

    from django.utils import timezone

    place = factories.PlaceFactory()
    group = factories.GroupFactory()
    factories.PersonPlaceFactory(person=allocated_case.person, place=place)
    factories.PersonGroupFactory(person=allocated_case.person, group=group)
    factories.FlagFactory(person=allocated_case.person)
    lead = allocated_case.allocations.get()
    assessment = factories.AssessmentFactory(
        person=allocated_case.person, team=lead.team, author=lead.worker
    )
    from cshub.frontdoor.services import contact_start

    contact = contact_start(actor=allocated_case.allocations.get().worker)
    episode, unmatched, prompt = _missing(allocated_case.person)
    from cshub.nrm.services import referral_create

    referral = referral_create(
        actor=lead.worker,
        person=allocated_case.person,
        submitted_at=timezone.now() - dt.timedelta(days=1),
        first_responder=lead.team.agency,
        exploitation_types=["criminal"],
        location="uk",
        summary="Synthetic.",
    )
    from cshub.interventions.services import intervention_start

    intervention = intervention_start(
        actor=lead.worker,
        person=allocated_case.person,
        kind="mentoring",
        started_on=timezone.localdate() - dt.timedelta(days=7),
        harm_types=["cce"],
        case=allocated_case,
        provider_name="Synthetic mentoring project",
    )
    return {
        "intervention": intervention,
        "referral": referral,
        "episode": episode,
        "unmatched": unmatched,
        "prompt": prompt,
        "person": allocated_case.person,
        "place": place,
        "group": group,
        "contact": contact,
        "assessment": assessment,
    }


def _missing(person):
    import datetime as dt

    from django.utils import timezone

    from cshub.missing import services as missing

    police = factories.AgencyFactory(code="police", kind="police")
    now = timezone.now()

    def report(ref, child, given="Casey", family="Unknownchild"):
        return missing.report_missing(
            agency=police,
            report=missing.Report(
                police_reference=ref,
                reported_at=now - dt.timedelta(days=2),
                given_name=given,
                family_name=family,
                missing_from="home",
                police_risk="medium",
                person=child,
            ),
            source="web",
        )[0]

    episodes = [report(f"MP/{n}", person) for n in range(3)]
    missing.record_return(episode=episodes[0], returned_at=now - dt.timedelta(days=1))
    unmatched = report("MP/unmatched", None, "Nobody", "Zzyzx")
    return episodes[0], unmatched, person.strategy_prompts.get()


def _urls(borough) -> dict[str, str]:
    person, place, group = borough["person"], borough["place"], borough["group"]
    contact = borough["contact"]
    assessment = borough["assessment"]
    episode = borough["episode"]
    return {
        "core:home": reverse("core:home"),
        "core:healthz": reverse("core:healthz"),
        "accounts:login": reverse("accounts:login"),
        "accounts:logout": reverse("accounts:logout"),
        "accounts:account": reverse("accounts:account"),
        "accounts:sign_out_everywhere": reverse("accounts:sign_out_everywhere"),
        "accounts:otp_verify": reverse("accounts:otp_verify"),
        "accounts:otp_setup": reverse("accounts:otp_setup"),
        "people:search": reverse("people:search") + "?name=jor",
        "people:create": reverse("people:create"),
        "people:detail": reverse("people:detail", args=[person.id]),
        "people:identifier_add": reverse("people:identifier_add", args=[person.id]),
        "contexts:place_list": reverse("contexts:place_list"),
        "contexts:place_detail": reverse("contexts:place_detail", args=[place.id]),
        "contexts:group_list": reverse("contexts:group_list"),
        "contexts:group_detail": reverse("contexts:group_detail", args=[group.id]),
        "access:break_glass": reverse("access:break_glass", args=[person.id]),
        "access:break_glass_reviews": reverse("access:break_glass_reviews"),
        "access:break_glass_review": reverse(
            "access:break_glass_review", args=["00000000-0000-4000-8000-000000000000"]
        ),
        "access:seal": reverse("access:seal", args=[person.id]),
        "frontdoor:queue": reverse("frontdoor:queue"),
        "frontdoor:my_contacts": reverse("frontdoor:my_contacts"),
        "frontdoor:contact_new": reverse("frontdoor:contact_new"),
        "frontdoor:contact_detail": reverse("frontdoor:contact_detail", args=[contact.id]),
        "frontdoor:contact_edit": reverse("frontdoor:contact_edit", args=[contact.id]),
        "frontdoor:contact_people": reverse("frontdoor:contact_people", args=[contact.id]),
        "frontdoor:contact_submit": reverse("frontdoor:contact_submit", args=[contact.id]),
        "frontdoor:screening": reverse("frontdoor:screening", args=[contact.id, person.id]),
        "frontdoor:decision": reverse("frontdoor:decision", args=[contact.id]),
        "assessments:mine": reverse("assessments:mine"),
        "assessments:queue": reverse("assessments:queue"),
        "assessments:create": reverse("assessments:create", args=[person.id]),
        "assessments:detail": reverse("assessments:detail", args=[assessment.id]),
        "assessments:edit": reverse("assessments:edit", args=[assessment.id]),
        "assessments:risks": reverse("assessments:risks", args=[assessment.id]),
        "assessments:submit": reverse("assessments:submit", args=[assessment.id]),
        "assessments:return": reverse("assessments:return", args=[assessment.id]),
        "assessments:approve": reverse("assessments:approve", args=[assessment.id]),
        "audit:search": reverse("audit:search"),
        "audit:export": reverse("audit:export"),
        "audit:person_log": reverse("audit:person_log", args=[person.id]),
        "missing:queue": reverse("missing:queue"),
        "missing:unmatched": reverse("missing:unmatched"),
        "missing:resolve": reverse("missing:resolve", args=[borough["unmatched"].id]),
        "missing:episode_new": reverse("missing:episode_new", args=[person.id]),
        "missing:episode": reverse("missing:episode", args=[episode.id]),
        "missing:return": reverse("missing:return", args=[episode.id]),
        "missing:rhi_offer": reverse("missing:rhi_offer", args=[episode.id]),
        "missing:rhi_not_offered": reverse("missing:rhi_not_offered", args=[episode.id]),
        "missing:rhi_interview": reverse("missing:rhi_interview", args=[episode.id]),
        "missing:rhi_share": reverse("missing:rhi_share", args=[episode.id]),
        "missing:meeting": reverse("missing:meeting", args=[borough["prompt"].id]),
        "nrm:referral_new": reverse("nrm:referral_new", args=[person.id]),
        "nrm:referral": reverse("nrm:referral", args=[borough["referral"].id]),
        "nrm:decide": reverse("nrm:decide", args=[borough["referral"].id]),
        "nrm:summary": reverse("nrm:summary", args=[borough["referral"].id]),
        "disruption:activity_new": reverse("disruption:activity_new", args=[person.id]),
        "disruption:activity_list": reverse("disruption:activity_list"),
        "disruption:place_activity": reverse("disruption:place_activity", args=[place.id]),
        "disruption:place_activity_new": reverse("disruption:place_activity_new", args=[place.id]),
        "disruption:group_activity": reverse("disruption:group_activity", args=[group.id]),
        "disruption:group_activity_new": reverse("disruption:group_activity_new", args=[group.id]),
        "interventions:ete_new": reverse("interventions:ete_new", args=[person.id]),
        "interventions:intervention_new": reverse(
            "interventions:intervention_new", args=[person.id]
        ),
        "interventions:intervention_end": reverse(
            "interventions:intervention_end", args=[borough["intervention"].id]
        ),
        "workforce:home": reverse("workforce:home"),
        "workforce:training": reverse("workforce:training"),
        "workforce:training_new": reverse("workforce:training_new"),
        "workforce:consultations": reverse("workforce:consultations"),
        "workforce:consultation_new": reverse("workforce:consultation_new"),
        "panels:home": reverse("panels:home"),
        "panels:meeting_list": reverse("panels:meeting_list"),
        "panels:meeting_new": reverse("panels:meeting_new"),
        "panels:referral_new": reverse("panels:referral_new", args=[person.id]),
        "panels:hsb_incident_new": reverse("panels:hsb_incident_new", args=[person.id]),
        "linkage:home": reverse("linkage:home"),
        "linkage:imports": reverse("linkage:imports"),
        "linkage:import_run": reverse("linkage:import_run", args=[ANY_ID]),
        "linkage:review": reverse("linkage:review"),
        "linkage:candidate": reverse("linkage:candidate", args=[ANY_ID]),
        "linkage:decision_undo": reverse("linkage:decision_undo", args=[ANY_ID]),
        "linkage:merges": reverse("linkage:merges"),
        "linkage:merge": reverse("linkage:merge", args=[ANY_ID]),
        "insights:dashboard": reverse("insights:dashboard"),
        "insights:cohort": reverse("insights:cohort"),
        "insights:kpi": reverse("insights:kpi", args=["nrm_referrals"]),
        "insights:records": reverse("insights:records", args=["nrm_referrals"]),
        "insights:report": reverse("insights:report"),
        "insights:report_xlsx": reverse("insights:report_xlsx"),
        "insights:report_csv": reverse("insights:report_csv"),
        "insights:report_commentary": reverse("insights:report_commentary"),
        **{
            f"panels:{name}": reverse(f"panels:{name}", args=[ANY_ID])
            for name in (
                "meeting",
                "item_add",
                "invitee_add",
                "publish",
                "attendance",
                "approve",
                "pack",
                "pack_docx",
                "minutes",
                "item_remove",
                "action_new",
                "action",
                "decline",
                "hsb_incident",
                "hsb_intervention_new",
            )
        },
    }


# Pages about one meeting, item, action or incident: tests/panels walks them with real records.
ANY_ID = "00000000-0000-4000-8000-000000000000"


# Pages that only some roles reach: the security matrix (tests/security) covers who gets them.
ROLE_RESTRICTED = {
    "access:break_glass",  # redirects a user who already has a relationship
    "access:break_glass_reviews",
    "access:break_glass_review",
    "access:seal",
    "frontdoor:queue",  # the Front Door's (tests/frontdoor)
    "frontdoor:contact_detail",  # a draft redirects to its edit page
    "frontdoor:screening",
    "frontdoor:decision",
    "assessments:queue",  # managers only (tests/security/test_assessments_access.py)
    "assessments:return",  # a manager of the completing team who did not write it
    "assessments:approve",
    "audit:search",
    "audit:export",
    "audit:person_log",
    "missing:unmatched",  # the missing coordinator and the Front Door (tests/missing)
    "missing:resolve",
    "disruption:activity_new",  # police and the specialist team (tests/disruption)
    "disruption:place_activity_new",
    "disruption:group_activity_new",
    "disruption:activity_list",  # and panel chairs
    # Panels: coordinators and invitees of a meeting, HSB practitioners (tests/panels).
    "panels:meeting_new",
    "panels:hsb_incident_new",
    "panels:meeting",
    "panels:attendance",
    "panels:pack",
    "panels:pack_docx",
    "panels:minutes",
    "panels:action_new",
    "panels:action",
    "panels:hsb_incident",
    "panels:hsb_intervention_new",
    # Workforce: managers, and the HSB service for consultations (tests/workforce).
    "workforce:home",
    "workforce:training",
    "workforce:training_new",
    "workforce:consultations",
    "workforce:consultation_new",
    # Linkage: data stewards and the DPO (tests/linkage/test_views.py, test_review.py).
    "linkage:home",
    "linkage:imports",
    "linkage:import_run",
    "linkage:review",
    "linkage:candidate",
    "linkage:merges",
    "linkage:merge",
    # KPIs: managers, analysts and panel chairs (tests/insights/test_views.py).
    "insights:dashboard",
    "insights:cohort",
    "insights:kpi",
    "insights:records",
    # The quarterly report: the same people (tests/insights/test_report.py).
    "insights:report",
    "insights:report_xlsx",
    "insights:report_csv",
}


def test_every_named_url_is_covered(borough):
    missing = _named_patterns() - set(_urls(borough))
    assert not missing, f"views not in the page matrix: {sorted(missing)}"


@pytest.mark.django_db
def test_anonymous_users_are_sent_to_sign_in(client, borough):
    for name, url in _urls(borough).items():
        if name in PUBLIC:
            continue
        response = client.post(url) if name in POST_ONLY else client.get(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("accounts:login")), name


@pytest.mark.django_db
def test_public_pages_answer_anonymous_users(client, borough):
    assert client.get(reverse("accounts:login")).status_code == 200
    assert client.get(reverse("core:healthz")).json() == {"status": "ok"}


@pytest.mark.django_db
def test_every_page_renders_for_a_signed_in_user(cypf_worker_client, borough):
    for name, url in _urls(borough).items():
        if name in POST_ONLY or name in PUBLIC or name in ROLE_RESTRICTED or name in MFA_STEP:
            continue
        response = cypf_worker_client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        assert b"govuk-template" in response.content, name


@pytest.mark.django_db
def test_caseload_lists_the_workers_children(cypf_worker_client, allocated_case):
    response = cypf_worker_client.get(reverse("core:home"))
    assert allocated_case.person.full_name in response.content.decode()
    assert list(response.context["caseload"]["mine"]) == [allocated_case]


@pytest.mark.django_db
def test_profile_shows_identity_identifiers_flags_contexts_and_case(cypf_worker_client, borough):
    person = borough["person"]
    html = cypf_worker_client.get(reverse("people:detail", args=[person.id])).content.decode()
    identifier = person.identifiers.get()
    for expected in (
        person.full_name,
        identifier.value,
        "At risk of child criminal exploitation",
        borough["place"].name,
        borough["group"].name,
        person.cases.get().reference,
        "Timeline",
    ):
        assert expected in html, expected


@pytest.mark.django_db
def test_unknown_ids_are_404(cypf_worker_client):
    import uuid

    for name in ("people:detail", "contexts:place_detail", "contexts:group_detail"):
        response = cypf_worker_client.get(reverse(name, args=[uuid.uuid4()]))
        assert response.status_code == 404, name
    assert cypf_worker_client.get("/people/1/").status_code == 404  # ids are never sequential


@pytest.mark.django_db
def test_logout_ends_the_session(cypf_worker_client):
    response = cypf_worker_client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert cypf_worker_client.get(reverse("core:home")).status_code == 302


@pytest.mark.django_db
def test_sign_in_with_the_standard_form(client, cypf_worker):
    response = client.post(
        reverse("accounts:login"), {"username": "cypf.worker", "password": factories.PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")


@pytest.mark.django_db
def test_wrong_password_shows_an_error_summary(client, cypf_worker):
    response = client.post(reverse("accounts:login"), {"username": "cypf.worker", "password": "x"})
    assert response.status_code == 200
    assert b"govuk-error-summary" in response.content
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_does_not(client, monkeypatch):
    from django.db import DatabaseError, connection

    def broken_cursor(*args, **kwargs):
        raise DatabaseError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get(reverse("core:healthz"))
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}
