"""The benchmark's data builder (build_bench_data), at a tiny size so that it runs in
`make test`. The benchmark itself (tests/bench/run.py) is not part of the suite."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Q
from django.utils import timezone

from cities.models import City, Milestone, Partnership
from events.models import Event, EventSeries
from institutions.models import Discipline, Institution
from tests.factories import CityFactory, EventFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 1)
SIZE = {"cities": 6, "institutions": 30, "events": 120}


def build(**options):
    out = io.StringIO()
    call_command("build_bench_data", **{**SIZE, "seed": 3, "today": TODAY, **options},
                 stdout=out)
    return out.getvalue()


def snapshot():
    return {
        "cities": list(City.objects.values_list("slug", "name_en", "name_ko", "region")),
        "institutions": list(Institution.objects.values_list("slug", "kind", "city__slug")),
        "events": list(Event.objects.order_by("slug").values_list(
            "slug", "title_en", "start_date", "end_date", "parent__slug", "venue__slug")),
        "organisers": sorted(Event.organisers.through.objects.values_list(
            "event__slug", "institution__slug")),
    }


def test_builds_the_requested_sizes_published_in_both_languages():
    output = build()

    assert "Bench data built" in output
    assert City.objects.count() == 6
    assert Institution.objects.count() == 30
    assert Event.objects.count() == 120
    for model in (City, Institution, Event, EventSeries, Partnership, Milestone):
        rows = model.objects.all()
        assert rows.exists(), model
        assert rows.published().count() == rows.count(), model
    for model, field in [(City, "name"), (Institution, "name"), (Event, "title"),
                         (EventSeries, "name"), (Discipline, "name"), (Institution, "address"),
                         (Event, "description"), (Partnership, "title"), (Milestone, "title")]:
        assert not model.objects.filter(
            Q(**{f"{field}_ko": ""}) | Q(**{f"{field}_en": ""})).exists(), (model, field)


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
    assert not items.filter(Q(start_date__lt=F("parent__start_date"))
                            | Q(end_date__gt=F("parent__end_date"))).exists()
    # Timed events have the local dates Event.save() would have given them.
    timed = list(Event.objects.filter(all_day=False))
    assert timed
    for event in timed:
        assert event.start_date == timezone.localtime(event.starts_at).date()
        assert event.end_date == timezone.localtime(event.ends_at).date()


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data():
    build()
    first = snapshot()

    build(flush=True)
    assert snapshot() == first

    build(flush=True, seed=4)
    assert snapshot()["events"] != first["events"]


def test_existing_bench_data_is_rebuilt_only_with_flush():
    build()

    with pytest.raises(CommandError, match="--flush"):
        build()
    build(flush=True)

    assert Event.objects.count() == 120
    assert City.objects.home().count() == 1


def test_refuses_a_database_with_other_content_unless_forced():
    CityFactory(slug="cheongju", is_home=True)
    EventFactory(slug="biennale-2025")

    with pytest.raises(CommandError, match="not bench data.*--force"):
        build()
    assert Event.objects.count() == 1

    build(force=True)
    assert Event.objects.count() == 121
    # The database's own home city stays the only one.
    assert City.objects.home().get().slug == "cheongju"

    build(force=True, flush=True)
    assert Event.objects.count() == 121
    assert Event.objects.filter(slug="biennale-2025").exists()


def test_bad_sizes_are_refused():
    with pytest.raises(CommandError, match="at least"):
        build(cities=1)
    assert not City.objects.exists()
