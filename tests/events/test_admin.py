import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

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


def test_changelist_with_filters_and_search_has_no_n_plus_one(
    admin_client, django_assert_max_num_queries
):
    series = EventSeriesFactory()
    city = CityFactory()
    for _ in range(30):
        EventFactory(series=series, city=city, venue=InstitutionFactory(city=city))
    url = reverse("admin:events_event_changelist")
    with django_assert_max_num_queries(15):
        response = admin_client.get(url)
    assert response.status_code == 200
    with django_assert_max_num_queries(15):
        response = admin_client.get(url, {"q": "Event", "series__id__exact": series.pk})
    assert len(response.context["cl"].result_list) == 30


def test_changelist_filters_and_date_hierarchy_return_the_right_events(admin_client):
    today = timezone.localdate()
    series = EventSeriesFactory()
    cheongju, icheon = CityFactory(), CityFactory()
    EventFactory(
        slug="b2023",
        kind="biennale",
        series=series,
        city=cheongju,
        start_date=D(2023, 9, 1),
        end_date=D(2023, 10, 15),
    )
    EventFactory(
        slug="fair-2024",
        kind="fair",
        city=icheon,
        status="draft",
        start_date=D(2024, 4, 28),
        end_date=D(2024, 5, 14),
    )
    EventFactory(
        slug="now-on",
        kind="exhibition",
        city=icheon,
        start_date=today - datetime.timedelta(days=1),
        end_date=today + datetime.timedelta(days=5),
    )
    EventFactory(
        slug="next",
        kind="workshop",
        series=series,
        event_status="cancelled",
        start_date=today + datetime.timedelta(days=10),
        end_date=today + datetime.timedelta(days=10),
    )
    url = reverse("admin:events_event_changelist")

    def shown(**params):
        response = admin_client.get(url, params)
        assert response.status_code == 200
        return sorted(event.slug for event in response.context["cl"].result_list)

    assert shown() == ["b2023", "fair-2024", "next", "now-on"]
    assert shown(kind__exact="biennale") == ["b2023"]
    assert shown(series__id__exact=series.pk) == ["b2023", "next"]
    assert shown(event_status__exact="cancelled") == ["next"]
    assert shown(status__exact="draft") == ["fair-2024"]
    assert shown(city__id__exact=icheon.pk) == ["fair-2024", "now-on"]
    assert shown(when="past") == ["b2023", "fair-2024"]
    assert shown(when="ongoing") == ["now-on"]
    assert shown(when="upcoming") == ["next"]
    assert shown(when="current") == ["next", "now-on"]
    assert shown(kind__exact="fair", when="past", city__id__exact=icheon.pk) == ["fair-2024"]
    # The date hierarchy: years offered, then a year's months, each narrowing the list.
    html = admin_client.get(url).text
    assert 'href="?start_date__year=2023"' in html and 'href="?start_date__year=2024"' in html
    assert shown(start_date__year=2023) == ["b2023"]
    year_page = admin_client.get(url, {"start_date__year": 2024}).text
    assert 'href="?start_date__month=4&amp;start_date__year=2024"' in year_page
    assert shown(start_date__year=2024, start_date__month=4) == ["fair-2024"]
    assert shown(start_date__year=2024, start_date__month=5) == []


def test_series_changelist_and_change_pages(admin_client):
    series = EventSeriesFactory()
    EventFactory(series=series)
    assert admin_client.get(reverse("admin:events_eventseries_changelist")).status_code == 200
    assert (
        admin_client.get(reverse("admin:events_eventseries_change", args=[series.pk])).status_code
        == 200
    )


def test_change_page_has_programme_inline_and_autocompletes(admin_client):
    parent = EventFactory()
    EventFactory(
        parent=parent,
        title_en="Opening talk",
        start_date=parent.start_date,
        end_date=parent.start_date,
    )
    response = admin_client.get(reverse("admin:events_event_change", args=[parent.pk]))
    assert response.status_code == 200
    assert "Opening talk" in response.text
    for field in ("venue", "city", "series", "parent", "organisers", "partnerships"):
        assert f'name="{field}"' in response.text
    assert "admin-autocomplete" in response.text


def test_admin_form_error_says_what_to_fix(admin_client):
    parent = EventFactory(start_date=D(2026, 9, 4), end_date=D(2026, 11, 2))
    data = {
        "title_ko": "행사",
        "title_en": "Talk",
        "slug": "talk",
        "kind": "workshop",
        "parent": parent.pk,
        "all_day": "on",
        "start_date": "2026-11-01",
        "end_date": "2026-11-05",
        "attendance": "on_site",
        "event_status": "scheduled",
        "status": "draft",
        "programme-TOTAL_FORMS": "0",
        "programme-INITIAL_FORMS": "0",
        "gallery-TOTAL_FORMS": "0",
        "figures-TOTAL_FORMS": "0",
        "figures-INITIAL_FORMS": "0",
        "gallery-INITIAL_FORMS": "0",
    }
    response = admin_client.post(reverse("admin:events_event_add"), data)
    assert response.status_code == 200
    assert "within the dates" in response.text
    assert not Event.objects.filter(slug="talk").exists()


def add_page_data(**item):
    """The add page of a biennale (4 Sep – 2 Nov 2026 in Cheongju) with one programme
    item added inline."""
    data = {
        "title_ko": "비엔날레",
        "title_en": "Biennale",
        "slug": "biennale",
        "kind": "biennale",
        "all_day": "on",
        "start_date": "2026-09-04",
        "end_date": "2026-11-02",
        "attendance": "on_site",
        "event_status": "scheduled",
        "status": "draft",
        "programme-TOTAL_FORMS": "1",
        "programme-INITIAL_FORMS": "0",
        "gallery-TOTAL_FORMS": "0",
        "figures-TOTAL_FORMS": "0",
        "figures-INITIAL_FORMS": "0",
        "gallery-INITIAL_FORMS": "0",
        "programme-MIN_NUM_FORMS": "0",
        "programme-MAX_NUM_FORMS": "1000",
    }
    item = {
        "title_ko": "강연",
        "title_en": "Talk",
        "slug": "talk",
        "kind": "workshop",
        "all_day": "on",
        "event_status": "scheduled",
        "status": "draft",
        **item,
    }
    data.update({f"programme-0-{name}": value for name, value in item.items()})
    return data


def test_add_page_refuses_an_inline_programme_item_outside_the_new_parent(admin_client):
    # The parent is not saved yet when its inlines are validated: the check must use the
    # parent object the form built, not a parent_id that is still empty.
    data = add_page_data(start_date="2026-11-01", end_date="2026-11-05")
    response = admin_client.post(reverse("admin:events_event_add"), data)
    assert response.status_code == 200
    [formset] = [
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.prefix == "programme"
    ]
    [message] = formset.forms[0].non_field_errors()
    assert message.startswith("A programme item must lie within the dates of the event it")
    assert "(Biennale: 4 Sep – 2 Nov 2026)" in message
    # Shown on the page, not only held by a hidden field's errors.
    assert "within the dates of the event it belongs to" in response.text
    assert not Event.objects.exists()


def test_add_page_refuses_a_timed_inline_item_that_ends_after_the_parent(admin_client):
    data = add_page_data(
        **{
            "all_day": "",
            "starts_at_0": "2026-11-02",
            "starts_at_1": "23:00",
            "ends_at_0": "2026-11-03",
            "ends_at_1": "01:00",
        }
    )
    del data["programme-0-all_day"]
    response = admin_client.post(reverse("admin:events_event_add"), data)
    assert response.status_code == 200
    assert "within the dates of the event it belongs to" in response.text
    assert not Event.objects.exists()


def test_add_page_saves_a_good_inline_item_with_the_parents_city(admin_client):
    city = CityFactory()
    data = {**add_page_data(start_date="2026-09-04", end_date="2026-09-04"), "city": city.pk}
    response = admin_client.post(reverse("admin:events_event_add"), data)
    assert response.status_code == 302
    item = Event.objects.get(slug="talk")
    assert item.parent == Event.objects.get(slug="biennale")
    assert item.city == city and item.venue is None and item.place == ""


def test_change_page_shows_an_inline_items_date_error(admin_client):
    parent = EventFactory(start_date=D(2026, 9, 4), end_date=D(2026, 11, 2))
    data = add_page_data(start_date="2026-08-01", end_date="2026-09-04")
    data.update({"slug": parent.slug, "loaded_version": parent.updated_at.isoformat()})
    response = admin_client.post(reverse("admin:events_event_change", args=[parent.pk]), data)
    assert response.status_code == 200
    assert "within the dates of the event it belongs to" in response.text
    assert not Event.objects.filter(slug="talk").exists()


def test_copy_as_next_edition_action(admin_client):
    series = EventSeriesFactory(recurrence_en="every two years")
    organiser = InstitutionFactory()
    partnership = PartnershipFactory()
    event = EventFactory(
        title_en="Cheongju Craft Biennale 2025",
        title_ko="청주공예비엔날레 2025",
        slug="cheongju-craft-biennale-2025",
        series=series,
        edition=14,
        kind="biennale",
        start_date=D(2025, 9, 4),
        end_date=D(2025, 11, 2),
    )
    event.organisers.set([organiser])
    event.partnerships.set([partnership])
    EventFactory(slug="cheongju-craft-biennale-2027")  # the natural slug is taken
    response = admin_client.post(
        reverse("admin:events_event_changelist"),
        {"action": "copy_as_next_edition", "_selected_action": [event.pk]},
        follow=True,
    )
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
    ceremony = EventFactory(
        kind="ceremony", slug="ceremony", start_date=D(2025, 12, 2), end_date=D(2025, 12, 2)
    )
    copy = copy_as_next_edition(ceremony)
    assert copy.slug == "ceremony-copy" and copy.start_date == D(2025, 12, 2)
    tz = datetime.timezone(datetime.timedelta(hours=9))
    festival = EventFactory(
        series=EventSeriesFactory(recurrence_en="every year"),
        kind="festival",
        slug="fest",
        all_day=False,
        starts_at=datetime.datetime(2024, 2, 29, 10, tzinfo=tz),
        ends_at=datetime.datetime(2024, 2, 29, 18, tzinfo=tz),
    )
    copy = copy_as_next_edition(festival)
    copy.refresh_from_db()
    assert copy.start_date == D(2025, 2, 28)
    assert copy.starts_at.astimezone(tz) == datetime.datetime(2025, 2, 28, 10, tzinfo=tz)
