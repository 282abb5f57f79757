import csv
import io
import re

import openpyxl
import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from cities.models import City, CreativeField, Region
from cities.resources import CityResource
from portal.blocks.publishing import PublicationStatus
from portal.blocks.roles import EDITOR, PUBLISHER
from portal.blocks.spreadsheets import SpreadsheetCSV
from tests.factories import CityFactory, MilestoneFactory, PartnershipFactory, StaffFactory
from tests.portal.admin_helpers import change_form_data

pytestmark = pytest.mark.django_db

HEADER = "name_en,name_ko,country,region,field,year\n"
GOOD_CSV = HEADER + (
    "Cheongju,청주,KR,Asia and the Pacific,Crafts and Folk Art,2025\n"
    "Bologna,볼로냐,IT,Europe and North America,Music,2006\n"
    "Areguá,,PY,Latin America and the Caribbean,Crafts and Folk Art,2019\n"
)


# --- Changelists -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "model, params, count",
    [
        ("city", {}, 2),
        ("city", {"q": "청주"}, 1),
        (
            "city",
            {
                "q": "cheong",
                "creative_field__exact": "crafts",
                "region__exact": "asia_pacific",
                "country": "KR",
                "designation_year": "2025",
                "status__exact": "published",
                "is_home__exact": "1",
                "o": "3.-1",
            },
            1,
        ),
        ("partnership", {}, 1),
        (
            "partnership",
            {"q": "Sister", "kind__exact": "sister_city", "status__exact": "published", "o": "-2"},
            1,
        ),
        ("partnership", {"q": "no such thing"}, 0),
        ("milestone", {}, 1),
        ("milestone", {"q": "Candidate", "date_precision__exact": "year", "o": "3"}, 1),
    ],
)
def test_changelists_with_search_filters_and_sorting(admin_client, model, params, count):
    home = CityFactory(
        name_en="Cheongju", name_ko="청주", is_home=True, designation_year=2025, country="KR"
    )
    PartnershipFactory(city=home, partner=CityFactory(country="JP"), title_en="Sister cities")
    MilestoneFactory(city=home, title_en="Candidate city", date_precision="year")
    response = admin_client.get(reverse(f"admin:cities_{model}_changelist"), params)
    assert response.status_code == 200
    assert response.context["cl"].result_count == count
    if model == "city":
        assert reverse("admin:cities_city_import") in response.text
        assert reverse("admin:cities_city_export") in response.text


@pytest.mark.parametrize("model", ["city", "partnership", "milestone"])
def test_changelist_queries_do_not_grow(admin_client, django_assert_max_num_queries, model):
    def add(count):
        for _ in range(count):
            partnership = PartnershipFactory()
            MilestoneFactory(city=partnership.city)

    add(3)
    url = reverse(f"admin:cities_{model}_changelist")
    admin_client.get(url)
    with CaptureQueriesContext(connection) as small:
        admin_client.get(url)
    add(30)
    with django_assert_max_num_queries(len(small)):
        admin_client.get(url)


def test_change_form_and_autocomplete_load(admin_client):
    city = CityFactory(name_en="Cheongju", name_ko="청주")
    PartnershipFactory(city=city)
    MilestoneFactory(city=city)
    response = admin_client.get(reverse("admin:cities_city_change", args=[city.pk]))
    assert response.status_code == 200
    assert "partnerships-TOTAL_FORMS" in response.text
    assert "milestones-TOTAL_FORMS" in response.text
    response = admin_client.get(reverse("admin:cities_city_add"))
    assert response.context["adminform"].prepopulated_fields[0]["dependencies"][0].name == "name_en"
    autocomplete = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "term": "Cheong",
            "app_label": "cities",
            "model_name": "partnership",
            "field_name": "partner",
        },
    )
    assert autocomplete.status_code == 200
    assert [r["id"] for r in autocomplete.json()["results"]] == [str(city.pk)]


def city_form_data(**changes):
    data = {
        "name_ko": "이천",
        "name_en": "Icheon",
        "slug": "icheon",
        "country": "KR",
        "region": Region.ASIA_PACIFIC,
        "creative_field": CreativeField.CRAFTS_AND_FOLK_ART,
        "designation_year": "2010",
        "status": "published",
        "partnerships-TOTAL_FORMS": "0",
        "partnerships-INITIAL_FORMS": "0",
        "milestones-TOTAL_FORMS": "0",
        "milestones-INITIAL_FORMS": "0",
        "gallery-TOTAL_FORMS": "0",
        "gallery-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def test_a_second_home_city_is_a_form_error_not_a_500(admin_client):
    CityFactory(name_en="Cheongju", is_home=True)
    response = admin_client.post(
        reverse("admin:cities_city_add"), city_form_data(is_home="on"), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "Cheongju is already the home city" in errors["is_home"][0]
    assert not City.objects.filter(slug="icheon").exists()


def test_add_city_with_inline_partnership_and_milestone(admin_client):
    partner = CityFactory(name_en="Santa Fe")
    response = admin_client.post(
        reverse("admin:cities_city_add"),
        city_form_data(
            **{
                "partnerships-TOTAL_FORMS": "1",
                "partnerships-0-partner": str(partner.pk),
                "partnerships-0-kind": "sister_city",
                "partnerships-0-title_en": "Sister cities",
                "partnerships-0-title_ko": "자매도시",
                "partnerships-0-start_date": "2013-11-01",
                "partnerships-0-start_precision": "month",
                "partnerships-0-end_precision": "day",
                "partnerships-0-status": "published",
                "milestones-TOTAL_FORMS": "1",
                "milestones-0-date": "2010-01-01",
                "milestones-0-date_precision": "year",
                "milestones-0-title_en": "Designated",
                "milestones-0-title_ko": "지정",
                "milestones-0-status": "published",
            }
        ),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    city = City.objects.get(slug="icheon")
    assert city.partnerships.get().partner == partner
    assert city.milestones.get().title_en == "Designated"


def test_inline_partnership_ending_before_it_starts_is_refused(admin_client):
    partner = CityFactory()
    response = admin_client.post(
        reverse("admin:cities_city_add"),
        city_form_data(
            **{
                "partnerships-TOTAL_FORMS": "1",
                "partnerships-0-partner": str(partner.pk),
                "partnerships-0-kind": "mou",
                "partnerships-0-title_en": "MOU",
                "partnerships-0-title_ko": "협약",
                "partnerships-0-start_date": "2020-05-01",
                "partnerships-0-end_date": "2020-04-01",
                "partnerships-0-start_precision": "day",
                "partnerships-0-end_precision": "day",
                "partnerships-0-status": "draft",
            }
        ),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "The end cannot be before the start." in response.text
    assert not City.objects.filter(slug="icheon").exists()


def test_make_home_city_action_moves_the_flag(admin_client):
    old = CityFactory(is_home=True)
    new = CityFactory()
    response = admin_client.post(
        reverse("admin:cities_city_changelist"),
        {"action": "make_home_city", "_selected_action": [str(new.pk)]},
        follow=True,
    )
    assert response.status_code == 200
    assert City.objects.home().get() == new
    old.refresh_from_db()
    assert not old.is_home


def test_make_home_city_action_needs_exactly_one_city(admin_client):
    home = CityFactory(is_home=True)
    others = CityFactory.create_batch(2)
    admin_client.post(
        reverse("admin:cities_city_changelist"),
        {"action": "make_home_city", "_selected_action": [str(c.pk) for c in others]},
    )
    assert City.objects.home().get() == home


# --- Import and export ------------------------------------------------------------------


def upload(name, content):
    return SimpleUploadedFile(
        name, content if isinstance(content, bytes) else content.encode("utf-8")
    )


def preview(admin_client, file, format_index=0):
    return admin_client.post(
        reverse("admin:cities_city_import"),
        {"import_file": file, "format": str(format_index)},
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_import_previews_then_writes_on_confirm(admin_client):
    CityFactory(
        slug="bologna",
        name_en="Bologna",
        name_ko="볼로냐",
        country="IT",
        region=Region.EUROPE_NORTH_AMERICA,
        creative_field=CreativeField.MUSIC,
        designation_year=2005,
    )
    response = preview(admin_client, upload("network.csv", GOOD_CSV))
    assert response.status_code == 200
    result = response.context["result"]
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["new"] == 2 and result.totals["update"] == 1
    # Nothing is written by the preview.
    assert City.objects.count() == 1
    assert City.objects.get(slug="bologna").designation_year == 2005

    confirm = response.context["confirm_form"].initial
    response = admin_client.post(reverse("admin:cities_city_process_import"), confirm)
    assert response.status_code == 302
    assert City.objects.count() == 3
    cheongju = City.objects.get(slug="cheongju")
    assert (
        cheongju.name_ko,
        cheongju.country.code,
        cheongju.region,
        cheongju.creative_field,
        cheongju.designation_year,
    ) == ("청주", "KR", "asia_pacific", "crafts", 2025)
    assert City.objects.get(slug="aregua").name_en == "Areguá"
    assert City.objects.get(slug="bologna").designation_year == 2006
    # New cities arrive as drafts (no status column); history records the import.
    assert cheongju.status == "draft"
    assert cheongju.history.count() == 1


def test_import_xlsx(admin_client):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["name_en", "name_ko", "country", "region", "field", "year", "status"])
    sheet.append(
        ["Jinju", "진주", "KR", "Asia and the Pacific", "Crafts and Folk Art", 2019, "published"]
    )
    data = io.BytesIO()
    book.save(data)
    response = preview(admin_client, upload("network.xlsx", data.getvalue()), format_index=1)
    assert response.context["result"].totals["new"] == 1
    admin_client.post(
        reverse("admin:cities_city_process_import"), response.context["confirm_form"].initial
    )
    jinju = City.objects.get(slug="jinju")
    assert jinju.designation_year == 2019 and jinju.status == "published"


@pytest.mark.parametrize(
    "bad_row, column, message",
    [
        ("Kyoto,교토,JP,Asia,Crafts and Folk Art,2017", "region", "is not a known UNESCO region"),
        (
            "Kyoto,교토,JP,Asia and the Pacific,Pottery,2017",
            "creative_field",
            "is not a known creative field",
        ),
        ("Kyoto,교토,Nowhere,Asia and the Pacific,Design,2017", "country", "is not a country"),
        ("Kyoto,교토,JP,Asia and the Pacific,Design,abc", "designation_year", "is not a year"),
        ("Kyoto,교토,JP,Asia and the Pacific,Design,1850", "designation_year", "is not a year"),
        (",교토,JP,Asia and the Pacific,Design,2017", "name_en", "English name"),
    ],
)
def test_a_bad_row_is_reported_by_number_and_nothing_is_written(
    admin_client, bad_row, column, message
):
    content = GOOD_CSV + bad_row + "\n"
    response = preview(admin_client, upload("network.csv", content))
    assert response.status_code == 200
    result = response.context["result"]
    invalid = result.invalid_rows
    assert [row.number for row in invalid] == [4]
    assert column in invalid[0].error_dict
    assert message in " ".join(invalid[0].error_dict[column])
    assert "confirm_form" not in response.context or response.context["confirm_form"] is None
    # The page shows one invalid row, numbered 4, with the column and the message.
    assert response.text.count('class="validation-error-count"') == 1
    assert re.search(
        r'<td>4 </td>\s*<td class="errors">.*?'
        rf'validation-error-field-label">{column}</span>.*?{re.escape(escape(message))}',
        response.text,
        re.DOTALL,
    )
    # The resource itself, used outside the admin, rolls the good rows back as well.
    dataset = tablib.Dataset().load(content, format="csv")
    result = CityResource().import_data(dataset, dry_run=False)
    assert result.has_validation_errors()
    assert City.objects.count() == 0


def test_import_accepts_keys_label_variants_and_spacing():
    dataset = tablib.Dataset().load(
        HEADER + "Jinju,진주,kor, asia_pacific ,CRAFTS AND FOLK ARTS,2019.0\n", format="csv"
    )
    result = CityResource().import_data(dataset, dry_run=False)
    assert not result.has_validation_errors(), result.invalid_rows[0].error_dict
    jinju = City.objects.get(slug="jinju")
    assert (jinju.country.code, jinju.region, jinju.creative_field, jinju.designation_year) == (
        "KR",
        "asia_pacific",
        "crafts",
        2019,
    )


def test_reimporting_the_same_file_changes_nothing():
    dataset = tablib.Dataset().load(GOOD_CSV, format="csv")
    CityResource().import_data(dataset, dry_run=False)
    history = City.history.count()
    result = CityResource().import_data(tablib.Dataset().load(GOOD_CSV, format="csv"))
    assert result.totals["skip"] == 3
    assert City.history.count() == history


def test_import_never_touches_the_home_flag(admin_client):
    CityFactory(slug="cheongju", name_en="Cheongju", is_home=True)
    dataset = tablib.Dataset().load(GOOD_CSV, format="csv")
    CityResource().import_data(dataset, dry_run=False)
    assert City.objects.home().get().slug == "cheongju"


def test_export_round_trips_human_values(admin_client):
    CityFactory(
        slug="lyon",
        name_en="Lyon",
        name_ko="리옹",
        country="FR",
        region=Region.EUROPE_NORTH_AMERICA,
        creative_field=CreativeField.LITERATURE,
        designation_year=2008,
    )
    exported = CityResource().export()
    row = dict(zip(exported.headers, exported[0], strict=True))
    assert row == {
        "slug": "lyon",
        "name_en": "Lyon",
        "name_ko": "리옹",
        "country": "FR",
        "region": "Europe and North America",
        "field": "Literature",
        "year": "2008",
        "status": "Published",
    }
    response = admin_client.post(
        reverse("admin:cities_city_export"),
        {"format": "0", **{f"cityresource_{name}": "on" for name in exported.headers}},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "Europe and North America" in response.content.decode()


@pytest.mark.parametrize("role, may_publish", [(EDITOR, False), (PUBLISHER, True)])
def test_only_a_publisher_can_publish_or_withdraw_by_import(client, role, may_publish):
    """An Editor may import the network list, but its status column is ignored: the
    sheet must not publish a new city nor withdraw a published one."""
    CityFactory(
        slug="lyon",
        name_en="Lyon",
        name_ko="리옹",
        country="FR",
        region=Region.EUROPE_NORTH_AMERICA,
        creative_field=CreativeField.LITERATURE,
        designation_year=2008,
    )
    sheet = (
        "name_en,name_ko,country,region,field,year,status\n"
        "Lyon,리옹,FR,Europe and North America,Literature,2008,draft\n"
        "Jinju,진주,KR,Asia and the Pacific,Crafts and Folk Art,2019,published\n"
    )
    client.force_login(StaffFactory(role=role))
    response = preview(client, upload("network.csv", sheet))
    assert response.status_code == 200
    assert not response.context["result"].has_validation_errors()
    response = client.post(
        reverse("admin:cities_city_process_import"), response.context["confirm_form"].initial
    )
    assert response.status_code == 302
    statuses = dict(City.objects.values_list("slug", "status"))
    if may_publish:
        assert statuses == {"lyon": PublicationStatus.DRAFT, "jinju": PublicationStatus.PUBLISHED}
    else:
        assert statuses == {"lyon": PublicationStatus.PUBLISHED, "jinju": PublicationStatus.DRAFT}


def test_the_same_city_twice_is_an_error_naming_both_rows(admin_client):
    content = GOOD_CSV + "BOLOGNA,볼로냐,IT,Europe and North America,Music,2006\n"
    response = preview(admin_client, upload("network.csv", content))
    [invalid] = response.context["result"].invalid_rows
    assert invalid.number == 4
    assert invalid.error_dict["slug"] == [
        "Rows 2 and 4 are the same record (slug “bologna”). List each record once."
    ]
    assert response.context.get("confirm_form") is None
    result = CityResource().import_data(tablib.Dataset().load(content, format="csv"), dry_run=False)
    assert result.has_validation_errors()
    assert not City.objects.exists()


def test_export_neutralises_formulas(admin_client):
    CityFactory(slug="formula", name_en='=HYPERLINK("https://evil.example")', name_ko="@SUM(1,2)")
    exported = CityResource().export()
    row = dict(zip(exported.headers, exported[0], strict=True))
    assert row["name_en"] == '\'=HYPERLINK("https://evil.example")'
    assert row["name_ko"] == "'@SUM(1,2)"
    response = admin_client.post(
        reverse("admin:cities_city_export"),
        {"format": "0", **{f"cityresource_{name}": "on" for name in exported.headers}},
    )
    [row] = csv.DictReader(io.StringIO(response.content.decode("utf-8")))
    assert (row["name_en"], row["name_ko"]) == (
        '\'=HYPERLINK("https://evil.example")',
        "'@SUM(1,2)",
    )
    # Imported again, the apostrophe goes: the sheet changes nothing.
    result = CityResource().import_data(exported, dry_run=False)
    assert result.totals["skip"] == 1


KOREAN_CSV = (
    "name_en,name_ko,country,region,field,year\nIcheon,이천,KR,아시아·태평양,공예와 민속예술,2010\n"
)


def test_a_csv_from_korean_excel_is_read_as_cp949():
    dataset = SpreadsheetCSV().create_dataset(KOREAN_CSV.encode("cp949"))
    assert dataset.dict[0]["name_ko"] == "이천"
    # UTF-8, with or without Excel's byte-order mark, is read as before.
    for data in (KOREAN_CSV.encode("utf-8"), KOREAN_CSV.encode("utf-8-sig")):
        assert SpreadsheetCSV(encoding="utf-8-sig").create_dataset(data).headers[0] == ("name_en")


def test_the_admin_imports_a_cp949_csv(admin_client):
    # CityAdmin lists django-import-export's CSV, which refuses cp949 before any of our
    # code runs; this is the change its import_formats needs (see the import report).
    response = preview(admin_client, upload("network.csv", KOREAN_CSV.encode("cp949")))
    assert response.status_code == 200
    assert response.context["result"].totals["new"] == 1, response.context["form"].errors
    admin_client.post(
        reverse("admin:cities_city_process_import"), response.context["confirm_form"].initial
    )
    icheon = City.objects.get(slug="icheon")
    assert (icheon.name_ko, icheon.region, icheon.creative_field) == (
        "이천",
        "asia_pacific",
        "crafts",
    )


# --- The home city ---------------------------------------------------------------------


def test_only_a_publisher_changes_which_city_is_home(client, settings):
    # Editors' changes to published cities saved directly, as an office may choose:
    # with review on they are proposals (tests/portal/test_revisions.py).
    settings.REVIEW_LIVE_EDITS = False
    home = CityFactory(name_en="Cheongju", is_home=True)
    other = CityFactory(name_en="Icheon")
    home_url = reverse("admin:cities_city_change", args=[home.pk])
    other_url = reverse("admin:cities_city_change", args=[other.pk])
    client.force_login(StaffFactory(role=EDITOR))
    page = client.get(home_url)
    assert 'name="is_home"' not in page.text  # shown, not editable
    # A forged form: the home city unticked, with a real edit that still saves.
    data = change_form_data(page)
    data.pop("is_home", None)
    data["summary_en"] = "A corrected summary"
    assert client.post(home_url, data).status_code == 302
    home.refresh_from_db()
    assert home.is_home and home.summary_en == "A corrected summary"
    # Nor can an Editor tick another city, or add a new home city.
    data = {**change_form_data(client.get(other_url)), "is_home": "on"}
    assert client.post(other_url, data).status_code == 302
    assert City.objects.home().get() == home
    response = client.post(reverse("admin:cities_city_add"), city_form_data(is_home="on"))
    assert response.status_code == 302
    assert not City.objects.get(slug="icheon").is_home

    client.force_login(StaffFactory(role=PUBLISHER))
    page = client.get(home_url)
    assert 'name="is_home"' in page.text
    data = change_form_data(page)
    data.pop("is_home")
    assert client.post(home_url, data).status_code == 302
    assert not City.objects.home().exists()
