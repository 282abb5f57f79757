"""The spreadsheet screens of the admin in a real browser, with the site's
Content-Security-Policy in force (the other browser tests bypass it to inject axe-core):
"select all" on the export page, and an import from upload to confirmation, without a
single CSP violation."""

import pytest
from django.urls import reverse

from institutions.models import Institution
from tests.browser.staff import PASSWORD, log_in
from tests.factories import CityFactory, DisciplineFactory
from tests.portal.admin_helpers import set_up_app
from tests.portal.spreadsheet_files import csv_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.violatedDirective}: ${event.blockedURI || "inline"}`);
});
"""


@pytest.fixture
def strict_page(browser, live_server, django_user_model):
    """A signed-in superuser's page that keeps the CSP, and the violations it meets
    (reported as events and in the console)."""
    admin = django_user_model.objects.create_superuser("admin", "admin@example.org", PASSWORD)
    set_up_app(admin)
    context = browser.new_context(locale="en-GB")
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    page.set_default_timeout(10_000)
    console = []
    page.on("console", lambda message: console.append(message.text))
    log_in(page, live_server, "admin")

    def violations():
        reported = page.evaluate("window.cspViolations")
        logged = [text for text in console if "Content Security Policy" in text]
        return reported + logged

    page.csp_violations = violations
    yield page
    context.close()


def test_select_all_on_the_export_page_works_under_the_csp(strict_page, live_server):
    page = strict_page
    response = page.goto(live_server.url + reverse("admin:institutions_institution_export"))
    assert "script-src 'self'" in response.headers["content-security-policy"]
    boxes = page.locator(".selectable-field-export-row input[type=checkbox]:not(.select-toggle)")
    assert boxes.count() > 5
    select_all = page.locator("input.select-toggle")

    select_all.uncheck()
    assert [box.is_checked() for box in boxes.all()] == [False] * boxes.count()
    select_all.check()
    assert [box.is_checked() for box in boxes.all()] == [True] * boxes.count()
    assert page.csp_violations() == []
    # Its label names it (the library's label points at an id the box does not have).
    assert page.get_by_label("Select all").count() == 1


def test_an_import_from_upload_to_confirmation_under_the_csp(strict_page, live_server, tmp_path):
    DisciplineFactory(slug="ceramics", name_en="Ceramics", name_ko="도자공예")
    CityFactory(slug="icheon", name_en="Icheon", name_ko="이천")
    sheet = tmp_path / "기관.csv"
    sheet.write_bytes(
        csv_bytes(
            [
                ["name_ko", "name_en", "kind", "city", "disciplines"],
                ["한국도자재단", "Korea Ceramic Foundation", "재단", "이천", "도자공예"],
            ],
            "cp949",
        )
    )
    page = strict_page
    page.goto(live_server.url + reverse("admin:institutions_institution_import"))
    page.set_input_files("#id_import_file", str(sheet))
    # guess_format.js picks the format from the file's extension.
    assert page.locator("#id_format option:checked").inner_text().strip().lower() == "csv"
    page.locator("input[type=submit]").click()
    page.wait_for_selector("table.import-preview")
    assert "한국도자재단" in page.locator("table.import-preview").inner_text()
    page.locator("input[name=confirm]").click()
    page.wait_for_url("**/institutions/institution/")
    assert Institution.objects.filter(name_ko="한국도자재단").exists()
    assert page.csp_violations() == []
