"""The quarterly report: the printable page, its XLSX and CSV downloads, `cshub report` and the
managers' commentary. Only those who may see the dashboard get it (anyone else: 404 and a
"denied" row); every export is audited; small numbers are suppressed in every form; text cells
of the workbook are escaped; the figures are those of `cshub kpis`."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from cshub.assessments.models import Assessment
from cshub.audit.models import AuditEvent, Outcome
from cshub.core.vocab import Role
from cshub.insights import periods, report
from cshub.insights.kpis import KPIS
from cshub.insights.models import COMMENTARY_MAX, KpiCommentary
from cshub.insights.services import commentary_save
from tests import factories

pytestmark = pytest.mark.django_db
UTC = dt.UTC
PERIOD = "2026-Q2"
EXPORTED = "insights.report.exported"
PAGES = [
    ("insights:report", "html"),
    ("insights:report_xlsx", "xlsx"),
    ("insights:report_csv", "csv"),
]


def _bace(team, person, approved_at):
    author = factories.MembershipFactory(team=team).user
    manager = factories.MembershipFactory(team=team, role=Role.MANAGER).user
    return Assessment.objects.create(
        kind="bace", person=person, team=team, author=author, state="approved",
        started_on=approved_at.date() - dt.timedelta(days=10),
        submitted_at=approved_at - dt.timedelta(days=2), submitted_by=author,
        approved_at=approved_at, approved_by=manager,
        review_on=approved_at.date() + dt.timedelta(days=180), child_voice="x", parent_view="y",
    )  # fmt: skip


@pytest.fixture
def assessed(borough):
    """In May 2026: 3 BACE assessments completed by CYPF (Casey and two children nobody in the
    borough works with) and 7 by the specialist team; none by the Front Door."""
    may = dt.datetime(2026, 5, 10, 12, tzinfo=UTC)
    unseen = [factories.PersonFactory(given_name=f"Unseen{i}") for i in range(2)]
    for person in [borough["child"], *unseen]:
        _bace(borough["teams"]["cypf"], person, may)
    for i in range(7):
        _bace(borough["teams"]["specialist"], factories.PersonFactory(given_name=f"Spec{i}"), may)


def _last(action):
    return AuditEvent.objects.filter(action=action).latest("seq")


def _article(html: str, key: str) -> str:
    return html.split(f'id="kpi-{key}"')[1].split("</article>")[0]


def _figure(html: str, key: str) -> str:
    return re.search(r'class="cshub-report-figure">([^<]*)<', _article(html, key))[1]


def _summary(xlsx: bytes) -> dict[str, dict]:
    sheet = load_workbook(io.BytesIO(xlsx))["Summary"]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[3]
    return {r[0]: dict(zip(header, r, strict=True)) for r in rows[4:]}


# --- who may have it, and the audit trail --------------------------------------------------------


@pytest.mark.parametrize("name, fmt", PAGES)
@pytest.mark.parametrize("role", ["cypf_worker", "school_dsl", "dpo", "former_cypf"])
def test_who_may_not_see_the_dashboard_gets_a_404_and_a_denied_row(clients, role, name, fmt):
    response = clients[role].get(reverse(name), {"period": PERIOD})
    assert response.status_code == 404
    event = AuditEvent.objects.latest("seq")
    assert (event.action, event.outcome, event.details["format"]) == (EXPORTED, Outcome.DENIED, fmt)


@pytest.mark.parametrize("name, fmt", PAGES)
@pytest.mark.parametrize("role", ["cypf_manager", "police_analyst"])
def test_a_manager_or_analyst_gets_it_and_it_is_audited(
    clients, borough, assessed, role, name, fmt
):
    response = clients[role].get(reverse(name), {"period": PERIOD})
    assert response.status_code == 200
    event = AuditEvent.objects.latest("seq")
    assert (event.action, event.outcome) == (EXPORTED, Outcome.ALLOWED)
    assert event.details == event.details | {"period": PERIOD, "format": fmt}
    assert event.actor_id == borough["users"][role].pk
    if fmt != "html":
        disposition = response["Content-Disposition"]
        assert disposition == f'attachment; filename="cshub-kpi-report-2026-Q2.{fmt}"'
        assert response["Cache-Control"] == "no-store"


def test_signed_out_is_sent_to_sign_in(client):
    for name, _ in PAGES:
        response = client.get(reverse(name))
        assert response.status_code == 302 and "login" in response["Location"]


def test_a_download_for_a_bad_period_says_why_and_exports_nothing(clients):
    response = clients["cypf_manager"].get(reverse("insights:report_xlsx"), {"period": "2026-Q9"})
    assert response.status_code == 400
    assert "is not a period" in response.content.decode() and "Content-Disposition" not in response
    event = AuditEvent.objects.latest("seq")
    assert (event.action, event.outcome) == (EXPORTED, Outcome.FAILED)


def test_the_page_for_a_bad_period_says_why_and_shows_the_last_quarter(clients):
    response = clients["cypf_manager"].get(reverse("insights:report"), {"period": "nonsense"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html and "is not a period" in html


# --- the page ------------------------------------------------------------------------------------


def test_the_report_page_has_a_title_page_every_kpi_trend_and_breakdowns(clients, assessed):
    html = clients["specialist_manager"].get(reverse("insights:report"), {"period": PERIOD})
    html = html.content.decode()
    assert "Contextual safeguarding KPI report: 2026-Q2" in html
    assert report.partnership_name() in html
    assert "insights/report.css" in html  # the print stylesheet
    assert html.count('class="cshub-report-area"') == 3  # one page per area when printed
    for kpi in KPIS.values():
        article = _article(html, kpi.key)
        assert kpi.title in article and "By calendar quarter" in article
        assert 'id="commentary-text-' + kpi.key + '"' in article  # managers may write
    article = _article(html, "bace_completed_specialist")
    for label in ("By age band", "By sex", "By ethnicity", "By ward", "By team"):
        assert label in article
    assert "2024-Q3" in article and "2026-Q2" in article  # eight quarters
    assert "Matrixchild" not in html and "Unseen" not in html and "Spec0" not in html
    # The dashboard links to it.
    dashboard = clients["specialist_manager"].get(reverse("insights:dashboard")).content.decode()
    assert reverse("insights:report") in dashboard


def test_the_report_page_draws_each_trend_as_a_chart_when_charts_exist(clients, assessed):
    if report.trend_spec is None:
        pytest.skip("insights.charts is not there: the report has its tables only")
    html = clients["cypf_manager"].get(reverse("insights:report"), {"period": PERIOD})
    html = html.content.decode()
    for kpi in KPIS.values():
        assert f'data-vega-spec="chart-{kpi.key}"' in html
    assert "vega-embed.min.js" in html


# --- suppression ---------------------------------------------------------------------------------


def test_a_count_of_1_to_4_is_suppressed_in_html_xlsx_and_csv(clients, borough, assessed):
    client = clients["cypf_manager"]
    html = client.get(reverse("insights:report"), {"period": PERIOD}).content.decode()
    assert _figure(html, "bace_completed_cypf") == "&lt;5"
    assert _figure(html, "bace_completed_specialist") == "7"
    assert _figure(html, "bace_completed_ifd") == "0"
    cypf = _article(html, "bace_completed_cypf")
    assert ">3<" not in cypf and "&lt;5" in cypf  # trend and breakdown rows too
    team_rows = cypf.split('id="by-team-bace_completed_cypf"')[1].split("</table>")[0]
    assert "&lt;5" in team_rows and ">3<" not in team_rows

    summary = _summary(client.get(reverse("insights:report_xlsx"), {"period": PERIOD}).content)
    cypf_row = summary["bace_completed_cypf"]
    assert (cypf_row["value"], cypf_row["numerator"]) == ("<5", "<5")
    assert summary["bace_completed_specialist"]["value"] == 7
    assert summary["bace_completed_ifd"]["value"] == 0
    xlsx = client.get(reverse("insights:report_xlsx"), {"period": PERIOD}).content
    sheet = load_workbook(io.BytesIO(xlsx))["bace_completed_cypf"]
    values = [v for row in sheet.iter_rows(values_only=True) for v in row]
    assert 3 not in values and "<5" in values

    text = client.get(reverse("insights:report_csv"), {"period": PERIOD}).content.decode()
    by_id = {line.split(",")[0]: line for line in text.splitlines()}
    assert ",<5," in by_id["bace_completed_cypf"]
    assert ",7," in by_id["bace_completed_specialist"] and ",0," in by_id["bace_completed_ifd"]


@pytest.mark.parametrize(
    "numerator, denominator, value, shown, counts",
    [
        (3, 10, None, "Not shown", ("<5", "10")),  # a small numerator
        (6, 4, None, "Not shown", ("6", "<5")),  # a small denominator
        (0, 0, None, "No value", ("0", "0")),  # nothing to count
        (0, 7, 0.0, "0%", ("0", "7")),
        (7, 10, 0.7, "70%", ("7", "10")),
    ],
)
def test_a_rate_over_small_numbers_shows_no_value(numerator, denominator, value, shown, counts):
    figure = report.shown(KPIS["rhi_acceptance_rate"], numerator, denominator)
    assert (figure.value, figure.shown, (figure.numerator, figure.denominator)) == (
        value,
        shown,
        counts,
    )


def test_a_suppressed_value_is_not_compared_with_the_quarter_before(borough):
    may = dt.datetime(2026, 5, 10, 12, tzinfo=UTC)
    _bace(borough["teams"]["cypf"], factories.PersonFactory(), may)  # 1 in Q2, 0 in Q1
    built = report.build(periods.parse(PERIOD), charts=False)
    section = next(s for s in built.sections if s.kpi.key == "bace_completed_cypf")
    assert section.moved is None and section.moved_text == "Not compared"
    assert section.current.figure.shown == "<5" and section.current.figure.value is None


# --- formula escaping ----------------------------------------------------------------------------


def test_formula_like_text_is_escaped_in_the_workbook(clients, borough, assessed):
    team = borough["teams"]["specialist"]
    team.name = '=HYPERLINK("http://example.org","x")'
    team.save()
    commentary_save(
        actor=borough["users"]["cypf_manager"],
        kpi_key="bace_completed_specialist",
        period=PERIOD,
        text="=1+2 fewer than last quarter",
    )
    xlsx = clients["cypf_manager"].get(reverse("insights:report_xlsx"), {"period": PERIOD}).content
    book = load_workbook(io.BytesIO(xlsx))
    texts = [
        v
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for v in row
        if isinstance(v, str)
    ]
    assert "'=1+2 fewer than last quarter" in texts
    assert '\'=HYPERLINK("http://example.org","x")' in texts
    assert not [t for t in texts if t.startswith(("=", "+", "-", "@"))]
    assert _summary(xlsx)["bace_completed_specialist"]["commentary"].startswith("'=")


def test_every_kpi_has_a_sheet_named_by_its_id_within_31_characters(clients, assessed):
    xlsx = clients["cypf_manager"].get(reverse("insights:report_xlsx"), {"period": PERIOD}).content
    names = load_workbook(io.BytesIO(xlsx)).sheetnames
    assert names == ["Summary", *(key[:31] for key in KPIS)]


# --- consistency with `cshub kpis` ---------------------------------------------------------------


def test_the_report_figures_are_those_of_cshub_kpis(clients, assessed):
    out = io.StringIO()
    call_command("kpis", "--period", PERIOD, "--format", "json", stdout=out)
    expected = {d["id"]: d for d in json.loads(out.getvalue())}
    client = clients["cypf_manager"]
    html = client.get(reverse("insights:report"), {"period": PERIOD}).content.decode()
    summary = _summary(client.get(reverse("insights:report_xlsx"), {"period": PERIOD}).content)
    assert set(summary) == set(expected)
    for key, figure in expected.items():
        kpi = KPIS[key]
        shown = report.shown(kpi, figure["numerator"], figure["denominator"])
        assert _figure(html, key) == shown.shown.replace("<", "&lt;"), key
        row = summary[key]
        numerator = row["numerator"]
        assert str(numerator) == shown.numerator, key
        if figure["denominator"] is not None:
            assert str(row["denominator"]) == shown.denominator, key
        if shown.value is not None:
            assert row["value"] == pytest.approx(figure["value"], abs=1e-4), key
    assert _figure(html, "bace_completed_specialist") == "7"
    assert expected["bace_completed_specialist"]["numerator"] == 7


# --- the command ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["html", "xlsx", "csv"])
def test_the_command_writes_each_format_and_audits_it(tmp_path, assessed, fmt):
    out = tmp_path / f"report.{fmt}"
    call_command(
        "report", "--period", PERIOD, "--format", fmt, "--out", str(out), stdout=io.StringIO()
    )
    content = out.read_bytes()
    if fmt == "html":
        text = content.decode()
        assert "<style>" in text and "govuk-template" in text  # styles inline: a file alone
        assert "<script" not in text and "<form" not in text
        assert _figure(text, "bace_completed_cypf") == "&lt;5"
        assert "Matrixchild" not in text and "Unseen" not in text
    elif fmt == "xlsx":
        assert _summary(content)["bace_completed_cypf"]["value"] == "<5"
    else:
        assert content.decode().startswith("id,title,area,value")
    event = _last(EXPORTED)
    assert event.actor_id is None
    assert event.details == {
        "period": PERIOD, "format": fmt, "file": out.name, "run_by": "command:report",
    }  # fmt: skip
    assert not list(tmp_path.glob(".report-*"))  # no temporary file left behind


def test_the_command_defaults_to_the_last_complete_quarter(tmp_path, time_machine):
    time_machine.move_to(dt.datetime(2026, 8, 1, 12, tzinfo=UTC))
    out = tmp_path / "r.csv"
    call_command("report", "--format", "csv", "--out", str(out), stdout=io.StringIO())
    assert _last(EXPORTED).details["period"] == PERIOD
    assert "2026-04-01,2026-06-30" in out.read_text()


@pytest.mark.parametrize(
    "args, message",
    [
        (["--period", "2026-Q9"], "is not a period"),
        (["--period", "2026-02-30..2026-03-01"], "is not a real date"),
        (["--out", "{missing}/r.html"], "does not exist"),
        (["--out", "{folder}"], "it is a folder"),
    ],
)
def test_the_command_refuses_bad_input_writes_and_audits_nothing(tmp_path, args, message):
    before = AuditEvent.objects.count()
    args = [a.format(missing=tmp_path / "nope", folder=tmp_path) for a in args]
    if "--out" not in args:
        args += ["--out", str(tmp_path / "r.html")]
    with pytest.raises(CommandError, match=message):
        call_command("report", *args, stdout=io.StringIO())
    assert AuditEvent.objects.count() == before
    assert list(tmp_path.iterdir()) == []


def test_the_command_refuses_a_folder_it_may_not_write(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    try:
        if os.access(locked, os.W_OK):
            pytest.skip("running as a user who may write anywhere (root)")
        with pytest.raises(CommandError, match="permission denied"):
            call_command("report", "--out", str(locked / "r.html"), stdout=io.StringIO())
        assert not AuditEvent.objects.filter(action=EXPORTED).exists()
    finally:
        locked.chmod(0o700)


def test_a_write_that_fails_half_way_leaves_nothing_and_audits_nothing(tmp_path, monkeypatch):
    from cshub.insights.management.commands import report as command

    def full_disk(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(command.os, "replace", full_disk)
    with pytest.raises(CommandError, match="No space left on device"):
        call_command("report", "--out", str(tmp_path / "r.xlsx"), "--format", "xlsx")
    assert list(tmp_path.iterdir()) == []
    assert not AuditEvent.objects.filter(action=EXPORTED).exists()


# --- commentary ----------------------------------------------------------------------------------


def test_commentary_is_saved_replaced_and_removed_and_audited(borough):
    manager = borough["users"]["cypf_manager"]
    saved = commentary_save(actor=manager, kpi_key="nrm_referrals", period=PERIOD, text=" Up.\r\n")
    assert saved.change == "created" and saved.commentary.text == "Up."
    assert _last("insights.commentary.created").details == {
        "kpi": "nrm_referrals", "period": PERIOD, "characters": 3,
    }  # fmt: skip

    def save(text):
        return commentary_save(actor=manager, kpi_key="nrm_referrals", period=PERIOD, text=text)

    assert save("Up.").change == "unchanged"
    assert save("Down.").change == "updated"
    assert KpiCommentary.objects.get().text == "Down."
    assert save("  ").change == "deleted"
    assert not KpiCommentary.objects.exists()
    assert _last("insights.commentary.deleted").actor_id == manager.pk


@pytest.mark.parametrize(
    "kpi_key, period, text, field",
    [
        ("no_such_kpi", PERIOD, "x", "kpi"),
        ("nrm_referrals", "2026-Q9", "x", "period"),
        ("nrm_referrals", PERIOD, "x" * (COMMENTARY_MAX + 1), "text"),
    ],
)
def test_commentary_refuses_bad_input_and_changes_nothing(borough, kpi_key, period, text, field):
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        commentary_save(
            actor=borough["users"]["cypf_manager"], kpi_key=kpi_key, period=period, text=text
        )
    assert field in refused.value.message_dict
    assert not KpiCommentary.objects.exists() and AuditEvent.objects.count() == before


def test_only_dashboard_viewers_may_write_commentary(borough):
    with pytest.raises(PermissionDenied):
        commentary_save(
            actor=borough["users"]["cypf_worker"], kpi_key="nrm_referrals", period=PERIOD, text="x"
        )
    assert not KpiCommentary.objects.exists()


def _post(client, **data):
    return client.post(
        reverse("insights:report_commentary"),
        {"kpi": "nrm_referrals", "period": PERIOD, "text": "Referrals rose."} | data,
    )


def test_the_commentary_form_saves_through_the_service_and_a_second_post_changes_nothing(clients):
    client = clients["cypf_manager"]
    response = _post(client)
    assert response.status_code == 302
    back = f"{reverse('insights:report')}?period={PERIOD}#commentary-nrm_referrals"
    assert response["Location"] == back
    saved = KpiCommentary.objects.get()
    rows = AuditEvent.objects.count()
    again = _post(client)
    assert again.status_code == 302
    assert KpiCommentary.objects.get().written_at == saved.written_at
    assert AuditEvent.objects.filter(action="insights.commentary.created").count() == 1
    assert AuditEvent.objects.filter(action="insights.commentary.updated").count() == 0
    assert AuditEvent.objects.count() == rows + 1  # the request itself: "unchanged"
    page = client.get(response["Location"]).content.decode()
    assert "Referrals rose." in _article(page, "nrm_referrals")
    assert "Nothing to change" in page  # the second post's message


def test_a_bad_commentary_post_shows_why_and_changes_nothing(clients):
    client = clients["cypf_manager"]
    too_long = "y" * (COMMENTARY_MAX + 1)
    response = _post(client, text=too_long)
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html and f"{COMMENTARY_MAX:,} characters or fewer" in html
    assert too_long in _article(html, "nrm_referrals")  # kept for the writer to shorten
    assert 'id="commentary-error-nrm_referrals"' in html
    assert not KpiCommentary.objects.exists()
    assert _last("insights.commentary.refused").outcome == Outcome.FAILED

    unknown = _post(client, kpi="no_such_kpi")
    assert unknown.status_code == 400 and "There is no such KPI" in unknown.content.decode()
    smuggled = _post(client, written_by="someone")
    assert smuggled.status_code == 400 and "fields it does not have" in smuggled.content.decode()
    assert not KpiCommentary.objects.exists()


def test_a_commentary_post_needs_the_csrf_token(borough, clients):
    client = clients["cypf_manager"]
    client.handler.enforce_csrf_checks = True
    assert _post(client).status_code == 403
    assert not KpiCommentary.objects.exists()


@pytest.mark.parametrize("role", ["cypf_worker", "dpo"])
def test_who_may_not_see_the_dashboard_may_not_post_commentary(clients, role):
    response = _post(clients[role])
    assert response.status_code == 404
    assert _last("insights.commentary.save_requested").outcome == Outcome.DENIED
    assert not KpiCommentary.objects.exists()


def test_printed_reports_show_the_saved_commentary_and_not_who_wrote_it(tmp_path, borough):
    manager = borough["users"]["cypf_manager"]
    manager.first_name, manager.last_name = "Morwenna", "Writerperson"
    manager.save()
    commentary_save(actor=manager, kpi_key="nrm_referrals", period=PERIOD, text="Fewer <b>NRM</b>.")
    out = tmp_path / "r.html"
    call_command("report", "--period", PERIOD, "--out", str(out), stdout=io.StringIO())
    text = out.read_text()
    assert "Fewer &lt;b&gt;NRM&lt;/b&gt;." in _article(text, "nrm_referrals")
    assert "Writerperson" not in text and manager.username not in text
    assert "No commentary for 2026-Q2." in _article(text, "rhi_acceptance_rate")
