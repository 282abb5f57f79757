"""The directory's city filter takes the city's name (either language) or, for older
links, its slug; an unknown name is a message on the form, never a 500."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import CityFactory, InstitutionFactory
from tests.institutions.test_views import url

pytestmark = pytest.mark.django_db


@pytest.fixture
def cities():
    icheon = CityFactory(slug="icheon", name_ko="이천", name_en="Icheon")
    jinju = CityFactory(slug="jinju", name_ko="진주", name_en="Jinju")
    InstitutionFactory(name_ko="이천 공방", city=icheon)
    InstitutionFactory(name_ko="진주 공방", city=jinju)


def names(response):
    return [item.name_ko for item in response.context["page_obj"]]


@pytest.mark.parametrize("value", ["이천", "Icheon", "icheon", " ICHEON "])
def test_the_city_by_its_name_in_either_language_or_its_slug(client, cities, value):
    response = client.get(url(), {"city": value})
    assert response.status_code == 200
    assert names(response) == ["이천 공방"]


@pytest.mark.parametrize("value", ["서울", "Atlantis", "x" * 120, "<script>", "이천%00"])
def test_an_unknown_name_is_a_clear_message(client, cities, value):
    response = client.get(url(), {"city": value})
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.text
    assert response["Cache-Control"].count("no-store") == 1


def suggestions(client, lang="ko"):
    response = client.get(url("institutions:city-suggestions", lang=lang))
    assert response["Content-Type"] == "application/json"
    return response.json()


def test_suggestions_follow_the_page_language_in_its_order(client, cities):
    assert suggestions(client) == [["이천", "Icheon"], ["진주", "Jinju"]]
    assert suggestions(client, "en") == [["Icheon", "이천"], ["Jinju", "진주"]]


def test_a_city_known_only_in_english_is_suggested_by_that_name(client, cities):
    InstitutionFactory(city=CityFactory(slug="limoges", name_ko="", name_en="Limoges"))
    assert ["Limoges", ""] in suggestions(client)
    assert names(client.get(url(), {"city": "Limoges"})) == [
        item.name_ko for item in client.get(url(), {"city": "limoges"}).context["page_obj"]
    ]


def queries(client, params):
    client.get(url(), params)
    with CaptureQueriesContext(connection) as captured:
        client.get(url(), params)
    return len(captured)


def test_queries_do_not_grow_with_the_cities(client, cities):
    small = queries(client, {"city": "이천"})
    for n in range(30):
        InstitutionFactory(city=CityFactory(name_ko=f"도시{n}", name_en=f"Town {n}"))
    assert queries(client, {"city": "이천"}) == small
