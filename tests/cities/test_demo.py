import datetime
import re

import pytest

from cities import demo
from cities.models import City, Milestone, Partnership
from portal.blocks.fields import DatePrecision

pytestmark = pytest.mark.django_db


def load(home="cheongju"):
    demo.load(home=home, log=lambda message: None)


def snapshot():
    return {
        model.__name__: sorted(model.objects.values_list("pk", "updated_at"))
        for model in (City, Partnership, Milestone)
    } | {"history": City.history.count() + Partnership.history.count() + Milestone.history.count()}


def test_demo_loads_the_network_partnerships_and_journey():
    load()
    assert City.objects.published().count() == 60
    home = City.objects.published().home().get()
    assert home.slug == "cheongju"
    assert (home.name_ko, home.designation_year, home.population) == ("청주", 2025, 880_000)
    assert home.summary_en and home.summary_ko and home.description_ko
    assert City.objects.get(slug="limoges").name_ko == "리모주"
    lyon = City.objects.get(slug="lyon")
    assert (lyon.creative_field, lyon.previous_field, lyon.field_changed_year) == (
        "literature",
        "media_arts",
        2023,
    )

    journey = list(home.milestones.published().values_list("date", "date_precision"))
    assert journey == [
        (datetime.date(2018, 1, 1), DatePrecision.YEAR),
        (datetime.date(2023, 1, 1), DatePrecision.YEAR),
        (datetime.date(2024, 1, 1), DatePrecision.YEAR),
        (datetime.date(2024, 3, 1), DatePrecision.MONTH),
        (datetime.date(2025, 10, 31), DatePrecision.DAY),
        (datetime.date(2025, 12, 2), DatePrecision.DAY),
        (datetime.date(2026, 2, 1), DatePrecision.MONTH),
    ]
    ceremony = home.milestones.get(date=datetime.date(2025, 12, 2))
    assert "proclaimed" in ceremony.text_en and "선포했습니다" in ceremony.text_ko
    assert Partnership.objects.published().count() == 5
    santa_fe = Partnership.objects.get(partner__slug="santa-fe")
    assert (santa_fe.city.slug, santa_fe.kind, santa_fe.start_date, santa_fe.start_precision) == (
        "icheon",
        "sister_city",
        datetime.date(2013, 11, 1),
        DatePrecision.MONTH,
    )
    visit = Partnership.objects.get(partner__slug="kanazawa")
    assert (visit.start_date, visit.end_date, visit.start_precision) == (
        datetime.date(2016, 12, 21),
        datetime.date(2016, 12, 23),
        DatePrecision.DAY,
    )
    assert all(p.title_ko for p in Partnership.objects.all())
    # Partnerships without notes say what the network list knows of the partner.
    assert "both UNESCO Creative Cities" in santa_fe.description_en and santa_fe.description_ko


# Hangul syllables and jamo: a Korean name has at least one.
HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")


def test_every_network_city_has_its_korean_name():
    load()
    names = dict(City.objects.values_list("name_en", "name_ko"))
    assert len(names) == 60
    missing = {english: korean for english, korean in names.items() if not HANGUL.search(korean)}
    assert missing == {}
    assert (names["Santa Fe"], names["Bologna"], names["Caldas da Rainha"]) == (
        "산타페",
        "볼로냐",
        "칼다스다하이냐",
    )


def test_running_twice_changes_nothing():
    load()
    before = snapshot()
    load()
    assert snapshot() == before


def test_home_icheon_moves_the_flag_and_uses_icheons_facts():
    load()
    load(home="icheon")
    home = City.objects.home().get()
    assert home.slug == "icheon"
    assert City.objects.filter(is_home=True).count() == 1
    designation, santa_fe, limoges = home.milestones.published()
    assert (designation.date.year, designation.date_precision) == (2010, DatePrecision.YEAR)
    assert "first in Korea" in designation.title_en
    # Its sister-city agreements are steps of its journey, dated as the partnerships are.
    for milestone, partner in ((santa_fe, "santa-fe"), (limoges, "limoges")):
        partnership = Partnership.objects.get(city=home, partner__slug=partner)
        assert (milestone.date, milestone.date_precision) == (
            partnership.start_date,
            partnership.start_precision,
        )
        assert milestone.title_ko and milestone.text_ko
    before = snapshot()
    load(home="icheon")
    assert snapshot() == before


def test_unknown_home_city_lists_the_valid_slugs_and_writes_nothing():
    with pytest.raises(demo.UnknownHomeCity) as error:
        load(home="atlantis")
    assert "atlantis" in str(error.value)
    assert "cheongju" in str(error.value) and "icheon" in str(error.value)
    assert City.objects.count() == 0


def test_every_demo_city_has_its_centre_for_the_maps():
    load()
    assert not City.objects.filter(latitude=None).exists()
    cheongju = City.objects.get(slug="cheongju")
    assert (round(float(cheongju.latitude), 1), round(float(cheongju.longitude), 1)) == (
        36.6,
        127.5,
    )
    quito = City.objects.get(slug="quito")
    assert float(quito.latitude) < 0 and float(quito.longitude) < 0
