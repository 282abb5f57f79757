"""/sitemap.xml and /robots.txt: an index of sections read as XML, every address in both
languages with its alternates and lastmod, every address a page that answers, nothing
unpublished, sections split into pages, the same few queries at any size, and kept by
the page cache until what they list changes."""

import datetime
from urllib.parse import urlsplit

import pytest
from defusedxml import ElementTree
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal import sitemaps
from portal.blocks.publishing import PublicationStatus
from tests.factories import (
    CityFactory,
    EventFactory,
    InstitutionFactory,
    NewsFactory,
    PageFactory,
)

pytestmark = pytest.mark.django_db

NS = {
    "s": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "x": "http://www.w3.org/1999/xhtml",
}
FACTORIES = {
    "city": CityFactory,
    "institution": InstitutionFactory,
    "event": EventFactory,
    "news": NewsFactory,
    "page": PageFactory,
}


def content(index=0):
    """One published record of each kind, and a draft and a scheduled one of each."""
    later = timezone.now() + datetime.timedelta(days=2)
    for kind, factory in FACTORIES.items():
        factory(slug=f"public-{kind}-{index}")
        factory(slug=f"draft-{kind}-{index}", status=PublicationStatus.DRAFT)
        factory(slug=f"later-{kind}-{index}", publish_at=later)


def xml(client, address):
    path = urlsplit(address)
    response = client.get(path.path + (f"?{path.query}" if path.query else ""))
    assert response.status_code == 200, address
    assert response["Content-Type"].startswith("application/xml")
    return ElementTree.fromstring(response.content)


def sections(client):
    index = xml(client, reverse("sitemap"))
    assert index.tag == f"{{{NS['s']}}}sitemapindex"
    found = []
    for entry in index.findall("s:sitemap", NS):
        found.append(entry.find("s:loc", NS).text)
    return found


def all_urls(client):
    urls = []
    for address in sections(client):
        urls += xml(client, address).findall("s:url", NS)
    return urls


def test_every_published_page_in_both_languages_with_alternates_and_lastmod(client):
    content()
    index = xml(client, reverse("sitemap"))
    assert all(entry.find("s:lastmod", NS) is not None for entry in index.findall("s:sitemap", NS))
    urls = all_urls(client)
    locations = [url.find("s:loc", NS).text for url in urls]
    assert len(locations) == len(set(locations))
    paths = {urlsplit(location).path for location in locations}
    for kind, path in {
        "city": "/ko/cities/public-city-0/",
        "institution": "/en/institutions/public-institution-0/",
        "event": "/ko/events/public-event-0/",
        "news": "/en/news/public-news-0/",
        "page": "/ko/pages/public-page-0/",
    }.items():
        assert path in paths, kind
    for path in ("/ko/", "/en/", "/ko/cities/", "/en/events/", "/ko/news/", "/en/contact/"):
        assert path in paths
    assert "/ko/open-data/" in paths and "/en/events/embed/" in paths
    for url in urls:
        location = url.find("s:loc", NS).text
        assert location.startswith("http://testserver/")
        assert url.find("s:lastmod", NS) is not None, location
        datetime.date.fromisoformat(url.find("s:lastmod", NS).text)
        alternates = {
            link.get("hreflang"): link.get("href")
            for link in url.findall("x:link", NS)
            if link.get("rel") == "alternate"
        }
        assert set(alternates) == {"ko", "en", "x-default"}, location
        assert location in (alternates["ko"], alternates["en"])
        assert alternates["x-default"] == alternates["ko"]
        # Each language's address is listed as an entry of its own.
        assert alternates["ko"] in locations and alternates["en"] in locations


def test_no_draft_or_scheduled_record_is_listed_and_every_address_answers(client):
    content()
    for url in all_urls(client):
        location = url.find("s:loc", NS).text
        assert "draft-" not in location and "later-" not in location
        assert client.get(urlsplit(location).path).status_code == 200, location


def test_robots_txt_names_the_sitemap_and_keeps_crawlers_out_of_the_admin(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def test_a_large_section_is_split_into_pages_named_by_the_index(client, monkeypatch):
    monkeypatch.setattr(sitemaps.EventSitemap, "limit", 2)
    for number in range(5):
        EventFactory(slug=f"event-{number}")
    addresses = [a for a in sections(client) if "sitemap-events" in a]
    assert [urlsplit(a).query for a in addresses] == ["", "p=2", "p=3"]
    slugs = []
    for address in addresses:
        for url in xml(client, address).findall("s:url", NS):
            slugs.append(urlsplit(url.find("s:loc", NS).text).path)
    # Five events, each in two languages, each once.
    assert len(slugs) == 10 == len(set(slugs))
    assert client.get("/sitemap-events.xml?p=4").status_code == 404
    assert client.get("/sitemap-events.xml?p=x").status_code == 404
    assert client.get("/sitemap-nothing.xml").status_code == 404


def count_queries(client, path):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_the_same_queries_at_any_size(client, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    content(0)
    paths = ["/sitemap.xml", *(f"/sitemap-{name}.xml" for name in sitemaps.SECTIONS)]
    small = {path: count_queries(client, path) for path in paths}
    for index in range(1, 8):
        content(index)
    large = {path: count_queries(client, path) for path in paths}
    assert small == large
    # A page of a record section is one query, beside the count of its paginator.
    assert small["/sitemap-events.xml"] <= 2


@pytest.mark.page_cache
@pytest.mark.django_db(transaction=True)
def test_kept_by_the_page_cache_until_a_record_is_published(client):
    EventFactory(slug="first")
    draft = EventFactory(slug="second", status=PublicationStatus.DRAFT)
    assert b"/events/second/" not in client.get("/sitemap-events.xml").content
    again = client.get("/sitemap-events.xml")
    assert again["X-Page-Cache"] == "hit"
    assert client.get("/robots.txt") and client.get("/robots.txt")["X-Page-Cache"] == "hit"
    draft.status = PublicationStatus.PUBLISHED
    draft.save()
    response = client.get("/sitemap-events.xml")
    assert response["X-Page-Cache"] == "miss"
    assert b"/ko/events/second/" in response.content
