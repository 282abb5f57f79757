import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from portal.publishing import PublicationStatus
from tests.factories import EventFactory, NewsFactory, PageFactory

pytestmark = [pytest.mark.django_db, pytest.mark.page_cache]


def news_list_url(lang="ko"):
    with translation.override(lang):
        return reverse("portal:news-list")


def test_second_anonymous_request_is_served_from_cache(client, django_assert_num_queries):
    NewsFactory(title_ko="첫 소식")
    first = client.get(news_list_url())
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = client.get(news_list_url())
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert "첫 소식" in second.text


def test_language_and_query_string_are_part_of_the_key(client):
    NewsFactory(title_ko="한국어 제목", title_en="English title")
    assert "한국어 제목" in client.get(news_list_url("ko")).text
    assert "English title" in client.get(news_list_url("en")).text
    assert client.get(news_list_url("ko") + "?page=1")["X-Page-Cache"] == "miss"


def test_an_edit_shows_on_the_next_request(client):
    news = NewsFactory(title_ko="고치기 전")
    assert "고치기 전" in client.get(news_list_url()).text
    news.title_ko = "고친 뒤"
    news.save()
    response = client.get(news_list_url())
    assert "고친 뒤" in response.text and response["X-Page-Cache"] == "miss"


def test_delete_and_unpublish_show_on_the_next_request(client):
    kept, withdrawn = NewsFactory(title_ko="남는 소식"), NewsFactory(title_ko="내릴 소식")
    assert "내릴 소식" in client.get(news_list_url()).text
    withdrawn.status = PublicationStatus.DRAFT
    withdrawn.save()
    assert "내릴 소식" not in client.get(news_list_url()).text
    kept.delete()
    assert "남는 소식" not in client.get(news_list_url()).text


def test_scheduled_item_appears_on_time_without_any_save(client, monkeypatch):
    at = timezone.now() + datetime.timedelta(minutes=5)
    NewsFactory(title_ko="예약된 소식", publish_at=at)
    assert "예약된 소식" not in client.get(news_list_url()).text
    assert client.get(news_list_url())["X-Page-Cache"] == "hit"
    monkeypatch.setattr(timezone, "now", lambda: at + datetime.timedelta(seconds=1))
    assert "예약된 소식" in client.get(news_list_url()).text


def test_staff_with_a_session_bypass_the_cache(client, admin_user):
    NewsFactory(slug="draft", status=PublicationStatus.DRAFT, publish_at=None)
    client.get(news_list_url())
    client.force_login(admin_user)
    response = client.get(news_list_url())
    assert "X-Page-Cache" not in response
    with translation.override("ko"):
        detail = client.get(reverse("portal:news-detail", args=["draft"]))
    assert 'class="preview-banner"' in detail.text


def test_errors_and_admin_are_never_cached(client):
    client.get("/ko/news/does-not-exist/")
    assert "X-Page-Cache" not in client.get("/ko/news/does-not-exist/")
    assert "X-Page-Cache" not in client.get("/admin/login/")


def test_the_page_cache_is_installed_before_sessions():
    from django.conf import settings as django_settings  # the project's, not the fixture's

    middleware = django_settings.MIDDLEWARE
    assert middleware.index("portal.cache.AnonymousPageCacheMiddleware") < middleware.index(
        "django.contrib.sessions.middleware.SessionMiddleware")


def test_remembered_values_last_until_content_changes():
    from portal.cache import remember

    built = []

    def build():
        built.append(1)
        return len(built)

    assert remember("answer", build) == 1
    assert remember("answer", build) == 1
    NewsFactory()  # any content save starts a new generation
    assert remember("answer", build) == 2
    with translation.override("en"):  # one value per language
        assert remember("answer", build) == 3


def test_the_next_change_and_the_footer_are_read_in_one_query(django_assert_num_queries):
    from portal.cache import generation, site_state

    soon = timezone.now() + datetime.timedelta(minutes=7)
    NewsFactory(publish_at=soon)
    EventFactory(publish_at=soon + datetime.timedelta(minutes=1))
    PageFactory(slug="privacy", title_ko="개인정보", title_en="Privacy", footer_order=2)
    PageFactory(slug="about", title_ko="소개", title_en="", footer_order=1)
    PageFactory(slug="logo", in_footer=False)
    PageFactory(slug="later", publish_at=soon)  # its time counts; its link not yet
    with django_assert_num_queries(1):
        state = site_state(generation())
    assert state.change_at == soon
    assert [(page.slug, page.title_ko, page.title_en) for page in state.footer_pages] == [
        ("about", "소개", ""), ("privacy", "개인정보", "Privacy")]


def test_remember_each_builds_only_what_is_missing():
    from portal.cache import remember_each

    asked = []

    def build(names):
        asked.append(sorted(names))
        return {name: name.upper() for name in names}

    assert remember_each(["a", "b"], build) == {"a": "A", "b": "B"}
    assert remember_each(["a", "b", "c"], build) == {"a": "A", "b": "B", "c": "C"}
    assert asked == [["a", "b"], ["c"]]
    NewsFactory()  # a content save forgets them all
    remember_each(["a"], build)
    assert asked[-1] == ["a"]


def test_remembered_parts_of_pages_show_an_edit_on_the_next_request(client):
    """The home page's lists and the cards of every list are remembered as well as the
    pages, but an edit of the record shows at once."""
    from tests.factories import EventFactory, InstitutionFactory

    today = timezone.localdate()
    event = EventFactory(title_ko="도자 워크숍", start_date=today, end_date=today)
    institution = InstitutionFactory(name_ko="한국도자재단")
    home, institutions, events = (
        reverse("portal:home"), reverse("institutions:list"), reverse("events:list"))
    for url in (home, institutions, events):
        client.get(url)
    event.title_ko = "한지 워크숍"
    event.save()
    institution.name_ko = "한국공예재단"
    institution.save()
    for url in (home, events):
        text = client.get(url).text
        assert "한지 워크숍" in text and "도자 워크숍" not in text
    for url in (home, institutions):
        text = client.get(url).text
        assert "한국공예재단" in text and "한국도자재단" not in text
    # A list's page keys are remembered too: a record that leaves the list leaves it now.
    institution.status = PublicationStatus.DRAFT
    institution.save()
    for url in (home, institutions):
        assert "한국공예재단" not in client.get(url).text


def test_city_cards_show_an_edit_on_the_next_request(client):
    from tests.factories import CityFactory

    city = CityFactory(name_ko="청주")
    url = reverse("cities:list")
    assert "청주" in client.get(url).text
    city.name_ko = "이천"
    city.save()
    text = client.get(url).text
    assert "이천" in text and "청주" not in text


def test_a_timed_event_is_marked_now_on_by_the_clock_not_by_a_save(client, monkeypatch):
    # Nothing is saved when a concert starts: the cached page must expire by itself.
    from tests.factories import EventFactory

    starts = timezone.now() + datetime.timedelta(hours=1)
    EventFactory(title_ko="저녁 공연", all_day=False, starts_at=starts,
                 ends_at=starts + datetime.timedelta(hours=2))
    url = reverse("events:list")
    assert 'class="now-on"' not in client.get(url).text
    later = starts + datetime.timedelta(minutes=30)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert 'class="now-on"' in client.get(url).text


def test_a_cached_page_keeps_its_etag_and_answers_304(client):
    NewsFactory()
    first = client.get(news_list_url())
    second = client.get(news_list_url())
    assert second["X-Page-Cache"] == "hit" and second["ETag"] == first["ETag"]
    assert client.get(news_list_url(), HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
