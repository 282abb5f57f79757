"""The directory in a real browser: filter, open an institution, follow its homepage and
phone links; axe-core on both pages; and the directory with JavaScript off."""

import pytest
from django.urls import reverse
from django.utils import translation

from institutions.models import InstitutionKind
from tests.factories import CityFactory, InstitutionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TILES = "https://tile.openstreetmap.org/**"
HOMEPAGE = "https://www.kocef.org/**"


@pytest.fixture
def directory():
    icheon = CityFactory(slug="icheon", name_en="Icheon", name_ko="이천")
    cheongju = CityFactory(slug="cheongju", name_en="Cheongju", name_ko="청주")
    InstitutionFactory(
        slug="korea-ceramic-foundation",
        name_en="Korea Ceramic Foundation",
        name_ko="한국도자재단",
        kind=InstitutionKind.FOUNDATION,
        city=icheon,
        phone="+82316456501",
        homepage="https://www.kocef.org",
        address_en="263, Gyungchoongdae-ro 2697, Icheon, Gyunggi Province",
    )
    InstitutionFactory(
        slug="korea-ceramic-art-high-school",
        name_en="Korea Ceramic Art High School",
        name_ko="한국도예고등학교",
        kind=InstitutionKind.SCHOOL,
        city=icheon,
        phone="+82316386842",
        homepage="https://www.doyego.hs.kr",
    )
    InstitutionFactory(
        slug="culture-factory",
        name_en="Culture Factory",
        name_ko="문화제조창",
        kind=InstitutionKind.MUSEUM,
        city=cheongju,
        latitude="36.650",
        longitude="127.488",
    )
    return ["한국도자재단", "한국도예고등학교", "문화제조창"]


def list_url(live_server):
    with translation.override("ko"):
        return live_server.url + reverse("institutions:list")


def test_filter_by_kind_open_an_institution_and_its_links(page, live_server, axe, directory):
    # Tiles are unreachable here: the page must not depend on them.
    page.route(TILES, lambda route: route.abort())
    page.goto(list_url(live_server))
    assert page.locator("html").get_attribute("lang") == "ko"
    # The map is drawn only on request, so Leaflet and the tiles are fetched only then.
    assert page.locator(".leaflet-container").count() == 0
    assert axe(page) == []
    page.get_by_role("button", name="지도에서 보기").click()
    page.locator(".leaflet-container").wait_for()
    assert page.locator(".leaflet-marker-icon").count() == 1
    assert axe(page) == []

    # The city field's suggestions are read when it is first used.
    suggestions = page.locator("#id_city-suggestions option")
    assert suggestions.count() == 0
    page.locator("#id_city").focus()
    page.locator("#id_city-suggestions option[value='이천']").wait_for(state="attached")
    assert suggestions.count() == 2  # the cities with an institution
    assert axe(page) == []

    page.locator("#id_kind").select_option("foundation")
    page.locator(".filters button[type=submit]").click()
    page.wait_for_url("**kind=foundation**")
    cards = page.locator(".institution-card h2")
    assert cards.all_inner_texts() == ["한국도자재단"]

    page.get_by_role("link", name="한국도자재단", exact=True).click()
    page.wait_for_url("**/ko/institutions/korea-ceramic-foundation/")
    assert page.get_by_role("heading", level=1).inner_text() == "한국도자재단"
    kakao = page.locator(".map-links a").nth(1)
    assert kakao.get_attribute("href").startswith("https://map.kakao.com/link/search/")
    assert axe(page) == []
    detail_url = page.url

    # The homepage link leaves for the institution's site (stubbed: no network here).
    page.route(
        HOMEPAGE,
        lambda route: route.fulfill(
            status=200, content_type="text/html", body="<title>KOCEF stub</title>"
        ),
    )
    with page.expect_navigation(url="https://www.kocef.org/"):
        page.get_by_role("link", name="https://www.kocef.org").click()
    assert page.title() == "KOCEF stub"
    page.go_back()
    page.wait_for_url(detail_url)

    # The phone link asks the browser to dial. Headless Chromium has no dialler: the
    # navigation request is issued and then aborted, and it is that request we check.
    # (Last: after an aborted tel: navigation this page navigates no further.)
    with page.expect_request(lambda request: request.url.startswith("tel:")) as call:
        page.get_by_role("link", name="031-645-6501").click()
    assert call.value.url == "tel:+82316456501"
    assert call.value.is_navigation_request()


def test_detail_with_a_map_is_accessible(page, live_server, axe, directory):
    page.route(TILES, lambda route: route.abort())
    with translation.override("en"):
        page.goto(
            live_server.url + reverse("institutions:detail", kwargs={"slug": "culture-factory"})
        )
    page.get_by_role("button", name="Show on a map").click()
    page.locator(".leaflet-marker-icon").wait_for()
    assert page.locator(".leaflet-marker-icon").count() == 1
    assert axe(page) == []


def test_without_javascript_the_list_is_complete(browser, live_server, directory):
    context = browser.new_context(java_script_enabled=False, locale="ko-KR")
    page = context.new_page()
    try:
        page.goto(list_url(live_server))
        names = page.locator(".institution-card h2").all_inner_texts()
        assert sorted(names) == sorted(directory)
        # The map stays hidden (no empty box) and every entry keeps its map links.
        assert not page.locator("[data-map]").is_visible()
        assert not page.locator("[data-map-button]").is_visible()
        assert page.locator(".leaflet-container").count() == 0
        assert page.locator(".map-links a[href^='https://www.openstreetmap.org/']").count() == 3
        page.locator("#id_kind").select_option("school")
        page.locator(".filters button[type=submit]").click()
        page.wait_for_url("**kind=school**")
        assert page.locator(".institution-card h2").all_inner_texts() == ["한국도예고등학교"]
    finally:
        context.close()


def test_every_file_the_directory_and_its_map_ask_for_is_served(page, live_server, directory):
    """Static files are kept under their hashed names only (settings:
    WHITENOISE_KEEP_ONLY_HASHED_FILES): the page, Leaflet and its marker images must
    name them so."""
    page.route(TILES, lambda route: route.abort())
    own = []
    page.on(
        "response",
        lambda response: (
            own.append((response.url, response.status))
            if response.url.startswith(live_server.url)
            else None
        ),
    )
    page.goto(list_url(live_server))
    page.get_by_role("button", name="지도에서 보기").click()
    page.locator(".leaflet-marker-icon").wait_for()
    page.wait_for_load_state("networkidle")
    assert [url for url, status in own if status >= 400] == []
    assert any("/static/vendor/leaflet/" in url and url.endswith(".png") for url, _ in own)
