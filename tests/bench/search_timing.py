"""The site search in-process against a database (the bench's, at bench size):
ten typical searches, each run several times, with their median and the p99 of all.

    DATABASE_URL=postgres://…/portal_bench python -m tests.bench.search_timing

(``DJANGO_SETTINGS_MODULE`` defaults to ``portal.settings``; DEBUG need not be on.)
Exits 1 when the p99 is over ``--target`` milliseconds (50). Only the searches are
timed (``portal.search.every_type``, every type's best rows and counts), not the
template: the page's throughput beside the ceiling is the bench's "search" row.
"""

import argparse
import os
import statistics
import sys
import time

import django

# Korean, English, misspelt and one-letter searches, in words the bench data has
# (tests/bench/build_data.py): kinds, disciplines, a made-up city name, its typo.
QUERIES = [
    "비엔날레",
    "도자",
    "공방",
    "Biennale",
    "Ceramics",
    "Museum Ga",
    "Namtara",
    "Biennalle",
    "a",
    "가",
]


def p99(samples):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def time_searches(queries=QUERIES, repeat=5, search=None, clock=time.perf_counter):
    """{query: [milliseconds, …]} for ``repeat`` runs of each query (after one run
    that is not counted), with ``search`` (default: the site search in Korean)."""
    if search is None:
        from django.utils import translation

        from portal import search as site_search

        def search(text):
            with translation.override("ko"):
                return site_search.every_type(text)

    results = {}
    for text in queries:
        search(text)
        runs = []
        for _ in range(repeat):
            started = clock()
            search(text)
            runs.append((clock() - started) * 1000)
        results[text] = runs
    return results


def report(results, target):
    lines = [f"{'search':<14}{'median ms':>10}{'max ms':>10}"]
    for text, runs in results.items():
        lines.append(f"{text:<14}{statistics.median(runs):>10.1f}{max(runs):>10.1f}")
    overall = p99([run for runs in results.values() for run in runs])
    verdict = "within" if overall <= target else "OVER"
    lines.append(f"p99 {overall:.1f} ms: {verdict} the {target:g} ms target")
    return "\n".join(lines), overall <= target


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--target", type=float, default=50.0, help="p99 in milliseconds")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    django.setup()
    text, ok = report(time_searches(repeat=args.repeat), args.target)
    print(text)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
