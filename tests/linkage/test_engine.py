"""The linkage engine and `cshub link-files`: deterministic rules, twins and siblings, the
thresholds, and exact pairs on small known files. All names and numbers are made up."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cshub.core.identifiers import make_nhs_number, make_upn
from cshub.linkage import engine
from cshub.linkage.engine import Thresholds, likely_twins, link

COLUMNS = engine.STANDARD_COLUMNS
NHS_A, NHS_B = make_nhs_number(1201), make_nhs_number(1202)
UPN_A = make_upn(la_code=370, establishment=4001, year=2011, serial=17)


def frame(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame([{c: r.get(c) for c in COLUMNS} for r in rows])


def person(record_id, given, family, dob, *, sex="M", postcode="S70 2AB", address="", **extra):
    return {
        "record_id": record_id,
        "given_name": given,
        "family_name": family,
        "date_of_birth": dob,
        "sex": sex,
        "postcode": postcode,
        "address": address or f"{len(family)} Church Street",
        **extra,
    }


SMALL = [
    person("a1", "William", "Hartley", "2011-03-04", address="12 Church Street"),
    person("a2", "Bill", "Hartley", "2011-04-03", address="12 Church St"),  # nickname, swap
    person("a3", "Jack", "Ormond", "2012-06-10", postcode="S71 3CD", address="4 Mill Lane"),
    person("a4", "Jake", "Ormond", "2012-06-10", postcode="S71 3CD", address="4 Mill Lane"),
    person("a5", "Priya", "Khan-Lees", "2010-01-20", sex="F", postcode="S73 9ZZ"),
    person("a6", "Priya", "Khan", "2010-01-20", sex="F", postcode="S73 9ZZ"),
    person("a7", "Sophie", "Turner", "2009-09-09", sex="F", postcode="S75 1AA"),
    person("a8", "Sophie", "Turner", "2013-02-14", sex="F", postcode="S74 4BB"),  # namesake
    person("a9", "Tom", "Ormond", "2014-11-02", postcode="S71 3CD", address="4 Mill Lane"),
    person("a10", "Ormond", "Tom", "2014-11-02", postcode="S71 3CD", address="4 Mill Lane"),
]
THRESHOLDS = Thresholds(upper=0.95, lower=0.5)


def _pairs(result, decision=None) -> set[tuple[str, str]]:
    p = result.pairs
    if decision:
        p = p[p["decision"] == decision]
    return set(zip(p["left_id"], p["right_id"], strict=True))


def test_nicknames_swaps_hyphens_and_name_order_link_but_twins_go_to_review():
    result = link(frame(SMALL), thresholds=THRESHOLDS)
    assert _pairs(result, "link") == {("a1", "a2"), ("a5", "a6"), ("a10", "a9")}
    twins = result.pairs.set_index(["left_id", "right_id"]).loc[("a3", "a4")]
    assert twins["twins"] and twins["decision"] == "review"
    assert ("a7", "a8") not in _pairs(result)  # namesakes: different dates and homes


def test_siblings_at_one_address_are_kept_apart():
    rows = [
        person("s1", "Ellie", "Marsh", "2010-05-01", address="9 Oak Road"),
        person("s2", "Ruby", "Marsh", "2012-08-19", address="9 Oak Road"),
        person("s3", "Ellie", "Marsh", "2010-05-01", address="9 Oak Road"),  # a true duplicate
    ]
    result = link(frame(rows), thresholds=THRESHOLDS)
    assert _pairs(result, "link") == {("s1", "s3")}
    assert not {("s1", "s2"), ("s2", "s3")} & _pairs(result)


def test_a_rare_one_keystroke_variant_is_a_typo_not_a_twin():
    a = {"given_name": "melinda", "date_of_birth": "1996-11-27", "postcode": "S702AB"}
    typo = a | {"given_name": "melind"}
    assert likely_twins(a, typo)  # without the files' name counts: held back, as before
    assert not likely_twins(a, typo, {"melinda": 12, "melind": 1})  # a tenth as often
    assert not likely_twins(a, typo, {"melinda": 3, "melind": 1})  # once beside 3 or more
    assert likely_twins(a, typo, {"melinda": 2, "melind": 1})
    # Two spellings in use are two names: twins Sophie and Sophia, Kacper and Kasper.
    sophie, sophia = a | {"given_name": "sophie"}, a | {"given_name": "sophia"}
    assert likely_twins(sophie, sophia, {"sophie": 31, "sophia": 16})
    kacper, kasper = a | {"given_name": "kacper"}, a | {"given_name": "kasper"}
    assert likely_twins(kacper, kasper, {"kacper": 13, "kasper": 2})
    # More than one keystroke apart: never taken for a typo, however rare.
    jack, jake = a | {"given_name": "jack"}, a | {"given_name": "jake"}
    assert likely_twins(jack, jake, {"jack": 100, "jake": 1})


def test_likely_twins_rule():
    a = {"given_name": "jack", "date_of_birth": "2012-06-10", "address": "4 mill lane"}
    assert likely_twins(a, a | {"given_name": "jake"})
    assert not likely_twins(a, a)  # same name: the same child, not twins
    assert not likely_twins(a, a | {"given_name": "jacky"} | {"date_of_birth": "2013-06-10"})
    assert not likely_twins(a, a | {"given_name": "jake", "address": "1 other road"})
    assert not likely_twins({**a, "given_name": "william"}, {**a, "given_name": "bill"})


def test_same_valid_nhs_number_or_upn_links_whatever_the_names():
    rows = [
        person("h1", "Kayleigh", "Booth", "2011-02-03", nhs_number=NHS_A, postcode="S70 1AA"),
        person("e1", "Kayley", "Smith", "2011-02-03", nhs_number=NHS_A, postcode="S99 9ZZ"),
        person("e2", "Amir", "Patel", "2012-07-07", upn=UPN_A),
        person("s2", "Amir", "Patel-Shah", "2012-07-07", upn=UPN_A.lower()),
    ]
    result = link(frame(rows), thresholds=THRESHOLDS)
    by_pair = result.pairs.set_index(["left_id", "right_id"])
    assert by_pair.loc[("e1", "h1"), "method"] == "deterministic_nhs_number"
    assert by_pair.loc[("e1", "h1"), "decision"] == "link"
    assert by_pair.loc[("e2", "s2"), "method"] == "deterministic_upn"


def test_an_invalid_identifier_takes_no_part_in_the_rules_but_counts_as_evidence():
    bad = NHS_A[:-1] + str((int(NHS_A[-1]) + 1) % 10)  # wrong check digit
    rows = [
        person("x1", "Aaron", "Gill", "2011-01-01", nhs_number=bad, postcode="S70 1AA"),
        person("x2", "Zofia", "Nowak", "2003-12-30", nhs_number=bad, sex="F", postcode="S75 9ZZ"),
    ]
    pairs = link(frame(rows), thresholds=THRESHOLDS, floor=0.0).pairs
    # Not the deterministic rule: scored like any field, and nothing else agrees.
    assert list(pairs["method"]) == ["probabilistic"]
    assert list(pairs["decision"]) == ["new"] and list(pairs["gamma_nhs_number"]) == [3]
    # The same invalid number on two records that otherwise look alike tips them over.
    alike = [
        person("y1", "Aaron", "Gill", "2011-01-01", nhs_number=bad, postcode="S70 1AA"),
        person("y2", "Aaron", "Gil", "2011-01-10", nhs_number=bad, postcode="S70 9ZZ"),
    ]
    without = [{**r, "nhs_number": None} for r in alike]
    with_id = link(frame(alike), thresholds=THRESHOLDS, floor=0.0).pairs
    without_id = link(frame(without), thresholds=THRESHOLDS, floor=0.0).pairs
    assert with_id["match_probability"].iloc[0] > without_id["match_probability"].iloc[0]
    assert with_id["bf_nhs_number"].iloc[0] > 100 and without_id["bf_nhs_number"].iloc[0] == 1


def test_different_identifiers_count_against_a_match():
    rows = [
        person("d1", "Aaron", "Gill", "2011-01-01", nhs_number=NHS_A),
        person("d2", "Aaron", "Gill", "2011-01-01", nhs_number=NHS_B),
        person("d3", "Aaron", "Gill", "2011-01-01"),
    ]
    pairs = link(frame(rows), thresholds=THRESHOLDS, floor=0.0).pairs.set_index(
        ["left_id", "right_id"]
    )
    assert pairs.loc[("d1", "d2"), "bf_nhs_number"] < 0.1  # two real numbers, two children
    assert pairs.loc[("d1", "d3"), "bf_nhs_number"] == 1  # one missing: no evidence
    assert (
        pairs.loc[("d1", "d2"), "match_probability"] < pairs.loc[("d1", "d3"), "match_probability"]
    )


def test_placeholder_identifiers_are_not_evidence():
    rows = [
        person(f"z{i}", name, "Gill", f"201{i % 10}-0{1 + i % 9}-1{i % 10}", nhs_number=number)
        for i, (name, number) in enumerate(
            [(n, "0000000000") for n in ("Aaron", "Bea")]
            + [(f"Kid{i}", "999 999 0001") for i in range(engine.IDENTIFIER_PLACEHOLDER_COUNT + 1)]
        )
    ]
    prepared = engine.prepare(frame(rows))
    assert prepared["nhs_number_given"].isna().all()  # one repeated digit; held by too many
    fewer = engine.prepare(frame(rows[: engine.IDENTIFIER_PLACEHOLDER_COUNT + 2]))
    assert fewer["nhs_number_given"].iloc[-1] == "9999990001"  # ten records may share one


def test_twins_are_told_apart_by_their_identifiers():
    twin = {"given_name": "jack", "date_of_birth": "2012-06-10", "address": "4 mill lane"}
    jake = twin | {"given_name": "jake"}
    # Twins' NHS numbers are often consecutive: two digits apart. Still twins.
    import jellyfish

    assert jellyfish.damerau_levenshtein_distance(NHS_A, NHS_B) == 2  # consecutive, both valid
    assert likely_twins(twin | {"nhs_number_given": NHS_A}, jake | {"nhs_number_given": NHS_B})
    # The same number, or one keystroke from it (two real ones never are): one child whose
    # given name was recorded wrongly, not twins.
    assert not likely_twins(twin | {"nhs_number_given": NHS_A}, jake | {"nhs_number_given": NHS_A})
    slip = NHS_A[:4] + str((int(NHS_A[4]) + 1) % 10) + NHS_A[5:]
    assert not likely_twins(twin | {"nhs_number_given": NHS_A}, jake | {"nhs_number_given": slip})
    assert not likely_twins(twin | {"upn_given": UPN_A}, jake | {"upn_given": UPN_A})


def test_names_written_the_other_way_round_are_not_a_contradiction():
    a = {"given_name": "thomas", "family_name": "wasley", "date_of_birth": "1917-05-05"}
    swapped = {"given_name": "wasley", "family_name": "thomas", "date_of_birth": "1983-01-28"}
    assert not engine.contradicts(a, swapped)
    assert engine.contradicts(a, swapped | {"given_name": "ruby", "family_name": "wasley"})


def test_names_half_written_the_other_way_round_are_neither_twins_nor_siblings():
    """One record's given name as the other's family name, the other name mistyped or another
    (FEBRL4's "Chloe Ryan" and "Ryna Chloe"): one person, not twins, not siblings."""
    chloe = {
        "given_name": "chloe",
        "family_name": "ryan",
        "date_of_birth": "2011-07-12",
        "address": "53 york street",
    }
    ryna = chloe | {"given_name": "ryna", "family_name": "chloe"}
    assert not likely_twins(chloe, ryna) and not engine.contradicts(chloe, ryna)
    # Twins share a family name, not one's given name as the other's family name.
    assert likely_twins(chloe, chloe | {"given_name": "ruby"})
    # Amira Chaudhry written the other way round, and her sister Inaya, with one UPN copied:
    # only the family name is shared, so that is still a contradiction, and at one birthday
    # still twins.
    amira = {"given_name": "chaudhry", "family_name": "amira", "date_of_birth": "2019-09-04"}
    inaya = {"given_name": "inaya", "family_name": "chaudhry", "date_of_birth": "2017-06-29"}
    assert engine.contradicts(amira, inaya)
    home = {"address": "32 willow street", "date_of_birth": "2019-09-04"}
    assert likely_twins(amira | home, inaya | home)
    rows = [
        person("h1", "Chloe", "Ryan", "2011-07-12", sex="F", address="53 York Street"),
        person("h2", "Ryna", "Chloe", "2011-07-12", sex="F", address="53 York Street"),
        person("h3", "Harrison", "Capurso", "2010-02-03", postcode="S75 1AA"),
        person("h4", "Capurso", "Harisson", "2010-02-03", postcode="S75 1AA"),
    ]
    result = link(frame(rows), thresholds=THRESHOLDS, floor=0.0)
    assert {("h1", "h2"), ("h3", "h4")} <= _pairs(result, "link")
    labels = engine.level_labels(result.model_json)["family_name"]
    by_pair = result.pairs.set_index(["left_id", "right_id"])
    assert labels[by_pair.loc[("h1", "h2"), "gamma_family_name"]].startswith("written as")
    assert not by_pair["twins"].any()


def test_two_neighbouring_digits_swapped_in_a_date_of_birth_are_a_typo():
    assert engine._dob_close("1937-04-16", "1973-04-16")  # a year's digits swapped
    assert engine._dob_close("2012-11-13", "2012-11-31")
    assert engine._dob_close("2012-11-13", "2012-11-14")  # one digit changed, as before
    assert not engine._dob_close("2012-11-13", "2012-12-31")
    jack = {"given_name": "jack", "date_of_birth": "2012-11-13"}
    assert not engine.contradicts(jack, {"given_name": "jsk", "date_of_birth": "2012-11-31"})
    assert engine.contradicts(jack, {"given_name": "ruby", "date_of_birth": "2014-02-01"})
    rows = [
        person("t1", "Hayden", "Thredgold", "2012-04-16", address="7 Calder Road"),
        person("t2", "Hayden", "Thredgold", "2012-04-61", address="7 Calder Road"),
    ]
    result = link(frame(rows), thresholds=THRESHOLDS, floor=0.0)
    labels = engine.level_labels(result.model_json)["date_of_birth"]
    assert labels[result.pairs["gamma_date_of_birth"].iloc[0]].startswith("one typo")


def test_without_holds_twins_siblings_and_contradictions_are_decided_by_probability():
    rows = [
        *SMALL,
        person("c1", "Aaron", "Gill", "2011-01-01", nhs_number=NHS_B),
        person("c2", "Zofia", "Gill", "2004-09-30", nhs_number=NHS_B, sex="F"),
    ]
    held = link(frame(rows), thresholds=THRESHOLDS).pairs.set_index(["left_id", "right_id"])
    alone = link(frame(rows), thresholds=THRESHOLDS, holds=False).pairs.set_index(
        ["left_id", "right_id"]
    )
    assert held.loc[("a3", "a4"), "decision"] == "review"  # likely twins
    assert held.loc[("c1", "c2"), "method"] == "contradicted_identifier"
    twins = alone.loc[("a3", "a4")]
    assert twins["twins"] and twins["decision"] == "link"  # still marked, but not held
    assert twins["match_probability"] == held.loc[("a3", "a4"), "match_probability"] >= 0.95
    rule = alone.loc[("c1", "c2")]
    assert rule["method"] == "deterministic_nhs_number" and rule["decision"] == "link"
    same = ["match_probability", "decision"]
    assert alone.loc[("a1", "a2"), same].tolist() == held.loc[("a1", "a2"), same].tolist()


def test_a_strong_contradiction_sends_a_shared_identifier_to_review():
    rows = [
        person("c1", "Aaron", "Gill", "2011-01-01", nhs_number=NHS_B),
        person("c2", "Zofia", "Gill", "2004-09-30", nhs_number=NHS_B, sex="F"),
    ]
    result = link(frame(rows), thresholds=THRESHOLDS)
    row = result.pairs.set_index(["left_id", "right_id"]).loc[("c1", "c2")]
    assert row["method"] == "contradicted_identifier" and row["decision"] == "review"
    # A typo or a swapped date is not a contradiction.
    rows[1] |= {"given_name": "Aron", "date_of_birth": "2011-01-01"}
    assert engine.contradicts(*engine.prepare(frame(rows)).to_dict("records")) is False


def test_thresholds():
    t = Thresholds(upper=0.9, lower=0.4)
    assert [t.decide(p) for p in (0.95, 0.9, 0.89, 0.4, 0.39)] == [
        "link",
        "link",
        "review",
        "review",
        "new",
    ]
    for upper, lower in ((0.4, 0.9), (1.2, 0.1), (0.5, -0.1)):
        with pytest.raises(ValueError):
            Thresholds(upper=upper, lower=lower)


def test_prepare_keeps_values_as_given():
    prepared = engine.prepare(frame([person("p1", " O'Neil ", "SMITH", "2011-13-45")]))
    row = prepared.iloc[0]
    assert row["given_name"] == "o'neil" and row["family_name"] == "smith"
    assert row["date_of_birth"] == "2011-13-45"  # not a date, but used as given
    assert row["postcode"] == "S702AB" and row["postcode_district"] == "S70"


def test_prepare_splits_house_numbers_from_the_street():
    rows = [
        person("h1", "a", "b", "2011-01-01", address="Flat 3, 12 High St."),
        person("h2", "a", "b", "2011-01-01", address="Rose Cottage, Hoyland"),
        person("h3", "a", "b", "2011-01-01", address="12a High Street"),
    ]
    prepared = engine.prepare(frame(rows)).set_index("record_id")
    assert prepared.loc["h1", "address_number"] == "3 12"
    assert prepared.loc["h1", "address_street"] == "flat high st"
    assert prepared.loc["h2", "address_number"] is None
    assert prepared.loc["h2", "address_street"] == "rose cottage hoyland"
    assert prepared.loc["h3", "address_number"] == "12a"


def test_neighbours_on_one_street_are_not_one_home():
    rows = [
        person("n1", "Aaron", "Gill", "2011-01-01", address="12 Church Street"),
        person("n2", "Aaron", "Gill", "2011-01-01", address="14 Church Street"),
        person("n3", "Aaron", "Gill", "2011-01-01", address="12 Church St"),
    ]
    pairs = link(frame(rows), thresholds=THRESHOLDS, floor=0.0).pairs.set_index(
        ["left_id", "right_id"]
    )
    labels = engine.level_labels(link(frame(rows), thresholds=THRESHOLDS).model_json)["address"]
    assert labels[pairs.loc[("n1", "n2"), "gamma_address"]] == "same street, another number"
    assert labels[pairs.loc[("n1", "n3"), "gamma_address"]] == "same number, similar street"
    assert pairs.loc[("n1", "n3"), "bf_address"] > pairs.loc[("n1", "n2"), "bf_address"]


# --- cshub link-files ----------------------------------------------------------------------


def _write(path, rows):
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        for r in rows:
            writer.writerow({c: r.get(c) or "" for c in COLUMNS})
    return path


def _read(path) -> list[tuple[str, str]]:
    with path.open() as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["left_id", "right_id", "match_probability"] if rows else True
    return sorted((r["left_id"], r["right_id"]) for r in rows)


def test_link_files_deduplicates_one_file(tmp_path):
    src = _write(tmp_path / "people.csv", SMALL)
    out = tmp_path / "pairs.csv"
    err = io.StringIO()
    call_command("link-files", str(src), "--out", str(out), stderr=err)
    assert _read(out) == [("a1", "a2"), ("a10", "a9"), ("a5", "a6")]
    assert "held back" in err.getvalue()  # the twins
    everything = tmp_path / "all.csv"
    err = io.StringIO()
    call_command("link-files", str(src), "--out", str(everything), "--no-holds", stderr=err)
    # The twins' own probability (above the threshold) decides them: written.
    assert _read(everything) == [("a1", "a2"), ("a10", "a9"), ("a3", "a4"), ("a5", "a6")]
    assert "held back" not in err.getvalue()


def test_link_files_links_two_files(tmp_path):
    left = _write(
        tmp_path / "social_care.csv",
        [
            person("MOS123", "Katie", "Walsh", "2010-10-02", sex="F", nhs_number=NHS_A),
            person("MOS124", "Daniel", "Price", "2011-06-01"),
            person("MOS125", "Leon", "Abara", "2012-01-15", postcode="S72 8QQ"),
        ],
    )
    right = _write(
        tmp_path / "education.csv",
        [
            person("UPN-1", "Catherine", "Walsh", "2010-02-10", sex="F", postcode="S70 2AX"),
            person("UPN-2", "Danny", "Price", "2011-06-01"),
            person("UPN-3", "Leona", "Abara", "2012-01-15", sex="F", postcode="S72 8QQ"),
        ],
    )
    out = tmp_path / "pairs.csv"
    call_command("link-files", str(left), str(right), "--out", str(out), stderr=io.StringIO())
    assert _read(out) == [("MOS123", "UPN-1"), ("MOS124", "UPN-2")]


@pytest.mark.parametrize(
    "header, message",
    [
        ("record_id,given_name", "missing"),
        (",".join([*COLUMNS, "ethnicity"]), "not expected"),
    ],
)
def test_link_files_refuses_a_wrong_header(tmp_path, header, message):
    src = tmp_path / "bad.csv"
    src.write_text(header + "\n")
    with pytest.raises(CommandError, match=message):
        call_command("link-files", str(src), "--out", str(tmp_path / "o.csv"))
    assert not (tmp_path / "o.csv").exists()


def test_link_files_refuses_repeated_ids_and_a_bad_threshold(tmp_path):
    src = _write(tmp_path / "dup.csv", [SMALL[0], SMALL[0]])
    with pytest.raises(CommandError, match="repeated"):
        call_command("link-files", str(src), "--out", str(tmp_path / "o.csv"))
    ok = _write(tmp_path / "ok.csv", SMALL[:2])
    with pytest.raises(CommandError, match="probability"):
        call_command("link-files", str(ok), "--out", str(tmp_path / "o.csv"), "--threshold", "2")


# --- the column-wise versions give the row-by-row answers -------------------------------------

TRICKY = [
    person("t1", " O'Neil ", "SMITH", "2011-13-45", sex=" m", postcode="s70\t2ab"),
    person("t2", "--", "Ann\tMarie", " 2011-01-01 ", sex="Male", postcode="S7", address="  "),
    person("t3", "ÉLODIE", "ß", "", sex="ß", postcode="", nhs_number="943 476 5919"),
    person("t4", "Jo-", "x", "20", sex="Ｍ", postcode="ab12", nhs_number="943-476-5919"),
    person("t5", "a  b", "c", None, sex="", postcode=None, nhs_number="١٢٣٤٥٦٧٨٩٠"),
    person("t6", "Bill", "Hartley", "2011-03-04", upn=UPN_A.lower(), nhs_number=NHS_A + "0"),
    person("t7", "bill", "hartley", "2011-03-04", upn=UPN_A[:3] + " " + UPN_A[3:]),
    person("t8", "x", "y", "2011-03-04", upn="S" + UPN_A[1:], nhs_number="0000000000"),
    person("t9", "x", "y", "2011-03-04", upn=UPN_A[:5] + "١" + UPN_A[6:], nhs_number=" "),
]


def test_prepare_column_wise_is_the_row_by_row_answer():
    rows = frame(TRICKY)
    rows.loc[len(rows)] = [7, 5, None, float("nan"), 3, 7, None, 9434765919, 12]
    assert engine.prepare(rows).equals(engine._prepare_by_row(rows))
    assert engine.prepare(rows.iloc[:0]).equals(engine._prepare_by_row(rows.iloc[:0]))


def test_identifier_checks_agree_with_the_identifiers_module():
    import random

    rng = random.Random(7)
    upns, nhs = [], []
    for i in range(3000):
        upn = make_upn(
            la_code=rng.choice([370, 201, 999, 100]),
            establishment=rng.randint(1000, 9999),
            year=rng.randint(2000, 2020),
            serial=rng.randint(0, 999),
        )
        at = rng.randint(0, 12)
        upns.append(upn if rng.random() < 0.5 else upn[:at] + rng.choice("09ABIOSx ") + upn[at:])
        number = make_nhs_number(i)
        at = rng.randint(0, 9)
        nhs.append(
            number if rng.random() < 0.5 else number[:at] + rng.choice("07 -x") + number[at:]
        )
    rows = frame([person(f"r{i}", "a", "b", "2011-01-01") for i in range(3000)])
    rows["upn"], rows["nhs_number"] = upns, nhs
    fast, slow = engine.prepare(rows), engine._prepare_by_row(rows)
    assert fast["upn"].equals(slow["upn"]) and fast["nhs_number"].equals(slow["nhs_number"])
    assert 0 < fast["upn"].notna().sum() < 3000 and 0 < fast["nhs_number"].notna().sum() < 3000


def test_twins_and_contradictions_column_wise_agree_with_the_rules():
    """Every pair of a small tricky set: the vectorised twin rule and the contradiction check
    give what `likely_twins` and `contradicts` give on the same two records."""
    rows = [
        *SMALL,
        *TRICKY,
        person("w1", "Jack", "Ormond", "2012-06-10", postcode="S71 3CD", address="4 Mill Lane"),
        person("w2", "Jacky", "Ormond", "2012-06-10", postcode="S71 3CD", address="1 Elm Road"),
        person("w3", "Ormond", "Jack", "2012-06-10", postcode="S99 1ZZ", address="4 Mill Lane"),
        person("w4", "", "Ormond", "2012-06-10", postcode="S71 3CD"),
        person("w5", "Will", "Ormond", "2012-06-10", postcode=None, address="4 Mill Lane"),
        person("w6", "Liam", "Ormond", "2012-06-10", postcode=None, address="4 mill lane"),
        person("w7", "Jake", "Ormond", "2012-10-06", postcode="S71 3CD", address="4 Mill Lane"),
        person("w8", "Ormond", "Jakc", "2012-06-10", postcode="S71 3CD", address="4 Mill Lane"),
        person("w9", "Jack", "Ormond", "2012-06-01", postcode="S71 3CD", address="4 Mill Lane"),
        person("w10", "Ruby", "Ormond", "2021-06-10", postcode="S71 3CD", address="4 Mill Lane"),
        person("w11", "Ormond", "Ruby", "2012-06-10", postcode="S71 3CD", address="4 Mill Lane"),
    ]
    prepared = engine.prepare(frame(rows))
    records = prepared.set_index("record_id").to_dict("index")
    ids = list(prepared["record_id"])
    pairs = pd.DataFrame(
        [(a, b) for a in ids for b in ids if a != b], columns=["left_id", "right_id"]
    )
    for counts in (None, engine.given_name_counts(prepared), {"jack": 9, "jake": 1}):
        twins = engine._twins(pairs, prepared, prepared, counts)
        expected = [
            likely_twins(records[a], records[b], counts)
            for a, b in zip(pairs["left_id"], pairs["right_id"], strict=True)
        ]
        assert list(twins) == expected and 0 < sum(expected) < len(expected)
    lrec = pairs[["left_id"]].merge(prepared, left_on="left_id", right_on="record_id")
    rrec = pairs[["right_id"]].merge(prepared, left_on="right_id", right_on="record_id")
    contradicted = engine._contradicted(lrec, rrec)
    expected = [
        engine.contradicts(records[a], records[b])
        for a, b in zip(pairs["left_id"], pairs["right_id"], strict=True)
    ]
    assert list(contradicted) == expected and 0 < sum(expected) < len(expected)


def test_sibling_like_pairs_are_those_whose_names_and_dates_both_disagree():
    rows = [
        person("s1", "Ellie", "Marsh", "2010-05-01", address="9 Oak Road"),
        person("s2", "Ruby", "Marsh", "2012-08-19", address="9 Oak Road"),  # a sister
        person("s3", "Elly", "Marsh", "2012-08-19", address="9 Oak Road"),  # names alike
        person("s4", "Ruby", "Marsh", "2010-05-10", address="9 Oak Road"),  # a date typo
    ]
    prepared = engine.prepare(frame(rows))
    pairs = pd.DataFrame({"left_id": ["s1", "s1", "s2"], "right_id": ["s2", "s3", "s4"]})
    assert list(engine._sibling_like(pairs, prepared, prepared)) == [True, False, False]
