"""How quick the admin is at network scale: every content change list and the heaviest
change forms, measured in-process (Django's test client, signed in as a superuser who
has passed the second step), each against its targets.

    make adminbench                                   # full bench size, SQLite file
    .venv/bin/python -m tests.bench.admin_bench --cities 50 --institutions 500 --events 2000

The database is ``DATABASE_URL`` if set, else a SQLite file in ``bench-results/``
(git-ignored), migrated and filled with the benchmark's data
(``tests/bench/build_data.py``) when it holds none. Each page is requested once to warm
up, then ``--repeat`` times; the median time is reported with its size and SQL queries.
This is a measurement, not a test: ``--strict`` makes it exit 1 when a page misses a
target (tests/bench/test_admin_bench.py runs it at a tiny size, for the pages, not the
times).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

TARGET_MS = 300
TARGET_KB = 150
ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DB = ROOT / "bench-results" / "admin-bench.sqlite3"
USERNAME = "bench-admin"


def configure(database_file):
    """Environment for running as a program: production settings (DEBUG off, so the
    numbers are not those of a debug server) on the bench database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{database_file}")
    os.environ.setdefault("SECRET_KEY", "admin-bench-only-" + "x" * 40)
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    database_file.parent.mkdir(parents=True, exist_ok=True)
    import django

    django.setup()


def pages():
    """(name, URL) of what staff open most: every content model's change list, and the
    change forms with the most on them."""
    from django.contrib import admin
    from django.db.models import Count
    from django.urls import reverse

    from cities.models import City
    from events.models import Event, EventSeries
    from institutions.models import Institution
    from portal.blocks.content import content_models
    from portal.models import News

    found = []
    for model in content_models():
        if model not in admin.site._registry:
            continue
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        found.append((f"list: {opts.model_name}", url))

    def change(label, obj):
        if obj is not None:
            opts = obj._meta
            found.append(
                (label, reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))
            )

    change("form: home city", City.objects.filter(is_home=True).first())
    change(
        "form: biennale edition",
        Event.objects.annotate(items=Count("programme")).order_by("-items", "pk").first(),
    )
    change(
        "form: busiest venue",
        Institution.objects.annotate(n=Count("hosted_events")).order_by("-n", "pk").first(),
    )
    change(
        "form: event series",
        EventSeries.objects.annotate(n=Count("events")).order_by("-n", "pk").first(),
    )
    change("form: news item", News.objects.order_by("pk").first())
    found.append(("form: new event", reverse("admin:events_event_add")))
    return found


def signed_in_client():
    from django.contrib.auth import get_user_model
    from django.test import Client

    from tests.portal.admin_helpers import pass_second_step

    User = get_user_model()
    user = User.objects.filter(username=USERNAME).first()
    if user is None:
        user = User.objects.create_superuser(USERNAME, "bench@example.org", None)
    client = Client()
    client.force_login(user)
    pass_second_step(client, user)
    return client


def measure(repeat=3, log=print):
    """Each page's median time (ms), size (KB) and queries, as a list of dicts."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = signed_in_client()
    results = []
    for name, url in pages():
        client.get(url, follow=True)  # warm up: templates, translations, connection
        times = []
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url, follow=True)  # the site identity: its form
                times.append((time.perf_counter() - started) * 1000)
        result = {
            "page": name,
            "url": url,
            "status": response.status_code,
            "ms": statistics.median(times),
            "kb": len(response.content) / 1024,
            "queries": len(captured),
        }
        result["ok"] = (
            result["status"] == 200 and result["ms"] <= TARGET_MS and result["kb"] <= TARGET_KB
        )
        results.append(result)
        log(
            f"{name:28} {result['status']:>4} {result['ms']:8.0f} ms {result['kb']:8.1f} KB "
            f"{result['queries']:5} queries  {'ok' if result['ok'] else 'OVER TARGET'}"
        )
    return results


def ensure_data(sizes, log=print):
    from django.core.management import call_command

    from tests.bench.build_data import bench_rows_exist, build_bench_data

    call_command("migrate", verbosity=0)
    if bench_rows_exist():
        log("Using the bench data already in the database.")
        return
    build_bench_data(**sizes, log=log)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tests.bench.admin_bench")
    parser.add_argument("--cities", type=int, default=400)
    parser.add_argument("--institutions", type=int, default=5000)
    parser.add_argument("--events", type=int, default=50000)
    parser.add_argument("--news", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--db-file", type=Path, default=DEFAULT_DB)
    parser.add_argument("--strict", action="store_true", help="exit 1 if a page misses a target")
    options = parser.parse_args(argv)
    configure(options.db_file)
    sizes = {
        "cities": options.cities,
        "institutions": options.institutions,
        "events": options.events,
        "news": options.news,
    }
    ensure_data(sizes)
    print(f"Targets: {TARGET_MS} ms and {TARGET_KB} KB a page (median of {options.repeat}).")
    results = measure(options.repeat)
    over = [result["page"] for result in results if not result["ok"]]
    print(f"{len(results) - len(over)} of {len(results)} pages within the targets.")
    if over:
        print("Over target: " + ", ".join(over))
    return 1 if over and options.strict else 0


if __name__ == "__main__":
    sys.exit(main())
