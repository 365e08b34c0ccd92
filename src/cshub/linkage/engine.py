"""The linkage engine: one child across social care, education, police, youth justice and health.

Two stages, on the "standard person" columns (`STANDARD_COLUMNS`):

1. Deterministic rules: two records with the same *valid* NHS number, or the same valid UPN, are
   the same person, unless other fields contradict that strongly (dates of birth that differ by
   more than a typo or a day/month swap *and* given names that are not alike). A contradiction is
   not linked: it goes to review.
2. Splink (probabilistic, Fellegi-Sunter), fitted to the data without labels: names compared
   exactly (with term frequencies, so a rare name counts for more), by nickname root, by
   Jaro-Winkler similarity and by Metaphone; given and family name written the other way round;
   hyphenated surnames; dates of birth exactly, with day and month swapped, with a one-character
   typo, or in the same year; postcode by unit, sector and district; address by similarity; sex.

Each pair gets a match probability; `decide` turns it into link / review / new person with the
two thresholds (settings). Likely twins (same date of birth and address or postcode, different
given names) never link automatically: they go to review, however high the probability.

Pure pandas + DuckDB: no Django models here, so analysts can use it on files
(`cshub link-files`) and the benchmarks can run it in-process. Splink's other backends (Spark)
take the same settings: see docs/linkage.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import jellyfish
import pandas as pd

from cshub.core import identifiers
from cshub.core.vocab import IdentifierScheme

from .nicknames import root_name

STANDARD_COLUMNS = [
    "record_id",
    "given_name",
    "family_name",
    "date_of_birth",
    "sex",
    "postcode",
    "address",
    "nhs_number",
    "upn",
]

# Splink is fitted only when there is enough data for its estimates to mean something; smaller
# inputs use the prior m and u probabilities below (they are also EM's starting point).
MIN_RECORDS_TO_TRAIN = 2000
# Whether EM re-estimates the m probabilities. Measured on the synthetic agency extracts
# (bench/linkage.py), EM learns that a shared home and family name mean "match" and links
# siblings; the prior m probabilities with u and lambda fitted to the data do better. Off.
TRAIN_M_BY_EM = False

# --- preparing records ---------------------------------------------------------------------------

_NOT_NAME = re.compile(r"[^a-z\-' ]")
_SPACES = re.compile(r"\s+")


def _name(value) -> str | None:
    if not isinstance(value, str):
        return None
    text = _SPACES.sub(" ", _NOT_NAME.sub("", value.lower())).strip(" -'")
    return text or None


def _text(value) -> str | None:
    if not isinstance(value, str):
        return None
    text = _SPACES.sub(" ", value.lower()).strip()
    return text or None


def _postcode(value) -> str | None:
    if not isinstance(value, str):
        return None
    text = re.sub(r"\s", "", value.upper())
    return text or None


def _valid(scheme: str, value) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return identifiers.normalise(scheme, value)
    except identifiers.InvalidIdentifier:
        return None


def _metaphone(value: str | None) -> str | None:
    if not value:
        return None
    return jellyfish.metaphone(value.replace("-", " ").replace("'", "")) or None


def prepare(records: pd.DataFrame) -> pd.DataFrame:
    """The standard columns as given, plus the derived columns the comparisons use. Values are
    used as given: nothing is dropped for failing a UK format check (an invalid NHS number
    simply takes no part in the deterministic rule)."""
    df = records.reindex(columns=STANDARD_COLUMNS).copy()
    df = df.astype(object).where(df.notna(), None)
    df["record_id"] = df["record_id"].astype(str)
    out = pd.DataFrame({"record_id": df["record_id"]})
    out["given_name"] = df["given_name"].map(_name)
    out["family_name"] = df["family_name"].map(_name)
    out["given_root"] = out["given_name"].map(lambda n: root_name(n.split()[0]) if n else None)
    out["given_metaphone"] = out["given_name"].map(_metaphone)
    out["family_metaphone"] = out["family_name"].map(_metaphone)
    out["date_of_birth"] = df["date_of_birth"].map(_text)
    out["birth_year"] = out["date_of_birth"].map(lambda d: d[:4] if d else None)
    out["sex"] = df["sex"].map(
        lambda s: (
            s.strip().upper()[:1]
            if isinstance(s, str) and s.strip()[:1].upper() in "MF" and s.strip()
            else None
        )
    )
    out["postcode"] = df["postcode"].map(_postcode)
    out["postcode_sector"] = out["postcode"].map(lambda p: p[:-2] if p and len(p) > 4 else None)
    out["postcode_district"] = out["postcode"].map(lambda p: p[:-3] if p and len(p) > 4 else None)
    out["address"] = df["address"].map(_text)
    out["nhs_number"] = df["nhs_number"].map(lambda v: _valid(IdentifierScheme.NHS_NUMBER, v))
    out["upn"] = df["upn"].map(lambda v: _valid(IdentifierScheme.UPN, v))
    return out


# --- the Splink model -----------------------------------------------------------------------


def _level(sql: str, label: str, m: float, u: float, tf_column: str | None = None):
    import splink.comparison_level_library as cll

    level = cll.CustomLevel(sql, label_for_charts=label)
    options = {"m_probability": m, "u_probability": u}
    if tf_column:
        options |= {"tf_adjustment_column": tf_column, "tf_adjustment_weight": 1.0}
    return level.configure(**options)


def _jw(column: str, threshold: float, label: str, m: float, u: float):
    """Jaro-Winkler at or above `threshold`: Splink's own level, so each backend (DuckDB, Spark)
    gets its own function name."""
    import splink.comparison_level_library as cll

    return cll.JaroWinklerLevel(column, threshold).configure(
        m_probability=m, u_probability=u, label_for_charts=label
    )


def cll_levenshtein(column: str, distance: int, label: str, m: float, u: float):
    import splink.comparison_level_library as cll

    return cll.LevenshteinLevel(column, distance).configure(
        m_probability=m, u_probability=u, label_for_charts=label
    )


def _null(column: str):
    import splink.comparison_level_library as cll

    return cll.CustomLevel(
        f'"{column}_l" IS NULL OR "{column}_r" IS NULL', label_for_charts="missing"
    ).configure(is_null_level=True)


def _else(m: float, u: float):
    import splink.comparison_level_library as cll

    return cll.ElseLevel().configure(m_probability=m, u_probability=u)


def _comparison(name: str, description: str, levels: list):
    import splink.comparison_library as cl

    return cl.CustomComparison(
        output_column_name=name, comparison_description=description, comparison_levels=levels
    )


def comparisons() -> list:
    """The model's comparisons, each with prior m/u probabilities (EM refines them)."""
    given = _comparison(
        "given_name",
        "Given name: exact, nickname, similar, sounds alike, or written as the family name",
        [
            _null("given_name"),
            _level("given_name_l = given_name_r", "exact", 0.80, 0.005, tf_column="given_name"),
            _level("given_root_l = given_root_r", "same root (nickname)", 0.06, 0.002),
            _jw("given_name", 0.92, "very similar", 0.06, 0.003),
            _level("given_metaphone_l = given_metaphone_r", "sounds alike", 0.03, 0.005),
            _level(
                "given_name_l = family_name_r AND family_name_l = given_name_r",
                "given and family name swapped",
                0.02,
                0.0001,
            ),
            _jw("given_name", 0.80, "similar", 0.02, 0.03),
            _else(0.01, 0.955),
        ],
    )
    family = _comparison(
        "family_name",
        "Family name: exact, one part of a hyphenated name, similar, sounds alike",
        [
            _null("family_name"),
            _level("family_name_l = family_name_r", "exact", 0.85, 0.003, tf_column="family_name"),
            _level(
                "(contains(family_name_l, '-') OR contains(family_name_r, '-')) AND "
                "(contains(family_name_l, family_name_r) OR "
                "contains(family_name_r, family_name_l))",
                "one part of a hyphenated name",
                0.04,
                0.0005,
            ),
            _jw("family_name", 0.92, "very similar", 0.05, 0.002),
            _level("family_metaphone_l = family_metaphone_r", "sounds alike", 0.02, 0.003),
            _level(
                "given_name_l = family_name_r AND family_name_l = given_name_r",
                "given and family name swapped",
                0.02,
                0.0001,
            ),
            _jw("family_name", 0.80, "similar", 0.01, 0.02),
            _else(0.01, 0.97),
        ],
    )
    swap = (
        "substr(date_of_birth_l, 1, 5) = substr(date_of_birth_r, 1, 5) AND "
        "substr(date_of_birth_l, 6, 2) = substr(date_of_birth_r, 9, 2) AND "
        "substr(date_of_birth_l, 9, 2) = substr(date_of_birth_r, 6, 2)"
    )
    dob = _comparison(
        "date_of_birth",
        "Date of birth: exact, day and month swapped, one typo, same year",
        [
            _null("date_of_birth"),
            _level("date_of_birth_l = date_of_birth_r", "exact", 0.90, 0.0003),
            _level(swap, "day and month swapped", 0.03, 0.00001),
            cll_levenshtein("date_of_birth", 1, "one typo", 0.04, 0.001),
            _level("birth_year_l = birth_year_r", "same year", 0.02, 0.05),
            _else(0.01, 0.9487),
        ],
    )
    postcode = _comparison(
        "postcode",
        "Postcode: same unit, same sector, same district",
        [
            _null("postcode"),
            _level("postcode_l = postcode_r", "same postcode", 0.70, 0.0005),
            _level("postcode_sector_l = postcode_sector_r", "same sector", 0.08, 0.005),
            _level("postcode_district_l = postcode_district_r", "same district", 0.08, 0.05),
            _else(0.14, 0.9445),
        ],
    )
    address = _comparison(
        "address",
        "Address: exact or similar",
        [
            _null("address"),
            _level("address_l = address_r", "exact", 0.65, 0.0005),
            _jw("address", 0.90, "similar", 0.10, 0.003),
            _else(0.25, 0.9965),
        ],
    )
    sex = _comparison(
        "sex",
        "Sex",
        [
            _null("sex"),
            _level("sex_l = sex_r", "same", 0.97, 0.5),
            _else(0.03, 0.5),
        ],
    )
    return [given, family, dob, postcode, address, sex]


def blocking_rules() -> list:
    """Which pairs are scored at all: any one of these must hold."""
    from splink import block_on

    return [
        block_on("date_of_birth"),
        block_on("postcode"),
        block_on("family_metaphone", "birth_year"),
        block_on("given_metaphone", "family_metaphone"),
        block_on("nhs_number"),
        block_on("upn"),
        "l.given_name = r.family_name AND l.family_name = r.given_name",
    ]


def settings(link_type: str):
    from splink import SettingsCreator

    return SettingsCreator(
        link_type=link_type,
        unique_id_column_name="record_id",
        comparisons=comparisons(),
        blocking_rules_to_generate_predictions=blocking_rules(),
        probability_two_random_records_match=0.0001,
        retain_intermediate_calculation_columns=True,
        retain_matching_columns=True,
    )


def _linker(frames: list[pd.DataFrame], link_type: str):
    from splink import DuckDBAPI, Linker

    return Linker(frames, settings(link_type), db_api=DuckDBAPI())


def _train(linker, n_records: int) -> bool:
    """Fit the model without labels; False (priors kept) when there is too little data."""
    from splink import block_on

    if n_records < MIN_RECORDS_TO_TRAIN:
        return False
    training = linker.training
    training.estimate_probability_two_random_records_match(
        [block_on("given_name", "family_name", "date_of_birth")], recall=0.7
    )
    training.estimate_u_using_random_sampling(max_pairs=min(5e6, n_records * 500))
    if TRAIN_M_BY_EM:
        for rule in (block_on("date_of_birth"), block_on("postcode", "family_metaphone")):
            training.estimate_parameters_using_expectation_maximisation(
                rule, fix_u_probabilities=True
            )
    return True


# --- deterministic rules and twins ---------------------------------------------------------------


def _dob_close(a, b) -> bool:
    """Equal, day/month swapped, or one character apart."""
    if not a or not b:
        return True  # nothing to contradict
    if a == b:
        return True
    if len(a) == len(b) == 10 and a[:5] == b[:5] and a[5:7] == b[8:10] and a[8:10] == b[5:7]:
        return True
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) <= 1


def _given_alike(a, b) -> bool:
    if not a or not b:
        return True
    if a == b or root_name(a.split()[0]) == root_name(b.split()[0]):
        return True
    return jellyfish.jaro_winkler_similarity(a, b) >= 0.8 or _metaphone(a) == _metaphone(b)


def contradicts(left: dict, right: dict) -> bool:
    """Fields that strongly contradict a shared identifier: dates of birth more than a typo or a
    swap apart *and* given names not alike (a mistyped NHS number shared by two children)."""
    dob_ok = _dob_close(left.get("date_of_birth"), right.get("date_of_birth"))
    names_ok = _given_alike(left.get("given_name"), right.get("given_name"))
    return not dob_ok and not names_ok


def likely_twins(left: dict, right: dict) -> bool:
    """Same date of birth and address (or postcode), different given names: the classic false
    match. Shown as likely twins in review; never linked automatically."""
    if not left.get("date_of_birth") or left.get("date_of_birth") != right.get("date_of_birth"):
        return False
    same_home = (left.get("address") and left.get("address") == right.get("address")) or (
        left.get("postcode") and left.get("postcode") == right.get("postcode")
    )
    if not same_home:
        return False
    a, b = left.get("given_name"), right.get("given_name")
    if a and a == right.get("family_name") and b and b == left.get("family_name"):
        return False  # the same names written the other way round
    return bool(a and b) and not (a == b or root_name(a.split()[0]) == root_name(b.split()[0]))


def deterministic_pairs(left: pd.DataFrame, right: pd.DataFrame | None) -> pd.DataFrame:
    """Pairs sharing a valid NHS number or UPN: columns left_id, right_id, rule, contradicted."""
    rows = []
    same_frame = right is None
    right = left if same_frame else right
    lrec = left.set_index("record_id").to_dict("index")
    rrec = right.set_index("record_id").to_dict("index")
    for column, rule in (("nhs_number", "nhs_number"), ("upn", "upn")):
        a = left[left[column].notna()][["record_id", column]]
        b = right[right[column].notna()][["record_id", column]]
        joined = a.merge(b, on=column, suffixes=("_l", "_r"))
        if same_frame:
            joined = joined[joined["record_id_l"] < joined["record_id_r"]]
        for lid, rid in zip(joined["record_id_l"], joined["record_id_r"], strict=True):
            rows.append(
                {
                    "left_id": lid,
                    "right_id": rid,
                    "rule": rule,
                    "contradicted": contradicts(lrec[lid], rrec[rid]),
                }
            )
    out = pd.DataFrame(rows, columns=["left_id", "right_id", "rule", "contradicted"])
    # A pair sharing both identifiers is one pair: contradicted if either rule says so.
    return (
        out.groupby(["left_id", "right_id"], as_index=False)
        .agg(rule=("rule", "first"), contradicted=("contradicted", "max"))
        .reset_index(drop=True)
    )


# --- linking -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Thresholds:
    upper: float  # at or above: linked automatically
    lower: float  # below: a new person; between: review

    def __post_init__(self):
        if not 0 <= self.lower <= self.upper <= 1:
            raise ValueError("Thresholds need 0 <= lower <= upper <= 1.")

    def decide(self, probability: float) -> str:
        if probability >= self.upper:
            return "link"
        if probability >= self.lower:
            return "review"
        return "new"


COMPARED = ("given_name", "family_name", "date_of_birth", "postcode", "address", "sex")


@dataclass
class Result:
    # left_id, right_id, match_probability, method, twins, decision, and per compared field
    # `gamma_<field>` (the level reached; -1 missing) and `bf_<field>` (its Bayes factor, term
    # frequency adjustment included; 1.0 for a pair only a deterministic rule found).
    pairs: pd.DataFrame
    trained: bool
    model_json: dict


def level_labels(model_json: dict) -> dict[str, dict[int, str]]:
    """{field: {gamma: label}} from a saved model, to name the level each pair reached."""
    labels: dict[str, dict[int, str]] = {}
    for comparison in model_json.get("comparisons", []):
        levels = comparison["comparison_levels"]
        named = {}
        value = len([lv for lv in levels if not lv.get("is_null_level")]) - 1
        for lv in levels:
            if lv.get("is_null_level"):
                named[-1] = "missing"
            else:
                named[value] = lv.get("label_for_charts") or lv["sql_condition"]
                value -= 1
        labels[comparison["output_column_name"]] = named
    return labels


def _field_columns(scored: pd.DataFrame) -> dict[str, pd.Series]:
    out = {}
    for field in COMPARED:
        gamma = scored.get(f"gamma_{field}")
        bf = scored.get(f"bf_{field}")
        tf = scored.get(f"bf_tf_adj_{field}")
        out[f"gamma_{field}"] = (
            gamma.astype(int) if gamma is not None else pd.Series(-1, index=scored.index)
        )
        factor = bf.astype(float) if bf is not None else pd.Series(1.0, index=scored.index)
        if tf is not None:
            factor = factor * tf.astype(float)
        out[f"bf_{field}"] = factor
    return out


def link(
    left: pd.DataFrame,
    right: pd.DataFrame | None = None,
    *,
    thresholds: Thresholds,
    floor: float | None = None,
    model: dict | None = None,
) -> Result:
    """Score every candidate pair of `left` with `right` (or within `left` when `right` is None)
    and decide each. `floor`: leave out pairs scoring below it (default: the lower threshold).
    `model`: a model saved by an earlier run (`Result.model_json`) to score with as it is,
    instead of fitting one to these records."""
    floor = thresholds.lower if floor is None else floor
    lp = prepare(left)
    rp = prepare(right) if right is not None else None
    if lp["record_id"].duplicated().any() or (
        rp is not None and rp["record_id"].duplicated().any()
    ):
        raise ValueError("record_id must be unique within each file.")
    link_type = "dedupe_only" if rp is None else "link_only"
    frames = [lp] if rp is None else [lp, rp]
    if model is not None:
        from splink import DuckDBAPI, Linker

        linker = Linker(frames, {**model, "link_type": link_type}, db_api=DuckDBAPI())
        trained = False
    else:
        linker = _linker(frames, link_type)
        trained = _train(linker, sum(len(f) for f in frames))
    predictions = linker.inference.predict(threshold_match_probability=min(floor, 0.999))
    scored = predictions.as_pandas_dataframe()
    pairs = pd.DataFrame(
        {
            "left_id": scored["record_id_l"].astype(str),
            "right_id": scored["record_id_r"].astype(str),
            "match_probability": scored["match_probability"].astype(float),
            "method": "probabilistic",
            **_field_columns(scored),
        }
    )
    if rp is None:  # Splink's dedupe keeps l < r by its own ordering; normalise it
        swap = pairs["left_id"] > pairs["right_id"]
        pairs.loc[swap, ["left_id", "right_id"]] = pairs.loc[swap, ["right_id", "left_id"]].values
    rules = deterministic_pairs(lp, rp)
    if len(rules):
        rules = rules.assign(
            match_probability=rules["contradicted"].map(lambda c: None if c else 1.0),
            method=rules["rule"].map(lambda r: f"deterministic_{r}"),
        )
        key = ["left_id", "right_id"]
        merged = pairs.merge(
            rules[[*key, "contradicted", "method"]], on=key, how="outer", suffixes=("", "_rule")
        )
        contradicted = merged["contradicted"].map(lambda v: v is True or v == 1.0)
        sure = merged["method_rule"].notna() & ~contradicted
        merged.loc[sure, "match_probability"] = 1.0
        merged.loc[sure, "method"] = merged.loc[sure, "method_rule"]
        # A contradicted identifier goes to review whatever Splink said.
        merged.loc[contradicted, "match_probability"] = (
            merged.loc[contradicted, "match_probability"]
            .fillna(thresholds.lower)
            .clip(upper=max(thresholds.lower, thresholds.upper - 1e-9))
        )
        merged.loc[contradicted, "method"] = "contradicted_identifier"
        fields = [c for c in merged.columns if c.startswith(("gamma_", "bf_"))]
        for column in fields:  # pairs only a rule found were not scored field by field
            merged[column] = merged[column].fillna(-1 if column.startswith("gamma_") else 1.0)
        merged[[c for c in fields if c.startswith("gamma_")]] = merged[
            [c for c in fields if c.startswith("gamma_")]
        ].astype(int)
        pairs = merged[["left_id", "right_id", "match_probability", "method", *fields]]
    lrec = lp.set_index("record_id").to_dict("index")
    rrec = (rp if rp is not None else lp).set_index("record_id").to_dict("index")
    pairs = pairs.assign(
        twins=[
            likely_twins(lrec[a], rrec[b])
            for a, b in zip(pairs["left_id"], pairs["right_id"], strict=True)
        ]
    )
    decisions = []
    for p, twins, method in zip(
        pairs["match_probability"], pairs["twins"], pairs["method"], strict=True
    ):
        decision = thresholds.decide(float(p))
        # A shared valid identifier outweighs looking like twins (twins have their own NHS
        # numbers); a probabilistic match between likely twins never links by itself.
        if decision == "link" and (
            (twins and method == "probabilistic") or method == "contradicted_identifier"
        ):
            decision = "review"
        decisions.append(decision)
    pairs = pairs.assign(decision=decisions)
    pairs = pairs[pairs["match_probability"] >= floor].sort_values(
        ["match_probability", "left_id", "right_id"], ascending=[False, True, True]
    )
    return Result(
        pairs=pairs.reset_index(drop=True),
        trained=trained,
        model_json=linker.misc.save_model_to_json(),
    )
