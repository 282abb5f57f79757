"""The demo as `make run` shows it, walked in Chromium: every public page type in Korean
and English, on a phone and on a laptop, is accessible (axe-core), gives every image its
alt text and never scrolls sideways; the home page shows the home city's partners,
institutions, events and news."""

import io

import pytest
from django.core.management import call_command

from tests.bench.screenshots import public_paths

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOME_SECTIONS = ("home-partners", "home-institutions", "home-events", "home-news")


@pytest.fixture
def demo():
    call_command("load_demo", stdout=io.StringIO())


@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize("width", [390, 1366])
def test_every_public_page_of_the_demo(new_page, live_server, axe, demo, lang, width):
    page = new_page("ko-KR" if lang == "ko" else "en-GB")
    page.set_viewport_size({"width": width, "height": 844 if width == 390 else 768})
    paths = public_paths()
    assert len(paths) >= 10
    for _name, path in paths:
        response = page.goto(f"{live_server.url}/{lang}/{path}")
        assert response.status == 200, path
        assert page.locator("html").get_attribute("lang") == lang, path
        assert page.locator("img:not([alt])").count() == 0, path
        assert not page.evaluate(
            "() => document.documentElement.scrollWidth > document.documentElement.clientWidth"
        ), path
        assert axe(page) == [], path

    page.goto(f"{live_server.url}/{lang}/")
    for heading in HOME_SECTIONS:
        section = page.locator(f"section[aria-labelledby={heading}]")
        assert section.get_by_role("link").count() >= 1, heading
    assert page.locator(".hero img").count() == 1
