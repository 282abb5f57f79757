import datetime

import pytest

from events import demo
from events.models import Event, EventSeries
from tests.factories import CityFactory, InstitutionFactory

pytestmark = pytest.mark.django_db

D = datetime.date
DAY = D(2026, 11, 22)


def snapshot():
    return {
        e.slug: (e.updated_at, e.start_date, e.end_date, e.starts_at, e.history.count())
        for e in Event.objects.all()
    }


def load(today=DAY):
    messages = []
    demo.load(log=messages.append, today=today)
    return messages


def test_demo_loads_the_sourced_events_and_links_what_exists():
    cheongju = CityFactory(slug="cheongju", is_home=True)
    CityFactory(slug="icheon")
    factory = InstitutionFactory(slug="culture-factory", city=cheongju)
    foundation = InstitutionFactory(slug="korea-ceramic-foundation")
    load()
    assert EventSeries.objects.count() == 4
    biennale = Event.objects.get(slug="cheongju-craft-biennale-2025")
    assert (biennale.title_ko, biennale.title_en) == (
        "청주공예비엔날레 2025",
        "Cheongju Craft Biennale 2025",
    )
    assert (biennale.start_date, biennale.end_date) == (D(2025, 9, 4), D(2025, 11, 2))
    assert biennale.edition == 14 and biennale.series.slug == "cheongju-craft-biennale"
    assert biennale.venue == factory and biennale.place == "" and biennale.city == cheongju
    assert "400,000" in biennale.summary_en
    b2021 = Event.objects.get(slug="cheongju-craft-biennale-2021")
    assert b2021.start_date is None and b2021.attendance == "hybrid"
    assert "Tools of Conviviality" in b2021.summary_en
    kicb = Event.objects.get(slug="korean-international-ceramic-biennale-2019")
    assert list(kicb.organisers.all()) == [foundation] and kicb.venue is None
    assert kicb.place_en == "Icheon World Ceramic Center"
    assert kicb.summary_en == "Organised by the Korea Ceramic Foundation."
    ceremony = Event.objects.get(slug="unesco-creative-city-proclamation-ceremony-2025")
    assert ceremony.venue == factory
    assert ceremony.summary_en.startswith("Cheongju proclaimed")
    assert Event.objects.get(slug="creative-city-ordinance-enacted-2026").kind == "other"
    assert Event.objects.get(slug="uccn-annual-conference-2018").city is None
    assert Event.objects.get(slug="icheon-ceramics-festival-2017").admission_free


def test_samples_are_marked_and_dated_from_the_load_day():
    load()
    samples = Event.objects.filter(slug__startswith="sample-")
    assert samples.count() == 5
    for sample in samples:
        assert sample.title_en.startswith("[Sample]") and sample.title_ko.startswith("[예시]")
        assert "sample" in sample.description_en and "예시" in sample.description_ko
        sample.full_clean()
    assert Event.objects.published().ongoing(today=DAY).filter(slug__startswith="sample-").exists()
    assert Event.objects.published().upcoming(today=DAY).count() >= 3


def test_a_weekly_class_in_icheon_repeats_on_saturdays():
    icheon = CityFactory(slug="icheon", is_home=True)
    InstitutionFactory(slug="icheon-gallery", city=icheon, kind="museum")
    InstitutionFactory(slug="korea-ceramic-foundation", city=icheon)
    load()
    klass = Event.objects.get(slug="sample-weekly-ceramics-class")
    assert klass.venue.slug == "korea-ceramic-foundation" and klass.city.slug == "icheon"
    dates = list(klass.occurrences.values_list("start_date", flat=True))
    assert len(dates) == 12 and dates[0] == D(2026, 11, 28)
    assert {date.weekday() for date in dates} == {5}
    assert klass.end_date == dates[-1]


def test_second_run_on_the_same_day_changes_nothing():
    load()
    before = snapshot()
    messages = load()
    assert snapshot() == before
    assert "0 created, 0 updated" in messages[-1]


def test_later_day_moves_the_samples_instead_of_adding_more():
    load()
    before = snapshot()
    load(today=DAY + datetime.timedelta(days=40))
    after = snapshot()
    assert after.keys() == before.keys()
    exhibition, klass = (
        Event.objects.get(slug=s) for s in ("sample-craft-exhibition", "sample-craft-class")
    )
    assert exhibition.start_date == DAY + datetime.timedelta(days=37)
    assert exhibition.start_date <= klass.start_date <= exhibition.end_date
    assert after["cheongju-craft-biennale-2025"] == before["cheongju-craft-biennale-2025"]


def test_a_city_outside_the_network_list_becomes_the_place():
    CityFactory(slug="cheongju", is_home=True)
    load()
    braga = Event.objects.get(slug="uccn-annual-conference-2024")
    assert braga.city is None and braga.venue is None
    assert (braga.place_en, braga.place_ko) == ("Braga", "브라가")
    # A place the CSV already names that mentions the city is kept as it is.
    assert Event.objects.get(slug="korean-international-ceramic-biennale-2013").place_en == (
        "three venues (Icheon among them)"
    )
    # Once the city is in the directory, the event links to it instead.
    braga_city = CityFactory(slug="braga")
    load()
    braga.refresh_from_db()
    assert braga.city == braga_city and (braga.place_en, braga.place_ko) == ("", "")


def test_samples_use_a_venue_in_the_home_city():
    cheongju = CityFactory(slug="cheongju")
    icheon = CityFactory(slug="icheon", is_home=True)
    InstitutionFactory(slug="culture-factory", city=cheongju, kind="museum")
    InstitutionFactory(slug="a-draft-gallery", city=icheon, kind="museum", status="draft")
    InstitutionFactory(slug="a-school", city=icheon, kind="school")
    gallery = InstitutionFactory(slug="icheon-gallery", city=icheon, kind="museum")
    load()
    for sample in Event.objects.filter(slug__startswith="sample-"):
        assert (sample.venue, sample.city) == (gallery, icheon), sample.slug


def test_an_unpublished_institution_is_no_venue_and_the_place_is_written_out():
    """Another city's institutions are drafts when it is not home (institutions demo):
    its events keep their place, as text, and come back to the venue when it is
    published again."""
    cheongju = CityFactory(slug="cheongju")
    CityFactory(slug="icheon", is_home=True)
    factory = InstitutionFactory(slug="culture-factory", city=cheongju, status="draft")
    load()
    biennale = Event.objects.get(slug="cheongju-craft-biennale-2025")
    assert biennale.venue is None and biennale.city == cheongju
    assert (biennale.place_en, biennale.place_ko) == ("Culture Factory", "문화제조창")
    factory.status = "published"
    factory.save()
    load()
    biennale.refresh_from_db()
    assert biennale.venue == factory and (biennale.place_en, biennale.place_ko) == ("", "")


def test_samples_prefer_a_foundation_to_other_kinds_without_a_museum():
    icheon = CityFactory(slug="icheon", is_home=True)
    InstitutionFactory(slug="a-cooperative", city=icheon, kind="cooperative")
    foundation = InstitutionFactory(slug="korea-ceramic-foundation", city=icheon, kind="foundation")
    load()
    assert set(
        Event.objects.filter(slug__startswith="sample-").values_list("venue", flat=True)
    ) == {foundation.pk}


def test_samples_without_an_institution_in_the_home_city_have_no_venue():
    cheongju = CityFactory(slug="cheongju")
    CityFactory(slug="gimhae", is_home=True)
    InstitutionFactory(slug="culture-factory", city=cheongju)
    load()
    assert not Event.objects.filter(slug__startswith="sample-", venue__isnull=False).exists()
