"""Nothing unpublished in the open-data API: drafts and scheduled records are in no list,
have no detail, are named by no published record (a studio in a draft city says no
city), and a filter naming one answers as for a name that does not exist."""

import pytest

from tests.portal.test_unpublished_stays_hidden import World, hidden_shown

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return World()


def test_no_list_or_detail_names_an_unpublished_record(client, world):
    addresses = [
        "/api/v1/cities/",
        "/api/v1/cities/?region=latin_america_caribbean",
        "/api/v1/cities/cheongju/",
        "/api/v1/partnerships/",
        "/api/v1/partnerships/?city=cheongju",
        "/api/v1/institutions/",
        f"/api/v1/institutions/{world.studio.slug}/",
        "/api/v1/events/",
        "/api/v1/events/?when=all",
        f"/api/v1/events/{world.exhibition.slug}/",
        f"/api/v1/events/{world.concert.slug}/",
        "/api/v1/news/",
        f"/api/v1/news/{world.news.slug}/",
        "/api/v1/schema/",
        "/api/v1/docs/",
    ]
    leaks = {}
    for address in addresses:
        response = client.get(address)
        assert response.status_code == 200, address
        if shown := hidden_shown(world, response):
            leaks[address] = shown
    assert leaks == {}


def test_lists_hold_only_published_records(client, world):
    def ids(address):
        return sorted(record["id"] for record in client.get(address).json()["results"])

    assert ids("/api/v1/cities/") == ["cheongju", "lyon"]
    assert ids("/api/v1/institutions/") == ["open-studio"]
    assert ids("/api/v1/events/?when=all") == ["open-concert", "open-exhibition"]
    assert ids("/api/v1/news/") == ["open-news"]
    [partnership] = client.get("/api/v1/partnerships/").json()["results"]
    assert {partnership["city"]["id"], partnership["partner"]["id"]} == {"cheongju", "lyon"}


def test_published_records_do_not_name_unpublished_ones(client, world):
    studio = client.get(f"/api/v1/institutions/{world.studio.slug}/").json()
    assert studio["city"] is None  # its city is a draft
    exhibition = client.get(f"/api/v1/events/{world.exhibition.slug}/").json()
    assert exhibition["city"] is None
    assert exhibition["venue"] is None
    assert exhibition["series"] is None
    assert exhibition["part_of"] is None
    assert [o["id"] for o in exhibition["organisers"]] == ["open-studio"]
    concert = client.get(f"/api/v1/events/{world.concert.slug}/").json()
    assert concert["city"] is None  # scheduled for later
    news = client.get(f"/api/v1/news/{world.news.slug}/").json()
    assert [c["id"] for c in news["cities"]] == ["lyon"]
    assert [e["id"] for e in news["events"]] == ["open-exhibition"]


@pytest.mark.parametrize(
    "address",
    [
        "/api/v1/cities/hiddenford/",
        "/api/v1/cities/laterton/",
        "/api/v1/institutions/closed-workshop/",
        "/api/v1/events/secret-biennale/",
        "/api/v1/events/draft-talk/",
        "/api/v1/news/embargoed/",
        "/api/v1/news/tomorrow/",
    ],
)
def test_an_unpublished_record_is_not_found(client, world, address):
    assert client.get(address).status_code == 404


def test_unpublished_partnerships_are_not_found(client, world):
    assert client.get(f"/api/v1/partnerships/{world.hidden_partnership.pk}/").status_code == 404


@pytest.mark.parametrize(
    "address, value",
    [
        ("/api/v1/events/?city={}", "hiddenford"),
        ("/api/v1/events/?city={}", "laterton"),
        ("/api/v1/events/?series={}", "hidden-series"),
        ("/api/v1/events/?part_of={}", "secret-biennale"),
        ("/api/v1/events/?venue={}", "closed-workshop"),
        ("/api/v1/institutions/?city={}", "hiddenford"),
        ("/api/v1/institutions/?city={}", "숨은도시"),
        ("/api/v1/cities/?country={}", "JP"),
        ("/api/v1/partnerships/?city={}", "hiddenford"),
    ],
)
def test_a_filter_naming_an_unpublished_record_answers_as_for_none(client, world, address, value):
    response = client.get(address.format(value))
    control = client.get(address.format("zz-unknown"))
    assert response.status_code == control.status_code == 400
    assert response.content.decode().replace(value, "zz-unknown") == control.content.decode()
