"""In a real browser: a page with untranslated text says so once; a partner city's
profile with and without records. Zero axe-core violations on each."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from cities.models import PartnershipKind
from portal import demo
from portal.models import Page
from tests.factories import CityFactory, EventFactory, PartnershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def path(name, lang="ko", **kwargs):
    with translation.override(lang):
        return reverse(name, kwargs=kwargs or None)


@pytest.fixture
def home():
    return CityFactory(slug="cheongju", name_ko="청주", name_en="Cheongju", is_home=True)


def test_a_list_with_untranslated_cards_has_one_notice(page, live_server, axe, home):
    for name in ("Aswan", "Kanazawa", "Limoges"):
        CityFactory(name_ko="", name_en=name, summary_ko="", summary_en="Only in English.")
    page.goto(live_server.url + path("cities:list"))
    notice = page.locator(".translation-notice")
    assert notice.count() == 1
    assert notice.inner_text() == "일부 내용은 아직 한국어로 번역되지 않아 영어로 표시됩니다."
    # Above the content, under the header; no note on any card.
    assert notice.bounding_box()["y"] < page.get_by_role("heading", level=1).bounding_box()["y"]
    assert page.locator(".city-cards [lang=en]").count() == 6
    assert page.locator(".untranslated-note").count() == 0
    assert axe(page) == []
    page.set_viewport_size({"width": 390, "height": 844})
    assert axe(page) == []


def test_a_partner_profile_with_records(page, live_server, axe, home):
    kanazawa = CityFactory(
        slug="kanazawa",
        name_ko="가나자와",
        name_en="Kanazawa",
        description_ko="공예의 도시입니다.",
        sub_disciplines_ko="옻칠, 금박",
        focal_point_ko="창의도시추진실",
        contact_email="creative@example.org",
        website="https://www.example.org/",
    )
    visit = PartnershipFactory(
        city=home,
        partner=kanazawa,
        kind=PartnershipKind.EXCHANGE_VISIT,
        title_ko="대표단 방문",
        start_date=datetime.date(2026, 3, 10),
    )
    EventFactory(title_ko="공동 옻칠 워크숍").partnerships.add(visit)
    page.goto(live_server.url + path("cities:detail", slug="kanazawa"))
    assert page.get_by_role("heading", name="청주와(과)의 협력 관계").is_visible()
    assert page.get_by_text("공동 행사는 이 협력 관계에서 나온 행사로").is_visible()
    assert page.get_by_role("link", name="공동 옻칠 워크숍").is_visible()
    assert page.get_by_text("옻칠, 금박").is_visible()
    assert page.locator(".translation-notice").count() == 0
    assert axe(page) == []


def test_a_partner_profile_without_records(page, live_server, axe, home):
    CityFactory(
        slug="aswan", name_ko="", name_en="Aswan", country="EG", summary_ko="", summary_en=""
    )
    page.goto(live_server.url + path("cities:detail", slug="aswan"))
    sentence = "청주와(과)의 협력 관계나 공동 행사는 아직 등록되지 않았습니다."
    assert page.get_by_text(sentence).is_visible()
    assert page.locator("h2").all_inner_texts() == ["한눈에 보기"]
    assert page.locator(".translation-notice").count() == 1  # the name is in English
    assert page.locator("h1 [lang=en]").inner_text() == "Aswan"
    assert axe(page) == []


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_accessibility_statement_from_the_footer(page, live_server, axe, lang):
    values = next(dict(item) for item in demo.PAGES if item["slug"] == "accessibility")
    Page.objects.create(status="published", **values)
    page.goto(live_server.url + path("portal:home", lang))
    title = values[f"title_{lang}"]
    page.locator(".site-footer").get_by_role("link", name=title).click()
    page.wait_for_url(f"**/{lang}/pages/accessibility/")
    assert "KWCAG 2.2" in page.locator("main").inner_text()
    assert axe(page) == []
    page.locator("main a[href$='/contact/']").click()
    page.wait_for_url(f"**/{lang}/contact/")
