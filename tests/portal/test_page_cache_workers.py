"""Exact invalidation across real processes: gunicorn with two workers serves the site
while other processes (a management command, as an import would) edit it. Every edit,
and a scheduled publication time passing, shows on the next request on every worker:
with the default file cache and with Redis."""

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import redis

ROOT = Path(__file__).resolve().parents[2]
REDIS_DB = 13  # a database of the machine's Redis kept for this test, flushed first

SEED = """
from portal.models import News
News.objects.create(slug="kiln", title_ko="가마 소식", title_en="Kiln news",
                    date="2026-01-01", status="published")
"""
EDIT = """
from portal.models import News
news = News.objects.get(slug="kiln")
news.title_en = {title!r}
news.save()
"""
IDENTITY = """
from portal.models import IDENTITY_PK, SiteIdentity
SiteIdentity(pk=IDENTITY_PK, site_name_ko="가마 도시", site_name_en={name!r}).save()
"""
SCHEDULE = """
import datetime
from django.utils import timezone
from portal.models import News
News.objects.create(slug="later", title_ko="예약", title_en="Scheduled news",
                    date="2026-01-02", status="published",
                    publish_at=timezone.now() + datetime.timedelta(seconds={seconds}))
"""


# A change's counter and entry, and a reader of them, for a few seconds each.
CHANGES = """
import time
from portal.blocks.caching import tags
changes, end = 0, time.monotonic() + {seconds}
while time.monotonic() < end:
    tags.bump(["m:portal.news"])
    changes += 1
print(changes)
"""
READS = """
import time
from django.core.cache import cache
from portal.blocks.caching import tags
read, behind, end = 0, 0, time.monotonic() + {seconds}
while time.monotonic() < end:
    number = cache.get(tags.COUNTER)
    entry = cache.get(f"{{tags.LOG}}{{number}}")
    if number is not None:
        read += 1
        behind += entry is None
print(read, behind)
"""


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def manage(env, *args, code=None):
    result = subprocess.run(
        manage_command(*args, code=code),
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]


def shell(env, code):
    """``manage.py shell -c code`` started, its output to read (``communicate()``)."""
    return subprocess.Popen(
        manage_command("shell", code=code),
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def manage_command(*args, code=None):
    return [sys.executable, "manage.py", *args] + (["-c", code] if code else [])


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    """A migrated SQLite database, made once and copied for each run."""
    path = tmp_path_factory.mktemp("db") / "site.sqlite3"
    manage(base_env(path, tmp_path_factory.mktemp("cache")), "migrate", "--noinput", "-v", "0")
    return path


def base_env(database, cache_dir):
    env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "DEBUG": "false",
            "SECRET_KEY": "workers-test-" + "x" * 40,
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": f"sqlite:///{database}",
            "CACHE_DIR": str(cache_dir),
        }
    )
    return env


@pytest.fixture(params=["file cache", "redis"])
def shared(request, migrated, tmp_path):
    """The environment of processes that share a database and a cache (the file cache
    or Redis)."""
    database = tmp_path / "site.sqlite3"
    shutil.copy(migrated, database)
    env = base_env(database, tmp_path / "cache")
    if request.param == "redis":
        redis.Redis(db=REDIS_DB).flushdb()
        env["REDIS_URL"] = f"redis://127.0.0.1:6379/{REDIS_DB}"
    return env


@pytest.fixture
def site(shared):
    env = shared
    manage(env, "shell", code=SEED)
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "portal.wsgi:application",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=5).read()  # noqa: S310
            break
        except OSError:
            assert server.poll() is None, server.stderr.read().decode()[-3000:]
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.2)
    yield base, env
    server.terminate()
    server.wait(timeout=30)


def fetch_all(base, path, times=24):
    """The page, asked ``times`` times over new connections: both workers answer."""
    pages = []
    for _ in range(times):
        with urllib.request.urlopen(base + path, timeout=10) as response:  # noqa: S310
            pages.append((response.headers.get("X-Page-Cache"), response.read().decode()))
    return pages


def test_an_edit_in_another_process_shows_on_every_worker_at_once(site):
    base, env = site
    pages = fetch_all(base, "/en/news/")
    assert all("Kiln news" in text for _state, text in pages)
    assert sum(state == "hit" for state, _text in pages) >= len(pages) - 2
    for title in ("Kiln news, edited", "Kiln news, edited again"):
        manage(env, "shell", code=EDIT.format(title=title))
        pages = fetch_all(base, "/en/news/")
        assert all(title in text for _state, text in pages), title


def test_a_publication_time_passing_shows_on_every_worker(site):
    base, env = site
    manage(env, "shell", code=SCHEDULE.format(seconds=4))
    published_at = time.monotonic() + 4
    assert not any("Scheduled news" in text for _state, text in fetch_all(base, "/en/news/"))
    time.sleep(max(0, published_at - time.monotonic()) + 0.5)
    assert all("Scheduled news" in text for _state, text in fetch_all(base, "/en/news/"))


def test_a_change_to_the_header_shows_on_new_pages_of_every_worker(site):
    """Each worker keeps the regions every page shares (the site's name in the header)
    beside the shared cache: a change from another process shows on every page made
    after it, on every worker."""
    base, env = site
    assert all("Kiln City" not in text for _state, text in fetch_all(base, "/en/news/"))
    manage(env, "shell", code=IDENTITY.format(name="Kiln City"))
    for path in ("/en/news/", "/en/cities/", "/en/events/"):
        pages = fetch_all(base, path, times=8)
        assert all('<span class="brand__name">Kiln City' in text for _s, text in pages), path


def test_no_process_reads_a_changes_number_before_its_entry(shared):
    """A change moves the counter and writes its entry in one step: a process that
    reads the counter, then the entry of that number, never finds the entry missing (a
    region kept from before the change would then pass for current inside a page
    stored as current)."""
    seconds = 4
    processes = [shell(shared, code.format(seconds=seconds)) for code in (CHANGES, READS)]
    (changes, _), (reads, errors) = [process.communicate(timeout=120) for process in processes]
    assert all(process.returncode == 0 for process in processes), errors[-3000:]
    # The last line: the shell may say first what it imported.
    changes = int(changes.splitlines()[-1])
    read, behind = map(int, reads.splitlines()[-1].split())
    assert changes > 100 and read > 1000, (changes, read)
    assert behind == 0, f"{behind} of {read} reads found the counter ahead of what it stands for"


def test_changes_are_counted_exactly_while_a_cleaner_empties_the_cache_folder(migrated, tmp_path):
    """Two processes count changes at once while a cleaner of temporary files deletes
    the files of the cache folder that are not entries and were not written lately (as
    one deletes files untouched for days): each change still gets a number of its own
    (two changes given one number would leave the pages of one of them current)."""
    database = tmp_path / "site.sqlite3"
    shutil.copy(migrated, database)
    folder = tmp_path / "cache"
    env = base_env(database, folder)
    read = "from django.core.cache import cache; from portal.blocks.caching import tags; "
    manage(env, "shell", code=read + "cache.set(tags.COUNTER, 1000, None)")
    seconds = 4
    processes = [shell(env, CHANGES.format(seconds=seconds)) for _ in range(2)]
    end = time.monotonic() + seconds + 30
    while any(process.poll() is None for process in processes) and time.monotonic() < end:
        for path in folder.glob("*") if folder.exists() else ():
            with contextlib.suppress(FileNotFoundError):
                if not path.name.endswith(".djcache") and path.stat().st_mtime < time.time() - 1:
                    path.unlink()
        time.sleep(0.01)  # a cleaner's pass, not a third process spinning on two cores
    outputs = [process.communicate(timeout=120) for process in processes]
    assert all(process.returncode == 0 for process in processes), outputs
    changes = sum(int(out.splitlines()[-1]) for out, _errors in outputs)
    reader = shell(env, read + "print(cache.get(tags.COUNTER))")
    counter, errors = reader.communicate(timeout=120)
    assert reader.returncode == 0, errors[-3000:]
    assert changes > 100, changes
    assert int(counter.splitlines()[-1]) == 1000 + changes
