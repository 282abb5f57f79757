"""What the fuzz tests (test_fuzz_*.py) share: the garbage they send and how hypothesis
runs them.

Runs are derandomized (the examples come from each test's name, not from a seed or a
stored database of past failures), so that CI and a developer's machine send the same
requests, and small enough that each file runs in well under a minute. To hunt longer,
at random: ``FUZZ_EXAMPLES=2000 pytest tests/portal/test_fuzz_filters.py``.
"""

import datetime
import os

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st


def fuzz_settings(max_examples):
    hunt = int(os.environ.get("FUZZ_EXAMPLES", 0))
    return settings(
        max_examples=hunt or max_examples,
        derandomize=not hunt,
        database=None,
        deadline=None,
        print_blob=True,
        # Each test's fixtures (records, a signed-in client) are made once and shared by
        # its examples; every example runs in a savepoint that is rolled back.
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.filter_too_much,
        ],
    )


# Values that have broken parsers somewhere: NUL bytes, numbers past every integer type,
# dates that do not exist or that Python's date cannot hold, markup, template syntax,
# look-alike digits, invisible characters, and long strings.
NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\t\n\r",
    "0",
    "-1",
    "00000000001",
    "1.5",
    "1e9",
    "1e400",
    "-0",
    "NaN",
    "inf",
    "-Infinity",
    "9" * 30,
    "-" + "9" * 30,
    str(2**63),
    str(2**31),
    "32768",
    "65536",
    "9" * 5000,
    "2024-02-30",
    "2023-13-01",
    "0000-00-00",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "-2024-01-01",
    "2024-1-1",
    "20240101",
    "2024-01-01T25:61:61",
    "2024-01-01\x00",
    "31/12/2024",
    "24:00",
    "23:59:60",
    "<script>alert(1)</script>",
    "\"'><img src=x onerror=alert(1)>",
    "{{ request }}",
    "{% debug %}",
    "%s%s%(x)s",
    "../../etc/passwd",
    "null",
    "None",
    "true",
    "[]",
    "{}",
    "; DROP TABLE cities_city; --",
    "' OR 1=1 --",
    "한국어",
    "도자",
    "١٢٣",
    "１２３",
    "𝟙𝟚𝟛",
    "Ⅻ",
    "\u200b",
    "\ufeff",
    "\u202e",
    "e\u0301",
    "🏺" * 50,
    "x" * 10_000,
    "https://example.org/",
    "javascript:alert(1)",
    "a@b",
]

# Unicode without lone surrogates, which no client can encode and send.
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


def garbage(plausible=()):
    """A value a visitor or a form might send: often a plausible one (so that the
    other inputs reach deeper code), else anything."""
    choices = [
        st.sampled_from(NASTY),
        TEXT,
        st.integers(min_value=-(10**30), max_value=10**30).map(str),
        st.floats().map(repr),
        st.dates(min_value=datetime.date(1, 1, 1)).map(datetime.date.isoformat),
    ]
    if plausible:
        choices.insert(0, st.sampled_from(sorted(plausible)))
    return st.one_of(*choices)
