"""Spreadsheet imports in the admin as a deployment meets them (institutions, through
portal.blocks.spreadsheet_admin): several app servers, a confirmation form that can be
forged, files too large for one request, the encodings Excel saves, and problems
shown as messages. Reading files in detail: tests/portal/test_spreadsheets.py."""

import tempfile
import types

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from institutions.models import Institution
from tests.factories import CityFactory, DisciplineFactory, StaffFactory
from tests.portal.spreadsheet_files import csv_bytes, excel_workbook

pytestmark = pytest.mark.django_db

IMPORT = "admin:institutions_institution_import"
CONFIRM = "admin:institutions_institution_process_import"
CSV, XLSX = 0, 1

HEADER = ["name_ko", "name_en", "kind", "city", "disciplines", "address_ko"]
ROWS = [
    [
        "한국도자재단",
        "Korea Ceramic Foundation",
        "재단",
        "이천",
        "도자공예",
        "경기도 이천시 경충대로",
    ],
    [
        "한국도예고등학교",
        "Korea Ceramic Art High School",
        "학교",
        "이천",
        "도자공예",
        "경기도 이천시",
    ],
]
FRENCH_HEADER = ["name_en", "address_en", "kind", "city", "disciplines"]
FRENCH_ROWS = [
    [
        "Musée national Adrien Dubouché",
        "8 bis place Winston Churchill, 87000 Limoges",
        "Museum or gallery",
        "limoges",
        "ceramics",
    ],
    [
        "École nationale supérieure d'art de Limoges",
        "19 avenue Martin Luther King, 87000 Limoges",
        "University",
        "limoges",
        "ceramics",
    ],
]


@pytest.fixture
def places():
    DisciplineFactory(slug="ceramics", name_en="Ceramics", name_ko="도자공예")
    CityFactory(slug="icheon", name_en="Icheon", name_ko="이천")
    CityFactory(slug="limoges", name_en="Limoges", name_ko="리모주", country="FR")


@pytest.fixture
def staff(client, places):
    """A superuser's browser, in English."""
    client.force_login(StaffFactory(is_superuser=True))
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def previews():
    """The files the database holds between preview and confirmation."""
    return apps.get_model("portal", "PendingImport").objects


def upload(client, data, format_index=CSV, name="institutions.csv"):
    return client.post(
        reverse(IMPORT),
        {
            "import_file": SimpleUploadedFile(name, data),
            "format": str(format_index),
            "resource": "0",
        },
    )


def confirm(client, preview, **kwargs):
    return client.post(reverse(CONFIRM), preview.context["confirm_form"].initial, **kwargs)


def page_text(response):
    return " ".join(response.content.decode().split())


# --- Where the previewed file waits ---------------------------------------------------


def test_a_preview_is_confirmed_on_another_app_server(staff, tmp_path, monkeypatch):
    """Each server has its own temporary folder; the confirmation finds the file all
    the same, and the server that previewed kept nothing of it."""
    server_a, server_b = tmp_path / "server-a", tmp_path / "server-b"
    server_a.mkdir()
    server_b.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(server_a))
    preview = upload(staff, csv_bytes([HEADER, *ROWS]))
    assert preview.context["result"].totals["new"] == 2
    assert list(server_a.iterdir()) == []

    monkeypatch.setattr(tempfile, "tempdir", str(server_b))
    response = confirm(staff, preview)
    assert response.status_code == 302
    assert sorted(Institution.objects.values_list("name_ko", flat=True)) == sorted(
        row[0] for row in ROWS
    )
    assert not previews().exists()


def test_a_preview_with_problems_keeps_nothing(staff):
    bad = [*ROWS[0][:2], "volcano", *ROWS[0][3:]]
    response = upload(staff, csv_bytes([HEADER, bad]))
    assert response.context["result"].has_validation_errors()
    response = upload(staff, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert response.context["form"].errors
    assert not previews().exists()


@pytest.mark.parametrize(
    "forged",
    [
        "planted.csv",  # a file lying in the server's temporary folder
        "../../../../etc/passwd",
        "/etc/passwd",
    ],
)
def test_a_forged_file_name_is_refused_and_never_read(staff, tmp_path, monkeypatch, forged):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    (tmp_path / "planted.csv").write_bytes(csv_bytes([HEADER, *ROWS]))
    response = staff.post(
        reverse(CONFIRM),
        {
            "import_file_name": forged,
            "original_file_name": "institutions.csv",
            "format": "0",
            "resource": "0",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert "does not match a preview made by you on this site" in page_text(response)
    assert not Institution.objects.exists()


def test_a_preview_is_confirmed_only_by_the_person_who_made_it(staff):
    preview = upload(staff, csv_bytes([HEADER, *ROWS]))
    token = preview.context["confirm_form"].initial["import_file_name"]
    stored = signing.loads(token, salt="portal.blocks.spreadsheet_admin.pending")["name"]

    someone_else = Client()
    someone_else.force_login(StaffFactory(is_superuser=True))
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    for value in (token, stored, tampered):
        response = someone_else.post(reverse(CONFIRM), {"import_file_name": value}, follow=True)
        assert response.status_code == 200
        assert not Institution.objects.exists()

    # Nothing of it was used up: its owner still confirms it.
    assert confirm(staff, preview).status_code == 302
    assert Institution.objects.count() == 2


def test_a_second_confirmation_imports_nothing_more(staff):
    preview = upload(staff, csv_bytes([HEADER, *ROWS]))
    assert confirm(staff, preview).status_code == 302
    Institution.objects.filter(name_en="Korea Ceramic Foundation").delete()
    response = confirm(staff, preview, follow=True)
    assert response.status_code == 200
    assert "already confirmed or has expired" in page_text(response)
    assert list(Institution.objects.values_list("name_en", flat=True)) == [
        "Korea Ceramic Art High School"
    ]


def test_an_unconfirmed_preview_expires(staff, settings):
    preview = upload(staff, csv_bytes([HEADER, *ROWS]))
    assert previews().count() == 1
    settings.IMPORT_PENDING_HOURS = 0
    # Any later upload deletes the previews that have expired.
    upload(staff, csv_bytes([HEADER, ROWS[0]]))
    assert previews().count() == 1
    response = confirm(staff, preview, follow=True)
    assert "has expired" in page_text(response)
    assert not Institution.objects.exists()


# --- Files too large for one request ---------------------------------------------------


def generated_rows(count):
    return [
        [f"공방 {n}", f"Studio {n}", "studio", "icheon", "ceramics", f"경기도 이천시 {n}"]
        for n in range(1, count + 1)
    ]


def xlsx_of(rows):
    return excel_workbook(rows)


@pytest.mark.parametrize(
    "make, format_index", [(csv_bytes, CSV), (xlsx_of, XLSX)], ids=["csv", "xlsx"]
)
def test_a_sheet_over_the_row_limit_is_refused_with_a_message(staff, settings, make, format_index):
    settings.IMPORT_MAX_ROWS = 40
    response = upload(staff, make([HEADER, *generated_rows(41)]), format_index, "big")
    assert response.status_code == 200
    [error] = response.context["form"].errors["import_file"]
    assert error.startswith("This file has more than 40 rows")
    assert not previews().exists()
    assert not Institution.objects.exists()

    preview = upload(staff, make([HEADER, *generated_rows(40)]), format_index, "ok")
    assert preview.context["result"].totals["new"] == 40


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(staff, settings):
    settings.IMPORT_MAX_BYTES = 2000
    response = upload(staff, csv_bytes([HEADER, *generated_rows(40)]))
    [error] = response.context["form"].errors["import_file"]
    assert "an import takes at most 2.0 KB" in error.replace("\xa0", " ")
    assert not previews().exists()


def test_an_import_that_runs_too_long_stops_and_writes_nothing(staff, settings, monkeypatch):
    """The confirming import saves rows one by one in a transaction; stopped at the
    time limit after two of them, it writes none."""
    preview = upload(staff, csv_bytes([HEADER, *generated_rows(3)]))
    assert preview.context["result"].totals["new"] == 3

    # A clock that advances a second each time it is read: the limit of 2.5 s passes
    # between the second row and the third.
    ticks = iter(range(1000))
    clock = types.SimpleNamespace(monotonic=lambda: next(ticks))
    monkeypatch.setattr("portal.blocks.spreadsheets.time", clock)
    monkeypatch.setattr("portal.blocks.spreadsheet_admin.time", clock)
    settings.IMPORT_TIME_LIMIT = 2.5
    response = confirm(staff, preview)
    assert response.status_code == 200
    text = page_text(response)
    assert "Nothing was imported" in text
    assert "stopped after 2 of 3 rows" in text
    assert not Institution.objects.exists()


# --- Encodings ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "header, rows, encoding, delimiter",
    [
        (HEADER, ROWS, "utf-8", ","),
        (HEADER, ROWS, "utf-8-sig", ","),
        (HEADER, ROWS, "cp949", ","),
        (HEADER, ROWS, "euc-kr", ","),
        (HEADER, ROWS, "utf-16", "\t"),
        (FRENCH_HEADER, FRENCH_ROWS, "cp1252", ";"),
        (FRENCH_HEADER, FRENCH_ROWS, "utf-8-sig", ";"),
        (
            ["name_en", "kind", "city"],
            [["Théâtre de l'Union", "Public agency", "limoges"]],
            "cp1252",
            ";",
        ),
    ],
    ids=[
        "utf8",
        "utf8-bom",
        "cp949",
        "euc-kr",
        "utf16-tabs",
        "cp1252",
        "utf8-semicolons",
        "cp1252-also-valid-cp949",
    ],
)
def test_a_csv_in_an_encoding_excel_saves_imports_unchanged(
    staff, header, rows, encoding, delimiter
):
    preview = upload(staff, csv_bytes([header, *rows], encoding, delimiter))
    assert preview.context["result"].totals["new"] == len(rows), preview.context["form"].errors
    assert confirm(staff, preview).status_code == 302
    column = "name_ko" if header[0] == "name_ko" else "name_en"
    assert sorted(Institution.objects.values_list(column, flat=True)) == sorted(
        row[header.index(column)] for row in rows
    )


def test_a_csv_whose_encoding_cannot_be_told_is_refused(staff):
    response = upload(staff, "name_ko\r\n공방\r\n".encode("cp949"))
    [error] = response.context["form"].errors["import_file"]
    assert "could not be read with certainty" in error
    assert "CSV UTF-8" in error
    assert not previews().exists()


# --- Problems as messages ---------------------------------------------------------------


def test_a_sheet_for_another_list_is_refused_naming_its_columns(staff):
    cities = csv_bytes(
        [
            ["name_en", "name_ko", "country", "region", "field", "year"],
            ["Limoges", "리모주", "FR", "Europe and North America", "Crafts and Folk Art", "2017"],
        ]
    )
    response = upload(staff, cities)
    text = page_text(response)
    assert "columns this import does not know: country, region, field, year" in text
    assert "Traceback" not in text
    assert response.context.get("confirm_form") is None
    assert not previews().exists()


def test_column_names_are_matched_without_regard_to_case_or_spaces(staff):
    preview = upload(staff, csv_bytes([[" Name_KO", "NAME_EN ", "Kind", "city"], ROWS[0][:4]]))
    assert preview.context["result"].totals["new"] == 1


def test_a_sheet_without_identifying_columns_is_a_message_not_a_traceback(staff):
    """The network list without English names: django-import-export reports the missing
    key column with a Python traceback; staff get a sentence."""
    response = staff.post(
        reverse("admin:cities_city_import"),
        {
            "import_file": SimpleUploadedFile(
                "cities.csv", csv_bytes([["name_ko", "country"], ["리모주", "FR"]])
            ),
            "format": "0",
            "resource": "0",
        },
    )
    text = page_text(response)
    assert response.status_code == 200
    assert "Traceback" not in text and "FieldError" not in text
    assert "none of the columns that say which record a row is (name_en)" in text
    assert "Nothing was imported" in text


@pytest.mark.parametrize(
    "data, format_index, message",
    [
        (b"", CSV, "The submitted file is empty."),
        (csv_bytes([HEADER]), CSV, "The file has column names but no rows to import."),
        (excel_workbook([HEADER]), XLSX, "The file has column names but no rows to import."),
        (excel_workbook([]), XLSX, "The file is empty"),
        (csv_bytes([HEADER, *ROWS]), XLSX, "could not be read as an Excel workbook"),
    ],
    ids=["empty", "csv-header-only", "xlsx-header-only", "xlsx-empty", "csv-as-xlsx"],
)
def test_empty_files_and_wrong_formats_are_messages(staff, data, format_index, message):
    response = upload(staff, data, format_index)
    assert response.status_code == 200
    [error] = response.context["form"].errors["import_file"]
    assert message in error
    assert not previews().exists()


def test_a_failed_confirmation_says_that_nothing_was_imported(staff):
    preview = upload(staff, csv_bytes([HEADER, *ROWS]))
    # The discipline both rows name is removed before the import is confirmed.
    apps.get_model("institutions", "Discipline").objects.all().delete()
    response = confirm(staff, preview, follow=True)
    assert response.status_code == 200
    text = page_text(response)
    assert "Nothing was imported" in text
    assert "Import finished" not in text
    assert "Unknown discipline: 도자공예" in text
    assert reverse(IMPORT) in text  # the way back to the upload form
    assert not Institution.objects.exists()
    assert not previews().exists()


def test_a_workbook_from_korean_excel_with_a_formula_imports(staff):
    from tests.portal.spreadsheet_files import Formula

    rows = [
        HEADER,
        ROWS[0],
        [
            "한국도자재단 분원",
            Formula('B2&" Branch"', "Korea Ceramic Foundation Branch"),
            "재단",
            "이천",
            "도자공예",
            "",
        ],
    ]
    preview = upload(staff, excel_workbook(rows, sheet_name="기관 목록"), XLSX, "기관.xlsx")
    assert preview.context["result"].totals["new"] == 2
    assert confirm(staff, preview).status_code == 302
    assert Institution.objects.filter(name_en="Korea Ceramic Foundation Branch").exists()


def test_an_unexpected_error_is_logged_and_described_without_its_internals(caplog):
    from django.contrib import admin
    from import_export.results import Error, Result

    result = Result()
    try:
        raise KeyError("institutions_institution.internal_column")
    except KeyError as error:
        result.append_base_error(Error(error))
    [problem] = admin.site._registry[Institution]._problems(result)
    assert "unexpected error" in problem
    assert "internal_column" not in problem
    # The log has it, with its traceback, for the administrators.
    [record] = [record for record in caplog.records if record.exc_info]
    assert "internal_column" in str(record.exc_info[1])
