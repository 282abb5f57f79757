"""The month calendar and the institution filter."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from tests.events.conftest import seoul
from tests.factories import CityFactory, EventFactory, InstitutionFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def month_url(year, month, lang="en"):
    with translation.override(lang):
        return reverse("events:month", kwargs={"year": year, "month": month})


def cells(response):
    """The in-month days and the titles on each, as the page shows them."""
    return {
        day.date: [entry.event.title for entry in day.entries]
        for week in response.context["weeks"]
        for day in week
        if day.in_month
    }


def test_plain_url_goes_to_this_month_with_the_filters(client, freeze_now):
    freeze_now(seoul(2026, 6, 1, 1))  # already June in Seoul, still May in UTC
    response = client.get(reverse("events:calendar"), {"kind": "fair", "when": "past"})
    assert response.status_code == 302
    assert response["Location"] == month_url(2026, 6) + "?kind=fair"


@pytest.mark.parametrize("path", [(2026, 13), (2026, 0), (1800, 1), (3000, 1)])
def test_months_out_of_range_are_404(client, path):
    assert client.get(month_url(*path)).status_code == 404


def test_grid_places_every_event_on_each_of_its_days(client):
    EventFactory(title_en="Exhibition", start_date=D(2026, 4, 28), end_date=D(2026, 5, 2))
    EventFactory(
        title_en="Concert",
        all_day=False,
        starts_at=seoul(2026, 5, 15, 19),
        ends_at=seoul(2026, 5, 15, 21),
        start_date=None,
        end_date=None,
    )
    EventFactory(
        title_en="Market",
        start_date=D(2026, 3, 7),
        end_date=D(2026, 3, 7),
        repeat="monthly",
        repeat_count=6,
    )
    EventFactory(title_en="Draft", status="draft", start_date=D(2026, 5, 5), end_date=D(2026, 5, 5))
    response = client.get(month_url(2026, 5))
    assert response.status_code == 200
    days = cells(response)
    assert len(days) == 31
    assert days[D(2026, 5, 1)] == days[D(2026, 5, 2)] == ["Exhibition"]
    assert days[D(2026, 5, 3)] == []
    assert days[D(2026, 5, 7)] == ["Market"] and days[D(2026, 5, 8)] == []
    assert days[D(2026, 5, 15)] == ["Concert"]
    assert days[D(2026, 5, 5)] == []
    html = response.text
    assert "<caption>May 2026</caption>" in html
    # Weeks start on Sunday; 1 May 2026 is a Friday, so five cells come before it.
    assert html.index('<abbr title="Sunday">Sun</abbr>') < html.index('<abbr title="Monday">')
    assert response.context["weeks"][0][5].date == D(2026, 5, 1)
    assert "Friday 1 May" in html
    assert '<span class="day__time">19:00</span>' in html
    assert 'rel="prev"' in html and 'rel="next"' in html


def test_korean_month(client):
    EventFactory(title_ko="도자기 장터", start_date=D(2026, 5, 7), end_date=D(2026, 5, 7))
    response = client.get(month_url(2026, 5, "ko"), HTTP_ACCEPT_LANGUAGE="ko")
    html = response.text
    assert "<caption>2026년 5월</caption>" in html
    assert "5월 7일 목요일" in html and "도자기 장터" in html
    assert '<abbr title="일요일">' in html


def test_today_is_marked(client, freeze_now):
    freeze_now(seoul(2026, 5, 20, 10))
    html = client.get(month_url(2026, 5)).text
    assert html.count('aria-current="date"') == 1


def test_filters_apply_and_the_month_links_keep_them(client):
    venue = InstitutionFactory(slug="kiln")
    held = EventFactory(
        title_en="Held", venue=venue, start_date=D(2026, 5, 4), end_date=D(2026, 5, 4)
    )
    organised = EventFactory(title_en="Organised", start_date=D(2026, 5, 6), end_date=D(2026, 5, 6))
    organised.organisers.add(venue)
    EventFactory(title_en="Elsewhere", start_date=D(2026, 5, 8), end_date=D(2026, 5, 8))
    response = client.get(month_url(2026, 5), {"institution": "kiln", "when": "past"})
    titles = sorted(title for day in cells(response).values() for title in day)
    assert titles == [held.title, organised.title]
    assert f'href="{month_url(2026, 4)}?institution=kiln"' in response.text
    assert f'href="{month_url(2026, 6)}?institution=kiln"' in response.text
    # The list of the same month and filters is one link away.
    assert "?start=2026-05-01&amp;end=2026-05-31&amp;institution=kiln" in response.text


@pytest.mark.parametrize(
    "query",
    [{"institution": "nowhere"}, {"kind": "nonsense"}, {"series": "x"}, {"city": "<b>"}],
)
def test_bad_filters_are_shown_not_a_500(client, query):
    response = client.get(month_url(2026, 5), query)
    assert response.status_code == 200
    assert "errorlist" in response.text
    assert "no-store" in response["Cache-Control"]


def test_list_links_to_the_calendar(client):
    with translation.override("en"):
        html = client.get(reverse("events:list"), {"kind": "fair"}).text
    today = timezone.localdate()
    assert f'href="{month_url(today.year, today.month)}?kind=fair"' in html


def test_institution_filter_on_list_and_feed(client):
    venue = InstitutionFactory(slug="kiln")
    hidden = InstitutionFactory(slug="closed", status="draft")
    EventFactory(slug="held", venue=venue)
    EventFactory(slug="organised").organisers.add(venue)
    EventFactory(slug="other")
    response = client.get(reverse("events:list"), {"institution": "kiln"})
    assert sorted(event.slug for event in response.context["page_obj"]) == ["held", "organised"]
    assert 'class="chosen-filters"' in response.text and "Held at or organised by" in response.text
    feed = client.get(reverse("events:feed"), {"institution": "kiln"}).text
    assert "/events/held/" in feed and "/events/organised/" in feed and "/events/other/" not in feed
    for slug in ("nowhere", hidden.slug):
        response = client.get(reverse("events:list"), {"institution": slug})
        assert response.status_code == 200
        assert 'id="id_institution_error"' in response.text
        assert list(response.context["page_obj"]) == []
        assert client.get(reverse("events:feed"), {"institution": slug}).status_code == 400


def grow(count, city, venue):
    for n in range(count):
        EventFactory(
            city=city,
            venue=venue,
            start_date=D(2026, 5, 1 + n % 28),
            end_date=D(2026, 5, 1 + n % 28),
        )
        EventFactory(city=city, start_date=D(2026, 4, 20), end_date=D(2026, 6, 3))
        EventFactory(
            city=city,
            venue=venue,
            start_date=D(2026, 5, 2 + n % 7),
            end_date=D(2026, 5, 2 + n % 7),
            repeat="weekly",
            repeat_count=8,
        )


def test_queries_do_not_grow_with_the_month(client, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    city = CityFactory(slug="icheon")
    venue = InstitutionFactory(slug="kiln", city=city)
    urls = [
        month_url(2026, 5),
        month_url(2026, 5) + "?institution=kiln&city=icheon&kind=exhibition",
    ]

    def count():
        result = []
        for url in urls:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            result.append(len(captured))
        return result

    grow(2, city, venue)
    small = count()
    grow(20, city, venue)
    large = count()
    assert small == large, (small, large)
    assert max(large) <= 7
