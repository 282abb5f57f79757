"""A Publisher sets up two-step verification, then logs in with a code from the app and
with a recovery code, in a real browser."""

import base64

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django_otp.oath import totp

from portal.blocks.roles import PUBLISHER, sync_roles
from tests.browser.staff import PASSWORD, give_password

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def publisher(django_user_model):
    sync_roles()  # a transactional test starts from an emptied database
    user = django_user_model.objects.create_user(
        "publisher", "publisher@example.org", PASSWORD, is_staff=True
    )
    user.groups.add(Group.objects.get(name=PUBLISHER))
    return user


def code_from(key, steps_ahead=0):
    """What an authenticator app holding ``key`` shows (or will show)."""
    return f"{totp(key, 30, -steps_ahead * 30, 6):06d}"


def submit(page):
    page.locator("#content-main input[type=submit]").click()
    page.wait_for_load_state()


def log_out(page):
    page.locator("#logout-form button").click()
    page.wait_for_load_state()


def test_a_publisher_sets_up_the_app_and_logs_in_with_codes(new_page, live_server, axe, publisher):
    page = new_page("en-GB")
    give_password(page, live_server, "publisher")
    # Straight from the password to setting up an app: the role requires it.
    assert reverse("two_factor:setup") in page.url
    assert axe(page) == []
    qr_code = page.get_by_role("img", name="QR code of the key for your app")
    assert qr_code.bounding_box()["width"] >= 150
    secret = page.locator("#two-factor-secret").inner_text().replace(" ", "")
    key = base64.b32decode(secret)
    page.fill("#id_code", code_from(key))
    submit(page)

    assert reverse("two_factor:recovery-codes") in page.url
    codes = page.locator("#two-factor-codes code").all_inner_texts()
    assert len(codes) == 10
    assert axe(page) == []
    page.get_by_role("link", name="I have kept them: continue").click()
    page.wait_for_url("**/admin/")
    page.get_by_role("link", name="Two-step verification").click()
    assert "10 unused recovery codes" in page.locator("#content-main").inner_text()
    assert axe(page) == []

    # Next time: password, then a code (the next one: each code is taken once).
    log_out(page)
    give_password(page, live_server, "publisher")
    assert reverse("two_factor:verify") in page.url
    assert axe(page) == []
    page.fill("#id_code", code_from(key, steps_ahead=1))
    submit(page)
    page.wait_for_url("**/admin/")

    # Without the phone: a recovery code, once.
    log_out(page)
    give_password(page, live_server, "publisher")
    page.fill("#id_code", codes[0])
    submit(page)
    page.wait_for_url("**/admin/")
    assert "recovery code" in page.locator(".messagelist").inner_text()

    log_out(page)
    give_password(page, live_server, "publisher")
    page.fill("#id_code", codes[0])
    submit(page)
    assert reverse("two_factor:verify") in page.url
    assert "not right" in page.locator(".errorlist").inner_text()
    assert axe(page) == []


def test_the_setup_page_keeps_to_the_content_security_policy(browser, live_server, publisher):
    # Unlike the other browser tests' pages, this one does not bypass the site's CSP.
    context = browser.new_context(locale="ko-KR")
    try:
        context.add_init_script(
            "window.violations = [];"
            "document.addEventListener('securitypolicyviolation',"
            " event => window.violations.push(event.violatedDirective));"
        )
        page = context.new_page()
        console = []
        page.on("console", lambda message: console.append(message.text))
        give_password(page, live_server, "publisher")
        assert reverse("two_factor:setup") in page.url
        assert page.locator("h1").inner_text() == "2단계 인증 설정"
        qr_code = page.locator("svg.two-factor-qr")
        assert qr_code.bounding_box()["width"] >= 150
        assert page.evaluate("window.violations") == []
        assert not [text for text in console if "Content Security Policy" in text]
    finally:
        context.close()
