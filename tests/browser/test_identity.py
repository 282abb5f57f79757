"""The office's identity in a real browser, on a 390 px phone and a 1,366 px screen in
both languages: the header's one row and its menu, the footer at the foot of a short
page, the contact page, and no sideways scrolling."""

import pytest

from tests.factories import PageFactory, SiteIdentityFactory, SocialLinkFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
SCREEN = {"width": 1366, "height": 768}
MENU = {"ko": "메뉴", "en": "Menu"}
NAV_LINKS = {
    "ko": ["홈", "도시", "기관", "행사", "소식", "자료실", "연락처"],
    "en": ["Home", "Cities", "Institutions", "Events", "News", "Documents", "Contact"],
}


@pytest.fixture
def office():
    identity = SiteIdentityFactory(
        contact=True, is_government_site=True, government_url="https://www.icheon.go.kr"
    )
    SocialLinkFactory(identity=identity, network_ko="인스타그램", network_en="Instagram")
    SocialLinkFactory(identity=identity, network_ko="네이버 블로그", network_en="Naver Blog")
    return identity


def open_page(new_page, live_server, path, viewport):
    page = new_page()
    page.set_viewport_size(viewport)
    page.goto(live_server.url + path)
    return page


def no_sideways_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def box(locator):
    found = locator.bounding_box()
    assert found is not None, locator
    return found


@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize("viewport", [PHONE, SCREEN], ids=["390", "1366"])
def test_contact_page_is_accessible_and_fits(new_page, live_server, axe, office, lang, viewport):
    page = open_page(new_page, live_server, f"/{lang}/contact/", viewport)
    assert axe(page) == []
    assert no_sideways_scroll(page)
    assert page.locator("main a[href='tel:+82316442000']").is_visible()
    # The official banner's explanation opens without JavaScript, and is accessible too.
    page.locator(".masthead__check > summary").click()
    assert page.locator(".masthead__panel").is_visible()
    assert axe(page) == []
    assert no_sideways_scroll(page)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_on_a_phone_the_header_is_one_row_until_the_menu_opens(new_page, live_server, office, lang):
    page = open_page(new_page, live_server, f"/{lang}/", PHONE)
    brand = box(page.locator(".brand"))
    language = box(page.locator(".language-switcher a:not([aria-current])"))
    button = box(page.get_by_text(MENU[lang], exact=True))
    # Name, other language and menu button side by side, in one row of the header.
    for item in (language, button):
        assert item["x"] > brand["x"] + brand["width"] - 1
        assert item["y"] < brand["y"] + brand["height"] and brand["y"] < item["y"] + item["height"]
    bar = box(page.locator(".site-header")).get("height") - box(page.locator(".masthead"))["height"]
    assert bar <= 2 * 48
    assert not page.get_by_role("link", name=NAV_LINKS[lang][1], exact=True).is_visible()
    assert no_sideways_scroll(page)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_phone_menu_opens_and_its_links_are_reached_by_keyboard(
    new_page, live_server, office, lang
):
    page = open_page(new_page, live_server, f"/{lang}/", PHONE)
    summary = page.locator(".site-menu__button")
    for _ in range(10):
        page.keyboard.press("Tab")
        if summary.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail("the menu button is not reached by keyboard")
    page.keyboard.press("Enter")
    assert page.locator(".site-menu").evaluate("el => el.open")
    navigation = page.get_by_role("navigation", name="주 메뉴" if lang == "ko" else "Main")
    for name in NAV_LINKS[lang]:
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.textContent.trim()")
        assert focused == name
        assert navigation.get_by_role("link", name=name, exact=True).is_visible()
    assert no_sideways_scroll(page)
    # The same button closes it.
    summary.click()
    assert not page.locator(".site-menu").evaluate("el => el.open")
    assert not navigation.get_by_role("link", name=NAV_LINKS[lang][1], exact=True).is_visible()


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_a_wide_screen_shows_the_menu_and_utility_links_without_a_button(
    new_page, live_server, office, lang
):
    page = open_page(new_page, live_server, f"/{lang}/", SCREEN)
    assert not page.locator(".site-menu__button").is_visible()
    navigation = page.get_by_role("navigation", name="주 메뉴" if lang == "ko" else "Main")
    for name in NAV_LINKS[lang][:-1]:
        assert navigation.get_by_role("link", name=name, exact=True).is_visible()
    assert page.locator(".utility__contact").is_visible()
    assert page.get_by_role("link", name="English").is_visible()
    assert page.get_by_role("link", name="한국어").is_visible()
    # Keyboard order: the name, the utility links and the search box, then the menu.
    order = []
    for _ in range(12):
        page.keyboard.press("Tab")
        order.append(page.evaluate("document.activeElement.innerText.trim()"))
    assert order.index(NAV_LINKS[lang][0]) > order.index("English")
    assert no_sideways_scroll(page)


@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize("viewport", [PHONE, SCREEN], ids=["390", "1366"])
def test_the_footer_sits_at_the_bottom_of_a_short_page(new_page, live_server, lang, viewport):
    page_record = PageFactory(slug="short", body_ko="짧은 글.", body_en="A short page.")
    page = open_page(new_page, live_server, f"/{lang}/pages/{page_record.slug}/", viewport)
    height = page.evaluate("window.innerHeight")
    assert page.evaluate("document.documentElement.scrollHeight") <= height  # a short page
    footer = box(page.locator(".site-footer"))
    assert abs(footer["y"] + footer["height"] - height) <= 1
    assert no_sideways_scroll(page)
