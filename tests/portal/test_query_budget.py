"""How many queries a public page runs: a small number that does not grow with the
data when it is made, and none when the page cache serves it."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from tests.factories import (
    CityFactory,
    DisciplineFactory,
    EventFactory,
    InstitutionFactory,
    MilestoneFactory,
    NewsFactory,
    PageFactory,
    PartnershipFactory,
    SiteIdentityFactory,
    SocialLinkFactory,
)

pytestmark = pytest.mark.django_db

# What a page may run when it is made, header and footer included (the site identity
# with its social links is one query, when their regions are made). The home page and
# the city profile run the most: the home city with its partner cities, its journey,
# events, news and institutions; a city with its partnerships, journey, events and
# documents.
BUDGET = 8


def grow(count, home, discipline):
    for _ in range(count):
        partner = CityFactory()
        PartnershipFactory(city=home, partner=partner)
        MilestoneFactory(city=home)
        venue = InstitutionFactory(city=home)
        venue.disciplines.add(discipline)
        festival = EventFactory(city=home, venue=venue)
        EventFactory(parent=festival, city=home, venue=venue)
        festival.organisers.add(venue)
        EventFactory(city=home, venue=venue, repeat="weekly", repeat_count=5)
        NewsFactory()


@pytest.fixture
def site():
    home = CityFactory(slug="home", is_home=True)
    discipline = DisciplineFactory(slug="ceramics")
    PageFactory(slug="about", in_footer=True)
    SocialLinkFactory.create_batch(2, identity=SiteIdentityFactory(phone="+82 31-644-2000"))
    grow(3, home, discipline)
    return home, discipline


def pages(home):
    institution = home.institutions.order_by("pk").first()
    event = home.events.filter(parent=None).order_by("pk").first()
    with translation.override("en"):
        return {
            "portal:home": reverse("portal:home"),
            "cities:list": reverse("cities:list") + "?field=crafts",
            "cities:detail": home.get_absolute_url(),
            "institutions:list": reverse("institutions:list") + "?discipline=ceramics",
            "institutions:city-suggestions": reverse("institutions:city-suggestions"),
            "institutions:detail": institution.get_absolute_url(),
            "events:list": reverse("events:list"),
            # Typed words: the count comes with the page's keys.
            "events:list?q": reverse("events:list") + "?when=all&q=event",
            "institutions:list?q": reverse("institutions:list") + "?q=institution",
            "cities:list?q": reverse("cities:list") + "?q=city",
            "events:detail": event.get_absolute_url(),
            "events:feed": reverse("events:feed"),
            "events:month": reverse(
                "events:month",
                kwargs={"year": timezone.localdate().year, "month": timezone.localdate().month},
            )
            + f"?institution={institution.slug}",
            "portal:news-list": reverse("portal:news-list"),
            "portal:contact": reverse("portal:contact"),
        }


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def test_every_page_runs_the_same_few_queries_at_any_size(client, site, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    home, discipline = site
    urls = pages(home)
    small = {name: queries(client, url) for name, url in urls.items()}
    grow(30, home, discipline)
    large = {name: queries(client, url) for name, url in urls.items()}
    assert large == small, (small, large)
    for name, count in small.items():
        assert count <= BUDGET, (name, count)


@pytest.mark.page_cache
@pytest.mark.django_db(transaction=True)
def test_a_stored_page_runs_no_query(client, site):
    home, _discipline = site
    for name, url in pages(home).items():
        client.get(url)
        assert queries(client, url) == 0, name


@pytest.mark.page_cache
@pytest.mark.django_db(transaction=True)
def test_the_first_request_after_a_save_stays_within_budget(client, site):
    home, discipline = site
    urls = pages(home)
    for url in urls.values():
        client.get(url)
    InstitutionFactory(city=home).disciplines.add(discipline)
    for name, url in urls.items():
        assert queries(client, url) <= BUDGET, name


@pytest.mark.page_cache
@pytest.mark.django_db(transaction=True)
def test_the_request_that_notices_a_scheduled_time_stays_within_budget(client, site, monkeypatch):
    """The request that finds a publication time passed finds what changed (one query),
    what links to it (one per many-to-many relation of its model: a news item has two)
    and the next time to look (one), then makes its page."""
    home, _discipline = site
    at = timezone.now() + datetime.timedelta(minutes=5)
    NewsFactory(title_en="Scheduled news", publish_at=at)
    url = pages(home)["portal:home"]
    assert "Scheduled news" not in client.get(url).text
    monkeypatch.setattr(timezone, "now", lambda: at + datetime.timedelta(seconds=1))
    with CaptureQueriesContext(connection) as captured:
        assert "Scheduled news" in client.get(url).text
    assert len(captured) <= BUDGET + 4
