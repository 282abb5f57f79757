"""The alerts pages in a real browser: axe-clean in both languages, on a phone and a
laptop, from the form through the confirmation to changing and unsubscribing."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from events.alerts.models import Subscription
from tests.events.alerts_helpers import link_in, path_of
from tests.factories import CityFactory, EventSeriesFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (390, 1366)


def check(page, axe, width):
    page.set_viewport_size({"width": width, "height": 900})
    assert axe(page) == []
    # Nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("language", ["ko", "en"])
def test_subscribe_confirm_change_and_unsubscribe(page, live_server, axe, language):
    CityFactory(slug="icheon", name_ko="이천", name_en="Icheon", is_home=True)
    EventSeriesFactory(slug="cheongju-biennale", name_ko="비엔날레", name_en="Biennale")
    mail.outbox.clear()
    with translation.override(language):
        url = live_server.url + reverse("alerts:subscribe") + "?kind=workshop"
    page.goto(url)
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("input[name=kinds][value=workshop]").is_checked()
    for width in WIDTHS:
        check(page, axe, width)

    # A wrong address: the error is shown, tied to its input.
    page.locator("#id_email").fill("not an address")
    page.locator(".alerts-form button[type=submit]").click()
    page.wait_for_selector("#id_email_error")
    assert page.locator("#id_email").get_attribute("aria-invalid") == "true"
    for width in WIDTHS:
        check(page, axe, width)

    page.locator("#id_email").fill("reader@example.org")
    series = page.get_by_role("group", name="행사 시리즈" if language == "ko" else "Event series")
    series.get_by_label("비엔날레" if language == "ko" else "Biennale").check()
    page.locator(".alerts-form button[type=submit]").click()
    page.wait_for_url("**/alerts/sent/")
    for width in WIDTHS:
        check(page, axe, width)

    (message,) = mail.outbox
    page.goto(live_server.url + path_of(link_in(message, "confirm")))
    for width in WIDTHS:
        check(page, axe, width)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert Subscription.objects.get().is_confirmed
    for width in WIDTHS:
        check(page, axe, width)

    # The confirmed page links to the choices (as every later mail does).
    page.locator("main a[href*='/alerts/manage/']").click()
    page.wait_for_url("**/alerts/manage/**")
    for width in WIDTHS:
        check(page, axe, width)
    page.locator("input[name=kinds][value=fair]").check()
    page.locator(".alerts-form button[type=submit]").click()
    page.wait_for_url("**saved=1")
    assert page.locator("[role=status]").is_visible()
    assert sorted(Subscription.objects.get().kinds) == ["fair", "workshop"]
    check(page, axe, 390)

    page.goto(live_server.url + path_of(link_in(message, "unsubscribe")))
    for width in WIDTHS:
        check(page, axe, width)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert not Subscription.objects.exists()
    for width in WIDTHS:
        check(page, axe, width)
