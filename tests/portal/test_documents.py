"""The document library: files recognised by their content, stored under a random
name, served only while published with a content type the site chose; the list page's
filters; the documents of city profiles and event pages; queries that do not grow."""

import io
import zipfile

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from portal.blocks import document_files
from portal.blocks.document_files import DocumentFormat, download_name, inspect_document
from portal.documents import Document, DocumentKind
from portal.documents_demo import sample_pdf
from tests.factories import CityFactory, DocumentFactory, EventFactory, NewsFactory
from tests.portal.admin_helpers import change_form_data

pytestmark = pytest.mark.django_db

PDF = sample_pdf(["A report"])
WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
SHEET_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
SLIDES_MAIN = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
MACRO_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"


def content_types(part, content_type):
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/{part}" ContentType="{content_type}"/></Types>'
    )


def package(members, compression=zipfile.ZIP_DEFLATED):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def ooxml(part, content_type, extra=None):
    return package(
        {"[Content_Types].xml": content_types(part, content_type), part: "<x/>", **(extra or {})}
    )


HWPX = package(
    {"mimetype": "application/hwp+zip", "Contents/section0.xml": "<s/>", "version.xml": "<v/>"},
    compression=zipfile.ZIP_STORED,
)


def check(data):
    return inspect_document(ContentFile(data, name="upload"))


def refused(data):
    with pytest.raises(ValidationError) as error:
        check(data)
    return error.value


# --- Recognised by content ------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (PDF, DocumentFormat.PDF),
        (ooxml("word/document.xml", WORD_MAIN), DocumentFormat.DOCX),
        (ooxml("xl/workbook.xml", SHEET_MAIN), DocumentFormat.XLSX),
        (ooxml("ppt/presentation.xml", SLIDES_MAIN), DocumentFormat.PPTX),
        (HWPX, DocumentFormat.HWPX),
    ],
    ids=["pdf", "docx", "xlsx", "pptx", "hwpx"],
)
def test_accepted_formats_are_recognised_by_content(data, expected):
    assert check(data) == expected


def test_a_script_renamed_pdf_is_refused():
    with translation.override("en"):
        error = refused(b"#!/bin/sh\nrm -rf /\n")
        assert error.code == "not_a_document"
        assert "whatever its name says" in error.messages[0]


def test_a_pdf_without_its_end_is_refused():
    assert refused(PDF[: len(PDF) // 2]).code == "damaged"


def test_legacy_binary_office_files_are_refused_with_a_way_out():
    error = refused(document_files.OLE_SIGNATURE + b"\0" * 600)
    assert error.code == "legacy_format"
    assert ".hwpx" in str(error.messages[0])


def test_macros_are_refused():
    assert refused(ooxml("word/document.xml", MACRO_MAIN)).code == "macros"
    with_vba = ooxml("word/document.xml", WORD_MAIN, {"word/vbaProject.bin": b"\0"})
    assert refused(with_vba).code == "macros"


def test_a_zip_that_is_no_office_document_is_refused():
    assert refused(package({"readme.txt": "hello"})).code == "not_a_document"
    # The main part is named but absent.
    assert refused(package({"[Content_Types].xml": content_types("word/document.xml", WORD_MAIN)}))
    assert refused(b"PK\x03\x04 not really a zip").code == "not_a_document"


def test_zip_bombs_are_refused_before_anything_is_decompressed(monkeypatch):
    zeros = ooxml("word/document.xml", WORD_MAIN, {"word/media/zeros.bin": b"\0" * 5_000_000})
    assert refused(zeros).code == "zip_bomb"
    many = ooxml("word/document.xml", WORD_MAIN, {f"word/part{n}.xml": "<x/>" for n in range(30)})
    monkeypatch.setattr(document_files, "ZIP_MAX_MEMBERS", 20)
    assert refused(many).code == "zip_bomb"
    monkeypatch.setattr(document_files, "ZIP_MAX_MEMBERS", 5000)
    monkeypatch.setattr(document_files, "ZIP_MAX_UNCOMPRESSED", 100)
    assert refused(many).code == "zip_bomb"


def test_member_names_that_escape_their_folder_are_refused():
    data = ooxml("word/document.xml", WORD_MAIN, {"../../etc/cron.d/x": "x"})
    assert refused(data).code == "not_a_document"


def test_empty_and_too_large_files_are_refused(settings):
    assert refused(b"").code == "empty"
    settings.DOCUMENT_MAX_BYTES = 100
    error = refused(PDF)
    assert error.code == "too_large"


# --- Stored and named -----------------------------------------------------------------


def test_the_stored_name_is_random_and_the_format_and_size_recorded():
    document = DocumentFactory(file=SimpleUploadedFile("../../secret plan.pdf", PDF))
    assert document.file.name.startswith("portal/document/")
    assert "secret" not in document.file.name and ".." not in document.file.name
    assert document.file.name.endswith(".pdf")
    assert document.file_format == DocumentFormat.PDF
    assert document.file_size == len(PDF)
    assert default_storage.exists(document.file.name)


def test_download_names_keep_hangul_and_drop_paths():
    assert download_name("2024 모니터링 보고서", "pdf") == "2024 모니터링 보고서.pdf"
    assert download_name('../a/b\\c:"d"\n', "docx") == "a b c d.docx"
    assert download_name("", "xlsx") == "document.xlsx"


# --- In the admin ---------------------------------------------------------------------


@pytest.fixture
def admin_client(client):
    user = User.objects.create_superuser("root", "root@example.org", None)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def add_form(admin_client, upload):
    page = admin_client.get(reverse("admin:portal_document_add"))
    data = change_form_data(page)
    for name in ("cities", "events", "news"):
        data.pop(name, None)
    data.update(
        title_ko="보고서",
        title_en="Report",
        slug="report",
        kind=DocumentKind.MONITORING_REPORT,
        file=upload,
        _save="Save",
    )
    return admin_client.post(reverse("admin:portal_document_add"), data)


def test_the_admin_refuses_a_script_named_pdf_with_a_clear_error(admin_client):
    response = add_form(admin_client, SimpleUploadedFile("report.pdf", b"<script>x</script>"))
    assert response.status_code == 200
    assert "file" in response.context["adminform"].form.errors
    assert "파일 이름과 관계없이" in response.text  # the admin speaks Korean by default
    assert not Document.objects.exists()


def test_the_admin_stores_a_real_pdf(admin_client):
    response = add_form(admin_client, SimpleUploadedFile("보고서.pdf", PDF))
    assert response.status_code == 302, response.context["adminform"].form.errors
    document = Document.objects.get(slug="report")
    assert document.file_format == "pdf" and "보고서" not in document.file.name


# --- Served ---------------------------------------------------------------------------


def file_url(document, lang="en"):
    with translation.override(lang):
        return document.get_absolute_url()


def test_a_published_pdf_is_shown_inline_with_its_utf8_name(client):
    document = DocumentFactory(title_ko="이천 모니터링 보고서")
    response = client.get(file_url(document, "ko"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("inline;")
    assert "filename*=utf-8''%EC%9D%B4%EC%B2%9C" in disposition
    assert b"".join(response.streaming_content) == document.file.open("rb").read()


def test_an_office_document_is_downloaded_with_the_type_of_its_checked_format(client):
    upload = SimpleUploadedFile(
        "sheet.pdf", ooxml("xl/workbook.xml", SHEET_MAIN), content_type="application/pdf"
    )
    document = DocumentFactory(file=upload, title_en="Figures")
    response = client.get(file_url(document))
    assert response["Content-Type"] == document_files.CONTENT_TYPES[DocumentFormat.XLSX]
    assert response["Content-Disposition"] == 'attachment; filename="Figures.xlsx"'


def test_drafts_are_hidden_from_the_public_and_previewed_by_staff(client):
    document = DocumentFactory(status="draft", publish_at=None)
    assert client.get(file_url(document)).status_code == 404
    staff = User.objects.create_user("staff", "s@example.org", None, is_staff=True)
    client.force_login(staff, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get(file_url(document))
    assert response.status_code == 200
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]


def test_a_file_missing_from_storage_is_a_404_not_a_500(client):
    document = DocumentFactory()
    default_storage.delete(document.file.name)
    assert client.get(file_url(document)).status_code == 404


# --- The list page --------------------------------------------------------------------


def list_page(client, lang="en", **params):
    with translation.override(lang):
        url = reverse("portal:document-list")
    return client.get(url, params)


def titles(response):
    return [document.title_en for document in response.context["page_obj"].object_list]


@pytest.fixture
def library():
    icheon = CityFactory(slug="icheon", name_en="Icheon", name_ko="이천")
    report = DocumentFactory(
        title_en="Monitoring report 2023",
        title_ko="2023 모니터링 보고서",
        kind=DocumentKind.MONITORING_REPORT,
        date="2023-11-30",
    )
    report.cities.add(icheon)
    DocumentFactory(title_en="Craft journal", kind=DocumentKind.JOURNAL_ISSUE, date="2024-03-01")
    DocumentFactory(title_en="Hidden draft", status="draft", publish_at=None)
    return icheon


def test_the_list_shows_published_documents_newest_first(client, library):
    response = list_page(client)
    assert response.status_code == 200
    assert titles(response) == ["Craft journal", "Monitoring report 2023"]
    assert 'hreflang="ko"' in response.text


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "monitoring-report"}, ["Monitoring report 2023"]),
        ({"city": "icheon"}, ["Monitoring report 2023"]),
        ({"city": "이천"}, ["Monitoring report 2023"]),
        ({"year": "2024"}, ["Craft journal"]),
        ({"q": "모니터링"}, ["Monitoring report 2023"]),
        ({"q": "journal"}, ["Craft journal"]),
    ],
)
def test_filters(client, library, params, expected):
    assert titles(list_page(client, **params)) == expected


@pytest.mark.parametrize(
    "params",
    [
        {"kind": "secret"},
        {"year": "abc"},
        {"year": "99999"},
        {"year": "2023.5"},
        {"city": "atlantis"},
        {"q": "x" * 300},
    ],
)
def test_bad_filters_answer_200_with_the_error_and_no_store(client, library, params):
    response = list_page(client, **params)
    assert response.status_code == 200
    assert response.context["filter"].form.errors
    assert "no-store" in response["Cache-Control"]


def test_a_page_out_of_range_is_a_404(client, library):
    assert list_page(client, page="9").status_code == 404
    assert list_page(client, page="x").status_code == 404


def test_the_navigation_links_to_the_documents(client, library):
    with translation.override("ko"):
        url = reverse("portal:document-list")
    response = list_page(client, "ko")
    assert f'href="{url}" aria-current="page"' in response.text


def test_the_city_field_suggests_the_cities_with_a_published_document(client, library):
    CityFactory(slug="jinju", name_en="Jinju", name_ko="진주")  # no document
    DocumentFactory(status="draft", publish_at=None).cities.add(
        CityFactory(slug="seoul", name_en="Seoul", name_ko="서울")
    )
    with translation.override("ko"):
        url = reverse("portal:document-city-suggestions")
    assert f'data-suggestions="{url}"' in list_page(client, "ko").text
    assert client.get(url).json() == [["이천", "Icheon"]]


# --- On city profiles and event pages ---------------------------------------------------


def test_a_city_profile_lists_its_reports_and_agreements(client, library):
    publication = DocumentFactory(title_en="A book", kind=DocumentKind.PUBLICATION)
    publication.cities.add(library)
    with translation.override("en"):
        response = client.get(library.get_absolute_url())
    assert "Monitoring report 2023" in response.text
    assert "A book" not in response.text


def test_an_event_page_lists_its_programmes_and_press_kits(client):
    event = EventFactory()
    kit = DocumentFactory(title_en="Press kit", kind=DocumentKind.PRESS_KIT)
    kit.events.add(event)
    draft = DocumentFactory(title_en="Draft programme", kind=DocumentKind.PROGRAMME, status="draft")
    draft.events.add(event)
    with translation.override("en"):
        response = client.get(event.get_absolute_url())
    assert "Press kit" in response.text
    assert "Draft programme" not in response.text


def test_links_to_news_are_kept():
    news = NewsFactory()
    document = DocumentFactory()
    document.news.add(news)
    assert list(news.documents.all()) == [document]


# --- Queries --------------------------------------------------------------------------


def grow(count, city, event):
    for number in range(count):
        report = DocumentFactory(kind=DocumentKind.MONITORING_REPORT)
        report.cities.add(city, CityFactory())
        kit = DocumentFactory(kind=DocumentKind.PRESS_KIT, date=f"20{10 + number % 10}-01-01")
        kit.events.add(event)


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def test_pages_run_the_same_queries_at_any_size(client, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    city, event = CityFactory(slug="icheon"), EventFactory()
    grow(2, city, event)
    with translation.override("en"):
        urls = [
            reverse("portal:document-list"),
            reverse("portal:document-list") + "?city=icheon&kind=monitoring-report",
            reverse("portal:document-list") + "?year=2011&q=Document",
            reverse("portal:document-city-suggestions"),
            city.get_absolute_url(),
            event.get_absolute_url(),
        ]
    small = [queries(client, url) for url in urls]
    grow(25, city, event)
    assert [queries(client, url) for url in urls] == small


@pytest.mark.django_db(transaction=True)
def test_the_backup_takes_the_document_files(tmp_path):
    import tarfile

    from portal.blocks.backups import backup

    document = DocumentFactory()
    archive = tmp_path / "backup.tar.gz"
    backup(archive, default_storage)
    with tarfile.open(archive) as members:
        stored = members.extractfile(f"media/{document.file.name}").read()
    assert stored == document.file.open("rb").read()
