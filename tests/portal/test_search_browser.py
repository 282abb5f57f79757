"""The site search in a real browser: from the header's box on a wide screen and its
link on a phone, in both languages; axe-core finds nothing; no sideways scrolling at
390 px; the header keeps one row on a phone."""

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import CityFactory, DisciplineFactory, EventFactory, InstitutionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
WIDE = {"width": 1366, "height": 900}


@pytest.fixture
def content():
    icheon = CityFactory(slug="icheon", name_en="Icheon", name_ko="이천")
    ceramics = DisciplineFactory(slug="ceramics", name_en="Ceramics", name_ko="도자공예")
    foundation = InstitutionFactory(
        slug="korea-ceramic-foundation",
        name_en="Korea Ceramic Foundation",
        name_ko="한국도자재단",
        city=icheon,
        summary_en="Ceramics in Icheon.",
        summary_ko="이천의 도자 문화를 알립니다.",
    )
    foundation.disciplines.add(ceramics)
    EventFactory(title_en="Ceramic Biennale", title_ko="도자비엔날레", kind="biennale")


def home(live_server, lang):
    with translation.override(lang):
        return live_server.url + reverse("portal:home")


def no_sideways_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize(
    ("lang", "text", "heading"),
    [("ko", "도자", "한국도자재단"), ("en", "ceramic", "Korea Ceramic Foundation")],
)
def test_search_from_the_header_on_a_wide_screen(
    page, live_server, axe, content, lang, text, heading
):
    page.set_viewport_size(WIDE)
    page.goto(home(live_server, lang))
    box = page.locator("#site-search-q")
    box.fill(text)
    box.press("Enter")
    page.wait_for_url("**/search/?q=*")
    assert page.locator("html").get_attribute("lang") == lang
    assert heading in page.locator(".search-result h3").all_inner_texts()
    assert page.locator(".search-result mark").count() >= 1
    assert axe(page) == []


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_search_on_a_phone(page, live_server, axe, content, lang):
    page.set_viewport_size(PHONE)
    page.goto(home(live_server, lang))
    bar = page.locator(".site-header__bar").bounding_box()
    assert bar["height"] < 100  # one row: the name, the search link, the menu button
    assert not page.locator("#site-search-q").is_visible()
    page.locator(".utility__search").click()
    page.wait_for_url("**/search/")
    assert axe(page) == []
    page.locator("#id_q").fill("도자")
    page.locator(".search-form button[type=submit]").click()
    page.wait_for_url("**q=*")
    assert page.locator(".search-result").count() >= 1
    assert no_sideways_scroll(page)
    assert axe(page) == []
    page.locator("#id_q").fill("!!!")
    page.locator(".search-form button[type=submit]").click()
    page.wait_for_url("**q=*")
    assert page.locator(".errorlist").count() == 1
    assert no_sideways_scroll(page)
    assert axe(page) == []
