import datetime
from pathlib import Path

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone, translation

from tests.factories import CityFactory, EventFactory, InstitutionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_filter_open_event_and_download_its_calendar(page, live_server, axe):
    city = CityFactory(slug="cheongju", name_ko="청주", name_en="Cheongju")
    venue = InstitutionFactory(slug="culture-factory", name_ko="문화제조창", city=city)
    EventFactory(
        slug="craft-class", title_ko="공예 체험 교실", kind="workshop", city=city, venue=venue
    )
    EventFactory(slug="ceramics-fair", title_ko="도자기 장터", kind="fair", city=city)
    EventFactory(slug="cancelled-talk", title_ko="취소된 강연", event_status="cancelled")
    with translation.override("ko"):
        url = live_server.url + reverse("events:list")
    page.goto(url)
    assert page.locator("html").get_attribute("lang") == "ko"
    assert page.locator(".event-card").count() == 3
    assert axe(page) == []

    # The filters fold away under their summary until used (results first on a phone).
    page.locator(".filter-panel > summary").click()
    page.locator("#id_kind").select_option("workshop")
    page.locator(".event-filters button[type=submit]").click()
    page.wait_for_url("**kind=workshop**")
    assert page.locator(".event-card").count() == 1
    assert axe(page) == []

    page.get_by_role("link", name="공예 체험 교실").click()
    page.wait_for_url("**/events/craft-class/")
    assert page.get_by_role("heading", level=1).inner_text() == "공예 체험 교실"
    assert page.get_by_role("link", name="문화제조창").is_visible()
    assert axe(page) == []

    # From the venue's page to every event held there, shown as a removable filter.
    page.get_by_role("link", name="문화제조창").click()
    page.locator("a[href*='events/?institution=culture-factory']").click()
    page.wait_for_url("**institution=culture-factory**")
    assert page.locator(".event-card").count() == 1
    chosen = page.locator(".chosen-filters")
    assert chosen.get_by_role("link", name="문화제조창", exact=True).is_visible()
    assert axe(page) == []
    page.go_back()
    page.go_back()

    with page.expect_download() as info:
        page.locator(".event-actions a").click()
    download = info.value
    assert download.suggested_filename == "craft-class.ics"
    calendar = icalendar.Calendar.from_ical(Path(download.path()).read_bytes())
    assert str(calendar.walk("VEVENT")[0]["SUMMARY"]) == "공예 체험 교실"
    ics_url = live_server.url + reverse("events:ics", kwargs={"slug": "craft-class"})
    response = page.request.get(ics_url)
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"


def test_bad_filter_value_is_shown_accessibly(page, live_server, axe):
    EventFactory()
    page.goto(live_server.url + reverse("events:list") + "?start=2025-99-99&venue=nowhere")
    assert page.locator("#id_start_error").is_visible()
    assert page.locator("#id_venue_error").is_visible()
    assert axe(page) == []


def test_cancelled_event_page_is_accessible(page, live_server, axe):
    event = EventFactory(event_status="cancelled", summary_en="A summary.")
    EventFactory(parent=event, start_date=event.start_date, end_date=event.start_date)
    page.goto(live_server.url + event.get_absolute_url())
    assert page.locator(".event-status--cancelled").is_visible()
    assert axe(page) == []
    page.set_viewport_size({"width": 390, "height": 800})
    assert axe(page) == []


def test_month_calendar_is_accessible_on_phone_and_desktop(page, live_server, axe):
    today = timezone.localdate()
    first = today.replace(day=1)
    EventFactory(
        slug="long-show",
        title_ko="긴 전시",
        title_en="Long show",
        start_date=first,
        end_date=first + datetime.timedelta(days=3),
    )
    EventFactory(
        slug="weekly-class",
        title_ko="주간 도자기 교실",
        title_en="Weekly ceramics class",
        kind="workshop",
        start_date=first,
        end_date=first,
        repeat="weekly",
        repeat_count=4,
    )
    for lang in ("ko", "en"):
        with translation.override(lang):
            url = live_server.url + reverse(
                "events:month", kwargs={"year": today.year, "month": today.month}
            )
        page.set_viewport_size({"width": 1366, "height": 900})
        page.goto(url)
        assert page.locator("html").get_attribute("lang") == lang
        assert page.locator(".month-grid caption").is_visible()
        assert page.locator(".month-grid thead th").count() == 7
        assert (
            page.locator(
                ".day__events a", has_text="Long show" if lang == "en" else "긴 전시"
            ).count()
            == 4
        )
        assert axe(page) == []
        page.set_viewport_size({"width": 390, "height": 800})
        # A list of the days that have events: no 7-column table, no sideways scroll.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        visible_days = page.locator(".month-grid td:visible").count()
        days_with_events = page.locator(
            ".month-grid td:not(.day--empty):not(.day--outside)"
        ).count()
        assert visible_days == days_with_events
        assert page.locator(".day__full").first.is_visible()
        assert axe(page) == []
