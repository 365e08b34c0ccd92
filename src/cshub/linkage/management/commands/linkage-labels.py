"""`cshub linkage-labels --out FILE`: the data stewards' decisions as labels, for tuning.

One row per standing decision (link or keep apart, not undone): the pair's kind, the engine's
probability, match weight, method, likely-twins mark, each field's level, and the decision. No
names, dates or identifiers: what the engine saw is described by its levels only. Audited.
"""

from __future__ import annotations

import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cshub.audit.services import record
from cshub.core.exports import safe_cell
from cshub.linkage import selectors
from cshub.linkage.engine import COMPARED

HEADER = [
    "decision_id", "decided_at", "kind", "match_probability", "match_weight", "method",
    "likely_twins", *[f"{f}_level" for f in COMPARED], "same_person",
]  # fmt: skip


class Command(BaseCommand):
    help = __doc__.split("\n\n")[0].split(": ", 1)[1]

    def add_arguments(self, parser):
        parser.add_argument("--out", type=Path, required=True)

    def handle(self, *args, out: Path, **options):
        rows = 0
        try:
            with out.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                writer.writerow(HEADER)
                for decision in selectors.labels():
                    pair = decision.candidate
                    levels = {f["field"]: f["level"] for f in pair.fields}
                    writer.writerow(
                        [
                            decision.pk,
                            decision.decided_at.isoformat(),
                            safe_cell(pair.kind),
                            f"{pair.match_probability:.6f}",  # numbers we format: never formulas
                            f"{pair.match_weight:.3f}",
                            safe_cell(pair.method),
                            int(pair.likely_twins),
                            *[safe_cell(levels.get(f, "")) for f in COMPARED],
                            int(decision.decision == "link"),
                        ]
                    )
                    rows += 1
        except OSError as exc:
            raise CommandError(f"Cannot write {out}: {exc.strerror or exc}") from None
        record(
            action="linkage.labels.exported",
            actor=None,
            details={"rows": rows, "file": out.name, "run_by": "command:linkage-labels"},
        )
        self.stdout.write(self.style.SUCCESS(f"Wrote {rows} label(s) to {out}."))
