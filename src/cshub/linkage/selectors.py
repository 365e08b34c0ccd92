"""Reads for the linkage pages: imports, the stored model and whether it is stale, the review
queue, match runs, merges, the steward's decisions as labels, and a person's source records."""

from __future__ import annotations

import functools
import hashlib
import json
from datetime import timedelta

from django.conf import settings
from django.db.models import Case, IntegerField, Prefetch, Value, When
from django.utils import timezone

from .choices import OPEN_STATUSES, CandidateStatus
from .models import ImportRun, LinkageModel, MatchCandidate, MatchDecision, MatchRun, SourceRecord


def import_runs():
    return ImportRun.objects.select_related("system", "run_by").defer("problems")


def import_run(run_id) -> ImportRun | None:
    return ImportRun.objects.select_related("system", "run_by").filter(pk=run_id).first()


# --- the model -------------------------------------------------------------------------------


def model_fingerprint(model_json: dict) -> str:
    """What the model compares and how it blocks, not what it learned: changes when the
    engine's comparisons or blocking rules change in code."""
    shape = {
        "comparisons": [
            [c["output_column_name"], [lv.get("sql_condition") for lv in c["comparison_levels"]]]
            for c in model_json.get("comparisons", [])
        ],
        "blocking": [
            b.get("blocking_rule") if isinstance(b, dict) else str(b)
            for b in model_json.get("blocking_rules_to_generate_predictions", [])
        ],
    }
    return hashlib.sha256(json.dumps(shape, sort_keys=True).encode()).hexdigest()


@functools.cache
def engine_fingerprint() -> str:
    """The fingerprint of the comparisons and blocking rules in code: fixed for a process, so
    worked out once (it builds Splink's settings)."""
    from .engine import settings as engine_settings

    return model_fingerprint(engine_settings("dedupe_only").get_settings("duckdb").as_dict())


def current_model() -> LinkageModel | None:
    return LinkageModel.objects.order_by("-version").first()


def model_staleness(model: LinkageModel, *, records: int, now=None) -> list[str]:
    """Why the stored model should be fitted again (empty: it is current)."""
    now = now or timezone.now()
    reasons = []
    if model.fingerprint != engine_fingerprint():
        reasons.append("The engine's comparisons have changed since it was fitted.")
    age = now - model.trained_at
    if age > timedelta(days=settings.CSHUB_LINKAGE_MODEL_MAX_AGE_DAYS):
        reasons.append(
            f"It was fitted {age.days} days ago (more than "
            f"{settings.CSHUB_LINKAGE_MODEL_MAX_AGE_DAYS})."
        )
    drift = settings.CSHUB_LINKAGE_MODEL_DRIFT
    if model.records and abs(records - model.records) > drift * model.records:
        reasons.append(
            f"It was fitted on {model.records:,} records; there are now {records:,} "
            f"(a change of more than {drift:.0%})."
        )
    if not model.fitted and records >= _min_to_fit():
        reasons.append(
            f"It holds prior weights only (fitted when there were too few records); there are "
            f"now {records:,}, enough to fit."
        )
    return reasons


def _min_to_fit() -> int:
    from .engine import MIN_RECORDS_TO_TRAIN

    return MIN_RECORDS_TO_TRAIN


def record_count() -> int:
    """People and source records: what a run would score (as the staleness check counts)."""
    from cshub.people.models import Person

    return Person.objects.filter(merged_into__isnull=True).count() + SourceRecord.objects.count()


def match_runs():
    return MatchRun.objects.select_related("model", "run_by")


# --- the review queue ------------------------------------------------------------------------


def review_queue(*, status: str = "open"):
    """Open pairs (waiting first, then deferred; likeliest first), or those in one status."""
    queue = MatchCandidate.objects.select_related("record__system", "person", "other_person", "run")
    if status == "open":
        queue = queue.filter(status__in=OPEN_STATUSES).order_by(
            Case(
                When(status=CandidateStatus.PENDING, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            "-match_probability",
            "created_at",
        )
    else:
        queue = queue.filter(status=status).order_by("-updated_at")
    return queue


def candidate(candidate_id) -> MatchCandidate | None:
    return (
        MatchCandidate.objects.select_related(
            "record__system",
            "person",
            "other_person",
            "compared_record__system",
            "other_compared_record__system",
            "run__model",
        )
        .prefetch_related(
            Prefetch(
                "decisions",
                queryset=MatchDecision.objects.select_related(
                    "decided_by", "undone_by", "created_person", "merge"
                ),
            )
        )
        .filter(pk=candidate_id)
        .first()
    )


def person_summary(person) -> dict:
    """What the review page shows of a person: identity, current home, identifiers, and which
    systems hold records of them."""
    home = person.addresses.filter(moved_out__isnull=True).first()
    return {
        "person": person,
        "home": home,
        "identifiers": list(person.identifiers.all()),
        "records": list(
            SourceRecord.objects.filter(person=person)
            .select_related("system")
            .order_by("system__name", "record_id")
        ),
    }


def labels():
    """The steward's standing decisions (not undone, not deferrals): each pair with the
    engine's probability and the human answer, for evaluating and tuning thresholds."""
    return (
        MatchDecision.objects.filter(undone_at__isnull=True, decision__in=["link", "keep_apart"])
        .select_related("candidate")
        .order_by("decided_at")
    )


def threshold_check(*, upper: float, lower: float) -> dict:
    """How the thresholds fare on the steward's labels: of the pairs decided, how many the
    upper threshold would have linked and were right (precision), and how many true pairs
    reached the lower threshold (recall of review)."""
    rows = [(d.candidate.match_probability, d.decision == "link") for d in labels()]
    linked = [same for p, same in rows if p >= upper]
    true = [p for p, same in rows if same]
    return {
        "labels": len(rows),
        "same": len(true),
        "precision_at_upper": (sum(linked) / len(linked)) if linked else None,
        "recall_at_lower": (sum(p >= lower for p in true) / len(true)) if true else None,
    }


# --- merges and a person's records -------------------------------------------------------------


def merges():
    from cshub.people.models import PersonMerge

    return PersonMerge.objects.select_related("kept", "absorbed", "merged_by", "split_by")


def merge(merge_id):
    return merges().filter(pk=merge_id).first()


def source_records_for(person):
    """A person's source records, each with the decision that matched it by hand (if any)."""
    return (
        SourceRecord.objects.filter(person=person)
        .select_related("system", "first_seen_run", "last_seen_run")
        .prefetch_related(
            Prefetch(
                "candidates",
                queryset=MatchCandidate.objects.filter(
                    status=CandidateStatus.LINKED
                ).prefetch_related(
                    Prefetch(
                        "decisions",
                        queryset=MatchDecision.objects.filter(
                            undone_at__isnull=True
                        ).select_related("decided_by"),
                    )
                ),
            )
        )
        .order_by("system__name", "record_id")
    )
