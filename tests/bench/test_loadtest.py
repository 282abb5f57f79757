"""The load test with edits (tests/bench/loadtest.py) at a tiny size, so that it runs in
`make test` and cannot rot: the editor's changes show on the pages it names, the targets
are checked, and the whole run (data, gunicorn, wrk or Python threads, the editor, the
watching and the final check) works end to end for a few seconds."""

import datetime
import json
import os
import subprocess
import sys

import pytest
from django.utils import timezone

from events.models import Event
from institutions.models import Institution
from portal.blocks.publishing import PublicationStatus
from portal.models import News
from tests.bench import loadtest, run
from tests.bench.build_data import build_bench_data
from tests.bench.editor import COPY_PREFIX, edit, english_paths, publish, schedule


@pytest.mark.django_db
def test_each_change_shows_on_the_pages_the_editor_names(client):
    build_bench_data(
        cities=4, institutions=10, events=30, news=5, seed=3, today=datetime.date.today()
    )
    news = News.objects.published().first()

    record, marker, at = edit(News, news.pk, 1)
    assert at <= timezone.now().timestamp()
    assert english_paths(record) == [f"/en/news/{record.slug}/"]
    assert marker in client.get(english_paths(record)[0]).text

    for model in (Institution, Event, News):
        source = model.objects.published().first()
        record, marker, _at = publish(model, source.pk, 2, lead=0)
        assert record.slug.startswith(COPY_PREFIX) and record.is_live
        for path in english_paths(record, new=True):
            assert marker in client.get(path).text, path

    record, marker, at = schedule(News, news.pk, 3, lead=60)
    assert record.status == PublicationStatus.PUBLISHED and not record.is_live
    assert at == pytest.approx(timezone.now().timestamp() + 60, abs=5)
    page, news_list = english_paths(record, new=True)
    assert client.get(page).status_code == 404
    assert marker not in client.get(news_list).text


def watched(**changes):
    result = {
        "action": "edit",
        "label": "portal.News",
        "pk": 1,
        "path": "/en/news/x/",
        "marker": "(revised 1-1)",
        "lag_s": 0.2,
        "early": False,
        "asked": 3,
        "failed_asks": 0,
    }
    return {**result, **changes}


def test_every_missed_target_is_named():
    report = {
        "load": {"non_2xx": 0, "errors": 0, "statuses": {"200": 10}},
        "editor": {"failed": 0},
        "changes": [{"action": "edit"}],
        "watched": [watched()],
        "final": {"pages": 1, "missing": []},
    }
    assert loadtest.misses(report, lag_target=1.0) == []

    report["load"] = {"non_2xx": 2, "errors": 1, "statuses": {"200": 10, "500": 2}}
    report["editor"] = {"failed": 1, "failures": ["portal.News: IntegrityError"]}
    report["watched"] = [
        watched(lag_s=1.5),
        watched(lag_s=None, action="schedule"),
        watched(early=True, action="publish"),
        watched(failed_asks=2),
    ]
    report["final"]["missing"] = ["/en/news/x/: HTTP 200, '(revised 1-1)' not shown"]
    found = "\n".join(loadtest.misses(report, lag_target=1.0))
    for text in (
        "3 errors under load",
        "1 saves failed",
        "shown after 1.50 s",
        "schedule of portal.News 1 on /en/news/x/: never shown",
        "shown before it was saved",
        "2 asks failed",
        "at the end, /en/news/x/",
    ):
        assert text in found


def test_the_load_test_runs_end_to_end_at_tiny_size(tmp_path):
    """A few seconds on SQLite with a tiny data set. The lag target is wide: this checks
    the machinery, not how fast a busy test machine is."""
    out = tmp_path / "report.json"
    env = {
        **os.environ,
        "BENCH_CACHE_DIR": str(tmp_path / "builds"),
        "DJANGO_SETTINGS_MODULE": "portal.settings",
    }
    arguments = [
        *("--db", "sqlite", "--duration", "4", "--warmup", "0", "--connections", "4"),
        *("--cities", "4", "--institutions", "12", "--events", "40", "--addresses", "30"),
        *("--edit-interval", "0.3", "--lead", "0.5", "--lag-target", "30", "--out", str(out)),
    ]
    result = subprocess.run(
        [sys.executable, "-m", "tests.bench.loadtest", *arguments],
        cwd=run.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    report = json.loads(out.read_text())
    assert report["load"]["requests"] > 0
    assert report["changes"], "the editor changed nothing"
    assert {r["path"] for r in report["watched"]} >= {c["paths"][0] for c in report["changes"]}
    assert all(r["lag_s"] is not None for r in report["watched"])
    assert report["final"]["pages"] and not report["final"]["missing"]
    assert "Targets: all met." in result.stdout
