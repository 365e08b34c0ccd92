"""Importing source system extracts (docs/imports.md, "Source system extracts"): all or nothing,
every bad row listed with its row number and reason; a reload changes nothing; a changed row
updates its record."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cshub.audit.models import AuditEvent, Outcome
from cshub.linkage.choices import ImportStatus, MatchMethod
from cshub.linkage.models import ImportRun, SourceRecord, SourceSystem
from cshub.linkage.services import ImportRefused, import_source_file

from .conftest import COMMON, NHS, UPN, social_care_csv, social_care_rows

pytestmark = pytest.mark.django_db

ACTOR = "command:test"


def load(text: str, system: str = "mosaic", name: str = "extract.csv", **kwargs) -> ImportRun:
    file = io.BytesIO(text.encode("utf-8"))
    file.name = name
    return import_source_file(system=system, path_or_file=file, actor=ACTOR, **kwargs)


def refused(text: str, system: str = "mosaic") -> ImportRefused:
    with pytest.raises(ImportRefused) as info:
        load(text, system)
    return info.value


def test_default_systems_are_configured_as_data():
    systems = dict(SourceSystem.objects.values_list("code", "kind"))
    assert systems == {
        "mosaic": "social_care",
        "synergy": "education",
        "niche": "police",
        "childview": "youth_justice",
        "systmone": "health",
        "other": "other",
    }


def test_a_good_file_imports_with_counts_and_normalised_fields():
    seen = []
    run = load(social_care_csv(), progress=lambda *a: seen.append(a))
    assert (run.status, run.rows, run.created, run.unchanged, run.updated) == (
        ImportStatus.SUCCEEDED, 3, 3, 0, 0,
    )  # fmt: skip
    assert run.error_count == 0 and run.finished_at and run.rows_done == 3
    assert (
        run.run_by_label == ACTOR and run.file_name == "extract.csv" and len(run.file_sha256) == 64
    )
    casey = SourceRecord.objects.get(record_id="MOS1001")
    assert casey.given_name == "Casey" and casey.middle_names == "Jo"
    assert casey.aliases == ["Case Matrix", "KC"]
    assert casey.date_of_birth == dt.date(2011, 5, 17)
    assert casey.postcode == "AB1 2CD" and casey.nhs_number == NHS[0] and casey.upn == UPN[0]
    assert casey.flags == {"ce_flag": True, "cse_flag": False, "cin_status": "cin"}
    assert casey.other_identifiers == {"mosaic": "MOS1001"}
    assert casey.raw["postcode"] == "ab1 2cd"
    assert casey.person is None and casey.match_method == MatchMethod.UNMATCHED
    assert casey.match_probability is None
    assert casey.first_seen_run == run and casey.last_seen_run == run
    robin = SourceRecord.objects.get(record_id="MOS1002")
    assert robin.sex == "M" and robin.flags == {
        "ce_flag": False,
        "cse_flag": False,
        "cin_status": "cp",
    }
    sam = SourceRecord.objects.get(record_id="MOS1003")
    assert (sam.sex, sam.date_of_birth, sam.aliases, sam.flags) == ("U", None, [], {})
    event = AuditEvent.objects.get(action="linkage.import.succeeded")
    assert event.object_id == str(run.pk)
    assert event.details["created"] == 3 and event.details["run_by"] == ACTOR
    assert ("checking", 3, 3) in seen and ("writing", 3, 3) in seen


def test_education_police_youth_justice_and_health_flags():
    rows = {
        "synergy": (
            ",exclusions,attendance_pct,send",
            ",2,81.5,yes",
            {"exclusions": 2, "attendance_pct": 81.5, "send": True},
        ),
        "niche": (
            ",offences_count,missing_count",
            ",3,0",
            {"offences_count": 3, "missing_count": 0},
        ),
        "childview": (
            ",offences,order_type",
            ",3,referral_order",
            {"offences": 3, "order_type": "referral_order"},
        ),
        "systmone": (",ae_attendances", ",4", {"ae_attendances": 4}),
    }
    for code, (header, cells, flags) in rows.items():
        text = f"{COMMON}{header}\n123456,Ann,,Other,,2012-02-29,F,,,,,{cells}\n"
        run = load(text, code)
        assert run.created == 1, code
        assert SourceRecord.objects.get(system__code=code).flags == flags


def test_optional_columns_may_be_left_out():
    run = load("record_id,family_name\nMOS1,Sample\nMOS2,\n")
    assert run.created == 2
    assert SourceRecord.objects.get(record_id="MOS2").family_name == ""


def test_a_file_with_one_bad_row_is_refused_whole():
    rows = social_care_rows()
    rows[1] = rows[1].replace("2010-01-02", "02/01/2010")
    error = refused(social_care_csv(rows))
    assert [str(p) for p in error.problems] == [
        "row 3: date_of_birth: Write a date as YYYY-MM-DD, for example 2011-05-17."
    ]
    assert not SourceRecord.objects.exists()
    run = error.run
    run.refresh_from_db()
    assert run.status == ImportStatus.REFUSED and run.error_count == 1
    assert run.problems == [
        {
            "row": 3,
            "column": "date_of_birth",
            "message": "Write a date as YYYY-MM-DD, for example 2011-05-17.",
        }
    ]
    event = AuditEvent.objects.get(action="linkage.import.refused")
    assert event.outcome == Outcome.FAILED and event.details["count"] == 1
    assert not AuditEvent.objects.filter(action="linkage.import.succeeded").exists()


# Every kind of bad cell, one or two per row. Row 2 (the first after the header) is good.
SEVERAL = [
    "MOS2001,Good,,Row,,2011-05-17,F,,,,,,yes,no,cin",  # 2 good
    "MOS2002,Ann,,One,,2011-02-30,F,,,,,,,,",  # 3 no 30 February
    "MOS2003,Ben,,Two,,2099-01-01,X,,,,,,,,",  # 4 future date, unknown sex
    "MOS2004,Cat,,Three,,,,,,,1234567890,,,,",  # 5 NHS check digit
    "MOS2005,Dan,,Four,,,,,,,,A12345678901X,,,",  # 6 bad UPN
    "MOS2006,Eve,,Five,,,,,,,,,maybe,,",  # 7 not a boolean
    ",Fay,,Six,,,,,,,,,,,",  # 8 no record id
    "MOS2001,Gus,,Seven,,,,,,,,,,,",  # 9 same id as row 2
    "MOS2008,Hal,,Eight,,,,,,,,,,,,surplus",  # 10 one cell too many
    "not-a-mosaic-id,Ivy,,Nine,,,,,,,,,,,",  # 11 not the system's id shape
]


def test_a_file_with_several_bad_rows_lists_every_row_and_reason():
    error = refused(social_care_csv(SEVERAL))
    by_row: dict[int, list[str]] = {}
    for problem in error.problems:
        by_row.setdefault(problem.row, []).append(problem.column)
    assert by_row == {
        3: ["date_of_birth"],
        4: ["date_of_birth", "sex"],
        5: ["nhs_number"],
        6: ["upn"],
        7: ["ce_flag"],
        8: ["record_id"],
        9: ["record_id"],
        10: ["row"],
        11: ["record_id"],
    }
    text = "\n".join(str(p) for p in error.problems)
    assert "row 3: date_of_birth: 2011-02-30 is not a date in the calendar." in text
    assert "row 4: date_of_birth: This date is in the future." in text
    assert "row 4: sex: Sex is M, F or U" in text
    assert "row 5: nhs_number: This NHS number's check digit is wrong" in text
    assert "row 9: record_id: MOS2001 is also on row 2 of this file" in text
    assert "row 10: row: more cells than columns in the header" in text
    assert "row 11: record_id: A social care id is up to 4 letters" in text
    assert not SourceRecord.objects.exists()
    assert ImportRun.objects.get().error_count == len(error.problems) == 10


def test_numbers_must_be_non_negative():
    header = f"{COMMON},exclusions,attendance_pct,send\n"
    error = refused(header + "1,,,,,,,,,,,,-1,101,\n2,,,,,,,,,,,,1.5,nan,\n", "synergy")
    assert [(p.row, p.column) for p in error.problems] == [
        (2, "exclusions"),
        (2, "attendance_pct"),
        (3, "exclusions"),
        (3, "attendance_pct"),
    ]


def test_row_numbers_are_as_the_file_shows_them():
    # A blank line and a cell with a line break inside quotes: the editor's line numbers count.
    text = social_care_csv(['MOS1,Ann,,"Two\nLines",,,,,,,,,,,', "", "MOS2,Bo,,Sample,,,Q,,,,,,,,"])
    error = refused(text)
    assert [(p.row, p.column) for p in error.problems] == [(5, "sex")]


def test_unknown_column_is_refused():
    error = refused("record_id,family_name,favourite_colour,exclusions\nMOS1,Sample,red,2\n")
    assert [str(p) for p in error.problems] == [
        "header: unknown column(s) favourite_colour, exclusions: not in a social care extract"
    ]
    assert not SourceRecord.objects.exists()
    assert ImportRun.objects.get().status == ImportStatus.REFUSED


def test_missing_record_id_column_and_repeated_columns_are_refused():
    error = refused("family_name,family_name\nSample,Sample\n")
    assert [str(p) for p in error.problems] == [
        "header: missing column(s) record_id",
        "header: column(s) given twice: family_name",
    ]


def test_duplicate_ids_are_refused():
    error = refused(social_care_csv([*social_care_rows(), "mos1002,Robin,,Again,,,,,,,,,,,"]))
    assert [str(p) for p in error.problems] == [
        "row 5: record_id: MOS1002 is also on row 3 of this file"
    ]
    assert not SourceRecord.objects.exists()


def test_empty_and_unreadable_files_are_refused():
    assert [str(p) for p in refused("").problems] == [
        "file: The file is empty: the first row must be the header."
    ]
    assert [str(p) for p in refused(SOCIAL_CARE_ONLY_HEADER).problems] == [
        "file: no rows to import"
    ]
    file = io.BytesIO(b"record_id\n\xff\xfe\n")
    with pytest.raises(ImportRefused) as info:
        import_source_file(system="mosaic", path_or_file=file, actor=ACTOR)
    assert str(info.value.problems[0]).startswith("file: cannot be read as UTF-8")
    assert ImportRun.objects.filter(status=ImportStatus.REFUSED).count() == 3


SOCIAL_CARE_ONLY_HEADER = "record_id,family_name\n"


def test_an_inactive_system_is_refused():
    SourceSystem.objects.filter(code="mosaic").update(is_active=False)
    error = refused(social_care_csv())
    assert [str(p) for p in error.problems] == ["system: Mosaic is not active."]


def test_reimporting_the_same_file_changes_nothing():
    first = load(social_care_csv())
    before = {r.pk: (r.row_hash, r.updated_at, r.raw) for r in SourceRecord.objects.all()}
    second = load(social_care_csv())
    assert (second.created, second.updated, second.unchanged) == (0, 0, 3)
    after = {r.pk: (r.row_hash, r.updated_at, r.raw) for r in SourceRecord.objects.all()}
    assert after == before
    assert second.file_sha256 == first.file_sha256
    assert set(SourceRecord.objects.values_list("first_seen_run", flat=True)) == {first.pk}
    assert set(SourceRecord.objects.values_list("last_seen_run", flat=True)) == {second.pk}


def test_a_changed_row_updates_its_record():
    first = load(social_care_csv())
    rows = social_care_rows()
    rows[1] = (
        rows[1]
        .replace("2 Sample Street,AB1 3EF", "9 New Road,AB9 9ZZ")
        .replace("false,0,cp", "yes,0,cla")
    )
    second = load(social_care_csv(rows))
    assert (second.created, second.updated, second.unchanged) == (0, 1, 2)
    robin = SourceRecord.objects.get(record_id="MOS1002")
    assert robin.address == "9 New Road" and robin.postcode == "AB9 9ZZ"
    assert robin.flags == {"ce_flag": True, "cse_flag": False, "cin_status": "cla"}
    assert robin.raw["address"] == "9 New Road"
    assert robin.first_seen_run == first and robin.last_seen_run == second
    assert SourceRecord.objects.count() == 3


def test_a_new_row_in_a_later_file_is_created():
    load(social_care_csv())
    run = load(social_care_csv([*social_care_rows(), "MOS1004,New,,Child,,,,,,,,,,,"]))
    assert (run.created, run.updated, run.unchanged) == (1, 0, 3)


# --- the command --------------------------------------------------------------------------------


def test_command_imports_and_prints_counts_with_a_progress_bar(tmp_path):
    path = tmp_path / "mosaic.csv"
    path.write_text(social_care_csv(), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    call_command("import-source", str(path), "--system", "mosaic", stdout=out, stderr=err)
    assert "Imported 3 row(s) from Mosaic: 3 new, 0 updated, 0 unchanged." in out.getvalue()
    assert "100% 3/3" in err.getvalue() and "[####" in err.getvalue()
    run = ImportRun.objects.get()
    assert run.run_by_label == "command:import-source" and run.file_name == "mosaic.csv"
    call_command("import-source", str(path), "--system", "mosaic", stdout=out, stderr=err)
    assert "0 new, 0 updated, 3 unchanged." in out.getvalue()


def test_command_lists_every_bad_row_and_fails(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(social_care_csv(SEVERAL), encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="refused: 10 problem"):
        call_command("import-source", str(path), "--system", "mosaic", "--no-progress", stderr=err)
    lines = err.getvalue().splitlines()
    assert len(lines) == 10 and lines[0].startswith("row 3: date_of_birth:")
    assert not SourceRecord.objects.exists()


def test_command_refuses_an_unknown_system_or_file(tmp_path):
    with pytest.raises(CommandError, match="No source system with code 'nope'"):
        call_command("import-source", str(tmp_path / "x.csv"), "--system", "nope")
    with pytest.raises(CommandError, match="no such file"):
        call_command("import-source", str(tmp_path / "x.csv"), "--system", "mosaic")
    assert not ImportRun.objects.exists()
