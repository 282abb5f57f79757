"""The staff dashboard on the admin index: one test per panel."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from cities.models import City, CreativeField, Region
from portal.blocks.attention import missing_english
from portal.blocks.publishing import PublicationStatus
from portal.dashboard import dashboard
from portal.models import News
from tests.factories import (
    CityFactory,
    DisciplineFactory,
    EventFactory,
    InstitutionFactory,
    NewsFactory,
    PartnershipFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def index(client, publisher):
    """The text of one panel of the dashboard, as the admin index shows it."""
    client.force_login(publisher)

    def panel(caption):
        response = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200
        found = re.search(
            f"<caption>{re.escape(caption)}</caption>(.*?)</table>", response.text, re.S
        )
        assert found, caption
        return found.group(1)

    return panel


def labels(panel):
    with translation.override("en"):
        return [item["label"] for item in dashboard()[panel]]


def test_events_in_the_next_30_days(index):
    today = timezone.localdate()
    EventFactory(title_en="Soon", start_date=today + datetime.timedelta(days=3))
    EventFactory(title_en="Last day in range", start_date=today + datetime.timedelta(days=30))
    EventFactory(title_en="Too far", start_date=today + datetime.timedelta(days=31))
    EventFactory(title_en="Started", start_date=today - datetime.timedelta(days=1))
    assert labels("upcoming_events") == ["Soon", "Last day in range"]
    panel = index("Events starting in the next 30 days")
    assert "Last day in range" in panel and "Too far" not in panel


def test_drafts_waiting_for_a_publisher(index):
    NewsFactory(title_en="A draft", status=PublicationStatus.DRAFT, publish_at=None)
    CityFactory(name_en="A draft city", status=PublicationStatus.DRAFT, publish_at=None)
    NewsFactory(title_en="Published")
    assert set(labels("drafts")) == {"A draft", "A draft city"}
    panel = index("Drafts waiting for a Publisher")
    assert "A draft city" in panel and "Published" not in panel


def test_scheduled_to_publish(index):
    later = timezone.now() + datetime.timedelta(days=2)
    NewsFactory(title_en="Later news", publish_at=later)
    NewsFactory(title_en="Live news")
    assert labels("scheduled") == ["Later news"]
    panel = index("Scheduled to publish")
    assert "Later news" in panel and "Live news" not in panel


def test_missing_english_checks_every_translated_field_and_counts_per_model(client, index):
    # Many cities lacking English do not hide a news item that lacks it in its body.
    CityFactory.create_batch(12, name_en="")
    untranslated = NewsFactory(title_en="Body only in Korean", body_ko="본문", body_en="")
    NewsFactory(summary_ko="", summary_en="")  # empty in both languages: nothing missing
    NewsFactory()  # fully translated
    panel = {item["model"]: item for item in dashboard()["untranslated"]}
    assert panel[City._meta.verbose_name_plural]["count"] == 12
    news = panel[News._meta.verbose_name_plural]
    assert news["count"] == 1
    assert news["url"] == reverse("admin:portal_news_changelist") + "?attention=missing_en"
    assert list(News.objects.filter(missing_english(News))) == [untranslated]
    assert news["url"] in index("Missing an English translation")
    listing = client.get(news["url"])
    assert [obj.pk for obj in listing.context["cl"].result_list] == [untranslated.pk]


def test_missing_alt_text_counts_per_model(client, index):
    image = {"image": "portal/news/photo.jpg", "image_width": 800, "image_height": 600}
    no_alt = NewsFactory(image_alt_ko="사진", image_alt_en="", **image)
    NewsFactory(image_alt_ko="사진", image_alt_en="A photo", **image)
    NewsFactory()  # no image, no alt text needed
    CityFactory(image="cities/city/photo.jpg", image_width=800, image_height=600)
    panel = {item["model"]: item for item in dashboard()["missing_alt"]}
    assert panel[News._meta.verbose_name_plural]["count"] == 1
    assert panel[City._meta.verbose_name_plural]["count"] == 1
    listing = client.get(panel[News._meta.verbose_name_plural]["url"])
    assert [obj.pk for obj in listing.context["cl"].result_list] == [no_alt.pk]
    assert "?attention=missing_alt" in index("Images without a description (alt text)")


def test_recently_changed_shows_who_changed_what(index, publisher):
    news = NewsFactory(title_en="Edited news")
    news.title_en = "Edited news, again"
    news._history_user = publisher
    news.save()
    with translation.override("en"):
        changes = dashboard()["recent_changes"]
    assert changes[0]["label"] == "Edited news, again" and changes[0]["who"] == publisher
    assert changes[0]["url"] == reverse("admin:portal_news_history", args=[news.pk])
    # A model without created/updated stamps (disciplines) has a readable history too.
    DisciplineFactory(name_en="Hanji")
    panel = index("Recently changed")
    assert "Edited news, again" in panel and changes[0]["url"] in panel
    assert "Hanji" in panel


def test_deleted_records_by_model_link_to_their_lists(index):
    for news in NewsFactory.create_batch(12):
        news.delete()
    panel = dashboard()["deleted_by_model"]
    assert panel == [
        {
            "model": News._meta.verbose_name_plural,
            "count": 12,
            "url": reverse("admin-deleted-records", args=["portal", "news"]),
        }
    ]
    assert panel[0]["url"] in index("Deleted records, by kind (to find and restore any of them)")


def fill(count, publisher):
    """``count`` records in every panel: drafts, scheduled, changed (by someone), deleted,
    missing English and missing alt text, across several models."""
    today = timezone.localdate()
    home = CityFactory(is_home=True, sub_disciplines_en="ceramics, hanji")
    image = {"image": "portal/news/photo.jpg", "image_width": 800, "image_height": 600}
    for number in range(count):
        EventFactory(start_date=today + datetime.timedelta(days=number % 20))
        NewsFactory(status=PublicationStatus.DRAFT, publish_at=None, image_alt_en="", **image)
        NewsFactory(publish_at=timezone.now() + datetime.timedelta(days=1 + number))
        city = CityFactory(name_en="", status=PublicationStatus.DRAFT, publish_at=None)
        city.name_ko = f"{city.name_ko} 수정"
        city._history_user = publisher
        city.save()
        CityFactory().delete()
        DisciplineFactory()
        # Network cities to suggest: a shared sub-discipline, a joint event.
        suggested = CityFactory(sub_disciplines_en="ceramics, glass")
        EventFactory(city=suggested).organisers.add(InstitutionFactory(city=home))


@pytest.mark.parametrize("count", [2, 25])
def test_the_dashboard_runs_the_same_few_queries_whatever_the_data(
    client, publisher, count, django_assert_max_num_queries
):
    """One query a panel (the content models' rows combined) and one for the people
    named in each history panel, so the page costs the same with 2 or 25 records in
    every panel."""
    fill(count, publisher)
    # Twelve panels (the suggestions: two queries, the home city and its candidates), the
    # count of proposed changes, that of partner cities' corrections, and the next
    # monitoring report (the home city and its reports).
    with django_assert_max_num_queries(17):
        panels = dashboard()
    # Every panel has something (the fill proposes nothing and writes every Korean text).
    quiet = {
        "stale_translations",
        "pending_review",
        "missing_korean",
        "partner_corrections",
        "monitoring_report",
    }
    assert all(panels[name] for name in panels if name not in quiet), panels
    assert len(panels["recent_changes"]) == 10
    assert len(panels["partner_suggestions"]) == min(count, 8)
    client.force_login(publisher)
    # The page: the session, the user, the second step, permissions and the app list.
    with django_assert_max_num_queries(25):
        response = client.get(reverse("admin:index"))
    assert response.status_code == 200


def test_labels_follow_the_language_with_a_fallback(publisher):
    NewsFactory(title_ko="한국어 제목", title_en="English title", status=PublicationStatus.DRAFT)
    NewsFactory(title_ko="한국어만", title_en="", status=PublicationStatus.DRAFT)
    with translation.override("ko"):
        assert {item["label"] for item in dashboard()["drafts"]} == {"한국어 제목", "한국어만"}
    assert set(labels("drafts")) == {"English title", "한국어만"}


def test_partner_suggestions_give_their_reasons_and_leave_out_partners(index):
    home = CityFactory(
        name_en="Cheongju",
        is_home=True,
        region=Region.ASIA_PACIFIC,
        sub_disciplines_en="ceramics, hanji",
        sub_disciplines_ko="도자, 한지",
    )
    partner = CityFactory(name_en="Partner already", region=Region.ASIA_PACIFIC)
    PartnershipFactory(city=home, partner=partner, status=PublicationStatus.DRAFT)
    CityFactory(name_en="Same field", region=Region.ASIA_PACIFIC)
    CityFactory(
        name_en="Film city",
        creative_field=CreativeField.FILM,
        region=Region.ASIA_PACIFIC,
    )  # nothing in common: not suggested
    CityFactory(
        name_en="Paper city",
        creative_field=CreativeField.DESIGN,
        region=Region.ASIA_PACIFIC,
        sub_disciplines_ko="한지 공예",
    )
    CityFactory(
        name_en="New region", creative_field=CreativeField.MUSIC, region=Region.EUROPE_NORTH_AMERICA
    )
    joint = CityFactory(
        name_en="Joint city", creative_field=CreativeField.MUSIC, region=Region.ASIA_PACIFIC
    )
    event = EventFactory(city=joint, title_en="Craft fair", title_ko="공예 박람회")
    event.organisers.add(InstitutionFactory(city=home))
    CityFactory(name_en="Draft", status=PublicationStatus.DRAFT, publish_at=None)
    with translation.override("en"):
        found = {
            item["city"].name_en: item["reasons"] for item in dashboard()["partner_suggestions"]
        }
    assert list(found)[:2] == ["Joint city", "Paper city"]
    assert set(found) == {"Joint city", "Paper city", "Same field", "New region"}
    assert found["Joint city"] == ["Took part in “Craft fair” with us, but has no partnership"]
    assert found["Paper city"] == ["Works on one of our sub-disciplines"]
    assert found["Same field"] == ["Same creative field: Crafts and Folk Art"]
    assert found["New region"] == ["No partner in Europe and North America yet"]
    assert "Joint city" in index("Network cities to approach")
