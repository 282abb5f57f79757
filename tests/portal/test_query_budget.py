"""How many queries a public page runs: none once its parts are remembered, and a
small number that does not grow with the data on the first request after content
changes (when everything remembered is made again)."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from portal.cache import new_generation
from portal.publishing import PublicationStatus
from tests.factories import (
    CityFactory,
    DisciplineFactory,
    EventFactory,
    InstitutionFactory,
    MilestoneFactory,
    NewsFactory,
    PageFactory,
    PartnershipFactory,
)

pytestmark = pytest.mark.django_db

# What the first request after a change may run, on every page: the next change time
# with the footer's links (one query for the whole site), then the page's own content.
# The home page's is the most: the home city with its partner cities, its journey,
# events, news and institutions.
BUDGET = 6


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
        NewsFactory()


@pytest.fixture
def site():
    home = CityFactory(slug="home", is_home=True)
    discipline = DisciplineFactory(slug="ceramics")
    PageFactory(slug="about", in_footer=True)
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
            "institutions:detail": institution.get_absolute_url(),
            "events:list": reverse("events:list"),
            "events:detail": event.get_absolute_url(),
            "events:feed": reverse("events:feed"),
            "portal:news-list": reverse("portal:news-list"),
        }


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def after_a_change(client, url):
    new_generation()
    return queries(client, url)


def test_first_request_after_a_change_stays_within_budget_at_any_size(client, site):
    home, discipline = site
    urls = pages(home)
    for url in urls.values():
        client.get(url)  # what outlives a change (the discipline choices) is made once
    small = {name: after_a_change(client, url) for name, url in urls.items()}
    grow(30, home, discipline)
    large = {name: after_a_change(client, url) for name, url in urls.items()}
    assert large == small, (small, large)
    for name, count in small.items():
        assert count <= BUDGET, (name, count)


def test_the_first_request_after_a_scheduled_time_stays_within_budget(
        client, site, monkeypatch):
    """A record reaching its publication time starts a new generation, as a save does:
    the request that notices reads the next change (and the footer) once more."""
    home, _discipline = site
    at = timezone.now() + datetime.timedelta(minutes=5)
    NewsFactory(title_en="Scheduled news", publish_at=at)
    url = pages(home)["portal:home"]
    assert "Scheduled news" not in client.get(url).text
    monkeypatch.setattr(timezone, "now", lambda: at + datetime.timedelta(seconds=1))
    with CaptureQueriesContext(connection) as captured:
        assert "Scheduled news" in client.get(url).text
    assert len(captured) <= BUDGET


def test_repeated_requests_run_no_query(client, site):
    home, _discipline = site
    for name, url in pages(home).items():
        client.get(url)
        assert queries(client, url) == 0, name


def test_even_an_empty_cache_costs_at_most_one_query_more(client, site):
    """After a restart (a cold local cache) the caches that outlive a content change,
    such as the discipline choices, are made again too."""
    home, _discipline = site
    for name, url in pages(home).items():
        cache.clear()
        assert queries(client, url) <= BUDGET + 1, name


def test_a_detail_page_remembers_its_record_until_it_changes(client, admin_client):
    event = EventFactory(title_en="Before the edit")
    url = event.get_absolute_url()
    assert "Before the edit" in client.get(url).text
    assert queries(client, url) == 0
    event.title_en = "After the edit"
    event.save()
    assert "After the edit" in client.get(url).text
    event.status = PublicationStatus.DRAFT
    event.save()
    assert client.get(url).status_code == 404
    # Staff read the record afresh, drafts included, with the preview banner.
    response = admin_client.get(url)
    assert response.status_code == 200 and response.context["is_preview"]


def test_an_unknown_address_is_not_remembered(client):
    url = EventFactory(slug="later").get_absolute_url().replace("later", "sooner")
    assert client.get(url).status_code == 404
    EventFactory(slug="sooner")
    assert client.get(url).status_code == 200


def test_a_list_page_remembers_its_results_per_address(client):
    """A list's results (form, counts, cards, pagination) are kept per address until
    content changes: a repeat reads nothing, another filter is its own list, and an
    edit shows on the next request."""
    studio = InstitutionFactory(name_en="Kiln Studio", kind="studio")
    InstitutionFactory(name_en="Clay Museum", kind="museum")
    with translation.override("en"):
        url = reverse("institutions:list")
    assert "Kiln Studio" in client.get(url).text
    assert queries(client, url) == 0
    museums = client.get(url, {"kind": "museum"}).text
    assert "Clay Museum" in museums and "Kiln Studio" not in museums
    studio.name_en = "Kiln and Glaze Studio"
    studio.save()
    assert "Kiln and Glaze Studio" in client.get(url).text
    # The page around the results is made on every request: the language links name
    # the address asked for, filters and all.
    assert 'href="/ko/institutions/?kind=museum"' in client.get(url, {"kind": "museum"}).text


@pytest.mark.parametrize("name", ["cities:list", "institutions:list", "events:list"])
def test_a_bad_page_number_is_never_remembered(client, name):
    EventFactory()
    InstitutionFactory()
    with translation.override("en"):
        url = reverse(name)
    for _ in range(2):  # a remembered 404 would come back as a page of results
        assert client.get(url, {"page": "2"}).status_code == 404
    assert client.get(url, {"page": "1"}).status_code == 200


def test_the_home_page_shows_an_edit_of_its_journey_at_once(client):
    home = CityFactory(slug="home", is_home=True)
    milestone = MilestoneFactory(city=home, title_en="Joined the network")
    with translation.override("en"):
        url = reverse("portal:home")
    assert "Joined the network" in client.get(url).text
    assert queries(client, url) == 0
    milestone.title_en = "Joined the UNESCO network"
    milestone.save()
    assert "Joined the UNESCO network" in client.get(url).text
