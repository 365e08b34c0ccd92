"""The data steward's pages: the review queue, a pair side by side with its field weights,
decisions (link, keep apart, defer) and undoing them, merges and splits, and the profile's
partner-system records. Only data stewards act; the DPO reads; anyone else gets a 404 that is
audited as denied. Every page view is audited."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from cshub.audit.models import AuditEvent, Outcome
from cshub.core.vocab import Role
from cshub.linkage.choices import CandidateKind, CandidateStatus, MatchMethod
from cshub.linkage.models import MatchCandidate, MatchDecision, SourceRecord
from cshub.linkage.services import matching_run
from cshub.people.models import Person, PersonMerge
from tests import factories

from .conftest import NHS
from .test_matching import EDUCATION, load, person, rec
from .test_matching import world as world  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db

OTHERS = ["cypf_worker", "cypf_manager", "police_analyst", "school_dsl", "specialist_manager"]


@pytest.fixture
def queue(world, borough, steward):  # noqa: F811
    """A run over the matching world, plus two people who are one child."""
    # the need-to-know borough's own child shares Casey's name and birthday: rename them
    Person.objects.filter(pk=borough["child"].pk).update(given_name="Avery", family_name="Elm")
    a = person("Morgan", "Duplicatey", "2011-11-11", address="4 Copy Street", postcode="S70 5GH")
    b = person("Morgan", "Duplicatey", "2011-11-11", address="4 Copy Street", postcode="S70 5GH")
    load(
        "synergy",
        EDUCATION,
        ["6001,Morgan,,Duplicatey,,2011-11-11,F,4 Copy Street,S70 5GH,,,,0,90,no"],
    )
    matching_run(actor="command:test")
    twins = MatchCandidate.objects.get(kind=CandidateKind.RECORD, record=rec("synergy", "5002"))
    return {"twins": twins, "a": a, "b": b, **world}


def denied(action: str) -> int:
    return AuditEvent.objects.filter(action=action, outcome=Outcome.DENIED).count()


def test_the_queue_lists_open_pairs_for_stewards_and_the_dpo(queue, steward_client, clients):
    for client in (steward_client, clients["dpo"]):
        response = client.get(reverse("linkage:review"))
        assert response.status_code == 200
        html = response.content.decode()
        assert "Likely twins" in html and "Synergy 5002" in html
    assert AuditEvent.objects.filter(action="linkage.review.viewed", outcome="allowed").count() == 2
    # the DPO has no relationship with the people: their names are withheld
    html = clients["dpo"].get(reverse("linkage:review")).content.decode()
    assert "Alex Twinfield" not in html and "a restricted record" in html
    assert "Alex Twinfield" in steward_client.get(reverse("linkage:review")).content.decode()


def test_the_status_filter_is_an_allowlist(queue, steward_client):
    for status in ("kept_apart", "'; drop table x; --", "__all__", "pending"):
        response = steward_client.get(reverse("linkage:review"), {"status": status})
        assert response.status_code == 200
    assert response.context["status"] == "open"


@pytest.mark.parametrize("who", OTHERS)
def test_others_are_refused_every_page_with_a_denied_row(queue, clients, who):
    pair = queue["twins"]
    pages = {
        "linkage.home.viewed": reverse("linkage:home"),
        "linkage.review.viewed": reverse("linkage:review"),
        "linkage.candidate.viewed": reverse("linkage:candidate", args=[pair.id]),
        "linkage.merges.viewed": reverse("linkage:merges"),
    }
    for action, url in pages.items():
        before = denied(action)
        assert clients[who].get(url).status_code == 404, (who, url)
        assert denied(action) == before + 1
    before = denied("linkage.candidate.viewed")
    response = clients[who].post(reverse("linkage:candidate", args=[pair.id]), {"decision": "link"})
    assert response.status_code == 404 and denied("linkage.candidate.viewed") == before + 1
    pair.refresh_from_db()
    assert pair.status == CandidateStatus.PENDING


def test_a_pair_side_by_side_with_its_weights_and_audited_per_person(queue, steward_client):
    pair = queue["twins"]
    response = steward_client.get(reverse("linkage:candidate", args=[pair.id]))
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("Likely twins", "Side by side", "Match weight by field", "Sam", "Alex",
                 "differs", "exact", "Link: the same person"):  # fmt: skip
        assert text in html, text
    rows = {r["label"]: r for r in response.context["rows"]}
    assert rows["Given name"]["differs"] and not rows["Date of birth"]["differs"]
    event = AuditEvent.objects.get(action="linkage.candidate.viewed", person_id=pair.person_id)
    assert event.outcome == Outcome.ALLOWED and event.relationship == "linkage_review"


def test_unknown_pair_is_404_and_audited(steward_client, borough):
    before = denied("linkage.candidate.viewed")
    response = steward_client.get(reverse("linkage:candidate", args=[uuid.uuid4()]))
    assert response.status_code == 404 and denied("linkage.candidate.viewed") == before + 1


def test_the_dpo_reads_but_cannot_decide(queue, clients):
    pair = queue["twins"]
    assert clients["dpo"].get(reverse("linkage:candidate", args=[pair.id])).status_code == 200
    before = denied("linkage.candidate.decided")
    response = clients["dpo"].post(
        reverse("linkage:candidate", args=[pair.id]), {"decision": "link"}
    )
    assert response.status_code == 404 and denied("linkage.candidate.decided") == before + 1
    pair.refresh_from_db()
    assert pair.status == CandidateStatus.PENDING


def test_link_then_undo(queue, steward_client):
    pair = queue["twins"]
    url = reverse("linkage:candidate", args=[pair.id])
    response = steward_client.post(url, {"decision": "link", "note": "Checked with the school"})
    assert response.status_code == 302
    sam = rec("synergy", "5002")
    assert sam.person_id == pair.person_id and sam.match_method == MatchMethod.MANUAL
    decision = MatchDecision.objects.get(candidate=pair)
    assert decision.note == "Checked with the school"
    assert AuditEvent.objects.filter(action="linkage.candidate.decided", outcome="allowed").exists()
    # the same form posted twice: refused, nothing changed
    again = steward_client.post(url, {"decision": "keep_apart"})
    assert again.status_code == 400 and "already been decided" in again.content.decode()
    assert MatchDecision.objects.filter(candidate=pair).count() == 1
    undo = steward_client.post(reverse("linkage:decision_undo", args=[decision.id]))
    assert undo.status_code == 302
    sam.refresh_from_db()
    pair.refresh_from_db()
    decision.refresh_from_db()
    assert sam.person_id is None and sam.match_method == MatchMethod.UNMATCHED
    assert pair.status == CandidateStatus.PENDING and decision.undone_at is not None
    # undoing twice changes nothing
    steward_client.post(reverse("linkage:decision_undo", args=[decision.id]))
    assert MatchDecision.objects.get(pk=decision.pk).undone_at == decision.undone_at


def test_keep_apart_makes_a_new_person_and_undo_removes_them(queue, steward_client):
    pair = queue["twins"]
    people = Person.objects.count()
    steward_client.post(reverse("linkage:candidate", args=[pair.id]), {"decision": "keep_apart"})
    sam = rec("synergy", "5002")
    assert sam.match_method == MatchMethod.NEW_PERSON and sam.person.given_name == "Sam"
    assert Person.objects.count() == people + 1
    decision = MatchDecision.objects.get(candidate=pair)
    assert decision.created_person == sam.person
    steward_client.post(reverse("linkage:decision_undo", args=[decision.id]))
    assert Person.objects.count() == people
    assert rec("synergy", "5002").person_id is None


def test_undo_is_refused_when_the_new_person_holds_more(queue, steward_client, borough):
    pair = queue["twins"]
    steward_client.post(reverse("linkage:candidate", args=[pair.id]), {"decision": "keep_apart"})
    made = rec("synergy", "5002").person
    factories.CaseFactory(person=made)
    decision = MatchDecision.objects.get(candidate=pair)
    response = steward_client.post(
        reverse("linkage:decision_undo", args=[decision.id]), follow=True
    )
    assert "now holds more than this record" in response.content.decode()
    assert Person.objects.filter(pk=made.pk).exists()
    assert MatchDecision.objects.get(pk=decision.pk).undone_at is None


def test_defer_moves_a_pair_behind_the_waiting_ones(queue, steward_client):
    pair = queue["twins"]
    steward_client.post(reverse("linkage:candidate", args=[pair.id]), {"decision": "defer"})
    pair.refresh_from_db()
    assert pair.status == CandidateStatus.DEFERRED
    listed = list(steward_client.get(reverse("linkage:review")).context["page"].object_list)
    assert listed[-1] == pair


def test_bad_input_is_refused_and_changes_nothing(queue, steward_client):
    pair = queue["twins"]
    url = reverse("linkage:candidate", args=[pair.id])
    for data in ({"decision": "merge_everything"}, {}, {"decision": "link", "person": "x"}):
        response = steward_client.post(url, data)
        assert response.status_code == 400, data
    pair.refresh_from_db()
    assert pair.status == CandidateStatus.PENDING and not pair.decisions.exists()
    assert (
        AuditEvent.objects.filter(action="linkage.candidate.decided", outcome="failed").count() == 3
    )


def test_a_people_pair_links_by_merging_and_undo_splits(queue, steward_client):
    a, b = queue["a"], queue["b"]
    pair = MatchCandidate.objects.get(kind=CandidateKind.PEOPLE)
    assert {pair.person_id, pair.other_person_id} == {a.pk, b.pk}
    url = reverse("linkage:candidate", args=[pair.id])
    assert "which record stays" in steward_client.get(url).content.decode()
    steward_client.post(url, {"decision": "link", "keep": str(b.pk)})
    merge = PersonMerge.objects.get()
    assert merge.kept == b and merge.absorbed == a
    # the merges list and the merge page
    assert steward_client.get(reverse("linkage:merges")).status_code == 200
    page = steward_client.get(reverse("linkage:merge", args=[merge.id]))
    assert page.status_code == 200 and "Split this merge" in page.content.decode()
    decision = MatchDecision.objects.get(candidate=pair)
    steward_client.post(reverse("linkage:decision_undo", args=[decision.id]))
    merge.refresh_from_db()
    assert merge.is_split
    a.refresh_from_db()
    assert a.merged_into is None


def test_split_from_the_merge_page(queue, steward, steward_client, clients):
    a, b = queue["a"], queue["b"]
    from cshub.people.services import person_merge

    merge = person_merge(actor=steward, kept=a, absorbed=b, reason="Same child")
    url = reverse("linkage:merge", args=[merge.id])
    # the DPO may read it but not split it; nobody else may see it
    assert clients["dpo"].get(url).status_code == 200
    assert clients["dpo"].post(url, {"reason": "no"}).status_code == 404
    assert clients["cypf_worker"].get(url).status_code == 404
    assert steward_client.post(url, {"reason": ""}).status_code == 400
    merge.refresh_from_db()
    assert not merge.is_split
    assert steward_client.post(url, {"reason": "Two children"}).status_code == 302
    merge.refresh_from_db()
    assert merge.is_split and merge.split_reason == "Two children"


def test_the_profile_shows_each_systems_record_and_flags_by_agency(queue, borough, clients):
    casey = queue["casey"]
    SourceRecord.objects.filter(system__code="synergy", record_id="5001").update(
        flags={"exclusions": 2, "attendance_pct": 81.5, "send": False}
    )
    police = SourceRecord.objects.get(system__code="mosaic", record_id="MOS1001")
    police.system = police.system.__class__.objects.get(code="niche")
    police.flags = {"offences_count": 3}
    police.save()
    team = borough["teams"]["school"]
    factories.AllocationFactory(case__person=casey, team=team)
    school = clients["school_dsl"].get(reverse("people:detail", args=[casey.id]))
    html = school.content.decode()
    assert "Records in partner systems" in html and "Synergy" in html
    assert "Attendance %: 81.5" in html
    assert "Offences count" not in html and "Not shown to your agency" in html
    factories.AllocationFactory(case__person=casey, team=borough["teams"]["cypf"])
    html = clients["cypf_worker"].get(reverse("people:detail", args=[casey.id])).content.decode()
    assert "Offences count: 3" in html


def test_the_home_page_shows_the_model_and_runs(queue, steward_client):
    response = steward_client.get(reverse("linkage:home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Version 1" in html or "v1" in html
    assert "The model is current" in html
    assert AuditEvent.objects.filter(action="linkage.home.viewed", outcome="allowed").exists()


def test_the_menu_shows_linkage_to_stewards_only(queue, steward_client, clients):
    assert reverse("linkage:home") in steward_client.get(reverse("core:home")).content.decode()
    assert (
        reverse("linkage:home")
        not in clients["cypf_worker"].get(reverse("core:home")).content.decode()
    )


def test_the_steward_relationship_ends_when_the_pair_is_decided(queue, steward, steward_client):
    from cshub.access.policy import grants_for

    pair = queue["twins"]
    assert [g.key for g in grants_for(steward, pair.person_id)] == ["linkage_review"]
    steward_client.post(reverse("linkage:candidate", args=[pair.id]), {"decision": "keep_apart"})
    assert grants_for(steward, pair.person_id) == []
    # and a DPO or any other role never has it
    other = factories.MembershipFactory(team=steward.memberships.get().team, role=Role.MANAGER)
    assert grants_for(other.user, queue["a"].pk) == []


def test_a_sealed_person_in_a_pair_is_withheld(queue, steward_client):
    pair = queue["twins"]
    Person.objects.filter(pk=pair.person_id).update(is_restricted=True)
    response = steward_client.get(reverse("linkage:candidate", args=[pair.id]))
    html = response.content.decode()
    assert "Alex" not in html and "Restricted" in html and response.context["form"] is None
    response = steward_client.post(
        reverse("linkage:candidate", args=[pair.id]), {"decision": "link"}
    )
    assert response.status_code == 400
    pair.refresh_from_db()
    assert pair.status == CandidateStatus.PENDING
    assert NHS  # the fixture module's synthetic numbers stay in use


def test_the_queue_page_makes_the_same_queries_for_more_pairs(queue, steward_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert steward_client.get(reverse("linkage:review")).status_code == 200
        return len(queries)

    before = count()
    template = queue["twins"]
    for n in range(5):
        extra = person(f"Extra{n}", "Twinfield", "2012-03-03")
        MatchCandidate.objects.create(
            kind=CandidateKind.RECORD,
            run=template.run,
            record=template.record,
            person=extra,
            match_probability=0.7,
            match_weight=1.2,
            method="probabilistic",
            reason="test",
            fields=template.fields,
        )
    assert count() == before


def test_decisions_export_as_labels_without_personal_data(queue, steward_client, tmp_path):
    import csv

    from django.core.management import call_command

    pair = queue["twins"]
    steward_client.post(reverse("linkage:candidate", args=[pair.id]), {"decision": "keep_apart"})
    out = tmp_path / "labels.csv"
    call_command("linkage-labels", "--out", str(out))
    rows = list(csv.DictReader(out.open()))
    assert len(rows) == 1
    row = rows[0]
    assert row["same_person"] == "0" and row["likely_twins"] == "1"
    assert row["date_of_birth_level"] == "exact"
    text = out.read_text()
    for personal in ("Sam", "Alex", "Twinfield", "2012", "S70"):
        assert personal not in text.split("\n", 1)[1].replace(row["decided_at"], ""), personal
    assert AuditEvent.objects.filter(action="linkage.labels.exported").exists()


def test_undo_of_an_unknown_decision_or_by_a_non_steward_is_refused(queue, steward_client, clients):
    pair = queue["twins"]
    steward_client.post(reverse("linkage:candidate", args=[pair.id]), {"decision": "defer"})
    decision = MatchDecision.objects.get(candidate=pair)
    action = "linkage.candidate.decision_undone"
    for client, url in (
        (steward_client, reverse("linkage:decision_undo", args=[uuid.uuid4()])),
        (clients["dpo"], reverse("linkage:decision_undo", args=[decision.id])),
        (clients["cypf_worker"], reverse("linkage:decision_undo", args=[decision.id])),
    ):
        before = denied(action)
        assert client.post(url).status_code == 404
        assert denied(action) == before + 1
    assert MatchDecision.objects.get(pk=decision.pk).undone_at is None
    pair.refresh_from_db()
    assert pair.status == CandidateStatus.DEFERRED


def test_a_people_pair_refuses_a_record_to_keep_that_is_not_one_of_the_two(queue, steward_client):
    pair = MatchCandidate.objects.get(kind=CandidateKind.PEOPLE)
    url = reverse("linkage:candidate", args=[pair.id])
    for keep in (str(queue["casey"].pk), "not-a-uuid", ""):
        response = steward_client.post(url, {"decision": "link", "keep": keep})
        assert response.status_code == 400, keep
    assert not PersonMerge.objects.exists()
    pair.refresh_from_db()
    assert pair.status == CandidateStatus.PENDING


def test_labels_to_an_unwritable_place_fail_clearly(queue, tmp_path):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="Cannot write"):
        call_command("linkage-labels", "--out", str(tmp_path / "no-such-dir" / "labels.csv"))
