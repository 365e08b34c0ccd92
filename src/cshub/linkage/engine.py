"""The linkage engine: one child across social care, education, police, youth justice and health.

Two stages, on the "standard person" columns (`STANDARD_COLUMNS`):

1. Deterministic rules: two records with the same *valid* NHS number, or the same valid UPN, are
   the same person, unless other fields contradict that strongly (dates of birth that differ by
   more than a typo or a day/month swap *and* given names that are not alike). A contradiction is
   not linked: it goes to review.
2. Splink (probabilistic, Fellegi-Sunter), fitted to the data without labels: names compared
   exactly (with term frequencies, so a rare name counts for more), by nickname root, by
   Jaro-Winkler similarity and by Metaphone; given and family name written the other way round
   (both, or one record's given name as the other's family name); hyphenated surnames; dates of
   birth exactly, with day and month swapped, one keystroke apart (two neighbouring digits
   swapped included), or in the same year; postcode by unit, sector and district; address by
   its numbers and street (a neighbour on the same street is not the same home); sex; NHS
   number and UPN *as given* (valid or not: a mistyped number is still evidence), the same, a
   slip of one or two characters, or different.

Each pair gets a match probability; `decide` turns it into link / review / new person with the
two thresholds (settings). Likely twins (same date of birth and address or postcode, different
given names; a rare one-keystroke variant of a common name counts as a typo, not another name;
no NHS number or UPN in common, twins having one each) never link automatically: they go to
review, however high the probability. So do sibling-like pairs (given names not alike, nor
written the other way round, and dates of birth more than a typo apart). `link(holds=False)`
leaves those holds out, for files with no families in them (`link-files --no-holds`).

Pure pandas + DuckDB: no Django models here, so analysts can use it on files
(`cshub link-files`) and the benchmarks can run it in-process. Splink's other backends (Spark)
take the same settings: see docs/linkage.md.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import jellyfish
import numpy as np
import pandas as pd

from cshub.core import identifiers
from cshub.core.vocab import IdentifierScheme

from .nicknames import root_name

logger = logging.getLogger(__name__)

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
# EM re-estimates m only where it cannot learn that siblings match: from pairs with the same
# given *and* family name (siblings and twins have different given names), which estimates the
# m of date of birth, postcode, address and sex; the name comparisons keep their prior m.
# Measured: FEBRL4 F1 0.930 -> 0.934 (its dates and postcodes are noisier than the priors
# assume), the UK extracts 0.969 -> 0.969, and precision at 200,000 records 0.75 -> 0.83.
TRAIN_M_BY_NAME_BLOCK = True
# A probabilistic match whose given names are not alike *and* whose dates of birth are more
# than a typo or a day/month swap apart goes to review, not an automatic link: that is what
# siblings at one address look like, and at scale the home evidence (postcode and address,
# not independent, each with a tiny u among a million records) outweighs the names and dates.
# Measured: precision at 200,000 records 0.83 -> 0.93 (recall 0.92); FEBRL4 recall -0.3 pt.
HOLD_SIBLING_LIKE = True

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


def _map_unique(series: pd.Series, fn) -> pd.Series:
    """`series.map(fn)` (None stays None) computed once per distinct value: names repeat."""
    codes, uniques = pd.factorize(series)
    table = np.array([*(fn(v) for v in uniques), None], dtype=object)
    return pd.Series(table[codes], index=series.index, dtype=object)


_ID_SEPARATORS = re.compile(r"[\s\-]")
_NHS_SHAPE = re.compile(r"[0-9]{10}")
_UPN_SHAPE = re.compile(r"[A-HJ-NP-RT-Z][0-9]{11}[0-9A-HJ-NP-RT-Z]")


def _nhs_ok(matrix: np.ndarray) -> np.ndarray:
    """The modulus-11 check (weights 10..2) on rows of ten ASCII digits."""
    digits = matrix.astype(np.int64) - ord("0")
    check = 11 - (digits[:, :9] @ np.arange(10, 1, -1)) % 11
    check = np.where(check == 11, 0, check)
    return (check != 10) & (check == digits[:, 9])


def _upn_ok(matrix: np.ndarray) -> np.ndarray:
    """python-stdnum's `gb.upn.validate` on rows of 13 ASCII characters already of the UPN's
    shape: a known local authority number, and the check letter over the other twelve."""
    from stdnum.gb import upn as stdnum_upn

    alphabet = stdnum_upn._alphabet
    index = np.zeros(256, dtype=np.int64)
    for i, ch in enumerate(alphabet):
        index[ord(ch)] = i
    la = (matrix[:, 1:4].astype(np.int64) - ord("0")) @ np.array([100, 10, 1])
    known = np.isin(la, sorted(stdnum_upn._la_numbers))
    check = (index[matrix[:, 1:]] @ np.arange(2, 14)) % 23
    first = np.frombuffer(alphabet.encode("ascii"), dtype=np.uint8)[check]
    return known & (first == matrix[:, 0])


def _valid_identifiers(series: pd.Series, scheme: str) -> pd.Series:
    """`_valid(scheme, v)` on a column (NHS number or UPN), once per distinct value: plain
    ASCII input is checked with numpy (the same rules as `cshub.core.identifiers`); anything
    unusual (other scripts' digits, say) goes through `identifiers.normalise` itself."""
    nhs = scheme == IdentifierScheme.NHS_NUMBER
    shape, width, ok = (_NHS_SHAPE, 10, _nhs_ok) if nhs else (_UPN_SHAPE, 13, _upn_ok)
    codes, uniques = pd.factorize(series)
    result = np.full(len(uniques) + 1, None, dtype=object)
    fast, fast_at = [], []
    for i, value in enumerate(uniques):
        if not isinstance(value, str) or not value.strip():
            continue
        text = _ID_SEPARATORS.sub("", value)
        text = text if nhs else text.upper()
        if not text.isascii():
            result[i] = _valid(scheme, value)
        elif shape.fullmatch(text):
            fast.append(text)
            fast_at.append(i)
        # plain ASCII of the wrong shape: not valid
    if fast:
        matrix = np.frombuffer("".join(fast).encode("ascii"), dtype=np.uint8)
        good = ok(matrix.reshape(-1, width))
        result[np.asarray(fast_at)[good]] = np.asarray(fast, dtype=object)[good]
    return pd.Series(result[codes], index=series.index, dtype=object)


# An identifier held by more records than this within one file is a placeholder ("0000000000",
# a system's "not known" number), not a person's: it takes no part in the probabilistic
# comparison and never vouches for a pair. So is a value of one repeated character.
IDENTIFIER_PLACEHOLDER_COUNT = 10


def _identifiers_as_given(series: pd.Series) -> pd.Series:
    """An identifier column as given, for the probabilistic comparison: separators removed, in
    capitals, *whether or not* it passes the UK check (a mistyped NHS number still says a lot,
    and so does another country's identifier carried in the column); placeholders dropped."""

    def clean(value):
        if not isinstance(value, str):
            return None
        text = _ID_SEPARATORS.sub("", value).upper()
        return text if text and len(set(text)) > 1 else None

    out = _map_unique(series, clean)
    counts = out.value_counts()
    placeholders = counts.index[counts > IDENTIFIER_PLACEHOLDER_COUNT]
    if len(placeholders):
        out = out.where(~out.isin(placeholders), None)
    return out


_HOUSE_NUMBER = re.compile(r"\b\d+[a-z]?\b")
_ADDRESS_PUNCTUATION = re.compile(r"[\s,./]+")


def _address_number(address: str) -> str | None:
    """The numbers in an address line, in order ("flat 3, 12 high st" -> "3 12"): two records
    on one street with other numbers are neighbours, not one home."""
    return " ".join(_HOUSE_NUMBER.findall(address)) or None


def _address_street(address: str) -> str | None:
    """The address line without its numbers or punctuation ("12 high st, hoyland" ->
    "high st hoyland")."""
    return _ADDRESS_PUNCTUATION.sub(" ", _HOUSE_NUMBER.sub(" ", address)).strip() or None


def _sex(value) -> str | None:
    if isinstance(value, str) and value.strip() and value.strip()[:1].upper() in "MF":
        return value.strip().upper()[:1]
    return None


def prepare(records: pd.DataFrame) -> pd.DataFrame:
    """The standard columns as given, plus the derived columns the comparisons use. Values are
    used as given: nothing is dropped for failing a UK format check (an invalid NHS number
    simply takes no part in the deterministic rule). Each function runs once per distinct
    value of its column (names, dates and postcodes repeat): a million records take seconds."""
    df = records.reindex(columns=STANDARD_COLUMNS)
    ids = df["record_id"].astype(object)
    out = pd.DataFrame({"record_id": ids.where(ids.notna(), None).astype(str)})
    out["given_name"] = _map_unique(df["given_name"], _name)
    out["family_name"] = _map_unique(df["family_name"], _name)
    out["given_root"] = _map_unique(out["given_name"], lambda n: root_name(n.split()[0]))
    out["given_metaphone"] = _map_unique(out["given_name"], _metaphone)
    out["family_metaphone"] = _map_unique(out["family_name"], _metaphone)
    out["date_of_birth"] = _map_unique(df["date_of_birth"], _text)
    out["birth_year"] = _map_unique(out["date_of_birth"], lambda d: d[:4])
    out["sex"] = _map_unique(df["sex"], _sex)
    out["postcode"] = _map_unique(df["postcode"], _postcode)
    out["postcode_sector"] = _map_unique(out["postcode"], lambda p: p[:-2] if len(p) > 4 else None)
    out["postcode_district"] = _map_unique(
        out["postcode"], lambda p: p[:-3] if len(p) > 4 else None
    )
    out["address"] = _map_unique(df["address"], _text)
    out["address_number"] = _map_unique(out["address"], _address_number)
    out["address_street"] = _map_unique(out["address"], _address_street)
    out["nhs_number"] = _valid_identifiers(df["nhs_number"], IdentifierScheme.NHS_NUMBER)
    out["upn"] = _valid_identifiers(df["upn"], IdentifierScheme.UPN)
    out["nhs_number_given"] = _identifiers_as_given(df["nhs_number"])
    out["upn_given"] = _identifiers_as_given(df["upn"])
    return out


def _prepare_by_row(records: pd.DataFrame) -> pd.DataFrame:
    """`prepare` one value at a time, as it was first written: the tests check that the
    column-wise version gives the same answer."""
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
    out["address_number"] = out["address"].map(lambda a: _address_number(a) if a else None)
    out["address_street"] = out["address"].map(lambda a: _address_street(a) if a else None)
    out["nhs_number"] = df["nhs_number"].map(lambda v: _valid(IdentifierScheme.NHS_NUMBER, v))
    out["upn"] = df["upn"].map(lambda v: _valid(IdentifierScheme.UPN, v))
    for column in ("nhs_number", "upn"):
        given = df[column].map(
            lambda v: _ID_SEPARATORS.sub("", v).upper() if isinstance(v, str) else None
        )
        given = given.map(lambda v: v if v and len(set(v)) > 1 else None)
        counts = given.value_counts()
        crowded = set(counts.index[counts > IDENTIFIER_PLACEHOLDER_COUNT])
        out[f"{column}_given"] = given.where(~given.isin(crowded), None)
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


def _damerau_levenshtein(column: str, distance: int, label: str, m: float, u: float):
    """Damerau-Levenshtein within `distance`: a character changed, added or dropped, or two
    neighbours swapped (1973 for 1937). Dearer than Levenshtein, but dates are short."""
    import splink.comparison_level_library as cll

    return cll.DamerauLevenshteinLevel(column, distance).configure(
        m_probability=m, u_probability=u, label_for_charts=label
    )


def _null(column: str):
    import splink.comparison_level_library as cll

    return cll.CustomLevel(
        f'"{column}_l" IS NULL OR "{column}_r" IS NULL', label_for_charts="missing"
    ).configure(is_null_level=True)


def _exact(column: str):
    import splink.comparison_level_library as cll

    return cll.ExactMatchLevel(column)


def _jw_condition(column: str, threshold: float):
    import splink.comparison_level_library as cll

    return cll.JaroWinklerLevel(column, threshold)


def _either_missing(column: str):
    import splink.comparison_level_library as cll

    return cll.CustomLevel(f'"{column}_l" IS NULL OR "{column}_r" IS NULL')


def _and(label: str, m: float, u: float, *conditions):
    """A level that needs every condition (Splink composes each backend's SQL)."""
    import splink.comparison_level_library as cll

    level = cll.And(*conditions) if len(conditions) > 1 else conditions[0]
    return level.configure(m_probability=m, u_probability=u, label_for_charts=label)


def _identifier(name: str, title: str):
    """An identifier as given (`<name>_given`: valid or not, placeholders dropped): the same,
    one or two characters apart, or another. Two *valid* identifiers that differ are two people
    however close they are (twins' NHS numbers are often consecutive, two digits apart): near
    levels need one of the two to fail the check, i.e. to be a slip. A valid shared identifier
    is also a deterministic rule (`deterministic_pairs`)."""
    import splink.comparison_level_library as cll

    column = f"{name}_given"

    def near(distance: int, label: str, m: float, u: float):
        return _and(
            label,
            m,
            u,
            _either_missing(name),  # the valid-only column: at least one is not valid
            # Levenshtein, not Damerau-Levenshtein: five times faster in DuckDB over the
            # millions of pairs u is sampled from; two neighbours swapped are two edits.
            cll.LevenshteinLevel(column, distance),
        )

    return _comparison(
        name,
        f"{title} as given: the same, a slip of one or two characters, or another",
        [
            _null(column),
            _level(f"{column}_l = {column}_r", "the same", 0.93, 0.00001),
            near(1, "one character apart (a slip)", 0.03, 0.00005),
            near(2, "two characters apart, or two swapped (a slip)", 0.02, 0.0005),
            _else(0.02, 0.99944),
        ],
    )


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
            _level(  # frequency-adjusted like an exact family name: a common name, less
                "given_name_l = family_name_r OR family_name_l = given_name_r",
                "written as the other's given name (the other name mistyped or another)",
                0.02,
                0.0005,
                tf_column="family_name",
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
            _damerau_levenshtein(
                "date_of_birth", 1, "one typo, or two neighbouring digits swapped", 0.04, 0.001
            ),
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
        "Address: exact, same number on a similar street, similar, same number, a neighbour",
        [
            _null("address"),
            _level("address_l = address_r", "exact", 0.65, 0.0005),
            _and(
                "same number, similar street",
                0.12,
                0.0005,
                _exact("address_number"),
                _jw_condition("address_street", 0.85),
            ),
            _and(
                "similar, a number missing",
                0.05,
                0.003,
                _either_missing("address_number"),
                _jw_condition("address", 0.90),
            ),
            _and("same number, other street", 0.04, 0.02, _exact("address_number")),
            _and(
                "same street, another number",
                0.02,
                0.003,
                _jw_condition("address_street", 0.90),
            ),
            _else(0.12, 0.974),
        ],
    )
    nhs_number = _identifier("nhs_number", "NHS number")
    upn = _identifier("upn", "UPN")
    sex = _comparison(
        "sex",
        "Sex",
        [
            _null("sex"),
            _level("sex_l = sex_r", "same", 0.97, 0.5),
            _else(0.03, 0.5),
        ],
    )
    return [given, family, dob, postcode, address, sex, nhs_number, upn]


def blocking_rules() -> list:
    """Which pairs are scored at all: any one of these must hold."""
    from splink import block_on

    return [
        block_on("date_of_birth"),
        block_on("postcode"),
        # Not family name + year of birth: at a million records that alone is ~93M pairs for
        # ~0.1% of the true pairs, which same root given name + family name sound nearly all
        # reach (the same precision and recall on both benchmarks) for a fraction of the cost.
        block_on("given_root", "family_metaphone"),
        block_on("given_metaphone", "family_metaphone"),
        block_on("nhs_number_given"),
        block_on("upn_given"),
        block_on("address_number", "address_street"),
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


def fit(records: pd.DataFrame, *, seed: int | None = None) -> tuple[dict, bool]:
    """Fit the model to one set of standard person rows (as a dedupe) and return Splink's model
    JSON and whether it was fitted (False: too few rows, the prior weights are kept). With
    `seed`, the same rows give the same model: rows in id order, u sampled with that seed on one
    DuckDB thread, a fixed linker id (the demo borough and tests rely on it)."""
    from splink import DuckDBAPI, Linker

    frame = prepare(records)
    if seed is None:
        api = DuckDBAPI()
    else:
        import duckdb

        frame = frame.sort_values("record_id", kind="stable").reset_index(drop=True)
        connection = duckdb.connect()
        connection.execute("SET threads TO 1")
        api = DuckDBAPI(connection)
    linker = Linker([frame], settings("dedupe_only"), db_api=api)
    fitted = _train(linker, len(frame), seed=seed)
    model = linker.misc.save_model_to_json()
    if seed is not None:
        model["linker_uid"] = f"seed{seed}"
    return model, fitted


def _train(linker, n_records: int, *, seed: int | None = None) -> bool:
    """Fit the model without labels; False (priors kept) when there is too little data."""
    from splink import block_on

    if n_records < MIN_RECORDS_TO_TRAIN:
        return False
    training = linker.training
    training.estimate_probability_two_random_records_match(
        [block_on("given_name", "family_name", "date_of_birth")], recall=0.7
    )
    training.estimate_u_using_random_sampling(max_pairs=min(5e6, n_records * 500), seed=seed)
    if TRAIN_M_BY_NAME_BLOCK:
        try:
            training.estimate_parameters_using_expectation_maximisation(
                block_on("given_name", "family_name"), fix_u_probabilities=True
            )
        except Exception as exc:  # e.g. no pairs share a name: the prior m stay
            logger.warning("EM on the name block failed (%s); prior m kept.", exc)
    if TRAIN_M_BY_EM:
        for rule in (block_on("date_of_birth"), block_on("postcode", "family_metaphone")):
            training.estimate_parameters_using_expectation_maximisation(
                rule, fix_u_probabilities=True
            )
    return True


# --- deterministic rules and twins ---------------------------------------------------------------


def _dob_close(a, b) -> bool:
    """Equal, day/month swapped, or one keystroke apart: a character changed, added or dropped,
    or two neighbouring digits swapped (1937 for 1973, 13 for 31), as the model's "one typo"
    level counts them."""
    if not a or not b:
        return True  # nothing to contradict
    if a == b:
        return True
    if len(a) == len(b) == 10 and a[:5] == b[:5] and a[5:7] == b[8:10] and a[8:10] == b[5:7]:
        return True
    return jellyfish.damerau_levenshtein_distance(a, b) <= 1


def _given_alike(a, b) -> bool:
    if not a or not b:
        return True
    if a == b or root_name(a.split()[0]) == root_name(b.split()[0]):
        return True
    return jellyfish.jaro_winkler_similarity(a, b) >= 0.8 or _metaphone(a) == _metaphone(b)


def _names_swapped(a_given, a_family, b_given, b_family) -> bool:
    """Names written the other way round: one record's given name is the other's family name,
    and the other two names are alike too, or one of them is missing ("Chloe Ryan" and "Ryna
    Chloe"). Not when the other two names differ: "Chaudhry Amira" (Amira Chaudhry, written the
    other way round) and her sister Inaya Chaudhry share only the family name."""
    if a_given and a_given == b_family:
        return _given_alike(a_family, b_given)
    if a_family and a_family == b_given:
        return _given_alike(a_given, b_family)
    return False


def contradicts(left: dict, right: dict) -> bool:
    """Fields that strongly contradict a shared identifier: dates of birth more than a typo or a
    swap apart *and* given names not alike, nor written the other way round (a mistyped NHS
    number shared by two children)."""
    dob_ok = _dob_close(left.get("date_of_birth"), right.get("date_of_birth"))
    names_ok = _given_alike(left.get("given_name"), right.get("given_name")) or _names_swapped(
        left.get("given_name"),
        left.get("family_name"),
        right.get("given_name"),
        right.get("family_name"),
    )
    return not dob_ok and not names_ok


# A given name one keystroke from the other spelling (Damerau-Levenshtein distance 1) that is
# seen at most a tenth as often across the files being linked, or only once beside a spelling
# seen three times or more, is taken for a typo of it, not for a twin's name: "Melind" beside
# "Melinda". Two spellings both in use (Sophie and Sophia, Zain and Zayn, Kasper twice beside
# Kacper 13 times) are still two names, so twins who have them are still held back.
TYPO_SHARE = 0.1
TYPO_SINGLETON_BESIDE = 3


def _typo_of(a: str, b: str, name_counts) -> bool:
    if name_counts is None or jellyfish.damerau_levenshtein_distance(a, b) != 1:
        return False
    rare, common = sorted((name_counts.get(a, 0), name_counts.get(b, 0)))
    return rare <= TYPO_SHARE * common or (rare == 1 and common >= TYPO_SINGLETON_BESIDE)


def _same_identifier(a, b) -> bool:
    """The same identifier, or one keystroke apart (one character changed, added, dropped, or
    two neighbours swapped). Two real NHS numbers, or two real UPNs, are never one keystroke
    apart: their check digit catches every such slip. So identifiers one keystroke apart are one
    identifier mistyped, and twins (one each, often consecutive: two digits apart) do not
    share one."""
    if not a or not b:
        return False
    return a == b or jellyfish.damerau_levenshtein_distance(a, b) == 1


def likely_twins(left: dict, right: dict, name_counts=None) -> bool:
    """Same date of birth and address (or postcode), different given names, and no identifier
    in common (twins have one each): the classic false match. Shown as likely twins in review;
    never linked automatically. `name_counts` (given
    name -> how often it occurs in the files): with it, a rare one-keystroke variant of a common
    name is a typo, not a different name (`TYPO_SHARE`)."""
    if not left.get("date_of_birth") or left.get("date_of_birth") != right.get("date_of_birth"):
        return False
    same_home = (left.get("address") and left.get("address") == right.get("address")) or (
        left.get("postcode") and left.get("postcode") == right.get("postcode")
    )
    if not same_home:
        return False
    a, b = left.get("given_name"), right.get("given_name")
    if _names_swapped(a, left.get("family_name"), b, right.get("family_name")):
        return False  # the names written the other way round
    if not (a and b) or a == b or root_name(a.split()[0]) == root_name(b.split()[0]):
        return False
    for column in ("nhs_number_given", "upn_given"):  # twins have an identifier each
        if _same_identifier(left.get(column), right.get(column)):
            return False
    return not _typo_of(a, b, name_counts)


def given_name_counts(*frames: pd.DataFrame) -> dict[str, int]:
    """How often each (prepared) given name occurs across the files being linked."""
    names = pd.concat([f["given_name"] for f in frames], ignore_index=True).dropna()
    return names.value_counts().to_dict()


def _dob_close_columns(a: pd.Series, b: pd.Series) -> np.ndarray:
    """`_dob_close` on two aligned columns."""
    a = a.to_numpy(dtype=object)
    b = b.to_numpy(dtype=object)
    out = np.ones(len(a), dtype=bool)
    both = np.flatnonzero(pd.notna(a) & pd.notna(b))
    if len(both):
        out[both] = [_dob_close(x, y) for x, y in zip(a[both], b[both], strict=True)]
    return out


def _contradicted(left: pd.DataFrame, right: pd.DataFrame) -> np.ndarray:
    """`contradicts` row by row on two aligned frames; names are compared only where the dates
    of birth already disagree (few pairs)."""
    out = ~_dob_close_columns(left["date_of_birth"], right["date_of_birth"])
    suspect = np.flatnonzero(out)
    if len(suspect):
        a = left["given_name"].to_numpy(dtype=object)[suspect]
        b = right["given_name"].to_numpy(dtype=object)[suspect]
        fa = left["family_name"].to_numpy(dtype=object)[suspect]
        fb = right["family_name"].to_numpy(dtype=object)[suspect]
        out[suspect] = [
            not (_given_alike(x, y) or _names_swapped(x, f, y, g))
            for x, y, f, g in zip(a, b, fa, fb, strict=True)
        ]
    return out


def deterministic_pairs(left: pd.DataFrame, right: pd.DataFrame | None) -> pd.DataFrame:
    """Pairs sharing a valid NHS number or UPN: columns left_id, right_id, rule, contradicted."""
    same_frame = right is None
    right = left if same_frame else right
    found = []
    for column in ("nhs_number", "upn"):
        a = left.loc[left[column].notna(), ["record_id", column]]
        b = right.loc[right[column].notna(), ["record_id", column]]
        joined = a.merge(b, on=column, suffixes=("_l", "_r"))
        if same_frame:
            joined = joined[joined["record_id_l"] < joined["record_id_r"]]
        found.append(
            pd.DataFrame(
                {
                    "left_id": joined["record_id_l"].to_numpy(dtype=object),
                    "right_id": joined["record_id_r"].to_numpy(dtype=object),
                    "rule": column,
                }
            )
        )
    out = pd.concat(found, ignore_index=True)
    fields = ["record_id", "date_of_birth", "given_name", "family_name"]
    lrec = out[["left_id"]].merge(left[fields], left_on="left_id", right_on="record_id", how="left")
    rrec = out[["right_id"]].merge(
        right[fields], left_on="right_id", right_on="record_id", how="left"
    )
    out["contradicted"] = _contradicted(lrec, rrec)
    # A pair sharing both identifiers is one pair: contradicted if either rule says so.
    return (
        out.groupby(["left_id", "right_id"], as_index=False)
        .agg(rule=("rule", "first"), contradicted=("contradicted", "max"))
        .reset_index(drop=True)
    )


def _sibling_like(pairs: pd.DataFrame, left: pd.DataFrame, right: pd.DataFrame) -> np.ndarray:
    """Dates of birth more than a typo or a day/month swap apart *and* given names not alike
    (`contradicts`): what siblings look like. Only the pairs that would link are checked."""
    fields = ["record_id", "date_of_birth", "given_name", "family_name"]
    lrec = pairs[["left_id"]].merge(
        left[fields], left_on="left_id", right_on="record_id", how="left"
    )
    rrec = pairs[["right_id"]].merge(
        right[fields], left_on="right_id", right_on="record_id", how="left"
    )
    return _contradicted(lrec, rrec)


def _twins(
    pairs: pd.DataFrame, left: pd.DataFrame, right: pd.DataFrame, name_counts=None
) -> np.ndarray:
    """`likely_twins` for every pair, column-wise: same date of birth and home (address or
    postcode), both given names present and different (not even the same nickname root), and
    not names written the other way round (`_names_swapped`)."""
    fields = ["record_id", "date_of_birth", "address", "postcode", "given_name", "family_name"]
    fields += ["given_root", "nhs_number_given", "upn_given"]
    lrec = pairs[["left_id"]].merge(
        left[fields], left_on="left_id", right_on="record_id", how="left"
    )
    rrec = pairs[["right_id"]].merge(
        right[fields], left_on="right_id", right_on="record_id", how="left"
    )

    def col(frame, name):
        return frame[name].to_numpy(dtype=object)

    def same(name):  # both present and equal
        a, b = col(lrec, name), col(rrec, name)
        return pd.notna(a) & pd.notna(b) & (a == b)

    a, b = col(lrec, "given_name"), col(rrec, "given_name")
    named = pd.notna(a) & pd.notna(b)
    twins = (
        same("date_of_birth")
        & (same("address") | same("postcode"))
        & named
        & ~(a == b)
        & ~same("given_root")
    )
    at = np.flatnonzero(twins)  # the few candidates: names written the other way round?
    fa, fb = col(lrec, "family_name")[at], col(rrec, "family_name")[at]
    twins[at] = [not _names_swapped(*names) for names in zip(a[at], fa, b[at], fb, strict=True)]
    for column in ("nhs_number_given", "upn_given"):  # twins have an identifier each
        at = np.flatnonzero(twins)
        ids = zip(col(lrec, column)[at], col(rrec, column)[at], strict=True)
        twins[at] = [not _same_identifier(x, y) for x, y in ids]
    if name_counts is not None:  # the few candidates: a rare one-keystroke variant is a typo
        at = np.flatnonzero(twins)
        twins[at] = [not _typo_of(x, y, name_counts) for x, y in zip(a[at], b[at], strict=True)]
    return twins


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


COMPARED = (
    "given_name",
    "family_name",
    "date_of_birth",
    "postcode",
    "address",
    "sex",
    "nhs_number",
    "upn",
)


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
    holds: bool = True,
) -> Result:
    """Score every candidate pair of `left` with `right` (or within `left` when `right` is None)
    and decide each. `floor`: leave out pairs scoring below it (default: the lower threshold).
    `model`: a model saved by an earlier run (`Result.model_json`) to score with as it is,
    instead of fitting one to these records. `holds=False` decides by the rules and the match
    probability alone: likely twins, sibling-like pairs and a shared identifier that other
    fields contradict are linked like any other pair (`link-files --no-holds`, for files
    without families in them; the hub itself always holds them for review)."""
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
        rules = rules.assign(method="deterministic_" + rules["rule"])
        key = ["left_id", "right_id"]
        merged = pairs.merge(
            rules[[*key, "contradicted", "method"]], on=key, how="outer", suffixes=("", "_rule")
        )
        contradicted = merged["contradicted"].eq(True) & holds
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
    pairs = pairs.reset_index(drop=True)
    frames_prepared = [lp] if rp is None else [lp, rp]
    twins = _twins(pairs, lp, rp if rp is not None else lp, given_name_counts(*frames_prepared))
    probability = pairs["match_probability"].astype(float).to_numpy()
    method = pairs["method"].to_numpy(dtype=object)
    decision = np.where(
        probability >= thresholds.upper,
        "link",
        np.where(probability >= thresholds.lower, "review", "new"),
    ).astype(object)
    # A shared valid identifier outweighs looking like twins (twins have their own NHS
    # numbers); a probabilistic match between likely twins never links by itself.
    held = (twins & (method == "probabilistic")) | (method == "contradicted_identifier")
    held &= holds
    if holds and HOLD_SIBLING_LIKE:  # given names *and* dates of birth differ: siblings
        check = np.flatnonzero((decision == "link") & (method == "probabilistic") & ~held)
        held[check] = _sibling_like(pairs.iloc[check], lp, rp if rp is not None else lp)
    decision[(decision == "link") & held] = "review"
    pairs = pairs.assign(twins=twins, decision=decision)
    pairs = pairs[pairs["match_probability"] >= floor].sort_values(
        ["match_probability", "left_id", "right_id"], ascending=[False, True, True]
    )
    return Result(
        pairs=pairs.reset_index(drop=True),
        trained=trained,
        model_json=linker.misc.save_model_to_json(),
    )
