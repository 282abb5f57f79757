"""The benchmark's long tail addresses, its editor's edit and how it reports repeated
runs, at a tiny size so that they run in `make test`. The benchmark itself
(tests/bench/run.py) is not part of the suite."""

import datetime

import pytest

from tests.bench import run
from tests.bench.build_data import build_bench_data
from tests.bench.editor import SUMMARY_LENGTH, revised
from tests.bench.probe import long_tail

pytestmark = pytest.mark.django_db


def test_the_long_tail_holds_real_addresses_in_both_languages(client):
    build_bench_data(
        cities=6, institutions=30, events=120, news=0, seed=3, today=datetime.date.today()
    )

    addresses, facts = long_tail(100, seed=1)

    assert len(addresses) == len(set(addresses)) == 100
    assert not facts["problems"]
    assert {address[:4] for address in addresses} == {"/ko/", "/en/"}
    assert {"list", "city", "institution", "event"} <= set(facts["by_kind"])
    # Every list page up to the last, and not one past it.
    assert "/en/institutions/?page=2" in addresses
    assert "/en/institutions/?page=3" not in addresses
    for address in addresses:
        assert client.get(address).status_code == 200, address
    assert long_tail(100, seed=1)[0] == addresses
    assert long_tail(100, seed=2)[0] != addresses


def test_an_edit_replaces_the_mark_of_the_one_before_within_the_length():
    text, mark = revised("A summary.", 1)
    assert text == f"A summary. {mark}"
    again, second = revised(text, 2)
    assert again.count("(revised") == 1 and again.endswith(second)

    longest, mark = revised("x" * SUMMARY_LENGTH, 3)
    assert len(longest) == SUMMARY_LENGTH and longest.endswith(mark)


def mix_run(rps, errors=0, shown=True):
    """What the bench's measure_mix returns for one run of the edit storm, in brief."""
    result = {
        "rps": rps,
        "ceiling_rps": 1000.0,
        "ceiling_p99_ms": 10.0,
        "p50_ms": 20.0,
        "p99_ms": 60.0,
        "requests": 100,
        "non_2xx": 0,
        "errors": errors,
    }
    return {
        "kind": "mix",
        "scenario": "editstorm",
        "connections": 32,
        "addresses": {"count": 4000},
        "result": result,
        "editor": {"saves": 10, "failed": 0},
        "edits_shown": {"shown": shown, "shown_in": 6 if shown else 5, "asked": 6, "path": "/"},
    }


def test_repeated_runs_report_the_median_and_what_failed_in_any_of_them():
    runs = [mix_run(350.0), mix_run(220.0, errors=2), mix_run(300.0, shown=False), mix_run(400)]
    measured = run.median_run(runs)
    assert measured["result"]["rps"] == 300.0  # the lower middle of four
    assert [r["ratio"] for r in measured["repeats"]] == [0.35, 0.22, 0.3, 0.4]
    assert [r["reported"] for r in measured["repeats"]] == [False, False, True, False]
    (row,) = run.rows_for("sqlite", "editstorm", measured)
    assert row["ratio"] == 0.3
    assert "2 requests failed in the scenario's other runs" in row["error"]
    # The reported run's own save was not shown: named once, for that run.
    assert len(run.noticed([row])) == 1
    assert any("2 requests failed" in miss for miss in run.target_misses([row], {}))

    (alone,) = run.rows_for("sqlite", "editstorm", run.median_run([mix_run(300.0)]))
    assert not alone["error"] and not alone["save_not_shown_elsewhere"]
    measured = run.median_run([mix_run(300.0), mix_run(250.0, shown=False)])
    (row,) = run.rows_for("sqlite", "editstorm", measured)
    assert row["ratio"] == 0.25 and "not shown in every answer" not in " ".join(run.noticed([row]))
    measured = run.median_run([mix_run(300.0, shown=False), mix_run(250.0)])
    (row,) = run.rows_for("sqlite", "editstorm", measured)
    assert "in another run of the scenario" in " ".join(run.noticed([row]))
