"""The maps in a real browser: the directories' maps show every match of the demo (in
clusters or as markers), pass axe-core and fit a phone; the pages read the same with
JavaScript off; "nearest to me" sorts in the browser and sends the location nowhere."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from cities.models import City
from institutions.models import Institution
from tests.factories import CityFactory, InstitutionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TILES = "https://tile.openstreetmap.org/**"
PHONE = {"width": 390, "height": 844}


def address(live_server, name, lang="ko", **kwargs):
    with translation.override(lang):
        return live_server.url + reverse(name, kwargs=kwargs or None)


@pytest.fixture
def demo():
    call_command("load_demo", stdout=StringIO())


@pytest.fixture
def cheongju_demo():
    """The demo with Cheongju as the home city: its directory has a located institution."""
    call_command("load_demo", "--home", "cheongju", stdout=StringIO())


def shown_on_map(page):
    """Records the map shows: those in each cluster plus the single markers."""
    clusters = page.locator(".map-cluster span[aria-hidden=true]").all_inner_texts()
    singles = page.locator(".leaflet-marker-icon:not(.map-cluster)").count()
    return sum(int(count) for count in clusters) + singles


def draw_map(page):
    page.get_by_role("button", name="지도에서 보기").click()
    page.locator(".leaflet-container").wait_for()
    page.locator(".leaflet-marker-icon").first.wait_for()
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)  # the clusters' animation


def no_horizontal_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_world_map_shows_every_city_of_the_demo(page, live_server, axe, demo):
    page.route(TILES, lambda route: route.abort())
    page.set_viewport_size(PHONE)
    page.goto(address(live_server, "cities:list"))
    assert page.locator(".leaflet-container").count() == 0
    assert axe(page) == []
    draw_map(page)
    cities = City.objects.published().count()
    assert cities == 60
    # The page lists 24 at a time; the map has them all.
    assert page.locator(".city-cards > li").count() == 24
    assert shown_on_map(page) == cities
    assert page.locator(".map-cluster").count() > 0
    legend = page.locator("#cities-map-legend")
    assert legend.is_visible()
    assert "공예와 민속예술" in legend.inner_text()
    assert no_horizontal_scroll(page)
    assert axe(page) == []

    # A filter narrows the map as it narrows the list.
    page.goto(address(live_server, "cities:list") + "?field=architecture")
    draw_map(page)
    assert shown_on_map(page) == 5
    titles = page.locator(".map-symbol").evaluate_all("els => els.map(e => e.title)")
    assert "키토 — 건축" in titles or any(t.endswith("건축") for t in titles)


def test_the_institution_map_shows_every_match_of_the_demo(page, live_server, axe, cheongju_demo):
    page.route(TILES, lambda route: route.abort())
    page.set_viewport_size(PHONE)
    page.goto(address(live_server, "institutions:list"))
    total = Institution.objects.published().count()
    located = Institution.objects.published().on_map().count()
    assert (total, located) == (3, 1)
    missing = f"기관 {total}곳 중 {total - located}곳은 위치 정보가 없어"
    assert page.get_by_text(missing).is_visible()
    assert axe(page) == []
    draw_map(page)
    assert shown_on_map(page) == located
    to_the_list = "아래 목록에 찾은 기관이 모두 주소와 함께 있습니다."
    assert page.get_by_role("link", name=to_the_list).is_visible()
    assert no_horizontal_scroll(page)
    assert axe(page) == []


def test_a_city_profile_has_a_small_map(page, live_server, axe, demo):
    page.route(TILES, lambda route: route.abort())
    page.set_viewport_size(PHONE)
    page.goto(address(live_server, "cities:detail", slug="cheongju"))
    draw_map(page)
    assert page.locator(".leaflet-marker-icon").count() == 1
    assert page.get_by_role("region", name="청주 지도").is_visible()
    assert no_horizontal_scroll(page)
    assert axe(page) == []


def test_without_javascript_the_pages_say_the_same(browser, live_server, cheongju_demo):
    context = browser.new_context(java_script_enabled=False, locale="ko-KR")
    page = context.new_page()
    try:
        page.goto(address(live_server, "institutions:list"))
        assert page.locator(".institution-card").count() == 3
        assert page.get_by_text("기관 3곳 중 2곳은 위치 정보가 없어").is_visible()
        for hidden in ("[data-map]", "[data-map-button]", "[data-near-me]", ".map-note"):
            assert not page.locator(hidden).is_visible(), hidden
        page.goto(address(live_server, "cities:list") + "?field=architecture")
        assert page.locator(".city-cards > li").count() == 5
        assert not page.locator("#cities-map-legend").is_visible()
        page.goto(address(live_server, "cities:detail", slug="quito"))
        assert page.get_by_role("heading", level=1).inner_text() == "키토"
        assert not page.locator("[data-map]").is_visible()
        assert page.locator(".leaflet-container").count() == 0
    finally:
        context.close()


HERE = {"latitude": 36.64213, "longitude": 127.48957}  # in Cheongju


@pytest.fixture
def spread_out():
    cheongju = CityFactory(slug="cheongju", name_ko="청주")
    seoul = CityFactory(slug="seoul", name_ko="서울")
    busan = CityFactory(slug="busan", name_ko="부산")
    InstitutionFactory(name_ko="청주 공방", city=cheongju, latitude="36.65", longitude="127.49")
    InstitutionFactory(name_ko="서울 공방", city=seoul, latitude="37.5665", longitude="126.978")
    InstitutionFactory(name_ko="부산 공방", city=busan, latitude="35.1796", longitude="129.0756")
    InstitutionFactory(name_ko="주소 없는 공방", city=busan)


def test_nearest_to_me_sorts_in_the_browser_and_sends_the_location_nowhere(
    browser, live_server, axe, spread_out
):
    context = browser.new_context(
        bypass_csp=True, locale="ko-KR", geolocation=HERE, permissions=["geolocation"]
    )
    page = context.new_page()
    sent = []
    page.on("request", lambda request: sent.append((request.url, request.post_data or "")))
    page.route(TILES, lambda route: route.abort())
    try:
        page.goto(address(live_server, "institutions:list"))
        button = page.get_by_role("button", name="내 주변 가까운 곳 보기")
        # Its help text says what happens to the location, before anything is asked.
        assert "전송되지 않습니다" in button.evaluate(
            "el => document.getElementById(el.getAttribute('aria-describedby')).textContent"
        )
        draw_map(page)
        button.click()
        nearest = page.locator("[data-near-me-list] li")
        nearest.first.wait_for()
        texts = nearest.all_inner_texts()
        nearest_first = ["청주 공방", "서울 공방", "부산 공방"]
        assert [re.sub(r" · .*", "", text) for text in texts] == nearest_first
        assert re.search(r"· 0\.9\s?km$", texts[0])  # 0.87 km away
        assert page.locator("[data-near-me-status]").inner_text().startswith("찾은 기관 중")
        # The nearest one's popup fades in: axe reads colours once it is opaque.
        page.wait_for_function(
            "() => [...document.querySelectorAll('.leaflet-popup')]"
            ".every(p => getComputedStyle(p).opacity === '1')"
        )
        assert axe(page) == []
        page.wait_for_load_state("networkidle")
        leaked = [
            (url, body)
            for url, body in sent
            if any(digits in url + body for digits in ("36.642", "127.489", "36,642", "127,489"))
        ]
        assert leaked == []
        assert any("map.geojson" in url for url, _body in sent)
    finally:
        context.close()


def test_nearest_to_me_when_the_location_is_refused(browser, live_server, spread_out):
    context = browser.new_context(locale="ko-KR")  # no permission granted
    page = context.new_page()
    try:
        page.goto(address(live_server, "institutions:list"))
        page.get_by_role("button", name="내 주변 가까운 곳 보기").click()
        page.get_by_text("브라우저가 위치를 알려 주지 않았습니다", exact=False).wait_for()
        assert page.locator("[data-near-me-list] li").count() == 0
    finally:
        context.close()
