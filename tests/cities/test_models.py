import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from cities.models import City, CreativeField, Partnership
from portal.blocks.fields import DatePrecision
from tests.factories import CityFactory, MilestoneFactory, PartnershipFactory

pytestmark = pytest.mark.django_db


def test_database_allows_only_one_home_city():
    CityFactory(is_home=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        CityFactory(is_home=True)


def test_clean_names_the_current_home_city():
    CityFactory(is_home=True, name_en="Cheongju")
    second = CityFactory.build(is_home=True)
    with pytest.raises(ValidationError) as error, translation.override("en"):
        second.full_clean()
    assert list(error.value.message_dict) == ["is_home"]
    assert "Cheongju is already the home city" in error.value.message_dict["is_home"][0]


def test_the_home_city_itself_validates():
    home = CityFactory(is_home=True)
    home.full_clean()


def test_make_home_moves_the_flag_and_records_history():
    old = CityFactory(is_home=True)
    new = CityFactory()
    new.make_home()
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.is_home, new.is_home) == (False, True)
    assert City.objects.home().get() == new
    assert old.history.first().history_change_reason == "home city moved"
    history_before = City.history.count()
    new.make_home()  # already the home city: nothing is written
    assert City.history.count() == history_before


def test_previous_field_must_differ_and_coordinates_come_in_pairs():
    city = CityFactory.build(
        creative_field=CreativeField.LITERATURE, previous_field=CreativeField.LITERATURE
    )
    with pytest.raises(ValidationError) as error:
        city.full_clean()
    assert "previous_field" in error.value.message_dict
    city = CityFactory.build(latitude=36.6, longitude=None)
    with pytest.raises(ValidationError):
        city.full_clean()


def test_partnership_cannot_end_before_it_starts():
    partnership = PartnershipFactory.build(
        city=CityFactory(),
        partner=CityFactory(),
        start_date=datetime.date(2020, 5, 1),
        end_date=datetime.date(2020, 4, 30),
    )
    with pytest.raises(ValidationError) as error:
        partnership.full_clean()
    assert list(error.value.message_dict) == ["end_date"]
    with pytest.raises(IntegrityError), transaction.atomic():
        partnership.save()


def test_a_city_cannot_partner_with_itself():
    city = CityFactory()
    partnership = PartnershipFactory.build(city=city, partner=city)
    with pytest.raises(ValidationError) as error:
        partnership.full_clean()
    assert list(error.value.message_dict) == ["partner"]
    with pytest.raises(IntegrityError), transaction.atomic():
        partnership.save()


def test_partnership_with_open_end_or_unknown_start_is_valid():
    PartnershipFactory.build(city=CityFactory(), partner=CityFactory(), end_date=None).full_clean()
    PartnershipFactory.build(
        city=CityFactory(),
        partner=CityFactory(),
        start_date=None,
        end_date=datetime.date(2020, 1, 1),
    ).full_clean()


def test_involving_finds_both_directions_and_hides_draft_cities():
    home = CityFactory()
    outgoing = PartnershipFactory(city=home)
    incoming = PartnershipFactory(partner=home)
    PartnershipFactory(city=home, partner=CityFactory(status="draft"))
    PartnershipFactory(city=home, status="draft")
    found = set(Partnership.objects.published().involving(home))
    assert found == {outgoing, incoming}
    assert outgoing.other_city(home) == outgoing.partner
    assert incoming.other_city(home) == incoming.city


def test_home_query_reads_the_home_city_and_its_public_partners_once_each():
    home = CityFactory(is_home=True)
    outgoing = PartnershipFactory(city=home).partner
    incoming = PartnershipFactory(partner=home).city
    PartnershipFactory(city=home, partner=outgoing, kind="mou")  # a second tie
    PartnershipFactory(city=home, partner=CityFactory(status="draft"))
    PartnershipFactory(city=home, status="draft")
    PartnershipFactory(city=home, publish_at=timezone.now() + datetime.timedelta(days=1))
    PartnershipFactory()  # between two other cities (peers of the home city: not read)
    cities = list(City.objects.published().home_with_partners_or_peers())
    assert sorted(city.pk for city in cities) == sorted([home.pk, outgoing.pk, incoming.pk])
    assert [city.is_partner for city in cities if city.is_home] == [False]
    assert all(city.is_partner for city in cities if not city.is_home)
    # A home city not (or not yet) public shows no partners either.
    home.status = "draft"
    home.save()
    assert list(City.objects.published().home_with_partners_or_peers()) == []


def test_home_query_reads_the_peers_of_a_home_city_without_partners():
    home = CityFactory(is_home=True, country="KR", creative_field=CreativeField.CRAFTS_AND_FOLK_ART)
    peer = CityFactory(country="KR", creative_field=CreativeField.CRAFTS_AND_FOLK_ART)
    CityFactory(country="KR", creative_field=CreativeField.DESIGN)
    CityFactory(country="JP", creative_field=CreativeField.CRAFTS_AND_FOLK_ART)
    CityFactory(country="KR", creative_field=CreativeField.CRAFTS_AND_FOLK_ART, status="draft")
    # Partnerships that do not show (a draft, a draft partner) leave it without partners.
    PartnershipFactory(city=home, partner=CityFactory(country="FR"), status="draft")
    PartnershipFactory(city=home, partner=CityFactory(country="FR", status="draft"))
    cities = list(City.objects.published().home_with_partners_or_peers())
    assert sorted(city.pk for city in cities) == sorted([home.pk, peer.pk])
    assert not any(city.is_partner for city in cities)
    assert list(City.objects.published().peers_of(home)) == [peer]


def test_partial_dates_for_time_elements():
    milestone = MilestoneFactory(date=datetime.date(2024, 3, 1), date_precision=DatePrecision.MONTH)
    assert milestone.date_iso == "2024-03"
    milestone.date_precision = DatePrecision.YEAR
    assert milestone.date_iso == "2024"
    milestone.date_precision = DatePrecision.DAY
    assert milestone.date_iso == "2024-03-01"


def test_by_name_sorts_in_the_page_language_with_fallback():
    CityFactory(slug="seoul", name_en="Seoul", name_ko="서울")
    CityFactory(slug="busan", name_en="Busan", name_ko="부산")
    CityFactory(slug="aswan", name_en="Aswan", name_ko="")
    CityFactory(slug="bologna", name_en="bologna", name_ko=None)
    korean = list(City.objects.by_name("ko").values_list("slug", flat=True))
    english = list(City.objects.by_name("en").values_list("slug", flat=True))
    # Korean: the cities with Korean names in 가나다 order, then the rest A to Z.
    assert korean == ["busan", "seoul", "aswan", "bologna"]
    # English: case-insensitive.
    assert english == ["aswan", "bologna", "busan", "seoul"]


# One letter matches the start of a word (portal.blocks.text_search): 청, not 주.
@pytest.mark.parametrize("text", ["청주", "CHEONG", "cheong", "청"])
def test_search_in_either_language(text):
    CityFactory(slug="cheongju", name_en="Cheongju", name_ko="청주")
    CityFactory(slug="lyon", name_en="Lyon", name_ko="리옹")
    assert [c.slug for c in City.objects.search(text)] == ["cheongju"]
