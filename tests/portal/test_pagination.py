import datetime

import pytest
from django.core.paginator import EmptyPage, PageNotAnInteger

from portal.blocks.pagination import KeysFirstPaginator
from portal.models import News
from tests.factories import CityFactory, NewsFactory

pytestmark = pytest.mark.django_db


def test_pages_keep_the_lists_order_and_related_loading(django_assert_num_queries):
    for day in range(7):
        NewsFactory(slug=f"day-{day}", date=datetime.date(2026, 1, 1 + day))
    queryset = News.objects.published().for_listing().order_by("-date")
    paginator = KeysFirstPaginator(queryset, per_page=3, orphans=1)
    assert paginator.num_pages == 2
    # One query (the count is cached): the keys are sorted in a subquery, and only the
    # page's rows are read.
    with django_assert_num_queries(1) as queries:
        first = paginator.page(1)
        assert [item.slug for item in first] == ["day-6", "day-5", "day-4"]
    assert "IN (SELECT" in queries.captured_queries[0]["sql"].upper()
    # The last page takes the orphan.
    assert [item.slug for item in paginator.page(2)] == ["day-3", "day-2", "day-1", "day-0"]
    # Deferred fields stay deferred on the rows.
    assert "body_en" in first[0].get_deferred_fields()


def test_a_lists_total_comes_from_its_facet_counts(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    NewsFactory.create_batch(3)
    url = reverse("cities:list")
    CityFactory.create_batch(30)
    client.get(url)

    def count_queries(params):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, params)
        return response, [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"]]

    # One count query per page: the facet counts, which give the total too.
    response, counts = count_queries({"page": 2})
    assert len(counts) == 1 and "GROUP BY" in counts[0]
    assert response.context["paginator"].count == 30
    # A new city is counted on the next request.
    CityFactory()
    response, counts = count_queries({"page": 2})
    assert response.context["paginator"].count == 31
    assert counts


def test_the_count_can_come_with_the_pages_keys(django_assert_num_queries):
    for day in range(7):
        NewsFactory(slug=f"day-{day}", date=datetime.date(2026, 1, 1 + day))
    queryset = News.objects.published().for_listing().order_by("-date")

    def paginator():
        paginator = KeysFirstPaginator(queryset, per_page=3, orphans=1)
        paginator.count_with_page = True
        return paginator

    # Two queries: the page's keys with the count (a window count), then its rows.
    with django_assert_num_queries(2) as queries:
        first = paginator().page(1)
        assert [item.slug for item in first] == ["day-6", "day-5", "day-4"]
        assert first.paginator.count == 7
    assert "OVER" in queries.captured_queries[0]["sql"].upper()
    assert "body_en" in first[0].get_deferred_fields()
    # The last page takes the orphan.
    last = paginator().page(2)
    assert [item.slug for item in last] == ["day-3", "day-2", "day-1", "day-0"]
    assert last.paginator.num_pages == 2
    # Past the last page: counted, then refused as any paginator refuses it.
    with pytest.raises(EmptyPage):
        paginator().page(3)
    with pytest.raises(PageNotAnInteger):
        paginator().page("x")
    empty = KeysFirstPaginator(queryset.none(), per_page=3)
    empty.count_with_page = True
    assert list(empty.page(1)) == [] and empty.count == 0
