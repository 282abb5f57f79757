"""The edit storm's editor: saves a random published institution, event or news item
every few seconds through the ORM, as an import or the admin would (a loaded instance,
its English summary changed a little, ``save()``: the model's signals and edit history
run as they do for any edit), until its time is up or it is sent SIGTERM. Then it prints
one JSON line for tests/bench/run.py: how many saves, how long they took, what failed,
and the latest edits (the address of each record's English page, the text its summary
now ends with, and the record).

With ``--actions edit,publish,schedule`` (tests/bench/loadtest.py) it also publishes new
records: a copy of a published one, saved as a draft and then published
(``publish``), or saved published from a moment a few seconds ahead (``schedule``,
``--lead``), with a mark in its English title. With ``--stream`` it prints one JSON line
per action as soon as it is saved: the pages that must show it, the mark they must show,
and from when (the wall-clock time before the save, or the scheduled time).

tests/bench/run.py starts it beside gunicorn with gunicorn's environment (bench settings,
DATABASE_URL, REDIS_URL), so its saves reach the site as an editor's would; and once
more with ``--record`` after the storm, to save one record whose page it has just
asked for and see whether the page then shows the save.

    DJANGO_SETTINGS_MODULE=tests.bench.settings python -m tests.bench.editor \\
        --interval 2 --duration 60 --seed 1
    DJANGO_SETTINGS_MODULE=tests.bench.settings python -m tests.bench.editor \\
        --record institutions.Institution:42
    DJANGO_SETTINGS_MODULE=portal.settings python -m tests.bench.editor \\
        --actions edit,publish,schedule --interval 1 --stream
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
ACTIONS = ("edit", "publish", "schedule")
# Copies made by ``publish`` and ``schedule`` are bench rows (build_data --flush).
COPY_PREFIX = "bench-live-"


def revised(summary, number):
    marker = f" (revised {os.getpid()}-{number})"
    text = REVISION.sub("", summary or "")
    return text[: SUMMARY_LENGTH - len(marker)] + marker, marker.strip()


def english_paths(record, new=False):
    """The English pages a change of ``record`` must show on: its own, and for a ``new``
    news item the news list (dated today, it is at the top)."""
    from django.urls import reverse
    from django.utils import translation

    from portal.models import News

    with translation.override("en"):
        paths = [record.get_absolute_url()]
        if new and isinstance(record, News):
            paths.append(reverse("portal:news-list"))
    return paths


def edit(model, key, number):
    """Append a revision mark to a published record's English summary and save it."""
    record = model.objects.get(pk=key)
    record.summary_en, marker = revised(record.summary_en, number)
    at = time.time()
    record.save()
    return record, marker, at


def copy_of(model, key, number):
    """An unsaved copy of a record, with a slug of its own and a mark in its English
    title (which every page that names the record shows)."""
    from django.utils import timezone

    from portal.blocks.attention import title_field
    from portal.models import News

    record = model.objects.get(pk=key)
    record.pk = record.id = None
    record._state.adding = True
    record.slug = f"{COPY_PREFIX}{os.getpid()}-{number}"
    marker = f"(live {os.getpid()}-{number})"
    field = f"{title_field(model)}_en"
    limit = model._meta.get_field(field).max_length
    title = getattr(record, field) or getattr(record, title_field(model))
    setattr(record, field, f"{title[: limit - len(marker) - 1]} {marker}")
    if isinstance(record, News):
        record.date = timezone.localdate()
    return record, marker


def publish(model, key, number, lead):
    """A new record saved as a draft, then published."""
    from portal.blocks.publishing import PublicationStatus

    record, marker = copy_of(model, key, number)
    record.status, record.publish_at = PublicationStatus.DRAFT, None
    record.save()
    record.status = PublicationStatus.PUBLISHED
    at = time.time()
    record.save()
    return record, marker, at


def schedule(model, key, number, lead):
    """A new record saved published from ``lead`` seconds ahead: nothing saves it when
    that moment comes."""
    import datetime

    from django.utils import timezone

    from portal.blocks.publishing import PublicationStatus

    record, marker = copy_of(model, key, number)
    record.status = PublicationStatus.PUBLISHED
    record.publish_at = timezone.now() + datetime.timedelta(seconds=lead)
    record.save()
    return record, marker, record.publish_at.timestamp()


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
    parser.add_argument(
        "--actions",
        default="edit",
        help="What to do, at random among these: edit (a published record), publish (a "
        "new record), schedule (a new record, published from --lead seconds ahead). "
        "Default: edit.",
    )
    parser.add_argument(
        "--lead", type=float, default=3.0, help="Seconds ahead a scheduled record goes public."
    )
    parser.add_argument(
        "--stream", action="store_true", help="Print one JSON line per action as it is saved."
    )
    options = parser.parse_args(argv)
    actions = [name.strip() for name in options.actions.split(",") if name.strip()]
    if not actions or not set(actions) <= set(ACTIONS):
        parser.error(f"--actions takes {', '.join(ACTIONS)}")

    stopping = []
    signal.signal(signal.SIGTERM, lambda signum, frame: stopping.append(signum))
    django.setup()
    # Counted from here: setting Django up takes seconds on a busy machine.
    deadline = time.monotonic() + options.duration
    from django.apps import apps
    from django.db import connection

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
        # One action needs no draw (the edit storm's records stay those of earlier runs).
        action = actions[0] if options.record or len(actions) == 1 else rng.choice(actions)
        number += 1
        started = time.perf_counter()
        try:
            key = rng.choice(pools[model])
            if action == "edit":
                record, marker, at = edit(model, key, number)
            else:
                do = publish if action == "publish" else schedule
                record, marker, at = do(model, key, number, options.lead)
        except Exception as error:  # Reported below; the storm goes on.
            failures.append(f"{model._meta.label}: {type(error).__name__}: {error}")
            # A connection an error left in a bad state is not reused.
            connection.close()
        else:
            elapsed = (time.perf_counter() - started) * 1000
            durations.append(elapsed)
            saves[model._meta.label] += 1
            paths = english_paths(record, new=action != "edit")
            latest.pop(paths[0], None)
            latest[paths[0]] = (marker, model._meta.label, record.pk)
            if options.stream:
                line = {
                    "action": action,
                    "label": model._meta.label,
                    "pk": record.pk,
                    "paths": paths,
                    "marker": marker,
                    "at": at,
                    "save_ms": round(elapsed, 1),
                }
                print(json.dumps(line), flush=True)
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
                "latest": [[path, *saved] for path, saved in list(latest.items())[-LATEST:]],
            }
        ),
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
