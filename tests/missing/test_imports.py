"""The CSV import of missing reports (docs/imports.md): all or nothing, idempotent on the police
reference, every bad row listed with its row number and field."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from cshub.audit.models import AuditEvent
from cshub.contexts.models import PersonPlace
from cshub.missing.imports import ImportRefused, import_missing_csv
from cshub.missing.models import Episode, StrategyMeetingPrompt
from cshub.people.models import Person, Relationship

NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)

pytestmark = pytest.mark.django_db

HEADER = (
    "police_reference,reported_at,notified_at,given_name,family_name,date_of_birth,"
    "police_nominal_id,nhs_number,missing_from,placement_type,episode_type,risk_level,"
    "last_seen_at,last_seen_where,last_seen_with,returned_at,found_where,return_method\n"
)

# Three reports: the borough's child (matched by name and date of birth) with a return; a child
# nobody knows, away from a children's home, reported with a time without an offset (read as
# Europe/London); a third unknown child, also back.
GOOD = HEADER + (
    "MP/26/0101,2026-11-20T21:15:00Z,2026-11-20T22:00:00Z,Casey,Matrixchild,2011-05-17,,,"
    "home,,M,medium,2026-11-20T18:00:00Z,Bus station,,2026-11-22T08:00:00Z,Friend's flat,police\n"
    "MP/26/0102,2026-11-21T09:00:00,,Robin,Unknownperson,2010-01-02,,,"
    "care_placement,childrens_home,A,low,,,,,,\n"
    "mp/26/0103,2026-11-23T16:30:00+00:00,,Sam,Elsewhere,,AB12345,,"
    'school,,,high,2026-11-23T15:00:00Z,School gates,"Two older boys, one in a red jacket",'
    "2026-11-24T07:45:00Z,,returned\n"
)

# Only the required columns and a few optional ones: optional columns may be left out.
BAD = (
    "police_reference,reported_at,given_name,family_name,date_of_birth,nhs_number,"
    "missing_from,risk_level,returned_at\n"
    "MP/26/0201,2026-11-20T21:15:00Z,Casey,Matrixchild,2011-05-17,,home,medium,\n"  # 2 good
    "MP/26/0202,2026-11-20T21:15:00Z,Ann,One,2011-05-17,,home,extreme,\n"  # 3 unknown risk code
    "MP/26/0203,2026-11-20T21:15:00Z,Ben,Two,2011-02-30,,home,low,\n"  # 4 no 30 February
    "MP/26/0204,2026-11-20T21:15:00Z,Cat,Three,,,home,low,2026-11-20T20:00:00Z\n"  # 5 early return
    "MP/26/0205,2026-11-20T21:15:00Z,Dan,Four,,,home,low,\n"  # 6 good
    "mp/26/0205,2026-11-21T08:00:00Z,Eve,Five,,,home,low,\n"  # 7 same reference as row 6
    "MP/26/0207,2026-11-20T21:15:00Z,Fay,Six,,,home,low,,surplus\n"  # 8 one cell too many
    "MP/26/0208,2026-11-20T21:15:00Z,Gus,Seven,,1234567890,home,low,\n"  # 9 bad NHS number
    "MP/26/0209,2026-11-26T10:00:00Z,Hal,Eight,,,home,low,\n"  # 10 tomorrow
    "MP/26/0210,01/11/2026 10:00,Ivy,Nine,,,home,low,\n"  # 11 not ISO 8601
    "MP/26/0211,2026-11-20T21:15:00Z,Jo,,,,home,low,\n"  # 12 no family name
)
BAD_ROWS = {
    3: ["risk_level"],
    4: ["child.date_of_birth"],
    5: ["returned_at"],
    7: ["police_reference"],
    8: ["more cells than columns"],
    9: ["child.nhs_number"],
    10: ["reported_at"],
    11: ["reported_at"],
    12: ["child.family_name"],
}


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _counts() -> dict:
    return {
        "episodes": Episode.objects.count(),
        "people": Person.objects.count(),
        "places": PersonPlace.objects.count(),
        "relationships": Relationship.objects.count(),
        "prompts": StrategyMeetingPrompt.objects.count(),
        "reported": AuditEvent.objects.filter(action="missing.episode.reported").count(),
        "loaded": AuditEvent.objects.filter(action="missing.import.loaded").count(),
    }


def _refused(text: str, agency_code: str = "police") -> list[str]:
    with pytest.raises(ImportRefused) as refused:
        import_missing_csv(text=text, agency_code=agency_code)
    return refused.value.problems


def _run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import-missing", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


# --- a good file ---------------------------------------------------------------------------------


def test_a_good_file_imports_every_row_with_its_return(borough):
    result = import_missing_csv(text=GOOD, agency_code="police")
    assert (result.created, result.returns, result.unmatched, result.already_held) == (3, 2, 2, 0)
    assert len(result.episodes) == 3
    episodes = {e.police_reference: e for e in Episode.objects.all()}
    assert set(episodes) == {"MP/26/0101", "MP/26/0102", "MP/26/0103"}
    assert {e.source for e in episodes.values()} == {"import"}
    assert {e.reporting_agency.code for e in episodes.values()} == {"police"}

    casey = episodes["MP/26/0101"]
    assert casey.person == borough["child"]
    assert casey.match_basis == "same name and date of birth"
    assert casey.notified_at == dt.datetime(2026, 11, 20, 22, 0, tzinfo=dt.UTC)
    assert casey.returned_at == dt.datetime(2026, 11, 22, 8, 0, tzinfo=dt.UTC)
    assert casey.rhi_due_at == dt.datetime(2026, 11, 25, 8, 0, tzinfo=dt.UTC)
    assert (casey.found_where, casey.return_method) == ("Friend's flat", "police")

    robin = episodes["MP/26/0102"]
    assert robin.person is None  # nobody like this is held: waits in the unmatched queue
    assert robin.reported_at == dt.datetime(2026, 11, 21, 9, 0, tzinfo=dt.UTC)  # London = GMT
    assert robin.notified_at == NOW  # no notified_at: the time it reached us
    assert (robin.episode_type, robin.placement_type) == ("A", "childrens_home")
    assert robin.returned_at is None and robin.rhi_due_at is None

    sam = episodes["MP/26/0103"]
    assert sam.person is None
    assert sam.episode_type == "M"  # the default when the cell is empty
    assert sam.reported_police_nominal_id == "AB12345"
    assert sam.last_seen_with == "Two older boys, one in a red jacket"
    assert sam.return_method == "returned"

    loaded = AuditEvent.objects.get(action="missing.import.loaded")
    assert loaded.details == {
        "agency": "police",
        "created": 3,
        "already_held": 0,
        "returns": 2,
        "unmatched": 2,
    }


def test_times_without_an_offset_are_read_as_london_time_in_summer(borough):
    text = (
        "police_reference,reported_at,given_name,family_name,missing_from,risk_level\n"
        "MP/26/0301,2026-07-01T10:00:00,Ann,Summer,home,low\n"
    )
    import_missing_csv(text=text, agency_code="police")
    assert Episode.objects.get().reported_at == dt.datetime(2026, 7, 1, 9, 0, tzinfo=dt.UTC)


def test_reloading_the_same_file_changes_nothing(borough):
    import_missing_csv(text=GOOD, agency_code="police")
    before = {e.pk: (e.police_risk, e.returned_at, e.updated_at) for e in Episode.objects.all()}
    counts = _counts()

    again = import_missing_csv(text=GOOD, agency_code="police")

    assert (again.created, again.returns, again.unmatched, again.already_held) == (0, 0, 0, 3)
    assert again.episodes == []
    after = {e.pk: (e.police_risk, e.returned_at, e.updated_at) for e in Episode.objects.all()}
    assert after == before
    assert _counts() == {**counts, "loaded": counts["loaded"] + 1}
    assert AuditEvent.objects.filter(action="missing.episode.report_repeated").count() == 3


def test_the_command_imports_a_good_file_and_a_reload_changes_nothing(borough, tmp_path):
    path = tmp_path / "missing.csv"
    path.write_text(GOOD, encoding="utf-8")

    out, err = _run(str(path), "--agency", "police")
    assert "Imported 3 episode(s) (2 with returns, 2 waiting to be matched); 0 already held." in out
    assert err == ""
    assert Episode.objects.count() == 3

    out, _ = _run(str(path), "--agency", "police")
    assert "Imported 0 episode(s) (0 with returns, 0 waiting to be matched); 3 already held." in out
    assert Episode.objects.count() == 3


def test_a_utf8_byte_order_mark_is_accepted(borough, tmp_path):
    assert import_missing_csv(text="\ufeff" + GOOD, agency_code="police").created == 3
    Episode.objects.all().delete()
    path = tmp_path / "from-excel.csv"
    path.write_text(GOOD, encoding="utf-8-sig")  # what Excel's "CSV UTF-8" writes
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    out, _ = _run(str(path), "--agency", "police")
    assert "Imported 3 episode(s)" in out


# --- a bad file ----------------------------------------------------------------------------------


def test_a_file_with_bad_rows_is_refused_whole_listing_every_bad_row(borough):
    counts = _counts()

    problems = _refused(BAD)

    for row, fields in BAD_ROWS.items():
        for field in fields:
            assert any(p.startswith(f"row {row}: {field}") for p in problems), (row, field)
    assert {int(p.split(":")[0].removeprefix("row ")) for p in problems} == set(BAD_ROWS)
    assert "row 7: police_reference: MP/26/0205 is also on row 6 of this file" in problems
    assert "row 8: more cells than columns" in problems
    assert (
        "row 5: returned_at: The child cannot return before they were reported missing." in problems
    )
    assert "row 10: reported_at: This time is in the future." in problems
    assert any(p.startswith("row 9: child.nhs_number: ") and "check digit" in p for p in problems)
    # Nothing at all was stored, not even the good rows 2 and 6.
    assert _counts() == counts
    assert not Episode.objects.exists()
    refusal = AuditEvent.objects.get(action="missing.import.refused")
    assert refusal.outcome == "failed"
    assert refusal.details["agency"] == "police"
    assert refusal.details["count"] == len(problems)
    assert refusal.details["problems"] == problems


def test_one_bad_row_refuses_a_file_of_good_ones(borough):
    text = GOOD + (
        "MP/26/0104,2026-11-20T21:15:00Z,,Ann,Other,,,,home,,,severe,,,,,,\n"  # row 5
    )
    problems = _refused(text)
    assert len(problems) == 1 and problems[0].startswith("row 5: risk_level: ")
    assert not Episode.objects.exists()


def test_a_bad_header_is_refused_naming_the_missing_and_unknown_columns(borough):
    text = (
        "police_reference,reported_at,given_name,family_name,missing_from,favourite_colour\n"
        "MP/26/0401,2026-11-20T21:15:00Z,Ann,One,home,blue\n"
    )
    assert _refused(text) == [
        "header: missing column(s) risk_level",
        "header: unknown column(s) favourite_colour",
    ]
    assert not Episode.objects.exists()
    refusal = AuditEvent.objects.get(action="missing.import.refused")
    assert refusal.details["count"] == 2


def test_the_command_prints_every_problem_and_fails(borough, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(BAD, encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError) as failed:
        call_command(
            "import-missing", str(path), "--agency", "police", stdout=io.StringIO(), stderr=err
        )
    lines = err.getvalue().splitlines()
    assert f"{path} was refused: {len(lines)} problem(s) above" in str(failed.value)
    assert "Nothing was imported" in str(failed.value)
    for row, fields in BAD_ROWS.items():
        for field in fields:
            assert any(line.startswith(f"row {row}: {field}") for line in lines), (row, field)
    assert not Episode.objects.exists()
    assert AuditEvent.objects.filter(action="missing.import.refused").count() == 1


def test_an_unknown_agency_is_refused(borough, tmp_path):
    assert _refused(GOOD, agency_code="nope") == ["No agency with code 'nope'."]
    path = tmp_path / "missing.csv"
    path.write_text(GOOD, encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="refused: 1 problem"):
        call_command("import-missing", str(path), "--agency", "nope", stderr=err)
    assert "No agency with code 'nope'." in err.getvalue()
    assert not Episode.objects.exists()


def test_a_non_police_agency_is_refused(borough):
    with pytest.raises(ImportRefused):
        import_missing_csv(text=GOOD, agency_code="education")
    assert not Episode.objects.exists()


def test_row_numbers_count_blank_lines_as_the_file_shows_them(borough):
    text = (
        "police_reference,reported_at,given_name,family_name,missing_from,risk_level\n"
        "MP/26/0501,2026-11-20T21:15:00Z,Ann,One,home,low\n"  # line 2
        "\n"  # line 3: blank (a spreadsheet shows an empty row 3)
        "MP/26/0502,2026-11-20T21:15:00Z,Ben,Two,home,amber\n"  # line 4
    )
    [problem] = _refused(text)
    assert problem.startswith("row 4: risk_level: ")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            "",
            "header: missing column(s) family_name, given_name, missing_from, "
            "police_reference, reported_at, risk_level",
        ),
        ("\ufeff", "header: missing column(s) family_name"),
        (HEADER, "file: no rows to import"),
        (HEADER + "\n\n", "file: no rows to import"),
    ],
)
def test_an_empty_file_or_a_header_alone_is_refused(borough, text, problem):
    problems = _refused(text)
    assert len(problems) == 1 and problems[0].startswith(problem)
    assert not Episode.objects.exists()
    assert AuditEvent.objects.filter(action="missing.import.refused").count() == 1


def test_the_command_refuses_an_empty_file(borough, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="was refused"):
        call_command("import-missing", str(path), "--agency", "police", stderr=err)
    assert "header: missing column(s)" in err.getvalue()


def test_the_command_refuses_a_file_it_cannot_read(borough, tmp_path):
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes(GOOD.replace("Sam", "S\u00e9an").encode("latin-1"))
    with pytest.raises(CommandError, match="Cannot read"):
        _run(str(latin1), "--agency", "police")
    with pytest.raises(CommandError, match="Cannot read"):
        _run(str(tmp_path / "absent.csv"), "--agency", "police")
    assert not Episode.objects.exists()
