"""A page whose text falls back to the other language says so once, before its content."""

import pytest
from django.urls import reverse
from django.utils import translation

from portal.blocks.translation_status import displayed, fallback_notes, localized
from tests.factories import CityFactory, NewsFactory, PageFactory

pytestmark = pytest.mark.django_db

NOTICE_KO = "일부 내용은 아직 한국어로 번역되지 않아 영어로 표시됩니다."
NOTICE_EN = "Some of this page is not yet translated and is shown in Korean."


def url(name, lang="ko", **kwargs):
    with translation.override(lang):
        return reverse(name, kwargs=kwargs or None)


def test_a_list_with_several_untranslated_cards_has_one_notice_and_no_notes(client):
    for n in range(3):
        CityFactory(name_ko="", name_en=f"Town {n}", summary_ko="", summary_en="English only.")
    text = client.get(url("cities:list")).text
    assert text.count(NOTICE_KO) == 1
    assert text.count('class="translation-notice"') == 1
    assert "번역되지 않아 영어로 보여" not in text  # the old note beside every text
    assert "untranslated-note" not in text
    # Each fallback text still carries its language for screen readers.
    assert text.count('<span lang="en" class="untranslated">English only.</span>') == 3
    # The notice comes first in <main>, before the content it speaks of.
    main = text.split('<main id="main" tabindex="-1">')[1]
    assert main.index(NOTICE_KO) < main.index("Town 0")


def test_the_notice_is_in_the_page_language(client):
    page = PageFactory(slug="about", title_en="", body_en="")
    text = client.get(url("portal:page", "en", slug=page.slug)).text
    assert text.count(NOTICE_EN) == 1
    assert f'<h1><span lang="ko" class="untranslated">{page.title_ko}</span></h1>' in text


def test_a_fully_translated_page_has_no_notice(client):
    news = NewsFactory()
    for lang in ("ko", "en"):
        text = client.get(url("portal:news-detail", lang, slug=news.slug)).text
        assert 'class="translation-notice"' not in text


def test_a_fallback_in_the_footer_alone_is_no_notice_about_the_page(client):
    # The footer is kept as a region shared by every page: it cannot decide the notice.
    from tests.factories import SiteIdentityFactory

    SiteIdentityFactory(address_en="", hours_en="")
    assert 'class="translation-notice"' not in client.get(url("portal:home", "en")).text


def test_a_cached_page_keeps_its_notice(client):
    CityFactory(slug="aswan", name_ko="", name_en="Aswan")
    first = client.get(url("cities:detail", slug="aswan")).text
    second = client.get(url("cities:detail", slug="aswan")).text
    assert first.count(NOTICE_KO) == 1 and second.count(NOTICE_KO) == 1


def test_only_displayed_fallbacks_are_collected():
    city = CityFactory.build(name_ko="", name_en="Aswan", summary_ko="요약", summary_en="Summary")
    with translation.override("ko"), fallback_notes() as languages:
        assert localized(city, "name").is_fallback  # alt texts, feeds: not collected
        assert languages == set()
        assert not displayed(city, "summary").is_fallback
        assert languages == set()
        assert displayed(city, "name").text == "Aswan"
        assert languages == {"en"}
    with translation.override("ko"):
        displayed(city, "name")  # outside a page: nothing to collect into, no error
