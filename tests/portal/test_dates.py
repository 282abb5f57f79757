import datetime

import pytest

from portal.blocks.dates import format_date_range, format_partial_date

D = datetime.date


@pytest.mark.parametrize(
    "start, end, en, ko",
    [
        (D(2025, 9, 4), D(2025, 11, 2), "4 Sep – 2 Nov 2025", "2025년 9월 4일 – 11월 2일"),
        (D(2025, 9, 4), D(2025, 9, 20), "4–20 Sep 2025", "2025년 9월 4일 – 20일"),
        (
            D(2025, 12, 28),
            D(2026, 1, 3),
            "28 Dec 2025 – 3 Jan 2026",
            "2025년 12월 28일 – 2026년 1월 3일",
        ),
        (D(2025, 12, 2), D(2025, 12, 2), "2 Dec 2025", "2025년 12월 2일"),
        (None, D(2021, 10, 17), "until 17 Oct 2021", "2021년 10월 17일까지"),
    ],
)
def test_date_ranges_in_both_languages(start, end, en, ko):
    assert format_date_range(start, end, lang="en") == en
    assert format_date_range(start, end, lang="ko") == ko


@pytest.mark.parametrize(
    "precision, en, ko",
    [
        ("day", "12 Nov 2013", "2013년 11월 12일"),
        ("month", "Nov 2013", "2013년 11월"),
        ("year", "2013", "2013년"),
    ],
)
def test_partial_dates(precision, en, ko):
    assert format_partial_date(D(2013, 11, 12), precision, lang="en") == en
    assert format_partial_date(D(2013, 11, 12), precision, lang="ko") == ko
    assert format_partial_date(None) == ""
