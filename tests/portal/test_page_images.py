"""Images on public pages: responsive markup from the image block, cards, the home
hero and the galleries with their captions, credits and licence marks."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from cities.models import City
from portal.blocks.gallery import LICENCE_URLS, Licence, licence_mark
from portal.blocks.images import image_preload, responsive_image
from portal.models import News
from tests.factories import (
    CityFactory,
    CityImageFactory,
    EventFactory,
    EventImageFactory,
    InstitutionFactory,
    InstitutionImageFactory,
    NewsFactory,
    NewsImageFactory,
)
from tests.portal.images import image_bytes, upload

pytestmark = pytest.mark.django_db


def with_image(factory, **kwargs):
    return factory(
        image=upload(image_bytes("JPEG", size=(1000, 560))),
        image_alt_ko="청자 유약의 푸른 무늬",
        image_alt_en="Blue pattern of celadon glaze",
        **kwargs,
    )


def img_tags(html):
    return re.findall(r"<img\b[^>]*>", html)


def test_priority_decides_how_an_image_is_fetched():
    city = with_image(CityFactory)
    lazy = responsive_image(city.image, "alt", 1000, 560)
    assert 'loading="lazy"' in lazy and 'decoding="async"' in lazy
    assert "fetchpriority" not in lazy
    high = responsive_image(city.image, "alt", 1000, 560, priority="high")
    assert 'loading="eager"' in high and 'fetchpriority="high"' in high
    assert "decoding" not in high
    eager = responsive_image(city.image, "alt", 1000, 560, priority="eager")
    assert 'loading="eager"' in eager and "fetchpriority" not in eager
    with pytest.raises(ValueError):
        responsive_image(city.image, "alt", 1000, 560, priority="soon")


def test_an_image_without_stored_size_has_no_srcset_and_no_empty_attributes():
    city = with_image(CityFactory)
    html = responsive_image(city.image, "", None, None)
    assert "srcset" not in html and "sizes" not in html and "width" not in html
    assert 'alt=""' in html


def test_the_preload_names_the_same_renditions_as_the_image():
    city = with_image(CityFactory)
    link = image_preload(city.image, 1000, sizes="50vw")
    srcset = city.image.srcset(1000)
    assert link.startswith('<link as="image"') and 'rel="preload"' in link
    assert f'imagesrcset="{srcset}"' in link and 'imagesizes="50vw"' in link
    assert image_preload(City().image, None) == ""


def test_home_hero_is_the_home_city_image_preloaded(client):
    home = with_image(CityFactory, is_home=True)
    with translation.override("ko"):
        html = client.get(reverse("portal:home")).text
    head = html.split("</head>")[0]
    assert 'rel="preload"' in head and "imagesrcset=" in head and "imagesizes=" in head
    hero = html.split('class="hero hero--image"')[1].split("</section>")[0]
    (tag,) = img_tags(hero)
    assert 'alt="청자 유약의 푸른 무늬"' in tag
    assert 'fetchpriority="high"' in tag and 'loading="eager"' in tag
    assert f'width="{home.image_width}"' in tag and f'height="{home.image_height}"' in tag
    assert "-400w.webp 400w" in tag and "sizes=" in tag


def test_home_without_an_image_has_no_hero_image_nor_preload(client):
    CityFactory(is_home=True)
    html = client.get(reverse("portal:home")).text
    assert 'rel="preload"' not in html
    assert "hero--image" not in html


def test_cards_show_the_image_when_there_is_one(client):
    with_image(CityFactory, slug="glazed")
    CityFactory(slug="plain")
    html = client.get(reverse("cities:list")).text
    cards = re.findall(r'<li class="card[^"]*">.*?</li>', html, re.S)
    glazed = next(card for card in cards if "/glazed/" in card)
    plain = next(card for card in cards if "/plain/" in card)
    (tag,) = img_tags(glazed)
    for attribute in ("srcset=", "sizes=", "width=", "height=", 'loading="lazy"', "alt="):
        assert attribute in tag
    assert "card--image" in glazed
    assert img_tags(plain) == [] and "card--image" not in plain


@pytest.mark.parametrize(
    "factory, list_url",
    [
        (InstitutionFactory, "institutions:list"),
        (EventFactory, "events:list"),
        (NewsFactory, "portal:news-list"),
    ],
)
def test_every_kind_of_card_has_its_image(client, factory, list_url):
    with_image(factory)
    html = client.get(reverse(list_url)).text
    main = html.split('id="main"')[1]
    tags = img_tags(main)
    assert len(tags) == 1 and "card__image" in tags[0] and 'loading="lazy"' in tags[0]


def test_a_missing_file_never_breaks_a_page(client):
    city = CityFactory(is_home=True)
    City.objects.filter(pk=city.pk).update(
        image="cities/city/gone.jpg", image_width=1200, image_height=675, image_alt_ko="없음"
    )
    news = NewsFactory()
    News.objects.filter(pk=news.pk).update(image="portal/news/gone.png", image_alt_ko="없음")
    for url in (
        reverse("portal:home"),
        city.get_absolute_url(),
        reverse("cities:list"),
        news.get_absolute_url(),
        reverse("portal:news-list"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "gone" in response.text


def test_detail_pages_show_the_gallery_in_order_with_caption_credit_and_licence(client):
    city = CityFactory()
    second = CityImageFactory(city=city, position=2, caption_ko="둘째", licence=Licence.CC_BY)
    first = CityImageFactory(
        city=city,
        position=1,
        caption_ko="첫째",
        credit_ko="이천시",
        licence=Licence.KOGL_2,
    )
    with translation.override("ko"):
        html = client.get(city.get_absolute_url()).text
    gallery = html.split('class="gallery"')[1].split("</section>")[0]
    figures = re.findall(r"<figure>.*?</figure>", gallery, re.S)
    assert len(figures) == 2
    assert "첫째" in figures[0] and "둘째" in figures[1]
    assert "이천시" in figures[0]
    assert f'href="{LICENCE_URLS[Licence.KOGL_2]}"' in figures[0]
    assert 'rel="license noopener"' in figures[0]
    assert "공공누리 제2유형" in figures[0]  # the licence's full name, for screen readers
    for figure, picture in zip(figures, (first, second), strict=True):
        (tag,) = img_tags(figure)
        assert f'alt="{picture.image_alt_ko}"' in tag and 'loading="lazy"' in tag
        assert "<figcaption>" in figure


@pytest.mark.parametrize(
    "factory, record",
    [
        (CityImageFactory, "city"),
        (InstitutionImageFactory, "institution"),
        (EventImageFactory, "event"),
        (NewsImageFactory, "news"),
    ],
)
def test_a_gallery_costs_one_query_whatever_its_size(client, settings, factory, record):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    picture = factory()
    url = getattr(picture, record).get_absolute_url()

    def count():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        return len(captured), response.text.count("<figure>")

    one, shown = count()
    assert shown >= 1
    factory.create_batch(3, **{record: getattr(picture, record)})
    four, shown_after = count()
    assert (four, shown_after) == (one, shown + 3)


def test_every_licence_has_a_mark_with_its_name():
    for licence in Licence:
        mark = licence_mark(licence)
        assert "<svg" in mark and 'aria-hidden="true"' in mark
        assert str(licence.label) in mark
        assert ("href=" in mark) is (licence in LICENCE_URLS)
    assert licence_mark("stolen") == ""


def test_a_gallery_image_needs_an_image_alt_text_and_a_known_licence():
    city = CityFactory()
    picture = CityImageFactory.build(city=city, image_alt_ko="", image_alt_en="")
    with pytest.raises(ValidationError) as error:
        picture.full_clean()
    codes = {each.code for errors in error.value.error_dict.values() for each in errors}
    assert "alt_text_missing" in codes
    picture = CityImageFactory.build(city=city, licence="public-domain-ish")
    with pytest.raises(ValidationError) as error:
        picture.full_clean()
    assert "licence" in error.value.error_dict
    picture = CityImageFactory.build(city=city, image="")
    with pytest.raises(ValidationError) as error:
        picture.full_clean()
    assert "image" in error.value.error_dict


def test_the_gallery_is_edited_with_its_record_and_each_image_needs_alt_text(admin_client):
    from cities.models import CityImage

    city = CityFactory()
    form = admin_client.get(reverse("admin:cities_city_change", args=[city.pk])).text
    assert 'name="gallery-TOTAL_FORMS"' in form and 'name="gallery-__prefix__-licence"' in form
    url = reverse("admin:cities_cityimage_add")
    data = {"city": city.pk, "licence": Licence.KOGL_1, "position": 0}
    response = admin_client.post(url, {**data, "image": upload(image_bytes())})
    assert response.status_code == 200
    assert not CityImage.objects.exists()
    codes = {
        each.code
        for errors in response.context["adminform"].form.errors.as_data().values()
        for each in errors
    }
    assert "alt_text_missing" in codes
    response = admin_client.post(
        url, {**data, "image": upload(image_bytes()), "image_alt_ko": "가마 앞의 항아리"}
    )
    assert response.status_code == 302
    picture = CityImage.objects.get()
    assert picture.image_width == 1200 and picture.history.count() == 1
