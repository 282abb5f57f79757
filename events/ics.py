"""Events as iCalendar (RFC 5545), built with the ``icalendar`` package.

What real calendar clients need and this module guarantees:

- a UID per event that never changes (``event-<pk>@<EVENTS_UID_DOMAIN>``), independent
  of the host name the request came in on, so a re-imported or re-subscribed event
  replaces the old copy instead of doubling it;
- DTSTAMP and LAST-MODIFIED from the record's ``updated_at``, so that the same data
  gives the same bytes (and ETag) on every request. RFC 5545 (3.8.7.2) allows that only
  without a METHOD property: with METHOD (an iTIP message, e.g. PUBLISH) DTSTAMP must be
  the time the file was made. So the calendar has no METHOD; clients treat a plain
  published calendar, file or subscription, as PUBLISH anyway;
- all-day events as DATE values with an exclusive DTEND (the day after the last day);
- a repeating event as one VEVENT: its first date, and its rule as RRULE (UNTIL in UTC
  when the start has a time zone, as 3.3.10 requires), never one copy per date;
- timed events with a TZID and a VTIMEZONE for the site's time zone;
- STATUS:CANCELLED for cancelled events, TENTATIVE for postponed ones (their title
  also says so, since some clients ignore STATUS);
- escaping, line folding and UTF-8 are left to ``icalendar``.
"""

import datetime
import functools
import zoneinfo

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Timezone

from events import recurrence
from events.models import EventKind, EventStatus

PRODID = "-//Creative City Portal//Events//EN"
CONTENT_TYPE = "text/calendar; charset=utf-8"
# A host-independent domain for UIDs: set EVENTS_UID_DOMAIN to the office's own domain
# in production, so that two portals' event-1 never collide in one calendar.
DEFAULT_UID_DOMAIN = "events.creative-city-portal.invalid"

ICAL_STATUS = {
    EventStatus.SCHEDULED: "CONFIRMED",
    EventStatus.POSTPONED: "TENTATIVE",
    EventStatus.CANCELLED: "CANCELLED",
}


def uid_for(event):
    domain = getattr(settings, "EVENTS_UID_DOMAIN", "") or DEFAULT_UID_DOMAIN
    return f"event-{event.pk}@{domain}"


def location_for(event):
    parts = []
    venue, city = event.public_venue, event.public_city
    if venue:
        parts.append(venue.name)
        if venue.address:
            parts.append(venue.address)
    elif event.place:
        parts.append(event.place)
    if city and city.name and city.name not in " ".join(parts):
        parts.append(city.name)
    return ", ".join(parts)


def summary_for(event):
    if event.event_status == EventStatus.CANCELLED:
        return _("[Cancelled] %(title)s") % {"title": event.title}
    if event.event_status == EventStatus.POSTPONED:
        return _("[Postponed] %(title)s") % {"title": event.title}
    return event.title


def description_for(event, url):
    lines = []
    if event.summary:
        lines.append(event.summary)
    if event.start_date is None:
        lines.append(_("The start date was not recorded; the calendar shows the last day."))
    if event.admission_free:
        lines.append(_("Free admission"))
    elif event.admission:
        lines.append(event.admission)
    lines.append(url)
    return "\n\n".join(lines)


def to_vevent(event, url, kinds=None):
    """The VEVENT of ``event`` as bytes, written directly: a feed holds up to 200 of
    them, and building each through icalendar's component objects cost ~1 ms an event
    (most of an uncached feed). ``icalendar`` still writes the calendar's head and its
    VTIMEZONE, and the tests read every feed back with it."""
    stamp = utc(event.updated_at or timezone.now())
    lines = [
        "BEGIN:VEVENT",
        f"UID:{text(uid_for(event))}",
        f"DTSTAMP:{stamp}",
        f"LAST-MODIFIED:{stamp}",
    ]
    if event.created_at:
        lines.append(f"CREATED:{utc(event.created_at)}")
    if event.is_timed:
        zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        for name, moment in (("DTSTART", event.starts_at), ("DTEND", event.ends_at)):
            local = moment.astimezone(zone).strftime("%Y%m%dT%H%M%S")
            lines.append(f"{name};TZID={settings.TIME_ZONE}:{local}")
    else:
        # Only the end may be known (a past edition whose start was not recorded): the
        # calendar then holds its last day.
        first = event.start_date or event.end_date
        # A repeating all-day event lasts one day each time (its end_date is its last).
        last = first if event.repeat else event.end_date
        after = last + datetime.timedelta(days=1)
        lines += [
            f"DTSTART;VALUE=DATE:{first:%Y%m%d}",
            f"DTEND;VALUE=DATE:{after:%Y%m%d}",
            "TRANSP:TRANSPARENT",
        ]
    if event.repeat and event.start_date:
        lines.append(f"RRULE:{recurrence.rrule_value(event)}")
    lines += [
        f"SUMMARY:{text(summary_for(event))}",
        f"DESCRIPTION:{text(description_for(event, url))}",
    ]
    location = location_for(event)
    if location:
        lines.append(f"LOCATION:{text(location)}")
    lines += [
        f"URL:{url}",
        f"STATUS:{ICAL_STATUS.get(event.event_status, 'CONFIRMED')}",
        f"CATEGORIES:{text(kinds[event.kind] if kinds else str(event.get_kind_display()))}",
        "END:VEVENT",
    ]
    return b"".join(fold(line) for line in lines)


def utc(moment):
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


TEXT_ESCAPES = str.maketrans({"\\": "\\\\", ";": "\\;", ",": "\\,", "\n": "\\n", "\r": ""})


def text(value):
    """A TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma and newline escaped."""
    return value.translate(TEXT_ESCAPES)


def fold(line):
    """One content line as bytes, folded at 75 octets (RFC 5545 3.1) without splitting
    a UTF-8 character, ended by CRLF."""
    data = line.encode()
    if len(data) <= 75:
        return data + b"\r\n"
    parts, start, limit = [], 0, 75
    while start < len(data):
        end = min(start + limit, len(data))
        while end < len(data) and (data[end] & 0xC0) == 0x80:
            end -= 1  # back to the start of a character
        parts.append(data[start:end])
        start, limit = end, 74  # continuation lines begin with a space
    return b"\r\n ".join(parts) + b"\r\n"


def build_calendar(events, request, name):
    """The calendar of these events, as bytes."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    # Subscribing clients poll at this interval (RFC 7986 and Apple's older property).
    calendar.add("refresh-interval", datetime.timedelta(hours=6), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT6H")
    end = b"END:VCALENDAR\r\n"
    blocks = [calendar.to_ical().removesuffix(end)]
    events = list(events)
    if any(event.is_timed for event in events):
        blocks.append(timezone_block(settings.TIME_ZONE))
    # The kinds' names once, not once an event (Django translates every choice again).
    kinds = {value: str(label) for value, label in EventKind.choices}
    blocks.extend(
        to_vevent(event, request.build_absolute_uri(event.get_absolute_url()), kinds)
        for event in events
    )
    blocks.append(end)
    return b"".join(blocks)


def build_feed(queryset, request, name, limit):
    """The calendar of the first ``limit`` events of ``queryset``."""
    return build_calendar(queryset[:limit], request, name)


@functools.cache
def timezone_block(zone_name):
    """The VTIMEZONE of the site's time zone (the same for every feed: building it walks
    decades of transitions)."""
    return Timezone.from_tzinfo(zoneinfo.ZoneInfo(zone_name), tzid=zone_name).to_ical()


def calendar_response(body, filename, attachment=True):
    response = HttpResponse(body, content_type=CONTENT_TYPE)
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response
