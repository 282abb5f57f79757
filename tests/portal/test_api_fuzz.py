"""Garbage in the API's query strings (as tests/portal/test_fuzz_filters.py sends to the
pages): never a 5xx; a 200 list, a 400 naming the parameters at fault, or a 404 for a
page number that is none or past the last; always JSON."""

import json

import pytest
from django.http import QueryDict
from hypothesis import event, given
from hypothesis import strategies as st

from portal.blocks.caching.pages import policy_of
from portal.urls import urlpatterns
from tests.portal.fuzzing import fuzz_settings
from tests.portal.test_fuzz_filters import plausible_values, queries
from tests.portal.test_fuzz_filters import site as site  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db

LISTS = [
    "/api/v1/cities/",
    "/api/v1/partnerships/",
    "/api/v1/institutions/",
    "/api/v1/events/",
    "/api/v1/news/",
]


def declared_params(path):
    from django.urls import resolve

    return sorted(policy_of(resolve(path).func).params)


def test_every_list_declares_what_it_reads():
    assert urlpatterns  # the API is mounted
    for path in LISTS:
        assert {"page", "page_size"} <= set(declared_params(path)), path


@pytest.mark.parametrize("path", LISTS)
@fuzz_settings(max_examples=30)
@given(data=st.data())
def test_lists_take_any_query(site, client, settings, path, data):  # noqa: F811
    settings.API_RATE_LIMIT = ""
    query = data.draw(queries(declared_params(path), plausible_values(site)), label="query")
    response = client.get(path, QUERY_STRING=query)
    status = response.status_code
    event(f"HTTP {status}")
    assert status in (200, 400, 404), f"{path}?{query} answered {status}"
    body = json.loads(response.content)
    if status == 400:
        assert body and set(body) <= set(declared_params(path)), f"{path}?{query}: {body}"
    elif status == 404:
        assert "page" in QueryDict(query), f"{path}?{query}: 404 without a page number"
    else:
        assert "results" in body
