"""Staff log in through the admin's login form, as people do."""

from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.portal.admin_helpers import totp_code

PASSWORD = "a-long-password-for-tests-1"


def give_password(page, live_server, username, password=PASSWORD):
    page.goto(live_server.url + reverse("admin:login"))
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.locator("input[type=submit]").click()
    page.wait_for_load_state()


def log_in(page, live_server, username, password=PASSWORD):
    """Password, then the code of the person's authenticator app when they have one
    (Publishers and superusers must: tests.portal.admin_helpers.set_up_app)."""
    give_password(page, live_server, username, password)
    if reverse("two_factor:verify") in page.url:
        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        page.fill("#id_code", totp_code(device))
        page.locator("input[type=submit]").click()
    page.wait_for_url("**/admin/")
