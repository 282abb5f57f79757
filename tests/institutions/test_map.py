"""The directory's map data (/<lang>/institutions/map.geojson): every match of the
list's filters that a map can place, published only, small, in constant queries; and
the directory's words about what the map leaves out."""

import gzip
import json
import random

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from institutions.models import Institution, InstitutionKind
from portal.blocks.publishing import PublicationStatus
from tests.factories import CityFactory, DisciplineFactory, InstitutionFactory

pytestmark = pytest.mark.django_db


def url(name="institutions:map", lang="en"):
    with translation.override(lang):
        return reverse(name)


def geojson(client, lang="en", **params):
    response = client.get(url(lang=lang), params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/geo+json"
    data = json.loads(response.content)
    assert data["type"] == "FeatureCollection"
    return data


def names(data):
    return sorted(feature["properties"]["n"] for feature in data["features"])


@pytest.fixture
def directory():
    icheon = CityFactory(slug="icheon", name_en="Icheon", name_ko="이천")
    cheongju = CityFactory(slug="cheongju", name_en="Cheongju", name_ko="청주")
    secret = CityFactory(slug="secret", name_en="Secret City", status="draft")
    ceramics = DisciplineFactory(slug="ceramics", name_en="Ceramics", name_ko="도자공예")
    foundation = InstitutionFactory(
        slug="korea-ceramic-foundation",
        name_en="Korea Ceramic Foundation",
        name_ko="한국도자재단",
        kind=InstitutionKind.FOUNDATION,
        city=icheon,
        latitude="37.2712345678",
        longitude="127.441231",
    )
    foundation.disciplines.add(ceramics)
    InstitutionFactory(
        slug="korea-ceramic-art-high-school",
        name_en="Korea Ceramic Art High School",
        name_ko="한국도예고등학교",
        kind=InstitutionKind.SCHOOL,
        city=icheon,
    )
    InstitutionFactory(
        slug="culture-factory",
        name_en="",
        name_ko="문화제조창",
        kind=InstitutionKind.MUSEUM,
        city=cheongju,
        latitude="36.650",
        longitude="127.488",
    )
    InstitutionFactory(
        slug="draft-studio",
        name_en="Draft Studio",
        city=icheon,
        status="draft",
        latitude="37.1",
        longitude="127.1",
    )
    InstitutionFactory(
        slug="scheduled-studio",
        name_en="Scheduled Studio",
        city=icheon,
        publish_at=timezone.now() + timezone.timedelta(days=1),
        latitude="37.1",
        longitude="127.1",
    )
    InstitutionFactory(
        slug="studio-in-a-draft-city",
        name_en="Studio in a draft city",
        city=secret,
        latitude="35.1",
        longitude="129.1",
    )
    return {"icheon": icheon, "ceramics": ceramics}


def test_every_published_institution_with_a_location_in_a_public_city(client, directory):
    data = geojson(client)
    assert names(data) == ["Korea Ceramic Foundation", "문화제조창"]
    foundation = next(f for f in data["features"] if f["properties"]["n"].startswith("Korea"))
    assert foundation == {
        "type": "Feature",
        # Longitude first, rounded to five decimals (about a metre).
        "geometry": {"type": "Point", "coordinates": [127.44123, 37.27123]},
        "properties": {
            "n": "Korea Ceramic Foundation",
            "u": "/en/institutions/korea-ceramic-foundation/",
        },
    }


def test_names_and_links_in_the_page_language(client, directory):
    data = geojson(client, lang="ko")
    assert names(data) == ["문화제조창", "한국도자재단"]
    assert {f["properties"]["u"] for f in data["features"]} == {
        "/ko/institutions/korea-ceramic-foundation/",
        "/ko/institutions/culture-factory/",
    }
    # UTF-8, not escaped: Hangul is three bytes, not twelve.
    response = client.get(url(lang="ko"))
    assert "한국도자재단".encode() in response.content


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "museum"}, ["문화제조창"]),
        ({"discipline": "ceramics"}, ["Korea Ceramic Foundation"]),
        ({"city": "cheongju"}, ["문화제조창"]),
        ({"city": "Icheon"}, ["Korea Ceramic Foundation"]),
        ({"q": "ceramic"}, ["Korea Ceramic Foundation"]),
        ({"kind": "school"}, []),  # a match without a location is not on the map
        ({"page": "7", "utm_source": "x"}, ["Korea Ceramic Foundation", "문화제조창"]),
    ],
)
def test_the_list_filters_apply(client, directory, params, expected):
    assert names(geojson(client, **params)) == expected


@pytest.mark.parametrize(
    "params",
    [
        {"kind": "castle"},
        {"discipline": "nope"},
        {"city": "Atlantis"},
        {"city": "secret"},  # a draft city is unknown to the public
        {"city": "<script>"},
        {"q": "x" * 101},
        {"city": "\x00"},
    ],
)
def test_bad_filters_are_a_400_with_the_errors(client, directory, params):
    response = client.get(url(), params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/geo+json"
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["features"] == []
    assert set(data["errors"]) <= {"kind", "discipline", "city", "q"}
    assert data["errors"]


def test_the_directory_says_how_many_matches_are_not_on_the_map(client, directory):
    with translation.override("en"):
        list_url = reverse("institutions:list")
    text = client.get(list_url).text
    # Four public institutions; two are not on the map: the school, without a location,
    # and the studio in a draft city (listed, its city unnamed).
    public = Institution.objects.published().count()
    assert public == 4
    assert "2 of 4 institutions have no location and are not on the map." in text
    assert 'aria-label="Map of the 2 institutions found that have a location"' in text
    assert 'href="#institution-list"' in text and 'id="institution-list"' in text
    text = client.get(list_url, {"kind": "school"}).text
    assert "The institution found has no location, so there is no map." in text
    assert "data-map-button" not in text  # nothing to draw
    text = client.get(list_url, {"kind": "foundation"}).text
    assert "no location" not in text
    assert "data-map-button" in text
    with translation.override("ko"):
        text = client.get(reverse("institutions:list")).text
    assert "기관 4곳 중 2곳은 위치 정보가 없어 지도에 표시되지 않습니다." in text


def test_the_near_me_help_says_the_location_stays_in_the_browser(client, directory):
    with translation.override("ko"):
        text = client.get(reverse("institutions:list")).text
    assert "data-near-me" in text
    assert "위치는 이 사이트로 전송되지 않습니다" in text


def _grow(count, city, discipline):
    made = InstitutionFactory.create_batch(count, city=city, latitude="37.28", longitude="127.44")
    Institution.disciplines.through.objects.bulk_create(
        Institution.disciplines.through(institution=i, discipline=discipline) for i in made
    )


def _queries(client, path):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured), len(json.loads(response.content)["features"])


@pytest.mark.parametrize(
    "query", ["", "?discipline=ceramics&q=Institution&city=icheon&kind=studio"]
)
def test_queries_do_not_grow_with_the_directory(client, directory, query):
    path = url() + query
    client.get(path)  # the site's regions are not in a GeoJSON answer, but warm anyway
    _grow(5, directory["icheon"], directory["ceramics"])
    small, small_features = _queries(client, path)
    _grow(200, directory["icheon"], directory["ceramics"])
    large, large_features = _queries(client, path)
    assert large_features == small_features + 200
    assert small == large
    # The discipline choices; the city, when named; the rows.
    assert small <= 3


@pytest.mark.page_cache
@pytest.mark.django_db(transaction=True)
def test_the_geojson_is_a_cached_page_until_an_institution_changes(client, directory):
    cache.clear()
    path = url()
    assert client.get(path)["X-Page-Cache"] == "miss"
    assert client.get(path)["X-Page-Cache"] == "hit"
    with CaptureQueriesContext(connection) as captured:
        client.get(path)
    assert len(captured) == 0
    InstitutionFactory(name_en="New Studio", city=directory["icheon"], latitude=37, longitude=127)
    data = json.loads(client.get(path).content)
    assert "New Studio" in names(data)
    # The city's publication decides what the map shows.
    icheon = directory["icheon"]
    icheon.status = PublicationStatus.DRAFT
    icheon.save()
    assert names(json.loads(client.get(path).content)) == ["문화제조창"]


def test_five_thousand_institutions_stay_small(client, directory):
    """The whole directory's map data, gzipped as a proxy or CDN sends it."""
    rng = random.Random(5000)
    city = directory["icheon"]
    now = timezone.now()
    Institution.objects.bulk_create(
        Institution(
            slug=f"studio-{n}",
            name_ko=f"공방 {n}",
            name_en=f"Studio number {n}",
            kind=InstitutionKind.STUDIO,
            city=city,
            status=PublicationStatus.PUBLISHED,
            publish_at=now,
            latitude=f"{rng.uniform(33.1, 38.6):.6f}",
            longitude=f"{rng.uniform(126.1, 129.6):.6f}",
        )
        for n in range(5000)
    )
    for lang in ("ko", "en"):
        response = client.get(url(lang=lang))
        assert len(json.loads(response.content)["features"]) == 5002
        raw = len(response.content)
        zipped = len(gzip.compress(response.content, compresslevel=6))
        print(f"{lang}: {raw} bytes, {zipped} gzipped")  # noqa: T201 - the measure
        assert zipped < 150_000, zipped
