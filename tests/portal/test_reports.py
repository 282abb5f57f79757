"""Membership Monitoring Reports (portal.reports): when the next one is due, a report
drafted from the records of its period (each fact naming its record, only published
ones), the office's text kept when the facts are drafted again, and the exports."""

import datetime
import io
import zipfile

import pytest
from django.urls import reverse

from events.models import EventKind
from portal import reports
from portal.blocks.publishing import PublicationStatus
from portal.models import GuidelineSection, MonitoringReport, ReportSource
from tests.factories import (
    CityFactory,
    EventFactory,
    InstitutionFactory,
    MilestoneFactory,
    PartnershipFactory,
)

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def icheon():
    return CityFactory(
        slug="icheon", name_ko="이천", name_en="Icheon", designation_year=2010, is_home=True
    )


def test_reports_are_due_every_four_years_after_designation(icheon):
    assert reports.next_due(icheon, today=D(2025, 3, 1))["year"] == 2026
    due = reports.next_due(icheon, today=D(2026, 3, 1))
    assert due["year"] == 2026 and due["date"] == D(2026, 12, 31)
    assert not due["warn"] and due["report"] is None
    # Six months ahead, the dashboard warns.
    assert reports.next_due(icheon, today=D(2026, 7, 1))["warn"]
    assert reports.period_for(icheon, 2026) == (D(2023, 1, 1), D(2026, 12, 31))
    # The first report covers the years since designation.
    assert reports.period_for(icheon, 2014) == (D(2011, 1, 1), D(2014, 12, 31))


def test_a_finished_report_moves_the_next_due_year(icheon):
    report = MonitoringReport.objects.create(
        city=icheon, due_year=2026, period_start=D(2023, 1, 1), period_end=D(2026, 12, 31)
    )
    assert reports.next_due(icheon, today=D(2026, 9, 1))["report"] == report
    report.report_status = "finished"
    report.save()
    assert reports.next_due(icheon, today=D(2026, 9, 1))["year"] == 2030


def test_a_city_without_a_designation_year_owes_nothing():
    assert reports.next_due(CityFactory(designation_year=None)) is None
    assert reports.next_due(None) is None


def make_report(city):
    report = MonitoringReport.objects.create(
        city=city, due_year=2026, period_start=D(2023, 1, 1), period_end=D(2026, 12, 31)
    )
    reports.start_report(report)
    return report


def facts_of(report, source):
    return report.sections.get(source=source).facts


def test_a_report_is_drafted_from_the_published_records_of_its_period(icheon):
    limoges = CityFactory(slug="limoges", name_ko="리모주", name_en="Limoges")
    agreement = PartnershipFactory(
        city=icheon,
        partner=limoges,
        title_en="Icheon and Limoges agreement",
        start_date=D(2024, 5, 1),
    )
    PartnershipFactory(
        city=icheon, title_en="Ended long ago", start_date=D(2012, 1, 1), end_date=D(2015, 1, 1)
    )
    PartnershipFactory(city=icheon, title_en="Draft exchange", status=PublicationStatus.DRAFT)
    venue = InstitutionFactory(city=icheon, name_en="Icheon World Ceramic Center")
    biennale = EventFactory(
        city=icheon,
        venue=venue,
        kind=EventKind.BIENNALE,
        title_en="Ceramic Biennale 2025",
        start_date=D(2025, 8, 22),
        end_date=D(2025, 10, 19),
    )
    EventFactory(
        city=icheon, title_en="Old festival", start_date=D(2019, 4, 1), end_date=D(2019, 4, 5)
    )
    EventFactory(
        city=icheon,
        title_en="Unpublished fair",
        status=PublicationStatus.DRAFT,
        start_date=D(2024, 1, 1),
        end_date=D(2024, 1, 2),
    )
    conference = EventFactory(
        city=limoges,
        kind=EventKind.CONFERENCE,
        title_en="UCCN Annual Conference 2024",
        start_date=D(2024, 7, 1),
        end_date=D(2024, 7, 5),
    )
    milestone = MilestoneFactory(city=icheon, date=D(2025, 8, 22), title_en="Biennale opened")

    report = make_report(icheon)
    assert report.drafted_at is not None
    assert report.sections.count() == GuidelineSection.objects.count() == 6

    local = facts_of(report, ReportSource.LOCAL)
    records = {fact["record"] for fact in local}
    assert f"events.event:{biennale.pk}" in records
    assert f"institutions.institution:{venue.pk}" in records
    assert any("Ceramic Biennale 2025 (22 Aug – 19 Oct 2025)" in fact["en"] for fact in local)
    assert not any("Old festival" in fact["en"] or "Unpublished" in fact["en"] for fact in local)
    counted = local[0]
    assert counted["en"].startswith("1 event in the city") and counted["list"].startswith(
        "events.event?"
    )

    cooperation = facts_of(report, ReportSource.COOPERATION)
    assert [fact["record"] for fact in cooperation] == [f"cities.partnership:{agreement.pk}"]
    assert "리모주" in cooperation[0]["ko"] and "Limoges" in cooperation[0]["en"]

    network = facts_of(report, ReportSource.NETWORK)
    assert network[0]["record"] == f"events.event:{conference.pk}"
    assert network[0]["en"].startswith("Took part: UCCN Annual Conference 2024, Limoges")

    summary = facts_of(report, ReportSource.MILESTONES)
    assert summary[0]["record"] == f"cities.milestone:{milestone.pk}"
    profile = facts_of(report, ReportSource.PROFILE)
    assert "since 2010" in profile[0]["en"]
    assert facts_of(report, ReportSource.NONE) == []


def test_drafting_again_refreshes_the_facts_and_keeps_the_office_text(icheon):
    report = make_report(icheon)
    section = report.sections.get(source=ReportSource.LOCAL)
    section.text_ko = "사무국의 글"
    section.text_en = "The office's words"
    section.save()
    assert section.facts == []
    EventFactory(
        city=icheon, title_en="New workshop", start_date=D(2026, 2, 1), end_date=D(2026, 2, 1)
    )

    reports.draft(report)
    section.refresh_from_db()
    assert section.text_ko == "사무국의 글" and section.text_en == "The office's words"
    assert any("New workshop" in fact["en"] for fact in section.facts)


def test_a_fact_links_to_its_record_and_its_public_page(icheon):
    event = EventFactory(city=icheon, start_date=D(2025, 1, 1), end_date=D(2025, 1, 2))
    report = make_report(icheon)
    fact = next(f for f in facts_of(report, ReportSource.LOCAL) if f["record"])
    admin_url, public_url = reports.fact_links(fact)
    assert admin_url == reverse("admin:events_event_change", args=[event.pk])
    assert public_url == event.get_absolute_url()
    # A record deleted since the draft: no link, no error.
    assert reports.fact_links({"record": "events.event:999999"}) == (None, None)
    assert reports.fact_links({"record": "nothing.here:1"}) == (None, None)


@pytest.fixture
def written(icheon):
    EventFactory(
        city=icheon,
        title_ko="도자 비엔날레",
        title_en="Ceramic Biennale",
        start_date=D(2025, 8, 22),
        end_date=D(2025, 10, 19),
    )
    report = make_report(icheon)
    section = report.sections.get(source=ReportSource.NONE)
    section.text_ko = "첫째 문단입니다.\n\n둘째 문단입니다."
    section.text_en = "First paragraph.\n\nSecond paragraph."
    section.save()
    return report


def test_the_word_document_in_each_language(written):
    from docx import Document

    for lang, title, paragraph, fact in (
        ("ko", "향후 4년 실행 계획", "둘째 문단입니다.", "도자 비엔날레"),
        ("en", "Action plan for the next four years", "Second paragraph.", "Ceramic Biennale"),
    ):
        document = Document(
            io.BytesIO(reports.word_document(written, lang, base_url="https://portal.example.org"))
        )
        texts = [p.text for p in document.paragraphs]
        assert title in texts and paragraph in texts
        assert any(fact in text and "https://portal.example.org/" in text for text in texts)
        assert document.core_properties.language == lang


def test_exports_are_staff_only_and_in_the_language_asked(client, publisher, written):
    print_url = reverse("admin:portal_monitoringreport_print", args=[written.pk, "en"])
    word_url = reverse("admin:portal_monitoringreport_word", args=[written.pk, "ko"])
    assert client.get(print_url).status_code == 302  # to the login page
    client.force_login(publisher)

    page = client.get(print_url, HTTP_ACCEPT_LANGUAGE="ko")
    assert page.status_code == 200
    assert '<html lang="en">' in page.text
    assert "Action plan for the next four years" in page.text and "Second paragraph." in page.text
    assert "From the portal&#x27;s records" in page.text or "From the portal's records" in page.text

    word = client.get(word_url)
    assert word.status_code == 200
    assert word["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="icheon-monitoring-report-2026-ko.docx"' in word["Content-Disposition"]
    assert zipfile.is_zipfile(io.BytesIO(word.content))

    assert (
        client.get(
            reverse("admin:portal_monitoringreport_print", args=[written.pk, "fr"])
        ).status_code
        == 404
    )
    assert (
        client.get(reverse("admin:portal_monitoringreport_word", args=[999999, "en"])).status_code
        == 404
    )


def test_adding_a_report_in_the_admin_starts_it_from_the_guidelines(client, publisher, icheon):
    client.force_login(publisher)
    add = client.get(reverse("admin:portal_monitoringreport_add"))
    form = add.context["adminform"].form
    assert form.initial["city"] == icheon.pk and form.initial["due_year"] >= 2026
    response = client.post(
        reverse("admin:portal_monitoringreport_add"),
        {
            "city": icheon.pk,
            "due_year": 2026,
            "period_start": "2023-01-01",
            "period_end": "2026-12-31",
            "report_status": "draft",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    report = MonitoringReport.objects.get(city=icheon)
    assert report.sections.count() == 6 and report.drafted_at

    change = client.get(reverse("admin:portal_monitoringreport_change", args=[report.pk]))
    assert change.status_code == 200
    assert reverse("admin:portal_monitoringreport_word", args=[report.pk, "ko"]) in change.text

    # The same year twice, or a period that ends before it starts: form errors.
    again = client.post(
        reverse("admin:portal_monitoringreport_add"),
        {
            "city": icheon.pk,
            "due_year": 2026,
            "period_start": "2026-12-31",
            "period_end": "2023-01-01",
            "report_status": "draft",
        },
    )
    assert again.status_code == 200
    errors = again.context["adminform"].form.errors
    assert "period_end" in errors or "__all__" in errors


def test_the_dashboard_says_when_the_next_report_is_due(client, publisher, icheon):
    client.force_login(publisher)
    page = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="en")
    assert "monitoring report" in page.text
    assert reverse("admin:portal_monitoringreport_add") in page.text


def test_a_finished_report_becomes_a_document_per_language_on_its_city(client, publisher, written):
    from portal.documents import Document, DocumentKind

    client.force_login(publisher)
    changelist = reverse("admin:portal_monitoringreport_changelist")
    action = {"action": "make_documents", "_selected_action": [written.pk]}
    client.post(changelist, action)
    assert not Document.objects.exists()  # still being written

    written.report_status = "finished"
    written.save()
    response = client.post(changelist, action, follow=True)
    assert response.status_code == 200
    documents = {document.language: document for document in Document.objects.all()}
    assert set(documents) == {"ko", "en"}
    korean = documents["ko"]
    assert korean.kind == DocumentKind.MONITORING_REPORT
    assert korean.status == PublicationStatus.DRAFT
    assert korean.title_ko == "이천 2026년 회원 활동 보고서 (국문)"
    assert korean.title_en == "Icheon Membership Monitoring Report 2026 (Korean)"
    assert korean.file_format == "docx" and korean.file_size > 0
    assert list(korean.cities.all()) == [written.city]

    # Made again: the same two documents, with the report's current text.
    client.post(changelist, action)
    assert Document.objects.count() == 2
