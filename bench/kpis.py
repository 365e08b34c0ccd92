"""KPI benchmark (issue 8): how long the dashboard, the KPI pages and the cohort page take to
compute on a synthetic borough, on SQLite or PostgreSQL. See bench/README.md, "KPIs (issue 8)".

    .venv/bin/python bench/kpis.py [--scale 5] [--database sqlite|postgres]
        [--database-url URL] [--repeat 5] [--today 2026-11-25] [--fresh] [--no-views]

The synthetic borough (`cshub seed --scale N --seed 1 --today DAY`) goes into a scratch database:
SQLite in `--workdir` (default var/bench-kpis; one file per scale, seed and day), or the
PostgreSQL database at `--database-url` (default $DATABASE_URL, else
postgres://postgres@127.0.0.1:55443/postgres). A marker table in the database
(`bench_kpis_seed`) records what was seeded; a later run with the same scale, seed, day and
demo generator reuses it (seeding --scale 100 takes many minutes).
On PostgreSQL the script only ever seeds an empty database or one it marked itself: it drops
and recreates the `public` schema of a marked one to reseed. Use a throwaway cluster, e.g. (as
root):

    mkdir -p /tmp/pgk && chown postgres /tmp/pgk && su postgres -c \\
      "/usr/lib/postgresql/15/bin/initdb -D /tmp/pgk/data -A trust >/dev/null && \\
       /usr/lib/postgresql/15/bin/pg_ctl -D /tmp/pgk/data -o '-p 55443 -k /tmp/pgk' \\
       -l /tmp/pgk/log start"
    # ... and afterwards: su postgres -c "/usr/lib/postgresql/15/bin/pg_ctl -D /tmp/pgk/data stop"

For the last complete calendar quarter before the seed's day it times, each as the median of
--repeat runs after one warm-up run (whose SQL queries are counted):

- `figures`: all fifteen KPI figures (`selectors.figures`);
- `dashboard`: the dashboard's queries, what `views.dashboard` computes: every figure, then
  each KPI's 8-quarter trend (`selectors.trend`);
- `kpi_breakdowns`: one KPI page's breakdowns, for every KPI: each dimension it offers
  (`selectors.dimensions_for`, `selectors.breakdown`);
- `cohort`: the cohort page's numbers on the seed's day: the cohort's size, each breakdown
  (`cohort.breakdown`) and the disproportionality of each compared one;
- per KPI: its dashboard share (figure + trend) and each of its breakdowns, to find which
  dominate;
- `view_*` (unless --no-views): the pages themselves through Django's test client, signed in as
  the demo manager `ifd.manager` (demo mode, so no second factor): templates, the access check
  and the audit row included.

Seconds are also given as a ratio to the baseline of bench/run.py (the same primary-key lookups
of 20 people, measured in the same process just before), since the machines are shared and
noisy. Results: bench/results/<date>-<host>-kpis-<database>-scale<N>-<HHMMSS>.json.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import io
import json
import logging
import os
import platform
import subprocess
import sys
import time
from datetime import date, datetime
from datetime import time as clock
from pathlib import Path

ROOT = Path(__file__).resolve().parent
REPO = ROOT.parent
DEMO_SOURCES = REPO / "src" / "cshub" / "demo"
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:55443/postgres"
MARKER = "bench_kpis_seed"
TARGET_SECONDS = 1.0  # issue 8: the dashboard's queries in under a second at --scale 100


def _bench_run():
    """bench/run.py as a module, for its timer (so both benchmarks time the same way)."""
    spec = importlib.util.spec_from_file_location("cshub_bench_run", ROOT / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_timed = _bench_run()._timed  # median seconds per call over `repeat` runs


def _demo_fingerprint() -> str:
    """A hash of the demo generator's source: a changed generator means a different borough."""
    digest = hashlib.sha256()
    for path in sorted(DEMO_SOURCES.rglob("*.py")):
        if "tests" in path.parts:
            continue
        digest.update(str(path.relative_to(DEMO_SOURCES)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _git(*args: str) -> str:
    try:
        return subprocess.run(  # noqa: S603 (fixed git arguments)
            ["git", *args],  # noqa: S607 (git from PATH, as make does)
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def _configure(args) -> Path | None:
    """Point Django at the scratch database (before django.setup). Returns the SQLite file."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cshub.settings.base")
    os.environ["CSHUB_DEMO_MODE"] = "1"  # the demo borough's sign-in: no second factor
    tag = f"scale{args.scale:g}-seed{args.seed}-{args.today.isoformat()}"
    if args.database == "sqlite":
        var = Path(args.workdir) / f"sqlite-{tag}"
        var.mkdir(parents=True, exist_ok=True)
        os.environ["CSHUB_VAR_DIR"] = str(var)
        os.environ.pop("DATABASE_URL", None)
        return var / "cshub.sqlite3"
    var = Path(args.workdir) / "postgres-var"
    var.mkdir(parents=True, exist_ok=True)
    os.environ["CSHUB_VAR_DIR"] = str(var)
    os.environ["DATABASE_URL"] = args.database_url or os.environ.get("DATABASE_URL", DEFAULT_PG_URL)
    return None


def _read_marker(connection) -> dict | None:
    if MARKER not in connection.introspection.table_names():
        return None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT value FROM {MARKER} WHERE name = 'seed'")  # noqa: S608
        row = cursor.fetchone()
    return json.loads(row[0]) if row else None


def _write_marker(connection, marker: dict) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {MARKER} (name varchar(20) PRIMARY KEY, value text)"
        )
        cursor.execute(f"DELETE FROM {MARKER}")  # noqa: S608
        cursor.execute(
            f"INSERT INTO {MARKER} (name, value) VALUES ('seed', %s)",  # noqa: S608
            [json.dumps(marker)],
        )


def _wipe(connection, sqlite_file: Path | None) -> None:
    """Empty the scratch database: delete the SQLite file, or (PostgreSQL) drop the public
    schema of a database this script marked. Refuses a PostgreSQL database it did not mark."""
    if sqlite_file is not None:
        connection.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{sqlite_file}{suffix}").unlink(missing_ok=True)
        return
    tables = connection.introspection.table_names()
    if not tables:
        return
    if MARKER not in tables:
        sys.exit(
            f"{connection.settings_dict['NAME']} has tables but no {MARKER} marker: it was not "
            "seeded by bench/kpis.py. Give an empty throwaway database (see --help)."
        )
    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE")
        cursor.execute("CREATE SCHEMA public")


def _prepare(args, sqlite_file: Path | None) -> dict:
    """Seed the scratch database, or reuse it if its marker says it holds the same borough."""
    from django.core.management import call_command
    from django.db import connection

    wanted = {
        "scale": args.scale,
        "seed": args.seed,
        "today": args.today.isoformat(),
        "demo_fingerprint": _demo_fingerprint(),
    }
    marker = None if args.fresh else _read_marker(connection)
    if marker is not None:
        same = all(marker.get(k) == v for k, v in wanted.items())
        stale_only = all(marker.get(k) == v for k, v in wanted.items() if k != "demo_fingerprint")
        if same or (stale_only and args.keep_stale):
            if not same:
                print("Reusing a borough seeded by an older demo generator (--keep-stale).")
            call_command("migrate", verbosity=0)  # new migrations, if any, on the old data
            print(
                f"Reusing the borough seeded {marker['seeded_at']} ({marker['people']:,} people)."
            )
            return marker | {"reused": True}
        print(f"The scratch database holds another borough ({marker}): reseeding.")
    _wipe(connection, sqlite_file)
    call_command("migrate", verbosity=0)
    print(f"Seeding --scale {args.scale:g} into {connection.vendor} ...", flush=True)
    logging.getLogger("splink").setLevel(logging.WARNING)  # the demo linkage run's chatter
    started = time.perf_counter()
    call_command("seed", scale=args.scale, seed=args.seed, today=args.today, stdout=io.StringIO())
    seed_seconds = time.perf_counter() - started
    analyze_seconds = None
    if connection.vendor == "postgresql":
        # Autovacuum would analyze the freshly loaded tables within minutes anyway; do it now so
        # that every run plans with statistics, as a live database would.
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        analyze_seconds = round(time.perf_counter() - started, 1)
    from cshub.people.models import Person

    marker = wanted | {
        "people": Person.objects.count(),
        "seed_seconds": round(seed_seconds, 1),
        "analyze_seconds": analyze_seconds,
        "seeded_at": datetime.now().isoformat(timespec="seconds"),
        "load_average_after_seed": [round(x, 2) for x in os.getloadavg()],
    }
    _write_marker(connection, marker)
    print(f"Seeded {marker['people']:,} people in {seed_seconds:.0f} s.", flush=True)
    return marker | {"reused": False}


def _database_version(connection) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT sqlite_version()")
            return f"SQLite {cursor.fetchone()[0]}"
        cursor.execute("SELECT version()")
        return cursor.fetchone()[0]


def _measure(fn, repeat: int, base: float) -> dict:
    """One warm-up run with its queries counted, then the median of `repeat` timed runs."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        fn()
    seconds = _timed(fn, repeat)
    return {
        "seconds": round(seconds, 4),
        "ratio_to_baseline": round(seconds / base, 1),
        "queries": len(queries),
    }


class _Counter:
    """Counts the SQL queries run on a connection (an execute wrapper: unlike
    CaptureQueriesContext it survives the test client's request_started, which clears
    connection.queries_log)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def _measure_pages(fn, repeat: int, base: float) -> dict:
    from django.db import connection

    counter = _Counter()
    with connection.execute_wrapper(counter):
        fn()
    seconds = _timed(fn, repeat)
    return {
        "seconds": round(seconds, 4),
        "ratio_to_baseline": round(seconds / base, 1),
        "queries": counter.count,
    }


def _sql_of(fn) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        fn()
    return [q["sql"] for q in queries]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=5.0, help="seed scale (default 5)")
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument(
        "--database-url",
        default=None,
        help=f"PostgreSQL URL (default $DATABASE_URL, else {DEFAULT_PG_URL}); a throwaway one",
    )
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per measure")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--today",
        type=date.fromisoformat,
        default=date(2026, 11, 25),
        help="the seed's last day (default 2026-11-25, as bench/run.py)",
    )
    parser.add_argument(
        "--workdir",
        default=str(REPO / "var" / "bench-kpis"),
        help="scratch files: the SQLite databases (default var/bench-kpis)",
    )
    parser.add_argument("--fresh", action="store_true", help="reseed even if a marker matches")
    parser.add_argument(
        "--keep-stale",
        action="store_true",
        help="reuse a borough of the same scale, seed and day made by a changed demo generator",
    )
    parser.add_argument("--no-views", action="store_true", help="skip the test-client pages")
    parser.add_argument(
        "--sql", action="store_true", help="also write each KPI's dashboard SQL to the results"
    )
    args = parser.parse_args()

    # The code as it is when the run starts (others may commit while it runs).
    code = {
        "commit": _git("rev-parse", "--short", "HEAD"),
        "src_files_changed": [
            line for line in _git("status", "--porcelain", "src").splitlines() if line
        ],
    }
    sqlite_file = _configure(args)
    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone

    seeded = _prepare(args, sqlite_file)

    from cshub.accounts.models import User
    from cshub.insights import cohort, periods, selectors
    from cshub.insights.kpis import KPIS
    from cshub.people.models import Person

    period = periods.last_complete_quarter(args.today)
    now = timezone.make_aware(datetime.combine(args.today, clock(12)))
    on = args.today
    trend_quarters = 8  # views.TREND_QUARTERS

    # The baseline of bench/run.py: primary-key lookups of the first 20 people.
    ids = list(Person.objects.order_by("id").values_list("id", flat=True)[:20])

    def baseline():
        for pid in ids:
            Person.objects.filter(pk=pid).values("id", "family_name").first()

    def figures():
        selectors.figures(period, now)

    def dashboard():
        # As insights.views.dashboard: for a quarter, each figure is its trend's last point.
        for kpi in KPIS.values():
            selectors.trend(kpi, period, trend_quarters, now)

    def kpi_breakdowns():
        for kpi in KPIS.values():
            for dimension in selectors.dimensions_for(kpi, period, now):
                selectors.breakdown(kpi, period.start, period.end, dimension, now)

    def cohort_page():
        cohort.cohort(on).count()
        for dimension in cohort.DIMENSIONS:
            cohort.breakdown(on, dimension)
            if dimension in cohort.COMPARED:
                cohort.disproportionality(on, dimension)

    load_before = [round(x, 2) for x in os.getloadavg()]
    started = time.perf_counter()
    _timed(baseline, 5)  # warm-up
    base = _timed(baseline, max(args.repeat, 15))
    results = {
        name: _measure(fn, args.repeat, base)
        for name, fn in (
            ("figures", figures),
            ("dashboard", dashboard),
            ("kpi_breakdowns", kpi_breakdowns),
            ("cohort", cohort_page),
        )
    }
    for name, row in results.items():
        print(f"  {name:<16} {row['seconds']:8.3f} s  {row['ratio_to_baseline']:8.1f}x  "
              f"{row['queries']:4d} queries", flush=True)  # fmt: skip

    per_kpi = {}
    for kpi in KPIS.values():

        def share(kpi=kpi):
            selectors.trend(kpi, period, trend_quarters, now)

        entry = {"dashboard": _measure(share, args.repeat, base), "breakdowns": {}}
        for dimension in selectors.dimensions_for(kpi, period, now):

            def one(kpi=kpi, dimension=dimension):
                selectors.breakdown(kpi, period.start, period.end, dimension, now)

            entry["breakdowns"][dimension] = _measure(one, args.repeat, base)
        entry["breakdowns_seconds"] = round(
            sum(r["seconds"] for r in entry["breakdowns"].values()), 4
        )
        if args.sql:
            entry["figure_sql"] = _sql_of(lambda kpi=kpi: selectors.figure(kpi, period, now))
        per_kpi[kpi.key] = entry
        print(f"  {kpi.key:<32} dashboard {entry['dashboard']['seconds']:7.3f} s "
              f"({entry['dashboard']['queries']} q)  breakdowns "
              f"{entry['breakdowns_seconds']:7.3f} s", flush=True)  # fmt: skip

    views = {}
    if not args.no_views:
        from django.test import Client

        logging.getLogger("axes").setLevel(logging.WARNING)  # the sign-in's chatter
        client = Client()
        client.force_login(User.objects.get(username="ifd.manager"))
        pages = {
            "view_dashboard": [f"/insights/?period={period.slug}"],
            "view_kpi_pages": [f"/insights/kpi/{k}/?period={period.slug}" for k in KPIS],
            "view_cohort": [f"/insights/cohort/?on={on.isoformat()}"],
        }
        for name, urls in pages.items():
            statuses = set()

            def get(urls=urls, statuses=statuses):
                for url in urls:
                    statuses.add(client.get(url).status_code)

            try:
                views[name] = _measure_pages(get, args.repeat, base) | {
                    "pages": len(urls),
                    "status": sorted(statuses),
                }
            except Exception as exc:  # other work in progress may break a page: say so
                views[name] = {"error": f"{type(exc).__name__}: {exc}"[:300]}
            print(f"  {name:<16} {views[name]}", flush=True)

    base_after = _timed(baseline, max(args.repeat, 15))
    load_after = [round(x, 2) for x in os.getloadavg()]
    slowest = sorted(per_kpi, key=lambda k: -per_kpi[k]["dashboard"]["seconds"])
    report = {
        "benchmark": "bench/kpis.py (issue 8)",
        "date": date.today().isoformat(),
        "command": " ".join([Path(sys.executable).name, "bench/kpis.py", *sys.argv[1:]]),
        "machine": {
            "host": platform.node(),
            "nproc": len(os.sched_getaffinity(0)),
            "cpus": os.cpu_count(),
            "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30),
            "python": sys.version.split()[0],
            "django": django.get_version(),
            "platform": platform.platform(),
            "load_average_before": load_before,
            "load_average_after": load_after,
        },
        "code": code | {"commit_at_end": _git("rev-parse", "--short", "HEAD")},
        "database": {
            "vendor": connection.vendor,
            "version": _database_version(connection),
            "name": str(sqlite_file) if sqlite_file else connection.settings_dict["NAME"],
        },
        "scale": args.scale,
        "people": Person.objects.count(),
        "seed": seeded,
        "period": {"label": period.label, "start": period.start, "end": period.end},
        "cohort_on": on,
        "now": now.isoformat(),
        "repeat": args.repeat,
        "baseline": {
            "what": f"{len(ids)} primary-key lookups of people (as bench/run.py)",
            "seconds": base,
            "seconds_after": base_after,
        },
        "results": results,
        "target": {
            "what": "the dashboard's queries in under 1 second at --scale 100 (issue 8)",
            "dashboard_seconds": results["dashboard"]["seconds"],
            "met_at_this_scale": results["dashboard"]["seconds"] < TARGET_SECONDS,
        },
        "slowest_dashboard_kpis": [[k, per_kpi[k]["dashboard"]["seconds"]] for k in slowest[:5]],
        "views": views,
        "per_kpi": per_kpi,
        "elapsed_seconds": round(time.perf_counter() - started, 1),
    }
    stamp = datetime.now().strftime("%H%M%S")
    out = (
        ROOT
        / "results"
        / (
            f"{date.today().isoformat()}-{platform.node()}-kpis-{args.database}"
            f"-scale{args.scale:g}-{stamp}.json"
        )
    )
    out.write_text(json.dumps(report, indent=2, default=str) + "\n")
    print(
        f"{connection.vendor}, scale {args.scale:g} ({report['people']:,} people), "
        f"{period.label}: dashboard {results['dashboard']['seconds']:.3f} s "
        f"({results['dashboard']['ratio_to_baseline']}x baseline, "
        f"{results['dashboard']['queries']} queries): "
        f"{'under' if report['target']['met_at_this_scale'] else 'NOT under'} "
        f"{TARGET_SECONDS:g} s (the target is for --scale 100). "
        f"Load {load_before} -> {load_after}."
    )
    print(f"written to {out}")


if __name__ == "__main__":
    main()
