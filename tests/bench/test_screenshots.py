"""`make screenshots` (tests/bench/screenshots.py), for one public page and one admin
screen: full-page PNGs at the width asked for."""

import pytest
from PIL import Image

from tests.bench import screenshots
from tests.factories import CityFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_screenshots_of_a_public_page_and_the_admin(new_page, live_server, tmp_path):
    from portal.blocks.roles import sync_roles
    from tests.browser.staff import log_in

    sync_roles()
    home = CityFactory(is_home=True, slug="icheon")
    assert ("home-city", "cities/icheon/") in screenshots.public_paths()
    page = new_page("ko-KR")
    target = tmp_path / "ko-390-home-city.png"
    assert screenshots.shoot(page, f"{live_server.url}/ko/cities/{home.slug}/", target, 390) == 200
    with Image.open(target) as image:
        assert image.width == 390 and image.height > 600

    screenshots.staff_account()
    log_in(page, live_server, screenshots.USERNAME)
    name, path = screenshots.admin_paths()[0]
    target = tmp_path / f"ko-1366-{name}.png"
    assert screenshots.shoot(page, live_server.url + path, target, 1366) == 200
    with Image.open(target) as image:
        assert image.width == 1366
