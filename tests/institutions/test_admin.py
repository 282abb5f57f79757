"""The institutions admin: changelist, spreadsheet import and export, deletion guard."""

import codecs
import csv
import io
import re

import openpyxl
import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models import ProtectedError
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from institutions.models import Discipline, Institution, InstitutionKind
from institutions.resources import InstitutionResource
from tests.factories import CityFactory, DisciplineFactory, EventFactory, InstitutionFactory
from tests.portal.images import image_bytes
from tests.portal.images import upload as image_upload

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:institutions_institution_changelist"
HEADER = [
    "name_en",
    "name_ko",
    "homepage",
    "address_en",
    "address_ko",
    "phone",
    "kind",
    "city",
    "disciplines",
]
# Seed 001's "Related institutions" table, as a city office would paste it.
GOOD_ROWS = [
    [
        "Korea Ceramic Foundation",
        "한국도자재단",
        "https://www.kocef.org",
        "263, Gyungchoongdae-ro 2697, Icheon, Gyunggi Province",
        "",
        "+82 -31-645-6501",
        "foundation",
        "icheon",
        "ceramics",
    ],
    [
        "Korea Institute of Ceramic Engineering and Technology (KICET)",
        "",
        "www.kicet.re.kr/english.web",
        "321 Gyungchoongdae-ro, Shindoon-myun, Icheon, Gyunggi Province",
        "",
        "+82 -31-645-1400",
        "Research institute",
        "Icheon",
        "Ceramics",
    ],
]


@pytest.fixture
def icheon():
    DisciplineFactory(slug="ceramics", name_en="Ceramics", name_ko="도자공예")
    return CityFactory(slug="icheon", name_en="Icheon", name_ko="이천")


def csv_upload(rows, header=HEADER):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile(
        "institutions.csv", out.getvalue().encode("utf-8"), content_type="text/csv"
    )


def xlsx_upload(rows, header=HEADER):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile(
        "institutions.xlsx",
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def upload(admin_client, file, format_index):
    return admin_client.post(
        reverse("admin:institutions_institution_import"),
        {"import_file": file, "format": str(format_index), "resource": "0"},
    )


# --- Changelist --------------------------------------------------------------------


def test_changelist_searches_both_languages_and_the_address(admin_client, icheon):
    InstitutionFactory(
        name_en="Korea Ceramic Foundation",
        name_ko="한국도자재단",
        city=icheon,
        address_en="263, Gyungchoongdae-ro 2697",
    )
    InstitutionFactory(name_en="Other", name_ko="다른 곳", city=icheon)
    for term in ("도자", "ceramic", "Gyungchoongdae"):
        response = admin_client.get(reverse(CHANGELIST), {"q": term})
        assert response.status_code == 200
        assert response.context["cl"].result_count == 1, term


def test_changelist_filters(admin_client, icheon):
    school = InstitutionFactory(kind=InstitutionKind.SCHOOL, city=icheon)
    InstitutionFactory(kind=InstitutionKind.FOUNDATION)
    for params in (
        {"kind__exact": "school"},
        {"city__id__exact": icheon.pk},
        {"status__exact": "published", "kind__exact": "school"},
    ):
        response = admin_client.get(reverse(CHANGELIST), params)
        assert list(response.context["cl"].result_list) == [school], params


def _changelist_queries(admin_client):
    admin_client.get(reverse(CHANGELIST))  # first request of the session: warm-up
    with CaptureQueriesContext(connection) as queries:
        assert admin_client.get(reverse(CHANGELIST)).status_code == 200
    return len(queries)


def test_changelist_has_no_n_plus_one(admin_client, icheon):
    ceramics = DisciplineFactory()
    for institution in InstitutionFactory.create_batch(3, city=icheon):
        institution.disciplines.add(ceramics)
    small = _changelist_queries(admin_client)
    for institution in InstitutionFactory.create_batch(40):
        institution.disciplines.add(ceramics)
    assert _changelist_queries(admin_client) == small


def test_changelist_shows_the_400px_rendition_as_thumbnail(admin_client, icheon):
    institution = InstitutionFactory(
        city=icheon, image_alt_en="The centre", image=image_upload(image_bytes(size=(1200, 800)))
    )
    text = admin_client.get(reverse(CHANGELIST)).text
    stem = institution.image.name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    with translation.override("ko"):
        alt = institution.image_alt
    assert re.search(rf'<img src="[^"]*{stem}-400w\.webp" alt="{alt}" width="80" height="53"', text)


def test_change_form_uses_autocomplete_and_normalises_the_homepage(admin_client, icheon):
    institution = InstitutionFactory(city=icheon)
    change = reverse("admin:institutions_institution_change", args=[institution.pk])
    response = admin_client.get(change)
    assert response.status_code == 200
    assert 'data-ajax--url="/admin/autocomplete/"' in response.text
    form = response.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        {
            "name_ko": "한국세라믹기술원 이천분원",
            "name_en": "KICET Icheon",
            "slug": institution.slug,
            "kind": "research",
            "city": icheon.pk,
            "homepage": "www.kicet.re.kr/english.web",
            "phone": "+82 -31-645-1400",
            "status": "published",
            "disciplines": [],
            "image": "",
            "gallery-TOTAL_FORMS": "0",
            "gallery-INITIAL_FORMS": "0",
        }
    )
    data = {k: v for k, v in data.items() if k not in ("created_at", "updated_at")}
    response = admin_client.post(change, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    institution.refresh_from_db()
    assert institution.homepage == "https://www.kicet.re.kr/english.web"
    assert institution.phone.as_e164 == "+82316451400"


def test_discipline_admin(admin_client):
    DisciplineFactory(name_en="Ceramics", name_ko="도자공예")
    response = admin_client.get(reverse("admin:institutions_discipline_changelist"), {"q": "도자"})
    assert response.context["cl"].result_count == 1


# --- Import ------------------------------------------------------------------------


@pytest.mark.parametrize("make_file, format_index", [(csv_upload, 0), (xlsx_upload, 1)])
def test_import_previews_then_writes_on_confirmation(admin_client, icheon, make_file, format_index):
    response = upload(admin_client, make_file(GOOD_ROWS), format_index)
    assert response.status_code == 200
    result = response.context["result"]
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["new"] == 2
    # The preview wrote nothing.
    assert not Institution.objects.exists()
    assert "한국도자재단" in response.text

    confirm = response.context["confirm_form"]
    response = admin_client.post(
        reverse("admin:institutions_institution_process_import"), confirm.initial
    )
    assert response.status_code == 302
    foundation = Institution.objects.get(slug="korea-ceramic-foundation")
    assert foundation.phone.as_e164 == "+82316456501"
    assert foundation.kind == "foundation"
    assert foundation.status == "draft"  # publishing is a separate decision
    assert foundation.history.count() == 1
    kicet = Institution.objects.get(
        slug="korea-institute-of-ceramic-engineering-and-technology-kicet"
    )
    assert kicet.homepage == "https://www.kicet.re.kr/english.web"
    assert kicet.kind == "research" and kicet.city == icheon
    assert [d.slug for d in kicet.disciplines.all()] == ["ceramics"]


def test_import_updates_by_slug_and_skips_unchanged_rows(admin_client, icheon):
    InstitutionFactory(slug="korea-ceramic-foundation", name_en="Old name", city=icheon)
    response = upload(admin_client, csv_upload(GOOD_ROWS), 0)
    assert response.context["result"].totals["update"] == 1
    admin_client.post(
        reverse("admin:institutions_institution_process_import"),
        response.context["confirm_form"].initial,
    )
    assert Institution.objects.get(slug="korea-ceramic-foundation").name_en == (
        "Korea Ceramic Foundation"
    )
    response = upload(admin_client, csv_upload(GOOD_ROWS), 0)
    assert response.context["result"].totals["skip"] == 2


@pytest.mark.parametrize(
    "bad_row, column, message",
    [
        (["Bad Kind", "", "", "", "", "", "volcano", "icheon", ""], "kind", "not a known kind"),
        (
            ["Bad Phone", "", "", "", "", "call us maybe", "school", "icheon", ""],
            "phone",
            "not a valid phone number",
        ),
        (["", "", "www.example.kr", "", "", "", "school", "icheon", ""], "name", ""),
        (
            ["Bad City", "", "", "", "", "", "school", "atlantis", ""],
            "city",
            "not a city in the network",
        ),
        (
            ["Bad Discipline", "", "", "", "", "", "school", "icheon", "pottery"],
            "disciplines",
            "Unknown discipline",
        ),
        (
            ["Bad Homepage", "", "not a homepage at all", "", "", "", "school", "icheon", ""],
            "homepage",
            "",
        ),
    ],
)
def test_a_bad_row_is_reported_by_row_number_and_nothing_is_written(
    admin_client, icheon, bad_row, column, message
):
    rows = [GOOD_ROWS[0], bad_row, GOOD_ROWS[1]]
    response = upload(admin_client, csv_upload(rows), 0)
    assert response.status_code == 200
    result = response.context["result"]
    assert result.has_validation_errors()
    [invalid] = result.invalid_rows
    assert invalid.number == 2
    assert column in invalid.field_specific_errors
    assert message in " ".join(invalid.field_specific_errors[column])
    assert "confirm_form" not in response.context or response.context["confirm_form"] is None
    assert not Institution.objects.exists()


def as_dataset(rows, header=HEADER):
    return tablib.Dataset(*rows, headers=header)


def test_a_bad_row_on_the_confirming_import_writes_nothing(icheon):
    """Not a preview (dry_run=False): the good rows before and after the bad one are
    rolled back too."""
    bad_phone = ["Bad Phone", "", "", "", "", "call us maybe", "school", "icheon", ""]
    result = InstitutionResource().import_data(
        as_dataset([GOOD_ROWS[0], bad_phone, GOOD_ROWS[1]]), dry_run=False
    )
    assert [row.number for row in result.invalid_rows] == [2]
    assert not Institution.objects.exists()


def test_a_row_gone_bad_between_preview_and_confirmation_writes_nothing(admin_client, icheon):
    DisciplineFactory(slug="hanji", name_en="Hanji", name_ko="한지공예")
    rows = [GOOD_ROWS[0], [*GOOD_ROWS[1][:-1], "hanji"]]
    response = upload(admin_client, csv_upload(rows), 0)
    assert response.context["result"].totals["new"] == 2
    # Someone removes the discipline the second row names before the import is confirmed.
    Discipline.objects.filter(slug="hanji").delete()
    admin_client.post(
        reverse("admin:institutions_institution_process_import"),
        response.context["confirm_form"].initial,
    )
    assert not Institution.objects.exists()


@pytest.mark.parametrize(
    "column, value, message",
    [
        ("latitude", "37.28 N", "“37.28 N” is not a number."),
        ("longitude", "east", "“east” is not a number."),
        ("latitude", "NaN", "“NaN” is not a number."),
        ("founded_year", "since 1990", "“since 1990” is not a year between 1000 and 2100."),
    ],
)
def test_a_bad_number_is_named_in_the_message(admin_client, icheon, column, value, message):
    header = ["name_en", "kind", "city", "latitude", "longitude", "founded_year"]
    row = {
        "name_en": "Studio",
        "kind": "studio",
        "city": "icheon",
        "latitude": "37.28",
        "longitude": "127.44",
        "founded_year": "1990",
        column: value,
    }
    response = upload(admin_client, csv_upload([[row[name] for name in header]], header), 0)
    [invalid] = response.context["result"].invalid_rows
    [error] = invalid.field_specific_errors[column]
    assert error.startswith(message)
    assert "ConversionSyntax" not in response.text


def test_good_numbers_from_a_workbook_import(icheon):
    header = ["name_en", "kind", "city", "latitude", "longitude", "founded_year"]
    result = InstitutionResource().import_data(
        as_dataset([["Studio", "studio", "icheon", 37.2804, 127.4425, 1990.0]], header),
        dry_run=False,
    )
    assert not result.has_validation_errors(), result.invalid_rows[0].error_dict
    studio = Institution.objects.get()
    assert (str(studio.latitude), str(studio.longitude), studio.founded_year) == (
        "37.280400",
        "127.442500",
        1990,
    )


def test_the_same_institution_twice_is_an_error_naming_both_rows(admin_client, icheon):
    repeated = [*GOOD_ROWS[0][:2], "https://other.example", *GOOD_ROWS[0][3:]]
    response = upload(admin_client, csv_upload([GOOD_ROWS[0], GOOD_ROWS[1], repeated]), 0)
    [invalid] = response.context["result"].invalid_rows
    assert invalid.number == 3
    assert invalid.field_specific_errors["slug"] == [
        "Rows 1 and 3 are the same record (slug “korea-ceramic-foundation”). List each record once."
    ]
    assert response.context.get("confirm_form") is None
    result = InstitutionResource().import_data(
        as_dataset([GOOD_ROWS[0], GOOD_ROWS[1], repeated]), dry_run=False
    )
    assert result.has_validation_errors()
    assert not Institution.objects.exists()


def test_the_admin_imports_a_csv_saved_by_korean_excel(admin_client, icheon):
    # InstitutionAdmin lists django-import-export's CSV, which refuses cp949 before any
    # of our code runs; this is the change its import_formats needs.
    header = ["name_ko", "name_en", "kind", "city", "address_ko"]
    content = io.StringIO()
    csv.writer(content).writerows(
        [
            header,
            [
                "한국도자재단",
                "Korea Ceramic Foundation",
                "재단",
                "이천",
                "경기도 이천시 경충대로 2697번길 263",
            ],
        ]
    )
    file = SimpleUploadedFile("기관.csv", content.getvalue().encode("cp949"))
    response = upload(admin_client, file, 0)
    assert response.context["result"].totals["new"] == 1, response.context["form"].errors
    admin_client.post(
        reverse("admin:institutions_institution_process_import"),
        response.context["confirm_form"].initial,
    )
    foundation = Institution.objects.get()
    assert (foundation.name_ko, foundation.kind, foundation.address_ko) == (
        "한국도자재단",
        "foundation",
        "경기도 이천시 경충대로 2697번길 263",
    )


def test_a_broken_file_is_a_message_not_a_crash(admin_client, icheon):
    garbage = SimpleUploadedFile("institutions.xlsx", b"this is not a workbook")
    response = upload(admin_client, garbage, 1)
    assert response.status_code == 200
    assert not Institution.objects.exists()


# --- Export ------------------------------------------------------------------------


def export(admin_client, format_index):
    url = reverse("admin:institutions_institution_export")
    form = admin_client.get(url).context["form"]
    data = {
        name: "on"
        for name, field in form.fields.items()
        if field.__class__.__name__ == "BooleanField"
    }
    data.update({"format": str(format_index), "resource": "0"})
    response = admin_client.post(url, data)
    assert response.status_code == 200
    return response


def test_export_csv_neutralises_formulas(admin_client, icheon):
    InstitutionFactory(
        slug="formula",
        name_en='=HYPERLINK("https://evil.example","x")',
        name_ko="+SUM(1,2)",
        phone="+82316456501",
        city=icheon,
    )
    rows = list(csv.DictReader(io.StringIO(export(admin_client, 0).content.decode("utf-8-sig"))))
    [row] = rows
    assert row["name_en"] == '\'=HYPERLINK("https://evil.example","x")'
    assert row["name_ko"] == "'+SUM(1,2)"
    assert row["phone"] == "+82316456501"
    assert row["city"] == "icheon"


def test_export_csv_opens_in_korean_excel(admin_client, icheon):
    """UTF-8 with a byte-order mark, which Excel needs to read it as UTF-8 (on a Korean
    Windows it would read CP949 otherwise)."""
    InstitutionFactory(slug="studio", name_ko="이천 도예 공방", city=icheon)
    content = export(admin_client, 0).content
    assert content.startswith(codecs.BOM_UTF8)
    [row] = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert row["slug"] == "studio" and row["name_ko"] == "이천 도예 공방"


def test_export_xlsx_writes_no_formula(admin_client, icheon):
    InstitutionFactory(slug="formula", name_en="=1+1", city=icheon)
    book = openpyxl.load_workbook(io.BytesIO(export(admin_client, 1).content))
    sheet = book.active
    header = [cell.value for cell in sheet[1]]
    cell = sheet.cell(row=2, column=header.index("name_en") + 1)
    assert cell.data_type == "s"
    assert cell.value == "'=1+1"


def test_an_exported_sheet_imports_unchanged(admin_client, icheon):
    InstitutionFactory(slug="formula", name_en="=1+1", city=icheon, phone="+82316456501")
    exported = export(admin_client, 0).content
    response = upload(admin_client, SimpleUploadedFile("export.csv", exported), 0)
    assert response.context["result"].totals["skip"] == 1


# --- Deletion guard ----------------------------------------------------------------


@pytest.fixture
def venue_and_organiser(icheon):
    venue = InstitutionFactory(name_en="Culture Factory", city=icheon)
    organiser = InstitutionFactory(name_en="Organizing Committee", city=icheon)
    EventFactory(title_en="Craft Biennale 2025", title_ko="Craft Biennale 2025", venue=venue)
    EventFactory(title_en="Proclamation Ceremony", title_ko="Proclamation Ceremony").organisers.add(
        organiser
    )
    return venue, organiser


@pytest.mark.parametrize(
    "which, event_title", [(0, "Craft Biennale 2025"), (1, "Proclamation Ceremony")]
)
def test_the_delete_page_refuses_and_names_the_events(
    admin_client, venue_and_organiser, which, event_title
):
    institution = venue_and_organiser[which]
    url = reverse("admin:institutions_institution_delete", args=[institution.pk])
    response = admin_client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert event_title in response.text
    response = admin_client.post(url, {"post": "yes"})
    assert response.status_code == 200
    assert event_title in response.text
    assert Institution.objects.filter(pk=institution.pk).exists()


def test_the_delete_action_refuses_and_names_the_events(admin_client, venue_and_organiser):
    free = InstitutionFactory()
    response = admin_client.post(
        reverse(CHANGELIST),
        {
            "action": "delete_selected",
            "post": "yes",
            "_selected_action": [i.pk for i in (*venue_and_organiser, free)],
        },
    )
    assert response.status_code == 200
    assert "Craft Biennale 2025" in response.text
    assert "Proclamation Ceremony" in response.text
    assert Institution.objects.count() == 3


def test_an_institution_no_event_uses_can_be_deleted(admin_client, venue_and_organiser):
    free = InstitutionFactory()
    url = reverse("admin:institutions_institution_delete", args=[free.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert not Institution.objects.filter(pk=free.pk).exists()


def test_the_model_refuses_to_drop_an_organiser(venue_and_organiser):
    venue, organiser = venue_and_organiser
    with pytest.raises(ProtectedError, match="Proclamation Ceremony"):
        organiser.delete()
    with pytest.raises(ProtectedError):
        venue.delete()
    with pytest.raises(ProtectedError):
        Institution.objects.filter(pk=organiser.pk).delete()
    assert organiser.organised_events.count() == 1
