import datetime
import re
import zoneinfo

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone, translation
from modeltranslation.translator import translator

from portal.blocks.publishing import PublicationStatus
from portal.blocks.roles import EDITOR, PUBLISHER
from portal.feeds import FEED_LENGTH
from portal.models import News
from tests.factories import (
    CityFactory,
    EventFactory,
    MilestoneFactory,
    NewsFactory,
    PageFactory,
)
from tests.portal.admin_helpers import prefilled_data

pytestmark = pytest.mark.django_db


def news_form_data(news, **changes):
    data = {
        "title_ko": news.title_ko,
        "title_en": news.title_en,
        "slug": news.slug,
        "date": news.date.isoformat(),
        "summary_ko": news.summary_ko,
        "summary_en": news.summary_en,
        "body_ko": news.body_ko,
        "body_en": news.body_en,
        "image_alt_ko": "",
        "image_alt_en": "",
        "status": news.status,
        "publish_at_0": "",
        "publish_at_1": "",
        "loaded_version": news.updated_at.isoformat() if news.updated_at else "",
        "gallery-TOTAL_FORMS": "0",
        "gallery-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def test_roles_exist_with_their_permissions():
    editor = Group.objects.get(name=EDITOR)
    publisher = Group.objects.get(name=PUBLISHER)
    editor_perms = set(editor.permissions.values_list("codename", flat=True))
    publisher_perms = set(publisher.permissions.values_list("codename", flat=True))
    for model in ("city", "partnership", "milestone", "institution", "event", "news", "page"):
        assert {f"add_{model}", f"change_{model}"} <= editor_perms
        assert f"delete_{model}" not in editor_perms
        assert f"delete_{model}" in publisher_perms
    assert "publish_content" in publisher_perms
    assert "publish_content" not in editor_perms


def test_editor_creates_drafts_and_cannot_publish(client, editor):
    client.force_login(editor)
    response = client.post(
        reverse("admin:portal_news_add"),
        {
            "title_ko": "새 소식",
            "title_en": "New item",
            "slug": "new-item",
            "date": "2026-11-20",
            "summary_ko": "",
            "summary_en": "",
            "body_ko": "",
            "body_en": "",
            "image_alt_ko": "",
            "image_alt_en": "",
            "status": "published",  # ignored: the field is read-only for Editors
            "gallery-TOTAL_FORMS": "0",
            "gallery-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    news = News.objects.get(slug="new-item")
    assert news.status == PublicationStatus.DRAFT
    # The publish action is not offered to an Editor, and posting it does nothing.
    changelist = client.get(reverse("admin:portal_news_changelist"))
    assert "publish_selected" not in changelist.text
    client.post(
        reverse("admin:portal_news_changelist"),
        {"action": "publish_selected", "_selected_action": [news.pk]},
    )
    news.refresh_from_db()
    assert news.status == PublicationStatus.DRAFT
    # Nor may an Editor delete.
    assert (
        client.post(
            reverse("admin:portal_news_delete", args=[news.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert News.objects.filter(pk=news.pk).exists()


def test_publisher_publishes_withdraws_and_deletes(client, publisher):
    news = NewsFactory(status=PublicationStatus.DRAFT, publish_at=None)
    client.force_login(publisher)
    client.post(
        reverse("admin:portal_news_changelist"),
        {"action": "publish_selected", "_selected_action": [news.pk]},
    )
    news.refresh_from_db()
    assert news.is_live
    # The action is in the history, with who did it.
    latest = news.history.first()
    assert latest.history_user == publisher and latest.status == "published"
    client.post(
        reverse("admin:portal_news_changelist"),
        {"action": "unpublish_selected", "_selected_action": [news.pk]},
    )
    news.refresh_from_db()
    assert news.status == PublicationStatus.DRAFT
    response = client.post(reverse("admin:portal_news_delete", args=[news.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not News.objects.filter(pk=news.pk).exists()


def action_messages(client, action, *objects):
    response = client.post(
        reverse("admin:portal_news_changelist"),
        {"action": action, "_selected_action": [o.pk for o in objects]},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    return [str(message) for message in response.context["messages"]]


def test_publishing_a_scheduled_record_publishes_it_now_and_says_so(client, publisher):
    scheduled = NewsFactory(publish_at=timezone.now() + datetime.timedelta(days=3))
    live = NewsFactory()
    live_since = live.publish_at
    assert scheduled.is_scheduled
    client.force_login(publisher)
    messages = action_messages(client, "publish_selected", scheduled, live)
    scheduled.refresh_from_db()
    live.refresh_from_db()
    assert scheduled.is_live and scheduled.publish_at <= timezone.now()
    assert live.publish_at == live_since  # already on the site: left as it was
    assert "1 record published: it is on the site now." in messages
    assert any("scheduled for a later time" in message for message in messages)
    assert "1 record was already on the site and was left as it was." in messages
    assert scheduled.history.first().history_user == publisher


def test_withdrawing_says_what_happened(client, publisher):
    live = NewsFactory()
    draft = NewsFactory(status=PublicationStatus.DRAFT, publish_at=None)
    client.force_login(publisher)
    messages = action_messages(client, "unpublish_selected", live, draft)
    live.refresh_from_db()
    assert live.status == PublicationStatus.DRAFT
    assert "1 record withdrawn: it is a draft again and no longer on the site." in messages
    assert "1 record was already a draft." in messages


def test_public_site_never_shows_unpublished(client):
    NewsFactory(slug="draft-news", status=PublicationStatus.DRAFT, publish_at=None)
    NewsFactory(slug="future-news", publish_at=timezone.now() + datetime.timedelta(hours=1))
    assert client.get(reverse("portal:news-detail", args=["draft-news"])).status_code == 404
    assert client.get(reverse("portal:news-detail", args=["future-news"])).status_code == 404
    listing = client.get(reverse("portal:news-list")).text
    assert "draft-news" not in listing and "future-news" not in listing


def test_staff_preview_drafts_with_a_banner(client, editor):
    NewsFactory(slug="draft-news", status=PublicationStatus.DRAFT, publish_at=None)
    client.force_login(editor)
    with_translation = client.get(reverse("portal:news-detail", args=["draft-news"]))
    assert with_translation.status_code == 200
    assert 'class="preview-banner"' in with_translation.text


def test_scheduled_publication_appears_at_its_time(client, monkeypatch):
    at = timezone.now() + datetime.timedelta(hours=2)
    NewsFactory(slug="at-nine", publish_at=at)
    url = reverse("portal:news-detail", args=["at-nine"])
    monkeypatch.setattr(timezone, "now", lambda: at - datetime.timedelta(microseconds=1))
    assert client.get(url).status_code == 404
    monkeypatch.setattr(timezone, "now", lambda: at)
    assert client.get(url).status_code == 200


def translated_field_names(model):
    """Every *_ko/*_en field modeltranslation registered for ``model``."""
    options = translator.get_options_for_model(model)
    return sorted(field.name for fields in options.all_fields.values() for field in fields)


def test_revert_restores_every_translated_field(client, publisher):
    names = translated_field_names(News)
    assert len(names) == 8  # title, summary, body and image alt text, in ko and en
    news = NewsFactory(**{name: f"original {name}" for name in names})
    original = {name: getattr(news, name) for name in names}
    for name in names:
        setattr(news, name, f"changed {name}")
    news.save()
    client.force_login(publisher)
    url = reverse(
        "admin:portal_news_simple_history", args=[news.pk, news.history.earliest().history_id]
    )
    form_page = client.get(url)
    assert form_page.status_code == 200
    # The Publisher saves the earlier version as the revert form shows it.
    response = client.post(url, prefilled_data(form_page.context["adminform"].form))
    assert response.status_code == 302, response.context["adminform"].form.errors
    news.refresh_from_db()
    assert {name: getattr(news, name) for name in names} == original


def test_editor_may_read_history_but_not_revert(client, editor):
    news = NewsFactory()
    news.title_en = "Changed"
    news.save()
    client.force_login(editor)
    history = client.get(reverse("admin:portal_news_history", args=[news.pk]))
    assert history.status_code == 200
    url = reverse(
        "admin:portal_news_simple_history", args=[news.pk, news.history.earliest().history_id]
    )
    assert client.post(url, news_form_data(news)).status_code == 403


def test_second_save_over_a_newer_version_is_refused(client, editor, make_staff):
    news = NewsFactory(title_en="First")
    opened_by_editor = news_form_data(news, title_en="Editor's title")
    # Meanwhile someone else saves a change.
    other = make_staff(PUBLISHER, username="colleague")
    client.force_login(other)
    response = client.post(
        reverse("admin:portal_news_change", args=[news.pk]),
        news_form_data(news, summary_en="Colleague's summary"),
    )
    assert response.status_code == 302
    client.force_login(editor)
    response = client.post(
        reverse("admin:portal_news_change", args=[news.pk]),
        opened_by_editor,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    message = " ".join(response.context["adminform"].form.non_field_errors())
    assert "colleague" in message and "summary" in message
    news.refresh_from_db()
    assert news.title_en == "First" and news.summary_en == "Colleague's summary"


def test_deleted_records_can_be_found_and_restored(client, publisher):
    news = NewsFactory(title_en="Gone soon")
    pk = news.pk
    news.delete()
    client.force_login(publisher)
    history = client.get(reverse("admin:portal_news_history", args=[pk]))
    assert history.status_code == 200
    dashboard = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="en")
    assert "Gone soon" in dashboard.text
    record = News.history.filter(id=pk, history_type="+").first()
    url = reverse("admin:portal_news_simple_history", args=[pk, record.history_id])
    response = client.post(url, news_form_data(record.instance, loaded_version=""))
    assert response.status_code == 302
    assert News.objects.filter(pk=pk, title_en="Gone soon").exists()


def test_news_pages_and_feed_in_both_languages(client):
    NewsFactory(slug="designation", title_en="Cheongju designated", title_ko="청주 지정")
    with translation.override("en"):
        english = client.get(reverse("portal:news-list"))
    assert "Cheongju designated" in english.text
    with translation.override("ko"):
        korean = client.get(reverse("portal:news-detail", args=["designation"]))
    assert "청주 지정" in korean.text
    with translation.override("ko"):
        feed = client.get(reverse("portal:news-feed"))
    assert feed["Content-Type"].startswith("application/atom+xml")
    assert "청주 지정" in feed.content.decode()


@pytest.mark.parametrize("size", [3, 30])
def test_feed_is_one_query_whatever_its_length(client, django_assert_num_queries, size):
    # Without a summary an entry shows its body, which list pages do not load.
    NewsFactory.create_batch(size, summary_ko="", summary_en="", body_en="The *body*.")
    with translation.override("en"), django_assert_num_queries(1):
        response = client.get(reverse("portal:news-feed"))
    feed = response.content.decode()
    assert feed.count("<entry>") == min(size, FEED_LENGTH)
    assert "&lt;em&gt;body&lt;/em&gt;" in feed


def test_feed_dates_entries_by_their_own_date(client, settings):
    news = NewsFactory(date=datetime.date(2025, 11, 5), slug="designation")
    with translation.override("en"):
        feed = client.get(reverse("portal:news-feed")).content.decode()
    midnight = datetime.datetime(2025, 11, 5, tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))
    assert f"<published>{midnight.isoformat()}</published>" in feed
    # <updated> is the last change, which came after that day.
    news.refresh_from_db()
    assert f"<updated>{news.updated_at.isoformat()}</updated>" in feed


def test_footer_links_published_pages(client):
    PageFactory(slug="accessibility", title_ko="접근성 정책", title_en="Accessibility")
    PageFactory(slug="secret", status=PublicationStatus.DRAFT, publish_at=None)
    with translation.override("ko"):
        home = client.get(reverse("portal:home"))
        assert reverse("portal:page", args=["accessibility"]) in home.text
    assert "접근성 정책" in home.text
    assert "/secret/" not in home.text
    assert client.get(reverse("portal:page", args=["accessibility"])).status_code == 200


def test_a_scheduled_footer_page_appears_on_time(client, monkeypatch):
    at = timezone.now() + datetime.timedelta(minutes=5)
    PageFactory(slug="privacy", title_en="Privacy", in_footer=True, publish_at=at)
    with translation.override("en"):
        home = reverse("portal:home")
    assert "Privacy" not in client.get(home).text
    monkeypatch.setattr(timezone, "now", lambda: at + datetime.timedelta(seconds=1))
    assert "Privacy" in client.get(home).text


@pytest.mark.parametrize("size", [3, 60])
def test_news_list_queries_do_not_grow(client, django_assert_max_num_queries, size):
    NewsFactory.create_batch(size)
    # Count and page of news, and the next scheduled change of any content (which keys
    # what is remembered) read with the footer's links (caches are cold in each test).
    with django_assert_max_num_queries(5):
        assert client.get(reverse("portal:news-list")).status_code == 200


def test_home_shows_the_latest_published_news(client):
    today = timezone.localdate()
    for days in range(5):
        NewsFactory(title_en=f"News {days} days ago", date=today - datetime.timedelta(days=days))
    NewsFactory(title_en="Draft news", status=PublicationStatus.DRAFT, date=today)
    with translation.override("en"):
        home = client.get(reverse("portal:home")).text
    assert "News 0 days ago" in home and "News 2 days ago" in home
    assert "News 3 days ago" not in home and "Draft news" not in home
    assert 'href="/en/news/"' in home


def test_editors_cannot_publish_through_inlines(client, editor, publisher):
    """The inlines (a city's milestones and partnerships, an event's programme) carry
    the same rule as the main form: only Publishers set the status."""
    city = CityFactory()
    MilestoneFactory(city=city, status=PublicationStatus.DRAFT)
    parent = EventFactory()
    EventFactory(parent=parent, start_date=parent.start_date, end_date=parent.end_date)
    pages = [
        reverse("admin:cities_city_change", args=[city.pk]),
        reverse("admin:events_event_change", args=[parent.pk]),
    ]
    client.force_login(editor)
    for url in pages:
        html = client.get(url).text
        assert not re.search(r'name="(milestones|partnerships|programme)-0-status"', html)
    client.force_login(publisher)
    assert 'name="milestones-0-status"' in client.get(pages[0]).text
    assert 'name="programme-0-status"' in client.get(pages[1]).text
