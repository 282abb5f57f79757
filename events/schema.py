"""schema.org Event data for an event page (JSON-LD), built as a plain dict.

https://schema.org/Event and Google's event guidelines: dates in ISO 8601 (with the
UTC offset for timed events), eventStatus and eventAttendanceMode as schema.org URLs.
"""

from events.models import Attendance, EventStatus

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
    if not event.all_day and event.starts_at and event.ends_at:
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
