"""Repeating events: the rule an editor gives (weekly or monthly, every N, on which
weekdays, until a date or a number of times) and the dates it makes.

The rule lives on the event's own row (``Event.repeat*``) and is bounded
(``MAX_OCCURRENCES`` dates within ``MAX_YEARS`` of the first), so expanding it in Python
costs microseconds: a card, the event page and the JSON-LD read the dates from the row
they already loaded, with no query. The ``EventOccurrence`` rows written from these
dates on save serve what the database must filter on (a date range, a month).

The event's own start (``start_date``, or ``starts_at``/``ends_at`` for a timed event) is
its first date, as DTSTART in iCalendar; its ``end_date`` is kept as the last day of
the last date, so every list that works on dates (upcoming, past, a city's, the home
page) sees a repeating event from its first date to its last.
"""

import dataclasses
import datetime

from dateutil import rrule
from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MAX_OCCURRENCES = 200
MAX_YEARS = 2
MAX_INTERVAL = 12
# The weekday codes of RFC 5545 (BYDAY), Monday first as Python counts them.
WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
WEEKDAY_CHOICES = [
    ("MO", gettext_lazy("Monday")),
    ("TU", gettext_lazy("Tuesday")),
    ("WE", gettext_lazy("Wednesday")),
    ("TH", gettext_lazy("Thursday")),
    ("FR", gettext_lazy("Friday")),
    ("SA", gettext_lazy("Saturday")),
    ("SU", gettext_lazy("Sunday")),
]
# A Korean week starts on Sunday, and so does the calendar shown to everyone.
DISPLAY_ORDER = ("SU", "MO", "TU", "WE", "TH", "FR", "SA")
WEEKLY = "weekly"
MONTHLY = "monthly"
FREQUENCIES = {WEEKLY: rrule.WEEKLY, MONTHLY: rrule.MONTHLY}


def weekday_codes(value):
    """The weekday codes of a stored value ("MO,WE"), in the week's order."""
    chosen = {code.strip().upper() for code in (value or "").split(",") if code.strip()}
    return [code for code in WEEKDAY_CODES if code in chosen]


class SessionTimes:
    """A session's times in the site's time zone, for anything with ``starts_at`` and
    ``ends_at`` (an event, a stored or a worked-out date of a repeating one)."""

    @property
    def local_starts_at(self):
        return timezone.localtime(self.starts_at) if self.starts_at else None

    @property
    def local_ends_at(self):
        return timezone.localtime(self.ends_at) if self.ends_at else None


@dataclasses.dataclass(frozen=True)
class Occurrence(SessionTimes):
    start_date: datetime.date
    end_date: datetime.date
    starts_at: datetime.datetime | None = None
    ends_at: datetime.datetime | None = None

    @property
    def is_timed(self):
        return self.starts_at is not None


def latest_until(first):
    """The last day a rule starting on ``first`` may run to."""
    try:
        return first.replace(year=first.year + MAX_YEARS)
    except ValueError:  # 29 February
        return first.replace(year=first.year + MAX_YEARS, day=28)


def _first_start(event):
    """The first date's start: a local naive datetime (timed) or a date at midnight."""
    if event.is_timed:
        return timezone.localtime(event.starts_at).replace(tzinfo=None)
    return datetime.datetime.combine(event.start_date, datetime.time())


def rule_for(event, limit=MAX_OCCURRENCES + 1):
    """A dateutil rule for the event's dates (local, naive). ``limit`` caps an unbounded
    or oversized rule so that validation can count what it would make."""
    first = _first_start(event)
    kwargs = {"dtstart": first, "interval": event.repeat_interval or 1}
    if event.repeat == WEEKLY:
        days = weekday_codes(event.repeat_weekdays)
        if days:
            kwargs["byweekday"] = [WEEKDAY_CODES.index(code) for code in days]
    if event.repeat_count:
        kwargs["count"] = min(event.repeat_count, limit)
    else:
        until = event.repeat_until or latest_until(first.date())
        kwargs["until"] = datetime.datetime.combine(until, datetime.time.max)
    return rrule.rrule(FREQUENCIES[event.repeat], **kwargs)


def occurrences(event):
    """Every date of a repeating event, first to last (at most ``MAX_OCCURRENCES``);
    for any other event, its one date range."""
    if not event.repeat:
        return [
            Occurrence(
                event.start_date or event.end_date,
                event.end_date,
                event.starts_at if event.is_timed else None,
                event.ends_at if event.is_timed else None,
            )
        ]
    cached = getattr(event, "_occurrences", None)
    key = (
        event.repeat,
        event.repeat_interval,
        event.repeat_weekdays,
        event.repeat_until,
        event.repeat_count,
        event.start_date,
        event.starts_at,
        event.ends_at,
        event.all_day,
    )
    if cached and cached[0] == key:
        return cached[1]
    result = []
    if event.is_timed:
        zone = timezone.get_current_timezone()
        length = event.ends_at - event.starts_at
        for start in rule_for(event)[:MAX_OCCURRENCES]:
            starts_at = start.replace(tzinfo=zone)
            ends_at = starts_at + length
            result.append(
                Occurrence(starts_at.date(), timezone.localtime(ends_at).date(), starts_at, ends_at)
            )
    else:
        for start in rule_for(event)[:MAX_OCCURRENCES]:
            result.append(Occurrence(start.date(), start.date()))
    event._occurrences = (key, result)
    return result


def count_dates(event):
    """How many dates the rule makes, up to ``MAX_OCCURRENCES + 1`` (for validation)."""
    return rule_for(event).count()


def upcoming(event, today=None, limit=None):
    """The dates that have not ended by ``today``."""
    today = today or timezone.localdate()
    dates = [item for item in occurrences(event) if item.end_date >= today]
    return dates[:limit] if limit else dates


def on_day(event, day):
    """Whether one of the event's dates covers ``day``."""
    return any(item.start_date <= day <= item.end_date for item in occurrences(event))


def next_occurrence(event, today=None):
    """The next date not yet ended, or the last one when all are past."""
    dates = occurrences(event)
    later = upcoming(event, today, limit=1)
    return later[0] if later else dates[-1]


def validate(event):
    """Errors of the repeat fields, by field name (an empty dict when all is well)."""
    errors = {}
    if not event.repeat:
        for name in ("repeat_weekdays", "repeat_until", "repeat_count"):
            if getattr(event, name):
                errors[name] = _("Choose how the event repeats, or leave this empty.")
        return errors
    interval = event.repeat_interval or 0
    if not 1 <= interval <= MAX_INTERVAL:
        errors["repeat_interval"] = _("Give a number from 1 to %(max)d.") % {"max": MAX_INTERVAL}
    if event.start_date is None and not event.is_timed:
        errors["start_date"] = _("A repeating event needs the date it first takes place.")
    if bool(event.repeat_until) == bool(event.repeat_count):
        message = _("Give either the last date or the number of times, not both.")
        errors["repeat_until" if event.repeat_until else "repeat_count"] = message
    if event.repeat_count and event.repeat_count > MAX_OCCURRENCES:
        errors["repeat_count"] = _("At most %(max)d times.") % {"max": MAX_OCCURRENCES}
    if event.repeat != WEEKLY and event.repeat_weekdays:
        errors["repeat_weekdays"] = _("Weekdays are for a weekly event only.")
    if event.is_timed and event.ends_at - event.starts_at > datetime.timedelta(days=1):
        errors["ends_at"] = _(
            "Each time a repeating event takes place lasts a day at most: give the end "
            "of its first time."
        )
    if errors or (event.start_date is None and not event.is_timed):
        return errors
    first = _first_start(event).date()
    if event.repeat == WEEKLY and event.repeat_weekdays:
        code = WEEKDAY_CODES[first.weekday()]
        if code not in weekday_codes(event.repeat_weekdays):
            errors["repeat_weekdays"] = _(
                "The first date is a %(day)s: tick %(day)s too, or change the first date."
            ) % {"day": dict(WEEKDAY_CHOICES)[code]}
    if event.repeat == MONTHLY and first.day > 28:
        errors["repeat"] = _(
            "A monthly event repeats on the same day of the month, and some months have "
            "no %(day)dth: choose a first date from the 1st to the 28th."
        ) % {"day": first.day}
    if event.repeat_until:
        if event.repeat_until < first:
            errors["repeat_until"] = _("The last date cannot be before the first.")
        elif event.repeat_until > latest_until(first):
            errors["repeat_until"] = _(
                "A repeating event runs for %(years)d years at most: the last date can be "
                "%(date)s at the latest."
            ) % {"years": MAX_YEARS, "date": latest_until(first).isoformat()}
    if not errors:
        total = count_dates(event)
        last = rule_for(event)[min(total, MAX_OCCURRENCES) - 1].date() if total else first
        if total > MAX_OCCURRENCES:
            errors["repeat_until" if event.repeat_until else "repeat_count"] = _(
                "This rule makes more than %(max)d dates: end it sooner or repeat less often."
            ) % {"max": MAX_OCCURRENCES}
        elif last > latest_until(first):
            errors["repeat_count"] = _(
                "A repeating event runs for %(years)d years at most: give fewer times."
            ) % {"years": MAX_YEARS}
    return errors


def describe(event):
    """The rule in words: "Every 2 weeks on Tuesday and Thursday", "Every month"."""
    interval = event.repeat_interval or 1
    if event.repeat == WEEKLY:
        # Two messages, not a plural: Korean has one plural form, and "every week" is
        # worded apart from "every 2 weeks" in both languages.
        text = (
            _("Every week") if interval == 1 else _("Every %(count)d weeks") % {"count": interval}
        )
        days = weekday_codes(event.repeat_weekdays)
        if days:
            names = dict(WEEKDAY_CHOICES)
            text = _("%(period)s on %(days)s") % {
                "period": text,
                "days": _(", ").join(str(names[code]) for code in days),
            }
        return text
    if event.repeat == MONTHLY:
        start = _first_start(event)
        text = (
            _("Every month") if interval == 1 else _("Every %(count)d months") % {"count": interval}
        )
        return _("%(period)s on day %(day)d") % {"period": text, "day": start.day}
    return ""


ICAL_FREQ = {WEEKLY: "WEEKLY", MONTHLY: "MONTHLY"}


def rrule_value(event):
    """The RRULE value (RFC 5545 3.3.10) of a repeating event. UNTIL is a DATE for an
    all-day event and, with a DTSTART in a time zone, the end of that day in UTC."""
    parts = [f"FREQ={ICAL_FREQ[event.repeat]}"]
    if (event.repeat_interval or 1) > 1:
        parts.append(f"INTERVAL={event.repeat_interval}")
    if event.repeat == WEEKLY and weekday_codes(event.repeat_weekdays):
        parts.append("BYDAY=" + ",".join(weekday_codes(event.repeat_weekdays)))
    if event.repeat_count:
        parts.append(f"COUNT={event.repeat_count}")
    elif event.repeat_until:
        if event.is_timed:
            zone = timezone.get_current_timezone()
            end = datetime.datetime.combine(
                event.repeat_until, datetime.time(23, 59, 59), tzinfo=zone
            )
            parts.append(f"UNTIL={end.astimezone(datetime.UTC):%Y%m%dT%H%M%SZ}")
        else:
            parts.append(f"UNTIL={event.repeat_until:%Y%m%d}")
    return ";".join(parts)


class WeekdaysFormField(forms.MultipleChoiceField):
    """The weekdays as checkboxes; the value is the stored text ("MO,TH")."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, *, max_length=None, empty_value="", **kwargs):
        kwargs.pop("choices", None)
        super().__init__(choices=WEEKDAY_CHOICES, **kwargs)

    def prepare_value(self, value):
        return weekday_codes(value) if isinstance(value, str) else value

    def clean(self, value):
        return ",".join(weekday_codes(",".join(super().clean(value) or [])))

    def has_changed(self, initial, data):
        return weekday_codes(initial if isinstance(initial, str) else ",".join(initial or [])) != (
            weekday_codes(",".join(data or []))
        )
