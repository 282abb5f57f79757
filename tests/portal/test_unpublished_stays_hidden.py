"""Nothing unpublished (a draft, or a record scheduled for later) appears in any public
output: pages, structured data, Atom and iCalendar feeds, filters and counts, even
where a published record points at it."""

import datetime
import json
import re
from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from cities.models import CreativeField, Region
from institutions.models import InstitutionKind
from portal.blocks.publishing import PublicationStatus
from tests.factories import (
    CityFactory,
    EventFactory,
    EventSeriesFactory,
    InstitutionFactory,
    MilestoneFactory,
    NewsFactory,
    PageFactory,
    PartnershipFactory,
)

pytestmark = pytest.mark.django_db

LANGUAGES = ("ko", "en")


class World:
    """Published records, each pointing at unpublished ones, and the texts of what
    must stay hidden (names and titles in both languages)."""

    def __init__(self):
        self.hidden_texts = []
        later = timezone.now() + datetime.timedelta(days=3)
        today = timezone.localdate()

        self.home = CityFactory(
            slug="cheongju", name_en="Cheongju", name_ko="청주", is_home=True, country="KR"
        )
        self.lyon = CityFactory(slug="lyon", name_en="Lyon", name_ko="리옹", country="FR")
        # Unpublished cities in countries, regions and a field no public city has.
        self.draft_city = self.draft(
            CityFactory,
            slug="hiddenford",
            name_en="Hiddenford",
            name_ko="숨은도시",
            country="JP",
            creative_field=CreativeField.DESIGN,
        )
        self.later_city = self.hide(
            CityFactory(
                slug="laterton",
                name_en="Laterton",
                name_ko="나중도시",
                country="BR",
                region=Region.LATIN_AMERICA_CARIBBEAN,
                publish_at=later,
            )
        )

        # Partnerships: published ones with a hidden city are hidden with it.
        PartnershipFactory(city=self.home, partner=self.lyon, title_en="Sister cities")
        self.hidden_partnership = PartnershipFactory(
            city=self.home,
            partner=self.draft_city,
            title_en="Pact with Hiddenford",
            title_ko="숨은도시 협약",
        )
        self.hidden_texts += ["Pact with Hiddenford", "숨은도시 협약"]
        PartnershipFactory(
            city=self.later_city,
            partner=self.home,
            title_en="Laterton accord",
            title_ko="나중 협정",
        )
        self.hidden_texts += ["Laterton accord", "나중 협정"]
        self.draft(
            PartnershipFactory,
            city=self.home,
            partner=self.lyon,
            title_en="Unsigned MOU",
            title_ko="미서명 협약",
        )
        MilestoneFactory(city=self.home, title_en="Candidate city", title_ko="후보 도시")
        self.draft(
            MilestoneFactory, city=self.home, title_en="Unannounced step", title_ko="비공개 단계"
        )

        # A published studio in a draft city; a draft workshop in the home city.
        self.studio = InstitutionFactory(
            slug="open-studio",
            name_en="Open Studio",
            name_ko="열린 공방",
            city=self.draft_city,
            address_en="1 Craft Street",
            address_ko="공예로 1",
            latitude=36.6,
            longitude=127.5,
            kind=InstitutionKind.STUDIO,
        )
        self.workshop = self.draft(
            InstitutionFactory,
            slug="closed-workshop",
            name_en="Closed Workshop",
            name_ko="닫힌 작업장",
            city=self.home,
            address_en="9 Hidden Lane",
            address_ko="비밀길 9",
            kind=InstitutionKind.MUSEUM,
        )

        # A published exhibition in the draft city, at the draft workshop, in a draft
        # series, part of a draft biennale, organised by both institutions, with a
        # draft programme item; a published timed concert in the scheduled city.
        self.series = self.draft(
            EventSeriesFactory, slug="hidden-series", name_en="Hidden Series", name_ko="숨은 시리즈"
        )
        self.biennale = self.draft(
            EventFactory,
            slug="secret-biennale",
            title_en="Secret Biennale",
            title_ko="비밀 비엔날레",
            city=self.home,
            start_date=today,
            end_date=today + datetime.timedelta(days=30),
        )
        self.exhibition = EventFactory(
            slug="open-exhibition",
            title_en="Open Exhibition",
            title_ko="열린 전시",
            city=self.draft_city,
            venue=self.workshop,
            series=self.series,
            edition=3,
            parent=self.biennale,
            start_date=today + datetime.timedelta(days=1),
            end_date=today + datetime.timedelta(days=3),
        )
        self.exhibition.organisers.add(self.workshop, self.studio)
        self.exhibition.partnerships.add(self.hidden_partnership)
        self.draft(
            EventFactory,
            slug="draft-talk",
            title_en="Draft Talk",
            title_ko="초안 강연",
            parent=self.exhibition,
            start_date=self.exhibition.start_date,
            end_date=self.exhibition.start_date,
        )
        starts = timezone.now().replace(microsecond=0) + datetime.timedelta(days=2)
        self.concert = EventFactory(
            slug="open-concert",
            title_en="Open Concert",
            title_ko="열린 음악회",
            city=self.later_city,
            all_day=False,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=2),
        )

        # News and pages.
        self.news = NewsFactory(slug="open-news", title_en="Open news", title_ko="공개 소식")
        self.news.cities.add(self.draft_city, self.later_city, self.lyon)
        self.news.events.add(self.biennale, self.exhibition)
        self.draft(NewsFactory, slug="embargoed", title_en="Embargoed news", title_ko="보도 유예")
        self.hide(
            NewsFactory(
                slug="tomorrow", title_en="Tomorrow's news", title_ko="내일 소식", publish_at=later
            )
        )
        self.page = PageFactory(slug="about", title_en="About us", title_ko="소개", in_footer=True)
        self.draft(
            PageFactory,
            slug="internal",
            title_en="Internal page",
            title_ko="내부 문서",
            in_footer=True,
        )

    def draft(self, factory, **fields):
        return self.hide(factory(status=PublicationStatus.DRAFT, publish_at=None, **fields))

    def hide(self, record):
        for name in ("name", "title"):
            for language in LANGUAGES:
                text = getattr(record, f"{name}_{language}", "")
                if text:
                    self.hidden_texts.append(text)
        for name in ("address_en", "address_ko"):
            if getattr(record, name, ""):
                self.hidden_texts.append(getattr(record, name))
        return record


@pytest.fixture
def world():
    return World()


def public_text(response):
    """What a visitor or a program receives, as text to search: iCalendar lines unfolded
    and unescaped, JSON-LD decoded."""
    data = b"".join(response.streaming_content) if response.streaming else response.content
    text = data.decode("utf-8-sig")
    if response["Content-Type"].startswith("text/calendar"):
        text = text.replace("\r\n ", "")
        text = re.sub(r"\\([,;\\])", r"\1", text).replace("\\n", "\n")
    for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', text, re.S):
        text += json.dumps(json.loads(block), ensure_ascii=False)
    return text


def hidden_shown(world, response):
    text = public_text(response)
    return [hidden for hidden in world.hidden_texts if hidden in text]


def assert_hides(world, response):
    assert hidden_shown(world, response) == [], response.request["PATH_INFO"]


def public_addresses(world):
    """Every public output, with filters that name published records."""
    return {
        "home": reverse("portal:home"),
        "city list": reverse("cities:list"),
        "city list by field": reverse("cities:list") + "?field=design",
        "home city": world.home.get_absolute_url(),
        "partner city": world.lyon.get_absolute_url(),
        "institution list": reverse("institutions:list"),
        "institution list by kind": reverse("institutions:list") + "?kind=museum",
        "institution in a draft city": world.studio.get_absolute_url(),
        "event list": reverse("events:list"),
        "all events": reverse("events:list") + "?when=all",
        "events in a city": reverse("events:list") + "?city=cheongju&when=all",
        "event": world.exhibition.get_absolute_url(),
        "timed event": world.concert.get_absolute_url(),
        "event as iCalendar": reverse("events:ics", args=[world.exhibition.slug]),
        "timed event as iCalendar": reverse("events:ics", args=[world.concert.slug]),
        "calendar feed": reverse("events:feed"),
        "whole calendar feed": reverse("events:feed") + "?when=all",
        "news list": reverse("portal:news-list"),
        "news item": world.news.get_absolute_url(),
        "news feed": reverse("portal:news-feed"),
        "page": world.page.get_absolute_url(),
        "not found": "/ko/no-such-page/",
        "robots.txt": reverse("robots"),
        "sitemap": reverse("sitemap"),
        **{
            f"sitemap of {section}": reverse("sitemap-section", kwargs={"section": section})
            for section in ("main", "cities", "institutions", "events", "news", "pages")
        },
        "events widget": reverse("events:widget") + "?city=cheongju&count=20",
        "embed page": reverse("events:embed"),
        "open data": reverse("portal:open-data"),
        "events as open data": reverse("portal:open-data-events-csv") + "?when=all",
        "events as open data (JSON)": reverse("portal:open-data-events-json") + "?when=all",
        "institutions as open data": reverse("portal:open-data-institutions-csv"),
        "cities as open data": reverse("portal:open-data-cities-csv"),
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_public_output_names_an_unpublished_record(client, world, language):
    with translation.override(language):
        addresses = public_addresses(world)
    leaks = {}
    for name, address in addresses.items():
        response = client.get(address)
        assert response.status_code == (404 if name == "not found" else 200), name
        if shown := hidden_shown(world, response):
            leaks[name] = shown
    assert leaks == {}


def json_ld(response):
    # The page's own data; its BreadcrumbList follows it.
    block = re.findall(r'<script type="application/ld\+json">(.*?)</script>', response.text, re.S)[
        0
    ]
    return json.loads(block)


def test_structured_data_and_calendars_name_no_unpublished_city(client, world):
    """The exhibition is in a draft city, at a draft venue; the studio in a draft city."""
    with translation.override("en"):
        event = json_ld(client.get(world.exhibition.get_absolute_url()))
        studio = json_ld(client.get(world.studio.get_absolute_url()))
        calendar = public_text(client.get(reverse("events:ics", args=[world.exhibition.slug])))
    assert "location" not in event and "superEvent" not in event
    assert [organiser["name"] for organiser in event["organizer"]] == ["Open Studio"]
    assert studio["address"] == {"@type": "PostalAddress", "streetAddress": "1 Craft Street"}
    assert "LOCATION" not in calendar


@pytest.mark.parametrize(
    "address, value",
    [
        ("/en/events/?city={}", "hiddenford"),
        ("/en/events/?city={}", "laterton"),
        ("/en/events/?series={}", "hidden-series"),
        ("/en/events/?part_of={}", "secret-biennale"),
        ("/en/events/?venue={}", "closed-workshop"),
        ("/en/events/ics/?city={}", "hiddenford"),
        ("/en/events/ics/?venue={}", "closed-workshop"),
        ("/en/institutions/?city={}", "hiddenford"),
        ("/en/institutions/?city={}", "Hiddenford"),
        ("/ko/institutions/?city={}", "숨은도시"),
        ("/en/cities/?country={}", "JP"),
        ("/en/cities/?region={}", "latin_america_caribbean"),
    ],
)
def test_a_filter_naming_an_unpublished_record_answers_as_for_none(client, world, address, value):
    """The answer is the one for a value that names nothing (the value itself aside,
    which the form shows back): no result, and nothing that tells the record exists."""
    response = client.get(address.format(value))
    unknown = "zz-unknown"
    if address.endswith("?region={}"):
        # Every region is a valid choice: with no public city there, the list is empty.
        assert response.status_code == 200
        assert not response.context["page_obj"].object_list
        assert_hides(world, response)
        return
    control = client.get(address.format(unknown))
    assert response.status_code == control.status_code
    # The value is shown back as typed, and URL-encoded in the language links.
    shown = public_text(response).replace(quote(value), unknown).replace(value, unknown)
    assert shown == public_text(control)


@pytest.mark.parametrize(
    "address",
    [
        "/en/cities/hiddenford/",
        "/en/cities/laterton/",
        "/en/institutions/closed-workshop/",
        "/en/events/secret-biennale/",
        "/en/events/secret-biennale/ics/",
        "/en/events/draft-talk/",
        "/en/news/embargoed/",
        "/en/news/tomorrow/",
        "/en/pages/internal/",
    ],
)
def test_an_unpublished_record_is_not_found(client, world, address):
    assert client.get(address).status_code == 404


def test_counts_count_only_what_is_public(client, world):
    with translation.override("en"):
        home = client.get(reverse("portal:home"))
        cities = client.get(reverse("cities:list"))
        institutions = client.get(reverse("institutions:list"))
        suggested = client.get(reverse("institutions:city-suggestions")).json()
        events = client.get(reverse("events:list") + "?when=all")
    assert [city.slug for city in home.context["home"].partner_cities] == ["lyon"]
    assert home.context["home"].partner_country_count == 1
    assert "1 partner city" in home.text
    assert cities.context["page_obj"].paginator.count == 2
    assert {key: count for key, _label, count in cities.context["field_counts"]} == {
        CreativeField.CRAFTS_AND_FOLK_ART: 2
    }
    countries = [code for code, _name in cities.context["filter"].form.fields["country"].choices]
    assert "JP" not in countries and "BR" not in countries
    assert institutions.context["page_obj"].paginator.count == 1
    assert institutions.context["kind_total"] == 1
    assert suggested == []  # the studio's city is a draft
    assert events.context["page_obj"].paginator.count == 2


def test_the_city_profile_lists_only_public_partnerships_and_joint_events(client, world):
    with translation.override("en"):
        home = client.get(world.home.get_absolute_url())
    assert [other.slug for _partnership, other in home.context["partnerships"]] == ["lyon"]
    assert [m.title_en for m in home.context["milestones"]] == ["Candidate city"]
    # The exhibition came out of the partnership with the draft city: not a joint event.
    assert list(home.context["joint_events"]) == []
