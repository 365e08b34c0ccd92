"""The pages: bad input answers 400 with a GOV.UK error summary and saves nothing; a step the
assessment has moved past, or a save from a stale version, answers 409 and says what happened;
each request writes one audit row. The profile shows the latest risk per harm type and the
history."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from cshub.assessments import services
from cshub.assessments.models import Assessment, AssessmentState, HarmRisk
from cshub.core.vocab import HarmType
from tests import factories

from .helpers import BACE_TEXT, complete, events_since, last_seq

pytestmark = pytest.mark.django_db


def _date(prefix: str, day: dt.date) -> dict:
    return {f"{prefix}_0": day.day, f"{prefix}_1": day.month, f"{prefix}_2": day.year}


def _version_in(html: str) -> str:
    return re.search(r'name="version" value="(\d+)"', html).group(1)


def _one_row(seq, action, outcome):
    (event,) = events_since(seq)
    assert (event.action, event.outcome) == (action, outcome)
    return event


class TestCreate:
    def test_start_a_bace_for_the_child_in_my_team(self, org, client_for):
        client = client_for(org["users"]["worker"])
        url = reverse("assessments:create", args=[org["child"].id])
        page = client.get(url)
        assert page.status_code == 200
        assert "Which team is completing it?" in page.content.decode()
        seq = last_seq()
        response = client.post(
            url, {"kind": "bace", "team": org["teams"]["cypf"].pk, "case": org["case"].pk}
        )
        a = Assessment.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("assessments:edit", args=[a.id])
        assert (a.team, a.author, a.case, a.state) == (
            org["teams"]["cypf"],
            org["users"]["worker"],
            org["case"],
            "draft",
        )
        event = _one_row(seq, "assessments.assessment.created", "allowed")
        assert event.details == {"kind": "bace", "team": "cypf"}
        assert event.relationship == "case_allocation"

    def test_a_team_that_does_not_complete_that_kind_is_refused(self, org, client_for):
        factories.AllocationFactory(case=org["case"], team=org["teams"]["hsb"], role="supporting")
        client = client_for(org["users"]["hsb_worker"])
        seq = last_seq()
        response = client.post(
            reverse("assessments:create", args=[org["child"].id]),
            {"kind": "bace", "team": org["teams"]["hsb"].pk},
        )
        assert response.status_code == 400
        html = response.content.decode()
        assert "govuk-error-summary" in html
        assert "HSB service does not complete the Exploitation risk assessment (BACE)." in html
        assert not Assessment.objects.exists()
        _one_row(seq, "assessments.assessment.create_refused", "failed")

    def test_a_user_in_several_teams_chooses_and_the_choice_is_recorded(self, org, client_for):
        worker = org["users"]["worker"]
        factories.MembershipFactory(user=worker, team=org["teams"]["specialist"])
        client = client_for(worker)
        url = reverse("assessments:create", args=[org["child"].id])
        choices = list(client.get(url).context["form"].fields["team"].queryset)
        assert choices == [org["teams"]["cypf"], org["teams"]["specialist"]]
        response = client.post(url, {"kind": "bace", "team": org["teams"]["specialist"].pk})
        assert response.status_code == 302
        assert Assessment.objects.get().team == org["teams"]["specialist"]

    def test_a_team_the_user_is_not_in_is_refused(self, org, client_for):
        client = client_for(org["users"]["worker"])
        response = client.post(
            reverse("assessments:create", args=[org["child"].id]),
            {"kind": "bace", "team": org["teams"]["specialist"].pk},
        )
        assert response.status_code == 400
        assert "Select a valid choice" in response.content.decode()
        assert not Assessment.objects.exists()


class TestEdit:
    def test_sections_save_and_the_detail_page_shows_them(self, org, draft, client_for):
        client = client_for(org["users"]["worker"])
        url = reverse("assessments:edit", args=[draft.id])
        assert client.get(url).status_code == 200
        response = client.post(url, {**BACE_TEXT, "version": 1})
        assert response.status_code == 302
        html = client.get(reverse("assessments:detail", args=[draft.id])).content.decode()
        assert BACE_TEXT["child_voice"] in html
        assert "Give a risk level for at least one harm type." in html  # still to do

    def test_a_stale_save_gets_a_conflict_and_loses_nothing(self, org, draft, client_for):
        url = reverse("assessments:edit", args=[draft.id])
        colleague = client_for(org["users"]["colleague"])
        colleague.post(url, {**BACE_TEXT, "analysis": "The colleague's analysis.", "version": 1})
        worker = client_for(org["users"]["worker"])
        seq = last_seq()
        response = worker.post(url, {**BACE_TEXT, "analysis": "My analysis.", "version": 1})
        assert response.status_code == 409
        html = response.content.decode()
        assert "changed after you opened this page" in html
        assert "My analysis." in html  # what they typed is still in the form
        assert "The colleague&#x27;s analysis." in html  # and what is saved now is shown
        draft.refresh_from_db()
        assert draft.analysis == "The colleague's analysis."
        event = _one_row(seq, "assessments.assessment.update_refused", "failed")
        assert event.details["conflict"] is True
        # Having compared, a second save goes through from the version now saved.
        again = worker.post(
            url, {**BACE_TEXT, "analysis": "My analysis.", "version": _version_in(html)}
        )
        assert again.status_code == 302
        draft.refresh_from_db()
        assert draft.analysis == "My analysis."

    @pytest.mark.parametrize(
        "smuggled",
        [{"state": "approved"}, {"author": "1"}, {"team": "2"}, {"id": "x"}, {"version_0": "1"}],
    )
    def test_a_field_the_form_does_not_have_is_refused(self, org, draft, client_for, smuggled):
        client = client_for(org["users"]["worker"])
        seq = last_seq()
        response = client.post(
            reverse("assessments:edit", args=[draft.id]),
            {**BACE_TEXT, "version": 1, "save": "", **smuggled},
        )
        assert response.status_code == 400
        assert "The form was sent with fields it does not have" in response.content.decode()
        fresh = Assessment.objects.get(pk=draft.pk)
        assert (fresh.state, fresh.version, fresh.analysis) == ("draft", 1, "")
        _one_row(seq, "assessments.assessment.update_refused", "failed")

    def test_a_missing_version_is_refused_in_the_error_summary(self, org, draft, client_for):
        client = client_for(org["users"]["worker"])
        response = client.post(reverse("assessments:edit", args=[draft.id]), BACE_TEXT)
        assert response.status_code == 400
        assert "This page is out of date" in response.content.decode()
        draft.refresh_from_db()
        assert draft.analysis == ""

    def test_a_submitted_assessment_cannot_be_edited(self, org, submitted, client_for):
        client = client_for(org["users"]["worker"])
        url = reverse("assessments:edit", args=[submitted.id])
        page = client.get(url)
        assert page.status_code == 200
        html = page.content.decode()
        assert "It cannot be changed now" in html and 'name="version"' not in html
        response = client.post(url, {**BACE_TEXT, "analysis": "Sneaky.", "version": 3})
        assert response.status_code == 409
        submitted.refresh_from_db()
        assert submitted.analysis == BACE_TEXT["analysis"]

    def test_an_aim3_completed_in_the_future_is_refused(self, org, client_for):
        worker = org["users"]["worker"]
        a = services.assessment_create(
            actor=worker, person=org["child"], kind="aim3", team=org["teams"]["cypf"]
        )
        client = client_for(worker)
        url = reverse("assessments:edit", args=[a.id])
        tomorrow = timezone.localdate() + dt.timedelta(days=1)
        seq = last_seq()
        response = client.post(
            url,
            {
                "version": 1,
                "aim3_outcome": "high",
                "aim3_completed_by": org["users"]["hsb_worker"].pk,
                **_date("aim3_completed_on", tomorrow),
            },
        )
        assert response.status_code == 400
        assert "must be today or in the past" in response.content.decode()
        a.refresh_from_db()
        assert (a.aim3_outcome, a.aim3_completed_on, a.version) == ("", None, 1)
        _one_row(seq, "assessments.assessment.update_refused", "failed")
        ok = client.post(
            url,
            {
                "version": 1,
                "aim3_outcome": "high",
                "aim3_completed_by": org["users"]["hsb_worker"].pk,
                **_date("aim3_completed_on", timezone.localdate()),
                "analysis": "Outcome high.",
            },
        )
        assert ok.status_code == 302
        a.refresh_from_db()
        assert a.aim3_outcome == "high"


class TestRisks:
    def test_the_grid_saves_one_row_per_assessed_harm(self, org, draft, client_for):
        client = client_for(org["users"]["worker"])
        url = reverse("assessments:risks", args=[draft.id])
        assert client.get(url).status_code == 200
        response = client.post(
            url,
            {
                "version": 1,
                "risk_cce": "high",
                "indicators_cce": "Found out of area.",
                "risk_missing": "no",
            },
        )
        assert response.status_code == 302
        assert dict(HarmRisk.objects.values_list("harm_type", "risk_level")) == {
            "cce": "high",
            "missing": "no",
        }

    @pytest.mark.parametrize(
        "posted, message",
        [
            ({"risk_witchcraft": "high"}, "‘witchcraft’ is not a harm type cshub knows"),
            ({"risk_cce": "extreme"}, "Select a valid choice. extreme is not one of"),
            ({"indicators_cse": "Online contact."}, "Choose a risk level for child sexual"),
        ],
    )
    def test_unknown_harm_types_and_levels_are_refused_whole(
        self, org, draft, client_for, posted, message
    ):
        client = client_for(org["users"]["worker"])
        seq = last_seq()
        response = client.post(
            reverse("assessments:risks", args=[draft.id]),
            {"version": 1, "risk_syv": "low", "indicators_syv": "A fight.", **posted},
        )
        assert response.status_code == 400
        html = response.content.decode()
        assert "govuk-error-summary" in html and message in html
        assert not HarmRisk.objects.exists()
        _one_row(seq, "assessments.assessment.risks_refused", "failed")

    def test_an_aim3_has_no_risk_grid(self, org, client_for):
        worker = org["users"]["worker"]
        a = services.assessment_create(
            actor=worker, person=org["child"], kind="aim3", team=org["teams"]["cypf"]
        )
        response = client_for(worker).get(reverse("assessments:risks", args=[a.id]))
        assert response.status_code == 302
        assert response["Location"] == reverse("assessments:edit", args=[a.id])


class TestSubmit:
    def test_incomplete_is_refused_listing_every_missing_section(self, org, draft, client_for):
        client = client_for(org["users"]["worker"])
        url = reverse("assessments:submit", args=[draft.id])
        page = client.get(url).content.decode()
        assert "Record the child&#x27;s voice, or why it could not be gathered." in page
        response = client.post(url, {"version": 1})
        assert response.status_code == 400
        html = response.content.decode()
        assert html.count("<li><a href=") >= 11  # every missing section in the error summary
        draft.refresh_from_db()
        assert draft.state == AssessmentState.DRAFT

    def test_a_double_submit_changes_nothing_the_second_time_and_says_so(
        self, org, draft, client_for
    ):
        worker = org["users"]["worker"]
        a = complete(draft, worker)
        client = client_for(worker)
        url = reverse("assessments:submit", args=[a.id])
        seq = last_seq()
        posted = {"version": a.version}  # the same form, sent twice
        first = client.post(url, posted)
        assert first.status_code == 302
        a.refresh_from_db()
        submitted_at = a.submitted_at
        second = client.post(url, posted)
        assert second.status_code == 409
        html = second.content.decode()
        assert "already submitted for approval" in html and "nothing was changed" in html
        a.refresh_from_db()
        assert a.submitted_at == submitted_at
        actions = [(e.action, e.outcome) for e in events_since(seq)]
        assert actions == [
            ("assessments.assessment.submitted", "allowed"),
            ("assessments.assessment.submit_refused", "failed"),
        ]


class TestDecide:
    def test_approve_needs_a_review_date_not_in_the_past(self, org, submitted, client_for):
        client = client_for(org["users"]["manager"])
        url = reverse("assessments:approve", args=[submitted.id])
        page = client.get(url)
        assert page.status_code == 200 and BACE_TEXT["analysis"] in page.content.decode()
        for data, message in (
            ({}, "Enter the date this assessment is to be reviewed."),
            (_date("review_on", timezone.localdate() - dt.timedelta(days=1)), "today or in the"),
            (_date("review_on", timezone.localdate() + dt.timedelta(days=500)), "12 months"),
        ):
            response = client.post(url, data)
            assert response.status_code == 400, data
            assert message in response.content.decode()
        submitted.refresh_from_db()
        assert submitted.state == AssessmentState.SUBMITTED
        review = timezone.localdate() + dt.timedelta(days=180)
        response = client.post(url, _date("review_on", review))
        assert response.status_code == 302
        assert response["Location"] == reverse("assessments:queue")
        submitted.refresh_from_db()
        assert (submitted.state, submitted.review_on) == ("approved", review)
        again = client.post(url, _date("review_on", review))
        assert again.status_code == 409
        assert "already approved" in again.content.decode()

    def test_return_needs_a_reason_and_the_author_sees_it(self, org, submitted, client_for):
        client = client_for(org["users"]["manager"])
        url = reverse("assessments:return", args=[submitted.id])
        response = client.post(url, {"reason": ""})
        assert response.status_code == 400
        assert "Say what needs to change" in response.content.decode()
        assert client.post(url, {"reason": "Add the school's view."}).status_code == 302
        worker = client_for(org["users"]["worker"])
        mine = worker.get(reverse("assessments:mine"))
        assert [a.pk for a in mine.context["mine"]] == [submitted.pk]
        detail = worker.get(reverse("assessments:detail", args=[submitted.id])).content.decode()
        assert "Returned for changes" in detail and "Add the school&#x27;s view." in detail


class TestQueue:
    def test_lists_the_teams_submissions_in_bounded_queries(
        self, org, client_for, django_assert_max_num_queries
    ):
        worker = org["users"]["worker"]
        for n in range(6):
            child = factories.PersonFactory(given_name=f"Queue{n}")
            factories.AllocationFactory(case__person=child, team=org["teams"]["cypf"])
            a = services.assessment_create(
                actor=worker, person=child, kind="bace", team=org["teams"]["cypf"]
            )
            services.assessment_submit(actor=worker, assessment=complete(a, worker))
        client = client_for(org["users"]["manager"])
        with django_assert_max_num_queries(20):  # 6 rows: no N+1
            response = client.get(reverse("assessments:queue"))
        assert response.status_code == 200
        assert len(response.context["waiting"]) == 6
        html = response.content.decode()
        assert "Queue0" in html and "Approve or return" in html
        client = client_for(worker)
        with django_assert_max_num_queries(20):  # 6 rows: no N+1
            mine = client.get(reverse("assessments:mine"))
        assert len(mine.context["mine"]) == 6


class TestProfile:
    def test_shows_latest_risk_per_harm_type_history_and_timeline(self, org, client_for):
        worker, manager = org["users"]["worker"], org["users"]["manager"]
        first = services.assessment_create(
            actor=worker, person=org["child"], kind="bace", team=org["teams"]["cypf"]
        )
        first = complete(first, worker, risks={HarmType.CCE: ("high", "Cash and phones.")})
        first = services.assessment_submit(actor=worker, assessment=first)
        services.assessment_approve(actor=manager, assessment=first, review_on=timezone.localdate())
        Assessment.objects.filter(pk=first.pk).update(
            approved_at=timezone.now() - dt.timedelta(days=200),
            submitted_at=timezone.now() - dt.timedelta(days=201),
        )
        second = services.assessment_create(
            actor=worker, person=org["child"], kind="bace", team=org["teams"]["cypf"]
        )
        second = complete(second, worker, risks={HarmType.CCE: ("medium", "Fewer episodes.")})
        second = services.assessment_submit(actor=worker, assessment=second)
        services.assessment_approve(
            actor=manager, assessment=second, review_on=timezone.localdate()
        )
        draft = services.assessment_create(
            actor=worker, person=org["child"], kind="bace", team=org["teams"]["cypf"]
        )
        response = client_for(worker).get(reverse("people:detail", args=[org["child"].id]))
        section = next(s for s in response.context["sections"] if s["section"].key == "assessments")
        (row,) = section["risks"]
        assert row["latest"].assessment_id == second.pk and row["latest"].risk_level == "medium"
        assert [r.risk_level for r in row["earlier"]] == ["high"]
        assert {a.pk for a in section["assessments"]} == {first.pk, second.pk, draft.pk}
        html = response.content.decode()
        assert "Risk assessments" in html and "Latest risk per harm type" in html
        assert reverse("assessments:detail", args=[second.id]) in html
        assert reverse("assessments:create", args=[org["child"].id]) in html
        assert "BACE assessment approved" in html
        assert "BACE assessment submitted for approval" in html
