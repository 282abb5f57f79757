"""The network's world map (/<lang>/cities/map.geojson) and a profile's small map."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from cities.models import CreativeField, Region
from cities.presentation import FIELD_SYMBOLS
from tests.factories import CityFactory

pytestmark = pytest.mark.django_db


def url(name="cities:map", lang="en", **kwargs):
    with translation.override(lang):
        return reverse(name, kwargs=kwargs or None)


def features(client, lang="en", **params):
    response = client.get(url(lang=lang), params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/geo+json"
    return json.loads(response.content)["features"]


def names(found):
    return sorted(feature["properties"]["n"] for feature in found)


@pytest.fixture
def network():
    CityFactory(
        slug="cheongju",
        name_en="Cheongju",
        name_ko="청주",
        latitude="36.6424",
        longitude="127.489",
        designation_year=2025,
    )
    CityFactory(
        slug="edinburgh",
        name_en="Edinburgh",
        name_ko="",
        country="GB",
        region=Region.EUROPE_NORTH_AMERICA,
        creative_field=CreativeField.LITERATURE,
        latitude="55.9533",
        longitude="-3.1883",
        designation_year=2004,
    )
    CityFactory(slug="nowhere", name_en="Nowhere", creative_field=CreativeField.MUSIC)
    CityFactory(slug="draft", name_en="Draft City", status="draft", latitude="1", longitude="1")


def test_every_published_city_with_a_location(client, network):
    found = features(client, lang="ko")
    assert names(found) == ["Edinburgh", "청주"]  # no Korean name: the English one
    edinburgh = next(f for f in found if f["properties"]["n"] == "Edinburgh")
    assert edinburgh == {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [-3.1883, 55.9533]},
        "properties": {"n": "Edinburgh", "u": "/ko/cities/edinburgh/", "f": "literature"},
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"field": "literature"}, ["Edinburgh"]),
        ({"region": "asia_pacific"}, ["Cheongju"]),
        ({"country": "GB"}, ["Edinburgh"]),
        ({"year": "2025"}, ["Cheongju"]),
        ({"q": "청주"}, ["Cheongju"]),
        ({"field": "music"}, []),
    ],
)
def test_the_directory_filters_apply(client, network, params, expected):
    assert names(features(client, **params)) == expected


@pytest.mark.parametrize(
    "params",
    [{"field": "poetry"}, {"year": "1999"}, {"year": "soon"}, {"country": "XX"}, {"q": "x" * 101}],
)
def test_bad_filters_are_a_400_with_the_errors(client, network, params):
    response = client.get(url(), params)
    assert response.status_code == 400
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["features"] == [] and data["errors"]


def test_queries_do_not_grow(client, network):
    path = url() + "?region=asia_pacific"

    def count():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        return len(captured), len(json.loads(response.content)["features"])

    small, shown = count()
    CityFactory.create_batch(60, latitude="35", longitude="128")
    large, shown_large = count()
    assert (large, shown_large) == (small, shown + 60)
    assert small <= 2  # the country choices; the rows


def test_the_directory_has_the_map_its_legend_and_what_it_leaves_out(client, network):
    text = client.get(url("cities:list")).text
    assert 'data-geojson="/en/cities/map.geojson?"' in text
    assert "1 of 3 cities has no location and is not on the map." in text
    assert 'aria-label="World map of the 2 cities found"' in text
    # The legend names each field on the map beside its symbol (a shape, not only a colour).
    assert '<li data-field="crafts">' in text and '<li data-field="literature">' in text
    assert '<li data-field="music">' not in text  # Nowhere is not on the map
    assert FIELD_SYMBOLS["literature"][1] in text
    text = client.get(url("cities:list"), {"field": "literature", "page": "1"}).text
    assert 'data-geojson="/en/cities/map.geojson?field=literature"' in text
    assert "no location" not in text
    assert '<li data-field="crafts">' not in text
    text = client.get(url("cities:list", lang="ko")).text
    assert "도시 3곳 중 1곳은 위치 정보가 없어 지도에 표시되지 않습니다." in text


def test_every_field_has_its_own_shape_and_colour():
    assert set(FIELD_SYMBOLS) == set(CreativeField.values)
    assert len({colour for colour, _path in FIELD_SYMBOLS.values()}) == len(FIELD_SYMBOLS)
    assert len({path for _colour, path in FIELD_SYMBOLS.values()}) == len(FIELD_SYMBOLS)


def test_a_profile_with_coordinates_has_a_small_map(client, network):
    response = client.get(url("cities:detail", slug="cheongju"))
    assert response.context["map_points"] == [
        {"name": "Cheongju", "url": "/en/cities/cheongju/", "lat": 36.6424, "lng": 127.489}
    ]
    assert 'aria-label="Map of Cheongju"' in response.text and "js/maps." in response.text
    response = client.get(url("cities:detail", slug="nowhere"))
    assert response.context["map_points"] == []
    assert "data-map" not in response.text and "js/maps." not in response.text
