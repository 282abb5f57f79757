"""The benchmark's long tail addresses and its editor's edit, at a tiny size so that they
run in `make test`. The benchmark itself (tests/bench/run.py) is not part of the suite."""

import datetime

import pytest

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
