"""The upcoming-events widget (frameable by any site, alone of all pages) and its embed
page."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events.widget import WIDGET_COUNT, WIDGET_MAX
from portal.blocks.publishing import PublicationStatus
from tests.factories import EventFactory, InstitutionFactory

pytestmark = pytest.mark.django_db

WIDGET = "/ko/events/widget/"


def soon(days):
    day = timezone.localdate() + datetime.timedelta(days=days)
    return {"start_date": day, "end_date": day}


def titles(response):
    return [event.title for event in response.context["events"]]


def test_frameable_by_any_site_while_every_other_page_is_not(client):
    response = client.get(WIDGET)
    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    assert "frame-ancestors *" in response["Content-Security-Policy"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    for path in ("/ko/events/", "/ko/events/embed/", "/ko/", "/ko/open-data/"):
        other = client.get(path)
        assert other["X-Frame-Options"] == "DENY", path
        assert "frame-ancestors 'none'" in other["Content-Security-Policy"], path


def test_the_next_upcoming_events_opening_the_full_site(client):
    for number in range(WIDGET_COUNT + 2):
        EventFactory(slug=f"event-{number}", title_en=f"Event {number}", **soon(number + 1))
    past = timezone.localdate() - datetime.timedelta(days=3)
    EventFactory(slug="past", title_en="Past", start_date=past, end_date=past)
    EventFactory(slug="draft", title_en="Draft", status=PublicationStatus.DRAFT, **soon(1))
    response = client.get("/en/events/widget/")
    assert titles(response) == [f"Event {number}" for number in range(WIDGET_COUNT)]
    html = response.content.decode()
    assert '<a href="http://testserver/en/events/event-0/" target="_blank" rel="noopener">' in html
    assert 'href="http://testserver/en/events/"' in html
    assert "Past" not in html and "Draft" not in html
    assert '<meta name="robots" content="noindex">' in html
    assert "<script" not in html and "style=" not in html


@pytest.mark.parametrize(
    ("count", "shown"), [("2", 2), ("0", 1), ("999", WIDGET_MAX), ("abc", WIDGET_COUNT), ("", 5)]
)
def test_how_many_events(client, count, shown):
    for number in range(WIDGET_MAX + 1):
        EventFactory(**soon(number + 1))
    assert len(titles(client.get(f"{WIDGET}?count={count}"))) == shown


def test_follows_the_events_filters(client):
    venue = InstitutionFactory(slug="culture-factory")
    EventFactory(title_en="Here", venue=venue, kind="workshop", **soon(1))
    EventFactory(title_en="Elsewhere", kind="workshop", **soon(2))
    response = client.get("/en/events/widget/?venue=culture-factory&count=3")
    assert titles(response) == ["Here"]
    # Its "all events" link keeps the filters, not the count.
    assert 'href="http://testserver/en/events/?venue=culture-factory"' in response.content.decode()
    assert titles(client.get("/en/events/widget/?kind=workshop")) == ["Here", "Elsewhere"]


def test_bad_filters_say_so_and_are_not_stored(client):
    response = client.get(f"{WIDGET}?venue=nowhere&start=yesterday")
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def count_queries(client, path):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_the_same_queries_at_any_size(client, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    venue = InstitutionFactory(slug="venue")
    paths = [WIDGET, f"{WIDGET}?venue=venue&count=10", "/ko/events/embed/?venue=venue"]

    def grow(count):
        for number in range(count):
            EventFactory(venue=venue, **soon(number + 1))

    grow(2)
    small = {path: count_queries(client, path) for path in paths}
    grow(30)
    large = {path: count_queries(client, path) for path in paths}
    assert small == large
    assert max(small.values()) <= 4, small


def test_the_embed_page_gives_the_code_with_the_filters(client):
    InstitutionFactory(slug="culture-factory")
    response = client.get("/en/events/embed/?venue=culture-factory&page=2&utm_source=x")
    html = response.content.decode()
    assert (
        "&lt;iframe src=&quot;http://testserver/en/events/widget/?venue=culture-factory&quot;"
        in html
        or '&lt;iframe src="http://testserver/en/events/widget/?venue=culture-factory"' in html
    )
    assert '<iframe class="embed__preview" src="/en/events/widget/?venue=culture-factory"' in html
    # The events page links it, with its own filters.
    events_page = client.get("/en/events/?kind=workshop").content.decode()
    assert 'href="/en/events/embed/?kind=workshop"' in events_page
    assert 'href="/en/open-data/events.csv?kind=workshop"' in events_page


@pytest.mark.page_cache
@pytest.mark.django_db(transaction=True)
def test_a_stored_widget_stays_frameable(client):
    EventFactory(**soon(1))
    client.get(WIDGET)
    response = client.get(WIDGET)
    assert response["X-Page-Cache"] == "hit"
    assert "X-Frame-Options" not in response
    assert "frame-ancestors *" in response["Content-Security-Policy"]
    page = client.get("/ko/events/")
    page = client.get("/ko/events/")
    assert page["X-Page-Cache"] == "hit" and page["X-Frame-Options"] == "DENY"
