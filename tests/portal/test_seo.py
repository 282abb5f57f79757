"""The head of every public page: canonical address with only the parameters the page
reads, hreflang alternates (absolute, with x-default), Open Graph and Twitter card tags
with the page's picture (or the site's), and a BreadcrumbList on record pages."""

import json
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import (
    CityFactory,
    EventFactory,
    InstitutionFactory,
    NewsFactory,
    PageFactory,
    SiteIdentityFactory,
)
from tests.portal.images import image_bytes, upload

pytestmark = pytest.mark.django_db


class Head(HTMLParser):
    """The <head>'s links, meta tags and JSON-LD blocks."""

    def __init__(self, html):
        super().__init__()
        self.links, self.meta, self.json_ld = [], {}, []
        self._in_json = False
        self.feed(html.split("</head>")[0])

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link":
            self.links.append(attrs)
        elif tag == "meta":
            key = attrs.get("property") or attrs.get("name")
            if key:
                self.meta.setdefault(key, []).append(attrs.get("content"))
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in_json = True

    def handle_endtag(self, tag):
        self._in_json = False

    def handle_data(self, data):
        if self._in_json:
            self.json_ld.append(json.loads(data))

    def one(self, key):
        values = self.meta.get(key, [])
        assert len(values) == 1, (key, values)
        return values[0]

    def rel(self, rel):
        return [link for link in self.links if link.get("rel") == rel]

    def breadcrumbs(self):
        found = [data for data in self.json_ld if data.get("@type") == "BreadcrumbList"]
        assert len(found) <= 1
        return found[0] if found else None


def head(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    return Head(response.content.decode())


def with_image(factory, **kwargs):
    return factory(
        image=upload(image_bytes("JPEG", size=(2000, 1000))),
        image_alt_ko="푸른 청자",
        image_alt_en="Blue celadon",
        **kwargs,
    )


def test_a_record_page_shares_its_own_picture_title_and_address(client):
    event = with_image(EventFactory, slug="biennale", title_ko="비엔날레", summary_ko="공예 축제")
    page = head(client, "/ko/events/biennale/")
    assert page.one("og:title") == "비엔날레"
    assert page.one("og:description") == "공예 축제"
    assert page.one("og:url") == "http://testserver/ko/events/biennale/"
    assert page.one("og:locale") == "ko_KR"
    assert page.one("og:locale:alternate") == "en_US"
    assert page.one("og:type") == "website"
    image = page.one("og:image")
    # The largest rendition, absolute, never the uploaded original.
    assert re.fullmatch(r"http://testserver/media/events/event/[0-9a-f]+-1600w\.webp", image)
    assert event.image.name.rsplit(".", 1)[0] in image
    assert page.one("og:image:width") == "1600" and page.one("og:image:height") == "800"
    assert page.one("og:image:alt") == "푸른 청자"
    assert page.one("twitter:card") == "summary_large_image"
    assert page.one("twitter:image") == image
    assert page.one("twitter:title") == "비엔날레"
    assert page.one("og:site_name")


def test_canonical_and_alternates_are_absolute_with_x_default(client):
    EventFactory(slug="fair")
    page = head(client, "/en/events/fair/")
    assert [link["href"] for link in page.rel("canonical")] == ["http://testserver/en/events/fair/"]
    alternates = {
        link["hreflang"]: link["href"] for link in page.rel("alternate") if "hreflang" in link
    }
    assert alternates == {
        "ko": "http://testserver/ko/events/fair/",
        "en": "http://testserver/en/events/fair/",
        "x-default": "http://testserver/ko/events/fair/",
    }
    assert page.one("og:locale") == "en_US"


def test_the_canonical_address_keeps_only_what_the_page_reads(client):
    InstitutionFactory()
    page = head(client, "/ko/institutions/?utm_source=x&kind=museum&page=1&fbclid=y&q=")
    assert [link["href"] for link in page.rel("canonical")] == [
        "http://testserver/ko/institutions/?kind=museum"
    ]
    assert page.one("og:url") == "http://testserver/ko/institutions/?kind=museum"
    alternates = {
        link["hreflang"]: link["href"] for link in page.rel("alternate") if "hreflang" in link
    }
    assert alternates["en"] == "http://testserver/en/institutions/?kind=museum"


def test_a_page_without_a_picture_shows_the_site_logo_or_icon(client):
    PageFactory(slug="about")
    page = head(client, "/ko/pages/about/")
    assert re.fullmatch(
        r"http://testserver/static/img/icon-180\.[0-9a-f]+\.png", page.one("og:image")
    )
    assert page.one("twitter:card") == "summary"
    SiteIdentityFactory(
        office_logo=upload(image_bytes("PNG", size=(600, 200))),
        office_logo_alt_ko="사업단 로고",
        office_logo_alt_en="Office logo",
    )
    page = head(client, "/en/pages/about/")
    assert re.fullmatch(
        r"http://testserver/media/portal/siteidentity/[0-9a-f]+-400w\.webp|"
        r"http://testserver/media/portal/siteidentity/[0-9a-f]+-600w\.webp",
        page.one("og:image"),
    ), page.one("og:image")
    assert page.one("og:image:alt") == "Office logo"


def test_the_home_page_shows_the_home_city_picture(client):
    with_image(CityFactory, is_home=True)
    page = head(client, "/en/")
    assert "-1600w.webp" in page.one("og:image")


def test_breadcrumbs_on_record_pages_only(client):
    city = CityFactory(slug="icheon", name_ko="이천", name_en="Icheon")
    institution = InstitutionFactory(slug="kocef", name_en="Korea Ceramic Foundation", city=city)
    festival = EventFactory(slug="festival", title_en="Ceramics Festival")
    talk = EventFactory(slug="talk", title_en="A talk", parent=festival)
    news = NewsFactory(slug="news-item", title_en="Designated")
    PageFactory(slug="about", title_en="About")
    with translation.override("en"):
        expected = {
            city.get_absolute_url(): ["Home", "Network cities", "Icheon"],
            institution.get_absolute_url(): ["Home", "Institutions", "Korea Ceramic Foundation"],
            talk.get_absolute_url(): ["Home", "Events", "Ceramics Festival", "A talk"],
            news.get_absolute_url(): ["Home", "News", "Designated"],
            reverse("portal:page", kwargs={"slug": "about"}): ["Home", "About"],
        }
    for path, names in expected.items():
        crumbs = head(client, path).breadcrumbs()
        assert crumbs["@context"] == "https://schema.org"
        items = crumbs["itemListElement"]
        assert [item["name"] for item in items] == names, path
        assert [item["position"] for item in items] == list(range(1, len(names) + 1))
        assert items[0]["item"] == "http://testserver/en/"
        assert items[-1]["item"] == f"http://testserver{path}"
    for path in ("/en/", "/en/events/", "/en/contact/"):
        assert head(client, path).breadcrumbs() is None, path
    # The event page keeps its own Event data beside the breadcrumbs.
    assert any(
        data.get("@type") == "Event" for data in head(client, talk.get_absolute_url()).json_ld
    )


def test_json_ld_cannot_close_its_script(client):
    NewsFactory(slug="tricky", title_en="</script><script>alert(1)</script>")
    html = client.get("/en/news/tricky/").content.decode()
    head_html = html.split("</head>")[0]
    assert "<script>alert" not in head_html
    assert Head(html).breadcrumbs()["itemListElement"][-1]["name"].startswith("</script>")


def test_news_is_an_article_and_titles_are_escaped_once(client):
    NewsFactory(slug="a-and-b", title_en="Crafts & Design")
    page = head(client, "/en/news/a-and-b/")
    assert page.one("og:type") == "article"
    assert page.one("og:title") == "Crafts & Design"
    html = client.get("/en/news/a-and-b/").content.decode()
    assert "<title>Crafts &amp; Design · " in html
    assert "&amp;amp;" not in html


def test_error_pages_have_no_canonical_address(client):
    response = client.get("/en/events/no-such-event/")
    assert response.status_code == 404
    page = Head(response.content.decode())
    assert page.rel("canonical") == []
    assert "og:url" not in page.meta
