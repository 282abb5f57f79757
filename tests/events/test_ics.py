import datetime
import zoneinfo

import icalendar
import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from events.models import Attendance, EventStatus
from tests.factories import CityFactory, EventFactory, EventSeriesFactory, InstitutionFactory

pytestmark = pytest.mark.django_db

D = datetime.date
SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")


def fetch(client, url, params=None):
    response = client.get(url, params or {})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    return response, calendar


def single(client, event):
    response, calendar = fetch(client, reverse("events:ics", kwargs={"slug": event.slug}))
    assert response["Content-Disposition"] == f'attachment; filename="{event.slug}.ics"'
    [vevent] = calendar.walk("VEVENT")
    return calendar, vevent


def test_all_day_multi_day_event(client):
    city = CityFactory(name_en="Cheongju")
    venue = InstitutionFactory(name_en="Culture Factory", address_en="314 Sangdang-ro", city=city)
    event = EventFactory(
        title_en="Cheongju Craft Biennale 2025",
        start_date=D(2025, 9, 4),
        end_date=D(2025, 11, 2),
        venue=venue,
        city=city,
        summary_en="Re_Crafting Tomorrow; 72 countries, \\ and more",
    )
    calendar, vevent = single(client, event)
    assert calendar["PRODID"] == "-//Creative City Portal//Events//EN"
    assert calendar["VERSION"] == "2.0"
    assert vevent["UID"] == f"event-{event.pk}@events.creative-city-portal.invalid"
    # DATE values, DTEND exclusive (the day after the last day).
    assert vevent.decoded("DTSTART") == D(2025, 9, 4)
    assert vevent.decoded("DTEND") == D(2025, 11, 3)
    assert vevent["DTSTART"].params["VALUE"] == "DATE"
    # DTSTAMP is the last change (stable, so the ETag is too), which RFC 5545 allows only
    # in a calendar without METHOD.
    last_change = event.updated_at.astimezone(datetime.UTC).replace(microsecond=0)
    assert vevent.decoded("DTSTAMP") == vevent.decoded("LAST-MODIFIED") == last_change
    assert "METHOD" not in calendar
    assert str(vevent["SUMMARY"]) == "Cheongju Craft Biennale 2025"
    assert str(vevent["LOCATION"]) == "Culture Factory, 314 Sangdang-ro, Cheongju"
    assert str(vevent["STATUS"]) == "CONFIRMED"
    assert str(vevent["URL"]) == "http://testserver" + event.get_absolute_url()
    # Text is escaped on the wire and comes back intact.
    assert "Re_Crafting Tomorrow; 72 countries, \\ and more" in str(vevent["DESCRIPTION"])
    raw = client.get(reverse("events:ics", kwargs={"slug": event.slug})).content.decode()
    assert "Re_Crafting Tomorrow\\; 72 countries\\, \\\\ and more" in raw.replace("\r\n ", "")
    assert not calendar.walk("VTIMEZONE")


def test_single_day_all_day_event_ends_the_next_day(client):
    event = EventFactory(start_date=D(2025, 12, 2), end_date=D(2025, 12, 2))
    _calendar, vevent = single(client, event)
    assert (vevent.decoded("DTSTART"), vevent.decoded("DTEND")) == (D(2025, 12, 2), D(2025, 12, 3))


def test_timed_event_has_tzid_and_vtimezone(client):
    event = EventFactory(
        all_day=False,
        starts_at=datetime.datetime(2026, 12, 2, 14, tzinfo=SEOUL),
        ends_at=datetime.datetime(2026, 12, 2, 16, tzinfo=SEOUL),
    )
    calendar, vevent = single(client, event)
    assert vevent["DTSTART"].params["TZID"] == "Asia/Seoul"
    assert vevent.decoded("DTSTART") == datetime.datetime(2026, 12, 2, 14, tzinfo=SEOUL)
    assert vevent.decoded("DTEND") == datetime.datetime(2026, 12, 2, 16, tzinfo=SEOUL)
    [vtimezone] = calendar.walk("VTIMEZONE")
    assert vtimezone["TZID"] == "Asia/Seoul"
    raw = client.get(reverse("events:ics", kwargs={"slug": event.slug})).content.decode()
    assert "DTSTART;TZID=Asia/Seoul:20261202T140000" in raw


def test_timed_event_over_several_days(client):
    event = EventFactory(
        all_day=False,
        starts_at=datetime.datetime(2026, 12, 2, 18, tzinfo=SEOUL),
        ends_at=datetime.datetime(2026, 12, 4, 12, tzinfo=SEOUL),
    )
    _calendar, vevent = single(client, event)
    assert vevent.decoded("DTSTART") == datetime.datetime(2026, 12, 2, 18, tzinfo=SEOUL)
    assert vevent.decoded("DTEND") == datetime.datetime(2026, 12, 4, 12, tzinfo=SEOUL)
    assert vevent["DTEND"].params["TZID"] == "Asia/Seoul"
    assert "VALUE" not in vevent["DTSTART"].params  # DATE-TIME, not DATE
    assert "TRANSP" not in vevent  # busy, unlike an all-day event
    raw = client.get(reverse("events:ics", kwargs={"slug": event.slug})).content.decode()
    assert "DTEND;TZID=Asia/Seoul:20261204T120000" in raw


def observance_at(vtimezone, local):
    """The STANDARD or DAYLIGHT part of a VTIMEZONE in force at ``local`` (naive local
    time), as a client works it out: the latest onset (DTSTART or RDATE) before it."""
    onsets = []
    for part in vtimezone.subcomponents:
        starts = [part.decoded("DTSTART")]
        rdates = part.get("RDATE", [])
        for rdate in rdates if isinstance(rdates, list) else [rdates]:
            starts += [period.dt for period in rdate.dts]
        onsets += [(start, part) for start in starts if start <= local]
    return max(onsets, key=lambda onset: onset[0])[1]


def test_vtimezone_gives_seoul_its_offset(client):
    event = EventFactory(
        all_day=False,
        starts_at=datetime.datetime(2026, 12, 2, 14, tzinfo=SEOUL),
        ends_at=datetime.datetime(2026, 12, 2, 16, tzinfo=SEOUL),
    )
    calendar, _vevent = single(client, event)
    [vtimezone] = calendar.walk("VTIMEZONE")
    part = observance_at(vtimezone, datetime.datetime(2026, 12, 2, 14))
    assert part.name == "STANDARD" and str(part["TZNAME"]) == "KST"
    assert part.decoded("TZOFFSETTO") == datetime.timedelta(hours=9)
    raw = client.get(reverse("events:ics", kwargs={"slug": event.slug})).content.decode()
    assert "TZOFFSETTO:+0900" in raw
    # One VTIMEZONE however many timed events a feed holds.
    EventFactory(
        all_day=False,
        starts_at=datetime.datetime(2026, 12, 3, 14, tzinfo=SEOUL),
        ends_at=datetime.datetime(2026, 12, 3, 16, tzinfo=SEOUL),
    )
    _response, feed = fetch(client, reverse("events:feed"))
    assert len(feed.walk("VTIMEZONE")) == 1 and len(feed.walk("VEVENT")) == 2


@pytest.mark.parametrize(
    "status, ical_status, prefix",
    [
        (EventStatus.CANCELLED, "CANCELLED", "[Cancelled] "),
        (EventStatus.POSTPONED, "TENTATIVE", "[Postponed] "),
    ],
)
def test_cancelled_and_postponed(client, status, ical_status, prefix):
    event = EventFactory(title_en="Craft market", event_status=status)
    _calendar, vevent = single(client, event)
    assert str(vevent["STATUS"]) == ical_status
    assert str(vevent["SUMMARY"]) == prefix + "Craft market"


def test_korean_text_intact_and_lines_folded(client):
    long_summary = "청주공예비엔날레는 1999년에 시작해 2년마다 열리는 공예 축제입니다. " * 3
    event = EventFactory(
        title_ko="청주공예비엔날레 2025",
        summary_ko=long_summary,
        place_ko="문화제조창",
        attendance=Attendance.HYBRID,
    )
    with translation.override("ko"):
        url = reverse("events:ics", kwargs={"slug": event.slug})
    response, calendar = fetch(client, url)
    [vevent] = calendar.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "청주공예비엔날레 2025"
    assert str(vevent["LOCATION"]) == "문화제조창"
    assert long_summary.strip() in str(vevent["DESCRIPTION"])
    lines = response.content.split(b"\r\n")
    assert max(len(line) for line in lines) <= 75
    response.content.decode("utf-8")  # folding never splits a character
    assert str(vevent["URL"]).startswith("http://testserver/ko/events/")


def test_unrecorded_start_uses_the_last_day(client):
    event = EventFactory(start_date=None, end_date=D(2021, 10, 17))
    _calendar, vevent = single(client, event)
    assert vevent.decoded("DTSTART") == D(2021, 10, 17)
    assert vevent.decoded("DTEND") == D(2021, 10, 18)
    assert "not recorded" in str(vevent["DESCRIPTION"])


def test_uid_is_stable_and_host_independent(client, settings):
    event = EventFactory()
    url = reverse("events:ics", kwargs={"slug": event.slug})
    first = icalendar.Calendar.from_ical(client.get(url).content).walk("VEVENT")[0]
    second = icalendar.Calendar.from_ical(client.get(url, HTTP_HOST="localhost").content).walk(
        "VEVENT"
    )[0]
    assert first["UID"] == second["UID"]
    assert first["DTSTAMP"].to_ical() == second["DTSTAMP"].to_ical()
    settings.EVENTS_UID_DOMAIN = "events.cheongju.example"
    cache.clear()  # the page cache holds the calendar rendered with the old setting
    third = icalendar.Calendar.from_ical(client.get(url).content).walk("VEVENT")[0]
    assert third["UID"] == f"event-{event.pk}@events.cheongju.example"


def test_single_ics_of_draft_or_unknown_event_is_404(client):
    draft = EventFactory(status="draft")
    assert client.get(reverse("events:ics", kwargs={"slug": draft.slug})).status_code == 404
    assert client.get(reverse("events:ics", kwargs={"slug": "nope"})).status_code == 404


def test_feed_url_is_not_taken_for_an_event_slug():
    assert reverse("events:feed").endswith("/events/ics/")
    from django.urls import resolve

    assert resolve(reverse("events:feed")).url_name == "feed"


def test_feed_applies_the_list_filters(client):
    today = datetime.date.today()
    city = CityFactory(slug="icheon")
    EventFactory(slug="old", start_date=D(2019, 9, 27), end_date=D(2019, 11, 24), city=city)
    EventFactory(
        slug="soon",
        start_date=today + datetime.timedelta(days=3),
        end_date=today + datetime.timedelta(days=4),
        kind="workshop",
    )
    EventFactory(
        slug="recent",
        start_date=today - datetime.timedelta(days=100),
        end_date=today - datetime.timedelta(days=99),
    )
    EventFactory(slug="cancelled", event_status=EventStatus.CANCELLED)
    EventFactory(slug="draft", status="draft")

    def uids(params=None):
        _response, calendar = fetch(client, reverse("events:feed"), params)
        return sorted(str(v["URL"]).rstrip("/").rsplit("/", 1)[1] for v in calendar.walk("VEVENT"))

    # Without a period the feed keeps the past half year, so subscribers keep their
    # recent history; a chosen period reaches further back.
    assert uids() == ["cancelled", "recent", "soon"]
    assert uids({"when": "upcoming"}) == ["cancelled", "soon"]
    assert uids({"when": "past"}) == ["old", "recent"]
    assert uids({"city": "icheon"}) == []
    assert uids({"city": "icheon", "when": "all"}) == ["old"]
    assert uids({"kind": "workshop"}) == ["soon"]
    assert uids({"start": "2019-11-24", "end": "2019-12-01"}) == ["old"]
    response = client.get(reverse("events:feed"), {"start": "garbage"})
    assert response.status_code == 400
    assert "start" in response.text and response["Content-Type"].startswith("text/plain")
    _response, calendar = fetch(client, reverse("events:feed"))
    assert "Content-Disposition" in _response and "inline" in _response["Content-Disposition"]


def test_a_capped_feed_keeps_the_events_nearest_to_today(client, monkeypatch):
    monkeypatch.setattr("events.views.FEED_LIMIT", 3)
    today = datetime.date.today()

    def on(slug, start, end):
        EventFactory(
            slug=slug,
            start_date=today + datetime.timedelta(days=start),
            end_date=today + datetime.timedelta(days=end),
        )

    on("next-year", 400, 401)
    on("next-week", 7, 8)
    on("ongoing", -3, 2)
    on("next-month", 30, 31)
    on("last-week", -8, -7)

    def uids(params=None):
        _response, calendar = fetch(client, reverse("events:feed"), params)
        return sorted(str(v["URL"]).rstrip("/").rsplit("/", 1)[1] for v in calendar.walk("VEVENT"))

    # What is on and ahead, soonest first, before the past; the furthest are left out.
    assert uids() == ["next-month", "next-week", "ongoing"]
    on("tomorrow", 1, 1)
    assert uids() == ["next-week", "ongoing", "tomorrow"]
    # Only the past when nothing is ahead: the most recent first.
    assert uids({"when": "past"}) == ["last-week"]


def test_feed_filters_venue_series_and_text(client):
    venue = InstitutionFactory(slug="culture-factory")
    series = EventSeriesFactory(slug="cheongju-craft-biennale")
    EventFactory(
        slug="biennale",
        title_en="Craft Biennale",
        title_ko="공예비엔날레",
        venue=venue,
        series=series,
    )
    EventFactory(slug="talk", title_en="Glaze talk", title_ko="유약 강연", venue=venue)
    EventFactory(slug="market", title_en="Craft market", title_ko="공예 장터", series=series)
    EventFactory(slug="hidden", venue=venue, series=series, status="draft")

    def slugs(params):
        _response, calendar = fetch(client, reverse("events:feed"), params)
        return sorted(str(v["URL"]).rstrip("/").rsplit("/", 1)[1] for v in calendar.walk("VEVENT"))

    assert slugs({"venue": "culture-factory"}) == ["biennale", "talk"]
    assert slugs({"series": "cheongju-craft-biennale"}) == ["biennale", "market"]
    assert slugs({"q": "craft"}) == ["biennale", "market"]
    assert slugs({"q": "비엔날레"}) == ["biennale"]
    assert slugs({"q": "craft", "venue": "culture-factory"}) == ["biennale"]
    assert slugs({"q": "  "}) == ["biennale", "market", "talk"]


@pytest.mark.parametrize(
    "params, field",
    [
        ({"venue": "no-such-place"}, "venue"),
        ({"series": "no-such-series"}, "series"),
        ({"q": "x" * 201}, "q"),
        ({"kind": "rave"}, "kind"),
    ],
)
def test_feed_refuses_bad_filter_values_with_a_message(client, params, field):
    assert client.get(reverse("events:feed"), params).status_code == 400
    response = client.get(reverse("events:feed"), params)  # a refusal is never remembered
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.text.startswith("The calendar filters are not valid:")
    assert f"\n{field}: " in response.text


def test_feed_refuses_a_draft_series(client):
    EventSeriesFactory(slug="draft-series", status="draft")
    assert client.get(reverse("events:feed"), {"series": "draft-series"}).status_code == 400


def test_the_feed_remembers_its_events_but_shows_an_edit_at_once(client):
    venue = InstitutionFactory(name_en="Culture Factory")
    EventFactory(
        title_en="Glaze workshop", venue=venue, start_date=D(2026, 12, 1), end_date=D(2026, 12, 1)
    )
    url = reverse("events:feed")
    with translation.override("en"):
        first = client.get(url, {"when": "all"}).content
        assert client.get(url, {"when": "all"}).content == first
        # The venue's name is part of the event's LOCATION: renaming it (a save of other
        # content) must reach the feed on the next request.
        venue.name_en = "Cheongju Culture Factory"
        venue.save()
        _response, calendar = fetch(client, url, {"when": "all"})
    [vevent] = calendar.walk("VEVENT")
    assert str(vevent["LOCATION"]).startswith("Cheongju Culture Factory")
    # The same event is written for the address it was asked on.
    other = client.get(url, {"when": "all"}, HTTP_HOST="localhost").content.decode()
    assert "URL:http://localhost/" in other.replace("\r\n ", "")


def test_a_new_event_joins_the_feed_at_once(client):
    # Which events a feed holds is remembered per address, until content changes.
    EventFactory(title_en="Glaze workshop", start_date=D(2026, 12, 1), end_date=D(2026, 12, 1))
    url = reverse("events:feed")
    with translation.override("en"):
        _response, calendar = fetch(client, url, {"when": "all"})
        assert len(calendar.walk("VEVENT")) == 1
        EventFactory(title_en="Kiln night", start_date=D(2026, 12, 2), end_date=D(2026, 12, 2))
        _response, calendar = fetch(client, url, {"when": "all"})
    assert sorted(str(event["SUMMARY"]) for event in calendar.walk("VEVENT")) == [
        "Glaze workshop",
        "Kiln night",
    ]
