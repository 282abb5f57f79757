import pytest
from django.urls import reverse
from django.utils import translation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_in_both_languages_switch_and_axe(page, live_server, axe):
    page.goto(live_server.url + "/")
    # The browser asks for Korean first: / redirects to /ko/.
    assert page.url.endswith("/ko/")
    assert page.locator("html").get_attribute("lang") == "ko"
    assert axe(page) == []

    page.get_by_role("link", name="English").click()
    page.wait_for_url("**/en/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("navigation", name="Main").is_visible()
    assert axe(page) == []

    page.get_by_role("link", name="한국어").click()
    page.wait_for_url("**/ko/")
    assert page.locator("html").get_attribute("lang") == "ko"


def test_skip_link_moves_focus_to_main(page, live_server):
    with translation.override("ko"):
        page.goto(live_server.url + reverse("portal:home"))
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="본문 바로가기")
    assert skip.evaluate("el => el === document.activeElement")
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")


def test_not_found_page_is_translated_and_accessible(page, live_server, axe):
    response = page.goto(live_server.url + "/en/no-such-page/")
    assert response.status == 404
    assert page.get_by_role("heading", name="Page not found").is_visible()
    assert axe(page) == []


def test_a_form_refused_for_want_of_its_check_says_why_and_is_accessible(
    new_page, live_server, axe
):
    page = new_page(locale="en-GB")
    with translation.override("en"):
        form = live_server.url + reverse("alerts:subscribe")
    page.goto(form)
    # As when cookies are blocked: the form goes without the cookie its check needs.
    page.context.clear_cookies()
    with page.expect_navigation() as navigation:
        page.evaluate("document.querySelector('form[method=post]').submit()")
    assert navigation.value.status == 403
    assert page.get_by_role("heading", name="The form could not be sent").is_visible()
    back = page.get_by_role("link", name="Open the form again")
    assert back.get_attribute("href") == form
    assert axe(page) == []
