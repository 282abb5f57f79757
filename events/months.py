"""The month calendar's grid: weeks of days, each day with the events on it.

One query, whatever the month holds: the published events whose first-to-last dates
overlap the month (``MONTH_LIMIT`` at most, earliest first), each placed on every day it
runs; a repeating event on the days of its rule (``events.recurrence``, from the row
already loaded). Weeks start on Sunday, as Korean calendars do; the English page keeps
the same grid, so that both languages show one calendar.
"""

import calendar
import dataclasses
import datetime

from django.utils.translation import gettext_lazy as _

from events import recurrence
from portal.blocks.dates import EN_MONTHS

# The years the calendar has pages for (outside: 404).
FIRST_YEAR = 1990
LAST_YEAR = 2100
# More events than this in one month (a biennale with its whole programme) are cut, the
# page saying so and linking to the list.
MONTH_LIMIT = 400

WEEKDAYS = [  # Sunday first
    (_("Sunday"), _("Sun")),
    (_("Monday"), _("Mon")),
    (_("Tuesday"), _("Tue")),
    (_("Wednesday"), _("Wed")),
    (_("Thursday"), _("Thu")),
    (_("Friday"), _("Fri")),
    (_("Saturday"), _("Sat")),
]
KO_WEEKDAYS = ["일", "월", "화", "수", "목", "금", "토"]
EN_WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]


def in_range(year, month):
    return FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12


def month_bounds(year, month):
    first = datetime.date(year, month, 1)
    last = first.replace(day=calendar.monthrange(year, month)[1])
    return first, last


def shift_month(year, month, delta):
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def month_label(year, month, lang):
    if lang == "ko":
        return f"{year}년 {month}월"
    return f"{calendar.month_name[month]} {year}" if calendar.month_name[month] else str(year)


def day_label(day, lang):
    """The day as a screen reader should hear it: "5월 14일 수요일", "Wednesday 14 May"."""
    weekday = (day.weekday() + 1) % 7  # Sunday 0
    if lang == "ko":
        return f"{day.month}월 {day.day}일 {KO_WEEKDAYS[weekday]}요일"
    return f"{EN_WEEKDAYS[weekday]} {day.day} {EN_MONTHS[day.month - 1]}"


@dataclasses.dataclass
class Entry:
    """An event on one day: ``occurrence`` says the time of a timed event that day."""

    event: object
    occurrence: recurrence.Occurrence
    continues: bool = False  # began on an earlier day

    @property
    def time(self):
        if not self.occurrence.is_timed or self.continues:
            return None
        return self.occurrence.local_starts_at

    def sort_key(self):
        time = self.time
        return (time is not None, time.time() if time else datetime.time(), self.event.title)


@dataclasses.dataclass
class Day:
    date: datetime.date
    in_month: bool
    label: str
    entries: list = dataclasses.field(default_factory=list)
    today: bool = False


def build_weeks(events, year, month, today, lang):
    """The weeks of the month (Sunday to Saturday; days of the months before and after
    as empty cells), each day with its events."""
    first, last = month_bounds(year, month)
    days = {}
    weeks = []
    for week in calendar.Calendar(firstweekday=6).monthdatescalendar(year, month):
        row = []
        for date in week:
            day = Day(date, date.month == month, day_label(date, lang), today=date == today)
            if day.in_month:
                days[date] = day
            row.append(day)
        weeks.append(row)
    for event in events:
        for occurrence in recurrence.occurrences(event):
            if occurrence.end_date < first or occurrence.start_date > last:
                continue
            start = max(occurrence.start_date, first)
            end = min(occurrence.end_date, last)
            date = start
            while date <= end:
                days[date].entries.append(
                    Entry(event, occurrence, continues=date > occurrence.start_date)
                )
                date += datetime.timedelta(days=1)
    for day in days.values():
        day.entries.sort(key=Entry.sort_key)
    return weeks
