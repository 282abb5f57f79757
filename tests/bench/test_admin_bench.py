"""The admin bench (tests/bench/admin_bench.py) at a tiny size: every page it measures
opens, and it reports time, size and queries for each. The times are not judged here."""

import datetime

import pytest

from tests.bench import admin_bench
from tests.bench.build_data import build_bench_data

pytestmark = pytest.mark.django_db


def test_the_admin_bench_measures_every_page():
    build_bench_data(
        cities=4, institutions=12, events=60, news=4, seed=2, today=datetime.date(2026, 3, 1)
    )
    lines = []
    results = admin_bench.measure(repeat=1, log=lines.append)
    names = {result["page"] for result in results}
    assert {"list: event", "list: city", "form: home city", "form: biennale edition"} <= names
    assert [r for r in results if r["status"] != 200] == []
    assert all(result["queries"] > 0 and result["kb"] > 1 for result in results)
    assert len(lines) == len(results)
