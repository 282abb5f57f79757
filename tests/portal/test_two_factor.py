"""Two-step verification of staff: setting it up, signing in with a code or a recovery
code, the limits on wrong codes, and resetting it (admin action and command)."""

import datetime
import re
import time

import pytest
from django.contrib.admin.models import LogEntry
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.blocks.publishing import PublicationStatus
from portal.models import News
from portal.two_factor import devices
from portal.two_factor.devices import SIGNED_IN_AT_SESSION_KEY
from tests.factories import NewsFactory
from tests.portal.admin_helpers import pass_second_step, set_up_app, totp_code

pytestmark = [pytest.mark.django_db, pytest.mark.two_factor]

PASSWORD = "a-long-password-1"  # tests.portal.admin_helpers.make_staff_user


def english():
    """A browser asking for English (the admin's default language is Korean)."""
    return Client(headers={"accept-language": "en"})


@pytest.fixture
def client():
    return english()


def log_in(client, user, next_url=None):
    response = client.post(
        reverse("admin:login"),
        {
            "username": user.get_username(),
            "password": PASSWORD,
            "next": next_url or reverse("admin:index"),
        },
    )
    assert response.status_code == 302, response.content[:500]
    return response


def app_of(user, confirmed=True):
    return TOTPDevice.objects.get(user=user, confirmed=confirmed)


def wrong_code(device):
    """Six digits that none of the codes the device accepts now (a step either side)
    is."""
    accepted = {totp_code(device, steps) for steps in (-1, 0, 1)}
    return next(
        candidate for candidate in ("000000", "111111", "222222") if candidate not in accepted
    )


def wait_out(model, user):
    """The wait after wrong codes is over: as if the time had passed."""
    model.objects.filter(user=user).update(
        throttling_failure_timestamp=timezone.now() - datetime.timedelta(days=1)
    )


def redirected_to(response, name):
    return response.status_code == 302 and response["Location"].startswith(reverse(name))


def code_error(response):
    return " ".join(response.context["form"].errors.get("code", []))


# --- Setting up -----------------------------------------------------------------------


def test_a_publisher_without_an_app_sets_one_up_before_anything_else(client, publisher):
    log_in(client, publisher)
    held = [
        reverse("admin:index"),
        reverse("admin:portal_news_changelist"),
        reverse("admin:password_change"),
        reverse("admin-deleted-records", args=["portal", "news"]),
        reverse("two_factor:overview"),
        reverse("two_factor:verify"),
        reverse("two_factor:recovery-codes"),
    ]
    for url in held:
        assert redirected_to(client.get(url), "two_factor:setup"), url
    response = client.get(reverse("admin:portal_news_changelist"))
    assert response["Location"] == (
        reverse("two_factor:setup") + "?next=" + "%2Fadmin%2Fportal%2Fnews%2F"
    )
    # Writes are refused too.
    response = client.post(reverse("admin:portal_news_add"), {"title_ko": "소식"})
    assert redirected_to(response, "two_factor:setup")
    assert not News.objects.exists()
    assert client.get(reverse("two_factor:setup")).status_code == 200


def test_setting_up_shows_the_key_then_ten_recovery_codes_once(client, publisher):
    log_in(client, publisher)
    response = client.get(reverse("two_factor:setup"))
    assert response.status_code == 200
    device = app_of(publisher, confirmed=False)
    page = response.content.decode()
    assert devices.secret_text(device) in page
    svg = re.search(r"<svg.*?</svg>", page, re.S).group()
    assert 'role="img"' in svg and "aria-label=" in svg
    # Nothing the site's CSP (no inline style or script) would refuse.
    assert "style=" not in svg and "<script" not in svg
    assert "style-src 'self'" in response["Content-Security-Policy"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    # Reloading keeps the key the person may already have scanned.
    client.get(reverse("two_factor:setup"))
    assert TOTPDevice.objects.filter(user=publisher).get() == device

    response = client.post(reverse("two_factor:setup"), {"code": wrong_code(device)})
    assert response.status_code == 200 and "not right" in code_error(response)
    assert not app_of(publisher, confirmed=False).confirmed
    wait_out(TOTPDevice, publisher)

    response = client.post(reverse("two_factor:setup"), {"code": totp_code(device)})
    assert redirected_to(response, "two_factor:recovery-codes")
    assert app_of(publisher).pk == device.pk
    response = client.get(reverse("two_factor:recovery-codes"))
    codes = response.context["codes"]
    assert len(codes) == 10 == len(set(codes))
    assert set(codes) == set(
        StaticToken.objects.filter(device__user=publisher).values_list("token", flat=True)
    )
    assert all(code in response.content.decode() for code in codes)
    # Shown once.
    assert redirected_to(client.get(reverse("two_factor:recovery-codes")), "two_factor:overview")
    assert client.get(reverse("admin:index")).status_code == 200
    entry = LogEntry.objects.get(object_id=str(publisher.pk))
    assert entry.user == publisher and devices.SET_UP in entry.change_message


def test_a_superuser_must_set_up_an_app_too(client, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.org", PASSWORD)
    log_in(client, admin)
    assert redirected_to(client.get(reverse("admin:index")), "two_factor:setup")


def test_an_editor_needs_no_code_but_may_set_up_an_app(client, editor):
    log_in(client, editor)
    assert client.get(reverse("admin:index")).status_code == 200
    overview = client.get(reverse("two_factor:overview"))
    assert overview.context["enabled"] is False and overview.context["required"] is False
    client.get(reverse("two_factor:setup"))
    device = app_of(editor, confirmed=False)
    response = client.post(reverse("two_factor:setup"), {"code": totp_code(device)})
    assert redirected_to(response, "two_factor:recovery-codes")
    assert client.get(reverse("admin:index")).status_code == 200

    # From now on, the Editor's logins take a code.
    later = english()
    log_in(later, editor)
    assert redirected_to(later.get(reverse("admin:index")), "two_factor:verify")
    response = later.post(reverse("two_factor:verify"), {"code": totp_code(device, 1)})
    assert redirected_to(response, "admin:index")


def test_setting_up_without_a_code_needs_a_recent_password(client, publisher, settings):
    log_in(client, publisher)
    session = client.session
    session[SIGNED_IN_AT_SESSION_KEY] = int(time.time()) - settings.TWO_FACTOR_ENROL_MINUTES * 60
    session.save()
    response = client.get(reverse("two_factor:setup"))
    assert redirected_to(response, "admin:login")
    assert "_auth_user_id" not in client.session  # logged out
    assert not TOTPDevice.objects.filter(user=publisher).exists()


def test_moving_to_a_new_phone_replaces_the_app(client, publisher):
    set_up_app(publisher)
    old = app_of(publisher)
    log_in(client, publisher)
    client.post(reverse("two_factor:verify"), {"code": totp_code(old)})
    client.get(reverse("two_factor:setup"))
    new = app_of(publisher, confirmed=False)
    assert new.key != old.key
    response = client.post(reverse("two_factor:setup"), {"code": totp_code(new)})
    assert redirected_to(response, "two_factor:recovery-codes")
    assert list(TOTPDevice.objects.filter(user=publisher)) == [new]
    assert client.get(reverse("admin:index")).status_code == 200


# --- Signing in -------------------------------------------------------------------------


def test_a_login_with_an_app_asks_for_its_code(client, publisher):
    set_up_app(publisher)
    device = app_of(publisher)
    log_in(client, publisher, next_url=reverse("admin:portal_news_changelist"))
    response = client.get(reverse("admin:portal_news_changelist"))
    assert redirected_to(response, "two_factor:verify")
    page = client.get(response["Location"])
    assert page.status_code == 200 and page.context["next"] == reverse(
        "admin:portal_news_changelist"
    )
    before = client.session.session_key

    response = client.post(reverse("two_factor:verify"), {"code": wrong_code(device)})
    assert response.status_code == 200 and "not right" in code_error(response)
    wait_out(TOTPDevice, publisher)
    # Read once: the app's code changes every 30 seconds, and this test may cross one.
    code = totp_code(device)
    response = client.post(
        reverse("two_factor:verify"),
        {"code": code, "next": reverse("admin:portal_news_changelist")},
    )
    assert response["Location"] == reverse("admin:portal_news_changelist")
    assert client.session.session_key != before
    assert client.get(reverse("admin:portal_news_changelist")).status_code == 200

    # A code is taken once: the same one in another browser is refused.
    other = english()
    log_in(other, publisher)
    response = other.post(reverse("two_factor:verify"), {"code": code})
    assert response.status_code == 200 and "not right" in code_error(response)


def test_verify_goes_only_to_addresses_of_this_site(client, publisher):
    set_up_app(publisher)
    log_in(client, publisher)
    response = client.post(
        reverse("two_factor:verify"),
        {"code": totp_code(app_of(publisher)), "next": "https://elsewhere.example/"},
    )
    assert response["Location"] == reverse("admin:index")


def test_a_recovery_code_works_once(client, publisher):
    codes = set_up_app(publisher)
    log_in(client, publisher)
    response = client.post(
        reverse("two_factor:verify"), {"code": f" {codes[0][:4].upper()}-{codes[0][4:]} "}
    )
    assert redirected_to(response, "admin:index")
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    warning = [str(message) for message in response.context["messages"]]
    assert any("recovery code" in text and "9" in text for text in warning), warning

    again = english()
    log_in(again, publisher)
    response = again.post(reverse("two_factor:verify"), {"code": codes[0]})
    assert response.status_code == 200 and "not right" in code_error(response)
    assert redirected_to(again.get(reverse("admin:index")), "two_factor:verify")
    assert devices.recovery_codes_left(publisher) == 9


def test_wrong_codes_make_each_next_try_wait_longer(client, publisher):
    set_up_app(publisher)
    device = app_of(publisher)
    log_in(client, publisher)
    verify = reverse("two_factor:verify")

    client.post(verify, {"code": wrong_code(device)})
    # At once, even the right code is refused, and not counted.
    response = client.post(verify, {"code": totp_code(device)})
    assert "Too many wrong codes" in code_error(response)
    device.refresh_from_db()
    assert device.throttling_failure_count == 1

    # After ten wrong codes in a row, the wait is 2**9 seconds.
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=10, throttling_failure_timestamp=timezone.now()
    )
    response = client.post(verify, {"code": totp_code(device)})
    seconds = int(re.search(r"(\d+) seconds", code_error(response)).group(1))
    assert 500 <= seconds <= 512
    assert redirected_to(client.get(reverse("admin:index")), "two_factor:verify")
    # Recovery codes have a count of their own.
    StaticDevice.objects.filter(user=publisher).update(
        throttling_failure_count=10, throttling_failure_timestamp=timezone.now()
    )
    code = StaticToken.objects.filter(device__user=publisher).first().token
    assert "Too many wrong codes" in code_error(client.post(verify, {"code": code}))

    wait_out(TOTPDevice, publisher)
    response = client.post(verify, {"code": totp_code(device)})
    assert redirected_to(response, "admin:index")
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_wrong_passwords_still_lock_the_login(client, publisher, settings):
    set_up_app(publisher)
    login = reverse("admin:login")
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(login, {"username": "publisher", "password": "wrong"})
        assert response.status_code == 200
    response = client.post(login, {"username": "publisher", "password": "wrong"})
    assert response.status_code == 429
    response = client.post(login, {"username": "publisher", "password": PASSWORD})
    assert response.status_code == 429
    assert redirected_to(client.get(reverse("two_factor:verify")), "admin:login")


def test_a_password_alone_previews_no_draft(client, publisher):
    set_up_app(publisher)
    draft = NewsFactory(status=PublicationStatus.DRAFT)
    log_in(client, publisher)
    assert client.get(draft.get_absolute_url()).status_code == 404
    client.post(reverse("two_factor:verify"), {"code": totp_code(app_of(publisher))})
    assert client.get(draft.get_absolute_url()).status_code == 200


def test_a_pending_login_may_log_out_and_change_language(client, publisher):
    set_up_app(publisher)
    log_in(client, publisher)
    page = client.get(reverse("two_factor:verify"), headers={"accept-language": "ko"})
    assert "2단계 인증" in page.content.decode()
    page = client.get(reverse("two_factor:verify"), headers={"accept-language": "en"})
    assert "Two-step verification" in page.content.decode()
    response = client.post(reverse("admin:logout"))
    assert response.status_code == 200 and "_auth_user_id" not in client.session


# --- Recovery codes and resets ---------------------------------------------------------


def test_new_recovery_codes_replace_the_old_ones(client, publisher):
    old = set_up_app(publisher)
    log_in(client, publisher)
    # Verified with a recovery code: the session stays verified with new codes.
    client.post(reverse("two_factor:verify"), {"code": old[0]})
    response = client.post(reverse("two_factor:recovery-codes"))
    assert redirected_to(response, "two_factor:recovery-codes")
    new = client.get(reverse("two_factor:recovery-codes")).context["codes"]
    assert len(new) == 10 and not set(new) & set(old)
    assert not devices.check_code(publisher, old[1]).passed
    assert client.get(reverse("admin:index")).status_code == 200
    assert LogEntry.objects.filter(change_message__contains=devices.NEW_CODES).exists()


def test_a_superuser_resets_a_lost_phone_in_the_admin(client, publisher, django_user_model):
    set_up_app(publisher)
    phone = english()
    log_in(phone, publisher)
    phone.post(reverse("two_factor:verify"), {"code": totp_code(app_of(publisher))})
    assert phone.get(reverse("admin:index")).status_code == 200

    root = django_user_model.objects.create_superuser("root", "root@example.org", PASSWORD)
    client.force_login(root)
    pass_second_step(client, root)
    changelist = reverse("admin:auth_user_changelist")
    listed = client.get(changelist, {"two_factor": "on"})
    assert [user.username for user in listed.context["cl"].result_list] == ["publisher", "root"]
    response = client.post(
        changelist,
        {"action": "reset_two_factor", "_selected_action": [publisher.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert not TOTPDevice.objects.filter(user=publisher).exists()
    assert not StaticDevice.objects.filter(user=publisher).exists()
    entry = LogEntry.objects.get(object_id=str(publisher.pk), user=root)
    with override("en"):
        assert "reset" in entry.get_change_message()
    with override("ko"):
        assert "초기화" in entry.get_change_message()
    history = client.get(reverse("admin:auth_user_history", args=[publisher.pk]))
    assert "reset" in history.content.decode()
    # The phone's session is no longer verified: it must set up a new app.
    assert redirected_to(phone.get(reverse("admin:index")), "two_factor:setup")


def test_only_superusers_may_reset(client, make_staff):
    from django.contrib.auth.models import Permission

    manager = make_staff(None, "manager")
    manager.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_user", "change_user", "delete_user"])
    )
    client.force_login(manager)
    response = client.get(reverse("admin:auth_user_changelist"))
    assert response.status_code == 200
    actions = [name for name, _label in response.context["action_form"].fields["action"].choices]
    assert "delete_selected" in actions and "reset_two_factor" not in actions
    publisher = make_staff("Publisher")
    set_up_app(publisher)
    client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [publisher.pk]},
    )
    assert TOTPDevice.objects.filter(user=publisher).exists()


def test_the_reset_command(publisher, capsys):
    set_up_app(publisher)
    call_command("reset_two_factor", "publisher")
    assert "Removed 2" in capsys.readouterr().out
    assert not TOTPDevice.objects.filter(user=publisher).exists()
    assert not StaticDevice.objects.filter(user=publisher).exists()
    call_command("reset_two_factor", "publisher")
    assert "had no" in capsys.readouterr().out
    with pytest.raises(CommandError, match="nobody"):
        call_command("reset_two_factor", "nobody")


@pytest.mark.parametrize("code", ["", "12", "x" * 41, "١٢٣٤٥٦", "²³⁴⁵⁶⁷", "'; --", "0" * 40])
def test_garbage_codes_get_a_message(client, publisher, make_staff, code):
    set_up_app(publisher)
    log_in(client, publisher)
    response = client.post(reverse("two_factor:verify"), {"code": code})
    assert response.status_code == 200 and response.context["form"].errors

    newcomer = english()
    log_in(newcomer, make_staff("Publisher", "newcomer"))
    response = newcomer.post(reverse("two_factor:setup"), {"code": code})
    assert response.status_code == 200 and response.context["form"].errors
