"""The edit storm's editor: saves a random published institution, event or news item
every few seconds through the ORM, as an import or the admin would (a loaded instance,
its English summary changed a little, ``save()``: the model's signals and edit history
run as they do for any edit), until its time is up or it is sent SIGTERM. Then it prints
one JSON line for tests/bench/run.py: how many saves, how long they took, what failed,
and the latest edits (the address of each record's English page, the text its summary
now ends with, and the record).

tests/bench/run.py starts it beside gunicorn with gunicorn's environment (bench settings,
DATABASE_URL, REDIS_URL), so its saves reach the site as an editor's would; and once
more with ``--record`` after the storm, to save one record whose page it has just
asked for and see whether the page then shows the save.

    DJANGO_SETTINGS_MODULE=tests.bench.settings python -m tests.bench.editor \\
        --interval 2 --duration 60 --seed 1
    DJANGO_SETTINGS_MODULE=tests.bench.settings python -m tests.bench.editor \\
        --record institutions.Institution:42
"""

import argparse
import json
import os
import random
import re
import signal
import statistics
import sys
import time

import django

# What an edit appends to a summary (replacing the one an earlier edit appended), so
# that a summary stays within its length however many edits it gets. The process id
# tells one editor's edits from another's.
REVISION = re.compile(r" \(revised \d+-\d+\)$")
SUMMARY_LENGTH = 300
LATEST = 10


def revised(summary, number):
    marker = f" (revised {os.getpid()}-{number})"
    text = REVISION.sub("", summary or "")
    return text[: SUMMARY_LENGTH - len(marker)] + marker, marker.strip()


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tests.bench.editor")
    parser.add_argument(
        "--interval", type=float, default=2.0, help="Seconds from one save to the next (default 2)."
    )
    parser.add_argument(
        "--duration",
        type=float,
        default=60,
        help="Stop after this many seconds (or at SIGTERM; default 60).",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--record", default=None, help="Save only this record (app_label.Model:pk), once."
    )
    options = parser.parse_args(argv)

    stopping = []
    signal.signal(signal.SIGTERM, lambda signum, frame: stopping.append(signum))
    deadline = time.monotonic() + options.duration

    django.setup()
    from django.apps import apps
    from django.db import connection
    from django.utils import translation

    from events.models import Event
    from institutions.models import Institution
    from portal.models import News

    if options.record:
        label, key = options.record.rsplit(":", 1)
        pools = {apps.get_model(label): [int(key)]}
    else:
        pools = {
            model: list(model.objects.published().order_by("pk").values_list("pk", flat=True))
            for model in (Institution, Event, News)
        }
        pools = {model: keys for model, keys in pools.items() if keys}
    rng = random.Random(options.seed)  # noqa: S311 (which record to edit, not a secret)
    saves = {model._meta.label: 0 for model in pools}
    durations, failures, latest = [], [], {}
    number, next_save = 0, time.monotonic()
    while pools and not stopping and time.monotonic() < deadline:
        model = rng.choice(list(pools))
        number += 1
        started = time.perf_counter()
        try:
            record = model.objects.get(pk=rng.choice(pools[model]))
            record.summary_en, marker = revised(record.summary_en, number)
            record.save()
        except Exception as error:  # Reported below; the storm goes on.
            failures.append(f"{model._meta.label}: {type(error).__name__}: {error}")
            # A connection an error left in a bad state is not reused.
            connection.close()
        else:
            durations.append((time.perf_counter() - started) * 1000)
            saves[model._meta.label] += 1
            with translation.override("en"):
                path = record.get_absolute_url()
            latest.pop(path, None)
            latest[path] = (marker, model._meta.label, record.pk)
        if options.record:
            break  # one attempt, whatever came of it
        next_save += options.interval
        while not stopping and time.monotonic() < min(next_save, deadline):
            time.sleep(0.05)
    connection.close()
    print(
        json.dumps(
            {
                "saves": sum(saves.values()),
                "by_model": saves,
                "failed": len(failures),
                "failures": failures[:5],
                "save_ms_p50": round(statistics.median(durations), 1) if durations else None,
                "save_ms_max": round(max(durations), 1) if durations else None,
                "latest": [[path, *edit] for path, edit in list(latest.items())[-LATEST:]],
            }
        ),
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
