"""The open-data API (/api/v1/): records in both languages with their pages and images,
the public pages' filters (a bad value is a 400 naming it), pages, a constant number of
queries, conditional GET, CORS, the per-client rate limit, read-only methods and the
OpenAPI document."""

import datetime
import json
import socket

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from openapi_spec_validator import validate

from cities.models import City, CreativeField
from events.models import EventKind
from institutions.models import InstitutionKind
from tests.factories import (
    CityFactory,
    DisciplineFactory,
    EventFactory,
    EventSeriesFactory,
    InstitutionFactory,
    NewsFactory,
    PartnershipFactory,
)

pytestmark = pytest.mark.django_db

JSON = ("application/json", "application/vnd.oai.openapi+json")


def get(client, url, **extra):
    response = client.get(url, **extra)
    assert response["Content-Type"] in JSON, (url, response.status_code)
    return response


def ids(response):
    assert response.status_code == 200, response.content
    return [record["id"] for record in response.json()["results"]]


@pytest.fixture
def network():
    icheon = CityFactory(
        slug="icheon",
        name_ko="이천",
        name_en="Icheon",
        is_home=True,
        country="KR",
        designation_year=2010,
    )
    lyon = CityFactory(
        slug="lyon",
        name_ko="리옹",
        name_en="Lyon",
        country="FR",
        creative_field=CreativeField.LITERATURE,
        region="europe_north_america",
    )
    ceramics = DisciplineFactory(slug="ceramics", name_ko="도자", name_en="Ceramics")
    foundation = InstitutionFactory(
        slug="korea-ceramic-foundation",
        name_ko="한국도자재단",
        name_en="Korea Ceramic Foundation",
        kind=InstitutionKind.FOUNDATION,
        city=icheon,
        phone="+82316456501",
        description_en="A long description.",
    )
    foundation.disciplines.add(ceramics)
    InstitutionFactory(slug="kiln-school", kind=InstitutionKind.SCHOOL, city=icheon)
    series = EventSeriesFactory(slug="biennale", name_ko="비엔날레", name_en="Biennale")
    today = timezone.localdate()
    biennale = EventFactory(
        slug="biennale-2027",
        title_ko="비엔날레 2027",
        title_en="Biennale 2027",
        kind=EventKind.BIENNALE,
        series=series,
        edition=13,
        city=icheon,
        venue=foundation,
        start_date=today + datetime.timedelta(days=10),
        end_date=today + datetime.timedelta(days=40),
    )
    biennale.organisers.add(foundation)
    starts = timezone.now().replace(microsecond=0) + datetime.timedelta(days=11)
    EventFactory(
        slug="opening-concert",
        parent=biennale,
        city=icheon,
        all_day=False,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
        kind=EventKind.PERFORMANCE,
    )
    EventFactory(
        slug="old-fair",
        kind=EventKind.FAIR,
        city=icheon,
        start_date=today - datetime.timedelta(days=400),
        end_date=today - datetime.timedelta(days=398),
    )
    partnership = PartnershipFactory(city=icheon, partner=lyon, title_en="Sister cities")
    biennale.partnerships.add(partnership)
    news = NewsFactory(slug="designated", title_ko="지정", title_en="Designated")
    news.cities.add(icheon)
    news.events.add(biennale)
    return {"icheon": icheon, "lyon": lyon, "news": news, "partnership": partnership}


def test_the_root_lists_every_address(client):
    root = get(client, "/api/v1/").json()
    assert root["cities"] == "http://testserver/api/v1/cities/"
    assert set(root) == {
        "cities",
        "partnerships",
        "institutions",
        "events",
        "news",
        "schema",
        "docs",
    }


def test_a_record_in_both_languages_with_its_pages(client, network):
    city = get(client, "/api/v1/cities/icheon/").json()
    assert city["id"] == "icheon"
    assert city["name"] == {"ko": "이천", "en": "Icheon"}
    assert city["url"] == {
        "ko": "http://testserver/ko/cities/icheon/",
        "en": "http://testserver/en/cities/icheon/",
    }
    assert city["country"] == "KR" and city["designation_year"] == 2010
    assert "description" in city

    institution = get(client, "/api/v1/institutions/korea-ceramic-foundation/").json()
    assert institution["city"] == {"id": "icheon", "name": {"ko": "이천", "en": "Icheon"}}
    assert institution["disciplines"] == [
        {"id": "ceramics", "name": {"ko": "도자", "en": "Ceramics"}}
    ]
    assert institution["phone"] == "+82316456501"
    assert institution["description"]["en"] == "A long description."

    event = get(client, "/api/v1/events/biennale-2027/").json()
    assert event["series"] == {"id": "biennale", "name": {"ko": "비엔날레", "en": "Biennale"}}
    assert event["venue"]["id"] == "korea-ceramic-foundation"
    assert [o["id"] for o in event["organisers"]] == ["korea-ceramic-foundation"]
    assert event["start_date"] == (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    assert event["calendar"]["en"] == "http://testserver/en/events/biennale-2027/ics/"

    concert = get(client, "/api/v1/events/opening-concert/").json()
    assert concert["part_of"]["id"] == "biennale-2027"
    starts = datetime.datetime.fromisoformat(concert["starts_at"])
    assert starts.utcoffset() is not None  # ISO 8601 with its offset

    partnership = get(client, f"/api/v1/partnerships/{network['partnership'].pk}/").json()
    assert partnership["partner"]["id"] == "lyon"
    assert [e["id"] for e in partnership["events"]] == ["biennale-2027"]

    news = get(client, "/api/v1/news/designated/").json()
    assert news["title"] == {"ko": "지정", "en": "Designated"}
    assert [c["id"] for c in news["cities"]] == ["icheon"]
    assert [e["id"] for e in news["events"]] == ["biennale-2027"]


def test_lists_leave_out_long_texts_and_read_only_their_columns(client, network):
    with CaptureQueriesContext(connection) as captured:
        response = get(client, "/api/v1/institutions/")
    record = response.json()["results"][0]
    assert "description" not in record
    sql = " ".join(query["sql"] for query in captured)
    assert "description" not in sql


def test_image_and_its_renditions(client, network):
    City.objects.filter(slug="icheon").update(
        image="cities/kiln.jpg", image_width=1200, image_height=800, image_alt_en="A kiln"
    )
    [image] = [c["image"] for c in get(client, "/api/v1/cities/").json()["results"] if c["image"]]
    assert image["url"] == "http://testserver/media/cities/kiln.jpg"
    assert image["alt"] == {"ko": None, "en": "A kiln"}
    assert [(r["width"], r["height"]) for r in image["renditions"]] == [
        (400, 267),
        (800, 533),
        (1200, 800),
    ]
    assert image["renditions"][0]["url"] == "http://testserver/media/cities/kiln-400w.webp"


@pytest.mark.parametrize(
    "api, page",
    [
        ("/api/v1/cities/?field=literature", "/en/cities/?field=literature"),
        ("/api/v1/cities/?q=이천", "/en/cities/?q=이천"),
        ("/api/v1/institutions/?kind=school", "/en/institutions/?kind=school"),
        ("/api/v1/institutions/?discipline=ceramics", "/en/institutions/?discipline=ceramics"),
        ("/api/v1/institutions/?city=Icheon", "/en/institutions/?city=Icheon"),
        ("/api/v1/events/", "/en/events/"),
        ("/api/v1/events/?when=past", "/en/events/?when=past"),
        ("/api/v1/events/?when=all&kind=fair", "/en/events/?when=all&kind=fair"),
        ("/api/v1/events/?series=biennale", "/en/events/?series=biennale"),
        ("/api/v1/events/?part_of=biennale-2027", "/en/events/?part_of=biennale-2027"),
    ],
)
def test_the_filters_are_the_pages(client, network, api, page):
    expected = [record.slug for record in client.get(page).context["page_obj"].object_list]
    assert expected
    assert sorted(ids(get(client, api))) == sorted(expected)


def test_partnerships_by_city_and_kind(client, network):
    assert ids(get(client, "/api/v1/partnerships/?city=lyon")) == [network["partnership"].pk]
    assert ids(get(client, "/api/v1/partnerships/?kind=mou")) == []


@pytest.mark.parametrize(
    "url, parameter",
    [
        ("/api/v1/cities/?field=poetry", "field"),
        ("/api/v1/cities/?year=19x9", "year"),
        ("/api/v1/institutions/?city=Atlantis", "city"),
        ("/api/v1/institutions/?kind=<script>", "kind"),
        ("/api/v1/events/?start=2026-13-01", "start"),
        ("/api/v1/events/?start=2026-05-01&end=2026-04-01", "end"),
        ("/api/v1/events/?venue=nowhere", "venue"),
        ("/api/v1/events/?when=someday", "when"),
        ("/api/v1/partnerships/?city=atlantis", "city"),
        ("/api/v1/news/?page_size=0", "page_size"),
        ("/api/v1/cities/?page_size=101", "page_size"),
        ("/api/v1/cities/?page_size=ten", "page_size"),
    ],
)
def test_a_bad_filter_value_is_a_400_naming_it(client, network, url, parameter):
    response = get(client, url)
    assert response.status_code == 400
    assert list(response.json()) == [parameter]
    assert response.json()[parameter][0]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/cities/nowhere/",
        "/api/v1/partnerships/999999/",
        "/api/v1/cities/?page=99",
        "/api/v1/cities/?page=abc",
    ],
)
def test_an_unknown_record_or_page_is_a_404(client, network, url):
    assert get(client, url).status_code == 404


def test_pages_of_bounded_size_with_links(client):
    CityFactory.create_batch(5)
    first = get(client, "/api/v1/cities/?page_size=2").json()
    assert first["count"] == 5 and len(first["results"]) == 2
    assert first["previous"] is None
    assert first["next"] == "http://testserver/api/v1/cities/?page=2&page_size=2"
    last = get(client, "/api/v1/cities/?page=3&page_size=2").json()
    assert last["next"] is None and len(last["results"]) == 1
    assert last["previous"] == "http://testserver/api/v1/cities/?page=2&page_size=2"
    second = get(client, "/api/v1/cities/?page=2&page_size=2").json()
    assert second["previous"] == "http://testserver/api/v1/cities/?page_size=2"
    assert len(get(client, "/api/v1/cities/").json()["results"]) == 5


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_only_reading(method, network):
    client = Client(enforce_csrf_checks=True)
    for url in ("/api/v1/cities/", "/api/v1/cities/icheon/", "/api/v1/news/designated/"):
        response = getattr(client, method)(url, data="{}", content_type="application/json")
        assert response.status_code == 405, (method, url)


def test_anonymous_answers_carry_no_cookie(client, network):
    for url in ("/api/v1/", "/api/v1/cities/", "/api/v1/events/biennale-2027/"):
        response = get(client, url)
        assert not response.cookies
        assert "Cookie" not in response.get("Vary", "")


def test_conditional_get(client, network):
    response = get(client, "/api/v1/cities/")
    etag = response["ETag"]
    assert client.get("/api/v1/cities/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    CityFactory(slug="bologna")
    assert client.get("/api/v1/cities/", HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_cors_is_open_for_reading_the_api_only(client, network):
    origin = {"HTTP_ORIGIN": "https://partner.example"}
    response = get(client, "/api/v1/cities/", **origin)
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    preflight = client.options(
        "/api/v1/cities/", HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET", **origin
    )
    assert preflight.status_code == 200
    assert "POST" not in preflight["Access-Control-Allow-Methods"]
    assert "Access-Control-Allow-Origin" not in client.get("/en/cities/", **origin)


def test_rate_limit_per_client_address(settings, network):
    settings.API_RATE_LIMIT = "3/minute"
    first, second = Client(REMOTE_ADDR="203.0.113.5"), Client(REMOTE_ADDR="198.51.100.7")
    for _ in range(3):
        assert first.get("/api/v1/cities/").status_code == 200
    # A forwarding header the client wrote itself (no proxy is configured) changes nothing.
    limited = first.get("/api/v1/cities/", HTTP_X_FORWARDED_FOR="192.0.2.1")
    assert limited.status_code == 429
    assert "Retry-After" in limited
    assert second.get("/api/v1/cities/").status_code == 200


def test_rate_limit_behind_a_proxy_counts_the_forwarded_address(settings, network):
    settings.API_RATE_LIMIT = "2/minute"
    settings.AXES_IPWARE_PROXY_COUNT = 0
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    proxy = Client(REMOTE_ADDR="10.0.0.2")
    for _ in range(2):
        assert proxy.get("/api/v1/", HTTP_X_FORWARDED_FOR="203.0.113.5").status_code == 200
    assert proxy.get("/api/v1/", HTTP_X_FORWARDED_FOR="203.0.113.5").status_code == 429
    assert proxy.get("/api/v1/", HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 200


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_rate_limit_lets_everything_through_while_the_cache_is_down(settings, network):
    settings.API_RATE_LIMIT = "2/minute"
    settings.CACHES = {
        "default": {
            "BACKEND": "portal.blocks.caching.backends.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            "OPTIONS": {"socket_timeout": 0.25, "socket_connect_timeout": 0.25},
        }
    }
    for _ in range(4):
        assert get(Client(), "/api/v1/cities/").status_code == 200


def test_the_openapi_document_is_valid(client, network):
    response = get(client, "/api/v1/schema/")
    schema = response.json()
    validate(schema)
    assert schema["openapi"].startswith("3.")
    assert {
        "/api/v1/cities/",
        "/api/v1/cities/{id}/",
        "/api/v1/partnerships/",
        "/api/v1/institutions/",
        "/api/v1/events/{id}/",
        "/api/v1/news/",
    } <= set(schema["paths"])
    parameters = {p["name"] for p in schema["paths"]["/api/v1/events/"]["get"]["parameters"]}
    assert {"when", "kind", "series", "venue", "city", "start", "end", "q", "page"} <= parameters
    # The schema is made without the data: no record is named in it.
    assert "Icheon" not in response.text and "이천" not in response.text


def test_the_documentation_page_runs_under_the_sites_csp(client):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    assert "swagger-ui-bundle" in response.text
    assert "<script>" not in response.text and "style=" not in response.text
    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert reverse("api:schema") in response.text


# Queries: the same few at any size.


def grow(count, home):
    discipline = DisciplineFactory()
    for _ in range(count):
        partner = CityFactory()
        partnership = PartnershipFactory(city=home, partner=partner)
        venue = InstitutionFactory(city=partner)
        venue.disciplines.add(discipline)
        event = EventFactory(city=home, venue=venue, series=EventSeriesFactory())
        event.organisers.add(venue)
        event.partnerships.add(partnership)
        EventFactory(parent=event, city=home)
        news = NewsFactory()
        news.cities.add(partner)
        news.events.add(event)


def addresses(home):
    event = home.events.filter(parent=None).order_by("pk").first()
    return [
        "/api/v1/",
        "/api/v1/cities/",
        "/api/v1/cities/?field=crafts&page_size=100",
        f"/api/v1/cities/{home.slug}/",
        "/api/v1/partnerships/",
        f"/api/v1/partnerships/{home.partnerships.order_by('pk').first().pk}/",
        "/api/v1/institutions/",
        "/api/v1/institutions/?city=icheon",
        f"/api/v1/institutions/{event.venue.slug}/",
        "/api/v1/events/",
        "/api/v1/events/?when=all&page_size=100",
        f"/api/v1/events/{event.slug}/",
        "/api/v1/news/",
        f"/api/v1/news/{NewsFactory._meta.model.objects.order_by('pk').first().slug}/",
    ]


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.content)
    return len(captured)


def test_every_address_runs_the_same_few_queries_at_any_size(client, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    home = CityFactory(slug="icheon", is_home=True)
    grow(2, home)
    urls = addresses(home)
    small = {url: queries(client, url) for url in urls}
    grow(25, home)
    large = {url: queries(client, url) for url in urls}
    assert large == small
    assert max(small.values()) <= 6, small


# Through the page cache, as visitors meet it.


@pytest.mark.page_cache
@pytest.mark.django_db(transaction=True)
def test_stored_answers_run_no_query_and_change_with_the_data(client):
    home = CityFactory(slug="icheon", name_en="Icheon", is_home=True)
    grow(2, home)
    for url in addresses(home):
        first = client.get(url)
        assert first["X-Page-Cache"] == "miss", url
        assert "public" in first["Cache-Control"]
        assert not first.cookies
        assert queries(client, url) == 0, url
    # A parameter the API does not read is not part of the address, nor of its links.
    response = client.get("/api/v1/cities/?page_size=1&utm_source=mail")
    assert response["X-Page-Cache"] == "miss"
    assert "utm_source" not in response.json()["next"]
    assert client.get("/api/v1/cities/?utm_source=x&page_size=1")["X-Page-Cache"] == "hit"
    home.name_en = "Icheon-si"
    home.save()
    changed = client.get(f"/api/v1/cities/{home.slug}/")
    assert changed["X-Page-Cache"] == "miss"
    assert changed.json()["name"]["en"] == "Icheon-si"
    with translation.override("en"):
        assert client.get(home.get_absolute_url()).status_code == 200


@pytest.mark.page_cache
@pytest.mark.django_db(transaction=True)
def test_a_stored_answer_keeps_its_etag_and_cors(client):
    CityFactory(slug="icheon")
    origin = {"HTTP_ORIGIN": "https://partner.example"}
    client.get("/api/v1/cities/")
    hit = client.get("/api/v1/cities/", **origin)
    assert hit["X-Page-Cache"] == "hit"
    assert hit["Access-Control-Allow-Origin"] == "*"
    not_modified = client.get("/api/v1/cities/", HTTP_IF_NONE_MATCH=hit["ETag"], **origin)
    assert not_modified.status_code == 304
    assert not_modified["Access-Control-Allow-Origin"] == "*"


def test_json_is_utf8_and_not_escaped(client, network):
    response = get(client, "/api/v1/cities/icheon/")
    assert "이천".encode() in response.content
    assert json.loads(response.content)["name"]["ko"] == "이천"


def test_published_is_decided_at_each_request(client, network, monkeypatch):
    """A record whose publication time passes after the site started shows from then
    on, wherever it is named (here: as an organiser)."""
    later = timezone.now() + datetime.timedelta(hours=1)
    studio = InstitutionFactory(slug="late-studio", publish_at=later)
    EventFactory(slug="late-show", city=network["icheon"]).organisers.add(studio)
    assert get(client, "/api/v1/events/late-show/").json()["organisers"] == []
    monkeypatch.setattr(timezone, "now", lambda: later + datetime.timedelta(minutes=1))
    organisers = get(client, "/api/v1/events/late-show/").json()["organisers"]
    assert [o["id"] for o in organisers] == ["late-studio"]
