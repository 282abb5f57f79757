import datetime

import pytest
from django.urls import reverse

from events.admin import copy_as_next_edition
from events.models import Event
from tests.factories import (
    CityFactory,
    EventFactory,
    EventSeriesFactory,
    InstitutionFactory,
    PartnershipFactory,
)

pytestmark = pytest.mark.django_db

D = datetime.date


def test_changelist_with_filters_and_search_has_no_n_plus_one(admin_client,
                                                             django_assert_max_num_queries):
    series = EventSeriesFactory()
    city = CityFactory()
    for _ in range(30):
        EventFactory(series=series, city=city, venue=InstitutionFactory(city=city))
    url = reverse("admin:events_event_changelist")
    with django_assert_max_num_queries(15):
        response = admin_client.get(url)
    assert response.status_code == 200
    for params in ({"when": "past"}, {"when": "current"}, {"when": "ongoing"},
                   {"when": "upcoming"}, {"kind": "exhibition"}, {"q": "Event"},
                   {"event_status": "cancelled"}, {"series__id__exact": series.pk}):
        assert admin_client.get(url, params).status_code == 200


def test_series_changelist_and_change_pages(admin_client):
    series = EventSeriesFactory()
    EventFactory(series=series)
    assert admin_client.get(reverse("admin:events_eventseries_changelist")).status_code == 200
    assert admin_client.get(
        reverse("admin:events_eventseries_change", args=[series.pk])).status_code == 200


def test_change_page_has_programme_inline_and_autocompletes(admin_client):
    parent = EventFactory()
    EventFactory(parent=parent, title_en="Opening talk", start_date=parent.start_date,
                 end_date=parent.start_date)
    response = admin_client.get(reverse("admin:events_event_change", args=[parent.pk]))
    assert response.status_code == 200
    assert "Opening talk" in response.text
    for field in ("venue", "city", "series", "parent", "organisers", "partnerships"):
        assert f'name="{field}"' in response.text
    assert "admin-autocomplete" in response.text


def test_admin_form_error_says_what_to_fix(admin_client):
    parent = EventFactory(start_date=D(2026, 9, 4), end_date=D(2026, 11, 2))
    data = {
        "title_ko": "행사", "title_en": "Talk", "slug": "talk", "kind": "workshop",
        "parent": parent.pk, "all_day": "on", "start_date": "2026-11-01",
        "end_date": "2026-11-05", "attendance": "on_site", "event_status": "scheduled",
        "status": "draft", "programme-TOTAL_FORMS": "0", "programme-INITIAL_FORMS": "0",
    }
    response = admin_client.post(reverse("admin:events_event_add"), data)
    assert response.status_code == 200
    assert "within the dates" in response.text
    assert not Event.objects.filter(slug="talk").exists()


def test_copy_as_next_edition_action(admin_client):
    series = EventSeriesFactory(recurrence_en="every two years")
    organiser = InstitutionFactory()
    partnership = PartnershipFactory()
    event = EventFactory(title_en="Cheongju Craft Biennale 2025", title_ko="청주공예비엔날레 2025",
                         slug="cheongju-craft-biennale-2025", series=series, edition=14,
                         kind="biennale", start_date=D(2025, 9, 4), end_date=D(2025, 11, 2))
    event.organisers.set([organiser])
    event.partnerships.set([partnership])
    EventFactory(slug="cheongju-craft-biennale-2027")  # the natural slug is taken
    response = admin_client.post(reverse("admin:events_event_changelist"), {
        "action": "copy_as_next_edition", "_selected_action": [event.pk]}, follow=True)
    assert response.status_code == 200
    copy = Event.objects.get(slug="cheongju-craft-biennale-2027-2")
    assert copy.status == "draft" and copy.publish_at is None
    assert (copy.start_date, copy.end_date) == (D(2027, 9, 4), D(2027, 11, 2))
    assert copy.edition == 15
    assert copy.title_en == "Cheongju Craft Biennale 2027"
    assert copy.title_ko == "청주공예비엔날레 2027"
    assert list(copy.organisers.all()) == [organiser]
    assert list(copy.partnerships.all()) == [partnership]
    assert copy.history.count() == 1
    assert copy.history.first().history_change_reason == "copied from cheongju-craft-biennale-2025"
    assert "Draft created" in response.text


def test_copy_without_recurrence_keeps_the_dates_and_timed_copy_moves_its_times():
    ceremony = EventFactory(kind="ceremony", slug="ceremony", start_date=D(2025, 12, 2),
                            end_date=D(2025, 12, 2))
    copy = copy_as_next_edition(ceremony)
    assert copy.slug == "ceremony-copy" and copy.start_date == D(2025, 12, 2)
    tz = datetime.timezone(datetime.timedelta(hours=9))
    festival = EventFactory(series=EventSeriesFactory(recurrence_en="every year"),
                            kind="festival", slug="fest", all_day=False,
                            starts_at=datetime.datetime(2024, 2, 29, 10, tzinfo=tz),
                            ends_at=datetime.datetime(2024, 2, 29, 18, tzinfo=tz))
    copy = copy_as_next_edition(festival)
    copy.refresh_from_db()
    assert copy.start_date == D(2025, 2, 28)
    assert copy.starts_at.astimezone(tz) == datetime.datetime(2025, 2, 28, 10, tzinfo=tz)
