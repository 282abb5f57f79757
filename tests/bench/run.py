"""The benchmark: the public pages served by gunicorn with production settings over a
large data set, each compared with a minimal Django template view (the ceiling)
measured in the same run. See tests/bench/README.md.

    .venv/bin/python -m tests.bench.run [--db sqlite,postgres] [--duration 10]
        [--scenarios pages,longtail,editstorm,nocache] [--concurrency 1,32]
        [--out bench-results/NAME.json]

For each database: a fresh database (SQLite: a copy of a cached build; PostgreSQL: the
database in --postgres-url, dropped and created), migrated and filled by
tests/bench/build_data.py; static files collected to a temporary STATIC_ROOT.
PostgreSQL runs use a Redis database of their own as the cache, as production does,
emptied before each mode; SQLite runs use the project's default cache.

The scenarios, each with a gunicorn of its own on a loopback port:

- pages (--modes uncached,cached) and nocache (every cache a DummyCache): the pages
  probed once (status, bytes, gzip bytes, CSS/JS weight, cookies), a warm-up, then
  bounded load runs from this process (wrk when installed, else a threaded
  http.client loop) interleaved with ceiling runs: C P1 C P2 … C, each page compared
  with the mean of the ceiling runs either side of it. SQL queries per request come
  from tests/bench/probe.py (Django's test Client in-process).
- longtail: 32 connections asking for addresses picked at random from thousands of
  real ones (tests/bench/probe.py --addresses; wrk with tests/bench/longtail.lua), after
  a warm-up, between two ceiling runs.
- editstorm: the long tail again while tests/bench/editor.py saves a published record
  every 2 s through the ORM.

Only 127.0.0.1 is ever loaded, every run stops by itself, and gunicorn and the editor
are stopped at the end (by the process ids this script started).
"""

import argparse
import collections
import datetime
import gzip
import hashlib
import http.client
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo

BASE_DIR = Path(__file__).resolve().parents[2]
BENCH_DIR = Path(__file__).resolve().parent
HOST = "127.0.0.1"  # The only address this benchmark ever sends a request to.
CEILING_PATH = "/bench-ceiling/"
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/portal_bench"
# PostgreSQL runs use this Redis database as their cache, and empty it (FLUSHDB, that
# database only) before each mode.
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"

# The modes a run can measure, each a gunicorn started with these variables.
# tests/bench/settings.py reads BENCH_MODE: "uncached" drops the page cache middleware,
# "cached" keeps the middleware list as the project configures it, "nocache" keeps it
# but makes every cache a DummyCache. The long tail and the edit storm run the site as
# configured.
MODES = {
    "uncached": {"BENCH_MODE": "uncached"},
    "cached": {"BENCH_MODE": "cached"},
    "nocache": {"BENCH_MODE": "nocache"},
    "longtail": {"BENCH_MODE": "cached"},
    "editstorm": {"BENCH_MODE": "cached"},
}
PAGE_MODES = ("uncached", "cached")  # chosen with --modes, in the "pages" scenario
SCENARIOS = ("pages", "nocache", "longtail", "editstorm")
MIXES = {"longtail": "long tail", "editstorm": "edit storm"}

# The targets, checked after each run and listed in the report. Each share is of the
# ceiling measured beside the page or scenario; p99 is compared with the ceiling's
# under p99_concurrency connections (the long tail and the edit storm run under those).
TARGETS = {
    "list_ratio": 0.10,
    "detail_ratio": 0.25,
    "cached_ratio": 1.20,
    "queries": 6,
    "p99_factor": 5.0,
    "p99_concurrency": 32,
    "rss_mb": 80,
    "page_gzip_kb": 50,
    "postgres_vs_sqlite": 0.80,
    "postgres_vs_sqlite_modes": PAGE_MODES,
    "nocache_list_ratio": 0.10,
    "nocache_detail_ratio": 0.20,
    "longtail_ratio": 0.30,
    "editstorm_ratio": 0.20,
}
# What the long tail is: at least this many distinct addresses (fewer only when the
# data set is too small to have them, which the report says).
LONG_TAIL_MIN_ADDRESSES = 3000


def log(message):
    print(message, flush=True)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m tests.bench.run",
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--db",
        default="sqlite",
        help="sqlite, postgres or both (sqlite,postgres). Default: sqlite.",
    )
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL),
        help="PostgreSQL database to drop, create and fill (its name must contain "
        "'bench'). Default: $BENCH_POSTGRES_URL or " + DEFAULT_POSTGRES_URL,
    )
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL),
        help="Redis database the PostgreSQL runs use as their cache and empty before each "
        "mode (a database number other than 0 must be given). Default: "
        "$BENCH_REDIS_URL or " + DEFAULT_REDIS_URL,
    )
    parser.add_argument(
        "--scenarios",
        default=",".join(SCENARIOS),
        help="Which to run: pages (the per-page table in each of --modes), "
        "nocache (the same with every cache a DummyCache), longtail, "
        "editstorm. Default: all.",
    )
    parser.add_argument(
        "--modes",
        default="uncached,cached",
        help="The pages scenario's modes: uncached, cached or both (cached is "
        "skipped when the project has no page cache middleware). "
        "Default: both.",
    )
    parser.add_argument(
        "--duration", type=int, default=10, help="Seconds of load per page run (default 10)."
    )
    parser.add_argument(
        "--ceiling-duration",
        type=int,
        default=None,
        help="Seconds per ceiling run (default: half of --duration, at "
        "least 1; each page is compared with two of them).",
    )
    parser.add_argument(
        "--concurrency",
        default="1,32",
        help="Comma-separated numbers of connections for the per-page tables (default 1,32).",
    )
    parser.add_argument(
        "--warmup",
        type=int,
        default=20,
        help="Seconds of long tail before the long tail and the edit storm "
        "are measured (default 20).",
    )
    parser.add_argument(
        "--addresses",
        type=int,
        default=4000,
        help="Distinct addresses in the long tail (default 4000; at least "
        f"{LONG_TAIL_MIN_ADDRESSES:,} when the data set has them).",
    )
    parser.add_argument(
        "--tail-connections",
        type=int,
        default=32,
        help="Connections of the long tail and the edit storm (default 32).",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="Runs of the long tail and of the edit storm, each with a gunicorn and a "
        "cache of its own; the median run by share of the ceiling is reported, with every "
        "run's share beside it (default 3). They vary from run to run: the warm-up's "
        "speed decides how much of the measured run the cache holds.",
    )
    parser.add_argument(
        "--edit-interval",
        type=float,
        default=2.0,
        help="Seconds between the edit storm's saves (default 2).",
    )
    parser.add_argument("--cities", type=int, default=400)
    parser.add_argument("--institutions", type=int, default=5000)
    parser.add_argument("--events", type=int, default=50000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--workers", type=int, default=2, help="gunicorn workers (default 2: one per core)."
    )
    parser.add_argument(
        "--worker-class",
        default="sync",
        choices=["sync", "gthread"],
        help="gunicorn worker class (default sync; see README).",
    )
    parser.add_argument("--threads", type=int, default=4, help="Threads per gthread worker.")
    parser.add_argument(
        "--client",
        default="auto",
        choices=["auto", "wrk", "python"],
        help="Load generator: wrk when installed (auto), or Python threads.",
    )
    parser.add_argument(
        "--pages", default="", help="Only these pages (comma-separated names, e.g. 'home,event')."
    )
    parser.add_argument(
        "--rebuild",
        action="store_true",
        help="Rebuild the SQLite data set even if a cached build matches.",
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="Keep the temporary folder (database copy, static, logs).",
    )
    parser.add_argument(
        "--out", default=None, help="JSON results file (default bench-results/<time>-<dbs>.json)."
    )
    args = parser.parse_args(argv)
    args.dbs = [d.strip() for d in args.db.split(",") if d.strip()]
    args.scenario_list = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    args.mode_list = [m.strip() for m in args.modes.split(",") if m.strip()]
    args.concurrencies = [int(c) for c in args.concurrency.split(",") if c.strip()]
    args.page_names = {p.strip() for p in args.pages.split(",") if p.strip()}
    if args.ceiling_duration is None:
        args.ceiling_duration = max(1, args.duration // 2)
    if not set(args.dbs) <= {"sqlite", "postgres"} or not args.dbs:
        parser.error("--db takes sqlite, postgres or sqlite,postgres")
    if not set(args.scenario_list) <= set(SCENARIOS) or not args.scenario_list:
        parser.error(f"--scenarios takes {', '.join(SCENARIOS)}")
    if not set(args.mode_list) <= set(PAGE_MODES) or not args.mode_list:
        parser.error(f"--modes takes {', '.join(PAGE_MODES)}")
    if not 0 <= args.warmup <= 600 or not 1 <= args.tail_connections <= 256:
        parser.error("--warmup must be 0..600 seconds and --tail-connections 1..256")
    if args.addresses < 1 or not 0.1 <= args.edit_interval <= 600:
        parser.error("--addresses must be at least 1 and --edit-interval 0.1..600 seconds")
    if not 1 <= args.repeat <= 20:
        parser.error("--repeat must be 1..20")
    problem = redis_url_problem(args.redis_url)
    if problem:
        parser.error(problem)
    if (
        not args.concurrencies
        or min(args.concurrencies) < 1
        or max(args.concurrencies) > 256
        or args.duration < 1
        or args.duration > 600
    ):
        parser.error("concurrency must be 1..256 and duration 1..600 seconds")
    return args


def redis_url_problem(url):
    """Why ``url`` may not be the bench's Redis (None if it may): the bench empties the
    database it names, so it must name one, and not the default 0."""
    parts = urlsplit(url)
    if (
        parts.scheme not in {"redis", "rediss"}
        or not parts.path.strip("/").isdigit()
        or int(parts.path.strip("/")) == 0
    ):
        return (
            "--redis-url must name a Redis database other than 0 "
            "(redis://HOST:PORT/N): the bench empties it"
        )
    return None


# --- the data set -----------------------------------------------------------------------


def bench_today():
    """The day the data set is built around, in the site's time zone."""
    return datetime.datetime.now(ZoneInfo(os.environ.get("TIME_ZONE", "Asia/Seoul"))).date()


def build_key(args, today):
    """What a built data set depends on: its size, seed and day, every migration and the
    builder itself."""
    digest = hashlib.sha256(
        f"{args.cities}/{args.institutions}/{args.events}/{args.seed}/{today}".encode()
    )
    sources = sorted(BASE_DIR.glob("*/migrations/*.py"))
    sources.append(BENCH_DIR / "build_data.py")
    for path in sources:
        digest.update(str(path.relative_to(BASE_DIR)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def run_python(env, *arguments):
    """Run ``python ARGUMENTS`` in the project; stop with its output if it fails."""
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, *arguments],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    name = " ".join(arguments[:2])
    if result.returncode != 0:
        raise SystemExit(f"{name} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    log(f"  {name}: {time.monotonic() - started:.1f} s")
    return result.stdout


def manage(env, *arguments):
    """Run a manage.py command with the project's own settings."""
    return run_python(env, "manage.py", *arguments)


def fill(env, args, today):
    # System checks are not the benchmark's business (make test runs them): a half-done
    # admin elsewhere must not keep the pages from being measured.
    manage(env, "migrate", "--noinput", "--skip-checks", "-v", "0")
    run_python(
        {**env, "DJANGO_SETTINGS_MODULE": "portal.settings"},
        "-m",
        "tests.bench.build_data",
        "-v",
        "0",
        "--cities",
        str(args.cities),
        "--institutions",
        str(args.institutions),
        "--events",
        str(args.events),
        "--seed",
        str(args.seed),
        "--today",
        str(today),
    )


def production_env(workdir):
    """The environment every process of a run gets: production settings (DEBUG off, a
    random secret key), files and the cache folder in ``workdir``, and no database,
    cache or settings module of the caller's (each run chooses its own)."""
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        "SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "WARNING",
        "STATIC_ROOT": str(workdir / "static"),
        "MEDIA_ROOT": str(workdir / "media"),
        # Nothing the bench runs uses the cache folder other processes share.
        "CACHE_DIR": str(workdir / "cache"),
        "PYTHONUNBUFFERED": "1",
    }
    # The database and the cache are the bench's choice, not the caller's: SQLite runs
    # use the project's default cache, PostgreSQL runs the bench's Redis database.
    for name in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL", "BENCH_MODE"):
        env.pop(name, None)
    return env


def collect_static(env, workdir):
    """Static files into the run's STATIC_ROOT, as a deployment collects them."""
    manage(
        {**env, "DATABASE_URL": f"sqlite:///{workdir / 'unused.sqlite3'}"},
        "collectstatic",
        "--noinput",
        "--skip-checks",
        "-v",
        "0",
    )


def database_env(db, args, env, workdir):
    """``env`` with a freshly built database of the run's size and its cache: for SQLite
    the project's default cache (files, shared by the workers and the editor) in a
    folder of this database's own; for PostgreSQL Redis, as production runs it."""
    if db == "sqlite":
        database_url = prepare_sqlite(args, env, workdir)
        return {**env, "DATABASE_URL": database_url, "CACHE_DIR": str(workdir / "cache-sqlite")}
    database_url = prepare_postgres(args, env)
    return {**env, "DATABASE_URL": database_url, "REDIS_URL": args.redis_url}


def prepare_sqlite(args, env, workdir):
    """A fresh copy of the built SQLite file, built only when no cached build matches
    (cache: $BENCH_CACHE_DIR or ~/.cache/portal-bench; one build is kept)."""
    today = bench_today()
    cache_dir = Path(os.environ.get("BENCH_CACHE_DIR", Path.home() / ".cache/portal-bench"))
    cache_dir.mkdir(parents=True, exist_ok=True)
    cached = cache_dir / f"bench-{build_key(args, today)}.sqlite3"
    if args.rebuild or not cached.exists():
        log(f"Building the SQLite data set ({cached.name})…")
        build = workdir / "build.sqlite3"
        fill({**env, "DATABASE_URL": f"sqlite:///{build}"}, args, today)
        partial = cached.with_suffix(".partial")
        shutil.copyfile(build, partial)
        os.replace(partial, cached)
        build.unlink()
        for old in cache_dir.glob("bench-*.sqlite3"):
            if old != cached:
                old.unlink()
    else:
        log(f"Using the cached SQLite data set {cached}")
    database = workdir / "bench.sqlite3"
    shutil.copyfile(cached, database)
    return f"sqlite:///{database}"


def prepare_postgres(args, env):
    """Drop and create the bench database, migrate and fill it."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(args.postgres_url)
    name = parts.path.lstrip("/")
    if "bench" not in name:
        raise SystemExit(
            f"Refusing to drop PostgreSQL database {name!r}: the bench only "
            "drops and recreates a database whose name contains 'bench'."
        )
    log(f"Creating PostgreSQL database {name} on {parts.hostname}:{parts.port or 5432}…")
    try:
        with psycopg.connect(
            host=parts.hostname,
            port=parts.port or 5432,
            user=parts.username or "postgres",
            password=parts.password,
            dbname="postgres",
            autocommit=True,
        ) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.Error as error:
        raise SystemExit(
            f"PostgreSQL at {parts.hostname}:{parts.port or 5432} is not "
            f"usable for the bench: {error}"
        ) from None
    fill({**env, "DATABASE_URL": args.postgres_url}, args, bench_today())
    return args.postgres_url


# --- gunicorn -----------------------------------------------------------------------------


def free_port():
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn serving ``app`` (the bench's: the site and the ceiling view) on a
    loopback port."""

    def __init__(self, env, args, workdir, label, app="tests.bench.wsgi:application"):
        self.port = free_port()
        self.log_path = workdir / f"gunicorn-{label}.log"
        # --capture-output: what Django logs (a 404's "Not Found: /path", a 500's
        # traceback) goes to the log file, not to this terminal, and can be summed up.
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            app,
            "--bind",
            f"{HOST}:{self.port}",
            "--workers",
            str(args.workers),
            "--worker-class",
            args.worker_class,
            "--chdir",
            str(BASE_DIR),
            "--timeout",
            "60",
            "--log-level",
            "warning",
            "--error-logfile",
            str(self.log_path),
            "--capture-output",
        ]
        if args.worker_class == "gthread":
            command += ["--threads", str(args.threads)]
        self.process = subprocess.Popen(command, cwd=BASE_DIR, env=env)
        self.base = f"http://{HOST}:{self.port}"

    def wait_ready(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                if fetch(self.base + "/healthz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise SystemExit(f"gunicorn did not start:\n{self.log_tail()}")

    def settle(self, timeout=180):
        """Wait until the requests a finished run left queued have been served: a sync
        worker still answers every connection the load generator opened, so a slow page
        would otherwise steal time from the run after it. Idle means three health checks
        in a row answered quickly."""
        deadline, quick = time.monotonic() + timeout, 0
        while quick < 3 and time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                fetch(self.base + "/healthz")
            except OSError:
                time.sleep(0.1)
                continue
            quick = quick + 1 if time.perf_counter() - started < 0.05 else 0

    def log_tail(self):
        try:
            return self.log_path.read_text()[-3000:]
        except OSError:
            return "(no log)"

    def logged_errors(self, most=5):
        """The responses Django logged as errors ("Not Found: /ko/…", "Internal Server
        Error: /en/…"), the most frequent first, with their counts: which addresses a
        run's errors came from."""
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return []
        found = collections.Counter(
            match.group(1)
            for match in re.finditer(
                r"^((?:Not Found|Internal Server Error|Bad Request|Forbidden|Gone|Service "
                r"Unavailable|Method Not Allowed)[^:\n]*: /\S*)",
                text,
                re.MULTILINE,
            )
        )
        return [f"{count}× {line}" for line, count in found.most_common(most)]

    def worker_rss_mb(self):
        """VmRSS of each gunicorn worker (the master's children)."""
        sizes = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
                parent = int(stat.rsplit(")", 1)[1].split()[1])
                if parent != self.process.pid:
                    continue
                status = (entry / "status").read_text()
            except (OSError, ValueError, IndexError):
                continue
            match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
            if match:
                sizes.append(round(int(match.group(1)) / 1024, 1))
        return sorted(sizes)

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def flush_cache(env, workdir):
    """Empty the bench's cache, so that each mode starts with nothing remembered and
    none finds what another left: with REDIS_URL (the PostgreSQL runs) the bench's Redis
    database (FLUSHDB: that database only); without it the folder of the project's
    default cache, CACHE_DIR, which the bench keeps in its temporary folder (the
    default folder is shared by every process run from this checkout)."""
    url = env.get("REDIS_URL")
    if not url:
        folder = Path(env.get("CACHE_DIR", ""))
        if folder.is_relative_to(workdir) and folder != workdir:
            shutil.rmtree(folder, ignore_errors=True)
        return
    import redis

    try:
        with redis.Redis.from_url(url, socket_timeout=10) as client:
            client.flushdb()
    except redis.RedisError as error:
        raise SystemExit(f"Redis at {url} is not usable for the bench: {error}") from None


class Editor:
    """tests/bench/editor.py in a subprocess with gunicorn's environment: a published
    record saved every --edit-interval seconds until stop() (or its own time limit).

    With ``options`` (more of the editor's options, e.g. ``--actions``) and
    ``on_change``, the editor streams its changes (``--stream``) and each is handed to
    ``on_change`` as soon as it is saved (tests/bench/loadtest.py); ``changes`` keeps
    them."""

    def __init__(self, env, args, workdir, label, seconds, options=(), on_change=None):
        self.log_path = workdir / f"editor-{label}.log"
        self.summary, self.changes, self.on_change = None, [], on_change
        command = [
            *(sys.executable, "-m", "tests.bench.editor"),
            *("--interval", str(args.edit_interval), "--duration", str(seconds)),
            *("--seed", str(args.seed), *options),
            *(["--stream"] if on_change else []),
        ]
        with open(self.log_path, "w") as errors:
            self.process = subprocess.Popen(
                command, cwd=BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=errors, text=True
            )
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.process.stdout:
            if not line.startswith("{"):
                continue
            data = json.loads(line)
            if "action" in data:
                self.changes.append(data)
                self.on_change(data)
            else:
                self.summary = data

    def stop(self):
        """Stop it (SIGTERM: it finishes the save under way) and return its summary."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.reader.join(30)
        if self.summary is None:
            try:
                tail = self.log_path.read_text()[-2000:]
            except OSError:
                tail = "(no log)"
            self.summary = {
                "saves": 0,
                "by_model": {},
                "failed": 1,
                "latest": [],
                "failures": [f"the editor reported nothing: {tail}"],
            }
        return self.summary


# --- HTTP ---------------------------------------------------------------------------------


def fetch(url, accept_encoding="identity"):
    parts = urlsplit(url)
    assert parts.hostname == HOST, url
    connection = http.client.HTTPConnection(HOST, parts.port, timeout=60)
    try:
        connection.request(
            "GET",
            parts.path + (f"?{parts.query}" if parts.query else ""),
            headers={"Accept-Encoding": accept_encoding},
        )
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


class AssetLinks(HTMLParser):
    """Same-site stylesheets and scripts a page loads (images excluded)."""

    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and "stylesheet" in (attrs.get("rel") or "").split():
            self.urls.append(attrs.get("href"))
        elif tag == "script" and attrs.get("src"):
            self.urls.append(attrs["src"])


def gzip_size(body):
    return len(gzip.compress(body, compresslevel=6, mtime=0))


def probe_page(base, path, asset_sizes):
    """One request: status, HTML bytes and gzip bytes, the gzip weight of its CSS and JS
    (as whitenoise serves them compressed), and whether it sets a cookie or carries a
    CSRF token (a cacheable anonymous page does neither)."""
    status, headers, body = fetch(base + path)
    facts = {
        "status": status,
        "html_bytes": len(body),
        "html_gzip_bytes": gzip_size(body),
        "set_cookie": headers.get("Set-Cookie") is not None,
        "csrf_token": b"csrfmiddlewaretoken" in body,
        "content_type": headers.get("Content-Type", ""),
    }
    assets = 0
    if "html" in facts["content_type"]:
        parser = AssetLinks()
        parser.feed(body.decode("utf-8", "replace"))
        for link in parser.urls:
            url = urljoin(base + path, link)
            if urlsplit(url).hostname != HOST:
                continue
            if url not in asset_sizes:
                asset_status, asset_headers, asset_body = fetch(url, "gzip")
                compressed = asset_headers.get("Content-Encoding") == "gzip"
                asset_sizes[url] = (
                    (len(asset_body) if compressed else gzip_size(asset_body))
                    if asset_status == 200
                    else 0
                )
            assets += asset_sizes[url]
    facts["assets_gzip_bytes"] = assets
    facts["page_gzip_bytes"] = facts["html_gzip_bytes"] + assets
    return facts


# --- load generators ----------------------------------------------------------------------


def run_wrk(url, concurrency, duration, script, *script_args):
    """wrk with one thread (the machine's cores are gunicorn's), bounded in time."""
    result = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{concurrency}",
            f"-d{duration}s",
            "--timeout",
            "30s",
            "-s",
            str(BENCH_DIR / script),
            url,
            *(["--", *script_args] if script_args else []),
        ],
        capture_output=True,
        text=True,
        timeout=duration + 90,
        check=False,
    )
    line = next((ln for ln in result.stdout.splitlines() if ln.startswith("BENCH_JSON ")), None)
    if line is None:
        raise SystemExit(f"wrk failed:\n{result.stdout}\n{result.stderr}")
    data = json.loads(line.removeprefix("BENCH_JSON "))
    seconds = data["duration_us"] / 1e6
    measured = {
        "requests": data["requests"],
        "seconds": round(seconds, 3),
        "rps": data["requests"] / seconds if seconds else 0.0,
        "p50_ms": data["p50_us"] / 1000,
        "p99_ms": data["p99_us"] / 1000,
        # wrk counts responses of 400 and above (a redirect is an answer, not an error).
        "non_2xx": data["non_2xx"],
        "errors": data["errors"] + data["timeouts"],
    }
    for name in ("statuses", "page_cache"):
        if name in data:
            measured[name] = dict(sorted(data[name].items()))
    return measured


def wrk_load(url, concurrency, duration):
    return run_wrk(url, concurrency, duration, "report.lua")


def wrk_mix(base, paths_file, concurrency, duration, seed):
    """The long tail: each request for a path picked at random from paths_file."""
    return run_wrk(base + "/", concurrency, duration, "longtail.lua", str(paths_file), str(seed))


def python_mix(base, paths_file, concurrency, duration, seed):
    paths = Path(paths_file).read_text(encoding="utf-8").split()
    return python_load(base + paths[0], concurrency, duration, paths=paths, seed=seed)


def python_load(url, concurrency, duration, max_requests=2_000_000, paths=None, seed=0):
    """A threaded keep-alive client, bounded in time and in count. Slower than wrk (the
    GIL caps it at a few thousand requests a second), so prefer wrk for the ceiling.
    With ``paths``, each request is for one of them picked at random (each thread's
    generator seeded from ``seed``)."""
    parts = urlsplit(url)
    assert parts.hostname == HOST, url
    targets = paths or [parts.path + (f"?{parts.query}" if parts.query else "")]
    deadline = time.monotonic() + duration
    budget = max_requests // concurrency
    latencies, counts, lock = [], collections.Counter(), threading.Lock()
    answers = collections.Counter()

    def run(number):
        mine, tally, connection = [], collections.Counter(), None
        cached = collections.Counter()
        pick = random.Random(seed * 1000 + number)  # noqa: S311 (an address, not a secret)
        while time.monotonic() < deadline and len(mine) < budget:
            if connection is None:
                connection = http.client.HTTPConnection(HOST, parts.port, timeout=30)
            target = targets[pick.randrange(len(targets))]
            started = time.perf_counter()
            try:
                connection.request("GET", target, headers={"Accept-Encoding": "identity"})
                response = connection.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                tally["error"] += 1
                connection.close()
                connection = None
                time.sleep(0.01)
                continue
            mine.append(time.perf_counter() - started)
            tally[response.status] += 1
            cached[response.getheader("X-Page-Cache", "none")] += 1
            if response.will_close:
                connection.close()
                connection = None
        if connection is not None:
            connection.close()
        with lock:
            latencies.extend(mine)
            counts.update(tally)
            answers.update(cached)

    started = time.monotonic()
    threads = [
        threading.Thread(target=run, args=(number,), daemon=True)
        for number in range(1, concurrency + 1)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=duration + 60)
    seconds = time.monotonic() - started
    latencies.sort()

    def percentile(p):
        if not latencies:
            return 0.0
        return latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] * 1000

    return {
        "requests": len(latencies),
        "seconds": round(seconds, 3),
        "rps": len(latencies) / seconds if seconds else 0.0,
        "p50_ms": percentile(50),
        "p99_ms": percentile(99),
        # As wrk counts them: responses of 400 and above.
        "non_2xx": sum(n for status, n in counts.items() if status != "error" and status >= 400),
        "errors": counts["error"],
        "statuses": {
            str(status): n
            for status, n in sorted(
                (status, n) for status, n in counts.items() if status != "error"
            )
        },
        "page_cache": dict(sorted(answers.items())),
    }


# --- one database, one mode ---------------------------------------------------------------

Clients = collections.namedtuple("Clients", "page mix")


def probe_in_process(env, *arguments):
    result = subprocess.run(
        [sys.executable, "-m", "tests.bench.probe", *arguments],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"tests.bench.probe failed:\n{result.stderr[-4000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def bench_env(env, mode):
    return {**env, **MODES[mode], "DJANGO_SETTINGS_MODULE": "tests.bench.settings"}


def measure_mode(db, mode, env, args, workdir, clients):
    """The per-page table of one mode: each page under each concurrency, between ceiling
    runs."""
    env = bench_env(env, mode)
    log(f"[{db} · {mode}] counting queries in-process…")
    flush_cache(env, workdir)
    facts = probe_in_process(env)
    if mode == "cached" and not facts["page_cache_middleware"]:
        log(f"[{db} · cached] skipped: the project has no page cache middleware yet.")
        return None
    if facts.get("first_request_after") not in (None, "a new content generation"):
        log(f"  note: the first request is counted after {facts['first_request_after']}")
    pages = [p for p in facts["pages"] if not args.page_names or p["name"] in args.page_names]
    # What the probe left in the cache is not gunicorn's to find.
    flush_cache(env, workdir)
    log(f"[{db} · {mode}] starting gunicorn ({args.workers} {args.worker_class} workers)…")
    server = Server(env, args, workdir, f"{db}-{mode}")

    def load(path, concurrency, duration):
        result = clients.page(server.base + path, concurrency, duration)
        server.settle()
        return result

    try:
        server.wait_ready()
        asset_sizes = {}
        ceiling = probe_page(server.base, CEILING_PATH, asset_sizes)
        if ceiling["status"] != 200:
            raise SystemExit(f"The ceiling view answered {ceiling['status']}:\n{server.log_tail()}")
        runnable = []
        for page in pages:
            if not page["url"]:
                page["error"] = page["note"] or "no URL"
                continue
            page.update(probe_page(server.base, page["url"], asset_sizes))
            if page["status"] != 200:
                page["error"] = f"HTTP {page['status']}"
            else:
                runnable.append(page)
        log(f"[{db} · {mode}] warming up…")
        for path in [CEILING_PATH, *(p["url"] for p in runnable)]:
            load(path, 2, 1)
        runs = {}
        for concurrency in args.concurrencies:
            log(
                f"[{db} · {mode}] {concurrency} connection(s): {len(runnable)} pages, "
                f"{args.duration} s each, ceiling {args.ceiling_duration} s between…"
            )
            ceilings = [load(CEILING_PATH, concurrency, args.ceiling_duration)]
            results = {}
            for page in runnable:
                result = load(page["url"], concurrency, args.duration)
                ceilings.append(load(CEILING_PATH, concurrency, args.ceiling_duration))
                result["ceiling_rps"] = statistics.mean(c["rps"] for c in ceilings[-2:])
                result["ceiling_p99_ms"] = statistics.mean(c["p99_ms"] for c in ceilings[-2:])
                results[page["name"]] = result
                log(
                    f"  {page['name']:<24} {result['rps']:8.1f} req/s "
                    f"({ratio(result) * 100:5.1f} % of {result['ceiling_rps']:.0f})"
                )
            runs[concurrency] = {"ceiling_runs": ceilings, "pages": results}
        rss = server.worker_rss_mb()
        logged = server.logged_errors()
    finally:
        server.stop()
    return {
        "facts": facts,
        "pages": pages,
        "ceiling_page": ceiling,
        "runs": runs,
        "worker_rss_mb": rss,
        "logged_errors": logged,
    }


def long_tail_addresses(db, env, args, workdir):
    """Write the long tail's addresses (tests/bench/probe.py --addresses) to a file."""
    env = bench_env(env, "longtail")
    path = workdir / f"addresses-{db}.txt"
    log(f"[{db}] choosing the long tail's addresses…")
    facts = probe_in_process(
        env, "--addresses", str(path), "--count", str(args.addresses), "--seed", str(args.seed)
    )
    facts["file"] = str(path)
    kinds = ", ".join(f"{n:,} {kind}" for kind, n in facts["by_kind"].items())
    log(f"  {facts['count']:,} addresses: {kinds}")
    if facts["count"] < min(args.addresses, LONG_TAIL_MIN_ADDRESSES):
        facts["note"] = (
            f"only {facts['count']:,} addresses: the data set is too small for "
            f"{min(args.addresses, LONG_TAIL_MIN_ADDRESSES):,}"
        )
    for problem in facts["problems"]:
        log(f"  ! {problem}")
    return facts


def check_edit_shown(base, env, edits, workers):
    """Whether a save reaches the site's pages: the page of the storm's latest edit is
    asked for a few times per worker (so that a site that remembers pages has it in
    every worker), its record is saved once more by another editor process, and the
    page is asked for as many times again; every answer must show the save. A cache
    that outlives the save still shows the text before it."""
    if not edits.get("latest"):
        return None
    path, _marker, label, key = edits["latest"][-1]
    asks = 3 * workers
    for _ in range(asks):
        fetch(base + path)
    try:
        saved = json.loads(
            run_python(env, "-m", "tests.bench.editor", "--record", f"{label}:{key}")
            .strip()
            .splitlines()[-1]
        )
    except SystemExit as error:  # the storm's numbers stand without this check
        saved = {"saves": 0, "failures": [str(error)[-1000:]]}
    if not saved["saves"]:
        return {"path": path, "shown": False, "failures": saved["failures"]}
    marker = saved["latest"][-1][1].encode()
    answers = [fetch(base + path) for _ in range(asks)]
    shown = sum(status == 200 and marker in body for status, _headers, body in answers)
    return {"path": path, "asked": asks, "shown_in": shown, "shown": shown == asks}


def measure_mix(db, scenario, env, args, workdir, clients, tail):
    """The long tail (and, for the edit storm, the editor beside it): a warm-up, then a
    measured run, between two ceiling runs under as many connections."""
    env = bench_env(env, scenario)
    connections = args.tail_connections
    flush_cache(env, workdir)
    log(f"[{db} · {scenario}] starting gunicorn ({args.workers} {args.worker_class} workers)…")
    server = Server(env, args, workdir, f"{db}-{scenario}")
    editor = edits = shown = None

    def ceiling_run():
        result = clients.page(server.base + CEILING_PATH, connections, args.ceiling_duration)
        server.settle()
        return result

    try:
        server.wait_ready()
        status = fetch(server.base + CEILING_PATH)[0]
        if status != 200:
            raise SystemExit(f"The ceiling view answered {status}:\n{server.log_tail()}")
        ceilings = [ceiling_run()]
        if scenario == "editstorm":
            # Bounded by itself too, should this process die: warm-up, run and settling.
            editor = Editor(
                env, args, workdir, f"{db}-{scenario}", args.warmup + args.duration + 300
            )
        warmup = None
        if args.warmup:
            log(
                f"[{db} · {scenario}] {connections} connections over {tail['count']:,} "
                f"addresses: {args.warmup} s warm-up…"
            )
            # Another seed than the measured run's: that run must not replay the order
            # the warm-up filled the cache in.
            warmup = clients.mix(server.base, tail["file"], connections, args.warmup, args.seed * 2)
            server.settle()
        log(f"[{db} · {scenario}] {args.duration} s measured…")
        result = clients.mix(
            server.base, tail["file"], connections, args.duration, args.seed * 2 + 1
        )
        if editor is not None:
            edits = editor.stop()
        server.settle()
        if edits is not None:
            shown = check_edit_shown(server.base, env, edits, args.workers)
        ceilings.append(ceiling_run())
        result["ceiling_rps"] = statistics.mean(c["rps"] for c in ceilings)
        result["ceiling_p99_ms"] = statistics.mean(c["p99_ms"] for c in ceilings)
        log(
            f"  {MIXES[scenario]:<24} {result['rps']:8.1f} req/s "
            f"({ratio(result) * 100:5.1f} % of {result['ceiling_rps']:.0f})"
            + (f", {edits['saves']} saves" if edits else "")
        )
        rss = server.worker_rss_mb()
        logged = server.logged_errors()
    finally:
        if editor is not None:
            editor.stop()
        server.stop()
    return {
        "kind": "mix",
        "scenario": scenario,
        "connections": connections,
        "addresses": tail,
        "ceiling_runs": ceilings,
        "warmup": warmup,
        "result": result,
        "editor": edits,
        "edits_shown": shown,
        "worker_rss_mb": rss,
        "logged_errors": logged,
    }


def ratio(result):
    return result["rps"] / result["ceiling_rps"] if result.get("ceiling_rps") else 0.0


def median_run(runs):
    """The run of a scenario to report, of several: the median by share of the ceiling
    (the lower of the two middle ones for an even number, so that a target is met only
    if most runs meet it), with every run's share, requests a second and errors in
    ``repeats``, in the order they ran."""
    chosen = sorted(runs, key=lambda run: ratio(run["result"]))[(len(runs) - 1) // 2]
    return {
        **chosen,
        "repeats": [
            {
                "ratio": ratio(run["result"]),
                "rps": run["result"]["rps"],
                "errors": run["result"].get("non_2xx", 0) + run["result"].get("errors", 0),
                "save_not_shown": bool(
                    run.get("edits_shown") and run["edits_shown"].get("shown") is False
                ),
                "reported": run is chosen,
            }
            for run in runs
        ],
    }


# --- report -------------------------------------------------------------------------------

ROW_FACTS = (
    "name",
    "kind",
    "url",
    "note",
    "status",
    "error",
    "queries",
    "queries_first",
    "html_bytes",
    "html_gzip_bytes",
    "assets_gzip_bytes",
    "page_gzip_bytes",
    "set_cookie",
    "csrf_token",
)


def load_facts(result):
    """A load run's numbers as a row shows them, with an error when any request failed."""
    facts = {
        "rps": round(result["rps"], 1),
        "ratio": round(ratio(result), 4),
        "p50_ms": round(result["p50_ms"], 2),
        "p99_ms": round(result["p99_ms"], 2),
        "ceiling_rps": round(result["ceiling_rps"], 1),
        "ceiling_p99_ms": round(result["ceiling_p99_ms"], 2),
        "p99_vs_ceiling": round(result["p99_ms"] / result["ceiling_p99_ms"], 2)
        if result["ceiling_p99_ms"]
        else None,
        "requests": result["requests"],
        "non_2xx": result["non_2xx"],
        "load_errors": result["errors"],
    }
    for name in ("statuses", "page_cache"):
        if result.get(name):
            facts[name] = result[name]
    if result["non_2xx"] or result["errors"]:
        facts["error"] = (
            f"{result['non_2xx']} responses of 400 or more, "
            f"{result['errors']} failed requests under load"
        )
    return facts


def rows_for(db, mode, measured):
    """Flat rows, one per page and concurrency (or one per long tail scenario): easy to
    compare between commits."""
    if measured.get("kind") == "mix":
        tail = measured["addresses"]
        row = {
            "db": db,
            "mode": mode,
            "concurrency": measured["connections"],
            **dict.fromkeys(ROW_FACTS),
            "name": MIXES[mode],
            "kind": "mix",
            "note": tail.get("note"),
            "addresses": tail["count"],
            **load_facts(measured["result"]),
        }
        if measured["editor"] is not None:
            row["edits"] = measured["editor"]["saves"]
            row["edits_failed"] = measured["editor"]["failed"]
            row["edits_shown"] = measured["edits_shown"]
        # The runs not reported still count for what must hold in every run.
        others = [run for run in measured.get("repeats", []) if not run["reported"]]
        failed = sum(run["errors"] for run in others)
        if failed and not row.get("error"):
            row["error"] = f"{failed} requests failed in the scenario's other runs"
        row["save_not_shown_elsewhere"] = any(run["save_not_shown"] for run in others)
        return [row]
    rows = []
    for concurrency, run in measured["runs"].items():
        for page in measured["pages"]:
            row = {
                "db": db,
                "mode": mode,
                "concurrency": concurrency,
                **{k: page.get(k) for k in ROW_FACTS},
            }
            result = run["pages"].get(page["name"])
            if result:
                row.update(load_facts(result))
            rows.append(row)
    return rows


def kb(value):
    return f"{value / 1024:.1f}" if value is not None else "–"


def print_tables(db, mode, measured, rows):
    log("")
    if measured.get("kind") == "mix":
        print_mix(db, mode, measured, rows[0])
        return
    for concurrency, run in measured["runs"].items():
        ceilings = run["ceiling_runs"]
        log(
            f"== {db} · {mode} · {concurrency} connection(s) · ceiling "
            f"{statistics.mean(c['rps'] for c in ceilings):,.0f} req/s "
            f"(p50 {statistics.mean(c['p50_ms'] for c in ceilings):.1f} ms, "
            f"p99 {statistics.mean(c['p99_ms'] for c in ceilings):.1f} ms) =="
        )
        log(
            f"{'page':<22} {'req/s':>8} {'ceiling':>8} {'p50 ms':>7} {'p99 ms':>7} "
            f"{'p99/ceil':>8} {'SQL':>7} {'HTML KB':>8} {'gz KB':>6} {'+css/js':>7}"
        )
        for row in (r for r in rows if r["concurrency"] == concurrency):
            queries = (
                f"{row['queries']}"
                if row["queries"] == row["queries_first"]
                else f"{row['queries']}({row['queries_first']})"
            )
            if row.get("rps") is None:
                log(f"{row['name']:<22} ERROR: {row.get('error')}  {row.get('url') or ''}")
                continue
            log(
                f"{row['name']:<22} {row['rps']:>8.1f} {row['ratio'] * 100:>7.1f}% "
                f"{row['p50_ms']:>7.1f} {row['p99_ms']:>7.1f} {row['p99_vs_ceiling']:>7.1f}x "
                f"{queries:>7} {kb(row['html_bytes']):>8} {kb(row['html_gzip_bytes']):>6} "
                f"{kb(row['assets_gzip_bytes']):>7}"
                + (f"  ! {row['error']}" if row.get("error") else "")
            )
    log(
        f"gunicorn worker RSS after the run: "
        f"{', '.join(f'{mb} MB' for mb in measured['worker_rss_mb'])}"
    )
    for line in measured["logged_errors"]:
        log(f"logged by the site: {line}")
    notes = {r["name"]: r["note"] for r in rows if r.get("note")}
    for name, note in notes.items():
        log(f"note: {name}: {note}")


def answers_share(counts):
    """The page cache's answers as shares of the responses: ``hit 91.2 %, miss 8.8 %``."""
    total = sum(counts.values())
    return ", ".join(f"{answer} {n / total * 100:.1f} %" for answer, n in counts.items())


def print_mix(db, mode, measured, row):
    ceilings = measured["ceiling_runs"]
    log(
        f"== {db} · {MIXES[mode]} · {row['concurrency']} connections over "
        f"{row['addresses']:,} addresses · ceiling "
        f"{statistics.mean(c['rps'] for c in ceilings):,.0f} req/s "
        f"(p50 {statistics.mean(c['p50_ms'] for c in ceilings):.1f} ms, "
        f"p99 {statistics.mean(c['p99_ms'] for c in ceilings):.1f} ms) =="
    )
    log(
        f"{'scenario':<22} {'req/s':>8} {'ceiling':>8} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'p99/ceil':>8} {'errors':>7}  statuses"
    )
    statuses = ", ".join(f"{status}: {n:,}" for status, n in row.get("statuses", {}).items())
    log(
        f"{row['name']:<22} {row['rps']:>8.1f} {row['ratio'] * 100:>7.1f}% "
        f"{row['p50_ms']:>7.1f} {row['p99_ms']:>7.1f} {row['p99_vs_ceiling'] or 0:>7.1f}x "
        f"{row['non_2xx'] + row['load_errors']:>7}  {statuses}"
    )
    if row.get("page_cache"):
        log(f"page cache: {answers_share(row['page_cache'])}")
    repeats = measured.get("repeats", [])
    if len(repeats) > 1:
        log(
            f"{len(repeats)} runs: "
            + ", ".join(
                f"{round(run['ratio'], 4) * 100:.1f} %"
                + (" (reported: the median)" if run["reported"] else "")
                for run in repeats
            )
        )
    warmup = measured["warmup"]
    if warmup:
        log(
            f"warm-up: {warmup['rps']:.1f} req/s, p99 {warmup['p99_ms']:.1f} ms, "
            f"{warmup['non_2xx'] + warmup['errors']} errors"
            + (
                f"; page cache: {answers_share(warmup['page_cache'])}"
                if warmup.get("page_cache")
                else ""
            )
        )
    edits = measured["editor"]
    if edits is not None:
        per_model = ", ".join(f"{n} {label}" for label, n in edits.get("by_model", {}).items())
        log(
            f"editor: {edits['saves']} saves ({per_model}), {edits['failed']} failed, "
            f"median {edits.get('save_ms_p50')} ms, longest {edits.get('save_ms_max')} ms"
        )
        for failure in edits.get("failures", []):
            log(f"  ! {failure}")
        shown = measured["edits_shown"]
        if shown and "failures" in shown:
            log(
                f"  ! {shown['path']}: its record could not be saved again to see whether "
                f"the page shows the save: {'; '.join(shown['failures'])}"
            )
        elif shown:
            log(
                f"a page asked for, its record saved, the page asked again: the save is "
                f"shown in {shown['shown_in']} of {shown['asked']} answers "
                f"({shown['path']})" + ("" if shown["shown"] else "  !")
            )
    log(
        f"gunicorn worker RSS after the run: "
        f"{', '.join(f'{mb} MB' for mb in measured['worker_rss_mb'])}"
    )
    for line in measured["logged_errors"]:
        log(f"logged by the site: {line}")
    if row.get("note"):
        log(f"note: {row['note']}")


def database_pairs(rows):
    """(PostgreSQL row, SQLite row) for each page, mode and concurrency measured on both."""
    sqlite = {(r["mode"], r["concurrency"], r["name"]): r for r in rows if r["db"] == "sqlite"}
    return [
        (r, sqlite[key])
        for r in rows
        if r["db"] == "postgres"
        and (key := (r["mode"], r["concurrency"], r["name"])) in sqlite
        and r.get("ratio")
        and sqlite[key].get("ratio")
    ]


def print_comparison(rows):
    """PostgreSQL against SQLite, page by page. The two run minutes apart, and a machine's
    speed drifts between them (the ceiling's own req/s moves by a third on a busy
    machine), so the comparison is of each page's share of the ceiling measured beside
    it, as every other target is; the raw req/s are shown too."""
    pairs = database_pairs(rows)
    if not pairs:
        return
    log("\n== PostgreSQL against SQLite (share of the ceiling; req/s) ==")
    log(
        f"{'mode':<9} {'conn':>4}  {'page':<22} {'SQLite':>7} {'Postgres':>8} "
        f"{'PG/SQLite':>9} {'req/s SQLite':>12} {'Postgres':>8}"
    )
    for pg, lite in pairs:
        log(
            f"{pg['mode']:<9} {pg['concurrency']:>4}  {pg['name']:<22} "
            f"{lite['ratio'] * 100:>6.1f}% {pg['ratio'] * 100:>7.1f}% "
            f"{pg['ratio'] / lite['ratio'] * 100:>8.0f}% {lite['rps']:>12.1f} {pg['rps']:>8.1f}"
        )


def share_floor(row):
    """The share of the ceiling a row's page or scenario must reach."""
    mode, detail = row["mode"], row["kind"] == "detail"
    if mode in MIXES:
        return TARGETS[f"{mode}_ratio"]
    if mode == "nocache":
        return TARGETS["nocache_detail_ratio" if detail else "nocache_list_ratio"]
    if mode == "cached":
        return TARGETS["cached_ratio"]
    return TARGETS["detail_ratio" if detail else "list_ratio"]


def target_misses(rows, rss):
    """Which targets a run missed (an empty list: all met)."""
    misses = []
    page_rows = [r for r in rows if r["mode"] in PAGE_MODES]
    fewest = min((r["concurrency"] for r in page_rows), default=None)
    for row in rows:
        where = f"{row['db']}/{row['mode']}/c{row['concurrency']} {row['name']}"
        if row.get("error"):
            misses.append(f"{where}: {row['error']}")
            continue
        floor = share_floor(row)
        if row.get("ratio") is not None and row["ratio"] < floor:
            misses.append(
                f"{where}: {row['ratio'] * 100:.1f} % of the ceiling (target {floor * 100:.0f} %)"
            )
        if (
            row["concurrency"] >= TARGETS["p99_concurrency"]
            and row.get("p99_vs_ceiling")
            and row["p99_vs_ceiling"] > TARGETS["p99_factor"]
        ):
            misses.append(
                f"{where}: p99 {row['p99_vs_ceiling']:.1f}× the ceiling's "
                f"(target ≤ {TARGETS['p99_factor']:.0f}×)"
            )
        # Queries, weight and cookies are the per-page table's (with no cache at all,
        # every remembered part is read again: its queries are shown, not held to 6).
        if row["mode"] in PAGE_MODES and row["concurrency"] == fewest:
            # Both the repeated request and the first (when what the page is made of
            # is not yet remembered) count.
            most = max(filter(None, (row["queries"], row.get("queries_first"))), default=0)
            if most > TARGETS["queries"]:
                misses.append(f"{where}: {most} queries (target ≤ {TARGETS['queries']})")
            if row["page_gzip_bytes"] and row["page_gzip_bytes"] > TARGETS["page_gzip_kb"] * 1024:
                misses.append(
                    f"{where}: {kb(row['page_gzip_bytes'])} KB gzipped with CSS/JS "
                    f"(target ≤ {TARGETS['page_gzip_kb']} KB)"
                )
            if row["mode"] == "uncached" and (row["set_cookie"] or row["csrf_token"]):
                misses.append(f"{where}: sets a cookie or carries a CSRF token")
    for label, sizes in rss.items():
        if sizes and max(sizes) > TARGETS["rss_mb"]:
            misses.append(f"{label}: worker RSS {max(sizes)} MB (target ≤ {TARGETS['rss_mb']} MB)")
    for pg, lite in database_pairs(rows):
        if (
            pg["mode"] in TARGETS["postgres_vs_sqlite_modes"]
            and pg["ratio"] < TARGETS["postgres_vs_sqlite"] * lite["ratio"]
        ):
            misses.append(
                f"postgres/{pg['mode']}/c{pg['concurrency']} {pg['name']}: "
                f"{pg['ratio'] / lite['ratio'] * 100:.0f} % of SQLite's share of "
                f"the ceiling (target ≥ {TARGETS['postgres_vs_sqlite'] * 100:.0f} %)"
            )
    return misses


def noticed(rows):
    """What a run found that is no target but wrong: edits that failed, and edits the
    site did not show after the run."""
    found = []
    for row in rows:
        where = f"{row['db']}/{row['mode']}"
        if row.get("edits_failed"):
            found.append(
                f"{where}: {row['edits_failed']} of "
                f"{row['edits'] + row['edits_failed']} saves failed (see the editor "
                "lines above)"
            )
        shown = row.get("edits_shown")
        if shown and "failures" in shown:
            found.append(
                f"{where}: whether a save is shown was not checked (the record of "
                f"{shown['path']} could not be saved again)"
            )
        elif shown and not shown["shown"]:
            found.append(
                f"{where}: a save by another process was shown in "
                f"{shown['shown_in']} of {shown['asked']} answers for "
                f"{shown['path']} after it (a cache outlived the save)"
            )
        if row.get("save_not_shown_elsewhere"):
            found.append(
                f"{where}: in another run of the scenario, a save by another process was "
                "not shown in every answer after it (a cache outlived the save)"
            )
    return found


def git_state():
    def git(*arguments):
        result = subprocess.run(
            ["git", *arguments], cwd=BASE_DIR, capture_output=True, text=True, check=False
        )
        return result.stdout.strip() if result.returncode == 0 else None

    status = git("status", "--porcelain")
    return {
        "commit": git("rev-parse", "HEAD"),
        "dirty": bool(status) if status is not None else None,
    }


def measure_database(db, args, env, workdir, clients, report, tables):
    db_env = database_env(db, args, env, workdir)
    plan = []
    if "pages" in args.scenario_list:
        plan += args.mode_list
    plan += [s for s in ("nocache", "longtail", "editstorm") if s in args.scenario_list]
    tail = None
    for mode in plan:
        if mode in MIXES:
            if tail is None:
                tail = long_tail_addresses(db, db_env, args, workdir)
            measured = median_run(
                [
                    measure_mix(db, mode, db_env, args, workdir, clients, tail)
                    for _ in range(args.repeat)
                ]
            )
            info = {
                k: measured[k]
                for k in ("addresses", "warmup", "editor", "edits_shown", "logged_errors")
            }
            info["ceiling_runs"] = {str(measured["connections"]): measured["ceiling_runs"]}
            info["repeats"] = measured["repeats"]
        else:
            measured = measure_mode(db, mode, db_env, args, workdir, clients)
            if measured is None:
                continue
            info = {
                "probe": {k: v for k, v in measured["facts"].items() if k != "pages"},
                "ceiling_page": measured["ceiling_page"],
                "ceiling_runs": {
                    str(c): run["ceiling_runs"] for c, run in measured["runs"].items()
                },
                "logged_errors": measured["logged_errors"],
            }
        rows = rows_for(db, mode, measured)
        report["rows"] += rows
        info["worker_rss_mb"] = measured["worker_rss_mb"]
        report["databases"].setdefault(db, {})[mode] = info
        tables.append((db, mode, measured, rows))


def main(argv=None):
    args = parse_args(argv)
    if args.client == "wrk" and not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install -y wrk), or use --client python")
    use_wrk = args.client == "wrk" or (args.client == "auto" and shutil.which("wrk"))
    clients = Clients(wrk_load, wrk_mix) if use_wrk else Clients(python_load, python_mix)
    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="portal-bench-"))
    log(f"Working in {workdir} (load generator: {'wrk' if use_wrk else 'Python threads'})")
    env = production_env(workdir)
    report = {
        "meta": {
            "started": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            **git_state(),
            "python": sys.version.split()[0],
            "cpus": os.cpu_count(),
            "load_average": os.getloadavg(),
            "client": "wrk" if use_wrk else "python",
            "gunicorn": {
                "workers": args.workers,
                "worker_class": args.worker_class,
                "threads": args.threads if args.worker_class == "gthread" else 1,
            },
            "size": {
                "cities": args.cities,
                "institutions": args.institutions,
                "events": args.events,
                "seed": args.seed,
                "today": str(bench_today()),
            },
            "duration_s": args.duration,
            "ceiling_duration_s": args.ceiling_duration,
            "concurrency": args.concurrencies,
            "scenarios": args.scenario_list,
            "modes": args.mode_list if "pages" in args.scenario_list else [],
            "long_tail": {
                "connections": args.tail_connections,
                "warmup_s": args.warmup,
                "addresses": args.addresses,
                "edit_interval_s": args.edit_interval,
            },
            "redis_url": args.redis_url if "postgres" in args.dbs else None,
            "targets": TARGETS,
        },
        "databases": {},
        "rows": [],
        "errors": [],
    }
    tables = []
    try:
        collect_static(env, workdir)
        for db in args.dbs:
            try:
                measure_database(db, args, env, workdir, clients, report, tables)
            except SystemExit as error:
                # Report what the other database measured rather than nothing.
                log(f"[{db}] not measured: {error}")
                report["errors"].append(f"{db}: {error}")
    finally:
        if args.keep:
            log(f"Kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)

    for db, mode, measured, rows in tables:
        print_tables(db, mode, measured, rows)
    print_comparison(report["rows"])
    rss = {
        f"{db}/{mode}": info["worker_rss_mb"]
        for db, modes in report["databases"].items()
        for mode, info in modes.items()
    }
    misses = target_misses(report["rows"], rss)
    report["target_misses"] = misses
    report["noticed"] = noticed(report["rows"])
    report["meta"]["elapsed_s"] = round(time.monotonic() - started, 1)
    if report["rows"]:
        log("")
        log("Targets: all met." if not misses else f"Targets missed ({len(misses)}):")
        for miss in misses:
            log(f"  - {miss}")
        if report["noticed"]:
            log(f"Also noticed ({len(report['noticed'])}):")
            for line in report["noticed"]:
                log(f"  - {line}")
        out = (
            Path(args.out)
            if args.out
            else BASE_DIR
            / "bench-results"
            / (f"{datetime.datetime.now():%Y%m%d-%H%M%S}-{'-'.join(args.dbs)}.json")
        )
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n")
        log(f"\nResults written to {out} ({report['meta']['elapsed_s']:.0f} s in all)")
    for error in report["errors"]:
        log(f"Not measured: {error}")
    return 1 if report["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
