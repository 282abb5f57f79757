import datetime
import json
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from events.models import Event, EventKind, EventStatus
from events.templatetags.events_tags import format_event_when
from events.views import DETAIL_LIST_LIMIT
from institutions.models import Institution
from portal.documents import DocumentKind
from tests.factories import (
    CityFactory,
    DocumentFactory,
    EventFactory,
    EventImageFactory,
    EventSeriesFactory,
    InstitutionFactory,
)

pytestmark = pytest.mark.django_db

D = datetime.date
LIST = "events:list"


def today():
    return timezone.localdate()


def days(n):
    return today() + datetime.timedelta(days=n)


def listed(response):
    return [event.slug for event in response.context["page_obj"]]


@pytest.fixture
def events():
    city = CityFactory(slug="cheongju", name_en="Cheongju", name_ko="청주")
    other_city = CityFactory(slug="icheon")
    venue = InstitutionFactory(
        slug="culture-factory", name_en="Culture Factory", name_ko="문화제조창", city=city
    )
    series = EventSeriesFactory(slug="cheongju-craft-biennale")
    return {
        "now-on": EventFactory(
            slug="now-on",
            start_date=days(-1),
            end_date=days(30),
            kind=EventKind.BIENNALE,
            series=series,
            venue=venue,
            city=city,
            title_en="Craft Biennale",
            title_ko="공예비엔날레",
        ),
        "next-week": EventFactory(
            slug="next-week",
            start_date=days(7),
            end_date=days(7),
            kind=EventKind.WORKSHOP,
            city=other_city,
            title_en="Glaze workshop",
            title_ko="유약 워크숍",
        ),
        "cancelled": EventFactory(
            slug="cancelled",
            start_date=days(14),
            end_date=days(15),
            event_status=EventStatus.CANCELLED,
            city=city,
        ),
        "last-year": EventFactory(
            slug="last-year",
            start_date=days(-400),
            end_date=days(-380),
            kind=EventKind.BIENNALE,
            series=series,
            venue=venue,
        ),
        "last-month": EventFactory(slug="last-month", start_date=days(-40), end_date=days(-30)),
        "draft": EventFactory(slug="draft", status="draft"),
    }


def get_list(client, **params):
    response = client.get(reverse(LIST), params)
    assert response.status_code == 200
    return response


def test_default_lists_ongoing_then_upcoming_and_marks_now_on(client, events):
    response = get_list(client)
    assert listed(response) == ["now-on", "next-week", "cancelled"]
    html = response.text
    assert html.count('class="now-on"') == 1
    assert "Cancelled" in html and "event-card--cancelled" in html
    assert response.cookies == {} and "csrfmiddlewaretoken" not in html


@pytest.mark.parametrize(
    "when, expected",
    [
        ("upcoming", ["now-on", "next-week", "cancelled"]),
        ("past", ["last-month", "last-year"]),
        ("all", ["cancelled", "next-week", "now-on", "last-month", "last-year"]),
    ],
)
def test_when(client, events, when, expected):
    assert listed(get_list(client, when=when)) == expected


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"kind": "workshop"}, ["next-week"]),
        ({"kind": "biennale", "when": "all"}, ["now-on", "last-year"]),
        ({"series": "cheongju-craft-biennale", "when": "all"}, ["now-on", "last-year"]),
        ({"venue": "culture-factory"}, ["now-on"]),
        ({"venue": "culture-factory", "when": "past"}, ["last-year"]),
        ({"city": "cheongju"}, ["now-on", "cancelled"]),
        ({"q": "glaze"}, ["next-week"]),
        ({"q": "비엔날레"}, ["now-on"]),
        ({"q": "  "}, ["now-on", "next-week", "cancelled"]),
    ],
)
def test_each_filter_with_a_good_value(client, events, params, expected):
    assert listed(get_list(client, **params)) == expected


def test_part_of_lists_an_events_programme_and_shows_as_a_removable_filter(client, events):
    parent = events["now-on"]
    for slug, status in [("talk", "published"), ("tour", "published"), ("draft-talk", "draft")]:
        EventFactory(
            slug=slug,
            parent=parent,
            status=status,
            start_date=parent.start_date,
            end_date=parent.start_date,
        )
    EventFactory(slug="not-in-it")
    response = get_list(client, part_of="now-on", when="all")
    assert sorted(listed(response)) == ["talk", "tour"]
    html = response.text
    assert '<input type="hidden" name="part_of" value="now-on"' in html
    assert "In the programme of: <a" in html and "Craft Biennale" in html
    assert 'href="?when=all"' in html  # removes it, keeps the period
    # The calendar feed takes the same filter.
    assert "part_of=now-on" in response.context["feed_path"]


def test_date_range_alone_means_any_time_overlapping_it(client, events):
    start, end = days(-35), days(-32)
    response = get_list(client, start=start.isoformat(), end=end.isoformat())
    assert listed(response) == ["last-month"]
    assert response.context["filter"].form.data["when"] == "all"
    # Overlap, not containment: a range that touches the last day still finds it.
    assert "now-on" in listed(get_list(client, start=days(30).isoformat()))
    assert listed(get_list(client, end=days(-380).isoformat())) == ["last-year"]
    assert listed(
        get_list(client, start=days(7).isoformat(), end=days(7).isoformat(), when="upcoming")
    ) == ["now-on", "next-week"]


@pytest.mark.parametrize(
    "params, field, message",
    [
        ({"start": "2025-13-45"}, "start", "YYYY-MM-DD"),
        ({"end": "tomorrow"}, "end", "YYYY-MM-DD"),
        ({"start": "2026-05-02", "end": "2026-05-01"}, "end", "cannot be before its start"),
        ({"kind": "rave"}, "kind", "valid choice"),
        ({"when": "someday"}, "when", "valid choice"),
        ({"series": "no-such-series"}, "series", "no event series"),
        ({"venue": "no-such-place"}, "venue", "This venue is not in the directory"),
        ({"city": "atlantis"}, "city", "This city is not in the network directory"),
        ({"part_of": "draft"}, "part_of", "This event is not on the site"),
        ({"part_of": "no-such-event"}, "part_of", "This event is not on the site"),
        ({"q": "x" * 201}, "q", "at most 200"),
    ],
)
def test_bad_values_answer_200_with_the_forms_error(client, events, params, field, message):
    response = get_list(client, **params)
    errors = response.context["filter"].form.errors
    assert message in " ".join(errors[field])
    assert listed(response) == []
    assert f'id="id_{field}_error"' in response.text
    if field not in ("venue", "city", "part_of"):  # links, not inputs (see filters)
        assert 'aria-invalid="true"' in response.text


def test_the_series_select_names_published_series_in_the_page_language(client, events):
    EventSeriesFactory(slug="kiln-days", name_ko="가마의 날", name_en="", status="draft")
    EventSeriesFactory(slug="clay-week", name_ko="흙 주간", name_en="")
    korean = client.get(reverse(LIST)).text
    assert '<option value="cheongju-craft-biennale">' in korean
    assert '<option value="clay-week">흙 주간</option>' in korean
    assert "kiln-days" not in korean
    with translation.override("en"):
        english = client.get(reverse(LIST)).text
    # No English name: the Korean one, rather than an empty option.
    assert '<option value="clay-week">흙 주간</option>' in english
    errors = get_list(client, series="kiln-days").context["filter"].form.errors
    assert "no event series" in " ".join(errors["series"])


def test_unknown_page_is_404(client, events):
    assert client.get(reverse(LIST), {"page": "99"}).status_code == 404
    assert client.get(reverse(LIST), {"page": "x"}).status_code == 404


def test_venue_and_city_come_from_links_and_show_as_removable_filters(client, events):
    venue = Institution.objects.get(slug="culture-factory")
    html = client.get(reverse("institutions:detail", kwargs={"slug": venue.slug})).text
    link = f"{reverse(LIST)}?institution=culture-factory&amp;when=all"
    # The section lists events held here and events organised here, and so does the list
    # and the feed it links to.
    assert f'href="{link}">All its events (held here or organised by it)</a>' in html
    assert f'href="{reverse("events:feed")}?institution=culture-factory"' in html
    page = client.get(reverse(LIST), {"venue": "culture-factory", "when": "all", "q": "craft"})
    html = page.text
    # No list of every institution on the page: the choice is a hidden input, shown as
    # a filter with a link that removes it (and keeps the other filters).
    assert '<input type="hidden" name="venue" value="culture-factory"' in html
    assert "<datalist" not in html and '<select name="venue"' not in html
    assert 'class="chosen-filters"' in html and "Culture Factory" in html
    assert 'href="?when=all&amp;q=craft"' in html
    assert all(event.venue_id == venue.pk for event in page.context["page_obj"])


def test_list_in_korean(client, events):
    with translation.override("ko"):
        url = reverse(LIST)
    response = client.get(url)
    assert url.startswith("/ko/")
    assert listed(response) == ["now-on", "next-week", "cancelled"]
    html = response.text
    # Korean titles and dates written the Korean way, not the English ones.
    assert "공예비엔날레" in html and "유약 워크숍" in html
    assert "Craft Biennale" not in html and "Glaze workshop" not in html
    assert format_event_when(events["next-week"], lang="ko") in html
    assert format_event_when(events["next-week"], lang="en") not in html


def test_feed_links_keep_the_filters(client, events):
    response = get_list(client, kind="workshop", page="1")
    assert f'href="{reverse("events:feed")}?kind=workshop"' in response.text
    assert "webcal://testserver/en/events/ics/?kind=workshop" in response.text


def test_detail_page(client, events):
    event = events["now-on"]
    organiser = InstitutionFactory(name_en="Korea Craft Foundation")
    hidden = InstitutionFactory(name_en="Hidden organiser", status="draft")
    event.organisers.set([organiser, hidden])
    EventFactory(
        parent=event, slug="talk", title_en="Opening talk", start_date=days(0), end_date=days(0)
    )
    EventFactory(
        parent=event,
        slug="draft-talk",
        title_en="Draft talk",
        status="draft",
        start_date=days(0),
        end_date=days(0),
    )
    response = client.get(event.get_absolute_url())
    html = response.text
    assert response.status_code == 200
    assert 'href="/en/institutions/culture-factory/"' in html
    assert "Korea Craft Foundation" in html and "Hidden organiser" not in html
    assert "Opening talk" in html and "Draft talk" not in html
    assert [e.slug for e in response.context["other_editions"]] == ["last-year"]
    assert reverse("events:ics", kwargs={"slug": event.slug}) in html
    assert "Now on" in html
    assert response.cookies == {}


def test_detail_reads_its_programme_documents_and_gallery_only_when_it_has_them(client):
    """Most events have none of the three: the event's own query says so, and the page
    runs no query for them; drafts do not count."""
    event = EventFactory(slug="plain", series=None)
    EventFactory(parent=event, slug="draft-item", status="draft")
    DocumentFactory(kind=DocumentKind.PROGRAMME, status="draft").events.add(event)
    cache.clear()
    client.get(event.get_absolute_url())  # the header's and footer's regions are made
    with CaptureQueriesContext(connection) as plain:
        response = client.get(event.get_absolute_url())
    assert not response.context["programme"] and not response.context["documents"]
    assert 'class="gallery"' not in response.text

    EventFactory(parent=event, slug="opening-talk", title_en="Opening talk")
    DocumentFactory(kind=DocumentKind.PROGRAMME, title_en="Festival programme").events.add(event)
    EventImageFactory(event=event, caption_en="The kiln at night")
    with translation.override("en"):
        url = event.get_absolute_url()
    client.get(url)
    with CaptureQueriesContext(connection) as full:
        response = client.get(url)
    assert [item.slug for item in response.context["programme"]] == ["opening-talk"]
    html = response.text
    assert "Opening talk" in html and "Festival programme" in html
    assert "The kiln at night" in html
    assert len(full.captured_queries) == len(plain.captured_queries) + 3


def test_detail_caps_the_programme_and_other_editions_with_links_to_the_rest(client, events):
    event = events["now-on"]
    series = event.series

    def programme_items(count, tag):
        for n in range(count):
            EventFactory(
                parent=event,
                slug=f"item-{tag}-{n}",
                start_date=event.start_date,
                end_date=event.start_date,
            )

    def editions(count, tag):
        for n in range(count):
            EventFactory(
                series=series,
                slug=f"edition-{tag}-{n}",
                start_date=D(2000 + n, 9, 1),
                end_date=D(2000 + n, 9, 30),
            )

    programme_items(DETAIL_LIST_LIMIT, "a")
    editions(DETAIL_LIST_LIMIT - 1, "a")  # with "last-year": exactly the limit
    programme_link = f"{reverse(LIST)}?part_of={event.slug}&amp;when=all"
    editions_link = f"{reverse(LIST)}?series={series.slug}&amp;when=all"
    response = client.get(event.get_absolute_url())
    assert len(response.context["programme"]) == DETAIL_LIST_LIMIT
    assert len(response.context["other_editions"]) == DETAIL_LIST_LIMIT
    assert programme_link not in response.text and editions_link not in response.text

    programme_items(1, "b")
    editions(1, "b")
    response = client.get(event.get_absolute_url())
    assert len(response.context["programme"]) == DETAIL_LIST_LIMIT
    assert len(response.context["other_editions"]) == DETAIL_LIST_LIMIT
    assert response.context["programme"][0].slug == "item-a-0"  # the earliest first
    html = response.text
    assert html.count('class="card event-card') == DETAIL_LIST_LIMIT
    assert f'href="{programme_link}"' in html and f'href="{editions_link}"' in html
    # The links lead to the rest: every item, every other edition.
    assert (
        client.get(reverse(LIST), {"part_of": event.slug, "when": "all"}).context["paginator"].count
        == DETAIL_LIST_LIMIT + 1
    )
    assert (
        client.get(reverse(LIST), {"series": series.slug, "when": "all"}).context["paginator"].count
        == DETAIL_LIST_LIMIT + 2
    )


def test_detail_dates_as_people_read_them(client):
    event = EventFactory(start_date=D(2025, 9, 4), end_date=D(2025, 11, 2))
    assert "4 Sep – 2 Nov 2025" in client.get(event.get_absolute_url()).text
    with translation.override("ko"):
        url = event.get_absolute_url()
    assert "2025년 9월 4일 – 11월 2일" in client.get(url).text


def test_timed_event_shows_times_in_seoul(client):
    event = EventFactory(
        all_day=False,
        starts_at=datetime.datetime(2026, 12, 2, 5, 0, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2026, 12, 2, 7, 0, tzinfo=datetime.UTC),
    )
    html = client.get(event.get_absolute_url()).text
    assert "2 Dec 2026, 14:00–16:00" in html


@pytest.mark.parametrize(
    "status, text, schema",
    [
        (EventStatus.CANCELLED, "This event has been cancelled", "EventCancelled"),
        (EventStatus.POSTPONED, "This event has been postponed", "EventPostponed"),
        (EventStatus.SCHEDULED, None, "EventScheduled"),
    ],
)
def test_status_is_prominent_and_in_json_ld(client, status, text, schema):
    event = EventFactory(event_status=status, title_en="A </script><b>tricky</b> title")
    html = client.get(event.get_absolute_url()).text
    if text:
        assert text in html and 'class="event-status' in html
    else:
        assert 'class="event-status' not in html
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    data = json.loads(block.group(1))
    assert data["@type"] == "Event"
    assert data["eventStatus"] == f"https://schema.org/{schema}"
    assert data["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert data["name"] == "A </script><b>tricky</b> title"
    assert data["startDate"] == event.start_date.isoformat()
    assert "</script><b>" not in block.group(1)


def test_detail_of_draft_or_unknown_slug_is_404(client, events, admin_client):
    assert client.get(events["draft"].get_absolute_url()).status_code == 404
    assert client.get(reverse("events:detail", kwargs={"slug": "nope"})).status_code == 404
    preview = admin_client.get(events["draft"].get_absolute_url())
    assert preview.status_code == 200 and preview.context["is_preview"]


def test_past_event_without_a_recorded_start(client):
    event = EventFactory(start_date=None, end_date=D(2021, 10, 17))
    html = client.get(event.get_absolute_url()).text
    assert "until 17 Oct 2021" in html and "start date not recorded" in html


def test_home_shows_now_and_next(client, events):
    html = client.get(reverse("portal:home")).text
    assert "Craft Biennale" in html and "Glaze workshop" in html
    assert html.count('class="now-on"') == 1


# Query counts: the same at 20 and 2,000 events.


def bulk_events(count, **fields):
    Event.objects.bulk_create(
        [
            Event(
                title_en=f"Bulk {n}",
                title_ko=f"대량 {n}",
                slug=f"bulk-{n}-{fields.get('tag', '')}",
                kind=EventKind.EXHIBITION,
                status="published",
                publish_at=timezone.now() - datetime.timedelta(minutes=1),
                start_date=days(n % 300 - 100),
                end_date=days(n % 300 - 90),
                **{k: v for k, v in fields.items() if k != "tag"},
            )
            for n in range(count)
        ]
    )


def count_queries(client, url, params=None):
    """Queries of a request once the site's caches are warm (a fresh cache only adds
    the cached fragments' queries, the same at any size)."""
    cache.clear()
    client.get(url, params or {})
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"when": "past"},
        {
            "venue": "culture-factory",
            "city": "cheongju",
            "q": "bulk",
            "series": "cheongju-craft-biennale",
            "start": "2020-01-01",
        },
    ],
)
def test_list_queries_do_not_grow(client, events, params):
    venue, city = events["now-on"].venue, events["now-on"].city
    bulk_events(20, venue=venue, city=city, tag="a")
    small = count_queries(client, reverse(LIST), params)
    bulk_events(1980, venue=venue, city=city, tag="b")
    assert count_queries(client, reverse(LIST), params) == small
    assert small <= 6


def test_detail_queries_do_not_grow(client, events):
    event = events["now-on"]
    series, venue = event.series, event.venue
    organisers = InstitutionFactory.create_batch(3)
    event.organisers.set(organisers)

    def grow(count, tag):
        bulk_events(count, series=series, venue=venue, tag=tag)
        Event.objects.bulk_create(
            [
                Event(
                    title_en=f"Item {n}",
                    slug=f"item-{tag}-{n}",
                    kind=EventKind.WORKSHOP,
                    status="published",
                    publish_at=timezone.now() - datetime.timedelta(minutes=1),
                    parent=event,
                    start_date=event.start_date,
                    end_date=event.start_date,
                )
                for n in range(count)
            ]
        )

    grow(20, "a")
    small = count_queries(client, event.get_absolute_url())
    grow(1980, "b")
    assert count_queries(client, event.get_absolute_url()) == small
    assert small <= 6
    # And the rows read stay few: the page holds the first items only.
    response = client.get(event.get_absolute_url())
    assert len(response.context["programme"]) == DETAIL_LIST_LIMIT
    assert len(response.context["other_editions"]) == DETAIL_LIST_LIMIT
    assert len(response.context["programme"].rows) == DETAIL_LIST_LIMIT + 1


def test_feed_queries_do_not_grow(client, events):
    bulk_events(20, venue=events["now-on"].venue, city=events["now-on"].city, tag="a")
    url = reverse("events:feed")
    # What is ahead, then what has passed only while that is not enough: at most two.
    assert count_queries(client, url) <= 2
    bulk_events(1980, venue=events["now-on"].venue, city=events["now-on"].city, tag="b")
    assert count_queries(client, url) <= 2
    assert count_queries(client, url, {"city": "cheongju", "kind": "exhibition"}) <= 3
