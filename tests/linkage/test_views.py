"""The imports pages: data stewards and the DPO see them (audited); anyone else gets a 404 and a
"denied" audit row."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django.utils import timezone

from cshub.audit.models import AuditEvent, Outcome
from cshub.linkage.models import ImportRun, SourceSystem
from cshub.linkage.services import ImportRefused, import_source_file

from .conftest import social_care_csv, social_care_rows

pytestmark = pytest.mark.django_db


def _load(text: str) -> ImportRun:
    try:
        return import_source_file(
            system="mosaic", path_or_file=io.StringIO(text), actor="command:test"
        )
    except ImportRefused as refused:
        return refused.run


@pytest.fixture
def runs():
    good = _load(social_care_csv())
    rows = social_care_rows()
    rows[0] = rows[0].replace("2011-05-17", "17/05/2011")
    rows[2] = rows[2].replace("MOS1003,Sam,,Sample,,,", "MOS1003,Sam,,Sample,,,Z")
    bad = _load(social_care_csv(rows))
    running = ImportRun.objects.create(
        system=SourceSystem.objects.get(code="synergy"),
        file_name="synergy-big.csv",
        file_sha256="0" * 64,
        run_by_label="command:import-source",
        started_at=timezone.now(),
        rows=2000,
        rows_done=500,
    )
    return {"good": good, "bad": bad, "running": running}


def test_steward_sees_the_imports_with_status_counts_and_progress(steward_client, runs):
    response = steward_client.get(reverse("linkage:imports"))
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "Succeeded",
        "Refused",
        "Running",
        "Checked 500 of 2000 rows (25%)",
        "synergy-big.csv",
    ):
        assert text in html, text
    event = AuditEvent.objects.filter(action="linkage.imports.viewed").get()
    assert event.outcome == Outcome.ALLOWED and event.actor_username == "data.steward"


def test_steward_sees_every_refused_row(steward_client, runs):
    bad = runs["bad"]
    response = steward_client.get(reverse("linkage:import_run", args=[bad.id]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "This file was refused: nothing was imported" in html
    assert "Write a date as YYYY-MM-DD" in html and "Sex is M, F or U" in html
    assert [p["row"] for p in response.context["run"].problems] == [2, 4]
    event = AuditEvent.objects.filter(action="linkage.import_run.viewed").get()
    assert event.outcome == Outcome.ALLOWED and event.object_id == str(bad.pk)


def test_the_dpo_may_view(clients, runs):
    assert clients["dpo"].get(reverse("linkage:imports")).status_code == 200
    url = reverse("linkage:import_run", args=[runs["good"].id])
    assert clients["dpo"].get(url).status_code == 200


@pytest.mark.parametrize(
    "who", ["cypf_worker", "cypf_manager", "ifd_worker", "police_analyst", "specialist_manager"]
)
def test_others_get_404_and_a_denied_audit_row(clients, runs, who):
    for name, args in (("linkage:imports", []), ("linkage:import_run", [runs["bad"].id])):
        before = AuditEvent.objects.filter(outcome=Outcome.DENIED).count()
        response = clients[who].get(reverse(name, args=args))
        assert response.status_code == 404, (who, name)
        denied = AuditEvent.objects.filter(outcome=Outcome.DENIED).order_by("-seq")
        assert denied.count() == before + 1
        assert denied.first().action == name.replace("linkage:", "linkage.") + ".viewed"
    assert not AuditEvent.objects.filter(
        action__startswith="linkage.", action__endswith="viewed", outcome=Outcome.ALLOWED
    ).exists()


def test_unknown_import_is_404_and_audited(steward_client):
    import uuid

    response = steward_client.get(reverse("linkage:import_run", args=[uuid.uuid4()]))
    assert response.status_code == 404
    assert AuditEvent.objects.filter(
        action="linkage.import_run.viewed", outcome=Outcome.DENIED
    ).exists()


def test_anonymous_users_are_sent_to_sign_in(client, runs):
    response = client.get(reverse("linkage:imports"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
