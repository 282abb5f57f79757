import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from events.models import Event, EventStatus
from tests.events.conftest import seoul
from tests.factories import CityFactory, EventFactory, EventSeriesFactory, InstitutionFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def slugs(queryset):
    return [event.slug for event in queryset]


@pytest.fixture
def around_midnight(freeze_now):
    """Three events around 10 March 2026 (Seoul)."""
    freeze_now(seoul(2026, 3, 10, 12, 0))
    return {
        "ends-today": EventFactory(
            slug="ends-today", start_date=D(2026, 3, 1), end_date=D(2026, 3, 10)
        ),
        "starts-tomorrow": EventFactory(
            slug="starts-tomorrow", start_date=D(2026, 3, 11), end_date=D(2026, 3, 12)
        ),
        "ended-yesterday": EventFactory(
            slug="ended-yesterday", start_date=D(2026, 3, 1), end_date=D(2026, 3, 9)
        ),
    }


def test_one_second_before_midnight_in_seoul_todays_event_is_still_on(around_midnight, freeze_now):
    # 23:59:59 in Seoul is 14:59:59 UTC: still the 10th in both.
    freeze_now(seoul(2026, 3, 10, 23, 59, 59))
    assert slugs(Event.objects.current_and_upcoming()) == ["ends-today", "starts-tomorrow"]
    assert slugs(Event.objects.ongoing()) == ["ends-today"]
    assert slugs(Event.objects.past()) == ["ended-yesterday"]
    assert around_midnight["ends-today"].is_now_on


def test_at_midnight_in_seoul_the_day_turns_although_utc_is_still_on_the_10th(
    around_midnight, freeze_now
):
    now = freeze_now(seoul(2026, 3, 11, 0, 0))
    assert now.astimezone(datetime.UTC).date() == D(2026, 3, 10)
    assert slugs(Event.objects.current_and_upcoming()) == ["starts-tomorrow"]
    assert slugs(Event.objects.ongoing()) == ["starts-tomorrow"]
    assert slugs(Event.objects.past()) == ["ends-today", "ended-yesterday"]
    assert not around_midnight["ends-today"].is_now_on
    assert around_midnight["ends-today"].is_past


def test_started_yesterday_ends_next_month_is_now_on_and_listed_first(freeze_now):
    freeze_now(seoul(2026, 3, 10, 9, 0))
    later = EventFactory(start_date=D(2026, 3, 12), end_date=D(2026, 3, 12))
    long_running = EventFactory(start_date=D(2026, 3, 9), end_date=D(2026, 4, 10))
    assert long_running.is_now_on and not later.is_now_on
    assert list(Event.objects.current_and_upcoming()) == [long_running, later]
    assert list(Event.objects.upcoming()) == [later]


def test_queryset_methods_accept_a_fixed_today():
    event = EventFactory(start_date=D(2020, 1, 1), end_date=D(2020, 1, 3))
    assert list(Event.objects.ongoing(today=D(2020, 1, 2))) == [event]
    assert list(Event.objects.past(today=D(2020, 1, 4))) == [event]
    assert list(Event.objects.current_and_upcoming(today=D(2019, 12, 31))) == [event]
    assert list(Event.objects.now_and_next(today=D(2020, 1, 4))) == []


def test_now_and_next_leaves_out_programme_items_and_drafts():
    parent = EventFactory()
    EventFactory(parent=parent, start_date=parent.start_date, end_date=parent.start_date)
    EventFactory(status="draft")
    assert list(Event.objects.published().now_and_next()) == [parent]


def test_timed_event_dates_follow_its_times_in_seoul():
    # 23:30 UTC on the 1st is 08:30 on the 2nd in Seoul.
    event = EventFactory(
        all_day=False,
        start_date=None,
        end_date=None,
        starts_at=datetime.datetime(2026, 5, 1, 23, 30, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2026, 5, 2, 3, 0, tzinfo=datetime.UTC),
    )
    event.refresh_from_db()
    assert (event.start_date, event.end_date) == (D(2026, 5, 2), D(2026, 5, 2))


def errors_of(event):
    with pytest.raises(ValidationError) as info:
        event.full_clean()
    return info.value.message_dict


def test_end_before_start_says_what_to_fix():
    event = EventFactory.build(start_date=D(2026, 5, 3), end_date=D(2026, 5, 1))
    assert "last day of the event" in errors_of(event)["end_date"][0]


def test_timed_event_needs_both_times_and_an_end_after_its_start():
    event = EventFactory.build(all_day=False, start_date=None, end_date=None)
    errors = errors_of(event)
    assert "start time" in errors["starts_at"][0]
    assert "end time" in errors["ends_at"][0]
    event = EventFactory.build(
        all_day=False, starts_at=seoul(2026, 5, 1, 14), ends_at=seoul(2026, 5, 1, 13)
    )
    assert errors_of(event)["ends_at"] == ["The end cannot be before the start."]


def test_all_day_event_with_times_is_refused():
    event = EventFactory.build(starts_at=seoul(2026, 5, 1, 14), ends_at=seoul(2026, 5, 1, 16))
    assert "clear the start and end times" in errors_of(event)["all_day"][0]


def test_start_may_be_empty_only_for_a_past_event():
    EventFactory.build(start_date=None, end_date=D(2021, 10, 17)).full_clean()
    event = EventFactory.build(
        start_date=None, end_date=timezone.localdate() + datetime.timedelta(days=3)
    )
    assert "Only a past event" in errors_of(event)["start_date"][0]


def test_programme_item_must_lie_within_its_parent():
    parent = EventFactory(start_date=D(2026, 9, 4), end_date=D(2026, 11, 2))
    EventFactory.build(
        parent=parent, start_date=D(2026, 9, 4), end_date=D(2026, 11, 2)
    ).full_clean()
    for start, end in [(D(2026, 9, 3), D(2026, 9, 5)), (D(2026, 11, 1), D(2026, 11, 3))]:
        item = EventFactory.build(parent=parent, start_date=start, end_date=end)
        message = errors_of(item)["parent"][0]
        assert "within the dates" in message and str(parent) in message
    timed = EventFactory.build(
        parent=parent,
        all_day=False,
        start_date=None,
        end_date=None,
        starts_at=seoul(2026, 11, 2, 23),
        ends_at=seoul(2026, 11, 3, 1),
    )
    assert "within the dates" in errors_of(timed)["parent"][0]


def test_parent_cannot_shrink_past_its_programme_or_contain_itself():
    parent = EventFactory(start_date=D(2026, 9, 4), end_date=D(2026, 11, 2))
    EventFactory(
        parent=parent, title_en="Opening talk", start_date=D(2026, 9, 4), end_date=D(2026, 9, 4)
    )
    parent.start_date = D(2026, 9, 5)
    assert "Opening talk" in errors_of(parent)["__all__"][0]
    parent.start_date = D(2026, 9, 4)
    parent.parent = parent
    assert "part of itself" in errors_of(parent)["parent"][0]


def test_reserved_slug_is_refused():
    assert "slug" in errors_of(EventFactory.build(slug="ics"))


def test_database_refuses_an_end_before_the_start():
    with pytest.raises(IntegrityError), transaction.atomic():
        EventFactory(start_date=D(2026, 5, 3), end_date=D(2026, 5, 1))


def test_next_edition_years_from_recurrence_or_kind():
    biennial = EventSeriesFactory(recurrence_en="every two years")
    annual = EventSeriesFactory(recurrence_en="", recurrence_ko="매년")
    assert EventFactory.build(series=biennial, kind="exhibition").next_edition_years() == 2
    assert EventFactory.build(series=annual, kind="festival").next_edition_years() == 1
    assert EventFactory.build(kind="biennale").next_edition_years() == 2
    assert EventFactory.build(kind="ceremony").next_edition_years() == 0


def test_cancelled_events_stay_published_and_listed():
    event = EventFactory(event_status=EventStatus.CANCELLED)
    assert list(Event.objects.published().current_and_upcoming()) == [event]


def test_timed_event_is_now_on_only_between_its_times_in_seoul(freeze_now):
    # 19:00–21:00 on 10 March in Seoul is 10:00–12:00 UTC.
    concert = EventFactory(
        all_day=False, starts_at=seoul(2026, 3, 10, 19), ends_at=seoul(2026, 3, 10, 21)
    )
    for moment, on in [
        (seoul(2026, 3, 10, 9), False),  # the same day, hours before
        (seoul(2026, 3, 10, 18, 59, 59), False),
        (seoul(2026, 3, 10, 19), True),
        (seoul(2026, 3, 10, 20, 59, 59), True),
        (seoul(2026, 3, 10, 21), False),  # the end is exclusive, as in iCalendar
    ]:
        freeze_now(moment)
        assert concert.is_now_on is on, moment
    # Still listed with today's events all day: the lists go by date.
    freeze_now(seoul(2026, 3, 10, 9))
    assert list(Event.objects.current_and_upcoming()) == [concert]


def test_timed_event_over_midnight_in_seoul_is_on_while_utc_is_still_the_day_before(freeze_now):
    party = EventFactory(
        all_day=False, starts_at=seoul(2026, 3, 10, 22), ends_at=seoul(2026, 3, 11, 1)
    )
    now = freeze_now(seoul(2026, 3, 11, 0, 30))
    assert now.astimezone(datetime.UTC).date() == D(2026, 3, 10)
    assert party.is_now_on
    freeze_now(seoul(2026, 3, 11, 1, 0, 1))
    assert not party.is_now_on


def test_all_day_event_stays_now_on_by_date(freeze_now):
    event = EventFactory(start_date=D(2026, 3, 10), end_date=D(2026, 3, 10))
    freeze_now(seoul(2026, 3, 10, 0, 0))
    assert event.is_now_on
    freeze_now(seoul(2026, 3, 10, 23, 59, 59))
    assert event.is_now_on


def test_programme_item_without_a_city_takes_its_parents_city():
    cheongju, icheon = CityFactory(), CityFactory()
    parent = EventFactory(city=cheongju, place_en="Culture Factory", venue=InstitutionFactory())
    item = EventFactory(
        parent=parent, city=None, start_date=parent.start_date, end_date=parent.start_date
    )
    item.refresh_from_db()
    # Only the city: the parent's venue and place are not copied.
    assert item.city == cheongju and item.venue is None and item.place == ""
    elsewhere = EventFactory(
        parent=parent, city=icheon, start_date=parent.start_date, end_date=parent.start_date
    )
    elsewhere.refresh_from_db()
    assert elsewhere.city == icheon
    assert EventFactory(city=None).city is None


def test_a_loop_of_parents_is_refused_however_long():
    a = EventFactory(slug="a", start_date=D(2026, 9, 1), end_date=D(2026, 9, 30))
    b = EventFactory(slug="b", parent=a, start_date=D(2026, 9, 1), end_date=D(2026, 9, 30))
    c = EventFactory(slug="c", parent=b, start_date=D(2026, 9, 1), end_date=D(2026, 9, 30))
    a.parent = c  # a in c in b in a
    assert "part of itself" in errors_of(a)["parent"][0]
    a.parent = b  # one level, as before
    assert "part of itself" in errors_of(a)["parent"][0]
    # Nesting without a loop stays allowed: a talk in an exhibition in a biennale.
    EventFactory.build(parent=c, start_date=D(2026, 9, 2), end_date=D(2026, 9, 2)).full_clean()


def test_loop_check_ends_at_a_loop_already_in_the_database():
    a = EventFactory(slug="a", start_date=D(2026, 9, 1), end_date=D(2026, 9, 30))
    b = EventFactory(slug="b", parent=a, start_date=D(2026, 9, 1), end_date=D(2026, 9, 30))
    Event.objects.filter(pk=a.pk).update(parent=b)  # .update() skips validation
    item = EventFactory.build(parent=b, start_date=D(2026, 9, 2), end_date=D(2026, 9, 2))
    assert "part of itself" in errors_of(item)["parent"][0]
