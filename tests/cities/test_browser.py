import pytest
from django.urls import reverse
from django.utils import translation

from cities import demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def network():
    demo.load(home="cheongju", log=lambda message: None)


def test_filter_the_directory_open_a_profile_and_the_home_page(page, live_server, axe, network):
    with translation.override("ko"):
        page.goto(live_server.url + reverse("cities:list"))
    assert page.get_by_role("heading", level=1).is_visible()
    assert axe(page) == []

    # Controls by id: the labels' Korean wording is the translators' to change.
    page.locator("#id_field").select_option("crafts")
    page.locator("#id_country").select_option("KR")
    page.locator("form.filters button[type=submit]").click()
    page.wait_for_url("**field=crafts**")
    cards = page.locator(".city-cards h2")
    names = cards.all_inner_texts()
    assert "청주" in names and "이천" in names and "Limoges" not in " ".join(names)
    assert axe(page) == []

    page.get_by_role("link", name="이천", exact=True).click()
    page.wait_for_url("**/ko/cities/icheon/")
    assert page.get_by_role("heading", level=1).inner_text() == "이천"
    assert page.get_by_role("link", name="산타페").is_visible()
    assert axe(page) == []

    page.get_by_role("link", name="English").click()
    page.wait_for_url("**/en/cities/icheon/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert axe(page) == []

    with translation.override("ko"):
        page.goto(live_server.url + reverse("portal:home"))
    assert page.locator("ol.timeline time[datetime='2025-10-31']").is_visible()
    # Cheongju has no partnership on record: the section names its Korean peers.
    partners = page.locator("section[aria-labelledby=home-partners]")
    assert partners.get_by_role("link", name="이천", exact=True).is_visible()
    assert axe(page) == []


def test_bad_filter_and_empty_result_pages_are_accessible(page, live_server, axe, network):
    with translation.override("en"):
        path = reverse("cities:list")
    page.goto(live_server.url + path + "?field=zzz&year=abc")
    assert page.locator("[aria-invalid='true']").count() == 2
    assert axe(page) == []
    page.goto(live_server.url + path + "?q=atlantis")
    assert page.get_by_text("No cities match these filters.").is_visible()
    assert axe(page) == []
