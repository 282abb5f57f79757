import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from cities.models import CreativeField, Region
from portal.blocks.fields import DatePrecision
from tests.factories import (
    CityFactory,
    EventFactory,
    MilestoneFactory,
    NewsFactory,
    PartnershipFactory,
)

pytestmark = pytest.mark.django_db


def url(name, lang="en", **kwargs):
    with translation.override(lang):
        return reverse(name, kwargs=kwargs or None)


def count_queries(client, path):
    client.get(path)  # warm what every page caches (e.g. the footer's links)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries)


# --- Directory -------------------------------------------------------------------------


def test_directory_lists_published_cities_only_in_the_page_language(client):
    CityFactory(slug="cheongju", name_en="Cheongju", name_ko="청주")
    CityFactory(slug="hidden", name_en="Hidden", status="draft")
    english = client.get(url("cities:list"))
    korean = client.get(url("cities:list", "ko"))
    assert english.status_code == korean.status_code == 200
    assert [c.slug for c in english.context["page_obj"]] == ["cheongju"]
    assert "Cheongju" in english.text and "Hidden" not in english.text
    assert "청주" in korean.text
    assert 'href="/en/cities/cheongju/"' in english.text


def test_directory_filters_by_field_region_country_and_year(client):
    CityFactory(
        slug="icheon",
        creative_field=CreativeField.CRAFTS_AND_FOLK_ART,
        country="KR",
        designation_year=2010,
    )
    CityFactory(
        slug="seoul", creative_field=CreativeField.DESIGN, country="KR", designation_year=2010
    )
    CityFactory(
        slug="bologna",
        creative_field=CreativeField.MUSIC,
        country="IT",
        region=Region.EUROPE_NORTH_AMERICA,
        designation_year=2006,
    )

    def slugs(**params):
        response = client.get(url("cities:list"), params)
        assert response.status_code == 200
        return sorted(c.slug for c in response.context["page_obj"])

    assert slugs(field="crafts") == ["icheon"]
    assert slugs(region="europe_north_america") == ["bologna"]
    assert slugs(country="KR") == ["icheon", "seoul"]
    assert slugs(year="2010") == ["icheon", "seoul"]
    assert slugs(country="KR", field="design", year="2010") == ["seoul"]


def test_country_choices_are_the_countries_present_with_localised_names(client):
    CityFactory(country="KR")
    CityFactory(country="IT")
    response = client.get(url("cities:list", "ko"))
    choices = dict(response.context["filter"].form.fields["country"].choices)
    assert set(choices) == {"", "KR", "IT"}
    assert choices["IT"] == "이탈리아"
    # A country with no city is not a valid choice.
    response = client.get(url("cities:list"), {"country": "FR"})
    assert "country" in response.context["filter"].form.errors


@pytest.mark.parametrize(
    "q, expected",
    [
        ("청주", ["cheongju"]),
        ("청", ["cheongju"]),
        ("cheong", ["cheongju"]),
        ("CHEONGJU", ["cheongju"]),
        # Two letters match a word's beginning; three or more, anywhere.
        ("on", []),
        ("ly", ["lyon"]),
        ("eon", ["cheongju"]),
        ("zzz", []),
    ],
)
def test_search_by_name_in_korean_and_english(client, q, expected):
    CityFactory(slug="cheongju", name_en="Cheongju", name_ko="청주")
    CityFactory(slug="lyon", name_en="Lyon", name_ko="리옹")
    response = client.get(url("cities:list", "ko"), {"q": q})
    assert sorted(c.slug for c in response.context["page_obj"]) == expected


def test_nothing_matches_says_so(client):
    CityFactory()
    response = client.get(url("cities:list"), {"q": "no such city"})
    assert response.status_code == 200
    assert "No cities match these filters." in response.text
    korean = client.get(url("cities:list", "ko"), {"q": "없는 도시"})
    assert korean.status_code == 200
    assert 'class="empty"' in korean.text


@pytest.mark.parametrize(
    "params, field",
    [
        ({"field": "zzz"}, "field"),
        ({"region": "mars"}, "region"),
        ({"year": "abc"}, "year"),
        ({"year": "2019.5"}, "year"),
        ({"year": "1900"}, "year"),
        ({"country": "XX"}, "country"),
        ({"q": "x" * 101}, "q"),
    ],
)
def test_bad_filter_values_give_200_and_a_form_error(client, params, field):
    CityFactory()
    response = client.get(url("cities:list"), params)
    assert response.status_code == 200
    assert field in response.context["filter"].form.errors
    assert list(response.context["page_obj"]) == []
    assert "Some filter values are not valid" in response.text
    assert 'aria-invalid="true"' in response.text


@pytest.mark.parametrize("page", ["999", "abc", "0"])
def test_bad_page_is_404(client, page):
    CityFactory()
    assert client.get(url("cities:list"), {"page": page}).status_code == 404


def test_pagination_keeps_the_filters(client):
    CityFactory.create_batch(30, creative_field=CreativeField.FILM)
    response = client.get(url("cities:list"), {"field": "film"})
    assert response.context["page_obj"].paginator.num_pages == 2
    assert "?field=film&amp;page=2" in response.text
    second = client.get(url("cities:list"), {"field": "film", "page": "2"})
    assert len(second.context["page_obj"]) == 6


def test_field_counts_follow_the_other_filters(client):
    CityFactory.create_batch(3, creative_field=CreativeField.CRAFTS_AND_FOLK_ART, country="KR")
    CityFactory(creative_field=CreativeField.MUSIC, country="KR")
    CityFactory(creative_field=CreativeField.MUSIC, country="IT")
    response = client.get(url("cities:list"), {"country": "KR", "field": "music"})
    counts = {key: count for key, _label, count in response.context["field_counts"]}
    # Counted over the country filter, not the field filter, so every field shows.
    assert counts == {"crafts": 3, "music": 1}
    assert 'Crafts and Folk Art <span class="facet-count">(3)</span>' in response.text


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_directory_queries_do_not_grow(client, lang):
    CityFactory.create_batch(5)
    path = url("cities:list", lang) + "?q=city&field=crafts"
    small = count_queries(client, path)
    CityFactory.create_batch(195, country="IT")
    assert count_queries(client, path) == small
    assert small <= 7  # one more than without the document library: the city's documents


def test_directory_list_loads_no_long_text(client):
    CityFactory(description_en="Long text " * 100)
    response = client.get(url("cities:list"))
    city = response.context["page_obj"][0]
    assert {"description", "description_en", "contact_email"} <= city.get_deferred_fields()


# --- Profile ---------------------------------------------------------------------------


def test_profile_shows_the_facts_in_english(client):
    city = CityFactory(
        slug="lyon",
        name_en="Lyon",
        name_ko="리옹",
        country="FR",
        region=Region.EUROPE_NORTH_AMERICA,
        creative_field=CreativeField.LITERATURE,
        previous_field=CreativeField.MEDIA_ARTS,
        field_changed_year=2023,
        designation_year=2008,
        population=520000,
        website="https://www.lyon.fr/",
        focal_point_en="Culture office",
        contact_email="culture@example.org",
        description_en="A **city** of lights.",
    )
    response = client.get(city.get_absolute_url().replace("/ko/", "/en/"))
    assert response.status_code == 200
    text = response.text
    for expected in (
        "Lyon",
        "Literature",
        "Media Arts until 2023",
        "2008",
        "France",
        "Europe and North America",
        "520,000",
        "https://www.lyon.fr/",
        "Culture office",
        "mailto:culture@example.org",
        "<strong>city</strong>",
    ):
        assert expected in text, expected


def test_profile_in_korean_marks_untranslated_text(client):
    city = CityFactory(
        slug="aswan",
        name_en="Aswan",
        name_ko="",
        country="EG",
        description_en="English only.",
        description_ko="",
    )
    response = client.get(url("cities:detail", "ko", slug=city.slug))
    assert response.status_code == 200
    # The heading holds the fallback text, marked with its language and nothing else;
    # the page says once, before its content, that some of it is in English.
    assert '<h1><span lang="en" class="untranslated">Aswan</span></h1>' in response.text
    assert response.text.count('class="translation-notice"') == 1
    assert '<div lang="en" class="untranslated"><p>English only.</p>' in response.text
    assert "영어" in response.text  # "shown in English", in Korean
    assert "이집트" in response.text  # the country's Korean name


def test_a_translated_name_has_no_note(client):
    city = CityFactory(slug="icheon", name_en="Icheon", name_ko="이천")
    text = client.get(url("cities:detail", "ko", slug=city.slug)).text
    assert "<h1>이천</h1>" in text
    assert "<h1>Icheon</h1>" in client.get(url("cities:detail", "en", slug=city.slug)).text


def test_profile_lists_partnerships_both_ways_with_partial_dates(client):
    city = CityFactory(slug="icheon", name_en="Icheon")
    santa_fe = CityFactory(slug="santa-fe", name_en="Santa Fe")
    kanazawa = CityFactory(slug="kanazawa", name_en="Kanazawa")
    PartnershipFactory(
        city=city,
        partner=santa_fe,
        title_en="Sister cities",
        start_date=datetime.date(2013, 11, 1),
        start_precision=DatePrecision.MONTH,
    )
    PartnershipFactory(
        city=kanazawa,
        partner=city,
        title_en="Exchange visit",
        start_date=datetime.date(2016, 12, 21),
        end_date=datetime.date(2016, 12, 23),
    )
    response = client.get(url("cities:detail", slug="icheon"))
    text = response.text
    assert "Sister cities" in text and "Exchange visit" in text
    assert 'href="/en/cities/santa-fe/"' in text and 'href="/en/cities/kanazawa/"' in text
    assert '<time datetime="2013-11">Nov 2013</time>' in text
    assert '<time datetime="2016-12-23">23 Dec 2016</time>' in text
    # And the partner's profile shows the same partnership.
    assert "Sister cities" in client.get(url("cities:detail", slug="santa-fe")).text


def test_profile_shows_joint_events(client):
    city = CityFactory()
    partnership = PartnershipFactory(city=city)
    event = EventFactory(title_en="Joint workshop")
    event.partnerships.add(partnership)
    EventFactory(title_en="Unrelated fair")
    response = client.get(url("cities:detail", slug=city.slug))
    assert list(response.context["joint_events"]) == [event]
    assert "Joint workshop" in response.text and "Unrelated fair" not in response.text


def test_profile_without_joint_events_lists_the_citys_own(client):
    city = CityFactory(name_en="Cheongju")
    PartnershipFactory(city=city)
    EventFactory(city=city, title_en="Craft biennale", start_date=datetime.date(2025, 9, 4))
    EventFactory(title_en="Elsewhere fair")
    response = client.get(url("cities:detail", slug=city.slug))
    assert response.context["joint_events"] == []
    assert [event.title_en for event in response.context["city_events"]] == ["Craft biennale"]
    assert "No joint events recorded yet. The latest events in Cheongju:" in response.text
    assert "Craft biennale" in response.text and "Elsewhere fair" not in response.text
    # Once a partnership has produced an event, the profile lists the joint events only.
    joint = EventFactory(title_en="Joint workshop")
    joint.partnerships.add(PartnershipFactory(city=city))
    response = client.get(url("cities:detail", slug=city.slug))
    assert response.context["joint_events"] == [joint] and response.context["city_events"] == []
    assert "Craft biennale" not in response.text


def test_profile_lists_the_citys_latest_published_events_of_many(client):
    from cities.views import JOINT_EVENTS_SHOWN

    city = CityFactory()
    PartnershipFactory(city=city)
    start = datetime.date(2020, 1, 1)
    for day in range(JOINT_EVENTS_SHOWN + 5):
        EventFactory(city=city, title_en=f"Day {day}", start_date=start + datetime.timedelta(day))
    # The newest is a draft, and one has no date yet: neither among the latest shown.
    EventFactory(city=city, title_en="Draft", start_date=datetime.date(2030, 1, 1), status="draft")
    EventFactory(city=city, title_en="Undated", start_date=None, end_date=datetime.date(2031, 1, 1))
    response = client.get(url("cities:detail", slug=city.slug))
    shown = [event.title_en for event in response.context["city_events"]]
    last = JOINT_EVENTS_SHOWN + 4
    assert shown == [f"Day {day}" for day in range(last, last - JOINT_EVENTS_SHOWN, -1)]


def test_profile_without_partnerships_names_the_citys_peers(client):
    city = CityFactory(name_en="Cheongju", country="KR", creative_field="crafts")
    CityFactory(slug="icheon", name_en="Icheon", country="KR", creative_field="crafts")
    CityFactory(name_en="Seoul", country="KR", creative_field="design")
    CityFactory(name_en="Kanazawa", country="JP", creative_field="crafts")
    text = client.get(url("cities:detail", slug=city.slug)).text
    assert "No partnership or joint event has been recorded yet." in text
    assert "Other UNESCO Creative Cities of Crafts and Folk Art in South Korea:" in text
    assert 'href="/en/cities/icheon/"' in text
    assert "Seoul" not in text and "Kanazawa" not in text
    korean = client.get(url("cities:detail", "ko", slug=city.slug)).text
    assert "대한민국의 다른 유네스코 공예와 민속예술 창의도시:" in korean
    # A city with a partnership lists it, not its peers.
    PartnershipFactory(city=city)
    assert (
        "Other UNESCO Creative Cities" not in client.get(url("cities:detail", slug=city.slug)).text
    )


def test_unknown_or_draft_profile_is_404_but_staff_preview(client, admin_user):
    draft = CityFactory(status="draft")
    assert client.get(url("cities:detail", slug="no-such-city")).status_code == 404
    assert client.get(url("cities:detail", slug=draft.slug)).status_code == 404
    client.force_login(admin_user)
    response = client.get(url("cities:detail", slug=draft.slug))
    assert response.status_code == 200 and response.context["is_preview"]


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_profile_of_a_city_without_partners_or_joint_events_stays_within_budget(client, lang):
    city = CityFactory(slug="new-member")
    path = url("cities:detail", lang, slug="new-member")

    def add(count):
        CityFactory.create_batch(count, country=city.country, creative_field=city.creative_field)
        EventFactory.create_batch(count, city=city)

    add(3)
    small = count_queries(client, path)
    add(40)
    assert count_queries(client, path) == small
    # The city, its partnerships, its peers, its journey, its events, its gallery, its
    # documents and the footer's pages.
    assert small <= 8


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_profile_queries_do_not_grow(client, lang):
    city = CityFactory(slug="home")
    MilestoneFactory.create_batch(2, city=city)

    def add(count):
        for _ in range(count):
            partnership = PartnershipFactory(city=city)
            EventFactory().partnerships.add(partnership)
            PartnershipFactory(partner=city)

    add(5)
    path = url("cities:detail", lang, slug="home")
    small = count_queries(client, path)
    add(100)
    assert count_queries(client, path) == small
    assert small <= 7  # one more than without the document library: the city's documents


def test_anonymous_city_pages_carry_no_cookie_or_csrf(client):
    city = CityFactory()
    for path in (url("cities:list"), url("cities:detail", slug=city.slug)):
        response = client.get(path)
        assert response.cookies == {}
        assert "csrfmiddlewaretoken" not in response.text


# --- Home ------------------------------------------------------------------------------


def test_home_shows_the_home_city_journey_and_partners(client):
    home = CityFactory(
        slug="cheongju",
        name_en="Cheongju",
        name_ko="청주",
        is_home=True,
        designation_year=2025,
        summary_en="The craft capital.",
    )
    MilestoneFactory(
        city=home,
        date=datetime.date(2018, 1, 1),
        date_precision=DatePrecision.YEAR,
        title_en="Candidate city",
    )
    MilestoneFactory(city=home, date=datetime.date(2025, 10, 31), title_en="Designated")
    MilestoneFactory(city=home, title_en="Draft step", status="draft")
    PartnershipFactory(city=home, partner=CityFactory(name_en="Kanazawa", country="JP"))
    PartnershipFactory(city=CityFactory(name_en="Limoges", country="FR"), partner=home)
    PartnershipFactory(city=home, partner=CityFactory(name_en="Jinju", country="KR"))
    response = client.get(url("portal:home"))
    text = response.text
    assert response.context["home"].city == home
    assert "UNESCO Creative City of Crafts and Folk Art since 2025" in text
    assert "The craft capital." in text
    assert '<ol class="timeline">' in text
    assert '<time datetime="2018">2018</time>' in text
    assert '<time datetime="2025-10-31">31 Oct 2025</time>' in text
    assert "Draft step" not in text
    assert "3 partner cities" in text and "3 countries" in text
    assert [c.name_en for c in response.context["home"].partner_cities] == [
        "Jinju",
        "Kanazawa",
        "Limoges",
    ]
    # The other apps' slots are still there.
    assert 'id="home-events"' in text and 'id="home-institutions"' in text


def test_home_without_partners_names_the_home_citys_peers(client):
    home = CityFactory(name_en="Cheongju", is_home=True, country="KR", creative_field="crafts")
    CityFactory(name_en="Jinju", country="KR", creative_field="crafts")
    CityFactory(name_en="Icheon", country="KR", creative_field="crafts")
    CityFactory(name_en="Kanazawa", country="JP", creative_field="crafts")
    response = client.get(url("portal:home"))
    assert response.context["home"].partner_cities == []
    assert [c.name_en for c in response.context["home"].peer_cities] == ["Icheon", "Jinju"]
    assert "Other UNESCO Creative Cities of Crafts and Folk Art in South Korea:" in response.text
    PartnershipFactory(city=home, partner=CityFactory(name_en="Limoges", country="FR"))
    response = client.get(url("portal:home"))
    assert [c.name_en for c in response.context["home"].partner_cities] == ["Limoges"]
    assert response.context["home"].peer_cities == []


def test_home_in_korean(client):
    CityFactory(name_ko="청주", is_home=True, designation_year=2025)
    response = client.get(url("portal:home", "ko"))
    assert response.status_code == 200
    assert "청주" in response.text


def test_home_without_a_home_city_says_so(client):
    CityFactory(is_home=False)
    CityFactory(is_home=True, status="draft")
    response = client.get(url("portal:home"))
    assert response.status_code == 200
    assert response.context["home"] is None
    assert "The home city of this portal has not been chosen yet." in response.text
    assert 'id="home-events"' in response.text


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_home_queries_do_not_grow(client, lang):
    home = CityFactory(is_home=True)

    def add(count):
        MilestoneFactory.create_batch(count, city=home)
        NewsFactory.create_batch(count)
        EventFactory.create_batch(count, city=home)
        for _ in range(count):
            PartnershipFactory(city=home)

    add(5)
    path = url("portal:home", lang)
    small = count_queries(client, path)
    add(195)
    assert count_queries(client, path) == small
    assert small <= 7  # one more than without the document library: the city's documents
