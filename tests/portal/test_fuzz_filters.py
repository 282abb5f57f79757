"""Garbage in every public page's query string, in both languages: never a 5xx, and an
invalid filter is either named on the page (or, for a calendar feed, in its 400) or
ignored.

The pages are found from the URL configuration (every public URL under the language
prefix; a page's parameters are those its page-cache declaration names), so a new list
page or filter is fuzzed without being listed here. Nothing here writes: the
examples share one fixture.
"""

import datetime
import json
from urllib.parse import quote, urljoin, urlsplit

import pytest
from django.http import QueryDict
from django.urls import URLResolver, get_resolver, reverse
from django.urls.resolvers import LocalePrefixPattern
from django.utils import timezone, translation
from django.utils.html import escape
from hypothesis import event, given
from hypothesis import strategies as st

from cities.models import CreativeField, PartnershipKind, Region
from events.filters import When
from events.models import EventKind
from institutions.models import InstitutionKind
from portal.blocks.caching.pages import policy_of
from portal.blocks.publishing import PublicationStatus
from portal.documents import DocumentKind
from tests.factories import (
    CityFactory,
    DisciplineFactory,
    DocumentFactory,
    EventFactory,
    EventSeriesFactory,
    InstitutionFactory,
    MilestoneFactory,
    NewsFactory,
    PageFactory,
    PartnershipFactory,
)
from tests.portal.fuzzing import NASTY, TEXT, fuzz_settings, garbage

pytestmark = pytest.mark.django_db

LANGUAGES = ("ko", "en")
PAGE = "page"
# Query-string fragments no form would write: bad escapes, overlong UTF-8, separators.
RAW = ["%", "%FF", "%zz", "%C0%80", "%ED%A0%80", "%00", "&&", "=", "==", ";", "a=b=c", "%25"]


def public_patterns():
    """(URL name, pattern) of every URL under the language prefix."""

    def walk(patterns, namespace, inside):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                prefix = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(
                    pattern.url_patterns,
                    prefix,
                    inside or isinstance(pattern.pattern, LocalePrefixPattern),
                )
            elif inside and pattern.name:
                yield f"{namespace}{pattern.name}", pattern

    return sorted(walk(get_resolver().url_patterns, "", False), key=lambda item: item[0])


def declared_params(pattern):
    """The query parameters a page reads, as its page-cache declaration names them."""
    policy = policy_of(pattern.callback)
    return sorted(policy.params) if policy else []


# A calendar's year, month and day (today's) make a list page of it, not a detail page.
DATED = {"year", "month", "day"}
# Pages that only send the visitor on (to this month's calendar), tested on their own.
REDIRECTS = {"events:calendar"}
LISTS = [
    (name, pattern)
    for name, pattern in public_patterns()
    if set(pattern.pattern.converters) <= DATED and name not in REDIRECTS
]
# Pages reached only by a signed link from a mail or the office (an alert's confirmation,
# a partner city's correction form): their tokens and bad input have tests of their own
# (tests/events/test_alerts_*.py, tests/cities/test_corrections.py).
SIGNED = "token"
DETAILS = [
    (name, pattern)
    for name, pattern in public_patterns()
    if not set(pattern.pattern.converters) <= DATED and SIGNED not in pattern.pattern.converters
]


def list_path(name, pattern, lang):
    converters = set(pattern.pattern.converters)
    return path_of(name, lang, **{key: getattr(today(), key) for key in converters})


def today():
    return timezone.localdate()


@pytest.fixture
def site():
    """A little of everything, published: enough for every filter to have values to
    match and a list to have a second page."""
    home = CityFactory(slug="cheongju", name_en="Cheongju", name_ko="청주", is_home=True)
    partner = CityFactory(slug="icheon", name_en="Icheon", name_ko="이천", country="JP")
    CityFactory(slug="draft-city", status=PublicationStatus.DRAFT, publish_at=None)
    partnership = PartnershipFactory(city=home, partner=partner)
    discipline = DisciplineFactory(slug="ceramics")
    venue = InstitutionFactory(slug="culture-factory", city=home, kind=InstitutionKind.MUSEUM)
    venue.disciplines.add(discipline)
    InstitutionFactory.create_batch(25, city=partner)
    series = EventSeriesFactory(slug="biennale")
    parent = EventFactory(
        slug="biennale-2025",
        series=series,
        venue=venue,
        city=home,
        start_date=today() - datetime.timedelta(days=3),
        end_date=today() + datetime.timedelta(days=30),
    )
    parent.organisers.add(venue)
    parent.partnerships.add(partnership)
    EventFactory(slug="talk", parent=parent, city=home)
    EventFactory(
        slug="last-year",
        start_date=today() - datetime.timedelta(days=400),
        end_date=today() - datetime.timedelta(days=399),
    )
    MilestoneFactory(city=home, event=parent)
    news = NewsFactory(slug="designated")
    news.cities.add(home)
    news.events.add(parent)
    NewsFactory.create_batch(21)
    page = PageFactory(slug="about")
    document = DocumentFactory(slug="agreement", kind=DocumentKind.AGREEMENT)
    document.cities.add(home)
    return [home, partner, venue, series, parent, news, page, discipline, document]


def plausible_values(records):
    """Values that mean something to some filter, so that one valid filter lets another's
    garbage reach the query."""
    values = {"1", "2", "last", str(today()), str(today().year), "2019", "ko", "en"}
    for choices in (CreativeField, Region, PartnershipKind, EventKind, InstitutionKind):
        values.update(choices.values)
    values.update(value for value, _label in When.CHOICES)
    values.update(record.slug for record in records)
    values.update(["KR", "JP", "kr", "Cheongju", "청주", "icheon "])
    return values


def queries(params, plausible):
    """A raw query string: known and unknown names, repeated or not, each value escaped
    or sent raw (UTF-8 bytes as a WSGI server passes them on), with stray fragments."""
    names = st.one_of(st.sampled_from([*params, PAGE]), st.sampled_from(params or [PAGE]), TEXT)
    pair = st.tuples(names, garbage(plausible), st.booleans())

    def encode(item):
        if isinstance(item, str):
            return item
        name, value, escaped = item
        if escaped:
            return f"{quote(name, safe='')}={quote(value, safe='')}"
        return f"{name}={value}".encode().decode("latin-1")

    parts = st.lists(st.one_of(pair, pair, st.sampled_from(RAW)), max_size=8)
    return parts.map(lambda items: "&".join(encode(item) for item in items))


def path_of(name, lang, **kwargs):
    with translation.override(lang):
        return reverse(name, kwargs=kwargs or None)


def filter_errors(response):
    """The error messages of the page's filter form, if it has one and it is bound."""
    context = response.context
    filterset = context.get("filter") if context is not None else None
    if filterset is None or not filterset.is_bound or filterset.is_valid():
        return []
    return [message for errors in filterset.errors.values() for message in errors]


def check(response, name, query):
    """A page answered a query as a visitor may be answered."""
    status = response.status_code
    event(f"HTTP {status}")
    assert status < 500, f"{name} ?{query} answered {status}"
    sent = QueryDict(query)
    if status == 404:
        # Only a page number past the last, or one that is no number.
        assert PAGE in sent, f"{name} ?{query}: 404 without a page number"
        return
    if status == 400:
        # A feed cannot show a form: it says what is wrong in its own format, the
        # calendar in plain text, the map data in its GeoJSON's "errors".
        if response["Content-Type"] == "application/geo+json":
            assert json.loads(response.content)["errors"], f"{name} ?{query}: no errors"
            assert "no-store" in response["Cache-Control"], f"{name} ?{query}"
            return
        assert response["Content-Type"].startswith("text/plain"), f"{name} ?{query}"
        assert response.content.strip(), f"{name} ?{query}: a 400 that says nothing"
        return
    assert status == 200, f"{name} ?{query} answered {status}"
    errors = filter_errors(response)
    event("filter errors shown" if errors else "no filter errors")
    if errors:
        html = response.content.decode()
        for message in errors:
            assert escape(message) in html, f"{name} ?{query}: error not shown: {message}"
        assert "no-store" in response.get("Cache-Control", ""), f"{name} ?{query}"


def test_every_public_page_is_fuzzed(site, client):
    """Each list page declares the parameters it reads (so its filters are fuzzed
    below), and each detail page can be filled in from the fixture's records."""
    assert {name for name, _pattern in LISTS} >= {
        "cities:list",
        "institutions:list",
        "events:list",
        "events:feed",
        "portal:news-list",
    }
    for name, pattern in LISTS:
        if name.endswith(("list", "feed")) and name != "portal:news-feed":
            assert declared_params(pattern), f"{name} declares no parameters"
    for name, pattern in DETAILS:
        assert detail_path(client, site, name, pattern, "en"), f"no record fills {name}"


def detail_path(client, records, name, pattern, lang):
    """The path of ``name`` for the first record of the fixture it answers 200 for."""
    converters = set(pattern.pattern.converters)
    # A calendar's year, month and day: today's.
    dated = {key: getattr(today(), key) for key in ("year", "month", "day") if key in converters}
    for record in records:
        kwargs = {**dated, "slug": record.slug} if "slug" in converters else dated
        if set(kwargs) != converters:
            continue
        path = path_of(name, lang, **kwargs)
        if client.get(path).status_code == 200:
            return path
    return None


@pytest.mark.parametrize("name, pattern", LISTS, ids=[name for name, _pattern in LISTS])
@fuzz_settings(max_examples=30)
@given(data=st.data())
def test_list_filters_take_any_query(site, client, name, pattern, data):
    params = declared_params(pattern)
    lang = data.draw(st.sampled_from(LANGUAGES), label="lang")
    query = data.draw(queries(params, plausible_values(site)), label="query")
    response = client.get(list_path(name, pattern, lang), QUERY_STRING=query)
    check(response, name, query)


@pytest.fixture
def found():
    return {}


@pytest.mark.parametrize("name, pattern", DETAILS, ids=[name for name, _pattern in DETAILS])
@fuzz_settings(max_examples=8)
@given(data=st.data())
def test_detail_pages_ignore_any_query(site, client, found, name, pattern, data):
    lang = data.draw(st.sampled_from(LANGUAGES), label="lang")
    if lang not in found:  # once per language, not per example
        found[lang] = detail_path(client, site, name, pattern, lang)
    path = found[lang]
    query = data.draw(queries([], plausible_values(site)), label="query")
    response = client.get(path, QUERY_STRING=query)
    assert response.status_code == 200, f"{path}?{query} answered {response.status_code}"


@pytest.mark.page_cache
@fuzz_settings(max_examples=40)
@given(data=st.data())
def test_filters_take_any_query_through_the_page_cache(site, client, data):
    """The same through the page cache, which rewrites a page's query (declared names
    only, the last of repeated values, trimmed, page numbers as plain numbers) before
    the view reads it. Stored answers (hits) have no context: their status is checked."""
    name, pattern = data.draw(st.sampled_from(LISTS), label="page")
    lang = data.draw(st.sampled_from(LANGUAGES), label="lang")
    query = data.draw(queries(declared_params(pattern), plausible_values(site)), label="query")
    response = client.get(list_path(name, pattern, lang), QUERY_STRING=query)
    check(response, name, query)


@fuzz_settings(max_examples=25)
@given(
    language=st.one_of(st.sampled_from(NASTY), TEXT, st.just("ko-KR,ko;q=0.9,en;q=0.8")),
    cookie=st.one_of(st.sampled_from(NASTY), TEXT),
    query=queries([], []),
)
def test_the_bare_domain_and_health_check_take_any_header(client, language, cookie, query):
    """The language chooser reads Accept-Language and the language cookie; the health
    check reads nothing. Neither fails on what a client sends."""
    headers = {"accept-language": language.encode().decode("latin-1")}
    client.cookies["django_language"] = cookie.encode().decode("latin-1")
    response = client.get("/", QUERY_STRING=query, headers=headers)
    assert response.status_code == 302
    assert response["Location"] in {path_of("portal:home", lang) for lang in LANGUAGES}
    assert client.get("/healthz", QUERY_STRING=query).status_code == 200


@fuzz_settings(max_examples=20)
@given(
    language=st.one_of(st.sampled_from(LANGUAGES), st.sampled_from(NASTY), TEXT),
    next_page=st.one_of(
        st.sampled_from(["/en/events/", "https://evil.example/", "//evil.example/", "/\\evil"]),
        st.sampled_from(NASTY),
        TEXT,
    ),
)
def test_the_language_switch_takes_any_post(client, language, next_page):
    """Django's language switch (the admin's): an answer, never a 5xx, and a redirect
    only to this site."""
    response = client.post("/i18n/setlang/", {"language": language, "next": next_page})
    event(f"HTTP {response.status_code}")
    assert response.status_code in (200, 302, 400)
    if response.status_code == 302:
        target = urlsplit(urljoin("http://testserver/i18n/setlang/", response["Location"]))
        assert target.netloc == "testserver", response["Location"]
