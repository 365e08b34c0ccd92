"""cshub benchmarks: run with `make bench`. Results go to bench/results/<date>-<host>.json.

Machines here are shared and noisy, so every timing is reported as a ratio to a baseline run in
the same process, on the same database, just before it: a primary-key lookup of the same number
of people. What is measured, on a synthetic borough seeded into a scratch SQLite database
(`--scale`, default 5: about 5,400 people):

- `search`: the people search a worker runs (three name fragments, scoped to what a user may
  find), per search;
- `visible`: building and counting the need-to-know scoped queryset for a practitioner;
- `profile`: loading a child's profile with everything it shows (the profile selector), per
  profile;
- `queue`: the Front Door queue with its clocks;
- `missing_queue`: the missing queue of the specialist team's worker (Return Home Interviews
  due with their clocks, children still missing, strategy-meeting prompts), scoped by
  need-to-know;
- `missing_kpis`: the four missing-children KPIs over the last financial year, in the database.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent


def _timed(fn, repeat: int) -> float:
    """Median seconds per call over `repeat` runs."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=5.0)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()

    scratch = tempfile.mkdtemp(prefix="cshub-bench-")
    os.environ["CSHUB_VAR_DIR"] = scratch
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cshub.settings.base")
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    seeded = time.perf_counter()
    call_command("seed", scale=args.scale, seed=1, today=date(2026, 11, 25), verbosity=0)
    seed_seconds = time.perf_counter() - seeded

    from cshub.access.policy import people_searchable_by, people_visible_to
    from cshub.accounts.models import User
    from cshub.frontdoor.selectors import front_door_queue
    from cshub.insights.kpis import KPIS
    from cshub.missing import selectors as missing_selectors
    from cshub.people import selectors
    from cshub.people.models import Person

    worker = User.objects.get(username="cypf.worker")
    ids = list(Person.objects.order_by("id").values_list("id", flat=True)[:20])
    surnames = list(
        Person.objects.order_by("id").values_list("family_name", flat=True).distinct()[:3]
    )

    def baseline():
        for pid in ids:
            Person.objects.filter(pk=pid).values("id", "family_name").first()

    def search():
        for name in surnames:
            selectors.person_search(
                within=people_searchable_by(worker), terms=selectors.SearchTerms(name=name[:4])
            )

    def visible():
        people_visible_to(worker).count()

    def profile():
        for pid in ids:
            person = selectors.person_get(person_id=pid)
            list(person.cases.all())

    def queue():
        front_door_queue()

    specialist = User.objects.get(username="specialist.worker")

    def missing_queue():
        missing_selectors.rhi_queue(user=specialist)
        list(missing_selectors.still_missing(user=specialist)[:50])
        list(missing_selectors.open_prompts(user=specialist)[:50])

    def missing_kpis():
        for kpi in KPIS.values():
            if kpi.area == "Missing":
                kpi(date(2025, 4, 1), date(2026, 3, 31))

    base = _timed(baseline, args.repeat)
    results = {
        name: {"seconds": seconds, "ratio_to_baseline": round(seconds / base, 2)}
        for name, seconds in (
            ("search", _timed(search, args.repeat)),
            ("visible", _timed(visible, args.repeat)),
            ("profile", _timed(profile, args.repeat)),
            ("queue", _timed(queue, args.repeat)),
            ("missing_queue", _timed(missing_queue, args.repeat)),
            ("missing_kpis", _timed(missing_kpis, args.repeat)),
        )
    }
    report = {
        "date": date.today().isoformat(),
        "machine": {
            "host": platform.node(),
            "python": sys.version.split()[0],
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "load_average": os.getloadavg(),
        },
        "database": "SQLite (scratch file)",
        "scale": args.scale,
        "people": Person.objects.count(),
        "seed_seconds": round(seed_seconds, 1),
        "baseline": {
            "what": f"{len(ids)} primary-key lookups of people",
            "seconds": base,
        },
        "results": results,
    }
    out = ROOT / "results" / f"{date.today().isoformat()}-{platform.node()}.json"
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))
    print(f"written to {out}")


if __name__ == "__main__":
    main()
