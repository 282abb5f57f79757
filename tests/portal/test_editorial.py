import datetime
import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone, translation

from portal.models import News
from portal.publishing import PublicationStatus
from portal.roles import EDITOR, PUBLISHER
from tests.factories import (
    CityFactory,
    EventFactory,
    MilestoneFactory,
    NewsFactory,
    PageFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def make_staff(django_user_model):
    def make(role, username=None):
        user = django_user_model.objects.create_user(
            username or role.lower(), f"{role.lower()}@example.org", "a-long-password-1",
            is_staff=True)
        user.groups.add(Group.objects.get(name=role))
        return user
    return make


@pytest.fixture
def editor(make_staff):
    return make_staff(EDITOR)


@pytest.fixture
def publisher(make_staff):
    return make_staff(PUBLISHER)


def news_form_data(news, **changes):
    data = {
        "title_ko": news.title_ko, "title_en": news.title_en, "slug": news.slug,
        "date": news.date.isoformat(), "summary_ko": news.summary_ko,
        "summary_en": news.summary_en, "body_ko": news.body_ko, "body_en": news.body_en,
        "image_alt_ko": "", "image_alt_en": "",
        "status": news.status, "publish_at_0": "", "publish_at_1": "",
        "loaded_version": news.updated_at.isoformat() if news.updated_at else "",
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
    response = client.post(reverse("admin:portal_news_add"), {
        "title_ko": "새 소식", "title_en": "New item", "slug": "new-item",
        "date": "2026-11-20", "summary_ko": "", "summary_en": "", "body_ko": "",
        "body_en": "", "image_alt_ko": "", "image_alt_en": "",
        "status": "published",  # ignored: the field is read-only for Editors
    })
    assert response.status_code == 302
    news = News.objects.get(slug="new-item")
    assert news.status == PublicationStatus.DRAFT
    # The publish action is not offered to an Editor, and posting it does nothing.
    changelist = client.get(reverse("admin:portal_news_changelist"))
    assert "publish_selected" not in changelist.text
    client.post(reverse("admin:portal_news_changelist"),
                {"action": "publish_selected", "_selected_action": [news.pk]})
    news.refresh_from_db()
    assert news.status == PublicationStatus.DRAFT
    # Nor may an Editor delete.
    assert client.post(reverse("admin:portal_news_delete", args=[news.pk]),
                       {"post": "yes"}).status_code == 403
    assert News.objects.filter(pk=news.pk).exists()


def test_publisher_publishes_withdraws_and_deletes(client, publisher):
    news = NewsFactory(status=PublicationStatus.DRAFT, publish_at=None)
    client.force_login(publisher)
    client.post(reverse("admin:portal_news_changelist"),
                {"action": "publish_selected", "_selected_action": [news.pk]})
    news.refresh_from_db()
    assert news.is_live
    # The action is in the history, with who did it.
    latest = news.history.first()
    assert latest.history_user == publisher and latest.status == "published"
    client.post(reverse("admin:portal_news_changelist"),
                {"action": "unpublish_selected", "_selected_action": [news.pk]})
    news.refresh_from_db()
    assert news.status == PublicationStatus.DRAFT
    response = client.post(reverse("admin:portal_news_delete", args=[news.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not News.objects.filter(pk=news.pk).exists()


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


def test_revert_restores_every_translated_field(client, publisher):
    news = NewsFactory(title_ko="원래 제목", title_en="Original title", body_en="Original")
    news.title_ko, news.title_en, news.body_en = "바뀐 제목", "Changed title", "Changed"
    news.save()
    original = news.history.earliest()
    client.force_login(publisher)
    url = reverse("admin:portal_news_simple_history", args=[news.pk, original.history_id])
    form_page = client.get(url)
    assert form_page.status_code == 200
    data = news_form_data(original.instance, status=news.status, loaded_version="")
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    news.refresh_from_db()
    assert (news.title_ko, news.title_en, news.body_en) == ("원래 제목", "Original title",
                                                            "Original")


def test_editor_may_read_history_but_not_revert(client, editor):
    news = NewsFactory()
    news.title_en = "Changed"
    news.save()
    client.force_login(editor)
    history = client.get(reverse("admin:portal_news_history", args=[news.pk]))
    assert history.status_code == 200
    url = reverse("admin:portal_news_simple_history",
                  args=[news.pk, news.history.earliest().history_id])
    assert client.post(url, news_form_data(news)).status_code == 403


def test_second_save_over_a_newer_version_is_refused(client, editor, make_staff):
    news = NewsFactory(title_en="First")
    opened_by_editor = news_form_data(news, title_en="Editor's title")
    # Meanwhile someone else saves a change.
    other = make_staff(PUBLISHER, username="colleague")
    client.force_login(other)
    response = client.post(reverse("admin:portal_news_change", args=[news.pk]),
                           news_form_data(news, summary_en="Colleague's summary"))
    assert response.status_code == 302
    client.force_login(editor)
    response = client.post(reverse("admin:portal_news_change", args=[news.pk]),
                           opened_by_editor, HTTP_ACCEPT_LANGUAGE="en")
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


def test_footer_links_published_pages(client):
    PageFactory(slug="accessibility", title_ko="접근성 정책", title_en="Accessibility")
    PageFactory(slug="secret", status=PublicationStatus.DRAFT, publish_at=None)
    with translation.override("ko"):
        home = client.get(reverse("portal:home"))
        assert reverse("portal:page", args=["accessibility"]) in home.text
    assert "접근성 정책" in home.text
    assert "/secret/" not in home.text
    assert client.get(reverse("portal:page", args=["accessibility"])).status_code == 200


@pytest.mark.parametrize("size", [3, 60])
def test_news_list_queries_do_not_grow(client, django_assert_max_num_queries, size):
    NewsFactory.create_batch(size)
    # Count and page of news, plus the footer's two (its cache is cold in each test).
    with django_assert_max_num_queries(4):
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
    pages = [reverse("admin:cities_city_change", args=[city.pk]),
             reverse("admin:events_event_change", args=[parent.pk])]
    client.force_login(editor)
    for url in pages:
        html = client.get(url).text
        assert not re.search(r'name="(milestones|partnerships|programme)-0-status"', html)
    client.force_login(publisher)
    assert 'name="milestones-0-status"' in client.get(pages[0]).text
    assert 'name="programme-0-status"' in client.get(pages[1]).text
