"""schema.org Event data for an event page (JSON-LD), built as a plain dict.

https://schema.org/Event and Google's event guidelines: dates in ISO 8601 (with the
UTC offset for timed events), eventStatus and eventAttendanceMode as schema.org URLs.

A repeating event's startDate and endDate are those of its next date (the last, once
all are past), since search engines read them as when to go; its rule is given as
``eventSchedule`` (a schema.org Schedule: repeatFrequency as an ISO 8601 duration,
byDay, the first and last dates, the times and their time zone).
"""

from django.conf import settings

from events import recurrence
from events.models import Attendance, EventStatus

SCHEMA_DAYS = {
    "MO": "https://schema.org/Monday",
    "TU": "https://schema.org/Tuesday",
    "WE": "https://schema.org/Wednesday",
    "TH": "https://schema.org/Thursday",
    "FR": "https://schema.org/Friday",
    "SA": "https://schema.org/Saturday",
    "SU": "https://schema.org/Sunday",
}


def _schedule(event):
    interval = event.repeat_interval or 1
    unit = "W" if event.repeat == recurrence.WEEKLY else "M"
    schedule = {
        "@type": "Schedule",
        "repeatFrequency": f"P{interval}{unit}",
        "startDate": event.start_date.isoformat(),
        "endDate": event.end_date.isoformat(),
    }
    days = recurrence.weekday_codes(event.repeat_weekdays)
    if event.repeat == recurrence.WEEKLY:
        if not days:
            days = [recurrence.WEEKDAY_CODES[event.start_date.weekday()]]
        schedule["byDay"] = [SCHEMA_DAYS[code] for code in days]
    else:
        schedule["byMonthDay"] = event.start_date.day
    if event.repeat_count:
        schedule["repeatCount"] = event.repeat_count
    if event.is_timed:
        schedule["startTime"] = event.local_starts_at.strftime("%H:%M:%S")
        schedule["endTime"] = event.local_ends_at.strftime("%H:%M:%S")
        schedule["scheduleTimezone"] = settings.TIME_ZONE
    return schedule


EVENT_STATUS = {
    EventStatus.SCHEDULED: "https://schema.org/EventScheduled",
    EventStatus.POSTPONED: "https://schema.org/EventPostponed",
    EventStatus.CANCELLED: "https://schema.org/EventCancelled",
}
ATTENDANCE_MODE = {
    Attendance.ON_SITE: "https://schema.org/OfflineEventAttendanceMode",
    Attendance.ONLINE: "https://schema.org/OnlineEventAttendanceMode",
    Attendance.HYBRID: "https://schema.org/MixedEventAttendanceMode",
}


def _place(event, request):
    venue, city = event.public_venue, event.public_city
    if venue:
        place = {
            "@type": "Place",
            "name": venue.name,
            "url": request.build_absolute_uri(venue.get_absolute_url()),
        }
        if venue.address:
            place["address"] = venue.address
        return place
    if event.place or city:
        place = {"@type": "Place", "name": event.place or city.name}
        if city:
            place["address"] = {
                "@type": "PostalAddress",
                "addressLocality": city.name,
                "addressCountry": str(city.country),
            }
        return place
    return None


def event_json_ld(event, request, organisers=()):
    url = request.build_absolute_uri(event.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "url": url,
        "eventStatus": EVENT_STATUS.get(event.event_status, EVENT_STATUS["scheduled"]),
        "eventAttendanceMode": ATTENDANCE_MODE.get(
            event.attendance, ATTENDANCE_MODE[Attendance.ON_SITE]
        ),
    }
    if event.language:  # the event's own language; the page's is in <html lang>
        data["inLanguage"] = event.language
    if event.repeat and event.start_date:
        following = recurrence.next_occurrence(event)
        if following.is_timed:
            data["startDate"] = following.local_starts_at.isoformat()
            data["endDate"] = following.local_ends_at.isoformat()
        else:
            data["startDate"] = following.start_date.isoformat()
            data["endDate"] = following.end_date.isoformat()
        data["eventSchedule"] = _schedule(event)
    elif not event.all_day and event.starts_at and event.ends_at:
        data["startDate"] = event.local_starts_at.isoformat()
        data["endDate"] = event.local_ends_at.isoformat()
    else:
        if event.start_date:
            data["startDate"] = event.start_date.isoformat()
        data["endDate"] = event.end_date.isoformat()
    if event.summary:
        data["description"] = event.summary
    locations = []
    place = _place(event, request)
    if place and event.attendance != Attendance.ONLINE:
        locations.append(place)
    if event.attendance != Attendance.ON_SITE:
        locations.append({"@type": "VirtualLocation", "url": event.registration_url or url})
    if locations:
        data["location"] = locations[0] if len(locations) == 1 else locations
    if organisers:
        data["organizer"] = [
            {
                "@type": "Organization",
                "name": organiser.name,
                "url": request.build_absolute_uri(organiser.get_absolute_url()),
            }
            for organiser in organisers
        ]
    if event.admission_free:
        data["isAccessibleForFree"] = True
    if event.image:
        data["image"] = request.build_absolute_uri(event.image.url)
    if event.public_series:
        data["superEvent"] = {"@type": "EventSeries", "name": event.series.name}
    elif event.public_parent:
        data["superEvent"] = {
            "@type": "Event",
            "name": event.parent.title,
            "url": request.build_absolute_uri(event.parent.get_absolute_url()),
        }
    return data
