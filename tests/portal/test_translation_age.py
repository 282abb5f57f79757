"""When each language's text last changed, and the dashboard's lists of missing and
out-of-date translations."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from cities.models import City
from institutions.models import Discipline
from portal.blocks.content import content_models
from portal.blocks.translation_age import stale_translation
from portal.dashboard import dashboard
from portal.models import News
from tests.factories import CityFactory, DisciplineFactory, NewsFactory
from tests.portal.test_dashboard import index  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db


def stale(model, lang):
    return set(model.objects.filter(stale_translation(model, lang)))


def edit(obj, **fields):
    obj.refresh_from_db()
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.save()
    obj.refresh_from_db()
    return obj


def test_every_content_model_has_the_stamps():
    for model in content_models():
        names = {field.name for field in model._meta.fields}
        assert {"text_changed_ko", "text_changed_en"} <= names, model


def test_a_new_record_in_both_languages_is_level():
    news = NewsFactory()
    news.refresh_from_db()
    assert news.text_changed_ko == news.text_changed_en is not None
    assert stale(News, "en") == stale(News, "ko") == set()


def test_changing_the_korean_makes_the_english_out_of_date_and_catching_up_clears_it():
    news = NewsFactory()
    edit(news, body_ko="새 본문입니다.")
    assert news.text_changed_ko > news.text_changed_en
    assert stale(News, "en") == {news} and stale(News, "ko") == set()
    edit(news, body_en="New body text.")
    # The translator caught up: level, and the Korean is not flagged in turn.
    assert news.text_changed_en == news.text_changed_ko
    assert stale(News, "en") == stale(News, "ko") == set()


def test_changing_the_english_makes_the_korean_out_of_date():
    city = CityFactory(name_en="Aswan", name_ko="아스완")
    edit(city, summary_en="A city on the Nile.")
    assert stale(City, "ko") == {city} and stale(City, "en") == set()


def test_a_save_that_changes_nothing_or_other_fields_keeps_the_stamps():
    news = NewsFactory()
    news.refresh_from_db()
    stamps = (news.text_changed_ko, news.text_changed_en)
    edit(news, slug="renamed", date=datetime.date(2024, 1, 1))
    assert (news.text_changed_ko, news.text_changed_en) == stamps


def test_a_translation_written_later_is_level_with_its_source():
    news = NewsFactory(title_en="", summary_en="", body_en="")
    assert stale(News, "en") == set()  # missing, which is counted apart
    edit(news, title_en="Title", summary_en="Summary", body_en="Body")
    assert news.text_changed_en == news.text_changed_ko
    assert stale(News, "ko") == stale(News, "en") == set()


def test_emptying_a_language_is_missing_not_a_change_to_follow():
    news = NewsFactory()
    edit(news, title_en="", summary_en="", body_en="")
    assert stale(News, "ko") == set()


def test_records_made_before_the_stamps_are_flagged_once_one_language_changes():
    news = NewsFactory()
    News.objects.filter(pk=news.pk).update(text_changed_ko=None, text_changed_en=None)
    assert stale(News, "en") == set()
    edit(news, body_ko="고친 본문입니다.")
    assert stale(News, "en") == {news}
    edit(news, body_en="Corrected body.")
    assert stale(News, "en") == stale(News, "ko") == set()


def test_a_save_of_some_fields_writes_the_stamps_too():
    news = NewsFactory()
    news.title_ko = "새 제목"
    news.save(update_fields=["title_ko"])
    assert stale(News, "en") == {news}


def test_a_version_brought_back_from_the_history_does_not_bring_back_old_stamps():
    news = NewsFactory()
    edit(news, body_ko="새 본문입니다.")
    old = news.history.earliest().instance
    old.save()  # as a revert does: the text changes back
    old.refresh_from_db()
    assert old.text_changed_ko > news.text_changed_en


def test_a_model_without_created_or_updated_stamps_is_tracked_too():
    hanji = DisciplineFactory(name_ko="한지", name_en="Hanji")
    edit(hanji, name_ko="전통 한지")
    assert stale(Discipline, "en") == {hanji}


def test_the_dashboard_lists_out_of_date_translations_with_links(index):  # noqa: F811
    news = NewsFactory(title_en="Changed news")
    edit(news, body_ko="새 본문입니다.")
    NewsFactory(title_en="Level news")
    with translation.override("en"):
        entries = dashboard()["stale_translations"]
        assert [str(lang) for lang in entries[0]["languages"]] == ["English"]
    assert [entry["label"] for entry in entries] == ["Changed news"]
    assert entries[0]["url"] == reverse("admin:portal_news_change", args=[news.pk])
    panel = index("Translations older than the text they translate")
    assert entries[0]["url"] in panel and "Out of date: English" in panel
    assert "Level news" not in panel


def test_the_dashboard_counts_records_missing_korean(client, index):  # noqa: F811
    CityFactory.create_batch(3, name_ko="")
    NewsFactory(title_en="English only", title_ko="", summary_ko="", body_ko="")
    NewsFactory()
    panel = {item["model"]: item for item in dashboard()["missing_korean"]}
    assert panel[City._meta.verbose_name_plural]["count"] == 3
    news = panel[News._meta.verbose_name_plural]
    assert news["count"] == 1
    assert news["url"] == reverse("admin:portal_news_changelist") + "?attention=missing_ko"
    assert news["url"] in index("Missing a Korean translation")
    listing = client.get(news["url"])
    assert [obj.title_en for obj in listing.context["cl"].result_list] == ["English only"]


def dashboard_queries(n):
    for _ in range(n):
        edit(NewsFactory(), body_ko="새 본문입니다.")
        CityFactory(name_ko="")
        edit(CityFactory(), summary_en="Changed.")
    with CaptureQueriesContext(connection) as queries:
        dashboard()
    return len(queries)


def test_the_dashboard_makes_the_same_number_of_queries_at_two_sizes():
    small = dashboard_queries(2)
    assert dashboard_queries(20) == small


def test_the_newest_change_comes_first():
    first, second = NewsFactory(title_en="First"), NewsFactory(title_en="Second")
    edit(first, body_ko="가")
    edit(second, body_ko="나")
    News.objects.filter(pk=first.pk).update(
        text_changed_ko=timezone.now() + datetime.timedelta(days=1)
    )
    with translation.override("en"):
        labels = [entry["label"] for entry in dashboard()["stale_translations"]]
    assert labels == ["First", "Second"]
