"""The events widget in a real browser: framed by another site (and no other page is),
its links open a new tab; the embed and open data pages pass axe-core."""

import contextlib
import datetime
import http.server
import threading

import pytest
from django.utils import timezone

from tests.factories import EventFactory, InstitutionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def events():
    venue = InstitutionFactory(slug="culture-factory", name_ko="문화제조창")
    today = timezone.localdate()
    for number, title in enumerate(["공예 체험 교실", "도자기 장터", "비엔날레 개막식"], start=1):
        day = today + datetime.timedelta(days=number)
        EventFactory(
            slug=f"event-{number}", title_ko=title, venue=venue, start_date=day, end_date=day
        )


@contextlib.contextmanager
def partner_site(html):
    """A partner's page on another origin (its own small server on 127.0.0.1: a local
    page may frame a local one, which Chromium's local network checks allow)."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = html.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_another_site_frames_the_widget_and_nothing_else(browser, live_server, events):
    widget = f"{live_server.url}/ko/events/widget/?venue=culture-factory&count=2"
    html = (
        '<!doctype html><html lang="en"><title>Partner</title>'
        f'<iframe id="widget" title="Events" src="{widget}"></iframe>'
        f'<iframe id="list" title="List" src="{live_server.url}/ko/events/"></iframe></html>'
    )
    # A context of its own, without the CSP bypass the other browser tests use: the
    # site's real policy decides what may be framed.
    context = browser.new_context(locale="ko-KR")
    try:
        page = context.new_page()
        with partner_site(html) as partner:
            page.goto(partner)
            links = page.frame_locator("#widget").locator(".widget__event a")
            links.first.wait_for()
            assert links.count() == 2
            assert links.first.inner_text().startswith("공예 체험 교실")
            assert links.first.get_attribute("target") == "_blank"
            # The events list refuses to be framed: its frame shows no event.
            page.wait_for_timeout(1000)
            assert page.frame_locator("#list").locator(".event-card").count() == 0
            # A link of the widget opens the full site in a new tab.
            with context.expect_page() as opened:
                links.first.click()
            new_tab = opened.value
            new_tab.wait_for_load_state()
            assert new_tab.url == f"{live_server.url}/ko/events/event-1/"
    finally:
        context.close()


def test_widget_embed_and_open_data_pages_pass_axe(page, live_server, axe, events):
    page.goto(f"{live_server.url}/ko/events/widget/")
    assert page.locator("html").get_attribute("lang") == "ko"
    assert page.locator(".widget__event").count() == 3
    assert axe(page) == []

    page.goto(f"{live_server.url}/ko/events/?venue=culture-factory")
    page.locator(".data-links").get_by_role("link", name="이 행사들을 우리 사이트에 싣기").click()
    page.wait_for_url("**/ko/events/embed/?venue=culture-factory")
    code = page.get_by_label("복사할 코드").input_value()
    assert code.startswith(
        f'<iframe src="{live_server.url}/ko/events/widget/?venue=culture-factory"'
    )
    page.frame_locator(".embed__preview").locator(".widget__event").first.wait_for()
    assert axe(page) == []

    page.goto(f"{live_server.url}/en/open-data/")
    assert page.get_by_role("heading", level=1).inner_text() == "Open data"
    assert page.get_by_text("/api/v1/").is_visible()
    assert axe(page) == []
    with page.expect_download() as info:
        page.locator("a[href$='events.csv?when=all']").click()
    assert info.value.suggested_filename == "events.csv"
