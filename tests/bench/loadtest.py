"""The load test with edits (`make loadtest`): the public site under load while another
process edits and publishes, and how soon each change shows. See tests/bench/README.md.

    .venv/bin/python -m tests.bench.loadtest [--db postgres] [--duration 60]
        [--connections 32] [--cities 400 --institutions 5000 --events 50000]

One database (PostgreSQL with Redis by default, as production runs), built by
tests/bench/build_data.py; gunicorn serving ``portal.wsgi_public`` with production
settings (2 sync workers); wrk (or Python threads) asking for the bench's long tail of
public addresses for --duration seconds at --connections; meanwhile tests/bench/editor.py
edits published records and publishes new ones (a draft published, or a record
scheduled a few seconds ahead) through the ORM, one every --edit-interval seconds, and
this process asks for the pages of each change until they show it. At the end every
changed record's page is asked for once more: it must show the latest change.

Targets (the exit status is 1 when one is missed): no error under load (a response of
400 or more, or a failed request), every change shown in under --lag-target seconds
(1 s) from its save or its scheduled time, none shown before it, every change still
shown at the end, no failed save.
"""

import argparse
import datetime
import json
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from tests.bench import run
from tests.bench.editor import COPY_PREFIX

APP = "portal.wsgi_public:application"
SETTINGS = "portal.settings"
TARGETS = {"errors": 0, "lag_s": 1.0}
# At most this many requests of one page's watch are under way at once.
POLLS_IN_FLIGHT = 4
# Before a scheduled time, a page is asked for this often (it must not show yet).
EARLY_POLL_INTERVAL = 0.5


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m tests.bench.loadtest",
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--db", default="postgres", choices=["postgres", "sqlite"])
    parser.add_argument("--duration", type=int, default=60, help="Seconds of load (60).")
    parser.add_argument("--connections", type=int, default=32, help="Connections (32).")
    parser.add_argument(
        "--warmup", type=int, default=10, help="Seconds of load before, no edits (10)."
    )
    parser.add_argument(
        "--edit-interval", type=float, default=1.0, help="Seconds between changes (1)."
    )
    parser.add_argument(
        "--actions",
        default="edit,publish,schedule",
        help="The editor's changes, at random (tests/bench/editor.py --actions).",
    )
    parser.add_argument(
        "--lead", type=float, default=3.0, help="Seconds ahead a record is scheduled (3)."
    )
    parser.add_argument("--lag-target", type=float, default=TARGETS["lag_s"], help="Seconds (1).")
    parser.add_argument(
        "--lag-timeout",
        type=float,
        default=15,
        help="Seconds a page is watched before its change counts as never shown (15).",
    )
    parser.add_argument(
        "--poll-interval", type=float, default=0.1, help="Seconds between asks of a page (0.1)."
    )
    parser.add_argument("--cities", type=int, default=400)
    parser.add_argument("--institutions", type=int, default=5000)
    parser.add_argument("--events", type=int, default=50000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--addresses", type=int, default=4000, help="Long tail addresses.")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (2).")
    parser.add_argument("--client", default="auto", choices=["auto", "wrk", "python"])
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("BENCH_POSTGRES_URL", run.DEFAULT_POSTGRES_URL),
        help="Dropped, created and filled (its name must contain 'bench').",
    )
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_REDIS_URL", run.DEFAULT_REDIS_URL),
        help="The Redis database of the PostgreSQL run, emptied first (not database 0).",
    )
    parser.add_argument("--rebuild", action="store_true", help="Rebuild the SQLite data set.")
    parser.add_argument("--keep", action="store_true", help="Keep the temporary folder.")
    parser.add_argument("--out", default=None, help="JSON results file.")
    args = parser.parse_args(argv)
    problem = run.redis_url_problem(args.redis_url)
    if problem:
        parser.error(problem)
    if not 1 <= args.connections <= 256 or not 1 <= args.duration <= 600:
        parser.error("--connections must be 1..256 and --duration 1..600 seconds")
    # What tests/bench/run.py's machinery reads besides.
    args.worker_class, args.threads = "sync", 1
    return args


# --- watching pages -------------------------------------------------------------------------


class Watcher:
    """Asks for the pages of each change until they show its mark: every
    ``poll_interval`` seconds a new request (at most POLLS_IN_FLIGHT at once, each on a
    connection of its own, as a visitor's), so that a slow answer does not hide a
    quicker one after it. A change is shown when an answer showing it has arrived; it
    is shown early if that answer arrived before the change was saved or its scheduled
    time."""

    def __init__(self, base, poll_interval, timeout):
        self.base, self.poll_interval, self.timeout = base, poll_interval, timeout
        self.results, self.threads, self.lock = [], [], threading.Lock()

    def watch(self, change):
        for path in change["paths"]:
            thread = threading.Thread(target=self._watch, args=(change, path), daemon=True)
            thread.start()
            self.threads.append(thread)

    def wait(self):
        for thread in self.threads:
            thread.join(self.timeout + 90)

    def _watch(self, change, path):
        marker, at = change["marker"].encode(), change["at"]
        shown, answers = threading.Event(), []

        def ask():
            try:
                status, _headers, body = run.fetch(self.base + path)
            except OSError:
                answers.append((time.time(), None, False))
                return
            found = status == 200 and marker in body
            answers.append((time.time(), status, found))
            if found:
                shown.set()

        asking = []
        deadline = max(at, time.time()) + self.timeout
        while not shown.is_set() and time.time() < deadline:
            asking = [thread for thread in asking if thread.is_alive()]
            if len(asking) < POLLS_IN_FLIGHT:
                thread = threading.Thread(target=ask, daemon=True)
                thread.start()
                asking.append(thread)
            early = time.time() < at - EARLY_POLL_INTERVAL
            shown.wait(EARLY_POLL_INTERVAL if early else self.poll_interval)
        for thread in asking:
            thread.join(60)
        seen = [arrived for arrived, _status, found in answers if found]
        # A new record's page is missing until it is public; an edited one never is.
        missing_is_fine = change["action"] != "edit"
        result = {
            "action": change["action"],
            "label": change["label"],
            "pk": change["pk"],
            "path": path,
            "marker": change["marker"],
            "lag_s": round(min(seen) - at, 3) if seen else None,
            "early": any(arrived < at for arrived in seen),
            "asked": len(answers),
            "failed_asks": sum(
                status not in (200, 404) or (status == 404 and not missing_is_fine)
                for _arrived, status, _found in answers
            ),
        }
        with self.lock:
            self.results.append(result)


def final_check(base, changes):
    """Each changed record's page asked for once more after the load: it must show the
    latest change (an edit's mark replaces the one before)."""
    latest = {}
    for change in changes:
        latest[change["paths"][0]] = change["marker"]
    missing = []
    for path, marker in latest.items():
        try:
            status, _headers, body = run.fetch(base + path)
        except OSError as error:
            missing.append(f"{path}: {error}")
            continue
        if status != 200 or marker.encode() not in body:
            missing.append(f"{path}: HTTP {status}, {marker!r} {'not ' * (status == 200)}shown")
    return {"pages": len(latest), "missing": missing}


# --- the run --------------------------------------------------------------------------------


def lag_summary(results):
    lags = sorted(result["lag_s"] for result in results if result["lag_s"] is not None)
    if not lags:
        return {"count": 0}
    return {
        "count": len(lags),
        "median_s": round(statistics.median(lags), 3),
        "p90_s": round(lags[min(len(lags) - 1, int(0.9 * len(lags)))], 3),
        "max_s": round(lags[-1], 3),
    }


def misses(report, lag_target):
    """The targets a run missed (an empty list: all met)."""
    found = []
    load = report["load"]
    errors = load["non_2xx"] + load["errors"]
    if errors > TARGETS["errors"]:
        found.append(f"{errors} errors under load (target {TARGETS['errors']}): {load['statuses']}")
    editor = report["editor"]
    if editor.get("failed"):
        found.append(f"{editor['failed']} saves failed: {'; '.join(editor.get('failures', []))}")
    if not report["changes"]:
        found.append("the editor saved nothing: no change was watched")
    for result in report["watched"]:
        where = f"{result['action']} of {result['label']} {result['pk']} on {result['path']}"
        if result["lag_s"] is None:
            found.append(f"{where}: never shown")
        elif result["lag_s"] >= lag_target:
            found.append(f"{where}: shown after {result['lag_s']:.2f} s (target < {lag_target} s)")
        if result["early"]:
            found.append(f"{where}: shown before it was saved or its time came")
        if result["failed_asks"]:
            found.append(f"{where}: {result['failed_asks']} asks failed")
    found += [f"at the end, {line}" for line in report["final"]["missing"]]
    return found


def load_test(args, workdir, mix):
    env = run.production_env(workdir)
    run.collect_static(env, workdir)
    db_env = run.database_env(args.db, args, env, workdir)
    tail = run.long_tail_addresses(args.db, db_env, args, workdir)
    site_env = {**db_env, "DJANGO_SETTINGS_MODULE": SETTINGS}
    run.flush_cache(site_env, workdir)
    run.log(f"[{args.db}] starting gunicorn {APP} ({args.workers} sync workers)…")
    server = run.Server(site_env, args, workdir, f"{args.db}-loadtest", app=APP)
    editor = None
    try:
        server.wait_ready()
        if args.warmup:
            run.log(f"[{args.db}] {args.warmup:g} s warm-up, {args.connections} connections…")
            mix(server.base, tail["file"], args.connections, args.warmup, args.seed * 2)
            server.settle()
        watcher = Watcher(server.base, args.poll_interval, args.lag_timeout)
        # The editor stops in time for its last scheduled change to come due under load.
        seconds = max(1.0, args.duration - args.lead - 2)
        options = ("--actions", args.actions, "--lead", str(args.lead))
        editor = run.Editor(site_env, args, workdir, "loadtest", seconds, options, watcher.watch)
        run.log(f"[{args.db}] {args.duration:g} s measured, changes every {args.edit_interval} s…")
        load = mix(server.base, tail["file"], args.connections, args.duration, args.seed * 2 + 1)
        summary = editor.stop()
        watcher.wait()
        server.settle()
        final = final_check(server.base, editor.changes)
        # New records' pages are asked for before they are public: their 404s are expected.
        logged = [
            line
            for line in server.logged_errors(most=50)
            if not ("Not Found" in line and COPY_PREFIX in line)
        ][:5]
        rss = server.worker_rss_mb()
    finally:
        if editor is not None:
            editor.stop()
        server.stop()
    return {
        "addresses": {key: tail[key] for key in ("count", "by_kind") if key in tail},
        "load": load,
        "editor": summary,
        "changes": editor.changes,
        "watched": sorted(watcher.results, key=lambda result: (result["path"], result["marker"])),
        "lag": lag_summary(watcher.results),
        "lag_by_action": {
            action: lag_summary([r for r in watcher.results if r["action"] == action])
            for action in sorted({r["action"] for r in watcher.results})
        },
        "final": final,
        "worker_rss_mb": rss,
        "logged_errors": logged,
    }


def print_report(args, report):
    load, lag = report["load"], report["lag"]
    run.log("")
    run.log(
        f"== {args.db} · load test with edits · {args.connections} connections over "
        f"{report['addresses']['count']:,} addresses · {args.duration:g} s =="
    )
    statuses = ", ".join(f"{status}: {n:,}" for status, n in load.get("statuses", {}).items())
    run.log(
        f"load: {load['rps']:.1f} req/s, p50 {load['p50_ms']:.1f} ms, p99 {load['p99_ms']:.1f} ms, "
        f"{load['non_2xx'] + load['errors']} errors ({statuses})"
    )
    editor = report["editor"]
    kinds = {}
    for change in report["changes"]:
        kinds[change["action"]] = kinds.get(change["action"], 0) + 1
    run.log(
        f"editor: {len(report['changes'])} changes "
        f"({', '.join(f'{n} {kind}' for kind, n in sorted(kinds.items()))}), "
        f"{editor.get('failed', 0)} failed, save median {editor.get('save_ms_p50')} ms"
    )
    if lag.get("count"):
        run.log(
            f"shown after (commit or scheduled time → first answer showing it, "
            f"{lag['count']} pages): median {lag['median_s']:.3f} s, p90 {lag['p90_s']:.3f} s, "
            f"max {lag['max_s']:.3f} s (target < {args.lag_target:g} s)"
        )
        for action, numbers in report["lag_by_action"].items():
            if numbers.get("count"):
                run.log(
                    f"  {action:<9} {numbers['count']:>4} pages: median "
                    f"{numbers['median_s']:.3f} s, max {numbers['max_s']:.3f} s"
                )
    final = report["final"]
    run.log(
        f"at the end: {final['pages'] - len(final['missing'])} of {final['pages']} changed "
        "pages show their latest change"
    )
    run.log(f"gunicorn worker RSS: {', '.join(f'{mb} MB' for mb in report['worker_rss_mb'])}")
    for line in report["logged_errors"]:
        run.log(f"logged by the site: {line}")


def main(argv=None):
    args = parse_args(argv)
    if args.client == "wrk" and not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install -y wrk), or use --client python")
    use_wrk = args.client == "wrk" or (args.client == "auto" and shutil.which("wrk"))
    mix = run.wrk_mix if use_wrk else run.python_mix
    workdir = Path(tempfile.mkdtemp(prefix="portal-loadtest-"))
    run.log(f"Working in {workdir} (load generator: {'wrk' if use_wrk else 'Python threads'})")
    started = time.monotonic()
    try:
        report = load_test(args, workdir, mix)
    finally:
        if args.keep:
            run.log(f"Kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    report["meta"] = {
        "started": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        **run.git_state(),
        "load_average": os.getloadavg(),
        "args": {k: v for k, v in vars(args).items() if k not in ("postgres_url",)},
        "targets": {**TARGETS, "lag_s": args.lag_target},
        "elapsed_s": round(time.monotonic() - started, 1),
    }
    print_report(args, report)
    report["target_misses"] = found = misses(report, args.lag_target)
    run.log("Targets: all met." if not found else f"Targets missed ({len(found)}):")
    for line in found[:30]:
        run.log(f"  - {line}")
    out = (
        Path(args.out)
        if args.out
        else run.BASE_DIR
        / "bench-results"
        / f"{datetime.datetime.now():%Y%m%d-%H%M%S}-loadtest-{args.db}.json"
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n")
    run.log(f"Results written to {out}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
