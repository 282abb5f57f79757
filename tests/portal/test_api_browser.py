"""The API's documentation page in a real browser: Swagger UI from the vendored files
shows every operation and tries one, with the site's Content-Security-Policy in force
(no violation), and axe-core finds nothing on it."""

import pytest

from tests.factories import CityFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.violatedDirective}: ${event.blockedURI || "inline"}`);
});
"""


@pytest.fixture
def strict_page(browser):
    """A page that keeps the CSP, and the violations it meets."""
    context = browser.new_context(locale="en-GB")
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    page.set_default_timeout(15_000)
    console = []
    page.on("console", lambda message: console.append(message.text))
    # Nothing leaves this machine: any other host is refused.
    page.route(
        lambda url: (
            not url.startswith("http://localhost") and not url.startswith("http://127.0.0.1")
        ),
        lambda route: route.abort(),
    )

    def violations():
        reported = page.evaluate("window.cspViolations")
        logged = [text for text in console if "Content Security Policy" in text]
        return reported + logged

    page.csp_violations = violations
    yield page
    context.close()


def test_the_documentation_works_under_the_csp(strict_page, live_server):
    CityFactory(slug="icheon", name_en="Icheon")
    page = strict_page
    response = page.goto(live_server.url + "/api/v1/docs/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.locator(".opblock-summary-path", has_text="/api/v1/cities/").first.wait_for()
    assert page.locator(".opblock").count() >= 11
    # Try one operation: the request goes to this site and its answer is shown.
    page.locator(".opblock-summary", has_text="/api/v1/cities/{id}/").first.click()
    page.get_by_role("button", name="Try it out").click()
    page.locator("input[placeholder='id']").fill("icheon")
    page.get_by_role("button", name="Execute").click()
    page.locator(".response-col_description .microlight", has_text="Icheon").first.wait_for()
    assert page.csp_violations() == []


def test_the_documentation_page_passes_axe(page, live_server, axe):
    page.goto(live_server.url + "/api/v1/docs/")
    page.locator(".opblock").first.wait_for()
    assert axe(page) == []
