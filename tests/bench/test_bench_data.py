"""The benchmark's data builder (tests/bench/build_data.py), at a tiny size so that it
runs in `make test`. The benchmark itself (tests/bench/run.py) is not part of the suite."""

import datetime

import pytest
from django.db.models import Count, F, Q
from django.utils import timezone

from cities.models import City, Milestone, Partnership
from events.models import Event, EventSeries
from institutions.models import Discipline, Institution
from portal.models import News
from tests.bench.build_data import BuildError, build_bench_data
from tests.factories import CityFactory, EventFactory, NewsFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 1)
SIZE = {"cities": 6, "institutions": 30, "events": 120, "news": 10}


def build(**options):
    messages = []
    build_bench_data(**{**SIZE, "seed": 3, "today": TODAY, **options}, log=messages.append)
    return "\n".join(messages)


def snapshot():
    return {
        "cities": list(City.objects.values_list("slug", "name_en", "name_ko", "region")),
        "institutions": list(Institution.objects.values_list("slug", "kind", "city__slug")),
        "events": list(
            Event.objects.order_by("slug").values_list(
                "slug", "title_en", "start_date", "end_date", "parent__slug", "venue__slug"
            )
        ),
        "organisers": sorted(
            Event.organisers.through.objects.values_list("event__slug", "institution__slug")
        ),
        "news": list(
            News.objects.order_by("slug").values_list("slug", "title_en", "date", "summary_ko")
        ),
        "news links": sorted(
            [
                *News.cities.through.objects.values_list("news__slug", "city__slug"),
                *News.events.through.objects.values_list("news__slug", "event__slug"),
            ]
        ),
    }


def test_builds_the_requested_sizes_published_in_both_languages():
    output = build()

    assert "Bench data built" in output
    assert City.objects.count() == 6
    assert Institution.objects.count() == 30
    assert Event.objects.count() == 120
    assert News.objects.count() == 10
    for model in (City, Institution, Event, EventSeries, Partnership, Milestone, News):
        rows = model.objects.all()
        assert rows.exists(), model
        assert rows.published().count() == rows.count(), model
    for model, field in [
        (City, "name"),
        (Institution, "name"),
        (Event, "title"),
        (EventSeries, "name"),
        (Discipline, "name"),
        (Institution, "address"),
        (Event, "description"),
        (Partnership, "title"),
        (Milestone, "title"),
        (News, "title"),
        (News, "summary"),
        (News, "body"),
    ]:
        assert not model.objects.filter(
            Q(**{f"{field}_ko": ""}) | Q(**{f"{field}_en": ""})
        ).exists(), (model, field)


def test_the_data_has_the_shapes_the_pages_show():
    build()

    home = City.objects.home().get()
    assert home.partnerships.count() >= 1
    assert home.milestones.count() >= 8
    assert Institution.disciplines.through.objects.count() >= 30
    assert Event.organisers.through.objects.exists()
    assert Event.objects.filter(venue__isnull=False).exists()
    assert Event.objects.filter(venue__isnull=True).exclude(place_en="").exists()
    # Past and upcoming, around the given day.
    assert Event.objects.filter(end_date__lt=TODAY).exists()
    assert Event.objects.filter(end_date__gte=TODAY).exists()
    # Editions belong to a series and carry programme items within their own dates.
    editions = Event.objects.annotate(items=Count("programme")).filter(items__gt=0)
    assert editions.exists()
    assert not editions.filter(Q(series__isnull=True) | Q(edition__isnull=True)).exists()
    items = Event.objects.filter(parent__isnull=False)
    assert not items.filter(
        Q(start_date__lt=F("parent__start_date")) | Q(end_date__gt=F("parent__end_date"))
    ).exists()
    # Timed events have the local dates Event.save() would have given them.
    timed = list(Event.objects.filter(all_day=False))
    assert timed
    for event in timed:
        assert event.start_date == timezone.localtime(event.starts_at).date()
        assert event.end_date == timezone.localtime(event.ends_at).date()
    # News about the past, some of it linked to cities and events.
    assert not News.objects.filter(date__gt=TODAY).exists()
    assert News.cities.through.objects.exists()
    assert News.events.through.objects.exists()


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data():
    build()
    first = snapshot()

    build(flush=True)
    assert snapshot() == first

    build(flush=True, seed=4)
    assert snapshot()["events"] != first["events"]


def test_existing_bench_data_is_rebuilt_only_with_flush():
    build()

    with pytest.raises(BuildError, match="--flush"):
        build()
    build(flush=True)

    assert Event.objects.count() == 120
    assert News.objects.count() == 10
    assert City.objects.home().count() == 1


def test_refuses_a_database_with_other_content_unless_forced():
    CityFactory(slug="cheongju", is_home=True)
    EventFactory(slug="biennale-2025")
    NewsFactory(slug="opening")

    with pytest.raises(BuildError, match="not bench data.*--force"):
        build()
    assert Event.objects.count() == 1

    build(force=True)
    assert Event.objects.count() == 121
    assert News.objects.count() == 11
    # The database's own home city stays the only one.
    assert City.objects.home().get().slug == "cheongju"

    build(force=True, flush=True)
    assert Event.objects.count() == 121
    assert Event.objects.filter(slug="biennale-2025").exists()
    assert list(News.objects.exclude(slug__startswith="bench-").values_list("slug", flat=True)) == [
        "opening"
    ]


def test_bad_sizes_are_refused():
    with pytest.raises(BuildError, match="at least"):
        build(cities=1)
    assert not City.objects.exists()
