"""The documents page and a series' page in Chromium, in Korean and English, on a phone
and on a laptop: axe-core finds nothing, nothing scrolls sideways, and the filters and
the document links work."""

import pytest
from django.urls import reverse
from django.utils import translation

from events.figures import STANDARD_KINDS, FigureKind
from portal.documents import DocumentKind
from tests.factories import (
    CityFactory,
    DocumentFactory,
    EditionFigureFactory,
    EventFactory,
    EventSeriesFactory,
)


def standard_kind(slug):
    """One of the kinds the migration adds (made again after a test that emptied the
    database)."""
    _slug, name_ko, name_en, order = next(kind for kind in STANDARD_KINDS if kind[0] == slug)
    return FigureKind.objects.get_or_create(
        slug=slug, defaults={"name_ko": name_ko, "name_en": name_en, "order": order}
    )[0]


pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def library():
    icheon = CityFactory(slug="icheon", name_en="Icheon", name_ko="이천")
    report = DocumentFactory(
        slug="monitoring-report-2023",
        title_en="Monitoring report 2023",
        title_ko="2023 모니터링 보고서",
        kind=DocumentKind.MONITORING_REPORT,
        date="2023-11-30",
    )
    report.cities.add(icheon)
    DocumentFactory(title_en="Craft journal", title_ko="공예 저널", kind=DocumentKind.JOURNAL_ISSUE)
    series = EventSeriesFactory(slug="biennale", name_en="Craft Biennale", name_ko="공예비엔날레")
    for year, visitors, countries in ((2023, 300_000, 57), (2025, 400_000, 72)):
        edition = EventFactory(
            series=series,
            title_en=f"Craft Biennale {year}",
            title_ko=f"공예비엔날레 {year}",
            start_date=f"{year}-09-01",
            end_date=f"{year}-10-15",
        )
        EditionFigureFactory(event=edition, kind=standard_kind("visitors"), value=visitors)
        EditionFigureFactory(event=edition, kind=standard_kind("countries"), value=countries)
    return series


def paths(series, lang):
    with translation.override(lang):
        return [reverse("portal:document-list"), series.get_absolute_url()]


@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize("width", [390, 1366])
def test_documents_and_series_pages_are_accessible(
    new_page, live_server, axe, library, lang, width
):
    page = new_page("ko-KR" if lang == "ko" else "en-GB")
    page.set_viewport_size({"width": width, "height": 844 if width == 390 else 768})
    for path in paths(library, lang):
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        assert page.locator("html").get_attribute("lang") == lang
        assert not page.evaluate(
            "() => document.documentElement.scrollWidth > document.documentElement.clientWidth"
        ), path
        assert axe(page) == [], path


def test_filter_the_documents_and_open_one(page, live_server, axe, library):
    with translation.override("ko"):
        page.goto(live_server.url + reverse("portal:document-list"))
    page.locator("#id_kind").select_option("monitoring-report")
    page.locator(".filters button[type=submit]").click()
    page.wait_for_url("**kind=monitoring-report**")
    assert page.locator(".document__title").all_inner_texts()[0].startswith("2023 모니터링 보고서")
    assert axe(page) == []
    with translation.override("ko"):
        page.goto(live_server.url + reverse("portal:document-list") + "?year=abc&city=nowhere")
    assert page.locator(".errorlist").count() == 2
    assert axe(page) == []
    page.go_back()
    with page.expect_response("**/documents/monitoring-report-2023/file/") as answer:
        page.locator(".document__title a").first.click()
    assert answer.value.headers["content-type"] == "application/pdf"
