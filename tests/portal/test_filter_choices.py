"""Filters whose choices are read per request (disciplines, countries) still take them
when a form field was built from the class's filters first, as the API's schema does
(drf-spectacular reads ``base_filters``): every value was refused after that."""

import pytest
from django.urls import reverse
from django.utils import translation

from cities.filters import CityFilter
from institutions.filters import InstitutionFilter
from tests.factories import CityFactory, DisciplineFactory, InstitutionFactory

pytestmark = pytest.mark.django_db


def test_choices_read_per_request_survive_a_field_built_from_the_class(client):
    city = CityFactory(country="KR")
    discipline = DisciplineFactory(slug="ceramics")
    InstitutionFactory(city=city).disciplines.add(discipline)
    for filterset, name in ((InstitutionFilter, "discipline"), (CityFilter, "country")):
        assert filterset.base_filters[name].field.choices is not None  # built, empty

    with translation.override("en"):
        institutions = client.get(reverse("institutions:list"), {"discipline": "ceramics"})
        cities = client.get(reverse("cities:list"), {"country": "KR"})
    for response in (institutions, cities):
        assert response.status_code == 200
        assert "no-store" not in response.get("Cache-Control", "")
        assert not response.context["filter"].errors
