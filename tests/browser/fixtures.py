"""Real-browser fixtures (made available to every test by tests/conftest.py):
Playwright driving Debian's Chromium against the live server.

Locally without Chromium they skip, saying how to install it; with REQUIRE_BROWSER=1
(CI) a missing browser fails the run instead.
"""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM_CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
AXE_SCRIPT = Path(__file__).parent / "vendor" / "axe.min.js"
INSTALL_HINT = "install Debian's Chromium: sudo apt-get install chromium fonts-noto-cjk"

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the
# test body are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def chromium_path():
    for candidate in [os.environ.get("CHROMIUM_PATH"), *CHROMIUM_CANDIDATES]:
        if candidate and Path(candidate).exists():
            return candidate
    return shutil.which("chromium")


@pytest.fixture(scope="session")
def live_server():
    """pytest-django's live server, minus its static-files shortcut: that handler serves
    source files by their plain names, while pages link the hashed names of the
    production manifest. WhiteNoise in the middleware serves them, as in production."""
    import django.contrib.staticfiles.handlers as handlers
    from pytest_django.live_server_helper import LiveServer

    original = handlers.StaticFilesHandler
    handlers.StaticFilesHandler = lambda application: application
    try:
        server = LiveServer(os.environ.get("DJANGO_LIVE_TEST_SERVER_ADDRESS", "localhost"))
    finally:
        handlers.StaticFilesHandler = original
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    executable = chromium_path()
    if not executable:
        message = f"Chromium not found: {INSTALL_HINT}"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """Open a page in a fresh browser context (its own cookies: one person each)."""
    contexts = []

    def open_page(locale="ko-KR"):
        # axe-core is injected as a script; bypass_csp lets the test add it without
        # loosening the site's own policy.
        context = browser.new_context(bypass_csp=True, locale=locale)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def axe():
    """Run axe-core (WCAG 2.x A and AA rules) on a page; return the violations."""

    def run(page):
        page.add_script_tag(path=str(AXE_SCRIPT))
        result = page.evaluate(
            """async () => await axe.run(document, {
                runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',
                                                 'wcag22aa', 'best-practice']}
            })"""
        )
        return [
            {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"]
        ]

    return run
