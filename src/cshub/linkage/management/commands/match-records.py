"""`cshub match-records [--refit]`: match unmatched source records to people.

Deterministic rules, then the stored Splink model (fitted first when there is none, or with
--refit); uncertain pairs go to the data stewards' review queue (/linkage/review/). Says when
the stored model is stale.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from cshub.linkage import selectors
from cshub.linkage.services import matching_run


class Command(BaseCommand):
    help = __doc__.split("\n\n")[0].split(": ", 1)[1]

    def add_arguments(self, parser):
        parser.add_argument(
            "--refit", action="store_true", help="fit a new model version to the records first"
        )

    def handle(self, *args, refit: bool = False, **options):
        run = matching_run(
            actor="command:match-records",
            refit=refit,
            progress=lambda text: self.stderr.write(text),
        )
        c = run.counts
        self.stdout.write(
            self.style.SUCCESS(
                f"Matched with model v{run.model.version}: {c['records']} record(s) to match; "
                f"{c['system_id']} by the system's own id, {c['deterministic']} by NHS number or "
                f"UPN, {c['probabilistic']} probabilistically, {c['new_people']} new people; "
                f"{c['review']} record(s) and {c['duplicate_people']} possible duplicate "
                "people sent to review."
            )
        )
        stale = run.stale_reasons or selectors.model_staleness(
            run.model, records=selectors.record_count()
        )
        if stale:
            self.stderr.write(
                self.style.WARNING(
                    "The model is stale: run `cshub match-records --refit`. " + " ".join(stale)
                )
            )
