"""The directory and institution pages: filters, search, counts, queries, JSON-LD."""

import json
import re
from urllib.parse import quote

import pytest
from django.core.cache import cache
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from institutions.models import Institution, InstitutionKind
from tests.factories import CityFactory, DisciplineFactory, EventFactory, InstitutionFactory

pytestmark = pytest.mark.django_db


def url(name="institutions:list", lang="ko", **kwargs):
    with translation.override(lang):
        return reverse(name, kwargs=kwargs or None)


@pytest.fixture
def directory():
    icheon = CityFactory(slug="icheon", name_en="Icheon", name_ko="이천")
    cheongju = CityFactory(slug="cheongju", name_en="Cheongju", name_ko="청주")
    ceramics = DisciplineFactory(slug="ceramics", name_en="Ceramics", name_ko="도자공예")
    foundation = InstitutionFactory(
        slug="korea-ceramic-foundation",
        name_en="Korea Ceramic Foundation",
        name_ko="한국도자재단",
        kind=InstitutionKind.FOUNDATION,
        city=icheon,
        phone="+82316456501",
        homepage="https://www.kocef.org",
        address_en="263, Gyungchoongdae-ro 2697, Icheon",
    )
    foundation.disciplines.add(ceramics)
    school = InstitutionFactory(
        slug="korea-ceramic-art-high-school",
        name_en="Korea Ceramic Art High School",
        name_ko="한국도예고등학교",
        kind=InstitutionKind.SCHOOL,
        city=icheon,
    )
    school.disciplines.add(ceramics)
    factory = InstitutionFactory(
        slug="culture-factory",
        name_en="Culture Factory",
        name_ko="문화제조창",
        kind=InstitutionKind.MUSEUM,
        city=cheongju,
        latitude="36.650",
        longitude="127.488",
    )
    draft = InstitutionFactory(
        slug="draft-studio",
        name_en="Draft Studio",
        name_ko="초안 공방",
        city=icheon,
        status="draft",
    )
    return {
        "foundation": foundation,
        "school": school,
        "factory": factory,
        "draft": draft,
        "icheon": icheon,
        "ceramics": ceramics,
    }


def names(response):
    return [i.slug for i in response.context["page_obj"].object_list]


def test_list_shows_published_institutions_only(client, directory):
    response = client.get(url())
    assert response.status_code == 200
    assert sorted(names(response)) == [
        "culture-factory",
        "korea-ceramic-art-high-school",
        "korea-ceramic-foundation",
    ]
    assert "초안 공방" not in response.text
    # Korean page, Korean names, sorted as Korean readers expect (가나다).
    assert names(response) == [
        "culture-factory",
        "korea-ceramic-art-high-school",
        "korea-ceramic-foundation",
    ]
    assert '<a href="tel:+82316456501">031-645-6501</a>' in response.text


def test_anonymous_list_carries_no_cookie_and_no_csrf_token(client, directory):
    response = client.get(url(), {"kind": "school"})
    assert not response.cookies
    assert "csrfmiddlewaretoken" not in response.text


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"kind": "school"}, ["korea-ceramic-art-high-school"]),
        ({"discipline": "ceramics"}, ["korea-ceramic-art-high-school", "korea-ceramic-foundation"]),
        ({"city": "cheongju"}, ["culture-factory"]),
        ({"city": "Cheongju"}, ["culture-factory"]),
        ({"city": "청주"}, ["culture-factory"]),
        ({"city": "icheon", "kind": "foundation"}, ["korea-ceramic-foundation"]),
        # The discipline (도자공예) is searched too; a word of two letters matches the
        # beginning of a word, a longer one anywhere (portal/blocks/text_search.py).
        ({"q": "도자"}, ["korea-ceramic-art-high-school", "korea-ceramic-foundation"]),
        ({"q": "도자재단"}, ["korea-ceramic-foundation"]),
        ({"q": "한국"}, ["korea-ceramic-art-high-school", "korea-ceramic-foundation"]),
        ({"q": "ceramic FOUND"}, ["korea-ceramic-foundation"]),
        ({"q": "culture"}, ["culture-factory"]),
    ],
)
def test_filters(client, directory, params, expected):
    response = client.get(url(), params)
    assert response.status_code == 200
    assert sorted(names(response)) == expected


def test_korean_substring_search_finds_the_foundation_in_english_too(client, directory):
    response = client.get(url(lang="en"), {"q": "도자재단"})
    assert names(response) == ["korea-ceramic-foundation"]
    assert "Korea Ceramic Foundation" in response.text


def test_counts_per_kind_follow_the_other_filters(client, directory):
    response = client.get(url(), {"city": "icheon", "kind": "school"})
    counts = {facet["value"]: facet["count"] for facet in response.context["kind_counts"]}
    assert counts["school"] == 1 and counts["foundation"] == 1 and counts["museum"] == 0
    assert response.context["kind_total"] == 2
    selected = [facet["value"] for facet in response.context["kind_counts"] if facet["selected"]]
    assert selected == ["school"]
    assert 'href="?city=icheon&amp;kind=foundation"' in response.text


def test_empty_result_says_so(client, directory):
    response = client.get(url(lang="en"), {"q": "no such institution"})
    assert response.status_code == 200
    assert names(response) == []
    assert "No institutions match these filters." in response.text


@pytest.mark.parametrize(
    "params, field",
    [
        ({"kind": "volcano"}, "kind"),
        ({"discipline": "no-such-discipline"}, "discipline"),
        ({"city": "<script>"}, "city"),
        ({"q": "x" * 500}, "q"),
    ],
)
def test_bad_filter_values_answer_200_with_a_form_error(client, directory, params, field):
    response = client.get(url(lang="en"), params)
    assert response.status_code == 200
    assert field in response.context["filter"].form.errors
    assert names(response) == []
    assert "Some filters could not be used" in response.text
    assert 'aria-invalid="true"' in response.text


@pytest.mark.parametrize("city", ["atlantis", "Atlantis ", "아틀란티스"])
def test_an_unknown_city_is_an_error_on_the_form(client, directory, city):
    response = client.get(url(lang="en"), {"city": city})
    assert response.status_code == 200
    assert response.context["filter"].form.errors["city"] == [
        f"No city in the network is called “{city.strip()}”. Pick one from the "
        "suggestions, or use its web-address name, e.g. icheon."
    ]
    assert names(response) == []
    assert "Some filters could not be used" in response.text


@pytest.fixture
def in_a_draft_city(directory):
    """A published institution whose city is still a draft."""
    draft_city = CityFactory(
        slug="draft-city", name_en="Secret City", name_ko="비밀 도시", status="draft"
    )
    return InstitutionFactory(
        slug="hidden-city-studio",
        name_en="Hidden City Studio",
        name_ko="숨은 공방",
        city=draft_city,
    )


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_a_draft_city_is_not_named_on_directory_or_home_cards(client, in_a_draft_city, lang):
    for path in (url(lang=lang), url("portal:home", lang=lang)):
        text = client.get(path).text
        assert in_a_draft_city.name in text or in_a_draft_city.name_ko in text, path
        assert "Secret City" not in text and "비밀 도시" not in text, path
    # Its published neighbours still name theirs.
    assert "Icheon" in client.get(url(lang="en")).text


@pytest.mark.parametrize("city", ["draft-city", "Secret City", "비밀 도시"])
def test_the_city_filter_does_not_match_a_draft_city(client, in_a_draft_city, city):
    response = client.get(url(lang="en"), {"city": city})
    assert response.status_code == 200
    assert "city" in response.context["filter"].form.errors
    assert names(response) == []
    suggested = client.get(url("institutions:city-suggestions", lang="en")).json()
    assert not {"Secret City", "비밀 도시"} & {name for pair in suggested for name in pair}


def test_the_city_filter_costs_one_query_and_only_when_given(client, directory):
    def city_lookups(params):
        # Made afresh (a repeated request reads nothing: its results are remembered).
        cache.clear()
        reset_queries()  # the query log is capped: start it afresh to read it by index
        with CaptureQueriesContext(connection) as queries:
            client.get(url(), params)
        # The lookup reads only the cities' keys (the suggestions read names too).
        return [
            q
            for q in queries.captured_queries
            if q["sql"].startswith('SELECT "cities_city"."id" AS "pk" FROM')
        ]

    assert city_lookups({}) == []
    assert len(city_lookups({"city": "icheon"})) == 1


@pytest.mark.parametrize("page", ["abc", "999", "0", "-1"])
def test_bad_pages_are_404(client, directory, page):
    assert client.get(url(), {"page": page}).status_code == 404


def test_pagination_keeps_the_filters(client, directory):
    InstitutionFactory.create_batch(30, kind=InstitutionKind.SCHOOL, city=directory["icheon"])
    response = client.get(url(), {"kind": "school"})
    assert response.context["paginator"].count == 31
    assert 'href="?kind=school&amp;page=2"' in response.text
    assert client.get(url(), {"kind": "school", "page": 2}).status_code == 200


# Committed, as on a site: the suggestions are kept (by the page cache, and by the
# browser or a CDN for a few minutes) until a city or an institution changes, which is
# written when its transaction commits.
@pytest.mark.page_cache
@pytest.mark.django_db(transaction=True)
def test_city_suggestions_are_read_from_their_own_address(client, directory):
    response = client.get(url())
    field = re.search(r'<input [^>]*name="city"[^>]*>', response.text).group(0)
    assert 'list="id_city-suggestions"' in field and 'autocomplete="off"' in field
    assert f'data-suggestions="{url("institutions:city-suggestions")}"' in field
    # The page carries an empty list for the script to fill, not the cities.
    assert '<datalist id="id_city-suggestions"></datalist>' in response.text
    assert '<option value="이천">' not in response.text
    assert 'name="city"' in response.text and '<select name="city"' not in response.text

    suggestions = url("institutions:city-suggestions")
    # Picked by the name in the page's language (the other language's beside it).
    assert ["이천", "Icheon"] in client.get(suggestions).json()
    assert ["Icheon", "이천"] in client.get(url("institutions:city-suggestions", lang="en")).json()
    assert client.get(suggestions)["Cache-Control"].startswith("public")
    InstitutionFactory(city=CityFactory(slug="jinju", name_ko="진주", name_en="Jinju"))
    assert ["진주", "Jinju"] in client.get(suggestions).json()


def test_discipline_choices_follow_edits_at_once(client, directory):
    client.get(url())
    DisciplineFactory(slug="hanji", name_ko="한지공예")
    assert '<option value="hanji">한지공예</option>' in client.get(url()).text


def test_the_map_reads_every_match_from_its_geojson(client, directory):
    response = client.get(url(lang="en"), {"kind": "museum", "page": "1"})
    # Every match, not this page's: the list's filters, without its page number.
    assert 'data-geojson="/en/institutions/map.geojson?kind=museum"' in response.text
    assert 'data-tile-url="https://tile.openstreetmap.org/{z}/{x}/{y}.png"' in response.text
    # Leaflet is named for the map script to load when asked, never loaded by the page.
    assert re.search(
        r'data-leaflet-js="/static/vendor/leaflet/leaflet\.[0-9a-f]+\.js"', response.text
    )
    assert re.search(
        r'data-cluster-js="/static/vendor/leaflet.markercluster/'
        r'leaflet\.markercluster\.[0-9a-f]+\.js"',
        response.text,
    )
    assert not re.search(r'<script src="[^"]*leaflet', response.text)
    assert not re.search(r'<link rel="stylesheet" href="[^"]*leaflet', response.text)
    # Without a location among the matches there is no map and no Leaflet.
    response = client.get(url(lang="en"), {"city": "icheon"})
    assert response.context["map_count"].shown == 0
    assert "leaflet" not in response.text


def test_map_links_on_each_entry(client, directory):
    text = client.get(url()).text
    kakao = "https://map.kakao.com/link/map/" + quote("문화제조창") + ",36.650000,127.488000"
    assert kakao in text
    assert "https://map.naver.com/p/search/263%2C%20Gyungchoongdae-ro%202697%2C%20Icheon" in text


def _queries(client, path, *, cold):
    """Queries for one request: with a cold cache (the first visitor after a deploy) or
    warm (the site's navigation and footer regions are kept)."""
    if cold:
        cache.clear()
    else:
        client.get(path)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries)


def _grow(total, city, discipline):
    have = Institution.objects.count()
    made = InstitutionFactory.create_batch(
        total - have, city=city, latitude="37.28", longitude="127.44"
    )
    Institution.disciplines.through.objects.bulk_create(
        Institution.disciplines.through(institution=i, discipline=discipline) for i in made
    )


LIST_WITH_FILTERS = "?discipline=ceramics&q=기관&city=icheon"


def test_list_queries_do_not_grow_with_the_directory(client, directory, django_assert_num_queries):
    _grow(10, directory["icheon"], directory["ceramics"])
    path = url() + LIST_WITH_FILTERS
    small_cold = _queries(client, path, cold=True)
    small_warm = _queries(client, path, cold=False)
    _grow(500, directory["icheon"], directory["ceramics"])
    assert _queries(client, path, cold=True) == small_cold
    client.get(path)
    with django_assert_num_queries(small_warm):
        response = client.get(path)
    assert "기관 496곳" in response.text  # 500 less the fixture's 4
    assert small_warm <= 6


def test_unfiltered_list_queries_do_not_grow(client, directory, django_assert_num_queries):
    _grow(10, directory["icheon"], directory["ceramics"])
    small = _queries(client, url(), cold=False)
    _grow(500, directory["icheon"], directory["ceramics"])
    client.get(url())
    with django_assert_num_queries(small):
        client.get(url())
    assert small <= 6


def test_detail_queries_do_not_grow(client, directory, django_assert_num_queries):
    foundation = directory["foundation"]
    path = url("institutions:detail", slug=foundation.slug)
    EventFactory(venue=foundation)
    small = _queries(client, path, cold=False)
    for _ in range(20):
        EventFactory(venue=foundation).organisers.add(foundation)
    _grow(500, directory["icheon"], directory["ceramics"])
    client.get(path)
    with django_assert_num_queries(small):
        client.get(path)
    assert small <= 7  # the gallery is one of them
    cache.clear()
    with CaptureQueriesContext(connection) as cold:
        client.get(path)
    assert len(cold) <= 7


def test_detail_shows_every_field(client, directory):
    foundation = directory["foundation"]
    foundation.email = "info@example.org"
    foundation.postal_code = "17379"
    foundation.founded_year = 2001
    foundation.summary_en = "Runs the Icheon World Ceramic Center."
    foundation.description_en = "Located in **Seolbong Park**."
    foundation.save()
    response = client.get(url("institutions:detail", lang="en", slug=foundation.slug))
    assert response.status_code == 200
    text = response.text
    assert "<h1>Korea Ceramic Foundation</h1>" in text
    assert '<a href="tel:+82316456501">031-645-6501</a>' in text
    assert '<a href="https://www.kocef.org" rel="noopener external">' in text
    assert '<a href="mailto:info@example.org">' in text
    assert "263, Gyungchoongdae-ro 2697, Icheon (17379)" in text
    assert "<strong>Seolbong Park</strong>" in text
    assert "2001" in text and "Foundation" in text and "Ceramics" in text
    assert "map.kakao.com/link/search/" in text


def test_detail_in_korean_marks_an_untranslated_address(client, directory):
    response = client.get(url("institutions:detail", slug="korea-ceramic-foundation"))
    assert "<h1>한국도자재단</h1>" in response.text
    assert 'lang="en" class="untranslated">263, Gyungchoongdae-ro 2697, Icheon' in response.text


def test_detail_lists_events_hosted_and_organised(client, directory):
    foundation = directory["foundation"]
    hosted = EventFactory(title_en="Icheon Ceramic Festival", venue=foundation)
    organised = EventFactory(title_en="Ceramic Biennale")
    organised.organisers.add(foundation)
    EventFactory(title_en="Draft event", venue=foundation, status="draft")
    EventFactory(title_en="Someone else's event")
    response = client.get(url("institutions:detail", lang="en", slug=foundation.slug))
    assert set(response.context["events"]) == {hosted, organised}
    assert "Icheon Ceramic Festival" in response.text and "Ceramic Biennale" in response.text
    assert "Draft event" not in response.text and "Someone else" not in response.text


def test_detail_json_ld_is_a_schema_org_organization(client, directory):
    response = client.get(url("institutions:detail", lang="en", slug="korea-ceramic-foundation"))
    match = re.search(
        r'<script type="application/ld\+json">(.*?)</script>', response.text, re.DOTALL
    )
    data = json.loads(match.group(1))
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Organization"
    assert data["name"] == "Korea Ceramic Foundation"
    assert data["alternateName"] == "한국도자재단"
    assert data["telephone"] == "+82316456501"
    assert data["url"] == "https://www.kocef.org"
    assert data["address"]["addressCountry"] == "KR"
    assert data["address"]["addressLocality"] == "Icheon"
    assert data["knowsAbout"] == ["Ceramics"]


def test_json_ld_cannot_be_broken_out_of(client, directory):
    foundation = directory["foundation"]
    foundation.name_en = "</script><script>alert(1)</script>"
    foundation.save()
    response = client.get(url("institutions:detail", lang="en", slug=foundation.slug))
    block = re.search(
        r'<script type="application/ld\+json">(.*?)</script>', response.text, re.DOTALL
    ).group(1)
    assert json.loads(block)["name"] == "</script><script>alert(1)</script>"
    assert "<script>alert(1)" not in response.text


def test_detail_with_coordinates_has_a_small_map(client, directory):
    response = client.get(url("institutions:detail", slug="culture-factory"))
    assert response.context["map_points"][0]["lat"] == 36.65
    assert "data-map" in response.text


def test_unknown_and_draft_institutions_are_404_for_the_public(client, directory):
    assert client.get(url("institutions:detail", slug="no-such-place")).status_code == 404
    assert client.get(url("institutions:detail", slug="draft-studio")).status_code == 404


def test_staff_preview_a_draft(admin_client, directory):
    response = admin_client.get(url("institutions:detail", slug="draft-studio"))
    assert response.status_code == 200
    assert response.context["is_preview"] is True


def test_home_shows_a_few_institutions_and_links_the_directory(client, directory):
    response = client.get(url("portal:home", lang="en"))
    assert response.status_code == 200
    assert "Korea Ceramic Foundation" in response.text
    assert "Draft Studio" not in response.text
    assert f'href="{url(lang="en")}"' in response.text


def test_the_detail_page_does_not_name_a_draft_city(client):
    city = CityFactory(
        slug="secret-city", name_en="Secret City", name_ko="비밀 도시", status="draft"
    )
    institution = InstitutionFactory(city=city, address_en="1 Craft Road")
    response = client.get(institution.get_absolute_url())
    assert response.status_code == 200
    assert "비밀 도시" not in response.text and "Secret City" not in response.text
