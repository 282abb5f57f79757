"""Image uploads as staff make them: admin form posts with real Pillow files, for every
model with an image, and what the public pages and the storage folder show after."""

import io

import pytest
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from cities.models import City
from events.models import Event
from institutions.models import Institution
from portal.blocks.images import backfill_dimensions, rendition_name
from portal.models import News
from tests.factories import CityFactory, EventFactory, InstitutionFactory, NewsFactory
from tests.portal.admin_helpers import change_form_data
from tests.portal.images import gps_exif, image_bytes, mpo_bytes, stored_files, upload

pytestmark = pytest.mark.django_db

ILLUSTRATED = [NewsFactory, InstitutionFactory, EventFactory, CityFactory]
IDS = [factory._meta.model._meta.model_name for factory in ILLUSTRATED]


def admin_url(obj, name="change", *args):
    info = obj._meta.app_label, obj._meta.model_name
    return reverse("admin:{}_{}_{}".format(*info, name), args=[obj.pk, *args])


def post_change(client, obj, language="en", **changes):
    """Submit ``obj``'s change form as it is shown, with ``changes``."""
    url = admin_url(obj)
    data = change_form_data(client.get(url))
    data.update(changes)
    return client.post(url, data, HTTP_ACCEPT_LANGUAGE=language)


def form_errors(response):
    assert response.status_code == 200, "the form was saved"
    return response.context["adminform"].form.errors


def saved(response):
    assert response.status_code == 302, response.context and form_errors(response)
    return True


def with_image(factory, data=None, **fields):
    """A record with an image uploaded through the admin (so stored as staff store it)."""
    return factory(
        image=upload(data or image_bytes()), image_alt_ko="사진", image_alt_en="A photo", **fields
    )


@pytest.fixture
def staff(client, publisher):
    client.force_login(publisher)
    return client


# Alt text ---------------------------------------------------------------------------


@pytest.mark.parametrize("factory", ILLUSTRATED, ids=IDS)
@pytest.mark.parametrize("language", ["en", "ko"])
def test_an_image_without_alt_text_is_an_error_beside_the_alt_fields(staff, factory, language):
    obj = factory()
    response = post_change(
        staff,
        obj,
        language,
        image=upload(image_bytes()),
        image_alt_ko="",
        image_alt_en="",
        slug="a-slug-typed-in-the-form",
    )
    errors = form_errors(response)
    assert set(errors) == {"image_alt_ko", "image_alt_en"}
    message = {
        "en": "Describe the image for people who cannot see it.",
        "ko": "이미지를 볼 수 없는 사람을 위해 이미지 내용을 적어 주세요.",
    }[language]
    assert errors["image_alt_ko"] == errors["image_alt_en"] == [message]
    assert message in response.text
    # The rest of the form is shown as it was sent, and nothing was stored.
    assert 'value="a-slug-typed-in-the-form"' in response.text
    assert stored_files() == []
    assert not type(obj).objects.get(pk=obj.pk).image


@pytest.mark.parametrize("factory", ILLUSTRATED, ids=IDS)
def test_alt_text_in_one_language_is_enough(staff, factory):
    obj = factory()
    assert saved(post_change(staff, obj, image=upload(image_bytes()), image_alt_ko="도자기"))
    assert type(obj).objects.get(pk=obj.pk).image


def test_clearing_the_alt_text_of_a_stored_image_is_refused(staff):
    news = with_image(NewsFactory)
    errors = form_errors(post_change(staff, news, image_alt_ko="", image_alt_en=""))
    assert set(errors) == {"image_alt_ko", "image_alt_en"}


def test_a_form_without_the_image_fields_is_not_refused_for_them(staff):
    # A programme item is edited inline on its parent's page, without its image; one
    # stored with an image and no description must not stop the parent from saving.
    parent = EventFactory()
    item = EventFactory(parent=parent, start_date=parent.start_date, end_date=parent.end_date)
    Event.objects.filter(pk=item.pk).update(image="events/event/old.jpg", image_alt_ko="")
    assert saved(post_change(staff, parent, summary_en="Now with a summary."))


def test_full_clean_names_the_alt_fields():
    news = with_image(NewsFactory)
    news.image_alt_ko = news.image_alt_en = ""
    with pytest.raises(Exception) as caught:
        news.full_clean()
    assert {"image_alt_ko", "image_alt_en"} <= set(caught.value.message_dict)


# Dimensions -------------------------------------------------------------------------


@pytest.mark.parametrize("factory", ILLUSTRATED, ids=IDS)
def test_upload_stores_the_upright_dimensions(staff, factory):
    obj = factory()
    portrait_photo = image_bytes("JPEG", size=(1200, 900), exif=gps_exif(orientation=6))
    assert saved(post_change(staff, obj, image=upload(portrait_photo), image_alt_en="A kiln"))
    row = type(obj).objects.values("image", "image_width", "image_height").get(pk=obj.pk)
    assert (row["image_width"], row["image_height"]) == (900, 1200)
    with default_storage.open(row["image"]) as stored:
        assert Image.open(stored).size == (900, 1200)
    with default_storage.open(rendition_name(row["image"], 400)) as rendition:
        assert Image.open(rendition).size == (400, 533)


def public_pages(obj):
    detail = obj.get_absolute_url()
    lists = {
        News: ["/en/", "/en/news/", "/en/news/feed/"],
        Institution: ["/en/institutions/"],
        Event: ["/en/", "/en/events/", f"{detail}ics/"],
        City: ["/en/cities/"],
    }[type(obj)]
    return [detail.replace("/ko/", "/en/"), detail, *lists]


@pytest.mark.parametrize("factory", ILLUSTRATED, ids=IDS)
@pytest.mark.parametrize("stored_before", [True, False], ids=["dimensions", "no dimensions"])
def test_a_missing_file_never_breaks_a_public_page(client, factory, stored_before):
    obj = with_image(factory)
    if not stored_before:  # a record stored before dimensions were
        type(obj).objects.filter(pk=obj.pk).update(image_width=None, image_height=None)
    for name in stored_files():
        default_storage.delete(name)
    for url in public_pages(obj):
        assert client.get(url).status_code == 200, url


def test_saving_a_record_whose_file_is_missing_works(staff):
    news = with_image(NewsFactory)
    News.objects.filter(pk=news.pk).update(image_width=None, image_height=None)
    for name in stored_files():
        default_storage.delete(name)
    assert saved(post_change(staff, news, summary_en="Still here."))


def test_the_data_migration_stores_dimensions_of_earlier_uploads():
    from django.apps import apps

    kept, lost = with_image(NewsFactory), with_image(NewsFactory, image_bytes(size=(640, 480)))
    News.objects.update(image_width=None, image_height=None)
    News.history.update(image_width=None, image_height=None)
    default_storage.delete(lost.image.name)
    backfill_dimensions("portal", "News")(apps, None)
    rows = dict(News.objects.values_list("pk", "image_width"))
    assert rows == {kept.pk: 1200, lost.pk: None}
    assert News.objects.get(pk=kept.pk).image_height == 800
    assert set(News.history.filter(id=kept.pk).values_list("image_width", "image_height")) == {
        (1200, 800)
    }


# Tall images ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data, name",
    [
        (lambda: image_bytes("JPEG", size=(300, 17000)), "scroll.jpg"),
        (lambda: image_bytes("PNG", size=(1200, 20000)), "infographic.png"),
        # Wide as stored, tall once turned upright.
        (lambda: image_bytes("JPEG", size=(17000, 300), exif=gps_exif(6)), "sideways.jpg"),
    ],
    ids=["jpeg 300x17000", "png 1200x20000", "jpeg turned upright"],
)
def test_too_tall_images_are_refused_and_leave_nothing_behind(staff, data, name):
    news = NewsFactory()
    response = post_change(staff, news, image=upload(data(), name=name), image_alt_en="A scroll")
    errors = form_errors(response)
    assert list(errors) == ["image"]
    assert "too tall" in errors["image"][0]
    assert stored_files() == []


def test_a_tall_image_within_the_limit_is_accepted(staff):
    news = NewsFactory()
    tall = image_bytes("PNG", size=(300, 16000))
    assert saved(post_change(staff, news, image=upload(tall, "tall.png"), image_alt_en="A scroll"))
    assert len(stored_files()) == 2  # the image and its one rendition (300 px wide)


class RefusingRenditions(FileSystemStorage):
    """A storage that fails on the second rendition, as a full disk or a lost object
    store would."""

    def _save(self, name, content):
        if name.endswith("-800w.webp"):
            raise OSError("No space left on device")
        return super()._save(name, content)


def test_a_storage_failure_midway_leaves_nothing_behind(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": f"{__name__}.RefusingRenditions"},
    }
    news = NewsFactory(image_alt_en="A photo")
    with pytest.raises(OSError):
        news.image.save("photo.jpg", upload(image_bytes()))
    assert stored_files() == []
    assert not News.objects.get(pk=news.pk).image


# Files nothing refers to any more ---------------------------------------------------


def files_of(name):
    return {name, *(rendition_name(name, width) for width in (400, 800, 1200))}


def trim_history(model):
    """What an office does to keep history small: simple-history's own command."""
    call_command("clean_old_history", model._meta.label_lower, days=0, verbosity=0)


@pytest.mark.parametrize("factory", ILLUSTRATED, ids=IDS)
def test_a_replaced_image_stays_while_a_version_needs_it(
    staff, factory, django_capture_on_commit_callbacks
):
    obj = with_image(factory)
    first = obj.image.name
    assert files_of(first) <= set(stored_files())
    with django_capture_on_commit_callbacks(execute=True):
        assert saved(post_change(staff, obj, image=upload(image_bytes(color=(0, 90, 0)))))
    second = type(obj).objects.get(pk=obj.pk).image.name
    assert second != first
    # The earlier version can still be restored, picture and all.
    assert files_of(first) | files_of(second) == set(stored_files())
    earlier = obj.history.earliest("history_date")
    data = change_form_data(staff.get(admin_url(obj, "simple_history", earlier.history_id)))
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(admin_url(obj, "simple_history", earlier.history_id), data)
    assert type(obj).objects.get(pk=obj.pk).image.name == first
    assert files_of(first) | files_of(second) == set(stored_files())

    # Once no version holds the second image, it goes, with its renditions.
    with django_capture_on_commit_callbacks(execute=True):
        trim_history(type(obj))
    assert set(stored_files()) == files_of(first)


def test_an_image_cleared_in_the_form_goes_with_the_last_version_that_had_it(
    staff, django_capture_on_commit_callbacks
):
    news = with_image(NewsFactory)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_change(staff, news, **{"image-clear": "on"}, image_alt_en="")
    assert saved(response)
    assert not News.objects.get(pk=news.pk).image
    assert files_of(news.image.name) == set(stored_files())
    with django_capture_on_commit_callbacks(execute=True):
        trim_history(News)
    assert stored_files() == []


def test_a_deleted_record_keeps_its_image_for_a_restore(staff, django_capture_on_commit_callbacks):
    news = with_image(NewsFactory)
    name = news.image.name
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(admin_url(news, "delete"), {"post": "yes"})
    assert response.status_code == 302
    assert files_of(name) == set(stored_files())
    # Restored from its deletion record, it has its picture.
    deletion = News.history.get(id=news.pk, history_type="-")
    url = admin_url(news, "simple_history", deletion.history_id)
    with django_capture_on_commit_callbacks(execute=True):
        assert staff.post(url, change_form_data(staff.get(url))).status_code == 302
    assert News.objects.get(pk=news.pk).image.name == name
    # Deleted again and its history trimmed: nothing refers to the file any more.
    with django_capture_on_commit_callbacks(execute=True):
        News.objects.get(pk=news.pk).delete()
        trim_history(News)
    assert stored_files() == []


def test_a_file_another_record_still_uses_is_kept(django_capture_on_commit_callbacks):
    news = with_image(NewsFactory)
    twin = NewsFactory(image=news.image.name, image_alt_en="The same photo")
    with django_capture_on_commit_callbacks(execute=True):
        news.delete()
        trim_history(News)
    assert files_of(twin.image.name) == set(stored_files())


@pytest.mark.django_db(transaction=True)
def test_nothing_is_deleted_when_the_transaction_rolls_back():
    news = with_image(NewsFactory)
    name = news.image.name
    with pytest.raises(RuntimeError), transaction.atomic():
        news.delete()
        trim_history(News)
        raise RuntimeError("the save failed after the delete")
    assert files_of(name) == set(stored_files())
    # The same, committed, does delete (so the test above proves something).
    News.objects.get(image=name).delete()
    trim_history(News)
    assert stored_files() == []


# Phone photos -----------------------------------------------------------------------


def test_a_multi_picture_jpeg_is_stored_as_its_first_picture(staff):
    news = NewsFactory()
    phone = mpo_bytes(size=(1200, 800), exif=gps_exif(orientation=6))
    assert Image.open(io.BytesIO(phone)).format == "MPO"
    assert saved(post_change(staff, news, image=upload(phone), image_alt_en="A kiln"))
    news.refresh_from_db()
    assert news.image.name.endswith(".jpg")
    assert (news.image_width, news.image_height) == (800, 1200)
    with default_storage.open(news.image.name) as stored:
        data = stored.read()
    image = Image.open(io.BytesIO(data))
    assert (image.format, image.size) == ("JPEG", (800, 1200))
    assert getattr(image, "n_frames", 1) == 1
    red, green, blue = image.getpixel((400, 600))
    assert red > 150 and blue < 80  # the first picture, not the second
    assert b"Secret Camera Maker" not in data and dict(image.getexif()) == {}


@pytest.mark.parametrize(
    "data, name",
    [
        (lambda: image_bytes("JPEG")[:2000], "cut.jpg"),
        (lambda: image_bytes("PNG", size=(800, 600))[:300], "cut.png"),
        (lambda: mpo_bytes()[:3000], "cut-phone.jpg"),
    ],
    ids=["jpeg", "png", "mpo"],
)
@pytest.mark.parametrize("language", ["en", "ko"])
def test_a_truncated_image_is_called_damaged(staff, data, name, language):
    news = NewsFactory()
    response = post_change(staff, news, language, image=upload(data(), name), image_alt_en="A")
    message = {
        "en": "The image file is damaged or incomplete",
        "ko": "이미지 파일이 손상되었거나 일부가 없습니다",
    }[language]
    assert message in form_errors(response)["image"][0]
    assert stored_files() == []


def stored_bytes(news):
    news.refresh_from_db()
    with default_storage.open(news.image.name) as stored:
        return stored.read()


def test_the_jpeg_comment_does_not_survive(staff):
    news = NewsFactory()
    commented = image_bytes("JPEG", comment=b"Taken at 12 Secret Street by Kim")
    assert Image.open(io.BytesIO(commented)).info["comment"]
    assert saved(post_change(staff, news, image=upload(commented), image_alt_en="A kiln"))
    data = stored_bytes(news)
    assert b"Secret Street" not in data
    assert b"\xff\xfe" not in data[: data.index(b"\xff\xda")]  # no COM segment before the scan
    assert "comment" not in Image.open(io.BytesIO(data)).info


XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
    b'22-rdf-syntax-ns#"><rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" '
    b'exif:GPSLatitude="37,16.2N"/></rdf:RDF></x:xmpmeta>'
)


@pytest.mark.parametrize(
    "fmt, name, content_type",
    [
        ("JPEG", "photo.jpg", "image/jpeg"),
        ("PNG", "photo.png", "image/png"),
        ("WEBP", "photo.webp", "image/webp"),
    ],
)
def test_exif_gps_and_xmp_do_not_survive(staff, fmt, name, content_type):
    news = NewsFactory()
    if fmt == "PNG":  # XMP is a text chunk in a PNG
        text = PngInfo()
        text.add_itxt("XML:com.adobe.xmp", XMP.decode())
        data = image_bytes(fmt, exif=gps_exif(orientation=1), pnginfo=text)
    else:
        data = image_bytes(fmt, exif=gps_exif(orientation=1), xmp=XMP)
    assert b"Secret Camera Maker" in data and b"GPSLatitude" in data
    response = post_change(
        staff, news, image=upload(data, name, content_type), image_alt_en="A kiln"
    )
    assert saved(response)
    stored = stored_bytes(news)
    assert b"Secret Camera Maker" not in stored and b"GPSLatitude" not in stored
    image = Image.open(io.BytesIO(stored))
    assert image.format == fmt
    assert dict(image.getexif()) == {}
    assert not {"exif", "xmp", "XML:com.adobe.xmp"} & set(image.info)


# Orientation ------------------------------------------------------------------------

# How each EXIF orientation stores an upright picture (the inverse of what a viewer
# does to show it): 6 means "turn 90° clockwise to view", so it is stored turned 90°
# anticlockwise.
STORED_AS = {
    1: lambda image: image,
    2: lambda image: image.transpose(Image.Transpose.FLIP_LEFT_RIGHT),
    3: lambda image: image.transpose(Image.Transpose.ROTATE_180),
    4: lambda image: image.transpose(Image.Transpose.FLIP_TOP_BOTTOM),
    5: lambda image: image.transpose(Image.Transpose.TRANSPOSE),
    6: lambda image: image.transpose(Image.Transpose.ROTATE_90),
    7: lambda image: image.transpose(Image.Transpose.TRANSVERSE),
    8: lambda image: image.transpose(Image.Transpose.ROTATE_270),
}


def upright_picture():
    """A portrait picture whose top-left quarter is red, the rest blue."""
    image = Image.new("RGB", (600, 900), (20, 20, 220))
    image.paste((220, 20, 20), (0, 0, 300, 450))
    return image


@pytest.mark.parametrize("orientation", sorted(STORED_AS))
def test_a_phone_photo_comes_out_upright(staff, orientation):
    exif = Image.Exif()
    exif[0x0112] = orientation
    out = io.BytesIO()
    STORED_AS[orientation](upright_picture()).save(out, format="JPEG", exif=exif)
    news = NewsFactory()
    assert saved(post_change(staff, news, image=upload(out.getvalue()), image_alt_en="A"))
    image = Image.open(io.BytesIO(stored_bytes(news)))
    assert image.size == (600, 900) == (news.image_width, news.image_height)
    top_left, bottom_right = image.getpixel((100, 100)), image.getpixel((500, 800))
    assert top_left[0] > 150 and top_left[2] < 80, orientation
    assert bottom_right[2] > 150 and bottom_right[0] < 80, orientation
