"""The search timing tool (tests/bench/search_timing.py), quickly, on a tiny data set."""

import itertools

import pytest

from tests.bench import search_timing
from tests.factories import CityFactory


def test_p99_and_the_report():
    assert search_timing.p99(list(range(1, 101))) == 100
    text, ok = search_timing.report({"a": [10.0, 20.0], "b": [30.0]}, target=50)
    assert ok and "p99 30.0 ms: within" in text
    _text, ok = search_timing.report({"a": [60.0]}, target=50)
    assert not ok


def test_times_each_query_with_a_clock():
    ticks = itertools.count()
    seen = []
    results = search_timing.time_searches(
        ["x", "y"], repeat=2, search=seen.append, clock=lambda: next(ticks) / 1000
    )
    assert results == {"x": [1.0, 1.0], "y": [1.0, 1.0]}
    assert seen == ["x"] * 3 + ["y"] * 3


@pytest.mark.django_db
def test_runs_the_site_search():
    CityFactory(name_en="Namtara")
    results = search_timing.time_searches(["Namtara", "가"], repeat=1)
    assert set(results) == {"Namtara", "가"}
