"""Thumbnails and slugs in the admin (portal.blocks.admin_aids)."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from portal.models import News
from tests.factories import EventFactory, NewsFactory
from tests.portal.admin_helpers import change_form_data
from tests.portal.images import image_bytes
from tests.portal.images import upload as image_upload

pytestmark = pytest.mark.django_db


def test_change_lists_and_forms_show_the_small_rendition_with_size_and_alt(admin_client):
    news = NewsFactory(
        image=image_upload(image_bytes(size=(1200, 900))),
        image_alt_ko="도자기를 빚는 손",
        image_alt_en="Hands shaping a pot",
    )
    stem = news.image.name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    listing = admin_client.get(reverse("admin:portal_news_changelist"), HTTP_ACCEPT_LANGUAGE="ko")
    assert re.search(
        rf'<img src="[^"]*{stem}-400w\.webp" alt="도자기를 빚는 손" width="80" height="60"',
        listing.text,
    )
    form = admin_client.get(
        reverse("admin:portal_news_change", args=[news.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert re.search(
        rf'<img src="[^"]*{stem}-400w\.webp" alt="Hands shaping a pot" width="240" height="180"',
        form.text,
    )
    # A record without an image has a dash in the column and no preview.
    plain = EventFactory()
    assert (
        "admin-thumbnail"
        not in admin_client.get(reverse("admin:events_event_change", args=[plain.pk])).text
    )


def test_the_slug_fills_in_from_the_english_name_as_typed(admin_client):
    page = admin_client.get(reverse("admin:events_event_add")).text
    assert "prepopulated_fields" in page or "data-prepopulated-fields" in page
    assert "id_title_en" in re.search(r"data-prepopulated-fields=\"([^\"]*)\"", page).group(1)


def post_new_news(client, **fields):
    form = client.get(reverse("admin:portal_news_add"))
    data = change_form_data(form)
    data.pop("cities"), data.pop("events")  # no related records
    data.update(
        {"title_ko": "이천 소식", "date": "2026-03-01", "summary_ko": "요약", "body_ko": "본문"}
    )
    data.update(fields)
    return client.post(reverse("admin:portal_news_add"), data)


def test_a_record_saved_without_a_slug_gets_one_from_its_english_name(admin_client):
    response = post_new_news(admin_client, title_en="Icheon at the Biennale", slug="")
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert News.objects.get(title_ko="이천 소식").slug == "icheon-at-the-biennale"


def test_a_korean_only_name_gets_a_dated_slug_numbered_if_taken(admin_client):
    today = timezone.localdate().strftime("%Y%m%d")
    for expected in (f"news-{today}", f"news-{today}-2"):
        response = post_new_news(admin_client, title_en="", slug="")
        assert response.status_code == 302, response.context["adminform"].form.errors
        assert News.objects.filter(slug=expected).exists()


def test_a_slug_typed_by_hand_is_kept_and_still_checked(admin_client):
    NewsFactory(slug="taken")
    response = post_new_news(admin_client, title_en="Other", slug="taken")
    assert response.status_code == 200
    assert "slug" in response.context["adminform"].form.errors
    assert not Event.objects.filter(slug="taken").exists()


def test_change_lists_read_no_long_text(admin_client):
    EventFactory(description_ko="긴 설명")
    listing = admin_client.get(reverse("admin:events_event_changelist"))
    deferred, is_defer = listing.context["cl"].queryset.query.deferred_loading
    assert is_defer and {"description_ko", "description_en"} <= set(deferred)
