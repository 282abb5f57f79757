"""Repeating events: the rule's validation, its dates kept in step on every save, and
how lists, feeds and structured data read it."""

import datetime
import json

import icalendar
import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from events import recurrence
from events.models import Event, EventOccurrence
from events.schema import event_json_ld
from portal.blocks.revisions import Revision, approve, version_of
from tests.events.conftest import seoul
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def weekly_class(**values):
    """Every Tuesday and Thursday, 19:00–21:00, from Tuesday 3 March 2026."""
    return EventFactory.build(
        **{
            "slug": "ceramics-class",
            "kind": "workshop",
            "all_day": False,
            "start_date": None,
            "end_date": None,
            "starts_at": seoul(2026, 3, 3, 19),
            "ends_at": seoul(2026, 3, 3, 21),
            "repeat": "weekly",
            "repeat_weekdays": "TU,TH",
            "repeat_count": 6,
            **values,
        }
    )


def errors_of(event):
    with pytest.raises(ValidationError) as info:
        event.full_clean()
    return info.value.message_dict


def test_weekly_dates_and_span():
    event = weekly_class()
    event.full_clean()
    event.save()
    dates = [item.start_date for item in EventOccurrence.objects.filter(event=event)]
    assert dates == [
        D(2026, 3, 3),
        D(2026, 3, 5),
        D(2026, 3, 10),
        D(2026, 3, 12),
        D(2026, 3, 17),
        D(2026, 3, 19),
    ]
    first = EventOccurrence.objects.filter(event=event).first()
    assert (first.starts_at, first.ends_at) == (seoul(2026, 3, 3, 19), seoul(2026, 3, 3, 21))
    # Listed from its first date to its last.
    assert (event.start_date, event.end_date) == (D(2026, 3, 3), D(2026, 3, 19))


def test_monthly_until_and_interval():
    event = EventFactory(
        start_date=D(2026, 1, 10),
        end_date=D(2026, 1, 10),
        repeat="monthly",
        repeat_interval=2,
        repeat_until=D(2026, 9, 30),
    )
    dates = list(event.occurrences.values_list("start_date", flat=True))
    assert dates == [D(2026, 1, 10), D(2026, 3, 10), D(2026, 5, 10), D(2026, 7, 10), D(2026, 9, 10)]
    assert event.end_date == D(2026, 9, 10)


def test_every_save_keeps_the_dates_in_step():
    event = weekly_class()
    event.save()
    event.repeat_count = 2
    event.save()
    assert event.occurrences.count() == 2
    event.repeat, event.repeat_count, event.repeat_weekdays = "", None, ""
    event.save()
    assert event.occurrences.count() == 0
    # A row loaded from the database that stops repeating loses its dates too.
    event.repeat, event.repeat_count = "weekly", 3
    event.save()
    again = Event.objects.get(pk=event.pk)
    again.repeat, again.repeat_count = "", None
    again.save()
    assert EventOccurrence.objects.count() == 0


def test_an_approved_proposal_rewrites_the_dates(django_user_model):
    event = weekly_class(status="published")
    event.save()
    revision = Revision.objects.create(
        content_type=ContentType.objects.get_for_model(Event),
        object_id=event.pk,
        values={"repeat_count": "3"},
        base_version=version_of(event),
    )
    approve(revision, django_user_model.objects.create_user("publisher"))
    assert event.occurrences.count() == 3


def test_rebuild_command_writes_what_update_skipped():
    event = weekly_class()
    event.save()
    Event.objects.filter(pk=event.pk).update(repeat_count=2)
    call_command("rebuild_occurrences", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert event.occurrences.count() == 2


@pytest.mark.parametrize(
    ("values", "field", "words"),
    [
        ({"repeat_count": None}, "repeat_count", "either the last date"),
        ({"repeat_until": D(2026, 5, 1)}, "repeat_until", "not both"),
        ({"repeat_count": 201}, "repeat_count", "At most 200"),
        ({"repeat_count": None, "repeat_until": D(2028, 3, 4)}, "repeat_until", "2 years"),
        ({"repeat_weekdays": "MO,WE"}, "repeat_weekdays", "Tuesday"),
        ({"repeat_interval": 0}, "repeat_interval", "1 to 12"),
        ({"repeat_interval": 13}, "repeat_interval", "1 to 12"),
        ({"repeat": "monthly"}, "repeat_weekdays", "weekly event only"),
        ({"repeat": "", "repeat_weekdays": ""}, "repeat_count", "how the event repeats"),
        ({"ends_at": seoul(2026, 3, 5, 9)}, "ends_at", "a day at most"),
        # Three days a week for two years is more than 200 dates.
        (
            {"repeat_weekdays": "TU,TH,SA", "repeat_count": None, "repeat_until": D(2027, 12, 31)},
            "repeat_until",
            "more than 200",
        ),
    ],
)
def test_bad_rules_are_form_errors(values, field, words):
    errors = errors_of(weekly_class(**values))
    assert words in " ".join(errors[field]), errors


def test_monthly_on_the_31st_is_refused():
    event = EventFactory.build(
        start_date=D(2026, 1, 31), end_date=D(2026, 1, 31), repeat="monthly", repeat_count=3
    )
    assert "1st to the 28th" in " ".join(errors_of(event)["repeat"])


def test_feed_has_one_vevent_with_its_rule(client):
    event = weekly_class(status="published", repeat_count=None, repeat_until=D(2026, 6, 30))
    event.save()
    all_day = EventFactory(
        slug="market",
        start_date=D(2026, 4, 4),
        end_date=D(2026, 4, 4),
        repeat="monthly",
        repeat_count=5,
    )
    body = client.get(reverse("events:feed"), {"when": "all"}).content
    calendar = icalendar.Calendar.from_ical(body)
    vevents = {str(item["URL"]).rsplit("/", 2)[-2]: item for item in calendar.walk("VEVENT")}
    assert len(vevents) == 2
    timed = vevents["ceramics-class"]
    assert b"RRULE:FREQ=WEEKLY;BYDAY=TU,TH;UNTIL=20260630T145959Z\r\n" in body
    assert timed["RRULE"]["UNTIL"] == [
        datetime.datetime(2026, 6, 30, 14, 59, 59, tzinfo=datetime.UTC)
    ]
    assert timed["DTSTART"].dt == seoul(2026, 3, 3, 19)
    market = vevents[all_day.slug]
    assert b"RRULE:FREQ=MONTHLY;COUNT=5\r\n" in body
    assert market["DTSTART"].dt == D(2026, 4, 4)
    assert market["DTEND"].dt == D(2026, 4, 5)  # one day each time


def test_date_range_filter_reads_the_dates_of_the_rule(client):
    EventFactory(
        slug="market",
        start_date=D(2026, 4, 4),
        end_date=D(2026, 4, 4),
        repeat="monthly",
        repeat_count=5,
    )
    url = reverse("events:list")
    on_a_market_day = client.get(url, {"start": "2026-05-04", "end": "2026-05-04"})
    between = client.get(url, {"start": "2026-05-10", "end": "2026-05-20"})
    assert [event.slug for event in on_a_market_day.context["page_obj"]] == ["market"]
    assert list(between.context["page_obj"]) == []


def test_detail_page_lists_the_next_dates_and_schedule(client, rf, freeze_now):
    freeze_now(seoul(2026, 3, 11, 12))
    event = weekly_class(status="published")
    event.save()
    response = client.get(event.get_absolute_url())
    html = response.text
    assert "Next dates" in html
    assert "12 Mar 2026, 19:00–21:00" in html and "5 Mar 2026" not in html
    assert "Every week on Tuesday, Thursday, 19:00–21:00 (3–19 Mar 2026)" in html
    data = event_json_ld(event, rf.get("/"))
    assert data["startDate"] == "2026-03-12T19:00:00+09:00"
    assert data["eventSchedule"] == {
        "@type": "Schedule",
        "repeatFrequency": "P1W",
        "startDate": "2026-03-03",
        "endDate": "2026-03-19",
        "byDay": ["https://schema.org/Tuesday", "https://schema.org/Thursday"],
        "repeatCount": 6,
        "startTime": "19:00:00",
        "endTime": "21:00:00",
        "scheduleTimezone": "Asia/Seoul",
    }
    json.dumps(data)


def test_admin_saves_a_rule_and_shows_its_errors(admin_client):
    data = {
        "title_ko": "도자기 교실",
        "title_en": "Ceramics class",
        "slug": "ceramics-class",
        "kind": "workshop",
        "start_date": "2026-03-03",
        "end_date": "2026-03-03",
        "all_day": "on",
        "repeat": "weekly",
        "repeat_interval": "1",
        "repeat_weekdays": ["TU", "SA"],
        "repeat_count": "4",
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
    url = reverse("admin:events_event_add")
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    event = Event.objects.get(slug="ceramics-class")
    assert event.repeat_weekdays == "TU,SA"
    assert event.occurrences.count() == 4 and event.end_date == D(2026, 3, 14)
    response = admin_client.post(url, {**data, "slug": "other", "repeat_weekdays": ["MO"]})
    assert response.status_code == 200
    assert "The first date is a Tuesday" in response.text


def test_describe_in_korean():
    from django.utils import translation

    event = weekly_class(repeat_interval=2)
    with translation.override("ko"):
        assert recurrence.describe(event) == "2주마다 화요일, 목요일"
    assert recurrence.describe(weekly_class()) == "Every week on Tuesday, Thursday"
