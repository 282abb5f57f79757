"""The demo's pictures: drawn in code, the same every time, credited as generated."""

import io

import pytest
from django.urls import reverse
from django.utils import translation
from PIL import Image

from cities.models import City
from institutions.models import Institution
from portal.blocks.gallery import Licence
from portal.blocks.generated_images import SIZE, STYLES, generated_image
from tests.portal.test_demo import load_demo


@pytest.mark.parametrize("style", STYLES)
def test_a_generated_picture_is_a_small_jpeg_the_same_for_the_same_seed(style):
    data = generated_image("icheon", style=style)
    assert data == generated_image("icheon", style=style)
    assert data != generated_image("jinju", style=style)
    image = Image.open(io.BytesIO(data))
    assert (image.format, image.size) == ("JPEG", SIZE)
    assert len(data) < 250_000


@pytest.mark.django_db
def test_the_demo_illustrates_the_home_city_and_its_records_once(client):
    load_demo()
    home = City.objects.get(slug="icheon")
    assert home.image and home.image_width == SIZE[0] and home.image_alt_ko
    gallery = list(home.gallery.all())
    assert len(gallery) == 3
    for picture in gallery:
        assert picture.licence == Licence.GENERATED
        assert picture.credit_ko == "데모용 생성 이미지"
        assert picture.credit_en == "Generated for the demo"
        assert picture.image_alt_ko.startswith("데모용 생성 이미지")
    institutions = Institution.objects.filter(city=home)
    assert institutions and all(institution.image for institution in institutions)
    names = {picture.image.name for picture in gallery}
    versions = home.history.count()

    load_demo()
    home.refresh_from_db()
    assert {picture.image.name for picture in home.gallery.all()} == names
    assert home.history.count() == versions

    with translation.override("ko"):
        page = client.get(home.get_absolute_url()).text
        home_page = client.get(reverse("portal:home")).text
    assert page.count("<figure>") == 3 and "데모용 생성 이미지" in page
    assert 'rel="preload"' in home_page
