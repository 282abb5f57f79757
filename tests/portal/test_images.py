import io
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import Image

from portal.blocks.images import (
    SafeImageFieldFile,
    rendition_name,
    rendition_widths,
    responsive_image,
    sanitised_image,
    validate_image_file,
)
from portal.models import News
from tests.portal.images import gps_exif, image_bytes, upload


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_real_images_are_accepted(fmt):
    validate_image_file(upload(image_bytes(fmt), name=f"x.{fmt.lower()}"))


@pytest.mark.parametrize(
    "data, name, code",
    [
        (b"", "empty.jpg", "empty"),
        (b"<html><script>alert(1)</script></html>", "page.jpg", "not_an_image"),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "logo.svg",
            "not_an_image",
        ),
        (image_bytes("JPEG")[:2000], "truncated.jpg", "damaged"),
        (image_bytes("GIF", mode="P"), "anim.gif", "format"),
        (image_bytes("BMP"), "old.bmp", "format"),
    ],
)
def test_bad_files_are_rejected_with_a_message(data, name, code):
    with pytest.raises(ValidationError) as caught:
        validate_image_file(upload(data, name=name))
    assert caught.value.code == code
    assert str(caught.value.messages[0])  # a message a person can read


def test_too_many_pixels_by_our_limit(settings):
    settings.IMAGE_MAX_PIXELS = 1000 * 1000
    with pytest.raises(ValidationError) as caught:
        validate_image_file(upload(image_bytes("PNG", size=(2000, 1000))))
    assert caught.value.code == "too_many_pixels"


def test_decompression_bomb_is_a_validation_error_not_a_crash(settings):
    # 20,000 × 10,000 one-bit pixels compress to a few kB: past Pillow's own bomb limit.
    settings.IMAGE_MAX_PIXELS = 10**12
    bomb = image_bytes("PNG", size=(20_000, 10_000), mode="1")
    assert len(bomb) < 1_000_000
    with pytest.raises(ValidationError) as caught:
        validate_image_file(upload(bomb, name="bomb.png", content_type="image/png"))
    assert caught.value.code == "too_many_pixels"


def test_too_many_bytes(settings):
    settings.IMAGE_MAX_BYTES = 1000
    with pytest.raises(ValidationError) as caught:
        validate_image_file(upload(image_bytes("PNG", size=(400, 400))))
    assert caught.value.code == "too_large"


def test_sanitising_removes_exif_and_applies_orientation():
    original = image_bytes("JPEG", size=(1200, 800), exif=gps_exif(orientation=6))
    assert Image.open(io.BytesIO(original)).getexif().get(0x8825)
    data, extension, size = sanitised_image(upload(original))
    cleaned = Image.open(io.BytesIO(data))
    assert extension == "jpg"
    assert size == (800, 1200)  # turned upright
    assert dict(cleaned.getexif()) == {}
    assert b"Secret Camera Maker" not in data
    assert "exif" not in cleaned.info


def test_rendition_widths_never_scale_up():
    assert rendition_widths(2000) == [400, 800, 1600]
    assert rendition_widths(1000) == [400, 800, 1000]
    assert rendition_widths(300) == [300]
    assert rendition_widths(None) == []


class FakeField:
    storage = default_storage
    upload_to = ""
    max_length = 200
    attname = "image"

    def generate_filename(self, instance, filename):
        return filename


def test_saving_stores_clean_image_and_webp_renditions():
    field_file = SafeImageFieldFile(SimpleNamespace(), FakeField(), None)
    field_file.save(
        "my holiday.jpg",
        upload(image_bytes("JPEG", size=(1000, 500), exif=gps_exif(1))),
        save=False,
    )
    assert field_file.name.endswith(".jpg")
    assert "holiday" not in field_file.name  # the stored name is random
    for width in (400, 800, 1000):
        with default_storage.open(rendition_name(field_file.name, width)) as rendition:
            image = Image.open(rendition)
            assert (image.format, image.width) == ("WEBP", width)
    html = responsive_image(field_file, 'Kiln & "glaze"', 1000, 500, sizes="50vw")
    assert 'alt="Kiln &amp; &quot;glaze&quot;"' in html
    assert "-400w.webp 400w" in html and "-1000w.webp 1000w" in html
    assert 'width="1000"' in html and 'height="500"' in html


def bomb():
    return image_bytes("PNG", size=(20_000, 10_000), mode="1")  # a few kB, 200 megapixels


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data, name, content_type",
    [
        (bomb, "bomb.png", "image/png"),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "logo.svg",
            "image/svg+xml",
        ),
        (b"", "empty.jpg", "image/jpeg"),
        (b"<html><script>alert(1)</script></html>", "page.jpg", "image/jpeg"),
    ],
    ids=["decompression bomb", "svg", "zero bytes", "html renamed jpg"],
)
def test_bad_uploads_through_the_admin_form_are_field_errors(
    client, publisher, settings, data, name, content_type
):
    # Past our own pixel limit too, so that Pillow's bomb check is what stops the bomb.
    settings.IMAGE_MAX_PIXELS = 10**12
    client.force_login(publisher)
    response = client.post(
        reverse("admin:portal_news_add"),
        {
            "title_ko": "사진 소식",
            "title_en": "Photo news",
            "slug": "photo-news",
            "date": "2026-11-20",
            "summary_ko": "",
            "summary_en": "",
            "body_ko": "",
            "body_en": "",
            "image_alt_ko": "사진",
            "image_alt_en": "A photo",
            "status": "draft",
            "publish_at_0": "",
            "publish_at_1": "",
            "image": upload(
                data() if callable(data) else data, name=name, content_type=content_type
            ),
        },
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["image"] and errors["image"]
    assert not News.objects.exists()


def test_renditions_keep_the_colour_profile():
    # A phone's wide-gamut photo (Display P3) looks washed out when a rendition drops
    # its profile and the browser takes the colours for sRGB.
    from PIL import ImageCms

    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    field_file = SafeImageFieldFile(SimpleNamespace(), FakeField(), None)
    field_file.save(
        "photo.jpg", upload(image_bytes(size=(1000, 500), icc_profile=profile)), save=False
    )
    for name in (field_file.name, rendition_name(field_file.name, 400)):
        with default_storage.open(name) as stored:
            assert Image.open(stored).info.get("icc_profile") == profile, name
