"""cshub link-files LEFT.csv [RIGHT.csv] --out pairs.csv [--threshold P] [--no-holds]

Links two standard person CSVs, or deduplicates one, with the linkage engine (deterministic
NHS number / UPN rules, then Splink). Writes left_id,right_id,match_probability for the pairs it
judges to be the same person: at or above the threshold (default the upper threshold,
CSHUB_LINKAGE_UPPER), never likely twins, sibling-like pairs or pairs whose shared identifier
is contradicted (they need a person to look), unless --no-holds.
Reads and writes files only: nothing enters the database.
"""

from __future__ import annotations

import csv
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cshub.linkage.engine import STANDARD_COLUMNS, Thresholds, link


def read_standard_csv(path: Path):
    import pandas as pd

    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            header = next(csv.reader(handle), None)
    except OSError as exc:
        raise CommandError(f"{path}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise CommandError(f"{path}: not UTF-8 text") from exc
    if header is None:
        raise CommandError(f"{path}: the file is empty")
    missing = [c for c in STANDARD_COLUMNS if c not in header]
    unknown = [c for c in header if c not in STANDARD_COLUMNS]
    if missing or unknown:
        raise CommandError(
            f"{path}: the header must be {','.join(STANDARD_COLUMNS)}"
            + (f"; missing: {', '.join(missing)}" if missing else "")
            + (f"; not expected: {', '.join(unknown)}" if unknown else "")
        )
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    frame = frame.replace("", None)
    blank = frame["record_id"].isna()
    if blank.any():
        rows = ", ".join(str(i + 2) for i in frame.index[blank][:10])
        raise CommandError(f"{path}: record_id is blank on row(s) {rows}")
    dup = frame["record_id"].duplicated(keep=False)
    if dup.any():
        ids = ", ".join(sorted(set(frame.loc[dup, "record_id"]))[:10])
        raise CommandError(f"{path}: record_id repeated: {ids}")
    return frame


class Command(BaseCommand):
    help = __doc__.split("\n\n")[0]

    def add_arguments(self, parser):
        parser.add_argument("left", type=Path)
        parser.add_argument("right", type=Path, nargs="?")
        parser.add_argument("--out", type=Path, required=True)
        parser.add_argument(
            "--threshold",
            type=float,
            default=None,
            help="match probability at or above which a pair is written (default: "
            "CSHUB_LINKAGE_UPPER)",
        )
        parser.add_argument(
            "--no-holds",
            action="store_true",
            help="decide by the rules and the match probability alone: likely twins, "
            "sibling-like pairs and contradicted identifiers are written like any other pair "
            "(only for files with no families in them)",
        )

    def handle(self, *args, **options):
        upper = settings.CSHUB_LINKAGE_UPPER
        threshold = upper if options["threshold"] is None else options["threshold"]
        if not 0 < threshold <= 1:
            raise CommandError("--threshold is a probability: more than 0, at most 1.")
        left = read_standard_csv(options["left"])
        right = read_standard_csv(options["right"]) if options["right"] else None
        result = link(
            left,
            right,
            thresholds=Thresholds(
                upper=threshold, lower=min(settings.CSHUB_LINKAGE_LOWER, threshold)
            ),
            floor=threshold,
            holds=not options["no_holds"],
        )
        judged = result.pairs[result.pairs["decision"] == "link"]
        out = options["out"]
        with out.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["left_id", "right_id", "match_probability"])
            for row in judged.itertuples():
                writer.writerow([row.left_id, row.right_id, f"{row.match_probability:.6f}"])
        held = len(result.pairs) - len(judged)
        self.stderr.write(
            f"{len(judged)} pair(s) written to {out}"
            + (
                f"; {held} more held back (likely twins, sibling-like, or a contradicted "
                "identifier)"
                if held
                else ""
            )
            + ("" if result.trained else "; model not fitted (too few records): prior weights used")
        )
