"""Pages with pictures in a real browser: the home page's hero and a profile's gallery
are accessible (axe-core), every image has its alt text, and nothing scrolls sideways
on a phone (390 px) nor on a laptop (1,366 px)."""

import pytest
from django.urls import reverse
from django.utils import translation

from portal.blocks.gallery import Licence
from tests.factories import (
    CityFactory,
    CityImageFactory,
    EventFactory,
    EventImageFactory,
    InstitutionFactory,
    InstitutionImageFactory,
)
from tests.portal.images import image_bytes, upload

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def pictured(factory, **kwargs):
    return factory(
        image=upload(image_bytes("JPEG", size=(1200, 675))),
        image_alt_ko="청자 유약의 푸른 무늬를 본뜬 그림",
        image_alt_en="A picture after the blue pattern of celadon glaze",
        **kwargs,
    )


@pytest.fixture
def pictures():
    home = pictured(CityFactory, slug="icheon", name_ko="이천", name_en="Icheon", is_home=True)
    for position, licence in enumerate((Licence.KOGL_1, Licence.CC_BY_SA, Licence.GENERATED)):
        CityImageFactory(city=home, position=position, licence=licence)
    institution = pictured(InstitutionFactory, city=home)
    InstitutionImageFactory(institution=institution, licence=Licence.KOGL_4)
    event = pictured(EventFactory, city=home)
    EventImageFactory(event=event, licence=Licence.ALL_RIGHTS_RESERVED)
    CityFactory()  # a card without a picture beside those with one
    return home, institution, event


def scrolls_sideways(page):
    return page.evaluate(
        "() => document.documentElement.scrollWidth > document.documentElement.clientWidth"
    )


@pytest.mark.parametrize("width", [390, 1366])
def test_pages_with_pictures_are_accessible_and_fit(new_page, live_server, axe, pictures, width):
    home, institution, event = pictures
    page = new_page()
    page.set_viewport_size({"width": width, "height": 844 if width == 390 else 768})
    with translation.override("ko"):
        urls = [
            reverse("portal:home"),
            home.get_absolute_url(),
            institution.get_absolute_url(),
            event.get_absolute_url(),
            reverse("cities:list"),
        ]
    for url in urls:
        page.goto(live_server.url + url)
        assert page.locator("img").count() >= 1, url
        assert page.locator("img:not([alt])").count() == 0, url
        assert not scrolls_sideways(page), url
        assert axe(page) == [], url

    page.goto(live_server.url + urls[0])
    hero = page.locator(".hero__image img")
    assert hero.get_attribute("alt") == "청자 유약의 푸른 무늬를 본뜬 그림"
    assert hero.get_attribute("fetchpriority") == "high"
    assert page.locator("link[rel=preload][as=image]").count() == 1

    page.goto(live_server.url + urls[1])
    figures = page.locator(".gallery figure")
    assert figures.count() == 3
    assert figures.locator("figcaption").count() == 3
    licence = figures.first.get_by_role("link", name="공공누리 제1유형: 출처표시")
    assert licence.get_attribute("href").startswith("https://www.kogl.or.kr/")
    box = licence.bounding_box()
    assert box["height"] >= 24
