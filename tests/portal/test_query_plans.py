"""The scans a list page cannot avoid (counting a directory by kind, a city's latest
events, a list of one kind of event) are read from an index alone or in the index's
order: measured at bench size on SQLite, reading the rows instead cost five to twenty
times as much (docs/performance.md). SQLite only: PostgreSQL rightly reads a table of
a few rows instead of its index."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import CityFactory, EventFactory, InstitutionFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plans"),
]


def plans(client, path, *markers):
    """The query plans of the queries that ``path`` runs whose SQL contains every one
    of ``markers``."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    found = [
        query["sql"]
        for query in queries.captured_queries
        if all(marker in query["sql"] for marker in markers)
    ]
    assert found, f"no query of {path} contains {markers}"
    with connection.cursor() as cursor:
        return [
            " / ".join(row[-1] for row in cursor.execute(f"EXPLAIN QUERY PLAN {sql}").fetchall())
            for sql in found
        ]


@pytest.fixture
def home():
    home = CityFactory(slug="home", is_home=True)
    for kind in ("museum", "studio", "museum"):
        venue = InstitutionFactory(city=home, kind=kind, latitude=37.2, longitude=127.4)
        EventFactory(city=home, venue=venue, kind="exhibition")
        EventFactory(city=home, venue=venue, kind="festival")
    return home


@pytest.mark.parametrize("query", ["", "?kind=museum"])
def test_the_directory_counts_its_kinds_and_map_from_the_index_alone(client, home, query):
    path = reverse("institutions:list") + query
    for plan in plans(client, path, "GROUP BY"):
        assert "COVERING INDEX institution_published_kind" in plan, plan


def test_the_directorys_city_choices_are_found_in_the_index(client, home):
    (plan,) = plans(
        client,
        reverse("institutions:city-suggestions"),
        'FROM "cities_city" WHERE',
        'FROM "institutions_institution" U0',
    )
    assert "USING INDEX institution_published_city" in plan, plan


def test_a_list_of_one_kind_of_event_is_counted_and_paged_in_its_index(client, home):
    for plan in plans(client, reverse("events:list") + "?kind=exhibition", '"kind" = '):
        assert "event_published_kind" in plan, plan


def test_a_city_profile_reads_its_latest_events_in_the_index_order(client, home):
    (plan,) = plans(client, home.get_absolute_url(), 'AS "is_joint"')
    assert "event_published_city" in plan, plan
    assert "TEMP B-TREE FOR ORDER BY / UNION ALL" not in plan, plan
