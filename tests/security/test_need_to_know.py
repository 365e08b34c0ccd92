"""The need-to-know matrix: role x relationship x object. A refusal is a 404 that looks exactly
like a missing record, and every access and refusal writes one audit row."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from cshub.access.models import BreakGlass, RestrictedAccess
from cshub.audit.models import AuditEvent
from cshub.core.vocab import CaseStatus
from cshub.people.models import Allocation, Case

ALLOWED = {"cypf_worker", "cypf_colleague", "cypf_manager", "specialist_manager"}
REFUSED = {"unrelated_worker", "ifd_worker", "police_analyst", "school_dsl", "dpo", "former_cypf"}


def _new_events(since: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(seq__gt=since).order_by("seq"))


def _last_seq() -> int:
    return AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


@pytest.mark.parametrize("role", sorted(ALLOWED | REFUSED))
@pytest.mark.parametrize(
    "view, action",
    [
        ("people:detail", "people.person.viewed"),
        ("people:identifier_add", "people.identifier.form_viewed"),
    ],
)
def test_person_pages(clients, borough, role, view, action):
    child = borough["child"]
    before = _last_seq()
    response = clients[role].get(reverse(view, args=[child.id]))
    events = _new_events(before)
    assert len(events) == 1, [e.action for e in events]
    event = events[0]
    assert event.action == action
    assert event.person_id == child.id
    assert event.actor_username == borough["users"][role].username
    if role in ALLOWED:
        assert response.status_code == 200
        assert event.outcome == "allowed"
        assert event.relationship in {"case_allocation", "partnership_scope"}
    else:
        assert response.status_code == 404
        assert event.outcome == "denied"
        assert child.family_name not in response.content.decode()


def test_refusal_looks_exactly_like_a_missing_record(clients, borough):
    refused = clients["unrelated_worker"].get(reverse("people:detail", args=[borough["child"].id]))
    missing = clients["unrelated_worker"].get(reverse("people:detail", args=[uuid.uuid4()]))
    assert refused.status_code == missing.status_code == 404

    def strip_per_response_tokens(response):  # CSP nonces and CSRF tokens differ every time
        return re.sub(rb'(nonce|value)="[^"]*"', b"", response.content)

    assert strip_per_response_tokens(refused) == strip_per_response_tokens(missing)
    assert sorted(refused.headers) == sorted(missing.headers)


def test_guessing_ids_learns_nothing_and_is_audited(clients, borough):
    before = _last_seq()
    for _ in range(5):
        assert clients["unrelated_worker"].get(f"/people/{uuid.uuid4()}/").status_code == 404
    assert clients["unrelated_worker"].get("/people/2/").status_code == 404  # not even routed
    denied = _new_events(before)
    assert [e.outcome for e in denied] == ["denied"] * 5


def test_the_profile_says_which_relationship_grants_access(clients, borough):
    html = (
        clients["cypf_worker"]
        .get(reverse("people:detail", args=[borough["child"].id]))
        .content.decode()
    )
    assert "Your team is allocated to their case" in html
    html = (
        clients["specialist_manager"]
        .get(reverse("people:detail", args=[borough["child"].id]))
        .content.decode()
    )
    assert "every child in the partnership" in html


def test_posting_to_a_person_without_a_relationship_changes_nothing(clients, borough):
    child = borough["child"]
    before = _last_seq()
    response = clients["police_analyst"].post(
        reverse("people:identifier_add", args=[child.id]), {"scheme": "mosaic", "value": "MOS999"}
    )
    assert response.status_code == 404
    assert child.identifiers.count() == 1
    assert [e.outcome for e in _new_events(before)] == ["denied"]


def test_a_change_is_audited_in_its_own_transaction(clients, borough):
    child = borough["child"]
    before = _last_seq()
    response = clients["cypf_worker"].post(
        reverse("people:identifier_add", args=[child.id]), {"scheme": "mosaic", "value": "MOS999"}
    )
    assert response.status_code == 302
    (event,) = _new_events(before)
    assert event.action == "people.identifier.created"
    assert event.relationship == "case_allocation"
    assert event.details == {"scheme": "mosaic"}


class TestSearch:
    def _rows(self, client, name="matrixchild"):
        return client.post(reverse("people:search"), {"name": name}).context["rows"]

    def test_everyone_learns_a_record_exists_but_only_related_users_see_it(self, clients, borough):
        for role in ALLOWED:
            (row,) = self._rows(clients[role])
            assert row["visible"], role
        for role in REFUSED:
            response = clients[role].post(reverse("people:search"), {"name": "matrixchild"})
            (row,) = response.context["rows"]
            assert not row["visible"], role
            html = response.content.decode()
            assert "Record held" in html
            assert "CYPF" in html  # who to contact
            assert str(borough["child"].date_of_birth.year) not in html
            assert reverse("people:detail", args=[borough["child"].id]) not in html

    def test_search_is_audited_with_terms_and_hit_count(self, clients, borough):
        before = _last_seq()
        self._rows(clients["school_dsl"])
        (event,) = _new_events(before)
        assert event.action == "people.person.searched"
        assert event.details["terms"]["name"] == "matrixchild"
        assert event.details["hits"] == 1
        assert event.details["opened"] == 0

    def test_contact_falls_back_to_the_front_door(self, clients, borough):
        Allocation.objects.all().update(ended_on=dt.date.today())
        html = (
            clients["school_dsl"]
            .post(reverse("people:search"), {"name": "matrixchild"})
            .content.decode()
        )
        assert "Integrated Front Door" in html


class TestRelationshipsInTime:
    def test_closed_case_within_12_months_still_grants(self, clients, borough):
        Case.objects.filter(pk=borough["case"].pk).update(
            status=CaseStatus.CLOSED, closed_on=timezone.localdate() - dt.timedelta(days=180)
        )
        assert (
            clients["cypf_worker"]
            .get(reverse("people:detail", args=[borough["child"].id]))
            .status_code
            == 200
        )

    def test_closed_case_over_12_months_ago_does_not(self, clients, borough):
        Case.objects.filter(pk=borough["case"].pk).update(
            status=CaseStatus.CLOSED, closed_on=timezone.localdate() - dt.timedelta(days=400)
        )
        assert (
            clients["cypf_worker"]
            .get(reverse("people:detail", args=[borough["child"].id]))
            .status_code
            == 404
        )

    def test_leaving_the_team_takes_effect_on_the_next_request(self, clients, borough):
        url = reverse("people:detail", args=[borough["child"].id])
        client = clients["cypf_colleague"]
        assert client.get(url).status_code == 200
        borough["users"]["cypf_colleague"].memberships.update(ended_on=timezone.localdate())
        assert client.get(url).status_code == 404

    def test_ended_allocation_on_an_open_case_no_longer_grants(self, clients, borough):
        Allocation.objects.filter(case=borough["case"]).update(ended_on=timezone.localdate())
        assert (
            clients["cypf_worker"]
            .get(reverse("people:detail", args=[borough["child"].id]))
            .status_code
            == 404
        )


class TestSealedRecords:
    @pytest.fixture
    def sealed(self, borough):
        child = borough["child"]
        child.is_restricted = True
        child.save()
        RestrictedAccess.objects.create(
            person=child, user=borough["users"]["cypf_manager"], reason="Witness"
        )
        return child

    def test_only_named_users_see_it_whatever_other_relationship(self, clients, sealed):
        url = reverse("people:detail", args=[sealed.id])
        assert clients["cypf_manager"].get(url).status_code == 200
        assert clients["cypf_worker"].get(url).status_code == 404  # allocated, but not named
        assert clients["specialist_manager"].get(url).status_code == 404  # partnership-wide role

    def test_its_existence_is_hidden_from_search(self, clients, sealed):
        for role in ("cypf_worker", "school_dsl", "specialist_manager"):
            rows = (
                clients[role]
                .post(reverse("people:search"), {"name": "matrixchild"})
                .context["rows"]
            )
            assert rows == [], role
        rows = (
            clients["cypf_manager"]
            .post(reverse("people:search"), {"name": "matrixchild"})
            .context["rows"]
        )
        assert [r["visible"] for r in rows] == [True]

    def test_break_glass_cannot_reach_it(self, clients, sealed):
        url = reverse("access:break_glass", args=[sealed.id])
        assert clients["unrelated_worker"].get(url).status_code == 404

    def test_place_pages_do_not_name_it(self, clients, sealed, borough):
        html = (
            clients["cypf_worker"]
            .get(reverse("contexts:place_detail", args=[borough["place"].id]))
            .content.decode()
        )
        assert sealed.family_name not in html
        assert "1 other person is linked" in html


class TestContexts:
    def test_place_page_lists_only_people_the_user_may_open(self, clients, borough):
        url = reverse("contexts:place_detail", args=[borough["place"].id])
        assert borough["child"].family_name in clients["cypf_worker"].get(url).content.decode()
        html = clients["school_dsl"].get(url).content.decode()
        assert borough["child"].family_name not in html
        assert "1 other person is linked" in html


class TestBreakGlass:
    def _url(self, borough):
        return reverse("access:break_glass", args=[borough["child"].id])

    def test_without_a_reason_it_is_refused(self, clients, borough):
        response = clients["unrelated_worker"].post(self._url(borough), {"reason": "  too short "})
        assert response.status_code == 400
        assert "at least 20 characters" in response.content.decode()
        assert not BreakGlass.objects.exists()
        assert (
            clients["unrelated_worker"]
            .get(reverse("people:detail", args=[borough["child"].id]))
            .status_code
            == 404
        )

    def test_with_a_reason_it_grants_expires_alerts_and_queues(
        self, clients, borough, mailoutbox, django_capture_on_commit_callbacks
    ):
        reason = "Child reported missing tonight; CYPF unreachable out of hours."
        with django_capture_on_commit_callbacks(execute=True):
            response = clients["unrelated_worker"].post(self._url(borough), {"reason": reason})
        assert response.status_code == 302
        grant = BreakGlass.objects.get()
        assert grant.expires_at - grant.granted_at == dt.timedelta(hours=24)
        profile = reverse("people:detail", args=[borough["child"].id])
        page = clients["unrelated_worker"].get(profile)
        assert page.status_code == 200
        assert "Break-glass access" in page.content.decode()
        granted = AuditEvent.objects.get(action="access.break_glass.granted")
        assert granted.reason == reason
        assert granted.person_id == borough["child"].id
        # information governance is alerted, without personal data in the e-mail
        (mail,) = mailoutbox
        assert set(mail.to) == {"ig@example.org", "dpo@example.org"}
        assert borough["child"].family_name not in mail.body + mail.subject
        # it expires
        BreakGlass.objects.filter(pk=grant.pk).update(
            granted_at=timezone.now() - dt.timedelta(hours=25),
            expires_at=timezone.now() - dt.timedelta(hours=1),
        )
        assert clients["unrelated_worker"].get(profile).status_code == 404
        # and it is in the DPO's review queue, and the team manager's only if they manage the user
        assert grant in clients["dpo"].get(reverse("access:break_glass_reviews")).context["pending"]
        assert (
            clients["cypf_manager"].get(reverse("access:break_glass_reviews")).context["pending"]
            == []
        )

    def test_review_signs_it_off_and_not_justified_ends_it(self, clients, borough):
        clients["unrelated_worker"].post(
            self._url(borough), {"reason": "Emergency: police at the door asking."}
        )
        grant = BreakGlass.objects.get()
        url = reverse("access:break_glass_review", args=[grant.id])
        response = clients["dpo"].post(url, {"review": "not_justified", "note": ""})
        assert response.status_code == 400  # a reason is needed
        response = clients["dpo"].post(url, {"review": "not_justified", "note": "No risk shown."})
        assert response.status_code == 302
        grant.refresh_from_db()
        assert grant.reviewed_by == borough["users"]["dpo"]
        assert grant.expires_at <= timezone.now()
        assert (
            clients["unrelated_worker"]
            .get(reverse("people:detail", args=[borough["child"].id]))
            .status_code
            == 404
        )
        assert AuditEvent.objects.filter(action="access.break_glass.reviewed").count() == 1

    def test_practitioners_cannot_reach_the_review_queue(self, clients, borough):
        for role in ("cypf_worker", "school_dsl", "police_analyst"):
            assert clients[role].get(reverse("access:break_glass_reviews")).status_code == 404, role

    def test_a_user_with_a_relationship_is_sent_to_the_record(self, clients, borough):
        response = clients["cypf_worker"].get(self._url(borough))
        assert response.status_code == 302
        assert not BreakGlass.objects.exists()


class TestAuditPages:
    def test_who_viewed_is_for_managers_with_a_relationship_and_the_dpo(self, clients, borough):
        child = borough["child"]
        clients["cypf_worker"].get(reverse("people:detail", args=[child.id]))
        url = reverse("audit:person_log", args=[child.id])
        for role in ("cypf_manager", "specialist_manager", "dpo"):
            response = clients[role].get(url)
            assert response.status_code == 200, role
            assert "cypf.worker" in response.content.decode()
        for role in ("cypf_worker", "unrelated_worker", "school_dsl", "police_analyst"):
            assert clients[role].get(url).status_code == 404, role

    def test_who_viewed_filters_by_user_and_date(self, clients, borough):
        child = borough["child"]
        clients["cypf_worker"].get(reverse("people:detail", args=[child.id]))
        clients["cypf_colleague"].get(reverse("people:detail", args=[child.id]))
        url = reverse("audit:person_log", args=[child.id])
        page = clients["dpo"].get(url, {"user": "cypf.colleague"}).context["page"]
        assert {e.actor_username for e in page} == {"cypf.colleague"}
        tomorrow = timezone.localdate() + dt.timedelta(days=1)
        page = (
            clients["dpo"]
            .get(
                url,
                {
                    "date_from_0": tomorrow.day,
                    "date_from_1": tomorrow.month,
                    "date_from_2": tomorrow.year,
                },
            )
            .context["page"]
        )
        assert list(page) == []

    def test_audit_search_and_export_are_the_dpos_and_audited(self, clients, borough):
        for role in ("cypf_manager", "specialist_manager", "cypf_worker"):
            assert clients[role].get(reverse("audit:search")).status_code == 404, role
            assert clients[role].get(reverse("audit:export")).status_code == 404, role
        assert (
            clients["dpo"].get(reverse("audit:search"), {"user": "cypf.worker"}).status_code == 200
        )
        before = _last_seq()
        response = clients["dpo"].get(reverse("audit:export"), {"action": "audit."})
        assert response.status_code == 200
        assert response["Content-Disposition"] == 'attachment; filename="cshub-audit.csv"'
        (event,) = _new_events(before)
        assert event.action == "audit.events.exported"
        assert event.details["action"] == "audit."
        assert event.details["rows"] >= 1

    def test_bad_filters_are_refused_not_passed_to_the_query(self, clients, borough):
        response = clients["dpo"].get(
            reverse("audit:search"), {"person": "not-a-uuid", "action": "x'; drop"}
        )
        assert response.status_code == 200
        form = response.context["form"]
        assert "person" in form.errors and "action" in form.errors


class TestSealing:
    def test_only_the_dpo_may_seal(self, clients, borough):
        url = reverse("access:seal", args=[borough["child"].id])
        for role in ("cypf_manager", "specialist_manager", "cypf_worker", "police_analyst"):
            assert clients[role].get(url).status_code == 404, role
            response = clients[role].post(
                url, {"sealed": "yes", "named_users": "dpo", "reason": "x"}
            )
            assert response.status_code == 404, role
        borough["child"].refresh_from_db()
        assert not borough["child"].is_restricted

    def test_sealing_names_who_may_see_and_is_audited(self, clients, borough):
        child = borough["child"]
        url = reverse("access:seal", args=[child.id])
        response = clients["dpo"].post(
            url, {"sealed": "yes", "named_users": "cypf.manager, nobody.here", "reason": "Witness"}
        )
        assert response.status_code == 400
        assert "No active user called: nobody.here" in response.content.decode()
        child.refresh_from_db()
        assert not child.is_restricted
        response = clients["dpo"].post(
            url, {"sealed": "yes", "named_users": "cypf.manager", "reason": "Witness in a trial"}
        )
        assert response.status_code == 302
        profile = reverse("people:detail", args=[child.id])
        assert clients["cypf_manager"].get(profile).status_code == 200
        assert clients["cypf_worker"].get(profile).status_code == 404
        event = AuditEvent.objects.get(action="access.person.sealed")
        assert event.details == {"named_users": ["cypf.manager"]}
        assert event.reason == "Witness in a trial"
        clients["dpo"].post(url, {"sealed": "no", "named_users": "", "reason": "Trial over"})
        assert clients["cypf_worker"].get(profile).status_code == 200
        assert AuditEvent.objects.filter(action="access.person.unsealed").count() == 1
