"""Phone and homepage normalisation and the "open in a map" links, with the seed's own
odd formats."""

from decimal import Decimal
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from django.core.exceptions import ValidationError

from institutions.contact import (
    HomepageFormField,
    map_links,
    normalise_homepage,
    parse_phone,
    readable_phone,
)
from tests.factories import InstitutionFactory


@pytest.mark.parametrize(
    "written, e164, national",
    [
        # As seed 001's "Related institutions" table writes them.
        ("+82 -31-633-6382", "+82316336382", "031-633-6382"),
        ("+82 -31-638-6842", "+82316386842", "031-638-6842"),
        ("+82 -31-645-6501", "+82316456501", "031-645-6501"),
        ("+82 -31-645-1400", "+82316451400", "031-645-1400"),
        # As people write them in Korea.
        ("031-645-6501", "+82316456501", "031-645-6501"),
        ("(031) 645 6501", "+82316456501", "031-645-6501"),
        ("+82 (0)31-645-6501", "+82316456501", "031-645-6501"),
    ],
)
def test_phone_numbers_are_parsed_to_e164_and_read_in_national_format(written, e164, national):
    number = parse_phone(written)
    assert number.as_e164 == e164
    assert readable_phone(number) == national


def test_a_foreign_number_reads_in_international_format():
    assert readable_phone(parse_phone("+33 1 45 68 10 00")) == "+33 1 45 68 10 00"


@pytest.mark.parametrize("garbage", ["abc", "12", "031-645", "+82 -31-645-6501-9999-1"])
def test_a_malformed_phone_number_is_refused_with_a_message(garbage):
    with pytest.raises(ValueError, match="not a valid phone number"):
        parse_phone(garbage)


def test_empty_phone_is_none():
    assert parse_phone("") is None
    assert parse_phone(None) is None


@pytest.mark.parametrize(
    "written, stored",
    [
        ("www.kicet.re.kr/english.web", "https://www.kicet.re.kr/english.web"),
        ("www.cerawork.or.kr", "https://www.cerawork.or.kr"),
        ("  www.doyego.hs.kr  ", "https://www.doyego.hs.kr"),
        ("https://www.kocef.org", "https://www.kocef.org"),
        ("http://example.kr/", "http://example.kr/"),
        ("//example.kr/en", "https://example.kr/en"),
        ("", ""),
    ],
)
def test_homepages_become_working_links(written, stored):
    assert normalise_homepage(written) == stored


def test_the_form_field_uses_the_same_rule():
    field = HomepageFormField(required=False)
    assert field.clean("www.kicet.re.kr/english.web") == "https://www.kicet.re.kr/english.web"
    with pytest.raises(ValidationError):
        field.clean("not a web address")


@pytest.mark.django_db
def test_the_model_normalises_on_full_clean_and_stores_e164():
    institution = InstitutionFactory.build(
        homepage="www.kicet.re.kr/english.web",
        phone="+82 -31-645-6501",
        city=InstitutionFactory().city,
        slug="kicet",
    )
    institution.full_clean()
    institution.save()
    institution.refresh_from_db()
    assert institution.homepage == "https://www.kicet.re.kr/english.web"
    assert str(institution.phone) == "+82316456501"
    assert institution.phone_display == "031-645-6501"


@pytest.mark.django_db
def test_the_model_refuses_a_malformed_phone():
    institution = InstitutionFactory.build(phone="call us", city=InstitutionFactory().city)
    with pytest.raises(ValidationError) as error:
        institution.full_clean()
    assert "phone" in error.value.message_dict


def test_map_links_from_coordinates():
    links = dict(
        map_links(
            name="문화제조창",
            address="",
            latitude=Decimal("36.650000"),
            longitude=Decimal("127.488000"),
        )
    )
    osm = urlsplit(links["OpenStreetMap"])
    assert osm.netloc == "www.openstreetmap.org"
    assert parse_qs(osm.query) == {"mlat": ["36.650000"], "mlon": ["127.488000"]}
    assert osm.fragment == "map=17/36.650000/127.488000"
    assert (
        unquote(links["Kakao Map"])
        == "https://map.kakao.com/link/map/문화제조창,36.650000,127.488000"
    )
    naver = urlsplit(links["Naver Map"])
    assert naver.netloc == "map.naver.com"
    assert parse_qs(naver.query) == {
        "lat": ["36.650000"],
        "lng": ["127.488000"],
        "title": ["문화제조창"],
    }


def test_a_comma_in_the_name_cannot_shift_kakao_coordinates():
    links = dict(map_links(name="A, B", latitude=1, longitude=2))
    assert unquote(links["Kakao Map"]).endswith("/A  B,1.000000,2.000000")


def test_map_links_from_the_address_when_there_are_no_coordinates():
    address = "263, Gyungchoongdae-ro 2697, Icheon"
    links = dict(map_links(name="Korea Ceramic Foundation", address=address))
    assert parse_qs(urlsplit(links["OpenStreetMap"]).query) == {"query": [address]}
    assert unquote(links["Kakao Map"]) == f"https://map.kakao.com/link/search/{address}"
    assert unquote(links["Naver Map"]) == f"https://map.naver.com/p/search/{address}"


def test_map_links_fall_back_to_the_name_and_to_nothing():
    links = dict(map_links(name="한국도자재단"))
    assert unquote(links["Kakao Map"]) == "https://map.kakao.com/link/search/한국도자재단"
    assert map_links(name="") == []
